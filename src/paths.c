/* paths.c - keeping input files inside the project folder (or allowed folders). */
#include "paths.h"

#include "arena.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

struct tk_paths {
	char **dirs; /* real paths, the project folder first */
	int n;
};

static int add(tk_paths *p, const char *dir, tk_diag *d)
{
	char *real = realpath(dir, NULL);
	if (!real) {
		tk_error(d, NULL, "cannot use folder '%s': %s", dir, strerror(errno));
		return -1;
	}
	p->dirs = tk_xrealloc(p->dirs, sizeof(char *) * (size_t)(p->n + 1));
	p->dirs[p->n++] = real;
	return 0;
}

tk_paths *tk_paths_new(const char *root, tk_diag *d)
{
	tk_paths *p = tk_xcalloc(1, sizeof *p);
	if (add(p, root, d) < 0) {
		tk_paths_free(p);
		return NULL;
	}
	return p;
}

void tk_paths_free(tk_paths *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->n; i++)
		free(p->dirs[i]);
	free(p->dirs);
	free(p);
}

int tk_paths_allow(tk_paths *p, const char *dir, tk_diag *d)
{
	return add(p, dir, d);
}

static int inside(const char *real, const char *dir)
{
	size_t n = strlen(dir);
	if (strcmp(dir, "/") == 0)
		return 1;
	return strncmp(real, dir, n) == 0 && (real[n] == '/' || real[n] == 0);
}

int tk_paths_check(const tk_paths *p, const char *path, const char *what, tk_diag *d,
                   const tk_loc *loc)
{
	if (!p)
		return 0;
	char *real = realpath(path, NULL);
	if (!real) {
		if (errno == ENOENT) {
			/* Not there: check the folder it would be in, so "../../x.png" that does
			 * not exist still reads as outside. */
			char *copy = tk_xstrdup(path);
			char *slash = strrchr(copy, '/');
			if (slash) {
				*slash = 0;
				real = realpath(*copy ? copy : "/", NULL);
			}
			free(copy);
			if (!real)
				return 0;
		} else {
			return 0;
		}
	}
	for (int i = 0; i < p->n; i++) {
		if (inside(real, p->dirs[i])) {
			free(real);
			return 0;
		}
	}
	tk_error(d, loc, "%s '%s' is outside the project folder; trykk reads only files "
	         "inside it (use --allow-outside FOLDER to allow another place)", what, path);
	free(real);
	return -1;
}

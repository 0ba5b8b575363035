/* paths.c - keeping input files inside the project folder (or allowed folders). */
#include "paths.h"

#include "arena.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct tk_paths {
	char **dirs; /* real paths, the project folder first */
	int n;
};

static char *lexical(const char *path);

static int add(tk_paths *p, const char *dir, tk_diag *d)
{
	char *real = realpath(dir, NULL);
	if (!real) {
		tk_error(d, NULL, "cannot use folder '%s': %s", dir, strerror(errno));
		return -1;
	}
	p->dirs = tk_xrealloc(p->dirs, sizeof(char *) * (size_t)(p->n + 1));
	p->dirs[p->n++] = real;
	/* The folder as named too, for paths named through a link to it. */
	char *named = lexical(dir);
	if (named && strcmp(named, real) != 0) {
		p->dirs = tk_xrealloc(p->dirs, sizeof(char *) * (size_t)(p->n + 1));
		p->dirs[p->n++] = named;
	} else {
		free(named);
	}
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

/* The absolute form of path with "." and ".." taken out by name, not by the file
 * system, so a path that climbs out of every folder reads as outside even when
 * the place it names does not exist. */
static char *lexical(const char *path)
{
	char cwd[PATH_MAX];
	const char *base = "";
	if (path[0] != '/') {
		if (!getcwd(cwd, sizeof cwd))
			return NULL;
		base = cwd;
	}
	size_t n = strlen(base) + strlen(path) + 2;
	char *in = tk_xmalloc(n), *out = tk_xmalloc(n);
	snprintf(in, n, "%s/%s", base, path);
	size_t len = 0;
	out[0] = 0;
	for (char *save = NULL, *part = strtok_r(in, "/", &save); part;
	     part = strtok_r(NULL, "/", &save)) {
		if (strcmp(part, ".") == 0)
			continue;
		if (strcmp(part, "..") == 0) {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
			out[len] = 0;
			continue;
		}
		out[len++] = '/';
		size_t k = strlen(part);
		memcpy(out + len, part, k);
		len += k;
		out[len] = 0;
	}
	if (len == 0)
		strcpy(out, "/");
	free(in);
	return out;
}

/* The real path of path, or of its nearest existing ancestor with the rest
 * appended by name; NULL if nothing on the way can be resolved. */
static char *resolve(const char *path)
{
	char *real = realpath(path, NULL);
	if (real || errno != ENOENT)
		return real;
	char *copy = lexical(path);
	if (!copy)
		return NULL;
	char *cut = copy + strlen(copy);
	while (cut > copy) {
		while (cut > copy && *cut != '/')
			cut--;
		char keep = *cut;
		*cut = 0;
		real = realpath(cut == copy ? "/" : copy, NULL);
		*cut = keep;
		if (real) {
			size_t n = strlen(real) + strlen(cut) + 1;
			char *joined = tk_xmalloc(n);
			snprintf(joined, n, "%s%s", strcmp(real, "/") == 0 ? "" : real, cut);
			free(real);
			free(copy);
			return joined;
		}
		if (cut > copy)
			cut--;
	}
	free(copy);
	return NULL;
}

static int inside_any(const tk_paths *p, const char *path)
{
	for (int i = 0; i < p->n; i++)
		if (inside(path, p->dirs[i]))
			return 1;
	return 0;
}

int tk_paths_inside(const tk_paths *p, const char *path)
{
	if (!p)
		return 1;
	/* Both the path as named and the path the file system makes of it (through
	 * symbolic links) must lie inside an allowed folder. */
	char *named = lexical(path);
	char *real = resolve(path);
	int ok = (!named || inside_any(p, named)) && (!real || inside_any(p, real));
	free(named);
	free(real);
	return ok;
}

int tk_paths_check(const tk_paths *p, const char *path, const char *what, tk_diag *d,
                   const tk_loc *loc)
{
	if (tk_paths_inside(p, path))
		return 0;
	tk_error(d, loc, "%s '%s' is outside the project folder; trykk reads only files "
	         "inside it (use --allow-outside FOLDER to allow another place)", what, path);
	return -1;
}

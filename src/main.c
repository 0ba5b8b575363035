/* main.c - the command line: subcommands, options, exit codes. Nothing else. */
#include "diag.h"
#include "job.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *tk_version(void);

static const char usage[] =
    "usage: trykk build [FILE...] [-o DIR] [--layout FILE] [--only LIST] [-q] [-v]\n"
    "       trykk --help | --version\n"
    "\n"
    "Turns YAML content files and YAML layouts into print-ready PDFs.\n"
    "\n"
    "  build            build FILEs (default: every content/*.yaml)\n"
    "  -o, --out DIR    output folder (default: out)\n"
    "  --layout FILE    use this layout instead of the one the content names\n"
    "  --only LIST      outputs to make, comma-separated: print, screen, proof, trace\n"
    "                   (default: print,screen,proof)\n"
    "  --root DIR       project folder holding fonts/ and layouts/ (default: .)\n"
    "  --allow-outside DIR  also read pictures and files from DIR (outside the project)\n"
    "  -q, --quiet      no progress lines, errors only\n"
    "  -v, --verbose    also informational messages (e.g. sizes chosen by fit)\n"
    "\n"
    "Outputs for content/NAME.yaml: out/NAME.pdf (print: CMYK, bleed, crop marks),\n"
    "out/NAME-screen.pdf (RGB, trimmed) and out/NAME-proof-N.png (page proofs).\n"
    "Exit codes: 0 ok, 1 errors in the input, 2 usage, 3 output or I/O failure.\n";

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every .yaml file in content/, sorted so runs are repeatable. */
static int list_content(const char *dir, char ***out)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int n = 0, cap = 16;
	char **v = malloc(sizeof(char *) * (size_t)cap);
	struct dirent *de;
	while (v && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".yaml") != 0 || de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap *= 2;
			char **nv = realloc(v, sizeof(char *) * (size_t)cap);
			if (!nv)
				break;
			v = nv;
		}
		size_t need = strlen(dir) + len + 2;
		v[n] = malloc(need);
		if (!v[n])
			break;
		snprintf(v[n], need, "%s/%s", dir, de->d_name);
		n++;
	}
	closedir(d);
	qsort(v, (size_t)n, sizeof(char *), cmp);
	*out = v;
	return n;
}

static int parse_only(const char *s, unsigned *out)
{
	*out = 0;
	char buf[256];
	snprintf(buf, sizeof buf, "%s", s);
	for (char *t = strtok(buf, ","); t; t = strtok(NULL, ",")) {
		if (strcmp(t, "print") == 0)
			*out |= TK_OUT_PRINT;
		else if (strcmp(t, "screen") == 0)
			*out |= TK_OUT_SCREEN;
		else if (strcmp(t, "proof") == 0 || strcmp(t, "png") == 0)
			*out |= TK_OUT_PROOF;
		else if (strcmp(t, "trace") == 0)
			*out |= TK_OUT_TRACE;
		else {
			fprintf(stderr, "trykk: error: --only: unknown output '%s' (print, screen, "
			                "proof, trace)\n", t);
			return -1;
		}
	}
	return *out ? 0 : -1;
}

static int cmd_build(int argc, char **argv)
{
	tk_job_opts o = {0};
	const char **files = calloc((size_t)argc + 1, sizeof(char *));
	int nfiles = 0;
	if (!files)
		return TK_EXIT_IO;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		if ((strcmp(a, "-o") == 0 || strcmp(a, "--out") == 0) && val) {
			o.out_dir = val;
			i++;
		} else if (strcmp(a, "--layout") == 0 && val) {
			o.layout = val;
			i++;
		} else if (strcmp(a, "--allow-outside") == 0 && val) {
			static const char *allow[16];
			if (o.n_allow < 16)
				allow[o.n_allow++] = val;
			o.allow = allow;
			i++;
		} else if (strcmp(a, "--root") == 0 && val) {
			o.root = val;
			i++;
		} else if (strcmp(a, "--only") == 0 && val) {
			if (parse_only(val, &o.outputs) < 0) {
				free(files);
				return TK_EXIT_USAGE;
			}
			i++;
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			o.quiet = 1;
		} else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			o.verbose = 1;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "trykk: error: unknown or incomplete option '%s'\n%s", a, usage);
			free(files);
			return TK_EXIT_USAGE;
		} else {
			files[nfiles++] = a;
		}
	}
	o.progress = isatty(2);
	tk_diag *d = tk_diag_new(stderr);
	tk_diag_set_level(d, o.verbose ? TK_INFO : TK_WARNING);
	char **listed = NULL;
	int nlisted = 0;
	if (nfiles == 0) {
		char dir[4096];
		snprintf(dir, sizeof dir, "%s/content", o.root ? o.root : ".");
		nlisted = list_content(dir, &listed);
		if (nlisted <= 0) {
			fprintf(stderr, "trykk: error: no content files to build in '%s'\n", dir);
			tk_diag_free(d);
			free(files);
			free(listed);
			return TK_EXIT_USAGE;
		}
		free(files);
		files = calloc((size_t)nlisted + 1, sizeof(char *));
		if (!files) {
			tk_diag_free(d);
			return TK_EXIT_IO;
		}
		for (int i = 0; i < nlisted; i++)
			files[nfiles++] = listed[i];
	}
	int rc = TK_EXIT_OK;
	tk_session *s = tk_session_new(&o, d);
	if (!s)
		rc = TK_EXIT_INPUT;
	for (int i = 0; s && i < nfiles; i++) {
		int r = tk_job_build(s, files[i]);
		if (r > rc)
			rc = r;
	}
	tk_session_free(s);
	tk_diag_free(d);
	for (int i = 0; i < nlisted; i++)
		free(listed[i]);
	free(listed);
	free(files);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return TK_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage, stdout);
		return TK_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("trykk %s\n", tk_version());
		return TK_EXIT_OK;
	}
	if (strcmp(argv[1], "build") == 0)
		return cmd_build(argc - 2, argv + 2);
	fprintf(stderr, "trykk: error: unknown command '%s'\n%s", argv[1], usage);
	return TK_EXIT_USAGE;
}

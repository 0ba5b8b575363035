/* main.c - the command line: subcommands, options, exit codes. Nothing else. */
#include "diag.h"
#include "job.h"
#include "backend/out.h"
#include "jobs.h"
#include "model/model.h"
#include "preflight.h"
#include "schema.h"
#include "watch.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *tk_version(void);

static const char usage[] =
    "usage: trykk build [FILE...] [-o DIR] [--layout FILE] [--only LIST] [-q] [-v]\n"
    "       trykk preflight [FILE...] [--json] [--layout FILE] [-q] [-v]\n"
    "       trykk watch [FILE...] [-o DIR] [--layout FILE] [--max-rebuilds N] [-q] [-v]\n"
    "       trykk schema content|layout\n"
    "       trykk --help | --version\n"
    "\n"
    "Turns YAML content files and YAML layouts into print-ready PDFs.\n"
    "\n"
    "  build            build FILEs (default: every content/*.yaml)\n"
    "  preflight        lay out FILEs and check them for print; writes nothing\n"
    "  watch            build screen PDFs and proofs, again whenever an input changes\n"
    "  schema           print the JSON Schema of content or layout files\n"
    "  -o, --out DIR    output folder (default: out)\n"
    "  --layout FILE    use this layout instead of the one the content names\n"
    "  --only LIST      outputs to make, comma-separated: print, screen, proof, trace\n"
    "                   (default: print,screen,proof; watch: screen,proof)\n"
    "  --root DIR       project folder holding fonts/ and layouts/ (default: .)\n"
    "  --allow-outside DIR  also read pictures and files from DIR (outside the project)\n"
    "  --json           preflight: print the findings as JSON on standard output\n"
    "  --max-rebuilds N watch: stop after N rebuilds (default: run until Ctrl-C)\n"
    "  -q, --quiet      no progress lines, errors only\n"
    "  -v, --verbose    also informational messages (e.g. sizes chosen by fit)\n"
    "\n"
    "Outputs for content/NAME.yaml: out/NAME.pdf (print: CMYK, bleed, crop marks),\n"
    "out/NAME-screen.pdf (RGB, trimmed) and out/NAME-proof-N.png (page proofs).\n"
    "Every build is preflighted: warnings are shown, errors stop it before it writes.\n"
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

/* Which options a command takes besides --layout, --root, --allow-outside, -q, -v. */
enum { OPT_OUT = 1, OPT_ONLY = 2, OPT_JSON = 4, OPT_MAX = 8 };

/* A command's parsed arguments; args_free frees the file list and what
 * list_content allocated. */
typedef struct args {
	tk_job_opts o;
	const char **files;
	int nfiles;
	char **listed;
	int nlisted;
	int json;
	int max_rebuilds;
} args;

static void args_free(args *g)
{
	for (int i = 0; i < g->nlisted; i++)
		free(g->listed[i]);
	free(g->listed);
	free(g->files);
}

/* Parses argv into g; returns TK_EXIT_OK, or the exit code after a message. With
 * no FILE, every .yaml file in content/ is taken. build's options are
 * parsed exactly as they always were; the other commands refuse what they do not
 * use. */
static int parse_args(int argc, char **argv, unsigned allowed, args *g)
{
	tk_job_opts *o = &g->o;
	*g = (args){0};
	g->files = calloc((size_t)argc + 1, sizeof(char *));
	if (!g->files)
		return TK_EXIT_IO;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		if ((allowed & OPT_OUT) && (strcmp(a, "-o") == 0 || strcmp(a, "--out") == 0) && val) {
			o->out_dir = val;
			i++;
		} else if (strcmp(a, "--layout") == 0 && val) {
			o->layout = val;
			i++;
		} else if (strcmp(a, "--allow-outside") == 0 && val) {
			static const char *allow[16];
			if (o->n_allow < 16)
				allow[o->n_allow++] = val;
			o->allow = allow;
			i++;
		} else if (strcmp(a, "--root") == 0 && val) {
			o->root = val;
			i++;
		} else if ((allowed & OPT_ONLY) && strcmp(a, "--only") == 0 && val) {
			if (parse_only(val, &o->outputs) < 0)
				return TK_EXIT_USAGE;
			i++;
		} else if ((allowed & OPT_JSON) && strcmp(a, "--json") == 0) {
			g->json = 1;
		} else if ((allowed & OPT_MAX) && strcmp(a, "--max-rebuilds") == 0 && val) {
			char *end;
			long n = strtol(val, &end, 10);
			if (!*val || *end || n < 0 || n > 1000000) {
				fprintf(stderr, "trykk: error: --max-rebuilds: '%s' is not a count\n", val);
				return TK_EXIT_USAGE;
			}
			g->max_rebuilds = (int)n;
			i++;
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			o->quiet = 1;
		} else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			o->verbose = 1;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "trykk: error: unknown or incomplete option '%s'\n%s", a, usage);
			return TK_EXIT_USAGE;
		} else {
			g->files[g->nfiles++] = a;
		}
	}
	o->progress = isatty(2);
	if (g->nfiles == 0) {
		char dir[4096];
		snprintf(dir, sizeof dir, "%s/content", o->root ? o->root : ".");
		g->nlisted = list_content(dir, &g->listed);
		if (g->nlisted <= 0) {
			fprintf(stderr, "trykk: error: no content files to build in '%s'\n", dir);
			if (g->nlisted < 0)
				g->nlisted = 0;
			return TK_EXIT_USAGE;
		}
		free(g->files);
		g->files = calloc((size_t)g->nlisted + 1, sizeof(char *));
		if (!g->files)
			return TK_EXIT_IO;
		for (int i = 0; i < g->nlisted; i++)
			g->files[g->nfiles++] = g->listed[i];
	}
	return TK_EXIT_OK;
}

static int cmd_build(int argc, char **argv)
{
	args g;
	int rc = parse_args(argc, argv, OPT_OUT | OPT_ONLY, &g);
	if (rc != TK_EXIT_OK) {
		args_free(&g);
		return rc;
	}
	tk_diag *d = tk_diag_new(stderr);
	tk_diag_set_level(d, g.o.verbose ? TK_INFO : TK_WARNING);
	tk_session *s = tk_session_new(&g.o, d);
	if (!s)
		rc = TK_EXIT_INPUT;
	if (s) /* documents side by side, messages in file order (jobs.h) */
		rc = tk_jobs_build(s, (const char *const *)g.files, g.nfiles);
	tk_session_free(s);
	tk_diag_free(d);
	args_free(&g);
	return rc;
}

/* trykk preflight: every FILE laid out and checked, nothing written. Messages go
 * to stderr as in a build (informational ones with -v, as there: fit reports
 * would drown the findings); --json prints every finding, infos too, on stdout. What the loading and layout stages
 * report (text that does not fit, missing glyphs, YAML errors) is not a preflight
 * finding; in JSON it is summed up per file as rule "layout". */
static int cmd_preflight(int argc, char **argv)
{
	args g;
	int rc = parse_args(argc, argv, OPT_JSON, &g);
	if (rc != TK_EXIT_OK) {
		args_free(&g);
		return rc;
	}
	tk_diag *d = tk_diag_new(stderr);
	tk_diag_set_level(d, g.o.quiet ? TK_ERROR : g.o.verbose ? TK_INFO : TK_WARNING);
	tk_findings all = {0};
	tk_preflight_configure(&all, 1);
	g.o.progress = 0;
	tk_session *s = tk_session_new(&g.o, d);
	if (!s)
		rc = TK_EXIT_INPUT;
	for (int i = 0; s && i < g.nfiles; i++) {
		int from = all.n, e0 = tk_diag_errors(d), w0 = tk_diag_warnings(d);
		int r = tk_job_build(s, g.files[i]);
		if (r > rc)
			rc = r;
		int pe = tk_findings_count(&all, from, TK_ERROR);
		int pw = tk_findings_count(&all, from, TK_WARNING);
		int le = tk_diag_errors(d) - e0 - pe, lw = tk_diag_warnings(d) - w0 - pw;
		tk_loc at = {g.files[i], 0, 0};
		char msg[256];
		if (le > 0) {
			snprintf(msg, sizeof msg, "%d error%s in loading or layout (not checked further; "
			         "see the messages on standard error)", le, le == 1 ? "" : "s");
			tk_findings_add(&all, TK_ERROR, "layout", msg, 0, NULL, &at);
		}
		if (lw > 0) {
			snprintf(msg, sizeof msg, "%d warning%s in loading or layout (see the messages "
			         "on standard error)", lw, lw == 1 ? "" : "s");
			tk_findings_add(&all, TK_WARNING, "layout", msg, 0, NULL, &at);
		}
		if (!g.o.quiet)
			fprintf(stderr, "trykk: preflight %s: %d error%s, %d warning%s, %d info\n",
			        g.files[i], pe + le, pe + le == 1 ? "" : "s", pw + lw,
			        pw + lw == 1 ? "" : "s", tk_findings_count(&all, from, TK_INFO));
	}
	tk_preflight_configure(NULL, 0);
	if (g.json) {
		tk_findings_json(&all, stdout);
		if (fflush(stdout) != 0 && rc < TK_EXIT_IO)
			rc = TK_EXIT_IO;
	}
	tk_findings_free(&all);
	tk_session_free(s);
	tk_diag_free(d);
	args_free(&g);
	return rc;
}

static int cmd_watch(int argc, char **argv)
{
	args g;
	int rc = parse_args(argc, argv, OPT_OUT | OPT_ONLY | OPT_MAX, &g);
	if (rc == TK_EXIT_OK) {
		if (!g.o.outputs)
			g.o.outputs = TK_OUT_SCREEN | TK_OUT_PROOF;
		rc = tk_watch(&g.o, g.files, g.nfiles, g.max_rebuilds);
	}
	args_free(&g);
	return rc;
}

static int cmd_schema(int argc, char **argv)
{
	const tk_keyset *ks = NULL;
	if (argc == 1 && strcmp(argv[0], "content") == 0)
		ks = &tk_content_keys;
	else if (argc == 1 && strcmp(argv[0], "layout") == 0)
		ks = &tk_layout_keys;
	if (!ks) {
		fprintf(stderr, "trykk: error: schema: say which: 'trykk schema content' or 'trykk "
		                "schema layout'\n%s", usage);
		return TK_EXIT_USAGE;
	}
	if (tk_schema_write(stdout, ks, argv[0]) < 0) {
		fprintf(stderr, "trykk: error: cannot write the schema to standard output\n");
		return TK_EXIT_IO;
	}
	return TK_EXIT_OK;
}

int main(int argc, char **argv)
{
	tk_atomic_signals();
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
	if (strcmp(argv[1], "preflight") == 0)
		return cmd_preflight(argc - 2, argv + 2);
	if (strcmp(argv[1], "watch") == 0)
		return cmd_watch(argc - 2, argv + 2);
	if (strcmp(argv[1], "schema") == 0)
		return cmd_schema(argc - 2, argv + 2);
	fprintf(stderr, "trykk: error: unknown command '%s'\n%s", argv[1], usage);
	return TK_EXIT_USAGE;
}

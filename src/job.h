/* job.h - one build of one content file: load, model, layout, outputs. */
#ifndef TK_JOB_H
#define TK_JOB_H
#include "diag.h"

enum {
	TK_OUT_PRINT = 1,
	TK_OUT_SCREEN = 2,
	TK_OUT_PROOF = 4,
	TK_OUT_TRACE = 8,
	TK_OUT_DEFAULT = TK_OUT_PRINT | TK_OUT_SCREEN | TK_OUT_PROOF
};

/* Exit codes (also the CLI's). */
enum { TK_EXIT_OK = 0, TK_EXIT_INPUT = 1, TK_EXIT_USAGE = 2, TK_EXIT_IO = 3 };

typedef struct tk_job_opts {
	const char *out_dir;       /* default "out" */
	const char *layout;        /* --layout FILE overriding the content's layout */
	const char *root;          /* project folder with fonts/ and layouts/, default "." */
	unsigned outputs;          /* TK_OUT_* */
	double proof_dpi;          /* default 100 */
	const char **allow;        /* --allow-outside folders */
	int n_allow;
	int verbose, quiet, progress;
} tk_job_opts;

/* Shared state across the documents of one run (fonts are loaded once). */
typedef struct tk_session tk_session;

/* Returns NULL after reporting when fonts/ cannot be used. */
tk_session *tk_session_new(const tk_job_opts *o, tk_diag *d);
void tk_session_free(tk_session *s);
/* Readies the session to be copied by fork (tk_shaper_settle). */
void tk_session_before_fork(tk_session *s);

/* Builds one content file; returns a TK_EXIT_* code. */
int tk_job_build(tk_session *s, const char *content_path);

#endif

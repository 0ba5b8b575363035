/* preflight.h - the checks a print shop makes before it prints, on a laid-out
 * document.
 *
 * tk_preflight reads a finished display list (and the layout it came from) and
 * reports what would print badly: pictures of too low resolution, text and codes
 * too close to the trim, backgrounds that stop at the trim instead of running into
 * the bleed, hairlines, too much ink, small type in four-colour black or reversed
 * out of a colour, fonts from outside fonts/, a layout whose trim is not the size
 * the content asks for. Every finding names the page, the
 * frame and the YAML line that made it. It changes nothing: a pure function over
 * the display list and the model.
 *
 * Text that overflows its frame and characters no font has are not preflight's:
 * the layout stage reports them as errors and stops before preflight runs. */
#ifndef TK_PREFLIGHT_H
#define TK_PREFLIGHT_H
#include "diag.h"
#include "dl/dl.h"
#include "model/model.h"

#include <stdio.h>

/* One finding. Strings are owned by the tk_findings list that holds it (copies,
 * so the list outlives the job whose arena the document lived in). */
typedef struct tk_finding {
	tk_severity severity;      /* TK_ERROR, TK_WARNING or TK_INFO */
	const char *rule;          /* static name: "image-resolution", "safe-margin", ... */
	char *message;             /* without the page and frame (they are fields) */
	int page;                  /* 1-based; 0 when not on one page (a swatch) */
	char *frame;               /* frame name, or NULL */
	tk_loc loc;                /* the YAML that made it; file NULL when none */
} tk_finding;

/* A growing list of findings; start with {0}, free with tk_findings_free. */
typedef struct tk_findings {
	int n, cap;
	tk_finding *v;
} tk_findings;

/* Frees what the list holds and leaves it empty (NULL is fine). */
void tk_findings_free(tk_findings *f);
/* Appends a copy of the strings given; frame and loc may be NULL. */
void tk_findings_add(tk_findings *f, tk_severity sev, const char *rule, const char *message,
                     int page, const char *frame, const tk_loc *loc);
/* Number of findings from index from on with severity sev. */
int tk_findings_count(const tk_findings *f, int from, tk_severity sev);
/* Prints the list as a JSON array of {severity, rule, message, page, frame, file,
 * line, col} objects (null for what a finding does not have), one per line. */
void tk_findings_json(const tk_findings *f, FILE *out);

/* Limits the rules use (public so tests and documentation can name them). */
#define TK_PREFLIGHT_GOOD_PPI 300.0    /* below: warning */
#define TK_PREFLIGHT_MIN_PPI 150.0     /* below: error */
#define TK_PREFLIGHT_MIN_LINE 0.25     /* points; thinner strokes: warning */
#define TK_PREFLIGHT_MAX_INK 300.0     /* percent of total ink; more: warning */
#define TK_PREFLIGHT_MIN_TYPE 6.0      /* points; smaller rich black or reversed text */
#define TK_PREFLIGHT_EDGE 0.5          /* points: a fill edge this close touches the trim */

typedef struct tk_preflight_opts {
	const char *fonts_dir;     /* every font must come from here; NULL: not checked */
	const tk_content *content; /* its size: must be the layout's trim; NULL: any */
} tk_preflight_opts;

/* Checks doc, laid out from layout l (o may be NULL). Each finding is reported to d
 * (page and frame in the message) and, when out is not NULL, appended to out.
 * Returns 0 when there was no error-level finding, -1 when there was. */
int tk_preflight(const tk_doc *doc, const tk_layout *l, const tk_preflight_opts *o,
                 tk_diag *d, tk_findings *out);
/* The same a page at a time, for pages that are not kept until the end (a data
 * merge written as it is laid out): begin, each page with its 0-based index in
 * order, then end, which reports, frees the run and returns as tk_preflight (d
 * NULL: a run given up, freed without a word). */
typedef struct tk_preflight_run tk_preflight_run;
tk_preflight_run *tk_preflight_begin(const tk_layout *l, const tk_preflight_opts *o);
void tk_preflight_page(tk_preflight_run *r, const tk_page *page, int index);
int tk_preflight_end(tk_preflight_run *r, tk_diag *d, tk_findings *out);

/* The preflight every build runs (called by job.c right after layout). The CLI sets
 * for the whole run where findings are collected as well (NULL: nowhere) and
 * whether builds stop after preflight without writing anything (`trykk
 * preflight`). Not thread-safe: one setting per process. */
void tk_preflight_configure(tk_findings *collect, int stop_after);
/* Whether builds stop after their preflight (trykk preflight): nothing is written. */
int tk_preflight_stops(void);
/* Runs tk_preflight with the configured settings. Returns -1 when it found errors
 * (the build stops), 1 when the build is to stop here successfully (preflight
 * only), 0 when the build goes on to write its outputs. */
int tk_preflight_job(const tk_doc *doc, const tk_layout *l, const tk_content *c,
                     const char *fonts_dir, tk_diag *d);
/* tk_preflight_job a page at a time (tk_preflight_page between the two). */
tk_preflight_run *tk_preflight_job_begin(const tk_layout *l, const tk_content *c,
                                         const char *fonts_dir);
int tk_preflight_job_end(tk_preflight_run *r, tk_diag *d);

#endif

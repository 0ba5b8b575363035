/* layout.h - the layout stage: content + layout spec -> display list pages.
 *
 * For each page of the layout, frames are placed in order: rectangles and lines,
 * pictures (cropped or fitted, clipped to the frame), QR codes as vector modules, and
 * text, shaped by text/shape.c and set line by line on the frame's columns, shrunk
 * to fit where the frame asks for it. Text that does not fit is an error naming
 * the frame and the content line; nothing is cut silently. */
#ifndef TK_LAYOUT_H
#define TK_LAYOUT_H
#include "../dl/dl.h"
#include "../img/image.h"
#include "../model/model.h"
#include "../text/text.h"

/* A heading as set, for the table of contents and the running head. */
typedef struct tk_heading {
	const char *title;
	int level;
	int page;                  /* 0-based page index */
	const char *label;         /* printed page number */
} tk_heading;

typedef struct tk_engine {
	tk_arena *a;
	tk_diag *d;
	tk_shaper *shaper;
	tk_hyph *hyph;
	tk_images *images;
	const tk_layout *layout;
	const tk_content *content;
	const char *lang;
	int verbose;
	const struct tk_paths *paths; /* where pictures may come from */
	struct tk_shape_memo *shapes; /* shaped paragraphs of this job by text, style,
	                               * width and scale (flow.c; NULL until used) */
	/* QR codes made so far, by frame and text: a data merge repeats the same code
	 * on every back, and a path is read-only once made (page.c) */
	struct {
		const void *frame;
		const char *text;
		struct tk_path *path;
	} qr_cache[8];
	int qr_next;
	/* names of the fields the layout asked for (data merge: to warn about record
	 * fields no frame shows); arena memory, NULL until used */
	const char **asked;
	int n_asked, cap_asked;
	/* the record being merged (data merge), or none */
	const tk_field *record;
	int n_record;
	/* data merge: the names of every record's fields (NULL: too many to list, so
	 * every field counts as a record's), and whether what is being laid out has
	 * used one of them, the page number, the section or a heading: a page that
	 * has not is the same for every record (page.c shares it) */
	const char **record_names;
	int n_record_names;
	int varies;
	/* data merge: the crop marks, one shared body per page size, in the job's
	 * arena (page.c) */
	struct tk_page *marks_bodies[4];
	int n_marks_bodies;
	/* The job's arena when a is a record's own (a data merge written as it is
	 * laid out, job.c): what outlives a record (the names of the fields asked for,
	 * headings) goes here. NULL: a is the job's. */
	tk_arena *ja;
	/* Called before and after each record of a data merge is laid out (NULL:
	 * not), with page_done_ctx: job.c switches a to the record's arena there and
	 * frees the arenas of records that have been written. */
	void (*record_begin)(void *ctx, int record);
	void (*record_end)(void *ctx, int record);
	struct {                    /* qr_cache as tk_layout_keep found it */
		const void *frame;
		const char *text;
		struct tk_path *path;
	} qr_kept[8];
	int qr_next_kept;
	/* Called with every page of a data merge as it is finished (NULL: not), so
	 * that the caller can hand it on (job.c: to the print PDF's thread). */
	void (*page_done)(void *ctx, tk_page *page);
	void *page_done_ctx;
	/* state while laying out */
	tk_doc *doc;
	const char *page_label;    /* folio of the page being made ("" on pages without) */
	const char *section;       /* last top-level heading set, for running heads */
	tk_heading *headings;
	int n_headings, cap_headings;
} tk_engine;

/* Lays out every page into doc (pages appended). Returns 0, or -1 after reporting
 * all errors found. */
int tk_layout_doc(tk_engine *e, tk_doc *doc);

/* A data merge written as it is laid out (job.c) lays each record after the first
 * few out in an arena of its own, freed once the record's pages are written. What
 * the engine remembers from record to record (shaped paragraphs, QR codes) is kept
 * as it is after the first few records, which are laid out in the job's arena,
 * and put back before each later one (record_begin), so that nothing remembered
 * points into a freed arena. tk_flow_memo_keep/back do the shaped paragraphs
 * (flow.c). */
void tk_layout_keep(tk_engine *e);
/* The arena for what outlives the record being laid out: ja, or a when a is the
 * job's. */
static inline tk_arena *tk_engine_job_arena(const tk_engine *e)
{
	return e->ja ? e->ja : e->a;
}
void tk_layout_back(tk_engine *e);
void tk_flow_memo_keep(tk_engine *e);
void tk_flow_memo_back(tk_engine *e);

/* Draws one line of plain text (Lato Regular at size points, registration colour
 * when mark is set, else black) with its baseline starting at x,y on page: sheet
 * labels, slug lines. Items get is_mark = mark. Returns 0 or -1 after reporting. */
int tk_layout_label(tk_arena *a, tk_diag *d, tk_shaper *sh, tk_page *page, double x,
                    double y, double size, const char *text, int mark);

/* Shaped pieces of labels, for many labels that differ in their numbers only
 * (slug lines): start with {0} on the stack, use with one arena. */
#define TK_LABEL_MEMO 64
typedef struct tk_label_memo {
	tk_arena *a; /* where the pieces it keeps are shaped (NULL: the caller's) */
	int n;
	struct {
		const char *text;
		int len, mark;
		double size;
		const struct tk_line *line;
	} e[TK_LABEL_MEMO];
} tk_label_memo;
/* tk_layout_label with a memo (NULL: none). */
int tk_layout_label_memo(tk_arena *a, tk_diag *d, tk_shaper *sh, tk_label_memo *m,
                         tk_page *page, double x, double y, double size, const char *text,
                         int mark);

/* Adds crop marks for page (items with is_mark, registration colour, outside the
 * bleed) when the page has a slug. */
void tk_marks_add(tk_arena *a, tk_page *page);

#endif

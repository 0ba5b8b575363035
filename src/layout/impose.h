/* impose.h - finished pages onto press sheets.
 *
 * A sheet is a page whose items place other pages (TK_ITEM_PAGE) under a clip, so
 * every backend prints sheets without knowing about imposition. Two methods:
 *
 * - saddle stitch: pages two-up in stitching order (for 16 pages: 16|1, 2|15, 14|3,
 *   4|13, ...), front and back of each sheet, spine at the sheet's centre, with crop
 *   marks at the outer corners, a fold mark at the spine and creep compensation;
 * - n-up: cards stepped across the sheet, as many as fit with their bleed; with
 *   duplex the backs are mirrored (turned on the long edge) so each back lies behind
 *   its front; crop marks at every cut, outside the card area.
 * Each side gets a label in its margin: job, sheet n of m, front or back. */
#ifndef TK_IMPOSE_H
#define TK_IMPOSE_H
#include "layout.h"

typedef struct tk_impose_opts {
	tk_impose_method method;
	double sheet_w, sheet_h;   /* press sheet, points */
	double creep;              /* saddle: shift toward the spine per sheet inward */
	double gap;                /* n-up: space between cards (at least 2 x bleed) */
	int duplex;                /* n-up: pages are front, back, front, back, ... */
	const char *job;           /* for the sheet label */
	tk_label_memo *memo;       /* the sheet labels' pieces, shaped once (NULL: none) */
	tk_loc loc;                /* the layout's impose: section, for messages */
} tk_impose_opts;

/* Saddle-stitch order for n pages (a multiple of 4): order[4s + 0..3] = 0-based page
 * numbers on sheet s (outermost first): front left, front right, back left, back right. */
void tk_impose_saddle_order(int n, int *order);
/* Points a page of sheet s (0 = outermost) of n_sheets moves toward the spine:
 * creep grows by `creep` per sheet inward, as paper thickness pushes inner pages out. */
double tk_impose_creep(int sheet, int n_sheets, double creep);
/* Cards that fit across and down a sheet (0 when none fits). */
void tk_impose_nup_grid(const tk_impose_opts *o, double card_w, double card_h, double bleed,
                        int *cols, int *rows);
/* Imposes doc's pages onto sheets appended to out (zero-initialised by the caller).
 * Returns 0, or -1 after reporting (pages not a multiple of 4, sheet too small). */
int tk_impose(tk_arena *a, tk_diag *d, tk_shaper *sh, const tk_doc *doc,
              const tk_impose_opts *o, tk_doc *out);

/* n-up a sheet at a time, for a data merge whose pages are not all kept (job.c):
 * tk_impose_begin gives out doc's title, dates and print condition; then
 * tk_impose_nup_sheets appends sheets [from, to) of the imposition of a document
 * of n_total pages, of which doc holds the first doc->n_pages (each of those
 * sheets' pages must be among them). The same sheets as tk_impose makes.
 * tk_impose_nup_pages_per_sheet: how many of doc's pages a sheet takes (0: a card
 * does not fit, which tk_impose_nup_sheets reports). */
void tk_impose_begin(const tk_doc *doc, tk_doc *out);
int tk_impose_nup_sheets(tk_arena *a, tk_diag *d, tk_shaper *sh, const tk_doc *doc,
                         int n_total, const tk_impose_opts *o, int from, int to, tk_doc *out);
int tk_impose_nup_pages_per_sheet(const tk_impose_opts *o, const tk_page *p0);

#endif

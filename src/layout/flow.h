/* flow.h - setting a story into a sequence of regions (columns of frames, and the
 * pieces of columns that wrapped frames leave), page after page.
 *
 * A region is a rectangle on a page. Regions that continue a column (the part of a
 * column below a wrapped picture) keep the baseline rhythm; a region that starts a
 * column starts with the first line's ascent. The filler is resumable: it sets as
 * much as fits into one region and returns; the caller hands it the next region,
 * adding pages from a master as long as the story goes on. */
#ifndef TK_FLOW_H
#define TK_FLOW_H
#include "layout.h"

typedef struct tk_region {
	tk_page *page;
	const tk_frame *frame;
	double x, y, w, h;
	int new_column;
	int grid;                  /* lines snap to the layout's baseline grid */
} tk_region;

typedef struct tk_placed {
	const tk_line *ln;
	const tk_para *p;
	tk_page *page;
	const tk_frame *frame;
	double x, baseline;
	int para_first;            /* first line of a whole paragraph (not of a tail) */
	const tk_image *img;       /* a figure instead of a line (ln NULL): top-left at */
	double img_w, img_h;       /* x, baseline */
} tk_placed;

#define TK_SHAPE_CACHE 4

typedef struct tk_flow {
	tk_engine *e;
	double scale;
	const tk_para *cur;        /* what is left to set (NULL: done) */
	double y;                  /* last baseline in the current column */
	int have_y;
	double pending;            /* space after the last paragraph */
	int in_col;                /* lines in the current column */
	tk_placed *out;
	int n, cap;
	int overfull;
	const tk_para *overfull_at;
	int missing;
	const tk_para *missing_at;
	char missing_char[8];
	double bottom;             /* lowest descent set in the last region */
	struct {
		const tk_para *p;
		double w;
		tk_shaped sh;
	} cache[TK_SHAPE_CACHE];
	int cache_next;
} tk_flow;

/* Starts a flow of paras at scale. */
void tk_flow_init(tk_flow *f, tk_engine *e, const tk_para *paras, double scale);
/* Sets what fits into r. Returns 1 when the story is done, 0 when r is full, -1 on
 * error (reported). */
int tk_flow_fill(tk_flow *f, const tk_region *r);
/* Splits a column into regions around the wrap frames in obstacles. Returns the
 * number written to out (at most max). */
int tk_flow_regions(const tk_rect *col, const tk_frame *const *obstacles, int n_obs,
                    tk_page *page, const tk_frame *frame, tk_region *out, int max);

#endif

/* test_impose.c - saddle-stitch order, creep, n-up grids and duplex mirroring. */
#include "arena.h"
#include "layout/impose.h"
#include "unit.h"

#include <stdlib.h>

TK_TEST(saddle_order_16)
{
	int o[16];
	tk_impose_saddle_order(16, o);
	/* 1-based: 16|1, 2|15, 14|3, 4|13, 12|5, 6|11, 10|7, 8|9 */
	int want[16] = {16, 1, 2, 15, 14, 3, 4, 13, 12, 5, 6, 11, 10, 7, 8, 9};
	for (int i = 0; i < 16; i++)
		EQ(o[i] + 1, want[i]);
}

TK_TEST(saddle_order_8)
{
	int o[8];
	tk_impose_saddle_order(8, o);
	int want[8] = {8, 1, 2, 7, 6, 3, 4, 5};
	for (int i = 0; i < 8; i++)
		EQ(o[i] + 1, want[i]);
}

TK_TEST(saddle_order_4_to_64)
{
	for (int n = 4; n <= 64; n += 4) {
		int *o = calloc((size_t)n, sizeof(int)), *seen = calloc((size_t)n, sizeof(int));
		tk_impose_saddle_order(n, o);
		int bad = 0;
		for (int i = 0; i < n; i++) {
			if (o[i] < 0 || o[i] >= n || seen[o[i]]++)
				bad++;
		}
		for (int side = 0; side < n / 2; side++) {
			/* the two pages of a side add up to n+1 (1-based) */
			if (o[2 * side] + o[2 * side + 1] + 2 != n + 1)
				bad++;
			/* right-hand pages are odd on every side (16|1, 2|15, ...) */
			if ((o[2 * side + 1] + 1) % 2 != 1)
				bad++;
		}
		EQ(bad, 0);
		free(o);
		free(seen);
	}
}

TK_TEST(creep_grows_inward)
{
	NEAR(tk_impose_creep(0, 4, 0.3), 0, 1e-12);
	NEAR(tk_impose_creep(1, 4, 0.3), 0.3, 1e-12);
	NEAR(tk_impose_creep(3, 4, 0.3), 0.9, 1e-12);
}

static tk_doc *pages(tk_arena *a, int n, double w, double h, double bleed)
{
	tk_doc *d = TK_NEW(a, tk_doc);
	for (int i = 0; i < n; i++) {
		tk_page *p = tk_dl_page_new(a, d, w, h, bleed, 0);
		tk_dl_fill_rect(a, p, (tk_rect){0, 0, w, h}, (tk_cmyk){0, 0, 0, 0.1f * (float)i});
	}
	return d;
}

/* Placed pages of a sheet, in order, with their x translation. */
static int placed(const tk_page *s, const tk_page **pg, double *x, int max)
{
	int n = 0;
	for (const tk_item *it = s->first; it && n < max; it = it->next)
		if (it->kind == TK_ITEM_PAGE) {
			pg[n] = it->page;
			x[n++] = it->matrix.e;
		}
	return n;
}

TK_TEST(saddle_sheets_and_marks)
{
	tk_arena *a = tk_arena_new();
	FILE *null = tmpfile();
	tk_diag *d = tk_diag_new(null);
	tk_shaper *sh = tk_shaper_new("fonts", d);
	tk_doc *doc = pages(a, 8, 148 * TK_MM, 210 * TK_MM, 3 * TK_MM), out = {0};
	tk_impose_opts o = {.method = TK_IMPOSE_SADDLE, .sheet_w = 450 * TK_MM,
	                    .sheet_h = 320 * TK_MM, .creep = 0.2 * TK_MM, .job = "t"};
	EQ(tk_impose(a, d, sh, doc, &o, &out), 0);
	EQ(out.n_pages, 4);
	const tk_page *pg[4];
	double x[4];
	EQ(placed(out.pages[0], pg, x, 4), 2);
	OK(pg[0] == doc->pages[7] && pg[1] == doc->pages[0]);
	/* outer sheet: no creep; the pages meet at the spine */
	NEAR(x[0] + 148 * TK_MM, 225 * TK_MM, 1e-6);
	NEAR(x[1], 225 * TK_MM, 1e-6);
	/* inner sheet: both pages moved toward the spine by the creep */
	placed(out.pages[2], pg, x, 4);
	NEAR(x[0] + 148 * TK_MM - 225 * TK_MM, 0.2 * TK_MM, 1e-6);
	NEAR(225 * TK_MM - x[1], 0.2 * TK_MM, 1e-6);
	/* marks lie outside the pages' bleed area */
	int marks = 0, inside = 0;
	double top = (320 - 210) / 2.0 * TK_MM;
	for (const tk_item *it = out.pages[0]->first; it; it = it->next) {
		if (it->kind != TK_ITEM_STROKE || !it->is_mark)
			continue;
		marks++;
		for (int k = 0; k < it->path->n_pts; k++) {
			double px = it->path->pts[2 * k], py = it->path->pts[2 * k + 1];
			if (px > 77 * TK_MM - 0.01 && px < 373 * TK_MM + 0.01 && py > top - 3 * TK_MM + 0.01 &&
			    py < top + 213 * TK_MM - 0.01)
				inside++;
		}
	}
	EQ(marks, 10); /* 8 crop marks, 2 fold marks */
	EQ(inside, 0);
	/* 6 pages cannot be stitched */
	tk_doc *six = pages(a, 6, 148 * TK_MM, 210 * TK_MM, 3 * TK_MM), out2 = {0};
	EQ(tk_impose(a, d, sh, six, &o, &out2), -1);
	tk_shaper_free(sh);
	tk_diag_free(d);
	fclose(null);
	tk_arena_free(a);
}

TK_TEST(nup_cards_duplex_mirrored)
{
	tk_arena *a = tk_arena_new();
	FILE *null = tmpfile();
	tk_diag *d = tk_diag_new(null);
	tk_shaper *sh = tk_shaper_new("fonts", d);
	double W = 85 * TK_MM, H = 55 * TK_MM, B = 3 * TK_MM;
	tk_impose_opts o = {.method = TK_IMPOSE_NUP, .sheet_w = 320 * TK_MM, .sheet_h = 450 * TK_MM,
	                    .gap = 6 * TK_MM, .duplex = 1, .job = "kort"};
	int cols, rows;
	tk_impose_nup_grid(&o, W, H, B, &cols, &rows);
	EQ(cols, 3);
	EQ(rows, 7);
	tk_doc *doc = pages(a, 24, W, H, B), out = {0};
	EQ(tk_impose(a, d, sh, doc, &o, &out), 0);
	EQ(out.n_pages, 2); /* 12 cards fit one sheet: front and back */
	const tk_page *fp[32], *bp[32];
	double fx[32], bx[32];
	int nf = placed(out.pages[0], fp, fx, 32), nb = placed(out.pages[1], bp, bx, 32);
	EQ(nf, 12);
	EQ(nb, 12);
	for (int k = 0; k < 12; k++) {
		OK(fp[k] == doc->pages[2 * k]);
		OK(bp[k] == doc->pages[2 * k + 1]);
		/* a back sits where its front is after turning over the long edge */
		NEAR(bx[k] + W, 320 * TK_MM - fx[k], 1e-6);
	}
	tk_shaper_free(sh);
	tk_diag_free(d);
	fclose(null);
	tk_arena_free(a);
}

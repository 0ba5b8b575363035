/* impose.c - saddle-stitch and n-up imposition by replaying pages on sheets.
 *
 * Geometry is in sheet space (points, y down). Pages are placed with a translation
 * (and creep) under a clip of their trim plus the bleed that may show: for saddle
 * stitch the bleed on the three outer sides but not across the spine, where the two
 * pages must meet exactly; for cards their own trim plus bleed. */
#include "impose.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>

#define MARK_LEN (5 * TK_MM)
#define MARK_OFF (3 * TK_MM)
#define MARGIN_MIN (10 * TK_MM)

void tk_impose_saddle_order(int n, int *order)
{
	int sheets = n / 4;
	for (int s = 0; s < sheets; s++) {
		order[4 * s + 0] = n - 1 - 2 * s; /* front left: last pages outside */
		order[4 * s + 1] = 2 * s;         /* front right */
		order[4 * s + 2] = 2 * s + 1;     /* back left */
		order[4 * s + 3] = n - 2 - 2 * s; /* back right */
	}
}

double tk_impose_creep(int sheet, int n_sheets, double creep)
{
	(void)n_sheets;
	return sheet * creep;
}

static void mark(tk_arena *a, tk_page *p, double x0, double y0, double x1, double y1)
{
	tk_item *it = tk_dl_add(a, p, TK_ITEM_STROKE);
	it->path = tk_path_new(a);
	tk_path_move(a, it->path, x0, y0);
	tk_path_line(a, it->path, x1, y1);
	it->color = (tk_cmyk){1, 1, 1, 1};
	it->line_width = 0.25f;
	it->is_mark = 1;
}

static void place(tk_arena *a, tk_page *sheet, const tk_page *p, double x, double y,
                  tk_rect clip)
{
	tk_item *c = tk_dl_add(a, sheet, TK_ITEM_CLIP);
	c->path = tk_path_rect(a, clip.x, clip.y, clip.w, clip.h);
	tk_item *it = tk_dl_add(a, sheet, TK_ITEM_PAGE);
	it->page = p;
	it->matrix = tk_matrix_translate(x, y);
	tk_dl_add(a, sheet, TK_ITEM_POP);
}

static void label(tk_arena *a, tk_diag *d, tk_shaper *sh, tk_page *sheet,
                  const tk_impose_opts *o, int n, int of, int back, double y)
{
	char text[256];
	snprintf(text, sizeof text, "%s  ·  ark %d av %d  ·  %s", o->job ? o->job : "trykk", n,
	         of, back ? "bakside" : "forside");
	tk_layout_label_memo(a, d, sh, o->memo, sheet, MARGIN_MIN, y, 7, text, 1);
}

static int saddle(tk_arena *a, tk_diag *d, tk_shaper *sh, const tk_doc *doc,
                  const tk_impose_opts *o, tk_doc *out)
{
	int n = doc->n_pages;
	if (n == 0 || n % 4) {
		tk_error(d, &o->loc, "saddle stitch needs a multiple of 4 pages, the document has %d "
		         "(add pad: {multiple: 4})", n);
		return -1;
	}
	const tk_page *p0 = doc->pages[0];
	double W = p0->w, H = p0->h, b = p0->bleed;
	double need_w = 2 * W + 2 * (b + MARK_OFF + MARK_LEN), need_h = H + 2 * (b + MARK_OFF + MARK_LEN);
	if (need_w > o->sheet_w + 0.01 || need_h > o->sheet_h + 0.01) {
		tk_error(d, &o->loc, "a spread of two %.0f x %.0f mm pages with bleed and marks needs a "
		         "%.0f x %.0f mm sheet; the sheet is %.0f x %.0f mm", W / TK_MM, H / TK_MM,
		         need_w / TK_MM, need_h / TK_MM, o->sheet_w / TK_MM, o->sheet_h / TK_MM);
		return -1;
	}
	int *order = tk_arena_alloc(a, sizeof(int) * (size_t)n);
	tk_impose_saddle_order(n, order);
	int sheets = n / 4;
	double spine = o->sheet_w / 2, top = (o->sheet_h - H) / 2;
	for (int s = 0; s < sheets; s++) {
		double cr = tk_impose_creep(s, sheets, o->creep);
		for (int side = 0; side < 2; side++) {
			tk_page *sheet = tk_dl_page_new(a, out, o->sheet_w, o->sheet_h, 0, 0);
			sheet->label = tk_arena_printf(a, "%d%s", s + 1, side ? "b" : "a");
			const tk_page *l = doc->pages[order[4 * s + 2 * side]];
			const tk_page *r = doc->pages[order[4 * s + 2 * side + 1]];
			/* left page: its right edge at the spine (moved in by creep) */
			double lx = spine - W + cr, rx = spine - cr;
			place(a, sheet, l, lx, top,
			      (tk_rect){lx - b, top - b, W + b - cr, H + 2 * b});
			place(a, sheet, r, rx, top, (tk_rect){spine, top - b, W + b - cr + 0, H + 2 * b});
			/* crop marks at the outer corners, fold marks at the spine */
			double x0 = spine - W, x1 = spine + W, y0 = top, y1 = top + H;
			double off = b > MARK_OFF ? b : MARK_OFF;
			double xs[2] = {x0, x1}, ys[2] = {y0, y1};
			for (int i = 0; i < 2; i++)
				for (int j = 0; j < 2; j++) {
					double dx = i ? 1 : -1, dy = j ? 1 : -1;
					mark(a, sheet, xs[i] + dx * off, ys[j], xs[i] + dx * (off + MARK_LEN), ys[j]);
					mark(a, sheet, xs[i], ys[j] + dy * off, xs[i], ys[j] + dy * (off + MARK_LEN));
				}
			mark(a, sheet, spine, y0 - off, spine, y0 - off - MARK_LEN);
			mark(a, sheet, spine, y1 + off, spine, y1 + off + MARK_LEN);
			label(a, d, sh, sheet, o, s + 1, sheets, side, y0 - off - MARK_LEN + 2.5);
		}
	}
	return 0;
}

void tk_impose_nup_grid(const tk_impose_opts *o, double w, double h, double bleed, int *cols,
                        int *rows)
{
	double gap = o->gap > 2 * bleed ? o->gap : 2 * bleed;
	double room_w = o->sheet_w - 2 * MARGIN_MIN, room_h = o->sheet_h - 2 * MARGIN_MIN;
	/* n cards take n*w + (n-1)*gap, plus a bleed on the outer two sides */
	*cols = (int)floor((room_w - 2 * bleed + gap) / (w + gap) + 1e-9);
	*rows = (int)floor((room_h - 2 * bleed + gap) / (h + gap) + 1e-9);
	if (*cols < 0)
		*cols = 0;
	if (*rows < 0)
		*rows = 0;
}

int tk_impose_nup_pages_per_sheet(const tk_impose_opts *o, const tk_page *p0)
{
	int cols, rows;
	tk_impose_nup_grid(o, p0->w, p0->h, p0->bleed, &cols, &rows);
	return cols * rows * (o->duplex ? 2 : 1);
}

int tk_impose_nup_sheets(tk_arena *a, tk_diag *d, tk_shaper *sh, const tk_doc *doc,
                         int n_total, const tk_impose_opts *o, int from, int to, tk_doc *out)
{
	if (n_total == 0 || doc->n_pages == 0)
		return 0;
	const tk_page *p0 = doc->pages[0];
	double W = p0->w, H = p0->h, b = p0->bleed;
	double gap = o->gap > 2 * b ? o->gap : 2 * b;
	int cols, rows;
	tk_impose_nup_grid(o, W, H, b, &cols, &rows);
	if (cols * rows == 0) {
		tk_error(d, &o->loc, "a %.0f x %.0f mm card with bleed does not fit on a %.0f x %.0f mm "
		         "sheet with room for marks", W / TK_MM, H / TK_MM, o->sheet_w / TK_MM,
		         o->sheet_h / TK_MM);
		return -1;
	}
	int per = cols * rows;
	int sides = o->duplex ? 2 : 1;
	int cards = (n_total + sides - 1) / sides;
	int sheets = (cards + per - 1) / per;
	if (to > sheets)
		to = sheets;
	double grid_w = cols * W + (cols - 1) * gap, grid_h = rows * H + (rows - 1) * gap;
	double gx = (o->sheet_w - grid_w) / 2, gy = (o->sheet_h - grid_h) / 2;
	for (int s = from; s < to; s++) {
		for (int side = 0; side < sides; side++) {
			tk_page *sheet = tk_dl_page_new(a, out, o->sheet_w, o->sheet_h, 0, 0);
			sheet->label = tk_arena_printf(a, "%d%s", s + 1, side ? "b" : "a");
			for (int k = 0; k < per; k++) {
				int card = s * per + k;
				int pi = card * sides + side;
				if (card >= cards || pi >= n_total)
					break;
				int c = k % cols, r = k / cols;
				/* Backs: turned over the long (vertical) edge, so columns mirror. */
				if (side)
					c = cols - 1 - c;
				double x = gx + c * (W + gap), y = gy + r * (H + gap);
				place(a, sheet, doc->pages[pi], x, y, (tk_rect){x - b, y - b, W + 2 * b, H + 2 * b});
			}
			/* Marks at every cut, in the sheet margin outside the card area. */
			double off = b > MARK_OFF ? b : MARK_OFF;
			for (int c = 0; c < cols; c++) {
				double xs[2] = {gx + c * (W + gap), gx + c * (W + gap) + W};
				for (int k = 0; k < 2; k++) {
					mark(a, sheet, xs[k], gy - off, xs[k], gy - off - MARK_LEN);
					mark(a, sheet, xs[k], gy + grid_h + off, xs[k], gy + grid_h + off + MARK_LEN);
				}
			}
			for (int r = 0; r < rows; r++) {
				double ys[2] = {gy + r * (H + gap), gy + r * (H + gap) + H};
				for (int k = 0; k < 2; k++) {
					mark(a, sheet, gx - off, ys[k], gx - off - MARK_LEN, ys[k]);
					mark(a, sheet, gx + grid_w + off, ys[k], gx + grid_w + off + MARK_LEN, ys[k]);
				}
			}
			label(a, d, sh, sheet, o, s + 1, sheets, side, gy - off - MARK_LEN - 2);
		}
	}
	return 0;
}

void tk_impose_begin(const tk_doc *doc, tk_doc *out)
{
	out->title = doc->title;
	out->author = doc->author;
	out->subject = doc->subject;
	out->creator = doc->creator;
	out->lang = doc->lang;
	out->output_condition = doc->output_condition;
	out->output_condition_info = doc->output_condition_info;
	out->icc_path = doc->icc_path;
	out->cache = doc->cache;
	out->epoch = doc->epoch;
}

int tk_impose(tk_arena *a, tk_diag *d, tk_shaper *sh, const tk_doc *doc,
              const tk_impose_opts *o, tk_doc *out)
{
	tk_impose_begin(doc, out);
	switch (o->method) {
	case TK_IMPOSE_SADDLE:
		return saddle(a, d, sh, doc, o, out);
	case TK_IMPOSE_NUP:
		return tk_impose_nup_sheets(a, d, sh, doc, doc->n_pages, o, 0, INT_MAX, out);
	case TK_IMPOSE_NONE:
		break;
	}
	return 0;
}

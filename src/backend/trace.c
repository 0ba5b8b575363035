/* trace.c - the display list as plain text, for golden tests and for reading.
 *
 * One header line per page, then one line per item with its kind, colour and
 * geometry in points rounded to 2 decimals (so the output is the same on every
 * machine; -0.00 is written 0.00). Glyph runs print their font, size and colour,
 * then one indented line per baseline with the position of its first glyph and
 * the text of its glyphs; glyph ids and per-glyph positions are left out, since
 * they change with the shaping library's version while the text and line starts
 * do not. Placed pages (imposition) are listed by number, not expanded: the placed
 * page has its own trace; a data merge's shared page body (dl.h) is listed in
 * place, as if it had been laid out on every page that shows it. The list is walked directly rather than replayed through
 * a device, so the trace shows exactly what layout recorded, marks and links
 * included.
 *
 *   page 1 trim 419.53 595.28 bleed 8.50 slug 0.00 label "1"
 *     fill cmyk 0 0.5 1 0 rect 0.00 0.00 100.00 50.00 frame "hero"
 *     stroke cmyk 1 1 1 1 width 0.25 path M -20.00 0.00 L -8.50 0.00 mark
 *     glyphs NotoSerif-Regular 10.00 cmyk 0 0 0 1 frame "body"
 *       72.00 100.00 "Blåbær og «øl»"
 *     image "content/images/glasses.png" 640x480 alpha matrix 100.00 0.00 0.00 80.00 10.00 20.00
 */
#include "out.h"

#include "../arena.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* A length: 2 decimals, never "-0.00" (rounding noise must not change a trace). */
static void num(tk_buf *b, double v)
{
	if (!isfinite(v)) {
		tk_buf_printf(b, " nan");
		return;
	}
	double r = round(v * 100.0) / 100.0;
	if (r == 0)
		r = 0;
	tk_buf_printf(b, " %.2f", r);
}

/* A factor (ink amount, matrix entry): up to `dec` decimals, trailing zeros cut. */
static void factor(tk_buf *b, double v, int dec)
{
	char s[64];
	if (!isfinite(v)) {
		tk_buf_printf(b, " nan");
		return;
	}
	double scale = pow(10, dec), r = round(v * scale) / scale;
	if (r == 0)
		r = 0;
	snprintf(s, sizeof s, "%.*f", dec, r);
	char *dot = strchr(s, '.');
	if (dot) {
		char *e = s + strlen(s) - 1;
		while (e > dot && *e == '0')
			*e-- = 0;
		if (e == dot)
			*e = 0;
	}
	tk_buf_printf(b, " %s", s);
}

static void color(tk_buf *b, tk_cmyk c)
{
	tk_buf_printf(b, " cmyk");
	factor(b, c.c, 3);
	factor(b, c.m, 3);
	factor(b, c.y, 3);
	factor(b, c.k, 3);
}

/* Text for inside quotes: quotes, backslashes and control characters escaped;
 * other bytes (UTF-8) as they are, so Norwegian text stays readable. */
static void escaped(tk_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			tk_buf_printf(b, "\\%c", c);
		else if (c == '\n')
			tk_buf_printf(b, "\\n");
		else if (c == '\t')
			tk_buf_printf(b, "\\t");
		else if (c < 0x20 || c == 0x7F)
			tk_buf_printf(b, "\\x%02X", c);
		else
			tk_buf_printf(b, "%c", c);
	}
}

static void qstr(tk_buf *b, const char *s)
{
	tk_buf_printf(b, " \"");
	if (s)
		escaped(b, s, strlen(s));
	tk_buf_printf(b, "\"");
}

/* An axis-aligned rectangle as tk_path_rect makes it (move, 3 lines, close) is
 * written "rect x y w h"; anything else as its operations. */
static int as_rect(const tk_path *p, double r[4])
{
	if (p->n_ops != 5 || p->n_pts != 4 || p->ops[0] != TK_PATH_MOVE ||
	    p->ops[1] != TK_PATH_LINE || p->ops[2] != TK_PATH_LINE || p->ops[3] != TK_PATH_LINE ||
	    p->ops[4] != TK_PATH_CLOSE)
		return 0;
	const double *q = p->pts;
	int h_first = q[1] == q[3] && q[2] == q[4] && q[5] == q[7] && q[6] == q[0];
	int v_first = q[0] == q[2] && q[3] == q[5] && q[4] == q[6] && q[7] == q[1];
	if (!h_first && !v_first)
		return 0;
	double x0 = fmin(q[0], q[4]), x1 = fmax(q[0], q[4]);
	double y0 = fmin(q[1], q[5]), y1 = fmax(q[1], q[5]);
	r[0] = x0;
	r[1] = y0;
	r[2] = x1 - x0;
	r[3] = y1 - y0;
	return 1;
}

static void path(tk_buf *b, const tk_path *p)
{
	double r[4];
	if (!p || p->n_ops == 0) {
		tk_buf_printf(b, " path (empty)");
		return;
	}
	if (as_rect(p, r)) {
		tk_buf_printf(b, " rect");
		for (int i = 0; i < 4; i++)
			num(b, r[i]);
		return;
	}
	tk_buf_printf(b, " path");
	const double *q = p->pts;
	int left = p->n_pts;
	for (int i = 0; i < p->n_ops; i++) {
		int need = 1;
		switch (p->ops[i]) {
		case TK_PATH_MOVE:
			tk_buf_printf(b, " M");
			break;
		case TK_PATH_LINE:
			tk_buf_printf(b, " L");
			break;
		case TK_PATH_CURVE:
			tk_buf_printf(b, " C");
			need = 3;
			break;
		case TK_PATH_CLOSE:
			tk_buf_printf(b, " Z");
			need = 0;
			break;
		default:
			tk_buf_printf(b, " ?%d", p->ops[i]);
			need = 0;
			break;
		}
		if (need > left) {
			tk_buf_printf(b, " (points missing)");
			return;
		}
		for (int j = 0; j < 2 * need; j++)
			num(b, q[j]);
		q += 2 * need;
		left -= need;
	}
}

static void matrix(tk_buf *b, const tk_matrix *m, int linear_dec)
{
	tk_buf_printf(b, " matrix");
	if (linear_dec == 2) {
		num(b, m->a);
		num(b, m->b);
		num(b, m->c);
		num(b, m->d);
	} else {
		factor(b, m->a, linear_dec);
		factor(b, m->b, linear_dec);
		factor(b, m->c, linear_dec);
		factor(b, m->d, linear_dec);
	}
	num(b, m->e);
	num(b, m->f);
}

/* Attributes every item may carry go at the end of its line. */
static void tail(tk_buf *b, const tk_item *it)
{
	if (it->is_mark)
		tk_buf_printf(b, " mark");
	if (it->frame) {
		tk_buf_printf(b, " frame");
		qstr(b, it->frame);
	}
	tk_buf_printf(b, "\n");
}

static void glyph_lines(tk_buf *b, const tk_glyph_run *run)
{
	int i = 0;
	while (i < run->n) {
		/* One line per baseline: glyphs until the (rounded) y changes. */
		double y = round(run->glyphs[i].y * 100.0);
		tk_buf_printf(b, "   ");
		num(b, run->glyphs[i].x);
		num(b, run->glyphs[i].y);
		tk_buf_printf(b, " \"");
		for (; i < run->n && round(run->glyphs[i].y * 100.0) == y; i++) {
			const tk_glyph *g = &run->glyphs[i];
			if (g->text && g->text_len > 0)
				escaped(b, g->text, (size_t)g->text_len);
		}
		tk_buf_printf(b, "\"\n");
	}
	if (run->n == 0)
		tk_buf_printf(b, "    (no glyphs)\n");
}

static void item(tk_buf *b, const tk_item *it)
{
	tk_buf_printf(b, "  ");
	switch (it->kind) {
	case TK_ITEM_FILL:
		tk_buf_printf(b, "fill");
		color(b, it->color);
		path(b, it->path);
		tail(b, it);
		break;
	case TK_ITEM_STROKE:
		tk_buf_printf(b, "stroke");
		color(b, it->color);
		tk_buf_printf(b, " width");
		num(b, it->line_width);
		path(b, it->path);
		tail(b, it);
		break;
	case TK_ITEM_GLYPHS: {
		const tk_glyph_run *run = it->run;
		if (!run) {
			tk_buf_printf(b, "glyphs (none)");
			tail(b, it);
			break;
		}
		const tk_font *f = run->font;
		tk_buf_printf(b, "glyphs %s", !f ? "(no font)" : f->name ? f->name : f->path ? f->path : "?");
		num(b, run->size);
		color(b, run->color);
		tail(b, it);
		glyph_lines(b, run);
		break;
	}
	case TK_ITEM_IMAGE: {
		const tk_image *img = it->image;
		tk_buf_printf(b, "image");
		if (img) {
			qstr(b, img->path);
			tk_buf_printf(b, " %dx%d", img->width, img->height);
			if (img->was_rgb)
				tk_buf_printf(b, " rgb");
			if (img->has_alpha)
				tk_buf_printf(b, " alpha");
		} else {
			tk_buf_printf(b, " (none)");
		}
		matrix(b, &it->matrix, 2);
		tail(b, it);
		break;
	}
	case TK_ITEM_CLIP:
		tk_buf_printf(b, "clip");
		path(b, it->path);
		tail(b, it);
		break;
	case TK_ITEM_POP:
		tk_buf_printf(b, "pop");
		tail(b, it);
		break;
	case TK_ITEM_LINK:
		tk_buf_printf(b, "link");
		num(b, it->rect.x);
		num(b, it->rect.y);
		num(b, it->rect.w);
		num(b, it->rect.h);
		if (it->uri) {
			tk_buf_printf(b, " uri");
			qstr(b, it->uri);
		} else if (it->dest_page >= 0) {
			tk_buf_printf(b, " page %d", it->dest_page + 1);
		} else {
			tk_buf_printf(b, " (nowhere)");
		}
		tail(b, it);
		break;
	case TK_ITEM_DEST:
		tk_buf_printf(b, "dest");
		qstr(b, it->title);
		tk_buf_printf(b, " level %d at", it->level);
		num(b, it->rect.x);
		num(b, it->rect.y);
		tail(b, it);
		break;
	case TK_ITEM_PAGE:
		if (it->page)
			tk_buf_printf(b, "place page %d", it->page->index + 1);
		else
			tk_buf_printf(b, "place (none)");
		matrix(b, &it->matrix, 4);
		tail(b, it);
		break;
	default:
		tk_buf_printf(b, "unknown item kind %d", (int)it->kind);
		tail(b, it);
		break;
	}
}

/* A page's items; a shared body (dl.h) is placed at identity, so its items are
 * listed in place, as they were laid out for the page. */
static void items(tk_buf *b, const tk_page *pg, int depth)
{
	for (const tk_item *it = pg->first; it; it = it->next) {
		if (it->kind == TK_ITEM_PAGE && it->page && it->page->shared && depth < 8)
			items(b, it->page, depth + 1);
		else
			item(b, it);
	}
}

int tk_trace_write(const tk_doc *doc, const char *path, tk_diag *d)
{
	tk_buf b = {NULL, 0, 0};
	tk_buf_printf(&b, "%s", ""); /* an empty document still gets an (empty) buffer */
	for (int i = 0; i < doc->n_pages; i++) {
		const tk_page *pg = doc->pages[i];
		tk_buf_printf(&b, "page %d trim", i + 1);
		num(&b, pg->w);
		num(&b, pg->h);
		tk_buf_printf(&b, " bleed");
		num(&b, pg->bleed);
		tk_buf_printf(&b, " slug");
		num(&b, pg->slug);
		if (pg->label) {
			tk_buf_printf(&b, " label");
			qstr(&b, pg->label);
		}
		tk_buf_printf(&b, "\n");
		items(&b, pg, 0);
	}
	int rc = tk_write_atomic(path, b.s, b.len, d);
	free(b.s);
	return rc;
}

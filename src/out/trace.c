/* trace.c - the display list as plain text, for golden tests and for reading.
 *
 * One header line per page, then one line per item with its kind, colour and
 * geometry in points rounded to 2 decimals (so the output is the same on every
 * machine; -0.00 is written 0.00). Glyph runs print their font, size and colour,
 * then one indented line per baseline with the position of its first glyph and
 * the text of its glyphs; glyph ids and per-glyph positions are left out, since
 * they change with the shaping library's version while the text and line starts
 * do not. Placed pages (imposition) are listed by number, not expanded: the placed
 * page has its own trace. The list is walked directly rather than replayed through
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

typedef struct buf {
	char *s;
	size_t len, cap;
} buf;

static void put(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(buf *b, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		b->cap = b->cap * 2 + (n > 0 ? (size_t)n : 0) + 4096;
		b->s = tk_xrealloc(b->s, b->cap);
	}
}

/* A length: 2 decimals, never "-0.00" (rounding noise must not change a trace). */
static void num(buf *b, double v)
{
	if (!isfinite(v)) {
		put(b, " nan");
		return;
	}
	double r = round(v * 100.0) / 100.0;
	if (r == 0)
		r = 0;
	put(b, " %.2f", r);
}

/* A factor (ink amount, matrix entry): up to `dec` decimals, trailing zeros cut. */
static void factor(buf *b, double v, int dec)
{
	char s[64];
	if (!isfinite(v)) {
		put(b, " nan");
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
	put(b, " %s", s);
}

static void color(buf *b, tk_cmyk c)
{
	put(b, " cmyk");
	factor(b, c.c, 3);
	factor(b, c.m, 3);
	factor(b, c.y, 3);
	factor(b, c.k, 3);
}

/* Text for inside quotes: quotes, backslashes and control characters escaped;
 * other bytes (UTF-8) as they are, so Norwegian text stays readable. */
static void escaped(buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			put(b, "\\%c", c);
		else if (c == '\n')
			put(b, "\\n");
		else if (c == '\t')
			put(b, "\\t");
		else if (c < 0x20 || c == 0x7F)
			put(b, "\\x%02X", c);
		else
			put(b, "%c", c);
	}
}

static void qstr(buf *b, const char *s)
{
	put(b, " \"");
	if (s)
		escaped(b, s, strlen(s));
	put(b, "\"");
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

static void path(buf *b, const tk_path *p)
{
	double r[4];
	if (!p || p->n_ops == 0) {
		put(b, " path (empty)");
		return;
	}
	if (as_rect(p, r)) {
		put(b, " rect");
		for (int i = 0; i < 4; i++)
			num(b, r[i]);
		return;
	}
	put(b, " path");
	const double *q = p->pts;
	int left = p->n_pts;
	for (int i = 0; i < p->n_ops; i++) {
		int need = 1;
		switch (p->ops[i]) {
		case TK_PATH_MOVE:
			put(b, " M");
			break;
		case TK_PATH_LINE:
			put(b, " L");
			break;
		case TK_PATH_CURVE:
			put(b, " C");
			need = 3;
			break;
		case TK_PATH_CLOSE:
			put(b, " Z");
			need = 0;
			break;
		default:
			put(b, " ?%d", p->ops[i]);
			need = 0;
			break;
		}
		if (need > left) {
			put(b, " (points missing)");
			return;
		}
		for (int j = 0; j < 2 * need; j++)
			num(b, q[j]);
		q += 2 * need;
		left -= need;
	}
}

static void matrix(buf *b, const tk_matrix *m, int linear_dec)
{
	put(b, " matrix");
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
static void tail(buf *b, const tk_item *it)
{
	if (it->is_mark)
		put(b, " mark");
	if (it->frame) {
		put(b, " frame");
		qstr(b, it->frame);
	}
	put(b, "\n");
}

static void glyph_lines(buf *b, const tk_glyph_run *run)
{
	int i = 0;
	while (i < run->n) {
		/* One line per baseline: glyphs until the (rounded) y changes. */
		double y = round(run->glyphs[i].y * 100.0);
		put(b, "   ");
		num(b, run->glyphs[i].x);
		num(b, run->glyphs[i].y);
		put(b, " \"");
		for (; i < run->n && round(run->glyphs[i].y * 100.0) == y; i++) {
			const tk_glyph *g = &run->glyphs[i];
			if (g->text && g->text_len > 0)
				escaped(b, g->text, (size_t)g->text_len);
		}
		put(b, "\"\n");
	}
	if (run->n == 0)
		put(b, "    (no glyphs)\n");
}

static void item(buf *b, const tk_item *it)
{
	put(b, "  ");
	switch (it->kind) {
	case TK_ITEM_FILL:
		put(b, "fill");
		color(b, it->color);
		path(b, it->path);
		tail(b, it);
		break;
	case TK_ITEM_STROKE:
		put(b, "stroke");
		color(b, it->color);
		put(b, " width");
		num(b, it->line_width);
		path(b, it->path);
		tail(b, it);
		break;
	case TK_ITEM_GLYPHS: {
		const tk_glyph_run *run = it->run;
		if (!run) {
			put(b, "glyphs (none)");
			tail(b, it);
			break;
		}
		const tk_font *f = run->font;
		put(b, "glyphs %s", !f ? "(no font)" : f->name ? f->name : f->path ? f->path : "?");
		num(b, run->size);
		color(b, run->color);
		tail(b, it);
		glyph_lines(b, run);
		break;
	}
	case TK_ITEM_IMAGE: {
		const tk_image *img = it->image;
		put(b, "image");
		if (img) {
			qstr(b, img->path);
			put(b, " %dx%d", img->width, img->height);
			if (img->was_rgb)
				put(b, " rgb");
			if (img->alpha)
				put(b, " alpha");
		} else {
			put(b, " (none)");
		}
		matrix(b, &it->matrix, 2);
		tail(b, it);
		break;
	}
	case TK_ITEM_CLIP:
		put(b, "clip");
		path(b, it->path);
		tail(b, it);
		break;
	case TK_ITEM_POP:
		put(b, "pop");
		tail(b, it);
		break;
	case TK_ITEM_LINK:
		put(b, "link");
		num(b, it->rect.x);
		num(b, it->rect.y);
		num(b, it->rect.w);
		num(b, it->rect.h);
		if (it->uri) {
			put(b, " uri");
			qstr(b, it->uri);
		} else if (it->dest_page >= 0) {
			put(b, " page %d", it->dest_page + 1);
		} else {
			put(b, " (nowhere)");
		}
		tail(b, it);
		break;
	case TK_ITEM_DEST:
		put(b, "dest");
		qstr(b, it->title);
		put(b, " level %d at", it->level);
		num(b, it->rect.x);
		num(b, it->rect.y);
		tail(b, it);
		break;
	case TK_ITEM_PAGE:
		if (it->page)
			put(b, "place page %d", it->page->index + 1);
		else
			put(b, "place (none)");
		matrix(b, &it->matrix, 4);
		tail(b, it);
		break;
	default:
		put(b, "unknown item kind %d", (int)it->kind);
		tail(b, it);
		break;
	}
}

int tk_trace_write(const tk_doc *doc, const char *path, tk_diag *d)
{
	buf b = {NULL, 0, 0};
	put(&b, "%s", ""); /* an empty document still gets an (empty) buffer */
	for (int i = 0; i < doc->n_pages; i++) {
		const tk_page *pg = doc->pages[i];
		put(&b, "page %d trim", i + 1);
		num(&b, pg->w);
		num(&b, pg->h);
		put(&b, " bleed");
		num(&b, pg->bleed);
		put(&b, " slug");
		num(&b, pg->slug);
		if (pg->label) {
			put(&b, " label");
			qstr(&b, pg->label);
		}
		put(&b, "\n");
		for (const tk_item *it = pg->first; it; it = it->next)
			item(&b, it);
	}
	int rc = tk_write_atomic(path, b.s, b.len, d);
	free(b.s);
	return rc;
}

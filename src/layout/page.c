/* page.c - composing pages: every frame of every page of the layout, in order.
 *
 * Text is set on a baseline model: the first line's baseline sits one ascent below
 * the top of the column, each further line one leading lower, and paragraph space
 * is added between. A line that would end below the column goes to the next
 * column; when there is none the text overflows, which is an error (or, for a
 * frame with fit, a reason to try a smaller size). */
#include "layout.h"

#include "../model/units.h"

#include <math.h>
#include <qrencode.h>
#include <stdio.h>
#include <string.h>

typedef struct placed {
	const tk_line *ln;
	const tk_para *p;
	double x, baseline;
	int para_first;
} placed;

typedef struct composed {
	int n, cap;
	placed *lines;
	int overflow;              /* lines that did not fit */
	const tk_para *overflow_at;
	int overfull;
	const tk_para *overfull_at;
	int missing;
	const tk_para *missing_at;
	char missing_char[8];
	double bottom;             /* lowest descent used */
} composed;

static void push_line(tk_arena *a, composed *c, placed pl)
{
	if (c->n == c->cap) {
		int cap = c->cap ? c->cap * 2 : 32;
		c->lines = tk_arena_grow(a, c->lines, (size_t)c->n, (size_t)cap, sizeof(placed));
		c->cap = cap;
	}
	c->lines[c->n++] = pl;
}

/* Sets paras into cols columns of inner at scale. */
static int compose(tk_engine *e, const tk_para *paras, tk_rect inner, int cols,
                   double gutter, double scale, composed *c)
{
	memset(c, 0, sizeof *c);
	double colw = (inner.w - gutter * (cols - 1)) / cols;
	int col = 0;
	double y = 0;          /* baseline of the last line in this column, 0 = none yet */
	double pending = 0;    /* space after the previous paragraph */
	for (const tk_para *p = paras; p; p = p->next) {
		tk_shaped sh;
		if (tk_shape(e->shaper, e->hyph, e->a, p, e->layout, colw, scale, e->lang, &sh) < 0)
			return -1;
		if (sh.missing && !c->missing) {
			c->missing = sh.missing;
			c->missing_at = p;
			memcpy(c->missing_char, sh.missing_char, sizeof c->missing_char);
		}
		const tk_pstyle *ps = p->style;
		double leading = ps->leading * scale;
		double before = ps->space_before * scale;
		for (int i = 0; i < sh.n_lines; i++) {
			const tk_line *ln = &sh.lines[i];
			if (ln->overfull && !c->overfull) {
				c->overfull = 1;
				c->overfull_at = p;
			}
			double base;
			for (;;) {
				if (y == 0)
					base = inner.y + ln->ascent;
				else if (i == 0)
					base = y + pending + before + leading;
				else
					base = y + leading;
				if (base + ln->descent <= inner.y + inner.h + 0.01 || col >= cols)
					break;
				/* next column */
				col++;
				y = 0;
				if (col >= cols)
					break;
			}
			if (col >= cols) {
				c->overflow += sh.n_lines - i;
				if (!c->overflow_at)
					c->overflow_at = p;
				break;
			}
			double x = inner.x + col * (colw + gutter);
			push_line(e->a, c, (placed){ln, p, x, base, i == 0});
			y = base;
			if (base + ln->descent > c->bottom)
				c->bottom = base + ln->descent;
		}
		pending = ps->space_after * scale;
	}
	return 0;
}

static void emit_lines(tk_engine *e, tk_page *page, const tk_frame *f, const composed *c,
                       double dy)
{
	for (int i = 0; i < c->n; i++) {
		const placed *pl = &c->lines[i];
		const tk_line *ln = pl->ln;
		for (int r = 0; r < ln->n_runs; r++) {
			const tk_glyph_run *src = &ln->runs[r];
			tk_glyph_run *run = TK_NEW(e->a, tk_glyph_run);
			*run = *src;
			run->glyphs = TK_NEWN(e->a, tk_glyph, src->n);
			for (int g = 0; g < src->n; g++) {
				run->glyphs[g] = src->glyphs[g];
				run->glyphs[g].x += (float)pl->x;
				run->glyphs[g].y += (float)(pl->baseline + dy);
			}
			tk_item *it = tk_dl_add(e->a, page, TK_ITEM_GLYPHS);
			it->run = run;
			it->loc = pl->p->loc;
			it->frame = f->name;
		}
		for (int k = 0; k < ln->n_links; k++) {
			tk_item *it = tk_dl_add(e->a, page, TK_ITEM_LINK);
			it->uri = ln->links[k].uri;
			it->rect = (tk_rect){pl->x + ln->links[k].x0, pl->baseline + dy - ln->ascent,
			                     ln->links[k].x1 - ln->links[k].x0, ln->ascent + ln->descent};
			it->loc = pl->p->loc;
			it->frame = f->name;
		}
		if (pl->para_first && pl->p->kind == TK_PARA_HEADING) {
			tk_item *it = tk_dl_add(e->a, page, TK_ITEM_DEST);
			it->title = pl->p->text;
			it->level = pl->p->level;
			it->rect = (tk_rect){pl->x, pl->baseline + dy - ln->ascent, 0, 0};
			it->loc = pl->p->loc;
		}
	}
}

/* Replaces {field} in a template with the content's text. A line whose fields are
 * all empty or missing is left out, so optional details close up. */
static const char *expand(tk_engine *e, const char *tpl)
{
	size_t cap = strlen(tpl) + 1;
	for (int i = 0; i < e->content->n_fields; i++)
		if (e->content->fields[i].text)
			cap += strlen(e->content->fields[i].text);
	char *out = tk_arena_alloc(e->a, cap * 2 + 1);
	size_t o = 0;
	const char *s = tpl;
	while (*s) {
		const char *eol = strchr(s, '\n');
		if (!eol)
			eol = s + strlen(s);
		size_t line_start = o;
		int fields = 0, filled = 0;
		for (const char *q = s; q < eol;) {
			const char *close = *q == '{' ? memchr(q, '}', (size_t)(eol - q)) : NULL;
			if (close && close - q > 1 && close - q < 64) {
				char name[64];
				memcpy(name, q + 1, (size_t)(close - q - 1));
				name[close - q - 1] = 0;
				const tk_field *fld = tk_content_field(e->content, name);
				fields++;
				if (fld && fld->text && *fld->text) {
					filled++;
					size_t n = strlen(fld->text);
					while (n && fld->text[n - 1] == '\n')
						n--;
					memcpy(out + o, fld->text, n);
					o += n;
				}
				q = close + 1;
			} else {
				out[o++] = *q++;
			}
		}
		if (fields && !filled)
			o = line_start; /* close up */
		else if (*eol)
			out[o++] = '\n';
		s = *eol ? eol + 1 : eol;
	}
	out[o] = 0;
	return out;
}

static tk_rect bleed_rect(const tk_frame *f, const tk_layout *l)
{
	tk_rect r = f->r;
	if (!f->bleed)
		return r;
	double b = l->bleed, eps = 0.01;
	if (r.x <= eps) {
		r.w += r.x + b;
		r.x = -b;
	}
	if (r.y <= eps) {
		r.h += r.y + b;
		r.y = -b;
	}
	if (r.x + r.w >= l->w - eps)
		r.w = l->w + b - r.x;
	if (r.y + r.h >= l->h - eps)
		r.h = l->h + b - r.y;
	return r;
}

static int place_text(tk_engine *e, tk_page *page, const tk_frame *f)
{
	const char *src = NULL;
	tk_loc loc = f->text_loc;
	if (f->text) {
		src = expand(e, f->text);
	} else {
		const tk_field *fld = tk_content_field(e->content, f->content);
		if (!fld) {
			tk_warn(e->d, &f->loc, "frame '%s' shows field '%s', which %s does not have; "
			        "the frame stays empty", f->name, f->content, e->content->path);
			return 0;
		}
		if (!fld->text) {
			tk_error(e->d, &fld->loc, "field '%s' is a picture, but frame '%s' is a text "
			         "frame", fld->name, f->name);
			return -1;
		}
		src = fld->text;
		loc = fld->loc;
	}
	const tk_pstyle *base = f->pstyle ? f->pstyle : tk_layout_pstyle(e->layout, "body");
	tk_para_styles ps = {e->layout, base};
	tk_para *paras = tk_markdown_parse(e->a, src, f->markdown, &loc, &ps);
	if (!paras)
		return 0;
	tk_rect inner = {f->r.x + f->padding, f->r.y + f->padding, f->r.w - 2 * f->padding,
	                 f->r.h - 2 * f->padding};
	composed c;
	double scale = 1;
	if (f->fit_max > 0) {
		/* Largest size in quarter points between min and max that fits. */
		double size = base->size;
		int lo = (int)ceil(f->fit_min * 4), hi = (int)floor(f->fit_max * 4), best = -1;
		while (lo <= hi) {
			int mid = (lo + hi + 1) / 2;
			if (compose(e, paras, inner, f->columns, f->gutter, mid / 4.0 / size, &c) < 0)
				return -1;
			if (!c.overflow && !c.overfull) {
				best = mid;
				lo = mid + 1;
			} else {
				hi = mid - 1;
			}
		}
		if (best < 0) {
			compose(e, paras, inner, f->columns, f->gutter, f->fit_min / size, &c);
			const tk_para *at = c.overflow_at ? c.overflow_at : c.overfull_at;
			tk_error(e->d, at ? &at->loc : &loc,
			         "text does not fit in frame '%s' even at the minimum size %.1fpt (%s); "
			         "shorten the text or lower fit: min",
			         f->name, f->fit_min,
			         c.overfull ? "a word is wider than the frame" : "too many lines");
			return -1;
		}
		scale = best / 4.0 / size;
		tk_info(e->d, &f->loc, "frame '%s': text set at %.2fpt (fit %.1fpt to %.1fpt)",
		        f->name, best / 4.0, f->fit_min, f->fit_max);
	}
	if (compose(e, paras, inner, f->columns, f->gutter, scale, &c) < 0)
		return -1;
	if (c.missing) {
		tk_error(e->d, &c.missing_at->loc,
		         "character '%s' is in none of the fonts in fonts/ (frame '%s')",
		         c.missing_char, f->name);
		return -1;
	}
	if (c.overflow) {
		tk_error(e->d, &c.overflow_at->loc,
		         "text overflows frame '%s' by %d line%s, from this paragraph on; shorten "
		         "the text, enlarge the frame or give it fit: {min: ...}",
		         f->name, c.overflow, c.overflow == 1 ? "" : "s");
		return -1;
	}
	if (c.overfull)
		tk_warn(e->d, &c.overfull_at->loc,
		        "a word is wider than frame '%s' and sticks out of it", f->name);
	double dy = 0;
	if (f->valign != TK_VALIGN_TOP && c.n) {
		double free_h = inner.y + inner.h - c.bottom;
		dy = f->valign == TK_VALIGN_BOTTOM ? free_h : free_h / 2;
		if (dy < 0)
			dy = 0;
	}
	emit_lines(e, page, f, &c, dy);
	return 0;
}

static int place_image(tk_engine *e, tk_page *page, const tk_frame *f)
{
	const tk_field *fld = tk_content_field(e->content, f->content);
	if (!fld) {
		tk_warn(e->d, &f->loc, "frame '%s' shows picture '%s', which %s does not have; the "
		        "frame stays empty", f->name, f->content, e->content->path);
		return 0;
	}
	if (!fld->image) {
		tk_error(e->d, &fld->loc, "field '%s' is text, but frame '%s' shows a picture "
		         "(write {image: file.png})", fld->name, f->name);
		return -1;
	}
	const tk_image *img = tk_images_load(e->images, e->d, fld->image, &fld->image_loc);
	if (!img)
		return -1;
	tk_rect box = bleed_rect(f, e->layout);
	double sx = box.w / img->width, sy = box.h / img->height;
	double s = f->image_fit ? fmin(sx, sy) : fmax(sx, sy);
	double w = img->width * s, h = img->height * s;
	double x = box.x + (box.w - w) / 2, y = box.y + (box.h - h) / 2;
	double ppi = 72.0 / s;
	if (ppi < 150)
		tk_error(e->d, &fld->image_loc, "picture '%s' is only %.0f ppi at this size in frame "
		         "'%s' (at least 300 ppi for print, 150 the lowest acceptable)",
		         fld->image, ppi, f->name);
	else if (ppi < 299.5)
		tk_warn(e->d, &fld->image_loc, "picture '%s' is %.0f ppi at this size in frame '%s'; "
		        "print wants 300 ppi", fld->image, ppi, f->name);
	tk_item *clip = tk_dl_add(e->a, page, TK_ITEM_CLIP);
	clip->path = tk_path_rect(e->a, box.x, box.y, box.w, box.h);
	tk_item *it = tk_dl_add(e->a, page, TK_ITEM_IMAGE);
	it->image = img;
	it->matrix = (tk_matrix){w, 0, 0, h, x, y};
	it->loc = fld->image_loc;
	it->frame = f->name;
	tk_dl_add(e->a, page, TK_ITEM_POP);
	return 0;
}

static int place_qr(tk_engine *e, tk_page *page, const tk_frame *f)
{
	const char *data = NULL;
	tk_loc loc = f->loc;
	if (f->text) {
		data = expand(e, f->text);
	} else {
		const tk_field *fld = tk_content_field(e->content, f->content);
		if (fld && fld->text) {
			data = fld->text;
			loc = fld->loc;
		}
	}
	if (!data || !*data) {
		tk_warn(e->d, &f->loc, "QR frame '%s' has nothing to encode", f->name);
		return 0;
	}
	size_t n = strlen(data);
	while (n && (data[n - 1] == '\n' || data[n - 1] == ' '))
		n--;
	char *txt = tk_arena_strndup(e->a, data, n);
	QRcode *qr = QRcode_encodeString8bit(txt, 0, QR_ECLEVEL_M);
	if (!qr) {
		tk_error(e->d, &loc, "cannot make a QR code of this text (too long?)");
		return -1;
	}
	/* 4 modules of quiet zone on every side, inside the frame. */
	int w = qr->width, total = w + 8;
	double side = fmin(f->r.w, f->r.h), m = side / total;
	double x0 = f->r.x + (f->r.w - side) / 2 + 4 * m, y0 = f->r.y + (f->r.h - side) / 2 + 4 * m;
	tk_path *p = tk_path_new(e->a);
	for (int y = 0; y < w; y++) {
		for (int x = 0; x < w;) {
			if (!(qr->data[y * w + x] & 1)) {
				x++;
				continue;
			}
			int x1 = x;
			while (x1 < w && (qr->data[y * w + x1] & 1))
				x1++;
			/* one rectangle per horizontal run of dark modules */
			tk_path_move(e->a, p, x0 + x * m, y0 + y * m);
			tk_path_line(e->a, p, x0 + x1 * m, y0 + y * m);
			tk_path_line(e->a, p, x0 + x1 * m, y0 + (y + 1) * m);
			tk_path_line(e->a, p, x0 + x * m, y0 + (y + 1) * m);
			tk_path_close(e->a, p);
			x = x1;
		}
	}
	QRcode_free(qr);
	tk_item *it = tk_dl_add(e->a, page, TK_ITEM_FILL);
	it->path = p;
	it->color = f->has_fill ? f->fill : (tk_cmyk){0, 0, 0, 1};
	it->loc = loc;
	it->frame = f->name;
	return 0;
}

static void place_rect(tk_engine *e, tk_page *page, const tk_frame *f)
{
	tk_rect r = bleed_rect(f, e->layout);
	if (f->has_fill) {
		tk_item *it = tk_dl_fill_rect(e->a, page, r, f->fill);
		it->loc = f->loc;
		it->frame = f->name;
	}
	if (f->has_stroke && f->stroke_width > 0) {
		tk_item *it = tk_dl_add(e->a, page, TK_ITEM_STROKE);
		it->path = f->kind == TK_FRAME_LINE
		               ? tk_path_new(e->a)
		               : tk_path_rect(e->a, f->r.x, f->r.y, f->r.w, f->r.h);
		if (f->kind == TK_FRAME_LINE) {
			tk_path_move(e->a, it->path, f->r.x, f->r.y);
			tk_path_line(e->a, it->path, f->r.x + f->r.w, f->r.y + f->r.h);
		}
		it->color = f->stroke;
		it->line_width = (float)f->stroke_width;
		it->loc = f->loc;
		it->frame = f->name;
	}
}

int tk_layout_doc(tk_engine *e, tk_doc *doc)
{
	const tk_layout *l = e->layout;
	int errors = tk_diag_errors(e->d);
	for (int i = 0; i < l->n_pages; i++) {
		const tk_pagespec *sp = &l->pages[i];
		tk_page *page = tk_dl_page_new(e->a, doc, l->w, l->h, l->bleed, l->slug);
		page->label = tk_arena_printf(e->a, "%d", i + 1);
		for (int j = 0; j < sp->n_frames; j++) {
			const tk_frame *f = &sp->frames[j];
			if (f->has_fill && f->kind != TK_FRAME_RECT && f->kind != TK_FRAME_LINE &&
			    f->kind != TK_FRAME_QR) {
				tk_item *it = tk_dl_fill_rect(e->a, page, bleed_rect(f, l), f->fill);
				it->loc = f->loc;
				it->frame = f->name;
			}
			switch (f->kind) {
			case TK_FRAME_RECT:
			case TK_FRAME_LINE:
				place_rect(e, page, f);
				break;
			case TK_FRAME_TEXT:
				place_text(e, page, f);
				break;
			case TK_FRAME_IMAGE:
				place_image(e, page, f);
				break;
			case TK_FRAME_QR:
				place_qr(e, page, f);
				break;
			}
		}
		tk_marks_add(e->a, page);
	}
	return tk_diag_errors(e->d) > errors ? -1 : 0;
}

/* page.c - composing pages: fixed pages with their frames, pages made from a
 * master as long as a story flows, padding to a multiple of pages, the table of
 * contents, and the back pages that come last.
 *
 * Frames are drawn in the order the layout lists them (later frames on top).
 * Text frames are set by flow.c; text that does not fit is an error naming the
 * frame and the paragraph's line in the content file; nothing is cut silently. */
#include "flow.h"

#include "../model/units.h"

#include <math.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PAGES 5000

/* Remembers that the layout asked for field name (in a data merge). */
static void asked(const tk_engine *ce, const char *name)
{
	tk_engine *e = (tk_engine *)ce; /* bookkeeping only; the layout is unchanged */
	for (int i = 0; i < e->n_asked; i++)
		if (strcmp(e->asked[i], name) == 0)
			return;
	if (e->n_asked == e->cap_asked) {
		int cap = e->cap_asked ? e->cap_asked * 2 : 16;
		e->asked = tk_arena_grow(tk_engine_job_arena(e), e->asked, (size_t)e->n_asked, (size_t)cap,
		                         sizeof *e->asked);
		e->cap_asked = cap;
	}
	e->asked[e->n_asked++] = tk_arena_strdup(tk_engine_job_arena(e), name);
}

/* A field's text: the merged record first, then the content file. */
static const tk_field *field(const tk_engine *e, const char *name)
{
	if (e->record) {
		asked(e, name);
		int theirs = !e->record_names;
		for (int i = 0; i < e->n_record_names && !theirs; i++)
			theirs = strcmp(e->record_names[i], name) == 0;
		if (theirs)
			((tk_engine *)e)->varies = 1;
	}
	for (int i = 0; i < e->n_record; i++)
		if (strcmp(e->record[i].name, name) == 0)
			return &e->record[i];
	return tk_content_field(e->content, name);
}

static const char *var(const tk_engine *e, const char *name)
{
	if (strcmp(name, "page") == 0 || strcmp(name, "section") == 0) {
		((tk_engine *)e)->varies = 1;
		return name[0] == 'p' ? e->page_label : e->section;
	}
	if (strcmp(name, "title") == 0 && !field(e, "title"))
		return e->content->title;
	const char *dot = strrchr(name, '.');
	if (dot && dot - name < 60) {
		char base[64];
		memcpy(base, name, (size_t)(dot - name));
		base[dot - name] = 0;
		const tk_field *f = field(e, base);
		if (f && strcmp(dot, ".caption") == 0)
			return f->caption;
		if (f && strcmp(dot, ".credit") == 0)
			return f->credit;
	}
	const tk_field *f = field(e, name);
	return f ? f->text : NULL;
}

/* Replaces {name} with the field's (or variable's) text. A line whose fields are
 * all empty or missing is left out, so optional details close up. */
static const char *expand(tk_engine *e, const char *tpl)
{
	size_t cap = strlen(tpl) * 2 + 64, o = 0;
	char *out = tk_xmalloc(cap);
	const char *s = tpl;
	while (*s) {
		const char *eol = strchr(s, '\n');
		if (!eol)
			eol = s + strlen(s);
		size_t line_start = o;
		int fields = 0, filled = 0;
		for (const char *q = s; q < eol;) {
			const char *close = *q == '{' ? memchr(q, '}', (size_t)(eol - q)) : NULL;
			const char *val = NULL;
			size_t n = 1;
			if (close && close - q > 1 && close - q < 64) {
				char name[64];
				memcpy(name, q + 1, (size_t)(close - q - 1));
				name[close - q - 1] = 0;
				val = var(e, name);
				fields++;
				n = val ? strlen(val) : 0;
				while (n && val[n - 1] == '\n')
					n--;
				if (n)
					filled++;
			}
			if (o + n + 2 > cap) {
				cap = (o + n + 2) * 2;
				out = tk_xrealloc(out, cap);
			}
			if (close && close - q > 1 && close - q < 64) {
				if (n)
					memcpy(out + o, val, n);
				o += n;
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
	char *r = tk_arena_strndup(e->a, out, o);
	free(out);
	return r;
}

/* The frame's box, run into the bleed on the edges where it touches the trim of
 * page (a spread canvas is two pages wide). An edge within half a millimetre of
 * the trim touches it: a layout designed for A3 and set to A4 scales by one
 * factor, and A4 is not exactly A3 scaled (210/297 against 297/420), so a band
 * drawn to the A3 edge ends 0.06 pt short of the A4 one, and a hairline of paper
 * would show after trimming. */
static tk_rect bleed_rect(const tk_frame *f, const tk_layout *l, const tk_page *page)
{
	tk_rect r = f->r;
	if (!f->bleed)
		return r;
	double b = l->bleed, eps = 0.5 * TK_MM;
	if (r.x <= eps) {
		r.w += r.x + b;
		r.x = -b;
	}
	if (r.y <= eps) {
		r.h += r.y + b;
		r.y = -b;
	}
	if (r.x + r.w >= page->w - eps)
		r.w = page->w + b - r.x;
	if (r.y + r.h >= page->h - eps)
		r.h = page->h + b - r.y;
	return r;
}

static void note_heading(tk_engine *e, const tk_placed *pl)
{
	const tk_para *p = pl->p;
	e->varies = 1;
	if (e->n_headings == e->cap_headings) {
		int cap = e->cap_headings ? e->cap_headings * 2 : 32;
		e->headings = tk_arena_grow(tk_engine_job_arena(e), e->headings,
		                            (size_t)e->n_headings, (size_t)cap, sizeof(tk_heading));
		e->cap_headings = cap;
	}
	const char *title = e->ja ? tk_arena_strdup(e->ja, p->text) : p->text;
	const char *label = e->ja ? tk_arena_strdup(e->ja, pl->page->label) : pl->page->label;
	e->headings[e->n_headings++] = (tk_heading){title, p->level, pl->page->index, label};
	if (p->level == 1 || !e->section)
		e->section = title;
}

/* Draws lines from..to-1 of the flow, moved down by dy. */
static void emit(tk_engine *e, const tk_flow *f, int from, int to, double dy)
{
	for (int i = from; i < to; i++) {
		const tk_placed *pl = &f->out[i];
		const tk_line *ln = pl->ln;
		tk_page *page = pl->page;
		if (!ln) {
			tk_item *it = tk_dl_add(e->a, page, TK_ITEM_IMAGE);
			it->image = pl->img;
			it->matrix = (tk_matrix){pl->img_w, 0, 0, pl->img_h, pl->x, pl->baseline + dy};
			it->loc = pl->p->loc;
			it->frame = pl->frame->name;
			continue;
		}
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
			it->frame = pl->frame->name;
		}
		for (int k = 0; k < ln->n_links; k++) {
			tk_item *it = tk_dl_add(e->a, page, TK_ITEM_LINK);
			it->uri = ln->links[k].uri;
			it->rect = (tk_rect){pl->x + ln->links[k].x0, pl->baseline + dy - ln->ascent,
			                     ln->links[k].x1 - ln->links[k].x0, ln->ascent + ln->descent};
			it->loc = pl->p->loc;
			it->frame = pl->frame->name;
		}
		if (pl->para_first && pl->p->kind == TK_PARA_HEADING) {
			tk_item *it = tk_dl_add(e->a, page, TK_ITEM_DEST);
			it->title = pl->p->text;
			it->level = pl->p->level;
			it->rect = (tk_rect){pl->x, pl->baseline + dy - ln->ascent, 0, 0};
			it->loc = pl->p->loc;
			if (pl->frame->flow)
				note_heading(e, pl);
		}
	}
}

/* Frames on this page that flowing text wraps around. */
static int wrap_frames(const tk_pagespec *const *specs, int n_specs, const tk_frame **out,
                       int max)
{
	int n = 0;
	for (int s = 0; s < n_specs; s++)
		for (int i = 0; specs[s] && i < specs[s]->n_frames && n < max; i++)
			if (specs[s]->frames[i].wrap)
				out[n++] = &specs[s]->frames[i];
	return n;
}

/* The regions of frame f: its columns (inside the padding) minus wrap frames. */
static int frame_regions(const tk_frame *f, tk_page *page, const tk_frame **obs, int n_obs,
                         tk_region *out, int max)
{
	tk_rect in = {f->r.x + f->padding, f->r.y + f->padding, f->r.w - 2 * f->padding,
	              f->r.h - 2 * f->padding};
	double colw = (in.w - f->gutter * (f->columns - 1)) / f->columns;
	int n = 0;
	for (int c = 0; c < f->columns && n < max; c++) {
		tk_rect col = {in.x + c * (colw + f->gutter), in.y, colw, in.h};
		n += tk_flow_regions(&col, obs, n_obs, page, f, out + n, max - n);
	}
	return n;
}

static tk_para *frame_paras(tk_engine *e, const tk_frame *f, const char *field_name,
                            tk_loc *loc)
{
	const char *src = NULL;
	*loc = f->text_loc;
	if (f->text && !field_name) {
		src = expand(e, f->text);
		/* In a merge, messages about the text point at the record's first field
		 * the template uses, where the writer can fix it. */
		for (const char *q = strchr(f->text, '{'); e->record && q; q = strchr(q + 1, '{')) {
			const char *close = strchr(q, '}');
			if (!close || close - q > 63)
				break;
			char name[64];
			memcpy(name, q + 1, (size_t)(close - q - 1));
			name[close - q - 1] = 0;
			const tk_field *rf = NULL;
			for (int i = 0; i < e->n_record && !rf; i++)
				if (strcmp(e->record[i].name, name) == 0)
					rf = &e->record[i];
			if (rf) {
				*loc = rf->loc;
				break;
			}
		}
	} else {
		const char *name = field_name ? field_name : f->content;
		const tk_field *fld = field(e, name);
		if (!fld || (fld->text && !*fld->text)) {
			if (!fld && !e->record)
				tk_warn(e->d, &f->loc, "frame '%s' shows field '%s', which %s does not "
				        "have; the frame stays empty", f->name, name, e->content->path);
			return NULL;
		}
		if (!fld->text) {
			tk_error(e->d, &fld->loc, "field '%s' is a picture, but frame '%s' is a text "
			         "frame", fld->name, f->name);
			return NULL;
		}
		src = fld->text;
		*loc = fld->loc;
	}
	const tk_pstyle *base = f->pstyle ? f->pstyle : tk_layout_pstyle(e->layout, "body");
	tk_para_styles ps = {e->layout, base};
	return tk_markdown_parse(e->a, src, f->markdown, loc, &ps);
}

static int flow_errors(tk_engine *e, const tk_flow *fl, const tk_frame *f)
{
	if (fl->missing) {
		tk_error(e->d, &fl->missing_at->loc,
		         "character '%s' is in none of the fonts in fonts/ (frame '%s')",
		         fl->missing_char, f->name);
		return -1;
	}
	if (fl->overfull)
		tk_warn(e->d, &fl->overfull_at->loc,
		        "a word is wider than frame '%s' and sticks out of it", f->name);
	return 0;
}

/* Sets one frame's text (not a threaded flow). */
static int place_text(tk_engine *e, tk_page *page, const tk_frame *f, const tk_frame **obs,
                      int n_obs)
{
	tk_loc loc;
	tk_para *paras = frame_paras(e, f, NULL, &loc);
	if (!paras)
		return 0;
	tk_region reg[64];
	int nr = frame_regions(f, page, obs, n_obs, reg, 64);
	tk_flow fl;
	double scale = 1;
	if (f->fit_max > 0) {
		/* Largest size in quarter points between min and max where all fits: the
		 * maximum first (most texts fit there, and are then shaped once), else a
		 * binary search below it. */
		double size = paras->style->size;
		int lo = (int)ceil(f->fit_min * 4), hi = (int)floor(f->fit_max * 4), best = -1;
		int first = 1;
		while (lo <= hi) {
			int mid = first ? hi : (lo + hi + 1) / 2, done = 0;
			first = 0;
			tk_flow_init(&fl, e, paras, mid / 4.0 / size);
			for (int i = 0; i < nr && !done; i++)
				done = tk_flow_fill(&fl, &reg[i]);
			if (done < 0)
				return -1;
			if (done == 1 && !fl.overfull) {
				best = mid;
				lo = mid + 1;
			} else {
				hi = mid - 1;
			}
		}
		if (best < 0) {
			tk_flow_init(&fl, e, paras, f->fit_min / size);
			int done = 0;
			for (int i = 0; i < nr && !done; i++)
				done = tk_flow_fill(&fl, &reg[i]);
			const tk_para *at = fl.cur ? fl.cur : fl.overfull_at;
			while (at && at->whole)
				at = at->whole;
			tk_error(e->d, at ? &at->loc : &loc,
			         "text does not fit in frame '%s' even at the minimum size %.1fpt (%s); "
			         "shorten the text or lower fit: min",
			         f->name, f->fit_min,
			         fl.cur ? "too many lines" : "a word is wider than the frame");
			return -1;
		}
		scale = best / 4.0 / size;
		tk_info(e->d, &f->loc, "frame '%s': text set at %.2fpt (fit %.1fpt to %.1fpt)",
		        f->name, best / 4.0, f->fit_min, f->fit_max);
	}
	tk_flow_init(&fl, e, paras, scale);
	int done = 0;
	for (int i = 0; i < nr && !done; i++)
		done = tk_flow_fill(&fl, &reg[i]);
	if (done < 0 || flow_errors(e, &fl, f) < 0)
		return -1;
	if (!done) {
		const tk_para *at = fl.cur;
		int lines = 0;
		for (const tk_para *p = at; p; p = p->next)
			lines++;
		while (at->whole)
			at = at->whole;
		tk_error(e->d, &at->loc,
		         "text overflows frame '%s' from this paragraph on (%d paragraph%s left); "
		         "shorten the text, enlarge the frame or give it fit: {min: ...}",
		         f->name, lines, lines == 1 ? "" : "s");
		return -1;
	}
	double dy = 0;
	if (f->valign != TK_VALIGN_TOP && fl.n && f->columns == 1 && nr == 1) {
		double free_h = reg[0].y + reg[0].h - fl.bottom;
		dy = f->valign == TK_VALIGN_BOTTOM ? free_h : free_h / 2;
		if (dy < 0)
			dy = 0;
	}
	emit(e, &fl, 0, fl.n, dy);
	return 0;
}

static int place_image(tk_engine *e, tk_page *page, const tk_frame *f)
{
	const tk_field *fld = field(e, f->content);
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
	int pw, ph; /* the file's pixels; placed far above 300 ppi, it is resampled */
	if (tk_images_size(e->images, e->d, fld->image, &fld->image_loc, &pw, &ph) < 0)
		return -1;
	tk_rect box = bleed_rect(f, e->layout, page);
	double sx = box.w / pw, sy = box.h / ph;
	double s = f->image_fit ? fmin(sx, sy) : fmax(sx, sy);
	double w = pw * s, h = ph * s;
	const tk_image *img = tk_images_load_for(e->images, e->d, fld->image, &fld->image_loc, w, h);
	if (!img)
		return -1;
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

/* A QR code's modules on the page: 100 % K. */
static void qr_item(tk_engine *e, tk_page *page, const tk_frame *f, tk_path *p,
                    const tk_loc *loc)
{
	tk_item *it = tk_dl_add(e->a, page, TK_ITEM_FILL);
	it->path = p;
	it->color = (tk_cmyk){0, 0, 0, 1};
	it->loc = *loc;
	it->frame = f->name;
}

static int place_qr(tk_engine *e, tk_page *page, const tk_frame *f)
{
	const char *data = NULL;
	tk_loc loc = f->loc;
	if (f->text) {
		data = expand(e, f->text);
	} else {
		const tk_field *fld = field(e, f->content);
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
	for (int i = 0; i < 8; i++) {
		if (e->qr_cache[i].frame == f && strlen(e->qr_cache[i].text) == n &&
		    memcmp(e->qr_cache[i].text, data, n) == 0) {
			qr_item(e, page, f, e->qr_cache[i].path, &loc);
			return 0;
		}
	}
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
	int slot = e->qr_next++ % 8;
	e->qr_cache[slot].frame = f;
	e->qr_cache[slot].text = txt;
	e->qr_cache[slot].path = p;
	qr_item(e, page, f, p, &loc);
	return 0;
}

static void place_rect(tk_engine *e, tk_page *page, const tk_frame *f)
{
	if (f->has_fill && f->kind == TK_FRAME_RECT) {
		tk_item *it = tk_dl_fill_rect(e->a, page, bleed_rect(f, e->layout, page), f->fill);
		it->loc = f->loc;
		it->frame = f->name;
	}
	if (f->has_stroke && f->stroke_width > 0) {
		tk_item *it = tk_dl_add(e->a, page, TK_ITEM_STROKE);
		if (f->kind == TK_FRAME_LINE) {
			it->path = tk_path_new(e->a);
			tk_path_move(e->a, it->path, f->r.x, f->r.y);
			tk_path_line(e->a, it->path, f->r.x + f->r.w, f->r.y + f->r.h);
		} else {
			it->path = tk_path_rect(e->a, f->r.x, f->r.y, f->r.w, f->r.h);
		}
		it->color = f->stroke;
		it->line_width = (float)f->stroke_width;
		it->loc = f->loc;
		it->frame = f->name;
	}
}

typedef struct toc_job {
	tk_page *page;
	const tk_frame *frame;
} toc_job;

typedef struct composer {
	tk_engine *e;
	toc_job tocs[8];
	int n_tocs;
	/* on a spread canvas: the folios of the left and right page */
	const char *spread_label[2];
	double half_w;
	/* data merge: page bodies shared by every record (fixed_page) */
	struct shared_body {
		const tk_pagespec *sp, *side;
		tk_page *body;
	} bodies[8];
	int n_bodies;
} composer;

/* {page} on a spread canvas is the folio of the page the frame sits on. */
static void frame_label(composer *c, const tk_frame *f)
{
	if (c->spread_label[0])
		c->e->page_label = c->spread_label[f->r.x + f->r.w / 2 >= c->half_w];
}

/* Draws the frames of spec (all but flow frames) on page. */
static void draw_frames(composer *c, tk_page *page, const tk_pagespec *spec)
{
	tk_engine *e = c->e;
	for (int j = 0; spec && j < spec->n_frames; j++) {
		const tk_frame *f = &spec->frames[j];
		if (f->flow)
			continue;
		frame_label(c, f);
		if (f->has_fill && f->kind != TK_FRAME_RECT && f->kind != TK_FRAME_LINE) {
			tk_item *it = tk_dl_fill_rect(e->a, page, bleed_rect(f, e->layout, page), f->fill);
			it->loc = f->loc;
			it->frame = f->name;
		}
		switch (f->kind) {
		case TK_FRAME_RECT:
		case TK_FRAME_LINE:
			place_rect(e, page, f);
			break;
		case TK_FRAME_TEXT:
			/* Only flowing text wraps around wrap frames; a caption or a quote set
			 * inside a wrap frame keeps its own box. */
			place_text(e, page, f, NULL, 0);
			break;
		case TK_FRAME_IMAGE:
			place_image(e, page, f);
			break;
		case TK_FRAME_QR:
			place_qr(e, page, f);
			break;
		case TK_FRAME_TOC:
			e->varies = 1;
			if (c->n_tocs < 8)
				c->tocs[c->n_tocs++] = (toc_job){page, f};
			break;
		}
	}
}

/* Crop marks. In a data merge every page of a size has the same ones: they are
 * made once, as a shared body (dl.h) in the job's arena (a record's may be freed
 * before the last page places them), placed on each page, and marked so that
 * only the print output shows them. */
static void marks(tk_engine *e, tk_page *page)
{
	tk_page *b = NULL;
	for (int i = 0; e->record && i < e->n_marks_bodies && !b; i++) {
		tk_page *m = e->marks_bodies[i];
		if (m->w == page->w && m->h == page->h && m->bleed == page->bleed &&
		    m->slug == page->slug)
			b = m;
	}
	if (!b && e->record && page->slug > 0 && e->n_marks_bodies < 4) {
		tk_arena *ja = tk_engine_job_arena(e);
		b = tk_dl_page_new(ja, NULL, page->w, page->h, page->bleed, page->slug);
		b->shared = 1;
		tk_marks_add(ja, b);
		e->marks_bodies[e->n_marks_bodies++] = b;
	}
	if (!b) {
		tk_marks_add(e->a, page);
		return;
	}
	tk_item *it = tk_dl_add(e->a, page, TK_ITEM_PAGE);
	it->page = b;
	it->matrix = TK_IDENTITY;
	it->is_mark = 1;
}

static tk_page *new_page(tk_engine *e, int folio)
{
	const tk_layout *l = e->layout;
	tk_page *page = tk_dl_page_new(e->a, e->doc, l->w, l->h, l->bleed, l->slug);
	page->label = tk_arena_printf(e->a, "%d", page->index + l->first_number);
	e->page_label = folio ? page->label : "";
	return page;
}

static const tk_pagespec *master_side(const tk_engine *e, const char *name, int index)
{
	const tk_master *m = name ? tk_layout_master(e->layout, name) : NULL;
	if (!m)
		return NULL;
	/* odd page numbers are right-hand pages */
	return (index + e->layout->first_number) % 2 != 0 ? &m->right : &m->left;
}

/* Pages from the master as long as the story of field sp->flow goes on. */
static int flow_pages(composer *c, const tk_pagespec *sp)
{
	tk_engine *e = c->e;
	const tk_pagespec *m0 = master_side(e, sp->master, 0);
	const tk_frame *ff = NULL;
	for (int i = 0; m0 && i < m0->n_frames && !ff; i++)
		if (m0->frames[i].flow)
			ff = &m0->frames[i];
	if (!ff) {
		tk_error(e->d, &sp->loc, "master '%s' has no frame with 'flow: true' to set '%s' in",
		         sp->master, sp->flow);
		return -1;
	}
	tk_loc loc;
	tk_para *paras = frame_paras(e, ff, sp->flow, &loc);
	if (!paras)
		return 0;
	tk_flow fl;
	tk_flow_init(&fl, e, paras, 1);
	int done = 0;
	while (!done) {
		if (e->doc->n_pages >= MAX_PAGES) {
			tk_error(e->d, &sp->loc, "more than %d pages: stopping", MAX_PAGES);
			return -1;
		}
		tk_page *page = new_page(e, sp->folio);
		const tk_pagespec *side = master_side(e, sp->master, page->index);
		const tk_pagespec *specs[2] = {side, sp};
		const tk_frame *obs[32];
		int n_obs = wrap_frames(specs, 2, obs, 32);
		int mark = fl.n;
		for (int i = 0; side && i < side->n_frames && !done; i++) {
			const tk_frame *f = &side->frames[i];
			if (!f->flow)
				continue;
			tk_region reg[64];
			int nr = frame_regions(f, page, obs, n_obs, reg, 64);
			for (int r = 0; r < nr && !done; r++)
				done = tk_flow_fill(&fl, &reg[r]);
			if (done < 0)
				return -1;
		}
		if (fl.n == mark && !done) {
			const tk_para *at = fl.cur;
			while (at->whole)
				at = at->whole;
			tk_error(e->d, &at->loc, "this paragraph does not fit in an empty flow frame of "
			         "master '%s'", sp->master);
			return -1;
		}
		/* Running heads name the section the page starts in (or its first). */
		for (int i = mark; i < fl.n; i++)
			if (fl.out[i].para_first && fl.out[i].p->kind == TK_PARA_HEADING &&
			    fl.out[i].p->level == 1) {
				if (i == mark || !e->section)
					e->section = fl.out[i].p->text;
				break;
			}
		draw_frames(c, page, side);
		draw_frames(c, page, sp);
		emit(e, &fl, mark, fl.n, 0);
		marks(e, page);
		if (flow_errors(e, &fl, ff) < 0)
			return -1;
	}
	return 0;
}

/* On a fixed page, frames with flow: true that show the same field are threaded:
 * the story runs through them in the order the layout lists them. */
static void thread_frames(composer *c, tk_page *page, const tk_pagespec *sp,
                          const tk_pagespec *const *all, int n_all)
{
	tk_engine *e = c->e;
	const tk_frame *obs[32];
	int n_obs = wrap_frames(all, n_all, obs, 32);
	for (int i = 0; i < sp->n_frames; i++) {
		const tk_frame *f = &sp->frames[i];
		if (!f->flow || !f->content || f->kind != TK_FRAME_TEXT)
			continue;
		int seen = 0;
		for (int k = 0; k < i; k++)
			seen |= sp->frames[k].flow && sp->frames[k].content &&
			        strcmp(sp->frames[k].content, f->content) == 0;
		if (seen)
			continue;
		tk_loc loc;
		tk_para *paras = frame_paras(e, f, f->content, &loc);
		if (!paras)
			continue;
		tk_flow fl;
		tk_flow_init(&fl, e, paras, 1);
		int done = 0;
		const tk_frame *last = f;
		for (int k = i; k < sp->n_frames && !done; k++) {
			const tk_frame *g = &sp->frames[k];
			if (!g->flow || !g->content || strcmp(g->content, f->content) != 0)
				continue;
			last = g;
			tk_region reg[64];
			int nr = frame_regions(g, page, obs, n_obs, reg, 64);
			for (int r = 0; r < nr && !done; r++)
				done = tk_flow_fill(&fl, &reg[r]);
		}
		if (done < 0 || flow_errors(e, &fl, f) < 0)
			continue;
		if (!done) {
			const tk_para *at = fl.cur;
			while (at->whole)
				at = at->whole;
			tk_error(e->d, &at->loc, "the story '%s' does not fit in its frames (it "
			         "overflows frame '%s' from this paragraph on)", f->content, last->name);
			continue;
		}
		emit(e, &fl, 0, fl.n, 0);
	}
}

/* The horizontal extent of a graphic item on the canvas. */
static void item_x_range(const tk_item *it, double *x0, double *x1)
{
	*x0 = 1e9;
	*x1 = -1e9;
	if (it->kind == TK_ITEM_IMAGE) {
		double xs[2] = {it->matrix.e, it->matrix.e + it->matrix.a + it->matrix.c};
		*x0 = xs[0] < xs[1] ? xs[0] : xs[1];
		*x1 = xs[0] < xs[1] ? xs[1] : xs[0];
	} else if (it->path) {
		for (int k = 0; k < it->path->n_pts; k++) {
			double x = it->path->pts[2 * k];
			if (x < *x0)
				*x0 = x;
			if (x > *x1)
				*x1 = x;
		}
		*x0 -= it->line_width;
		*x1 += it->line_width;
	} else {
		*x0 = -1e9;
		*x1 = 1e9;
	}
}

/* A glyph whose ink crosses the fold stays, as text, on the page holding its
 * centre; the ink beyond the fold is drawn on the facing page as the glyph's
 * outline, clipped at the fold. So the headline is split exactly at the fold:
 * every glyph is text once, and no ink is lost to the trim. */
static void fold_overhang(tk_engine *e, tk_page *half[2], const tk_glyph_run *run,
                          const tk_item *it)
{
	const tk_layout *l = e->layout;
	for (int g = 0; g < run->n; g++) {
		const tk_glyph *gl = &run->glyphs[g];
		double mid = gl->x + gl->advance / 2;
		if (fabs(mid - l->w) > 2 * run->size)
			continue;
		double x0, x1;
		int own = mid >= l->w, other = !own;
		tk_path *p = tk_glyph_outline(e->a, run->font, gl->gid, run->size,
		                              gl->x - other * l->w, gl->y, &x0, &x1);
		/* (x0, x1 in the facing page's space: the fold is at 0 on the right page,
		 * at l->w on the left one) */
		if (!p || (other == 1 && x1 <= 0) || (other == 0 && x0 >= l->w))
			continue;
		tk_page *pg = half[other];
		tk_item *clip = tk_dl_add(e->a, pg, TK_ITEM_CLIP);
		clip->path = other ? tk_path_rect(e->a, 0, -l->bleed, l->w + l->bleed,
		                                  l->h + 2 * l->bleed)
		                   : tk_path_rect(e->a, -l->bleed, -l->bleed, l->w + l->bleed,
		                                  l->h + 2 * l->bleed);
		tk_item *fill = tk_dl_add(e->a, pg, TK_ITEM_FILL);
		fill->path = p;
		fill->color = run->color;
		fill->loc = it->loc;
		fill->frame = it->frame;
		tk_dl_add(e->a, pg, TK_ITEM_POP);
	}
}

/* A spread: the page spec is laid out on a canvas two pages wide, then cut into a
 * left and a right page. Graphics go to both pages, clipped to each page's bleed;
 * every glyph goes to exactly one page (the one holding its centre), so a headline
 * across the fold is split there with no glyph lost or doubled. */
static void spread_page(composer *c, const tk_pagespec *sp)
{
	tk_engine *e = c->e;
	const tk_layout *l = e->layout;
	tk_page *left = new_page(e, sp->folio);
	tk_page *right = new_page(e, sp->folio);
	tk_page *canvas = tk_dl_page_new(e->a, NULL, 2 * l->w, l->h, l->bleed, 0);
	c->spread_label[0] = sp->folio ? left->label : "";
	c->spread_label[1] = sp->folio ? right->label : "";
	c->half_w = l->w;
	const tk_pagespec *specs[1] = {sp};
	draw_frames(c, canvas, sp);
	thread_frames(c, canvas, sp, specs, 1);
	c->spread_label[0] = c->spread_label[1] = NULL;
	tk_page *half[2] = {left, right};
	tk_page *group = NULL, *groups[2] = {NULL, NULL};
	for (tk_item *it = canvas->first; it; it = it->next) {
		if (it->kind == TK_ITEM_GLYPHS) {
			group = NULL;
			const tk_glyph_run *run = it->run;
			for (int side = 0; side < 2; side++) {
				tk_glyph_run *part = TK_NEW(e->a, tk_glyph_run);
				*part = *run;
				part->glyphs = TK_NEWN(e->a, tk_glyph, run->n);
				part->n = 0;
				for (int g = 0; g < run->n; g++) {
					tk_glyph gl = run->glyphs[g];
					if ((gl.x + gl.advance / 2 >= l->w) != side)
						continue;
					gl.x -= (float)(side * l->w);
					part->glyphs[part->n++] = gl;
				}
				if (!part->n)
					continue;
				tk_item *ni = tk_dl_add(e->a, half[side], TK_ITEM_GLYPHS);
				ni->run = part;
				ni->loc = it->loc;
				ni->frame = it->frame;
			}
			fold_overhang(e, half, run, it);
			continue;
		}
		if (it->kind == TK_ITEM_LINK || it->kind == TK_ITEM_DEST) {
			group = NULL;
			int side = it->rect.x + it->rect.w / 2 >= l->w;
			tk_item *ni = tk_dl_add(e->a, half[side], it->kind);
			tk_item *keep = ni->next;
			*ni = *it;
			ni->next = keep;
			ni->rect.x -= side * l->w;
			continue;
		}
		/* Graphics: collected into a group per page, placed under a clip of the
		 * page's bleed box. An item goes only to the pages its box reaches, so no
		 * picture hides, clipped away, in the other page's file. Clips go to both
		 * so the groups keep their structure. */
		if (!group) {
			group = half[0]; /* marks that a new pair of groups is needed */
			for (int side = 0; side < 2; side++) {
				groups[side] = tk_dl_page_new(e->a, NULL, 2 * l->w, l->h, l->bleed, 0);
				tk_page *p = half[side];
				tk_item *clip = tk_dl_add(e->a, p, TK_ITEM_CLIP);
				clip->path = tk_path_rect(e->a, -l->bleed, -l->bleed, l->w + 2 * l->bleed,
				                          l->h + 2 * l->bleed);
				tk_item *pl = tk_dl_add(e->a, p, TK_ITEM_PAGE);
				pl->page = groups[side];
				pl->matrix = tk_matrix_translate(-side * l->w, 0);
				tk_dl_add(e->a, p, TK_ITEM_POP);
			}
		}
		double x0, x1;
		item_x_range(it, &x0, &x1);
		for (int side = 0; side < 2; side++) {
			double lo = side * l->w - l->bleed, hi = (side + 1) * l->w + l->bleed;
			int structural = it->kind == TK_ITEM_CLIP || it->kind == TK_ITEM_POP;
			if (!structural && (x1 <= lo || x0 >= hi))
				continue;
			tk_item *ni = tk_dl_add(e->a, groups[side], it->kind);
			tk_item *keep = ni->next;
			*ni = *it;
			ni->next = keep;
		}
	}
	tk_marks_add(e->a, left);
	tk_marks_add(e->a, right);
}

static void place_body(tk_engine *e, tk_page *page, const tk_page *body)
{
	tk_item *it = tk_dl_add(e->a, page, TK_ITEM_PAGE);
	it->page = body;
	it->matrix = TK_IDENTITY;
}

static void fixed_page(composer *c, const tk_pagespec *sp)
{
	tk_engine *e = c->e;
	if (e->layout->spread) {
		spread_page(c, sp);
		return;
	}
	tk_page *page = new_page(e, sp->folio);
	const tk_pagespec *side = master_side(e, sp->master, page->index);
	/* In a data merge, a page whose frames show nothing of the record (the back
	 * of a business card) is laid out once: its items become a shared body that
	 * every record's page places, so it is shaped, kept and written once. */
	for (int i = 0; e->record && i < c->n_bodies; i++)
		if (c->bodies[i].sp == sp && c->bodies[i].side == side) {
			place_body(e, page, c->bodies[i].body);
			marks(e, page);
			if (e->page_done)
				e->page_done(e->page_done_ctx, page);
			return;
		}
	const tk_pagespec *specs[2] = {side, sp};
	e->varies = 0;
	draw_frames(c, page, side);
	draw_frames(c, page, sp);
	thread_frames(c, page, sp, specs, 2);
	/* (only while laying out in the job's arena: the body's items stay for every
	 * later record, and a record's own arena may be freed before them) */
	if (e->record && !e->varies && page->first && c->n_bodies < 8 &&
	    e->a == tk_engine_job_arena(e)) {
		tk_page *body = tk_dl_page_new(e->a, NULL, page->w, page->h, page->bleed, page->slug);
		body->index = page->index;
		body->label = page->label;
		body->shared = 1;
		body->first = page->first;
		body->last = page->last;
		page->first = page->last = NULL;
		c->bodies[c->n_bodies++] = (struct shared_body){sp, side, body};
		place_body(e, page, body);
	}
	marks(e, page);
	if (e->page_done && e->record)
		e->page_done(e->page_done_ctx, page);
}

/* The table of contents: headings down to the frame's level, each with its page
 * number on a right tab. Filled in last, when every page number is known. */
static void fill_toc(tk_engine *e, const toc_job *t)
{
	const tk_frame *f = t->frame;
	size_t cap = 64;
	for (int i = 0; i < e->n_headings; i++)
		cap += strlen(e->headings[i].title) + 16;
	char *md = tk_arena_alloc(e->a, cap);
	size_t o = 0;
	for (int i = 0; i < e->n_headings; i++) {
		const tk_heading *h = &e->headings[i];
		if (h->level > f->toc_levels)
			continue;
		o += (size_t)snprintf(md + o, cap - o, "%s\t%s\n", h->title, h->label);
	}
	if (!o)
		return;
	const tk_pstyle *base = f->pstyle ? f->pstyle : tk_layout_pstyle(e->layout, "body");
	tk_para_styles ps = {e->layout, base};
	tk_loc loc = f->loc;
	tk_para *paras = tk_markdown_parse(e->a, md, 0, &loc, &ps);
	/* Level 1 entries in the frame style, deeper ones in "toc2" when there is one. */
	const tk_pstyle *s2 = tk_layout_pstyle(e->layout, "toc2");
	tk_para *p = paras;
	for (int i = 0; i < e->n_headings && p; i++) {
		if (e->headings[i].level > f->toc_levels)
			continue;
		if (e->headings[i].level > 1 && s2)
			p->style = s2;
		p->right_tab = 1;
		p->link_page = e->headings[i].page;
		p = p->next;
	}
	tk_region reg[16];
	int nr = frame_regions(f, t->page, NULL, 0, reg, 16);
	tk_flow fl;
	tk_flow_init(&fl, e, paras, 1);
	int done = 0;
	for (int r = 0; r < nr && !done; r++)
		done = tk_flow_fill(&fl, &reg[r]);
	if (!done)
		tk_error(e->d, &f->loc, "the table of contents does not fit in frame '%s'", f->name);
	int n_before = e->n_headings;
	emit(e, &fl, 0, fl.n, 0);
	e->n_headings = n_before;
	/* Each entry links to its page in the screen PDF. */
	for (int i = 0; i < fl.n; i++) {
		const tk_placed *pl = &fl.out[i];
		tk_item *it = tk_dl_add(e->a, t->page, TK_ITEM_LINK);
		it->dest_page = pl->p->link_page;
		it->rect = (tk_rect){pl->x, pl->baseline - pl->ln->ascent, reg[0].w,
		                     pl->ln->ascent + pl->ln->descent};
	}
}

static int valid_email(const char *s)
{
	const char *at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@') || strchr(s, ' '))
		return 0;
	const char *dot = strrchr(at, '.');
	return dot && dot > at + 1 && dot[1] && dot[2];
}

static int valid_phone(const char *s)
{
	int digits = 0;
	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (!strchr(" +-().", *p))
			return 0;
	}
	return digits >= 5 && digits <= 15;
}

/* Checks a record against the layout's merge rules; all problems are reported. */
static void check_record(tk_engine *e, const tk_record *rec)
{
	const tk_layout *l = e->layout;
	for (int i = 0; i < l->n_merge_required; i++) {
		const tk_field *f = tk_record_field(rec, l->merge_required[i]);
		if (!f || !f->text || !*f->text)
			tk_error(e->d, &rec->loc, "'%s' is missing", l->merge_required[i]);
	}
	for (int i = 0; i < l->n_merge_email; i++) {
		const tk_field *f = tk_record_field(rec, l->merge_email[i]);
		if (f && f->text && *f->text && !valid_email(f->text))
			tk_error(e->d, &f->loc, "'%s' is not an e-mail address", f->text);
	}
	for (int i = 0; i < l->n_merge_phone; i++) {
		const tk_field *f = tk_record_field(rec, l->merge_phone[i]);
		if (f && f->text && *f->text && !valid_phone(f->text))
			tk_error(e->d, &f->loc, "'%s' is not a phone number", f->text);
	}
}

static void layout_pages(composer *c);

/* The names of the records' fields, each once (for field()). */
static void record_names(tk_engine *e)
{
	enum { MAX_NAMES = 256 };
	const tk_content *ct = e->content;
	e->record_names = TK_NEWN(e->a, const char *, MAX_NAMES);
	e->n_record_names = 0;
	for (int i = 0; i < ct->n_records; i++)
		for (int k = 0; k < ct->records[i].n; k++) {
			const char *name = ct->records[i].fields[k].name;
			if (!name)
				continue;
			int j = 0;
			while (j < e->n_record_names && strcmp(e->record_names[j], name) != 0)
				j++;
			if (j < e->n_record_names)
				continue;
			if (e->n_record_names == MAX_NAMES) {
				e->record_names = NULL; /* every field is taken for a record's */
				e->n_record_names = 0;
				return;
			}
			e->record_names[e->n_record_names++] = name;
		}
}

void tk_layout_keep(tk_engine *e)
{
	memcpy(e->qr_kept, e->qr_cache, sizeof e->qr_kept);
	e->qr_next_kept = e->qr_next;
	tk_flow_memo_keep(e);
}

void tk_layout_back(tk_engine *e)
{
	memcpy(e->qr_cache, e->qr_kept, sizeof e->qr_cache);
	e->qr_next = e->qr_next_kept;
	tk_flow_memo_back(e);
}

int tk_layout_doc(tk_engine *e, tk_doc *doc)
{
	int errors = tk_diag_errors(e->d);
	composer c = {.e = e};
	e->doc = doc;
	const tk_content *ct = e->content;
	if (ct->n_records == 0) {
		layout_pages(&c);
		return tk_diag_errors(e->d) > errors ? -1 : 0;
	}
	/* Data merge: the layout's pages once per record, every record checked. */
	record_names(e);
	for (int i = 0; i < ct->n_records; i++) {
		const tk_record *rec = &ct->records[i];
		const char *lab = NULL;
		if (e->layout->merge_label) {
			const tk_field *f = tk_record_field(rec, e->layout->merge_label);
			lab = f && f->text && *f->text ? f->text : NULL;
		}
		char ctx[160];
		if (lab)
			snprintf(ctx, sizeof ctx, "record %d (%.100s): ", i + 1, lab);
		else
			snprintf(ctx, sizeof ctx, "record %d: ", i + 1);
		tk_diag_set_context(e->d, ctx);
		e->record = rec->fields;
		e->n_record = rec->n;
		if (e->record_begin)
			e->record_begin(e->page_done_ctx, i);
		int before = tk_diag_errors(e->d);
		check_record(e, rec);
		if (tk_diag_errors(e->d) == before)
			layout_pages(&c);
		c.n_tocs = 0;
		if (e->record_end)
			e->record_end(e->page_done_ctx, i);
	}
	if (e->ja)
		e->a = e->ja;
	tk_diag_set_context(e->d, NULL);
	e->record = NULL;
	e->n_record = 0;
	/* A record field that no frame shows is most likely a misspelt name (said
	 * once the records are right: a record with errors is not laid out). */
	if (tk_diag_errors(e->d) > errors)
		return -1;
	for (int i = 0; i < e->layout->n_merge_required; i++)
		asked(e, e->layout->merge_required[i]);
	for (int i = 0; i < e->layout->n_merge_email; i++)
		asked(e, e->layout->merge_email[i]);
	for (int i = 0; i < e->layout->n_merge_phone; i++)
		asked(e, e->layout->merge_phone[i]);
	const char **warned = TK_NEWN(e->a, const char *, 64);
	int n_warned = 0;
	for (int i = 0; i < ct->n_records && n_warned < 64; i++) {
		const tk_record *rec = &ct->records[i];
		for (int k = 0; k < rec->n && n_warned < 64; k++) {
			const tk_field *f = &rec->fields[k];
			int known = !f->name || !*f->name;
			for (int j = 0; j < e->n_asked && !known; j++)
				known = strcmp(e->asked[j], f->name) == 0;
			for (int j = 0; j < n_warned && !known; j++)
				known = strcmp(warned[j], f->name) == 0;
			if (known || (e->layout->merge_label && strcmp(e->layout->merge_label, f->name) == 0))
				continue;
			warned[n_warned++] = f->name;
			const char *sug = tk_diag_suggest(f->name, e->asked, e->n_asked);
			tk_warn(e->d, &f->loc, "field '%s' is not shown by any frame of the layout%s%s%s",
			        f->name, sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
		}
	}
	return tk_diag_errors(e->d) > errors ? -1 : 0;
}

static void layout_pages(composer *c)
{
	tk_engine *e = c->e;
	const tk_layout *l = e->layout;
	tk_doc *doc = e->doc;
	for (int i = 0; i < l->n_pages; i++) {
		const tk_pagespec *sp = &l->pages[i];
		if (sp->last)
			continue;
		if (sp->flow)
			flow_pages(c, sp);
		else
			fixed_page(c, sp);
		/* A runaway flow stops here (flow_pages reported it); a data merge is as
		 * long as its list, and cutting a record short would silently drop the
		 * backs of every card past the limit. */
		if (doc->n_pages >= MAX_PAGES && !e->record)
			break;
	}
	int n_last = 0;
	for (int i = 0; i < l->n_pages; i++)
		n_last += l->pages[i].last;
	if (l->pad_multiple > 1) {
		int total = doc->n_pages + n_last;
		int add = (l->pad_multiple - total % l->pad_multiple) % l->pad_multiple;
		if (add)
			tk_warn(e->d, &l->loc, "added %d blank page%s so the page count (%d) is a "
			        "multiple of %d", add, add == 1 ? "" : "s", total + add, l->pad_multiple);
		for (int i = 0; i < add; i++) {
			tk_page *page = new_page(e, 0);
			const tk_pagespec *side = master_side(e, l->pad_master, page->index);
			draw_frames(c, page, side);
			marks(e, page);
		}
	}
	for (int i = 0; i < l->n_pages; i++)
		if (l->pages[i].last)
			fixed_page(c, &l->pages[i]);
	for (int i = 0; i < c->n_tocs; i++)
		fill_toc(e, &c->tocs[i]);
}

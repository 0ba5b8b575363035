/* preflight.c - what a print shop checks before it prints, done on the display list.
 *
 * One walk over every page's items (into placed pages, under their matrices, with
 * the clips in force) measures what each item will be on paper: a picture's
 * effective resolution from its matrix, a glyph's box against the trim and the
 * safe margin, a fill's edges against the trim and the bleed, a stroke's width,
 * the ink of every colour, small type and what lies under it. Measures of the same
 * kind from the same frame and YAML line are merged into one finding that keeps
 * the worst value, so a paragraph near the trim is one warning, not one per line,
 * and a data merge's repeated card is one finding "also on N other pages".
 *
 * Findings go to the diagnostics (which quote the YAML line) and, for --json and
 * tests, into a tk_findings list that owns copies of everything it holds. */
#include "preflight.h"

#include "arena.h"
#include "model/units.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- findings list -------------------------------------------------------------- */

static char *dup_or_null(const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	char *p = tk_xmalloc(n);
	memcpy(p, s, n);
	return p;
}

void tk_findings_free(tk_findings *f)
{
	if (!f)
		return;
	for (int i = 0; i < f->n; i++) {
		free(f->v[i].message);
		free(f->v[i].frame);
		free((char *)f->v[i].loc.file);
	}
	free(f->v);
	*f = (tk_findings){0};
}

void tk_findings_add(tk_findings *f, tk_severity sev, const char *rule, const char *message,
                     int page, const char *frame, const tk_loc *loc)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->v = tk_xrealloc(f->v, sizeof *f->v * (size_t)f->cap);
	}
	tk_finding *x = &f->v[f->n++];
	*x = (tk_finding){.severity = sev, .rule = rule, .message = dup_or_null(message),
	                  .page = page, .frame = dup_or_null(frame)};
	if (loc && loc->file)
		x->loc = (tk_loc){dup_or_null(loc->file), loc->line, loc->col};
}

int tk_findings_count(const tk_findings *f, int from, tk_severity sev)
{
	int n = 0;
	for (int i = from < 0 ? 0 : from; f && i < f->n; i++)
		n += f->v[i].severity == sev;
	return n;
}

static void json_string(FILE *out, const char *s)
{
	if (!s) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", out);
		else if (*p == '\t')
			fputs("\\t", out);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static const char *severity_name(tk_severity s)
{
	return s == TK_ERROR ? "error" : s == TK_WARNING ? "warning" : "info";
}

void tk_findings_json(const tk_findings *f, FILE *out)
{
	fputs("[", out);
	for (int i = 0; f && i < f->n; i++) {
		const tk_finding *x = &f->v[i];
		fputs(i ? ",\n " : "\n ", out);
		fprintf(out, "{\"severity\": \"%s\", \"rule\": ", severity_name(x->severity));
		json_string(out, x->rule);
		fputs(", \"message\": ", out);
		json_string(out, x->message);
		if (x->page > 0)
			fprintf(out, ", \"page\": %d", x->page);
		else
			fputs(", \"page\": null", out);
		fputs(", \"frame\": ", out);
		json_string(out, x->frame);
		fputs(", \"file\": ", out);
		json_string(out, x->loc.file);
		if (x->loc.file && x->loc.line > 0)
			fprintf(out, ", \"line\": %d, \"col\": %d}", x->loc.line, x->loc.col);
		else
			fputs(", \"line\": null, \"col\": null}", out);
	}
	fputs(f && f->n ? "\n]\n" : "]\n", out);
}

/* ---- measuring ------------------------------------------------------------------ */

enum rule {
	R_PPI,
	R_RGB,
	R_SAFE,
	R_BLEED,
	R_BLEED_SHORT,
	R_HAIRLINE,
	R_INK,
	R_RICH_BLACK,
	R_REVERSED,
	R_FONT,
	R_TRIM
};

static const char *const rule_names[] = {
	"image-resolution", "image-rgb", "safe-margin", "bleed", "bleed", "hairline", "total-ink",
	"small-text", "small-text", "font-source", "trim-size",
};

/* A measure waiting to become a finding; merged with others of the same key. */
typedef struct hit {
	enum rule rule;
	int page, other_pages, last_page;
	const char *frame;
	tk_loc loc;
	const char *what;          /* picture or font path, swatch name, edge, object */
	double v;                  /* the worst measure so far */
	double v2;                 /* a second measure (the bleed, the safe margin) */
	tk_cmyk color;
} hit;

typedef struct box {
	double x0, y0, x1, y1;
} box;

#define MAX_CLIP 64
#define NO_COLOR ((tk_cmyk){0, 0, 0, 0})

/* A shared page body (dl.h: the back of a business card) walked once at the top of
 * a page with nothing drawn or clipped before it: the findings it gave and the
 * areas it drew, given again wherever it is placed so on a page of the same size
 * (the same calls to add_hit as walking it would make). */
typedef struct hit_call {
	int rule;
	const char *frame;
	tk_loc loc;
	const char *what;
	double v, v2;
	tk_cmyk color;
} hit_call;

typedef struct body_memo {
	const tk_page *body;
	double w, h, bleed;        /* of the page it was walked on */
	hit_call *calls;
	int n_calls, cap_calls;
	box *under;
	int *inked;
	int n_under;
	int usable;                /* it left no clip behind */
} body_memo;

#define MAX_BODY_MEMOS 8

typedef struct walker {
	const tk_layout *l;
	const tk_preflight_opts *o;
	const tk_page *page;       /* the document page being checked */
	int page_no;
	int fold_left, fold_right; /* a spread's fold is no trim edge */
	double safe;
	hit *hits;
	int n_hits, cap_hits;
	box clip[MAX_CLIP];
	int n_clip, clip_overflow;
	box *under;                /* fills and pictures drawn so far on the page */
	int *under_inked;
	int n_under, cap_under;
	const tk_font **fonts;     /* fonts already checked */
	int n_fonts, cap_fonts;
	char *fonts_real;          /* realpath of the fonts folder, or NULL */
	body_memo memos[MAX_BODY_MEMOS];
	int n_memos;
	body_memo *rec;            /* the memo being recorded, or NULL */
} walker;

static int same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Lower is worse for these rules, higher for the others. */
static int lower_is_worse(enum rule r)
{
	return r == R_PPI || r == R_SAFE || r == R_BLEED_SHORT || r == R_HAIRLINE ||
	       r == R_RICH_BLACK || r == R_REVERSED;
}

static void add_hit(walker *w, enum rule rule, const char *frame, const tk_loc *loc,
                    const char *what, double v, double v2, tk_cmyk c)
{
	tk_loc none = {0};
	if (!loc)
		loc = &none;
	if (w->rec) {
		body_memo *bm = w->rec;
		if (bm->n_calls == bm->cap_calls) {
			bm->cap_calls = bm->cap_calls ? 2 * bm->cap_calls : 8;
			bm->calls = tk_xrealloc(bm->calls, sizeof *bm->calls * (size_t)bm->cap_calls);
		}
		bm->calls[bm->n_calls++] = (hit_call){rule, frame, *loc, what, v, v2, c};
	}
	for (int i = 0; i < w->n_hits; i++) {
		hit *h = &w->hits[i];
		if (h->rule != rule || !same_str(h->frame, frame) || !same_str(h->what, what) ||
		    !same_str(h->loc.file, loc->file) || h->loc.line != loc->line ||
		    h->loc.col != loc->col)
			continue;
		if (lower_is_worse(rule) ? v < h->v : v > h->v) {
			h->v = v;
			h->v2 = v2;
			h->color = c;
		}
		if (w->page_no != h->page && w->page_no != h->last_page) {
			h->other_pages++;
			h->last_page = w->page_no;
		}
		return;
	}
	if (w->n_hits == w->cap_hits) {
		w->cap_hits = w->cap_hits ? w->cap_hits * 2 : 32;
		w->hits = tk_xrealloc(w->hits, sizeof *w->hits * (size_t)w->cap_hits);
	}
	w->hits[w->n_hits++] = (hit){.rule = rule, .page = w->page_no, .last_page = w->page_no,
	                             .frame = frame, .loc = *loc, .what = what, .v = v,
	                             .v2 = v2, .color = c};
}

static box box_empty(void)
{
	return (box){1e30, 1e30, -1e30, -1e30};
}

static void box_add(box *b, const tk_matrix *m, double x, double y)
{
	tk_matrix_apply(m, &x, &y);
	if (x < b->x0)
		b->x0 = x;
	if (x > b->x1)
		b->x1 = x;
	if (y < b->y0)
		b->y0 = y;
	if (y > b->y1)
		b->y1 = y;
}

static box box_of_rect(const tk_matrix *m, double x0, double y0, double x1, double y1)
{
	box b = box_empty();
	box_add(&b, m, x0, y0);
	box_add(&b, m, x1, y0);
	box_add(&b, m, x0, y1);
	box_add(&b, m, x1, y1);
	return b;
}

/* The bounding box of a path's points (curve control points included: a little
 * larger than the curve, never smaller). */
static box box_of_path(const tk_path *p, const tk_matrix *m)
{
	box b = box_empty();
	for (int i = 0; p && i < p->n_pts; i++)
		box_add(&b, m, p->pts[2 * i], p->pts[2 * i + 1]);
	return b;
}

static box box_clip(const walker *w, box b)
{
	if (w->n_clip == 0)
		return b;
	const box *c = &w->clip[w->n_clip - 1];
	return (box){fmax(b.x0, c->x0), fmax(b.y0, c->y0), fmin(b.x1, c->x1), fmin(b.y1, c->y1)};
}

static int box_is_empty(box b)
{
	return b.x1 <= b.x0 || b.y1 <= b.y0;
}

static int boxes_meet(box a, box b)
{
	return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/* How much a matrix scales lengths (its area scale's square root). */
static double matrix_scale(const tk_matrix *m)
{
	return sqrt(fabs(m->a * m->d - m->b * m->c));
}

static double ink(tk_cmyk c)
{
	return tk_cmyk_total_ink(c);
}

/* The frame of the layout with this name and kind, if any (names may repeat). */
static const tk_frame *frame_named(const tk_layout *l, const char *name, tk_frame_kind kind)
{
	if (!l || !name)
		return NULL;
	for (int p = 0; p < l->n_pages; p++)
		for (int i = 0; i < l->pages[p].n_frames; i++)
			if (l->pages[p].frames[i].kind == kind &&
			    same_str(l->pages[p].frames[i].name, name))
				return &l->pages[p].frames[i];
	for (int m = 0; m < l->n_masters; m++) {
		const tk_pagespec *side[2] = {&l->masters[m].left, &l->masters[m].right};
		for (int s = 0; s < 2; s++)
			for (int i = 0; i < side[s]->n_frames; i++)
				if (side[s]->frames[i].kind == kind &&
				    same_str(side[s]->frames[i].name, name))
					return &side[s]->frames[i];
	}
	return NULL;
}

/* Distance of a box from the nearest trim edge (a spread's fold excepted);
 * negative when it crosses the trim. */
static double trim_distance(const walker *w, box b)
{
	double d = 1e30;
	if (!w->fold_left)
		d = fmin(d, b.x0);
	if (!w->fold_right)
		d = fmin(d, w->page->w - b.x1);
	d = fmin(d, b.y0);
	d = fmin(d, w->page->h - b.y1);
	return d;
}

static int on_page(const walker *w, box b)
{
	return b.x1 > 0 && b.x0 < w->page->w && b.y1 > 0 && b.y0 < w->page->h;
}

static void check_safe(walker *w, const tk_item *it, box b, const char *what)
{
	if (!on_page(w, b))
		return;
	double d = trim_distance(w, b);
	if (d < w->safe - 0.01)
		add_hit(w, R_SAFE, it->frame, &it->loc, what, d, w->safe, NO_COLOR);
}

/* Edges by bit (1 left, 2 top, 4 right, 8 bottom), for messages and merging. */
static const char *const edge_names[16] = {
	"", "left", "top", "left and top", "right", "left and right", "top and right",
	"left, top and right", "bottom", "left and bottom", "top and bottom",
	"left, top and bottom", "right and bottom", "left, right and bottom",
	"top, right and bottom", "left, top, right and bottom",
};

/* A coloured area that reaches a trim edge must run on into the bleed, or the
 * slightest shift of the knife leaves a white hairline. */
static void check_bleed(walker *w, const tk_item *it, box b)
{
	const tk_page *pg = w->page;
	if (pg->bleed <= TK_PREFLIGHT_EDGE || !on_page(w, b))
		return;
	double e = TK_PREFLIGHT_EDGE, need = pg->bleed - e;
	/* how far beyond each edge the area reaches: left, top, right, bottom */
	double over[4] = {-b.x0, -b.y0, b.x1 - pg->w, b.y1 - pg->h};
	int stops = 0, short_of = 0;
	double least = 1e30;
	for (int i = 0; i < 4; i++) {
		if ((i == 0 && w->fold_left) || (i == 2 && w->fold_right))
			continue;
		if (over[i] < -e || over[i] >= need)
			continue;
		if (over[i] < e) {
			stops |= 1 << i;
		} else {
			short_of |= 1 << i;
			least = fmin(least, over[i]);
		}
	}
	if (stops)
		add_hit(w, R_BLEED, it->frame, &it->loc, edge_names[stops], 0, pg->bleed, NO_COLOR);
	if (short_of)
		add_hit(w, R_BLEED_SHORT, it->frame, &it->loc, edge_names[short_of], least,
		        pg->bleed, NO_COLOR);
}

static void check_ink(walker *w, const tk_item *it, tk_cmyk c)
{
	double t = ink(c);
	if (t > TK_PREFLIGHT_MAX_INK + 0.01)
		add_hit(w, R_INK, it->frame, &it->loc, NULL, t, 0, c);
}

static void add_under(walker *w, box b, int inked)
{
	if (w->n_under == w->cap_under) {
		w->cap_under = w->cap_under ? w->cap_under * 2 : 64;
		w->under = tk_xrealloc(w->under, sizeof *w->under * (size_t)w->cap_under);
		w->under_inked = tk_xrealloc(w->under_inked, sizeof(int) * (size_t)w->cap_under);
	}
	w->under[w->n_under] = b;
	w->under_inked[w->n_under++] = inked;
}

/* Is the topmost area drawn under b coloured? */
static int on_colour(const walker *w, box b)
{
	for (int i = w->n_under - 1; i >= 0; i--)
		if (boxes_meet(w->under[i], b))
			return w->under_inked[i];
	return 0;
}

static void check_font(walker *w, const tk_item *it, const tk_font *f)
{
	if (!w->fonts_real || !f)
		return;
	for (int i = 0; i < w->n_fonts; i++)
		if (w->fonts[i] == f)
			return;
	if (w->n_fonts == w->cap_fonts) {
		w->cap_fonts = w->cap_fonts ? w->cap_fonts * 2 : 16;
		w->fonts = tk_xrealloc(w->fonts, sizeof *w->fonts * (size_t)w->cap_fonts);
	}
	w->fonts[w->n_fonts++] = f;
	char *real = f->path && *f->path ? realpath(f->path, NULL) : NULL;
	size_t n = strlen(w->fonts_real);
	int inside = real && strncmp(real, w->fonts_real, n) == 0 && real[n] == '/';
	free(real);
	if (!inside)
		add_hit(w, R_FONT, it->frame, &it->loc, f->path && *f->path ? f->path : f->name, 0,
		        0, NO_COLOR);
}

static int is_space(const tk_glyph *g)
{
	return g->text_len == 1 && (g->text[0] == ' ' || g->text[0] == '\t');
}

static void check_glyphs(walker *w, const tk_item *it, const tk_matrix *m)
{
	const tk_glyph_run *run = it->run;
	if (!run || run->n == 0)
		return;
	check_font(w, it, run->font);
	check_ink(w, it, run->color);
	double size = run->size * matrix_scale(m);
	box all = box_empty();
	for (int i = 0; i < run->n; i++) {
		const tk_glyph *g = &run->glyphs[i];
		if (is_space(g))
			continue;
		/* The em box above the baseline: no font metrics here, and descenders
		 * rarely carry meaning. */
		box b = box_of_rect(m, g->x, g->y - run->size, g->x + g->advance, g->y);
		if (b.x1 - b.x0 < 0.01)
			b.x1 = b.x0 + 0.01;
		all = (box){fmin(all.x0, b.x0), fmin(all.y0, b.y0), fmax(all.x1, b.x1),
		            fmax(all.y1, b.y1)};
	}
	if (box_is_empty(all))
		return;
	check_safe(w, it, all, "text");
	if (size >= TK_PREFLIGHT_MIN_TYPE - 0.005)
		return;
	tk_cmyk c = run->color;
	if (c.c > 0.005f && c.m > 0.005f && c.y > 0.005f && c.k > 0.5f)
		add_hit(w, R_RICH_BLACK, it->frame, &it->loc, NULL, size, 0, c);
	else if (ink(c) < 1 && on_colour(w, all))
		add_hit(w, R_REVERSED, it->frame, &it->loc, NULL, size, 0, c);
}

static void check_image(walker *w, const tk_item *it, const tk_matrix *m)
{
	const tk_image *img = it->image;
	if (!img || img->width <= 0 || img->height <= 0)
		return;
	tk_matrix im = tk_matrix_concat(it->matrix, *m);
	/* The unit square's sides as placed: the picture's width and height in points. */
	double wpt = hypot(im.a, im.b), hpt = hypot(im.c, im.d);
	if (wpt > 0 && hpt > 0) {
		double ppi = fmin(img->width * 72.0 / wpt, img->height * 72.0 / hpt);
		/* 299.5 so a picture scaled to 299.8 ppi is not called "300 ppi, too low" */
		if (ppi < TK_PREFLIGHT_GOOD_PPI - 0.5)
			add_hit(w, R_PPI, it->frame, &it->loc, img->path, ppi, 0, NO_COLOR);
	}
	if (img->was_rgb)
		add_hit(w, R_RGB, it->frame, &it->loc, img->path, 0, 0, NO_COLOR);
	box b = box_clip(w, box_of_rect(&im, 0, 0, 1, 1));
	if (box_is_empty(b))
		return;
	check_bleed(w, it, b);
	const tk_frame *f = frame_named(w->l, it->frame, TK_FRAME_IMAGE);
	/* A picture shown whole (image-fit: fit) is a logo or a sign: it must stay
	 * inside the safe area like text. */
	if (f && f->image_fit)
		check_safe(w, it, b, "picture");
	add_under(w, b, 1);
}

static void walk(walker *w, const tk_page *p, const tk_matrix *m, int depth);

/* A shared body placed at the top of an untouched page: its findings from the
 * first time (recorded now if this is the first). 0: walk it as any page. */
static int walk_shared(walker *w, const tk_page *body, const tk_matrix *m, int depth)
{
	const tk_matrix id = TK_IDENTITY;
	if (!body->shared || depth != 0 || memcmp(m, &id, sizeof id) != 0 || w->n_clip ||
	    w->clip_overflow || w->n_under || w->fold_left || w->fold_right || w->rec)
		return 0;
	for (int i = 0; i < w->n_memos; i++) {
		body_memo *bm = &w->memos[i];
		if (bm->body != body || bm->w != w->page->w || bm->h != w->page->h ||
		    bm->bleed != w->page->bleed)
			continue;
		if (!bm->usable)
			return 0;
		for (int k = 0; k < bm->n_calls; k++) {
			const hit_call *c = &bm->calls[k];
			add_hit(w, (enum rule)c->rule, c->frame, &c->loc, c->what, c->v, c->v2, c->color);
		}
		for (int k = 0; k < bm->n_under; k++)
			add_under(w, bm->under[k], bm->inked[k]);
		return 1;
	}
	if (w->n_memos == MAX_BODY_MEMOS)
		return 0;
	body_memo *bm = &w->memos[w->n_memos++];
	*bm = (body_memo){.body = body, .w = w->page->w, .h = w->page->h, .bleed = w->page->bleed};
	w->rec = bm;
	walk(w, body, m, depth + 1);
	w->rec = NULL;
	bm->usable = w->n_clip == 0 && w->clip_overflow == 0;
	bm->n_under = w->n_under;
	bm->under = tk_xmalloc(sizeof *bm->under * (size_t)(w->n_under ? w->n_under : 1));
	bm->inked = tk_xmalloc(sizeof *bm->inked * (size_t)(w->n_under ? w->n_under : 1));
	memcpy(bm->under, w->under, sizeof *bm->under * (size_t)w->n_under);
	memcpy(bm->inked, w->under_inked, sizeof *bm->inked * (size_t)w->n_under);
	return 1;
}

static void walk(walker *w, const tk_page *p, const tk_matrix *m, int depth)
{
	for (const tk_item *it = p->first; it; it = it->next) {
		if (it->kind == TK_ITEM_CLIP) {
			box b = box_clip(w, box_of_path(it->path, m));
			if (w->n_clip < MAX_CLIP)
				w->clip[w->n_clip++] = b;
			else
				w->clip_overflow++;
			continue;
		}
		if (it->kind == TK_ITEM_POP) {
			if (w->clip_overflow)
				w->clip_overflow--;
			else if (w->n_clip)
				w->n_clip--;
			continue;
		}
		if (it->is_mark)
			continue;
		switch (it->kind) {
		case TK_ITEM_FILL: {
			box b = box_clip(w, box_of_path(it->path, m));
			if (box_is_empty(b))
				break;
			check_ink(w, it, it->color);
			if (frame_named(w->l, it->frame, TK_FRAME_QR)) {
				check_safe(w, it, b, "QR code");
			} else if (ink(it->color) > 0.5) {
				check_bleed(w, it, b);
			}
			add_under(w, b, ink(it->color) > 0.5);
			break;
		}
		case TK_ITEM_STROKE: {
			double lw = it->line_width * matrix_scale(m);
			check_ink(w, it, it->color);
			if (lw > 0 && lw < TK_PREFLIGHT_MIN_LINE - 0.001)
				add_hit(w, R_HAIRLINE, it->frame, &it->loc, NULL, lw, 0, NO_COLOR);
			break;
		}
		case TK_ITEM_GLYPHS:
			check_glyphs(w, it, m);
			break;
		case TK_ITEM_IMAGE:
			check_image(w, it, m);
			break;
		case TK_ITEM_PAGE:
			if (it->page && depth < 8) {
				tk_matrix pm = tk_matrix_concat(it->matrix, *m);
				if (!walk_shared(w, it->page, &pm, depth))
					walk(w, it->page, &pm, depth + 1);
			}
			break;
		default:
			break;
		}
	}
}

/* ---- reporting ------------------------------------------------------------------ */

static tk_severity severity_of(const hit *h)
{
	switch (h->rule) {
	case R_PPI:
		return h->v < TK_PREFLIGHT_MIN_PPI ? TK_ERROR : TK_WARNING;
	case R_RGB:
		return TK_INFO;
	case R_FONT:
	case R_TRIM:
		return TK_ERROR;
	default:
		return TK_WARNING;
	}
}

static void message_of(const hit *h, char *buf, size_t n)
{
	char a[32], b[32];
	switch (h->rule) {
	case R_PPI:
		if (h->v < TK_PREFLIGHT_MIN_PPI)
			snprintf(buf, n, "picture '%s' is only %.0f ppi as placed; print needs at least "
			         "%.0f ppi, and %.0f ppi is the lowest acceptable", h->what, h->v,
			         TK_PREFLIGHT_GOOD_PPI, TK_PREFLIGHT_MIN_PPI);
		else
			snprintf(buf, n, "picture '%s' is %.0f ppi as placed; print wants %.0f ppi",
			         h->what, h->v, TK_PREFLIGHT_GOOD_PPI);
		break;
	case R_RGB:
		snprintf(buf, n, "picture '%s' is RGB and was converted to CMYK with the output "
		         "profile; check its colours in a proof", h->what);
		break;
	case R_SAFE:
		if (h->v < 0)
			snprintf(buf, n, "%s runs %s over the trim and will be cut off (keep it %s "
			         "inside)", h->what, tk_fmt_mm(-h->v, a), tk_fmt_mm(h->v2, b));
		else
			snprintf(buf, n, "%s is %s from the trim, inside the safe margin of %s",
			         h->what, tk_fmt_mm(h->v, a), tk_fmt_mm(h->v2, b));
		break;
	case R_BLEED:
		snprintf(buf, n, "colour stops at the %s trim edge%s instead of running into the "
		         "bleed; a white line may show after trimming (give the frame 'bleed: "
		         "true')", h->what, strstr(h->what, " and ") ? "s" : "");
		break;
	case R_BLEED_SHORT:
		snprintf(buf, n, "colour runs only %s beyond the %s trim edge%s, short of the %s "
		         "bleed", tk_fmt_mm(h->v, a), h->what, strstr(h->what, " and ") ? "s" : "",
		         tk_fmt_mm(h->v2, b));
		break;
	case R_HAIRLINE:
		snprintf(buf, n, "line is %.2f pt thick; lines under %.2f pt may not print", h->v,
		         TK_PREFLIGHT_MIN_LINE);
		break;
	case R_INK:
		if (h->what)
			snprintf(buf, n, "swatch '%s' has %.0f%% total ink; more than %.0f%% dries "
			         "badly and sets off", h->what, h->v, TK_PREFLIGHT_MAX_INK);
		else
			snprintf(buf, n, "colour [%.0f, %.0f, %.0f, %.0f] has %.0f%% total ink; more "
			         "than %.0f%% dries badly and sets off", h->color.c * 100.0,
			         h->color.m * 100.0, h->color.y * 100.0, h->color.k * 100.0, h->v,
			         TK_PREFLIGHT_MAX_INK);
		break;
	case R_RICH_BLACK:
		snprintf(buf, n, "%.1f pt text in four-colour black [%.0f, %.0f, %.0f, %.0f] blurs "
		         "at the slightest misregister; set type under %.0f pt in 100%% K", h->v,
		         h->color.c * 100.0, h->color.m * 100.0, h->color.y * 100.0,
		         h->color.k * 100.0, TK_PREFLIGHT_MIN_TYPE);
		break;
	case R_REVERSED:
		snprintf(buf, n, "%.1f pt white text on a coloured background fills in; reversed "
		         "type should be at least %.0f pt", h->v, TK_PREFLIGHT_MIN_TYPE);
		break;
	case R_FONT:
		snprintf(buf, n, "font '%s' is not from the fonts folder; only fonts in fonts/ "
		         "are embedded", h->what);
		break;
	case R_TRIM:
		snprintf(buf, n, "the content asks for %s; build it with a layout of that size "
		         "or change 'size:'", h->what);
		break;
	}
}

static void report(walker *w, tk_diag *d, tk_findings *out, int *errors)
{
	for (int i = 0; i < w->n_hits; i++) {
		const hit *h = &w->hits[i];
		char msg[768], where[512] = "", also[64] = "";
		message_of(h, msg, sizeof msg);
		tk_severity sev = severity_of(h);
		if (h->page > 0 && h->frame)
			snprintf(where, sizeof where, "page %d, frame '%s': ", h->page, h->frame);
		else if (h->page > 0)
			snprintf(where, sizeof where, "page %d: ", h->page);
		if (h->other_pages)
			snprintf(also, sizeof also, " (also on %d other page%s)", h->other_pages,
			         h->other_pages == 1 ? "" : "s");
		tk_diag_report(d, sev, h->loc.file ? &h->loc : NULL, "%s%s%s", where, msg, also);
		if (out) {
			size_t len = strlen(msg);
			snprintf(msg + len, sizeof msg - len, "%s", also);
			tk_findings_add(out, sev, rule_names[h->rule], msg, h->page, h->frame, &h->loc);
		}
		*errors += sev == TK_ERROR;
	}
}

struct tk_preflight_run {
	walker w;
	tk_preflight_opts o;
	char trim_what[256];       /* the hit of a wrong trim size points here */
};

tk_preflight_run *tk_preflight_begin(const tk_layout *l, const tk_preflight_opts *o)
{
	tk_preflight_run *r = tk_xcalloc(1, sizeof *r);
	if (o)
		r->o = *o;
	walker *w = &r->w;
	*w = (walker){.l = l, .o = &r->o, .safe = l ? l->safe : 3 * TK_MM};
	if (r->o.fonts_dir)
		w->fonts_real = realpath(r->o.fonts_dir, NULL);
	/* The size the content asks for (paper names are portrait; orientation counts). */
	const tk_content *c = r->o.content;
	char *what = r->trim_what;
	if (l && c && c->size_w > 0 &&
	    (fabs(c->size_w - l->w) > 0.5 * TK_MM || fabs(c->size_h - l->h) > 0.5 * TK_MM)) {
		char a[32], b[32], e[32], f[32];
		snprintf(what, sizeof r->trim_what, "%s (%s x %s) and the layout '%s' trims to %s x %s",
		         c->size, tk_fmt_mm(c->size_w, a), tk_fmt_mm(c->size_h, b),
		         l->path ? l->path : "", tk_fmt_mm(l->w, e), tk_fmt_mm(l->h, f));
		add_hit(w, R_TRIM, NULL, &c->size_loc, what, 0, 0, NO_COLOR);
	}
	/* Swatches first: they are wrong wherever they are used. */
	for (int i = 0; l && i < l->n_swatches; i++) {
		double t = ink(l->swatches[i]);
		if (t > TK_PREFLIGHT_MAX_INK + 0.01) {
			/* at its name in the layout file, where a designer would mend it */
			tk_loc at = {l->path, 0, 0};
			if (l->swatch_locs && l->swatch_locs[i].line > 0)
				at = l->swatch_locs[i];
			add_hit(w, R_INK, NULL, &at, l->swatch_names[i], t, 0, l->swatches[i]);
		}
	}
	return r;
}

void tk_preflight_page(tk_preflight_run *r, const tk_page *p, int i)
{
	walker *w = &r->w;
	const tk_layout *l = w->l;
	w->page = p;
	w->page_no = i + 1;
	/* On a spread, even indexes are left-hand pages: their fold is the right
	 * edge. */
	w->fold_left = l && l->spread && i % 2 == 1;
	w->fold_right = l && l->spread && i % 2 == 0;
	w->n_clip = w->clip_overflow = 0;
	w->n_under = 0;
	tk_matrix id = TK_IDENTITY;
	walk(w, p, &id, 0);
	w->page = NULL; /* the page may go now: hits keep no pointer into it */
}

int tk_preflight_end(tk_preflight_run *r, tk_diag *d, tk_findings *out)
{
	walker *w = &r->w;
	int errors = 0;
	if (d)
		report(w, d, out, &errors);
	free(w->hits);
	free(w->under);
	free(w->under_inked);
	free(w->fonts);
	free(w->fonts_real);
	for (int i = 0; i < w->n_memos; i++) {
		free(w->memos[i].calls);
		free(w->memos[i].under);
		free(w->memos[i].inked);
	}
	free(r);
	return errors ? -1 : 0;
}

int tk_preflight(const tk_doc *doc, const tk_layout *l, const tk_preflight_opts *o,
                 tk_diag *d, tk_findings *out)
{
	tk_preflight_run *r = tk_preflight_begin(l, o);
	for (int i = 0; doc && i < doc->n_pages; i++)
		tk_preflight_page(r, doc->pages[i], i);
	return tk_preflight_end(r, d, out);
}

/* ---- the preflight in every build ----------------------------------------------- */

static tk_findings *run_collect;
static int run_stop;

void tk_preflight_configure(tk_findings *collect, int stop_after)
{
	run_collect = collect;
	run_stop = stop_after;
}

int tk_preflight_stops(void)
{
	return run_stop;
}

int tk_preflight_job(const tk_doc *doc, const tk_layout *l, const tk_content *c,
                     const char *fonts_dir, tk_diag *d)
{
	tk_preflight_run *r = tk_preflight_job_begin(l, c, fonts_dir);
	for (int i = 0; doc && i < doc->n_pages; i++)
		tk_preflight_page(r, doc->pages[i], i);
	return tk_preflight_job_end(r, d);
}

tk_preflight_run *tk_preflight_job_begin(const tk_layout *l, const tk_content *c,
                                         const char *fonts_dir)
{
	tk_preflight_opts o = {.fonts_dir = fonts_dir, .content = c};
	return tk_preflight_begin(l, &o);
}

int tk_preflight_job_end(tk_preflight_run *r, tk_diag *d)
{
	if (tk_preflight_end(r, d, run_collect) < 0)
		return -1;
	return run_stop ? 1 : 0;
}

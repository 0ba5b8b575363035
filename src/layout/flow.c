/* flow.c - the filler: paragraphs into regions, with the rules a typesetter keeps.
 *
 * - Lines sit on a baseline model: the first line of a column one ascent below its
 *   top, further lines one leading apart, paragraph space added between; with a
 *   baseline grid every baseline is moved down onto the next grid line.
 * - A paragraph broken at the foot of a region leaves at least `orphans` lines
 *   behind and takes at least `widows` lines along; the rest is set again at the
 *   next region's width (tk_para_tail), so columns of different widths and text
 *   wrapped around pictures need no special case.
 * - A heading (or any keep-with-next style) moves on when the first lines of the
 *   paragraph after it would not fit below it.
 * A rule gives way only when keeping it would leave a fresh column empty. */
#include "flow.h"

#include "../paths.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void tk_flow_init(tk_flow *f, tk_engine *e, const tk_para *paras, double scale)
{
	memset(f, 0, sizeof *f);
	f->e = e;
	f->scale = scale;
	f->cur = paras;
}

/* Shaped paragraphs of the whole job, by everything tk_shape reads: the text, its
 * spans, marker and flags, the style, the width and the scale. Merged documents
 * repeat most of their text (every business card has the same back, the same
 * organisation line; auto-fit tries the same sizes), and shaping is the dearest
 * step of layout. Shaped lines are read-only once made, so one copy serves every
 * paragraph that has the same key. Entries live in the job arena. */
#define MEMO_BUCKETS 4096

typedef struct memo_entry {
	uint32_t hash;
	const tk_para *p;          /* the paragraph first shaped (its text and spans) */
	double w, scale;
	tk_shaped sh;
	struct memo_entry *next;
} memo_entry;

/* Buckets changed since tk_flow_memo_keep, remembered up to this many (more: all
 * are put back). */
#define MEMO_DIRTY 256

struct tk_shape_memo {
	memo_entry *b[MEMO_BUCKETS];
	memo_entry **kept;         /* the buckets as tk_flow_memo_keep found them */
	int dirty[MEMO_DIRTY];
	int n_dirty, all_dirty;
};

static struct tk_shape_memo *memo_of(tk_engine *e)
{
	if (!e->shapes)
		e->shapes = TK_NEW(tk_engine_job_arena(e), struct tk_shape_memo);
	return e->shapes;
}

void tk_flow_memo_keep(tk_engine *e)
{
	struct tk_shape_memo *m = memo_of(e);
	if (!m->kept)
		m->kept = TK_NEWN(tk_engine_job_arena(e), memo_entry *, MEMO_BUCKETS);
	memcpy(m->kept, m->b, sizeof m->b);
	m->n_dirty = m->all_dirty = 0;
}

void tk_flow_memo_back(tk_engine *e)
{
	struct tk_shape_memo *m = e->shapes;
	if (!m || !m->kept)
		return;
	if (m->all_dirty)
		memcpy(m->b, m->kept, sizeof m->b);
	else
		for (int i = 0; i < m->n_dirty; i++)
			m->b[m->dirty[i]] = m->kept[m->dirty[i]];
	m->n_dirty = m->all_dirty = 0;
}

static uint32_t fnv(uint32_t h, const void *data, size_t n)
{
	const unsigned char *s = data;
	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 16777619u;
	return h;
}

static int str_eq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static uint32_t para_hash(const tk_para *p, double w, double scale)
{
	uint32_t h = fnv(2166136261u, p->text, (size_t)p->len);
	int flags[4] = {p->continued, p->tail, p->right_tab, p->n_spans};
	h = fnv(h, flags, sizeof flags);
	h = fnv(h, &p->style, sizeof p->style);
	h = fnv(h, &w, sizeof w);
	h = fnv(h, &scale, sizeof scale);
	if (p->marker)
		h = fnv(h, p->marker, strlen(p->marker));
	return h;
}

/* Whether a and b shape alike (same text, spans, marker, flags and style). */
static int para_same(const tk_para *a, const tk_para *b)
{
	if (a == b)
		return 1;
	if (a->len != b->len || a->style != b->style || a->continued != b->continued ||
	    a->tail != b->tail || a->right_tab != b->right_tab || a->n_spans != b->n_spans ||
	    !str_eq(a->marker, b->marker) || memcmp(a->text, b->text, (size_t)a->len) != 0)
		return 0;
	for (int i = 0; i < a->n_spans; i++) {
		const tk_span *x = &a->spans[i], *y = &b->spans[i];
		if (x->start != y->start || x->end != y->end || x->cs != y->cs ||
		    x->strong != y->strong || x->emph != y->emph || x->code != y->code ||
		    !str_eq(x->uri, y->uri))
			return 0;
	}
	return 1;
}

static const tk_shaped *shape(tk_flow *f, const tk_para *p, double w)
{
	for (int i = 0; i < TK_SHAPE_CACHE; i++)
		if (f->cache[i].p == p && f->cache[i].w == w)
			return &f->cache[i].sh;
	int slot = f->cache_next++ % TK_SHAPE_CACHE;
	tk_shaped *sh = &f->cache[slot].sh;
	tk_engine *e = f->e;
	struct tk_shape_memo *memo = memo_of(e);
	uint32_t h = para_hash(p, w, f->scale);
	memo_entry *m = memo->b[h % MEMO_BUCKETS];
	for (; m; m = m->next)
		if (m->hash == h && m->w == w && m->scale == f->scale && para_same(m->p, p))
			break;
	if (m) {
		*sh = m->sh;
	} else {
		if (tk_shape(e->shaper, e->hyph, e->a, p, e->layout, w, f->scale, e->lang, sh) < 0)
			return NULL;
		m = TK_NEW(e->a, memo_entry);
		*m = (memo_entry){h, p, w, f->scale, *sh, memo->b[h % MEMO_BUCKETS]};
		memo->b[h % MEMO_BUCKETS] = m;
		if (memo->kept) {
			if (memo->n_dirty < MEMO_DIRTY)
				memo->dirty[memo->n_dirty++] = (int)(h % MEMO_BUCKETS);
			else
				memo->all_dirty = 1;
		}
	}
	f->cache[slot].p = p;
	f->cache[slot].w = w;
	if (sh->missing && !f->missing) {
		f->missing = sh->missing;
		f->missing_at = p;
		memcpy(f->missing_char, sh->missing_char, sizeof f->missing_char);
	}
	return sh;
}

static double snap(const tk_layout *l, double base)
{
	if (l->grid_step <= 0)
		return base;
	double k = ceil((base - l->grid_start) / l->grid_step - 1e-6);
	return l->grid_start + k * l->grid_step;
}

/* Baseline of line i of p after the baseline y (have: there is one in this column). */
static double next_base(const tk_flow *f, const tk_region *r, const tk_para *p, int i,
                        const tk_line *ln, double y, int have)
{
	const tk_pstyle *ps = p->style;
	double s = f->scale, base;
	if (!have)
		base = r->y + ln->ascent;
	else if (i == 0 && !p->tail)
		base = y + f->pending + ps->space_before * s + ps->leading * s;
	else
		base = y + ps->leading * s;
	if (base - ln->ascent < r->y - 0.01)
		base = r->y + ln->ascent; /* continuing below a wrapped frame */
	return r->grid ? snap(f->e->layout, base) : base;
}

/* How many lines of sh fit into r after baseline y; bases[] gets their baselines. */
static int fit_lines(const tk_flow *f, const tk_region *r, const tk_para *p,
                     const tk_shaped *sh, double y, int have, double *bases)
{
	int k = 0;
	for (int i = 0; i < sh->n_lines; i++) {
		double base = next_base(f, r, p, i, &sh->lines[i], y, have);
		if (base + sh->lines[i].descent > r->y + r->h + 0.01)
			break;
		bases[k++] = base;
		y = base;
		have = 1;
	}
	return k;
}

static void push(tk_flow *f, tk_placed pl);

static void commit(tk_flow *f, const tk_region *r, const tk_para *p, const tk_shaped *sh,
                   int k, const double *bases)
{
	for (int i = 0; i < k; i++) {
		const tk_line *ln = &sh->lines[i];
		push(f, (tk_placed){ln, p, r->page, r->frame, r->x, bases[i], i == 0 && !p->tail,
		                    NULL, 0, 0});
		if (ln->overfull && !f->overfull) {
			f->overfull = 1;
			f->overfull_at = p;
		}
		if (bases[i] + ln->descent > f->bottom)
			f->bottom = bases[i] + ln->descent;
	}
	if (k) {
		f->y = bases[k - 1];
		f->have_y = 1;
		f->in_col += k;
	}
}

/* Paragraphs that must not end a column: headings, figures (their caption follows),
 * keep-with-next styles, and a short paragraph ending in a colon right before a
 * list, which introduces it. */
static int keeps(const tk_para *p)
{
	if (p->kind == TK_PARA_HEADING || p->kind == TK_PARA_FIGURE || p->style->keep_with_next)
		return 1;
	return p->next && p->next->kind == TK_PARA_ITEM && p->kind != TK_PARA_ITEM && p->len > 0 &&
	       p->len < 200 && p->text[p->len - 1] == ':';
}

static void push(tk_flow *f, tk_placed pl)
{
	if (f->n == f->cap) {
		/* Most frames hold a line or three (cards, labels, headlines), and auto-fit
		 * makes a flow per size it tries: start small. */
		int cap = f->cap ? f->cap * 2 : 4;
		f->out = tk_arena_grow(f->e->a, f->out, (size_t)f->n, (size_t)cap, sizeof(tk_placed));
		f->cap = cap;
	}
	f->out[f->n++] = pl;
}

/* A figure: the picture at the column's width (at most 60 % of the column high),
 * moved on whole to the next region when it does not fit. 1 placed, 0 no room. */
static int figure(tk_flow *f, const tk_region *r, const tk_para *p)
{
	if (tk_paths_check(f->e->paths, p->text, "picture", f->e->d, &p->loc) < 0)
		return -1;
	int pw, ph;
	if (tk_images_size(f->e->images, f->e->d, p->text, &p->loc, &pw, &ph) < 0)
		return -1;
	double w = r->w, h = w * ph / pw;
	if (h > r->h * 0.6) {
		h = r->h * 0.6;
		w = h * pw / ph;
	}
	/* Loaded for the size it is set at: far above print resolution it is
	 * resampled (image.h). */
	const tk_image *img = tk_images_load_for(f->e->images, f->e->d, p->text, &p->loc, w, h);
	if (!img)
		return -1;
	double s = f->scale;
	double top = f->have_y ? f->y + f->pending + p->style->space_before * s +
	                             (p->style->leading - p->style->size) * s
	                       : r->y;
	if (top + h > r->y + r->h + 0.01)
		return f->in_col == 0 && r->new_column ? -2 : 0;
	push(f, (tk_placed){NULL, p, r->page, r->frame, r->x, top, 1, img, w, h});
	/* The next baseline follows one leading below, like a line of text would. */
	f->y = top + h;
	f->have_y = 1;
	f->in_col++;
	if (top + h > f->bottom)
		f->bottom = top + h;
	return 1;
}

int tk_flow_fill(tk_flow *f, const tk_region *r)
{
	const tk_layout *l = f->e->layout;
	if (r->new_column) {
		f->have_y = 0;
		f->pending = 0;
		f->in_col = 0;
	}
	f->bottom = r->y;
	while (f->cur) {
		const tk_para *p = f->cur;
		if (p->kind == TK_PARA_FIGURE) {
			int rc = figure(f, r, p);
			if (rc == -2) {
				tk_error(f->e->d, &p->loc, "picture '%s' does not fit in an empty column",
				         p->text);
				rc = -1;
			}
			if (rc < 0)
				return -1;
			if (rc == 0)
				return 0;
			f->pending = p->style->space_after * f->scale;
			f->cur = p->next;
			continue;
		}
		const tk_shaped *sh = shape(f, p, r->w);
		if (!sh)
			return -1;
		int n = sh->n_lines;
		if (n == 0) {
			f->cur = p->next;
			continue;
		}
		double *bases = tk_arena_alloc(f->e->a, sizeof(double) * (size_t)n);
		int k = fit_lines(f, r, p, sh, f->y, f->have_y, bases);

		if (k < n) {
			int kk = k;
			if (n - kk < l->widows)
				kk = n - l->widows;
			if (kk < l->orphans)
				kk = 0;
			if (kk <= 0 && f->in_col == 0 && r->new_column)
				kk = k; /* an empty column: better a broken rule than no progress */
			if (kk > 0) {
				commit(f, r, p, sh, kk, bases);
				f->cur = tk_para_tail(f->e->a, p, sh->lines[kk].start);
				f->pending = 0;
			}
			return 0;
		}
		if (keeps(p) && p->next && f->in_col > 0) {
			/* Lookahead along the chain of paragraphs that keep with the next (a
			 * heading, an intro ending in a colon): all of them and the first lines
			 * of the paragraph after must fit below, or p moves on. */
			tk_flow probe = *f;
			const tk_para *q = p;
			double y = bases[n - 1];
			int fits = 1;
			for (int depth = 0; fits && q && keeps(q) && q->next && depth < 4; depth++) {
				const tk_para *nx = q->next;
				if (nx->kind == TK_PARA_FIGURE)
					break;
				const tk_shaped *ns = shape(f, nx, r->w);
				if (!ns)
					return -1;
				probe.pending = q->style->space_after * f->scale;
				int need = keeps(nx) ? ns->n_lines
				                     : ns->n_lines < l->orphans ? ns->n_lines : l->orphans;
				double *nb = tk_arena_alloc(f->e->a, sizeof(double) * (size_t)(ns->n_lines + 1));
				int got = fit_lines(&probe, r, nx, ns, y, 1, nb);
				if (got < need)
					fits = 0;
				else if (got)
					y = nb[got - 1];
				q = nx;
			}
			if (!fits)
				return 0;
		}
		commit(f, r, p, sh, n, bases);
		f->pending = p->style->space_after * f->scale;
		f->cur = p->next;
	}
	return 1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int tk_flow_regions(const tk_rect *col, const tk_frame *const *obs, int n_obs,
                    tk_page *page, const tk_frame *frame, tk_region *out, int max)
{
	double ys[64];
	int ny = 0;
	ys[ny++] = col->y;
	ys[ny++] = col->y + col->h;
	for (int i = 0; i < n_obs && ny < 62; i++) {
		const tk_frame *o = obs[i];
		double g = o->wrap_gap;
		double ox0 = o->r.x - g, ox1 = o->r.x + o->r.w + g;
		double oy0 = o->r.y - g, oy1 = o->r.y + o->r.h + g;
		if (ox1 <= col->x || ox0 >= col->x + col->w || oy1 <= col->y ||
		    oy0 >= col->y + col->h)
			continue;
		ys[ny++] = fmax(oy0, col->y);
		ys[ny++] = fmin(oy1, col->y + col->h);
	}
	qsort(ys, (size_t)ny, sizeof(double), cmp_double);
	int n = 0;
	for (int i = 0; i + 1 < ny && n < max; i++) {
		double y0 = ys[i], y1 = ys[i + 1];
		if (y1 - y0 < 1)
			continue;
		/* Free horizontal span in [y0, y1]: the widest gap between obstacles. */
		double best_x = col->x, best_w = col->w;
		double cuts[64][2];
		int nc = 0;
		for (int k = 0; k < n_obs && nc < 64; k++) {
			const tk_frame *o = obs[k];
			double g = o->wrap_gap;
			if (o->r.y - g >= y1 || o->r.y + o->r.h + g <= y0)
				continue;
			cuts[nc][0] = o->r.x - g;
			cuts[nc][1] = o->r.x + o->r.w + g;
			nc++;
		}
		if (nc) {
			best_w = 0;
			/* candidate gaps start at the column's left or at an obstacle's right */
			for (int c = -1; c < nc; c++) {
				double x0 = c < 0 ? col->x : cuts[c][1];
				if (x0 < col->x || x0 >= col->x + col->w)
					continue;
				double x1 = col->x + col->w;
				int blocked = 0;
				for (int k = 0; k < nc; k++) {
					if (cuts[k][0] <= x0 + 0.01 && cuts[k][1] > x0 + 0.01)
						blocked = 1;
					if (cuts[k][0] > x0 && cuts[k][0] < x1)
						x1 = cuts[k][0];
				}
				if (!blocked && x1 - x0 > best_w) {
					best_w = x1 - x0;
					best_x = x0;
				}
			}
		}
		if (best_w < col->w * 0.25)
			continue; /* too narrow to set text in */
		if (n > 0 && fabs(out[n - 1].x - best_x) < 0.01 && fabs(out[n - 1].w - best_w) < 0.01 &&
		    fabs(out[n - 1].y + out[n - 1].h - y0) < 0.01) {
			out[n - 1].h = y1 - out[n - 1].y;
			continue;
		}
		int first = n == 0;
		out[n++] = (tk_region){page, frame, best_x, y0, best_w, y1 - y0, first, frame->flow};
	}
	return n;
}

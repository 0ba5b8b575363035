/* list.c - building display lists in the arena, and replaying them into a device
 * under a matrix (placed pages are expanded recursively, so imposition is just a
 * page whose items are other pages). */
#include "device.h"

#include "../arena.h"

tk_page *tk_dl_page_new(tk_arena *a, tk_doc *doc, double w, double h, double bleed,
                        double slug)
{
	tk_page *p = TK_NEW(a, tk_page);
	p->w = w;
	p->h = h;
	p->bleed = bleed;
	p->slug = slug;
	if (doc) {
		p->index = doc->n_pages;
		if (doc->n_pages == doc->pages_cap) {
			int cap = doc->pages_cap ? doc->pages_cap * 2 : 16;
			doc->pages = tk_arena_grow(doc->pages_a ? doc->pages_a : a, doc->pages,
			                           (size_t)doc->n_pages, (size_t)cap, sizeof(tk_page *));
			doc->pages_cap = cap;
		}
		doc->pages[doc->n_pages++] = p;
	}
	return p;
}

tk_item *tk_dl_add(tk_arena *a, tk_page *page, tk_item_kind kind)
{
	tk_item *it = TK_NEW(a, tk_item);
	it->kind = kind;
	it->dest_page = -1;
	it->matrix = TK_IDENTITY;
	if (page->last)
		page->last->next = it;
	else
		page->first = it;
	page->last = it;
	return it;
}

tk_path *tk_path_new(tk_arena *a)
{
	return TK_NEW(a, tk_path);
}

static int ops_cap(int n)
{
	int c = 8;
	while (c < n)
		c *= 2;
	return c;
}

static void push(tk_arena *a, tk_path *p, tk_path_op op, const double *pts, int np)
{
	if (p->n_ops == 0 || (p->n_ops >= 8 && (p->n_ops & (p->n_ops - 1)) == 0))
		p->ops = tk_arena_grow(a, p->ops, (size_t)p->n_ops,
		                       (size_t)ops_cap(p->n_ops + 1), 1);
	p->ops[p->n_ops++] = (uint8_t)op;
	if (np) {
		int need = p->n_pts + np;
		if (p->n_pts == 0 || ops_cap(need) != ops_cap(p->n_pts))
			p->pts = tk_arena_grow(a, p->pts, (size_t)p->n_pts * 2,
			                       (size_t)ops_cap(need) * 2, sizeof(double));
		for (int i = 0; i < np * 2; i++)
			p->pts[p->n_pts * 2 + i] = pts[i];
		p->n_pts = need;
	}
}

void tk_path_move(tk_arena *a, tk_path *p, double x, double y)
{
	push(a, p, TK_PATH_MOVE, (double[]){x, y}, 1);
}

void tk_path_line(tk_arena *a, tk_path *p, double x, double y)
{
	push(a, p, TK_PATH_LINE, (double[]){x, y}, 1);
}

void tk_path_curve(tk_arena *a, tk_path *p, double x1, double y1, double x2, double y2,
                   double x3, double y3)
{
	push(a, p, TK_PATH_CURVE, (double[]){x1, y1, x2, y2, x3, y3}, 3);
}

void tk_path_close(tk_arena *a, tk_path *p)
{
	push(a, p, TK_PATH_CLOSE, NULL, 0);
}

tk_path *tk_path_rect(tk_arena *a, double x, double y, double w, double h)
{
	tk_path *p = tk_path_new(a);
	tk_path_move(a, p, x, y);
	tk_path_line(a, p, x + w, y);
	tk_path_line(a, p, x + w, y + h);
	tk_path_line(a, p, x, y + h);
	tk_path_close(a, p);
	return p;
}

tk_item *tk_dl_fill_rect(tk_arena *a, tk_page *page, tk_rect r, tk_cmyk c)
{
	tk_item *it = tk_dl_add(a, page, TK_ITEM_FILL);
	it->path = tk_path_rect(a, r.x, r.y, r.w, r.h);
	it->color = c;
	return it;
}

void tk_dl_run_items(tk_device *dev, const tk_page *page, const tk_matrix *m, int depth)
{
	if (depth > 8)
		return; /* placed pages cannot nest deeper than imposition needs */
	for (const tk_item *it = page->first; it; it = it->next) {
		if (it->is_mark && !dev->show_marks)
			continue;
		switch (it->kind) {
		case TK_ITEM_FILL:
			dev->fill_path(dev, it->path, m, it->color);
			break;
		case TK_ITEM_STROKE:
			dev->stroke_path(dev, it->path, m, it->color, it->line_width);
			break;
		case TK_ITEM_GLYPHS:
			dev->glyphs(dev, it->run, m);
			break;
		case TK_ITEM_IMAGE: {
			tk_matrix im = tk_matrix_concat(it->matrix, *m);
			dev->image(dev, it->image, &im);
			break;
		}
		case TK_ITEM_CLIP:
			dev->clip_push(dev, it->path, m);
			break;
		case TK_ITEM_POP:
			dev->clip_pop(dev);
			break;
		case TK_ITEM_LINK:
			if (dev->show_links && dev->link)
				dev->link(dev, it, m);
			break;
		case TK_ITEM_DEST:
			if (dev->dest && depth == 0)
				dev->dest(dev, it, m);
			break;
		case TK_ITEM_PAGE: {
			tk_matrix pm = tk_matrix_concat(it->matrix, *m);
			if (it->page->shared && dev->shared_page &&
			    dev->shared_page(dev, it->page, &pm, depth + 1))
				break;
			tk_dl_run_items(dev, it->page, &pm, depth + 1);
			break;
		}
		}
	}
}

void tk_dl_run_page(tk_device *dev, const tk_page *page)
{
	tk_matrix m = TK_IDENTITY;
	dev->begin_page(dev, page, &m);
	tk_dl_run_items(dev, page, &m, 0);
	dev->end_page(dev, page);
}

static void collect(const tk_page *p, char *used, tk_doc *doc, int depth)
{
	if (depth > 8)
		return;
	for (const tk_item *it = p->first; it; it = it->next) {
		if (it->kind == TK_ITEM_GLYPHS && !used[it->run->font->id]) {
			used[it->run->font->id] = 1;
			doc->fonts[doc->n_fonts++] = (tk_font *)it->run->font;
		} else if (it->kind == TK_ITEM_PAGE) {
			collect(it->page, used, doc, depth + 1);
		}
	}
}

void tk_doc_collect_fonts(tk_arena *a, tk_doc *doc, int max_id)
{
	char *used = tk_arena_alloc(a, (size_t)max_id + 1);
	doc->fonts = TK_NEWN(a, tk_font *, max_id + 1);
	doc->n_fonts = 0;
	for (int i = 0; i < doc->n_pages; i++)
		collect(doc->pages[i], used, doc, 0);
}

static void place(tk_arena *a, tk_page *sheet, const tk_page *p, double x)
{
	tk_item *clip = tk_dl_add(a, sheet, TK_ITEM_CLIP);
	clip->path = tk_path_rect(a, x, 0, p->w, p->h);
	tk_item *it = tk_dl_add(a, sheet, TK_ITEM_PAGE);
	it->page = p;
	it->matrix = tk_matrix_translate(x, 0);
	tk_dl_add(a, sheet, TK_ITEM_POP);
}

tk_doc *tk_doc_spreads(tk_arena *a, const tk_doc *doc, int first_alone)
{
	tk_doc *out = TK_NEW(a, tk_doc);
	*out = *doc;
	out->pages = NULL;
	out->n_pages = out->pages_cap = 0;
	int i = 0;
	if (first_alone && doc->n_pages) {
		const tk_page *p = doc->pages[0];
		place(a, tk_dl_page_new(a, out, p->w, p->h, 0, 0), p, 0);
		i = 1;
	}
	for (; i < doc->n_pages; i += 2) {
		const tk_page *l = doc->pages[i];
		const tk_page *r = i + 1 < doc->n_pages ? doc->pages[i + 1] : NULL;
		tk_page *sheet = tk_dl_page_new(a, out, l->w + (r ? r->w : 0), l->h, 0, 0);
		place(a, sheet, l, 0);
		if (r)
			place(a, sheet, r, l->w);
	}
	return out;
}

/* cairo.c - the screen PDF and the PNG proofs: one cairo device replaying the
 * display list.
 *
 * Both outputs show the finished page as a reader sees it: trimmed, without
 * printer's marks, colours converted from the press's CMYK to sRGB through the
 * job's profile. The screen PDF draws text with cairo_show_text_glyphs so every
 * glyph carries the characters it stands for (copy, search, pdftotext work),
 * turns LINK items into link annotations and DEST items into the outline. The
 * proofs draw at a chosen resolution, single pages or reader spreads.
 *
 * Output goes to memory and then through tk_write_atomic, so a cairo failure at
 * any point leaves no file behind. Fonts are FreeType faces opened once per
 * tk_font and images become cairo surfaces once per tk_image, for the whole run.
 * The FreeType library handle lives for the process: cairo keeps recently used
 * fonts alive in a global cache after we let go of them, and each face needs
 * the library until cairo's last reference drops. */
#include "out.h"

#include "../arena.h"
#include "../dl/device.h"
#include "../img/image.h"

#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <math.h>
#include <libdeflate.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ft2build.h>
#include FT_FREETYPE_H

#define MAX_OUTLINE_LEVEL 16

typedef struct membuf {
	unsigned char *data;
	size_t len, cap;
} membuf;

/* What encode_png needs for every proof, kept from one to the next: a few hundred
 * card proofs each allocating (and the kernel clearing) a compressor and two
 * buffers took as long as compressing them. */
typedef struct png_scratch {
	struct libdeflate_compressor *zc;
	unsigned char *raw, *z;
	size_t raw_cap, z_cap;
} png_scratch;

typedef struct cdev {
	tk_device base;
	const tk_doc *doc;
	tk_color *color;
	tk_diag *d;
	const char *what;          /* "screen PDF" or "PNG proof", for messages */
	cairo_surface_t *surface;
	cairo_t *cr;
	int pdf;
	double ox;                 /* media x of the page being drawn (spreads) */
	int clip_depth;            /* cairo_save levels opened by clip_push */
	int page_no;               /* 1-based page number in the PDF */

	cairo_font_face_t **faces; /* by tk_font id; NULL = not loaded yet */
	char *face_failed;
	int n_faces;
	cairo_surface_t **images;  /* by tk_image id */
	int n_images;

	int outline[MAX_OUTLINE_LEVEL + 1]; /* last outline id per level, 0 = none */
	char *link_target;         /* per page: some link points here (PDF only) */

	cairo_glyph_t *glyphs;     /* scratch for one run */
	cairo_text_cluster_t *clusters;
	char *utf8;
	size_t glyphs_cap, utf8_cap;

	/* Proofs encoded lately (see write_proof): their pixels and PNG bytes. */
	struct proof_memo {
		int w, h;
		uint32_t crc;          /* of the pixels */
		unsigned char *px;     /* NULL: an empty slot */
		size_t px_len;
		membuf png;
		unsigned long used;    /* when last written, for the slot to reuse */
	} memo[4];
	unsigned long proofs;      /* proofs written */
	cairo_surface_t *spare;    /* the last proof's surface, for the next one */
	png_scratch png;           /* encode_png's buffers and compressor */
} cdev;

/* ---- helpers -------------------------------------------------------------- */

static FT_Library ft_library(void)
{
	static FT_Library lib;
	static int tried;
	if (!tried) {
		tried = 1;
		if (FT_Init_FreeType(&lib))
			lib = NULL;
	}
	return lib;
}

static cairo_status_t mem_write(void *closure, const unsigned char *data, unsigned int len)
{
	membuf *b = closure;
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 65536;
		while (cap < b->len + len)
			cap *= 2;
		unsigned char *p = realloc(b->data, cap);
		if (!p)
			return CAIRO_STATUS_NO_MEMORY;
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	return CAIRO_STATUS_SUCCESS;
}

/* Reports a cairo error once per run; later items are skipped. */
static int check(cdev *dv)
{
	if (dv->base.failed)
		return -1;
	cairo_status_t st = dv->cr ? cairo_status(dv->cr) : CAIRO_STATUS_SUCCESS;
	if (st == CAIRO_STATUS_SUCCESS && dv->surface)
		st = cairo_surface_status(dv->surface);
	if (st == CAIRO_STATUS_SUCCESS)
		return 0;
	tk_error(dv->d, NULL, "%s (cairo): %s", dv->what, cairo_status_to_string(st));
	dv->base.failed = 1;
	return -1;
}

static void set_cmyk(cdev *dv, tk_cmyk c)
{
	double rgb[3];
	tk_color_cmyk_to_rgb(dv->color, c, rgb);
	cairo_set_source_rgb(dv->cr, rgb[0], rgb[1], rgb[2]);
}

static void to_cairo_matrix(const tk_matrix *m, cairo_matrix_t *cm)
{
	cairo_matrix_init(cm, m->a, m->b, m->c, m->d, m->e, m->f);
}

static int invertible(const tk_matrix *m)
{
	double det = m->a * m->d - m->b * m->c;
	return isfinite(det) && fabs(det) > 1e-12;
}

static void append_path(cairo_t *cr, const tk_path *p)
{
	const double *pt = p->pts;
	const double *end = p->pts + (size_t)p->n_pts * 2;
	cairo_new_path(cr);
	for (int i = 0; i < p->n_ops; i++) {
		switch ((tk_path_op)p->ops[i]) {
		case TK_PATH_MOVE:
			if (pt + 2 > end)
				return;
			cairo_move_to(cr, pt[0], pt[1]);
			pt += 2;
			break;
		case TK_PATH_LINE:
			if (pt + 2 > end)
				return;
			cairo_line_to(cr, pt[0], pt[1]);
			pt += 2;
			break;
		case TK_PATH_CURVE:
			if (pt + 6 > end)
				return;
			cairo_curve_to(cr, pt[0], pt[1], pt[2], pt[3], pt[4], pt[5]);
			pt += 6;
			break;
		case TK_PATH_CLOSE:
			cairo_close_path(cr);
			break;
		}
	}
}

/* Numbers for cairo's attribute strings. Formatted by hand because printf follows
 * LC_NUMERIC, and a locale with decimal commas would break cairo's parser. */
static void fmt_num(char *buf, size_t n, double v)
{
	if (!isfinite(v))
		v = 0;
	snprintf(buf, n, "%.3f", v);
	for (char *p = buf; *p; p++)
		if (*p == ',')
			*p = '.';
}

/* Appends s as a cairo attribute string value: quoted, ' and \ escaped. */
static char *quote_attr(const char *s)
{
	size_t n = 3;
	for (const char *p = s; *p; p++)
		n += (*p == '\'' || *p == '\\') ? 2 : 1;
	char *q = tk_xmalloc(n), *o = q;
	*o++ = '\'';
	for (const char *p = s; *p; p++) {
		if (*p == '\'' || *p == '\\')
			*o++ = '\\';
		*o++ = *p;
	}
	*o++ = '\'';
	*o = 0;
	return q;
}

/* A PDF URI is 7-bit ASCII: bytes outside printable ASCII (UTF-8 letters in
 * an IRI, spaces, controls) are percent-encoded, as browsers do. Parentheses
 * too, because cairo 1.16 copies the URI into a PDF string unescaped. */
static char *uri_encode(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *q = tk_xmalloc(strlen(s) * 3 + 1), *o = q;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p <= 0x20 || *p >= 0x7f || strchr("\"<>\\^`{|}()", *p)) {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		} else {
			*o++ = (char)*p;
		}
	}
	*o = 0;
	return q;
}

static int valid_utf8(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n;
	while (p < e) {
		unsigned c = *p;
		int len = c < 0x80 ? 1
		          : (c >> 5) == 6 ? 2
		          : (c >> 4) == 14 ? 3
		          : (c >> 3) == 30 ? 4
		                           : 0;
		if (!len || c == 0 || p + len > e)
			return 0;
		for (int i = 1; i < len; i++)
			if ((p[i] & 0xc0) != 0x80)
				return 0;
		p += len;
	}
	return 1;
}

/* ---- fonts and images ----------------------------------------------------- */

static const cairo_user_data_key_t ft_key;

static void done_face(void *face)
{
	FT_Done_Face(face);
}

static cairo_font_face_t *font_face(cdev *dv, const tk_font *f)
{
	if (f->id < 0)
		return NULL;
	if (f->id >= dv->n_faces) {
		int n = f->id + 16;
		dv->faces = tk_xrealloc(dv->faces, sizeof *dv->faces * (size_t)n);
		dv->face_failed = tk_xrealloc(dv->face_failed, (size_t)n);
		for (int i = dv->n_faces; i < n; i++) {
			dv->faces[i] = NULL;
			dv->face_failed[i] = 0;
		}
		dv->n_faces = n;
	}
	if (dv->faces[f->id] || dv->face_failed[f->id])
		return dv->faces[f->id];

	FT_Library lib = ft_library();
	FT_Face face = NULL;
	FT_Error err = lib ? FT_New_Face(lib, f->path, f->face_index, &face) : -1;
	if (err) {
		tk_error(dv->d, NULL, "%s: cannot load font '%s' (%s) with FreeType (error %d)",
		         dv->what, f->path, f->name ? f->name : "?", (int)err);
		dv->face_failed[f->id] = 1;
		dv->base.failed = 1;
		return NULL;
	}
	cairo_font_face_t *cf = cairo_ft_font_face_create_for_ft_face(face, 0);
	cairo_status_t st = cairo_font_face_status(cf);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_font_face_set_user_data(cf, &ft_key, face, done_face);
	if (st != CAIRO_STATUS_SUCCESS) {
		cairo_font_face_destroy(cf);
		FT_Done_Face(face);
		tk_error(dv->d, NULL, "%s (cairo): %s", dv->what, cairo_status_to_string(st));
		dv->face_failed[f->id] = 1;
		dv->base.failed = 1;
		return NULL;
	}
	dv->faces[f->id] = cf;
	return cf;
}

static cairo_surface_t *image_surface(cdev *dv, const tk_image *img)
{
	if (img->id < 0 || img->width <= 0 || img->height <= 0)
		return NULL;
	if (tk_image_planes(img) != 0 || !img->rgb) {
		tk_error(dv->d, NULL, "%s: the pixels of picture '%s' cannot be read back",
		         dv->what, img->path);
		dv->base.failed = 1;
		return NULL;
	}
	if (img->id >= dv->n_images) {
		int n = img->id + 16;
		dv->images = tk_xrealloc(dv->images, sizeof *dv->images * (size_t)n);
		for (int i = dv->n_images; i < n; i++)
			dv->images[i] = NULL;
		dv->n_images = n;
	}
	if (dv->images[img->id])
		return dv->images[img->id];

	int alpha = img->has_alpha && img->alpha;
	cairo_surface_t *s = cairo_image_surface_create(alpha ? CAIRO_FORMAT_ARGB32
	                                                      : CAIRO_FORMAT_RGB24,
	                                                img->width, img->height);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		tk_error(dv->d, NULL, "%s (cairo): %s for picture '%s'", dv->what,
		         cairo_status_to_string(cairo_surface_status(s)), img->path);
		cairo_surface_destroy(s);
		dv->base.failed = 1;
		return NULL;
	}
	cairo_surface_flush(s);
	unsigned char *data = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s);
	for (int y = 0; y < img->height; y++) {
		uint32_t *row = (uint32_t *)(void *)(data + (size_t)y * stride);
		const unsigned char *p = img->rgb + (size_t)y * img->width * 3;
		const unsigned char *a = alpha ? img->alpha + (size_t)y * img->width : NULL;
		for (int x = 0; x < img->width; x++, p += 3) {
			uint32_t r = p[0], g = p[1], b = p[2], al = 255;
			if (a) {
				/* cairo wants premultiplied colour. */
				al = a[x];
				r = (r * al + 127) / 255;
				g = (g * al + 127) / 255;
				b = (b * al + 127) / 255;
			}
			row[x] = al << 24 | r << 16 | g << 8 | b;
		}
	}
	cairo_surface_mark_dirty(s);
	dv->images[img->id] = s;
	return s;
}

/* ---- the device ----------------------------------------------------------- */

static void dev_begin_page(tk_device *dev, const tk_page *page, tk_matrix *m)
{
	cdev *dv = (cdev *)dev;
	*m = tk_matrix_translate(dv->ox, 0);
	if (dv->pdf) {
		cairo_pdf_surface_set_size(dv->surface, page->w, page->h);
		if (page->label)
			cairo_pdf_surface_set_page_label(dv->surface, page->label);
		/* Internal links go through named destinations: cairo 1.16.0 drops the
		 * target of a "page=N" link when page N comes later in the file, while
		 * names are resolved when the document is finished. */
		if (dv->link_target && dv->link_target[dv->page_no - 1]) {
			char attrs[64];
			snprintf(attrs, sizeof attrs, "name='page.%d' x=0 y=0", dv->page_no);
			cairo_tag_begin(dv->cr, CAIRO_TAG_DEST, attrs);
			cairo_tag_end(dv->cr, CAIRO_TAG_DEST);
		}
	}
	/* Bleed lies outside the trim; on a spread it would spill onto the facing
	 * page, so every page is clipped to its own trim. */
	cairo_save(dv->cr);
	double x0 = dv->ox, y0 = 0, x1 = dv->ox + page->w, y1 = page->h;
	if (!dv->pdf) {
		/* On whole pixels, or the two pages of a spread would each half-cover
		 * the pixel column between them and leave a pale seam. */
		cairo_user_to_device(dv->cr, &x0, &y0);
		cairo_user_to_device(dv->cr, &x1, &y1);
		x0 = round(x0);
		y0 = round(y0);
		x1 = round(x1);
		y1 = round(y1);
		cairo_device_to_user(dv->cr, &x0, &y0);
		cairo_device_to_user(dv->cr, &x1, &y1);
	}
	cairo_rectangle(dv->cr, x0, y0, x1 - x0, y1 - y0);
	cairo_clip(dv->cr);
	dv->clip_depth = 0;
}

static void dev_end_page(tk_device *dev, const tk_page *page)
{
	cdev *dv = (cdev *)dev;
	(void)page;
	while (dv->clip_depth > 0) {
		cairo_restore(dv->cr);
		dv->clip_depth--;
	}
	cairo_restore(dv->cr);
	if (dv->pdf)
		cairo_show_page(dv->cr);
	check(dv);
}

static void dev_fill(tk_device *dev, const tk_path *p, const tk_matrix *m, tk_cmyk c)
{
	cdev *dv = (cdev *)dev;
	if (dev->failed || !p || !invertible(m))
		return;
	cairo_matrix_t cm;
	to_cairo_matrix(m, &cm);
	cairo_save(dv->cr);
	cairo_transform(dv->cr, &cm);
	append_path(dv->cr, p);
	set_cmyk(dv, c);
	cairo_set_fill_rule(dv->cr, CAIRO_FILL_RULE_WINDING);
	cairo_fill(dv->cr);
	cairo_restore(dv->cr);
}

static void dev_stroke(tk_device *dev, const tk_path *p, const tk_matrix *m, tk_cmyk c,
                       float line_width)
{
	cdev *dv = (cdev *)dev;
	if (dev->failed || !p || !invertible(m) || !(line_width > 0))
		return;
	cairo_matrix_t cm;
	to_cairo_matrix(m, &cm);
	cairo_save(dv->cr);
	/* Stroked under the page matrix, so an imposed page scales its rules too. */
	cairo_transform(dv->cr, &cm);
	append_path(dv->cr, p);
	set_cmyk(dv, c);
	cairo_set_line_width(dv->cr, line_width);
	cairo_stroke(dv->cr);
	cairo_restore(dv->cr);
}

static void grow_run(cdev *dv, size_t glyphs, size_t bytes)
{
	if (glyphs > dv->glyphs_cap) {
		dv->glyphs = tk_xrealloc(dv->glyphs, sizeof *dv->glyphs * glyphs);
		dv->clusters = tk_xrealloc(dv->clusters, sizeof *dv->clusters * glyphs);
		dv->glyphs_cap = glyphs;
	}
	if (bytes + 1 > dv->utf8_cap) {
		dv->utf8 = tk_xrealloc(dv->utf8, bytes + 1);
		dv->utf8_cap = bytes + 1;
	}
}

static void dev_glyphs(tk_device *dev, const tk_glyph_run *run, const tk_matrix *m)
{
	cdev *dv = (cdev *)dev;
	if (dev->failed || !run || run->n <= 0 || !run->font || !invertible(m) ||
	    !(run->size > 0))
		return;
	cairo_font_face_t *face = font_face(dv, run->font);
	if (!face)
		return;

	size_t bytes = 0;
	for (int i = 0; i < run->n; i++)
		if (run->glyphs[i].text && run->glyphs[i].text_len > 0)
			bytes += (size_t)run->glyphs[i].text_len;
	grow_run(dv, (size_t)run->n, bytes);

	/* Clusters: a glyph with text starts one; the glyphs after it without text
	 * (the rest of a decomposed character, or a mark) belong to it. Glyphs
	 * before the first text form a cluster with no characters, which cairo
	 * allows. */
	int nc = 0;
	size_t off = 0;
	for (int i = 0; i < run->n; i++) {
		const tk_glyph *g = &run->glyphs[i];
		dv->glyphs[i].index = g->gid;
		dv->glyphs[i].x = g->x;
		dv->glyphs[i].y = g->y;
		int has_text = g->text && g->text_len > 0;
		if (has_text || nc == 0) {
			dv->clusters[nc].num_bytes = 0;
			dv->clusters[nc].num_glyphs = 0;
			nc++;
		}
		if (has_text) {
			memcpy(dv->utf8 + off, g->text, (size_t)g->text_len);
			off += (size_t)g->text_len;
			dv->clusters[nc - 1].num_bytes = g->text_len;
		}
		dv->clusters[nc - 1].num_glyphs++;
	}
	dv->utf8[off] = 0;

	cairo_matrix_t cm;
	to_cairo_matrix(m, &cm);
	cairo_save(dv->cr);
	cairo_transform(dv->cr, &cm);
	cairo_set_font_face(dv->cr, face);
	cairo_set_font_size(dv->cr, run->size);
	set_cmyk(dv, run->color);
	/* Text that is not valid UTF-8 would put the whole PDF in an error state;
	 * such a run is drawn without its text rather than failing the build. */
	if (dv->pdf && off > 0 && valid_utf8(dv->utf8, off) && (size_t)(int)off == off)
		cairo_show_text_glyphs(dv->cr, dv->utf8, (int)off, dv->glyphs, run->n,
		                       dv->clusters, nc, 0);
	else
		cairo_show_glyphs(dv->cr, dv->glyphs, run->n);
	cairo_restore(dv->cr);
}

static void dev_image(tk_device *dev, const tk_image *img, const tk_matrix *m)
{
	cdev *dv = (cdev *)dev;
	if (dev->failed || !img || !invertible(m))
		return;
	cairo_surface_t *s = image_surface(dv, img);
	if (!s)
		return;
	cairo_matrix_t cm;
	to_cairo_matrix(m, &cm);
	cairo_save(dv->cr);
	cairo_transform(dv->cr, &cm);
	cairo_scale(dv->cr, 1.0 / img->width, 1.0 / img->height);
	cairo_set_source_surface(dv->cr, s, 0, 0);
	cairo_pattern_t *pat = cairo_get_source(dv->cr);
	cairo_pattern_set_filter(pat, CAIRO_FILTER_GOOD);
	/* For raster proofs, padding keeps the picture's edge pixels sharp instead
	 * of fading them against the transparent outside. The PDF gets a plain
	 * image, which viewers draw crisp anyway. */
	if (!dv->pdf)
		cairo_pattern_set_extend(pat, CAIRO_EXTEND_PAD);
	cairo_rectangle(dv->cr, 0, 0, img->width, img->height);
	cairo_fill(dv->cr);
	cairo_restore(dv->cr);
}

static void dev_clip_push(tk_device *dev, const tk_path *p, const tk_matrix *m)
{
	cdev *dv = (cdev *)dev;
	/* The save is made even when the clip is unusable, so the matching pop
	 * always has a level to restore. */
	cairo_save(dv->cr);
	dv->clip_depth++;
	if (!p || !invertible(m)) {
		cairo_rectangle(dv->cr, 0, 0, 0, 0);
		cairo_clip(dv->cr);
		return;
	}
	cairo_matrix_t cm, saved;
	to_cairo_matrix(m, &cm);
	cairo_get_matrix(dv->cr, &saved);
	cairo_transform(dv->cr, &cm);
	append_path(dv->cr, p);
	cairo_set_matrix(dv->cr, &saved);
	cairo_clip(dv->cr);
}

static void dev_clip_pop(tk_device *dev)
{
	cdev *dv = (cdev *)dev;
	if (dv->clip_depth > 0) {
		cairo_restore(dv->cr);
		dv->clip_depth--;
	}
}

static void bbox(const tk_rect *r, const tk_matrix *m, double out[4])
{
	double xs[4] = {r->x, r->x + r->w, r->x, r->x + r->w};
	double ys[4] = {r->y, r->y, r->y + r->h, r->y + r->h};
	double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
	for (int i = 0; i < 4; i++) {
		tk_matrix_apply(m, &xs[i], &ys[i]);
		x0 = fmin(x0, xs[i]);
		y0 = fmin(y0, ys[i]);
		x1 = fmax(x1, xs[i]);
		y1 = fmax(y1, ys[i]);
	}
	out[0] = x0;
	out[1] = y0;
	out[2] = x1 - x0;
	out[3] = y1 - y0;
}

static void dev_link(tk_device *dev, const tk_item *it, const tk_matrix *m)
{
	cdev *dv = (cdev *)dev;
	if (dev->failed || !dv->pdf)
		return;
	double b[4];
	bbox(&it->rect, m, b);
	char n[4][32];
	for (int i = 0; i < 4; i++)
		fmt_num(n[i], sizeof n[i], b[i]);
	char *target;
	if (it->uri) {
		char *enc = uri_encode(it->uri);
		char *q = quote_attr(enc);
		size_t len = strlen(q) + 8;
		target = tk_xmalloc(len);
		snprintf(target, len, "uri=%s", q);
		free(q);
		free(enc);
	} else if (it->dest_page >= 0 && it->dest_page < dv->doc->n_pages) {
		target = tk_xmalloc(64);
		snprintf(target, 64, "dest='page.%d'", it->dest_page + 1);
	} else {
		return;
	}
	size_t len = strlen(target) + 160;
	char *attrs = tk_xmalloc(len);
	snprintf(attrs, len, "%s rect=[%s %s %s %s]", target, n[0], n[1], n[2], n[3]);
	cairo_tag_begin(dv->cr, CAIRO_TAG_LINK, attrs);
	cairo_tag_end(dv->cr, CAIRO_TAG_LINK);
	free(attrs);
	free(target);
}

static void dev_dest(tk_device *dev, const tk_item *it, const tk_matrix *m)
{
	cdev *dv = (cdev *)dev;
	if (dev->failed || !dv->pdf || !it->title || !valid_utf8(it->title, strlen(it->title)))
		return;
	int level = it->level < 1 ? 1 : it->level > MAX_OUTLINE_LEVEL ? MAX_OUTLINE_LEVEL
	                                                              : it->level;
	/* A level-3 entry with no level-2 before it hangs from the nearest level
	 * above that exists, rather than being lost. */
	int parent = CAIRO_PDF_OUTLINE_ROOT;
	for (int l = level - 1; l >= 1; l--)
		if (dv->outline[l]) {
			parent = dv->outline[l];
			break;
		}
	double x = it->rect.x, y = it->rect.y;
	tk_matrix_apply(m, &x, &y);
	char nx[32], ny[32], attrs[128];
	fmt_num(nx, sizeof nx, x);
	fmt_num(ny, sizeof ny, y);
	snprintf(attrs, sizeof attrs, "page=%d pos=[%s %s]", dv->page_no, nx, ny);
	int id = cairo_pdf_surface_add_outline(dv->surface, parent, it->title, attrs,
	                                       level == 1 ? CAIRO_PDF_OUTLINE_FLAG_OPEN : 0);
	dv->outline[level] = id;
	for (int l = level + 1; l <= MAX_OUTLINE_LEVEL; l++)
		dv->outline[l] = 0;
}

static void dev_init(cdev *dv, const tk_doc *doc, tk_color *color, tk_diag *d, int pdf)
{
	memset(dv, 0, sizeof *dv);
	dv->base.show_marks = 0;
	dv->base.show_links = pdf;
	dv->base.begin_page = dev_begin_page;
	dv->base.end_page = dev_end_page;
	dv->base.fill_path = dev_fill;
	dv->base.stroke_path = dev_stroke;
	dv->base.glyphs = dev_glyphs;
	dv->base.image = dev_image;
	dv->base.clip_push = dev_clip_push;
	dv->base.clip_pop = dev_clip_pop;
	dv->base.link = dev_link;
	dv->base.dest = dev_dest;
	dv->doc = doc;
	dv->color = color;
	dv->d = d;
	dv->pdf = pdf;
	dv->what = pdf ? "screen PDF" : "PNG proof";
}

static void dev_free(cdev *dv)
{
	if (dv->cr)
		cairo_destroy(dv->cr);
	if (dv->surface)
		cairo_surface_destroy(dv->surface);
	for (int i = 0; i < dv->n_faces; i++)
		if (dv->faces[i])
			cairo_font_face_destroy(dv->faces[i]);
	for (int i = 0; i < dv->n_images; i++)
		if (dv->images[i])
			cairo_surface_destroy(dv->images[i]);
	free(dv->faces);
	free(dv->face_failed);
	free(dv->images);
	free(dv->glyphs);
	free(dv->clusters);
	free(dv->utf8);
	free(dv->link_target);
	for (size_t i = 0; i < sizeof dv->memo / sizeof dv->memo[0]; i++) {
		free(dv->memo[i].px);
		free(dv->memo[i].png.data);
	}
	if (dv->spare)
		cairo_surface_destroy(dv->spare);
	libdeflate_free_compressor(dv->png.zc);
	free(dv->png.raw);
	free(dv->png.z);
}

/* ---- screen PDF ----------------------------------------------------------- */

/* cairo 1.16.0 gives every link annotation a /StructParent and reserves an
 * object for its structure element, but writes no structure tree when the
 * document has no structure tags: the reserved objects never appear, while the
 * xref table lists them at a stale offset. Viewers shrug; qpdf --check calls the
 * file damaged. Marking those entries free (same 20 bytes each, so no offset
 * moves) makes every reference to them a reference to null, as the PDF spec
 * defines for free objects. Anything not shaped as expected is left alone. */
static void repair_xref(unsigned char *pdf, size_t len)
{
	const char *key = "startxref";
	size_t klen = strlen(key), at = SIZE_MAX;
	for (size_t i = len > 64 ? len - 64 : 0; i + klen <= len; i++)
		if (memcmp(pdf + i, key, klen) == 0)
			at = i;
	if (at == SIZE_MAX)
		return;
	char num[32] = {0};
	size_t k = 0, p = at + klen;
	while (p < len && (pdf[p] == '\n' || pdf[p] == '\r' || pdf[p] == ' '))
		p++;
	while (p < len && k < sizeof num - 1 && pdf[p] >= '0' && pdf[p] <= '9')
		num[k++] = (char)pdf[p++];
	size_t xref = (size_t)strtoull(num, NULL, 10);
	unsigned long first, count;
	int hdr = 0;
	if (xref + 5 >= len || memcmp(pdf + xref, "xref\n", 5) != 0)
		return;
	char line[64] = {0};
	memcpy(line, pdf + xref + 5, len - xref - 5 < 63 ? len - xref - 5 : 63);
	if (sscanf(line, "%lu %lu\n%n", &first, &count, &hdr) != 2 || first != 0 || hdr <= 0)
		return;
	unsigned char *tab = pdf + xref + 5 + hdr;
	if ((size_t)(tab - pdf) + count * 20 > len)
		return;
	unsigned long prev_free = 0;
	for (unsigned long i = 1; i < count; i++) {
		unsigned char *e = tab + i * 20;
		if (e[17] != 'n')
			continue;
		size_t off = (size_t)strtoull((const char *)e, NULL, 10);
		char want[32];
		int wl = snprintf(want, sizeof want, "%lu 0 obj", i);
		if (off + (size_t)wl <= len && memcmp(pdf + off, want, (size_t)wl) == 0)
			continue;
		/* The free list runs from entry 0 through each freed entry in turn;
		 * the newest one ends it (next = 0) until another is linked on. */
		char ent[21];
		snprintf(ent, sizeof ent, "%010lu 00001 f \n", 0ul);
		memcpy(e, ent, 20);
		unsigned char *link = prev_free ? tab + prev_free * 20 : tab;
		snprintf(ent, sizeof ent, "%010lu", i);
		memcpy(link, ent, 10);
		prev_free = i;
	}
}

static void mark_link_targets(const tk_page *page, char *target, int n, int depth)
{
	if (depth > 8)
		return;
	for (const tk_item *it = page->first; it; it = it->next) {
		if (it->kind == TK_ITEM_LINK && !it->uri && it->dest_page >= 0 &&
		    it->dest_page < n)
			target[it->dest_page] = 1;
		else if (it->kind == TK_ITEM_PAGE && it->page)
			mark_link_targets(it->page, target, n, depth + 1);
	}
}

static void iso_date(long long epoch, char *buf, size_t n)
{
	time_t t = (time_t)epoch;
	struct tm tm;
	if (epoch < 0 || !gmtime_r(&t, &tm)) {
		t = 0;
		gmtime_r(&t, &tm);
	}
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int tk_pdf_screen_write(const tk_doc *doc, tk_color *color, const char *path, tk_diag *d)
{
	if (doc->n_pages == 0) {
		tk_error(d, NULL, "screen PDF '%s': the document has no pages", path);
		return -1;
	}
	cdev dv;
	dev_init(&dv, doc, color, d, 1);
	membuf buf = {0};
	dv.surface = cairo_pdf_surface_create_for_stream(mem_write, &buf, doc->pages[0]->w,
	                                                 doc->pages[0]->h);
	dv.cr = cairo_create(dv.surface);
	if (check(&dv) == 0) {
		/* Dates from the job's epoch, never the clock, so a rebuild of the same
		 * input gives the same bytes. */
		char date[32];
		iso_date(doc->epoch, date, sizeof date);
		cairo_pdf_surface_set_metadata(dv.surface, CAIRO_PDF_METADATA_CREATE_DATE,
		                               date);
		cairo_pdf_surface_set_metadata(dv.surface, CAIRO_PDF_METADATA_MOD_DATE, date);
		if (doc->title)
			cairo_pdf_surface_set_metadata(dv.surface, CAIRO_PDF_METADATA_TITLE,
			                               doc->title);
		if (doc->author)
			cairo_pdf_surface_set_metadata(dv.surface, CAIRO_PDF_METADATA_AUTHOR,
			                               doc->author);
		if (doc->subject)
			cairo_pdf_surface_set_metadata(dv.surface, CAIRO_PDF_METADATA_SUBJECT,
			                               doc->subject);
		cairo_pdf_surface_set_metadata(dv.surface, CAIRO_PDF_METADATA_CREATOR,
		                               doc->creator ? doc->creator : "trykk");
		cairo_font_options_t *fo = cairo_font_options_create();
		cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
		cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
		cairo_set_font_options(dv.cr, fo);
		cairo_font_options_destroy(fo);
	}
	dv.link_target = tk_xcalloc((size_t)doc->n_pages, 1);
	for (int i = 0; i < doc->n_pages; i++)
		mark_link_targets(doc->pages[i], dv.link_target, doc->n_pages, 0);
	for (int i = 0; i < doc->n_pages && !dv.base.failed; i++) {
		dv.page_no = i + 1;
		tk_dl_run_page(&dv.base, doc->pages[i]);
		check(&dv);
	}
	if (!dv.base.failed) {
		cairo_destroy(dv.cr);
		dv.cr = NULL;
		cairo_surface_finish(dv.surface);
		check(&dv);
	}
	int rc = dv.base.failed ? -1 : 0;
	dev_free(&dv);
	if (rc == 0) {
		repair_xref(buf.data, buf.len);
		rc = tk_write_atomic(path, buf.data, buf.len, d);
	}
	free(buf.data);
	return rc;
}

/* ---- PNG proofs ----------------------------------------------------------- */

/* path_fmt comes from the command line or a layout: it must hold exactly one
 * integer conversion and nothing else printf would interpret. */
static int check_fmt(const char *fmt)
{
	int convs = 0;
	for (const char *p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		if (p[1] == '%') {
			p++;
			continue;
		}
		p++;
		while (*p == '0' || *p == '-' || *p == ' ' || *p == '+')
			p++;
		while (*p >= '0' && *p <= '9')
			p++;
		if (*p != 'd')
			return -1;
		convs++;
	}
	return convs == 1 ? 0 : -1;
}

/* A proof's pixels as a PNG, into out: 8-bit RGB, rows unfiltered, compressed
 * with libdeflate at its fastest level. cairo's own writer
 * (cairo_surface_write_to_png_stream) has libpng try all five filters on every
 * row and compress with zlib at the default level: four fifths of a build with
 * proofs went there. Proofs are flat colour, text and a few pictures, where
 * unfiltered rows compress as well as filtered ones; libdeflate needs no set-up
 * per image (zlib's clears its tables for each of 200 small card proofs). The
 * four chunks (signature, IHDR, IDAT, IEND) are written here. Returns 0, or -1
 * when out of memory. */
static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* One chunk: length, type, data, CRC of type and data. */
static int put_chunk(membuf *out, const char type[4], const unsigned char *data, size_t n)
{
	unsigned char head[8], tail[4];
	if (n > 0x7FFFFFFFu)
		return -1;
	put32(head, (uint32_t)n);
	memcpy(head + 4, type, 4);
	uint32_t crc = (uint32_t)libdeflate_crc32(0, type, 4);
	if (n) /* (a NULL buffer would start the CRC again) */
		crc = (uint32_t)libdeflate_crc32(crc, data, n);
	put32(tail, crc);
	return mem_write(out, head, 8) != CAIRO_STATUS_SUCCESS ||
	               (n && mem_write(out, data, (unsigned)n) != CAIRO_STATUS_SUCCESS) ||
	               mem_write(out, tail, 4) != CAIRO_STATUS_SUCCESS
	           ? -1
	           : 0;
}

/* Grows *buf to at least n bytes; 0, or -1 when out of memory. */
static int grow(unsigned char **buf, size_t *cap, size_t n)
{
	if (n <= *cap)
		return 0;
	unsigned char *p = realloc(*buf, n);
	if (!p)
		return -1;
	*buf = p;
	*cap = n;
	return 0;
}

static int encode_png(cairo_surface_t *s, png_scratch *sc, membuf *out)
{
	int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
	int stride = cairo_image_surface_get_stride(s);
	const unsigned char *px = cairo_image_surface_get_data(s);
	if (!px || w < 1 || h < 1 || cairo_image_surface_get_format(s) != CAIRO_FORMAT_RGB24)
		return -1;
	/* each row: filter type 0, then R G B of each pixel (cairo: a 32-bit word a
	 * pixel, 0xXXRRGGBB) */
	size_t row = 1 + 3 * (size_t)w, n = row * (size_t)h;
	if (!sc->zc)
		sc->zc = libdeflate_alloc_compressor(1);
	struct libdeflate_compressor *zc = sc->zc;
	size_t cap = zc ? libdeflate_zlib_compress_bound(zc, n) : 0;
	int rc = -1;
	if (zc && grow(&sc->raw, &sc->raw_cap, n) == 0 && grow(&sc->z, &sc->z_cap, cap) == 0) {
		unsigned char *raw = sc->raw, *z = sc->z;
		for (int y = 0; y < h; y++) {
			const uint32_t *src = (const uint32_t *)(const void *)(px + (size_t)y * (size_t)stride);
			unsigned char *dst = raw + (size_t)y * row;
			*dst++ = 0;
			for (int x = 0; x < w; x++) {
				uint32_t v = src[x];
				*dst++ = (unsigned char)(v >> 16);
				*dst++ = (unsigned char)(v >> 8);
				*dst++ = (unsigned char)v;
			}
		}
		size_t zn = libdeflate_zlib_compress(zc, raw, n, z, cap);
		static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
		unsigned char ihdr[13];
		put32(ihdr, (uint32_t)w);
		put32(ihdr + 4, (uint32_t)h);
		ihdr[8] = 8;  /* bits per sample */
		ihdr[9] = 2;  /* RGB */
		ihdr[10] = 0; /* deflate */
		ihdr[11] = 0; /* adaptive filtering (each row says: none) */
		ihdr[12] = 0; /* not interlaced */
		if (zn > 0 && mem_write(out, sig, 8) == CAIRO_STATUS_SUCCESS &&
		    put_chunk(out, "IHDR", ihdr, sizeof ihdr) == 0 &&
		    put_chunk(out, "IDAT", z, zn) == 0 && put_chunk(out, "IEND", NULL, 0) == 0)
			rc = 0;
	}
	return rc;
}

static int write_proof(cdev *dv, const tk_page *left, const tk_page *right, double dpi,
                       const char *path)
{
	double w = left->w + (right ? right->w : 0);
	double h = right && right->h > left->h ? right->h : left->h;
	double scale = dpi / 72.0;
	double pw = round(w * scale), ph = round(h * scale);
	if (pw < 1)
		pw = 1;
	if (ph < 1)
		ph = 1;
	/* cairo's limit is 32767 pixels a side; the pixel cap keeps one proof's
	 * surface (4 bytes a pixel) within about 800 MB. */
	if (pw > 32767 || ph > 32767 || pw * ph > 200e6) {
		tk_error(dv->d, NULL, "PNG proof '%s' would be %.0f \u00d7 %.0f pixels; lower the "
		         "resolution (%g dpi)", path, pw, ph, dpi);
		return -1;
	}
	if (dv->spare && cairo_image_surface_get_width(dv->spare) == (int)pw &&
	    cairo_image_surface_get_height(dv->spare) == (int)ph) {
		dv->surface = dv->spare; /* painted white below */
	} else {
		if (dv->spare)
			cairo_surface_destroy(dv->spare);
		dv->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)pw, (int)ph);
	}
	dv->spare = NULL;
	dv->cr = cairo_create(dv->surface);
	if (check(dv))
		return -1;
	cairo_set_source_rgb(dv->cr, 1, 1, 1);
	cairo_paint(dv->cr);
	cairo_set_antialias(dv->cr, CAIRO_ANTIALIAS_GRAY);
	cairo_font_options_t *fo = cairo_font_options_create();
	/* Unhinted, like the layout's metrics, so proofs show the real line breaks
	 * and spacing rather than pixel-snapped ones. */
	cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_set_font_options(dv->cr, fo);
	cairo_font_options_destroy(fo);
	cairo_scale(dv->cr, pw / w, ph / h);

	dv->ox = 0;
	tk_dl_run_page(&dv->base, left);
	if (right && !dv->base.failed) {
		dv->ox = left->w;
		tk_dl_run_page(&dv->base, right);
	}
	cairo_surface_flush(dv->surface);
	if (check(dv))
		return -1;
	/* A proof that comes out pixel for pixel as one of the last few (the back of
	 * every business card, blank pages) gets that one's PNG without encoding it
	 * again: encoding was three quarters of a card's proof. Only small proofs
	 * (up to 1 MB of pixels: cards, postcards, labels) are kept; large pages
	 * seldom repeat. */
	const unsigned char *px = cairo_image_surface_get_data(dv->surface);
	size_t px_len = (size_t)cairo_image_surface_get_stride(dv->surface) * (size_t)ph;
	int keep = px && px_len <= ((size_t)1 << 20);
	uint32_t crc = keep ? libdeflate_crc32(0, px, px_len) : 0;
	dv->proofs++;
	struct proof_memo *oldest = &dv->memo[0];
	for (size_t i = 0; keep && i < sizeof dv->memo / sizeof dv->memo[0]; i++) {
		struct proof_memo *m = &dv->memo[i];
		if (m->px && m->w == (int)pw && m->h == (int)ph && m->crc == crc &&
		    m->px_len == px_len && memcmp(m->px, px, px_len) == 0) {
			m->used = dv->proofs;
			return tk_write_atomic_unsynced(path, m->png.data, m->png.len, dv->d);
		}
		if (m->used < oldest->used)
			oldest = m;
	}
	membuf buf = {0};
	if (encode_png(dv->surface, &dv->png, &buf) < 0) {
		free(buf.data);
		tk_error(dv->d, NULL, "PNG proof '%s': out of memory", path);
		return -1;
	}
	int rc = tk_write_atomic_unsynced(path, buf.data, buf.len, dv->d);
	if (keep) {
		unsigned char *copy = tk_xmalloc(px_len);
		memcpy(copy, px, px_len);
		free(oldest->px);
		free(oldest->png.data);
		*oldest = (struct proof_memo){(int)pw, (int)ph, crc, copy, px_len, buf, dv->proofs};
	} else {
		free(buf.data);
	}
	return rc;
}

int tk_png_proofs_write(const tk_doc *doc, tk_color *color, const char *path_fmt,
                        double dpi, int spreads, tk_diag *d)
{
	if (check_fmt(path_fmt)) {
		tk_error(d, NULL, "PNG proof name '%s' needs exactly one %%d for the page number",
		         path_fmt);
		return -1;
	}
	if (!(dpi >= 1 && dpi <= 2400)) {
		tk_error(d, NULL, "PNG proof resolution %g dpi is outside 1 to 2400", dpi);
		return -1;
	}
	cdev dv;
	dev_init(&dv, doc, color, d, 0);
	int rc = 0, n = 0;
	for (int i = 0; i < doc->n_pages && rc == 0;) {
		const tk_page *left = doc->pages[i], *right = NULL;
		/* Reader spreads: page 1 is a right-hand page alone; then even|odd. */
		if (spreads && i > 0 && i + 1 < doc->n_pages)
			right = doc->pages[i + 1];
		i += right ? 2 : 1;
		char path[4096];
		/* The format was checked by check_fmt above. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		int len = snprintf(path, sizeof path, path_fmt, ++n);
#pragma GCC diagnostic pop
		if (len < 0 || (size_t)len >= sizeof path) {
			tk_error(d, NULL, "PNG proof name '%s' is too long", path_fmt);
			rc = -1;
			break;
		}
		rc = write_proof(&dv, left, right, dpi, path);
		if (dv.cr)
			cairo_destroy(dv.cr);
		dv.spare = dv.surface; /* for the next proof, if it has the same size */
		dv.cr = NULL;
		dv.surface = NULL;
		if (dv.base.failed)
			rc = -1;
	}
	dev_free(&dv);
	return rc;
}

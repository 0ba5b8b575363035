/* test_cairo.c - the screen PDF and PNG proofs from a display list built by hand:
 * a bleed fill, a printer's mark, Norwegian text with real glyph ids, a ligature
 * cluster, a picture with alpha, links and outline entries. Checks return codes,
 * byte-identical rebuilds, proof sizes and a few proof pixels. */
#include "unit.h"

#include "arena.h"
#include "backend/out.h"

#include <cairo.h>
#include <stdlib.h>

#include <ft2build.h>
#include FT_FREETYPE_H

#define FONT "fonts/NotoSerif-Regular.ttf"

static char cairo_out[4096];

static tk_diag *cairo_diag(FILE **f)
{
	*f = tmpfile();
	return tk_diag_new(*f);
}

static const char *cairo_msgs(tk_diag *d, FILE *f)
{
	fflush(f);
	rewind(f);
	size_t n = fread(cairo_out, 1, sizeof cairo_out - 1, f);
	cairo_out[n] = 0;
	fclose(f);
	tk_diag_free(d);
	return cairo_out;
}

/* Decodes one UTF-8 sequence at s; returns its length. */
static int utf8_next(const char *s, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if ((p[0] >> 5) == 6) {
		*cp = (uint32_t)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
		return 2;
	}
	*cp = (uint32_t)(p[0] & 0x0f) << 12 | (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
	return 3;
}

/* Shapes text naively (one glyph per character, advances from the font): enough
 * for a backend test. "fi" becomes the ligature glyph carrying both letters. */
static tk_glyph_run *run_of(tk_arena *a, FT_Face face, const tk_font *font, const char *text,
                            double x, double y, double size)
{
	tk_glyph_run *r = TK_NEW(a, tk_glyph_run);
	r->font = font;
	r->size = (float)size;
	r->color = (tk_cmyk){0, 0, 0, 1};
	r->glyphs = TK_NEWN(a, tk_glyph, strlen(text));
	FT_UInt fi = FT_Get_Char_Index(face, 0xFB01);
	for (const char *p = text; *p;) {
		uint32_t cp;
		int len = utf8_next(p, &cp);
		FT_UInt gid = FT_Get_Char_Index(face, cp);
		if (fi && p[0] == 'f' && p[1] == 'i') {
			gid = fi;
			len = 2;
		}
		FT_Load_Glyph(face, gid, FT_LOAD_NO_SCALE);
		tk_glyph *g = &r->glyphs[r->n++];
		g->gid = gid;
		g->x = (float)x;
		g->y = (float)y;
		g->advance = (float)(face->glyph->advance.x * size / face->units_per_EM);
		g->text = p;
		g->text_len = len;
		x += g->advance;
		p += len;
	}
	return r;
}

static tk_image *test_picture(tk_arena *a, int with_alpha)
{
	tk_image *img = TK_NEW(a, tk_image);
	img->id = with_alpha;
	img->path = with_alpha ? "alpha.png" : "gradient.png";
	img->width = 64;
	img->height = 32;
	img->rgb = TK_NEWN(a, unsigned char, 64 * 32 * 3);
	img->cmyk = TK_NEWN(a, unsigned char, 64 * 32 * 4);
	if (with_alpha) {
		img->has_alpha = 1;
		img->alpha = TK_NEWN(a, unsigned char, 64 * 32);
	}
	for (int y = 0; y < 32; y++)
		for (int x = 0; x < 64; x++) {
			unsigned char *p = img->rgb + (y * 64 + x) * 3;
			p[0] = (unsigned char)(x * 4);
			p[1] = (unsigned char)(y * 8);
			p[2] = 160;
			if (with_alpha)
				img->alpha[y * 64 + x] = x < 32 ? 255 : 0;
		}
	return img;
}

typedef struct fixture {
	tk_arena *a;
	tk_doc doc;
	tk_font font;
	FT_Library ft;
	FT_Face face;
} fixture;

static int fixture_init(fixture *fx, int n_pages)
{
	memset(fx, 0, sizeof *fx);
	if (FT_Init_FreeType(&fx->ft) || FT_New_Face(fx->ft, FONT, 0, &fx->face))
		return -1;
	fx->a = tk_arena_new();
	tk_arena *a = fx->a;
	tk_doc *doc = &fx->doc;
	doc->title = "Prøvetrykk «æøå»";
	doc->author = "Kari Nordmann";
	doc->creator = "trykk test";
	doc->epoch = 1700000000;
	fx->font = (tk_font){0, FONT, 0, "NotoSerif-Regular"};
	static tk_font *fonts[1];
	fonts[0] = &fx->font;
	doc->fonts = fonts;
	doc->n_fonts = 1;
	tk_image *pic = test_picture(a, 0), *pic_alpha = test_picture(a, 1);

	const double w = 148 * TK_MM, h = 210 * TK_MM, bleed = 3 * TK_MM;
	for (int i = 0; i < n_pages; i++) {
		tk_page *pg = tk_dl_page_new(a, doc, w, h, bleed, 20);
		/* Background into the bleed, and a crop mark that proofs must hide. */
		tk_dl_fill_rect(a, pg, (tk_rect){-bleed, -bleed, w + 2 * bleed, 100 + bleed},
		                (tk_cmyk){0, 0.6f, 1, 0});
		tk_item *mark = tk_dl_fill_rect(a, pg, (tk_rect){-bleed - 18, -1, 15, 0.5},
		                                (tk_cmyk){1, 1, 1, 1});
		mark->is_mark = 1;
		tk_item *dest = tk_dl_add(a, pg, TK_ITEM_DEST);
		dest->title = i == 0 ? "Første kapittel" : "Avsnitt «to»";
		dest->level = i == 0 ? 1 : 2;
		dest->rect = (tk_rect){40, 120, 0, 0};
		tk_item *t = tk_dl_add(a, pg, TK_ITEM_GLYPHS);
		const char *text = i == 0 ? "Blåbærsyltetøy på «fire» smørbrød"
		                          : "Side to: æøå ÆØÅ";
		t->run = run_of(a, fx->face, &fx->font, text, 40, 140, 18);
		tk_item *st = tk_dl_add(a, pg, TK_ITEM_STROKE);
		st->path = tk_path_rect(a, 40, 160, 200, 40);
		st->line_width = 2;
		st->color = (tk_cmyk){1, 0, 0, 0};
		tk_item *clip = tk_dl_add(a, pg, TK_ITEM_CLIP);
		clip->path = tk_path_rect(a, 40, 220, 160, 80);
		tk_item *im = tk_dl_add(a, pg, TK_ITEM_IMAGE);
		im->image = pic;
		im->matrix = (tk_matrix){200, 0, 0, 100, 40, 220};
		tk_dl_add(a, pg, TK_ITEM_POP);
		tk_item *ia = tk_dl_add(a, pg, TK_ITEM_IMAGE);
		ia->image = pic_alpha;
		ia->matrix = (tk_matrix){128, 0, 0, 64, 40, 320};
		tk_item *link = tk_dl_add(a, pg, TK_ITEM_LINK);
		link->rect = (tk_rect){40, 124, 200, 20};
		link->uri = "https://example.no/blåbær?a='1'";
		tk_item *link2 = tk_dl_add(a, pg, TK_ITEM_LINK);
		link2->rect = (tk_rect){40, 160, 200, 40};
		link2->dest_page = n_pages - 1;
	}
	return 0;
}

static void fixture_free(fixture *fx)
{
	FT_Done_Face(fx->face);
	FT_Done_FreeType(fx->ft);
	tk_arena_free(fx->a);
}

static int contains(const unsigned char *b, long n, const char *s)
{
	size_t k = strlen(s);
	for (long i = 0; i + (long)k <= n; i++)
		if (memcmp(b + i, s, k) == 0)
			return 1;
	return 0;
}

/* Every in-use xref entry points at "N 0 obj" (cairo 1.16.0 leaves stale
 * entries for link annotations; the writer repairs them). */
static int xref_ok(const unsigned char *b, long n)
{
	long at = -1;
	for (long i = n > 64 ? n - 64 : 0; i + 9 <= n; i++)
		if (memcmp(b + i, "startxref", 9) == 0)
			at = i;
	if (at < 0)
		return 0;
	long xref = strtol((const char *)b + at + 10, NULL, 10);
	if (xref <= 0 || xref + 5 > n || memcmp(b + xref, "xref\n", 5) != 0)
		return 0;
	char *end;
	strtol((const char *)b + xref + 5, &end, 10);
	long count = strtol(end, &end, 10);
	const unsigned char *tab = (const unsigned char *)end + 1;
	for (long i = 1; i < count; i++) {
		const unsigned char *e = tab + i * 20;
		if (e + 20 > b + n)
			return 0;
		if (e[17] != 'n')
			continue;
		long off = strtol((const char *)e, NULL, 10);
		char want[32];
		int wl = snprintf(want, sizeof want, "%ld 0 obj", i);
		if (off + wl > n || memcmp(b + off, want, (size_t)wl) != 0)
			return 0;
	}
	return 1;
}

static unsigned char *slurp(const char *path, long *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*n = ftell(f);
	rewind(f);
	unsigned char *b = malloc((size_t)*n + 1);
	if (fread(b, 1, (size_t)*n, f) != (size_t)*n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	return b;
}

TK_TEST(cairo_screen_pdf)
{
	fixture fx;
	OK(fixture_init(&fx, 2) == 0);
	if (!fx.a)
		return;
	tk_color *col = tk_color_new("layouts/icc/trykk-FOGRA39L.icc", NULL, NULL);
	FILE *f;
	tk_diag *d = cairo_diag(&f);
	EQ(tk_pdf_screen_write(&fx.doc, col, "/tmp/trykk-t-screen.pdf", d), 0);
	EQ(tk_pdf_screen_write(&fx.doc, col, "/tmp/trykk-t-screen2.pdf", d), 0);
	EQ(tk_diag_errors(d), 0);
	cairo_msgs(d, f);

	long n1 = 0, n2 = 0;
	unsigned char *b1 = slurp("/tmp/trykk-t-screen.pdf", &n1);
	unsigned char *b2 = slurp("/tmp/trykk-t-screen2.pdf", &n2);
	OK(b1 && b2);
	if (b1 && b2) {
		OK(n1 > 1000);
		OK(memcmp(b1, "%PDF-", 5) == 0);
		/* Deterministic: same list, same bytes. */
		EQ(n1, n2);
		OK(n1 == n2 && memcmp(b1, b2, (size_t)n1) == 0);
		/* Dates from the epoch (2023-11-14 22:13:20 UTC), not the clock. */
		OK(contains(b1, n1, "20231114221320"));
		OK(xref_ok(b1, n1));
		/* Non-ASCII in a URI is percent-encoded; internal links use names. */
		OK(contains(b1, n1, "/URI (https://example.no/bl%C3%A5b%C3%A6r?a='1')"));
		OK(contains(b1, n1, "/Dest (page.2)"));
		OK(contains(b1, n1, "/Outlines"));
		OK(contains(b1, n1, "/ToUnicode"));
	}
	free(b1);
	free(b2);
	tk_color_free(col);
	fixture_free(&fx);
}

TK_TEST(cairo_screen_pdf_errors)
{
	fixture fx;
	OK(fixture_init(&fx, 1) == 0);
	if (!fx.a)
		return;
	FILE *f;
	tk_diag *d = cairo_diag(&f);
	tk_doc empty = {0};
	EQ(tk_pdf_screen_write(&empty, NULL, "/tmp/trykk-t-empty.pdf", d), -1);
	/* A font that cannot be opened fails the output and names the file. */
	fx.font.path = "/tmp/trykk-no-such-font.ttf";
	EQ(tk_pdf_screen_write(&fx.doc, NULL, "/tmp/trykk-t-nofont.pdf", d), -1);
	const char *m = cairo_msgs(d, f);
	OK(strstr(m, "error: screen PDF '/tmp/trykk-t-empty.pdf': the document has no pages") !=
	   NULL);
	OK(strstr(m, "error: screen PDF: cannot load font '/tmp/trykk-no-such-font.ttf'") !=
	   NULL);
	fixture_free(&fx);
}

static int png_size(const char *path, int *w, int *h)
{
	cairo_surface_t *s = cairo_image_surface_create_from_png(path);
	int ok = cairo_surface_status(s) == CAIRO_STATUS_SUCCESS;
	*w = ok ? cairo_image_surface_get_width(s) : 0;
	*h = ok ? cairo_image_surface_get_height(s) : 0;
	cairo_surface_destroy(s);
	return ok ? 0 : -1;
}

/* Pixel (x, y) of a PNG as 0xRRGGBB. */
static uint32_t png_pixel(const char *path, int x, int y)
{
	cairo_surface_t *s = cairo_image_surface_create_from_png(path);
	uint32_t v = 0;
	if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS) {
		cairo_surface_flush(s);
		const unsigned char *data = cairo_image_surface_get_data(s);
		int stride = cairo_image_surface_get_stride(s);
		v = *(const uint32_t *)(const void *)(data + y * stride + x * 4) & 0xffffff;
	}
	cairo_surface_destroy(s);
	return v;
}

TK_TEST(cairo_png_proofs)
{
	fixture fx;
	OK(fixture_init(&fx, 3) == 0);
	if (!fx.a)
		return;
	tk_color *col = tk_color_new("layouts/icc/trykk-FOGRA39L.icc", NULL, NULL);
	FILE *f;
	tk_diag *d = cairo_diag(&f);
	remove("/tmp/trykk-t-page-04.png");
	EQ(tk_png_proofs_write(&fx.doc, col, "/tmp/trykk-t-page-%02d.png", 100, 0, d), 0);
	EQ(tk_png_proofs_write(&fx.doc, col, "/tmp/trykk-t-spread-%d.png", 72, 1, d), 0);
	EQ(tk_diag_errors(d), 0);
	cairo_msgs(d, f);

	/* A5 at 100 dpi, trimmed: 583 x 827 pixels. */
	int w, h;
	for (int i = 1; i <= 3; i++) {
		char path[64];
		snprintf(path, sizeof path, "/tmp/trykk-t-page-%02d.png", i);
		OK(png_size(path, &w, &h) == 0);
		EQ(w, 583);
		EQ(h, 827);
	}
	OK(png_size("/tmp/trykk-t-page-04.png", &w, &h) == -1);
	/* Written by trykk (cairo.c, encode_png): 8-bit RGB, not interlaced, the
	 * four chunks in order, each CRC right (libpng above refuses a bad one). */
	{
		unsigned char hd[41] = {0};
		FILE *pf = fopen("/tmp/trykk-t-page-01.png", "rb");
		OK(pf != NULL && fread(hd, 1, sizeof hd, pf) == sizeof hd);
		if (pf) {
			fseek(pf, -12, SEEK_END);
			unsigned char end[12] = {0};
			OK(fread(end, 1, sizeof end, pf) == sizeof end);
			OK(memcmp(end, "\0\0\0\0IEND\xae\x42\x60\x82", 12) == 0);
			fclose(pf);
		}
		OK(memcmp(hd, "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16) == 0);
		EQ(hd[24], 8); /* bits */
		EQ(hd[25], 2); /* RGB */
		EQ(hd[28], 0); /* not interlaced */
		OK(memcmp(hd + 37, "IDAT", 4) == 0);
	}
	/* White paper below the content; the orange background band at the top
	 * reaches the trim edge (bleed is cut off, not shown as a margin). */
	EQ(png_pixel("/tmp/trykk-t-page-01.png", 300, 800), 0xffffff);
	uint32_t band = png_pixel("/tmp/trykk-t-page-01.png", 0, 0);
	OK(band >> 16 > 0xd0 && (band & 0xff) < 0x60);
	/* Inside the picture with alpha: left half opaque, right half transparent. */
	uint32_t left = png_pixel("/tmp/trykk-t-page-01.png", (int)(60 * 100 / 72.0),
	                          (int)(350 * 100 / 72.0));
	OK((left & 0xff) > 0x80 && left != 0xffffff);
	EQ(png_pixel("/tmp/trykk-t-page-01.png", (int)(150 * 100 / 72.0),
	             (int)(350 * 100 / 72.0)),
	   0xffffff);

	/* Spreads at 72 dpi: page 1 alone, then 2|3 side by side. */
	OK(png_size("/tmp/trykk-t-spread-1.png", &w, &h) == 0);
	EQ(w, 420);
	EQ(h, 595);
	OK(png_size("/tmp/trykk-t-spread-2.png", &w, &h) == 0);
	EQ(w, 839);
	EQ(h, 595);
	OK(png_size("/tmp/trykk-t-spread-3.png", &w, &h) == -1);
	tk_color_free(col);
	fixture_free(&fx);
}

TK_TEST(cairo_png_proof_errors)
{
	fixture fx;
	OK(fixture_init(&fx, 1) == 0);
	if (!fx.a)
		return;
	FILE *f;
	tk_diag *d = cairo_diag(&f);
	EQ(tk_png_proofs_write(&fx.doc, NULL, "/tmp/trykk-t-%s.png", 72, 0, d), -1);
	EQ(tk_png_proofs_write(&fx.doc, NULL, "/tmp/trykk-t-%d-%d.png", 72, 0, d), -1);
	EQ(tk_png_proofs_write(&fx.doc, NULL, "/tmp/trykk-t-%d.png", 6000, 0, d), -1);
	/* Within cairo's 32767-pixel side, but too many pixels for one proof. */
	EQ(tk_png_proofs_write(&fx.doc, NULL, "/tmp/trykk-t-%d.png", 2400, 0, d), -1);
	const char *m = cairo_msgs(d, f);
	OK(strstr(m, "error: PNG proof name '/tmp/trykk-t-%s.png' needs exactly one %d") != NULL);
	OK(strstr(m, "error: PNG proof name '/tmp/trykk-t-%d-%d.png' needs exactly one") != NULL);
	OK(strstr(m, "error: PNG proof resolution 6000 dpi is outside 1 to 2400") != NULL);
	OK(strstr(m, "error: PNG proof '/tmp/trykk-t-1.png' would be 13984 \u00d7 19843 "
	             "pixels") != NULL);
	fixture_free(&fx);
}

static int same_file(const char *a, const char *b)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	int same = fa && fb;
	while (same) {
		int ca = fgetc(fa), cb = fgetc(fb);
		same = ca == cb;
		if (ca == EOF || cb == EOF)
			break;
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return same;
}

/* A proof that shows what one of the last few showed is not encoded again (the
 * back of every business card): it must be byte for byte what encoding it gives,
 * and a proof that differs must not be taken for one that came before. Pages 2
 * and 3 of the fixture look the same (their outline entries differ, and proofs
 * show none); page 1 has other text. */
TK_TEST(cairo_png_proofs_repeated)
{
	fixture fx;
	OK(fixture_init(&fx, 3) == 0);
	if (!fx.a)
		return;
	tk_page *const *p = fx.doc.pages;
	tk_page *order[5] = {p[0], p[1], p[0], p[2], p[0]};
	tk_doc rep = fx.doc;
	rep.pages = order;
	rep.n_pages = 5;
	tk_doc alone = fx.doc;
	alone.pages = order + 3; /* page 3 with no proof before it */
	alone.n_pages = 1;
	FILE *f;
	tk_diag *d = cairo_diag(&f);
	EQ(tk_png_proofs_write(&rep, NULL, "/tmp/trykk-t-rep-%d.png", 72, 0, d), 0);
	EQ(tk_png_proofs_write(&alone, NULL, "/tmp/trykk-t-alone-%d.png", 72, 0, d), 0);
	EQ(tk_diag_errors(d), 0);
	cairo_msgs(d, f);
	OK(same_file("/tmp/trykk-t-rep-1.png", "/tmp/trykk-t-rep-3.png"));
	OK(same_file("/tmp/trykk-t-rep-1.png", "/tmp/trykk-t-rep-5.png"));
	OK(same_file("/tmp/trykk-t-rep-2.png", "/tmp/trykk-t-rep-4.png"));
	OK(same_file("/tmp/trykk-t-alone-1.png", "/tmp/trykk-t-rep-4.png"));
	OK(!same_file("/tmp/trykk-t-rep-1.png", "/tmp/trykk-t-rep-2.png"));
	int w, h;
	OK(png_size("/tmp/trykk-t-rep-4.png", &w, &h) == 0);
	fixture_free(&fx);
}

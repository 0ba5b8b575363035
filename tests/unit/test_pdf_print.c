/* test_pdf_print.c - the print PDF backend, the trace writer and atomic writes.
 *
 * A document is built by hand (no YAML, no pango): a bled background, crop marks
 * in the slug, a stroked curve, a clip, text with Norwegian letters, a cluster of
 * two glyphs and a character libharu cannot draw, a picture with transparency, and
 * a second page placing the first one rotated and scaled, as imposition does.
 * Glyph ids and advances come from the font with FreeType (no kerning, no pango).
 *
 * Set TRYKK_TEST_OUT to a folder to keep the PDF and trace for inspection with
 * pdfinfo -box, pdffonts, pdftotext, qpdf --check and pdfimages -list. */
#include "unit.h"

#include "arena.h"
#include "diag.h"
#include "dl/dl.h"
#include "backend/out.h"

#include <hpdf.h>
#include <hpdf_utils.h>

#include <dirent.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define FONT_PATH "fonts/NotoSerif-Regular.ttf"
#define ICC_PATH "layouts/icc/trykk-FOGRA39L.icc"

static const tk_cmyk black = {0, 0, 0, 1}, registration = {1, 1, 1, 1};

/* Glyph ids and advances from the font itself (hmtx, no kerning), so the test
 * text is spaced as real text and pdftotext can find the words. */
static FT_Library ft;
static FT_Face face;
static int ft_tried;

static void glyph_metrics(uint32_t cp, float size, uint32_t *gid, float *adv)
{
	*gid = 0;
	*adv = 0.5f * size;
	if (!ft_tried) {
		ft_tried = 1;
		if (FT_Init_FreeType(&ft) == 0 && FT_New_Face(ft, FONT_PATH, 0, &face) != 0)
			face = NULL;
	}
	if (!face)
		return;
	*gid = FT_Get_Char_Index(face, cp);
	if (FT_Load_Glyph(face, *gid, FT_LOAD_NO_SCALE) == 0)
		*adv = (float)face->glyph->metrics.horiAdvance / (float)face->units_per_EM * size;
}

/* One glyph per UTF-8 character of s, starting at x,y. */
static tk_glyph_run *text_run(tk_arena *a, const tk_font *f, float size, tk_cmyk c,
                              float x, float y, const char *s)
{
	tk_glyph_run *run = TK_NEW(a, tk_glyph_run);
	run->font = f;
	run->size = size;
	run->color = c;
	run->glyphs = TK_NEWN(a, tk_glyph, strlen(s));
	const char *copy = tk_arena_strdup(a, s);
	for (const char *p = copy; *p;) {
		const unsigned char *u = (const unsigned char *)p;
		int len = u[0] < 0x80 ? 1 : u[0] < 0xE0 ? 2 : u[0] < 0xF0 ? 3 : 4;
		uint32_t cp = len == 1 ? u[0] : u[0] & (0x7Fu >> len);
		for (int i = 1; i < len; i++)
			cp = (cp << 6) | (u[i] & 0x3Fu);
		tk_glyph *g = &run->glyphs[run->n++];
		glyph_metrics(cp, size, &g->gid, &g->advance);
		g->x = x;
		g->y = y;
		g->text = p;
		g->text_len = len;
		x += g->advance;
		p += len;
	}
	return run;
}

static tk_item *add_run(tk_arena *a, tk_page *pg, tk_glyph_run *run)
{
	tk_item *it = tk_dl_add(a, pg, TK_ITEM_GLYPHS);
	it->run = run;
	it->color = run->color;
	it->frame = "body";
	return it;
}

/* Crop marks in the slug, as layout makes them: registration-coloured strokes
 * that start at the bleed and never enter the bleed box. */
static void crop_marks(tk_arena *a, tk_page *pg)
{
	double b = pg->bleed, l = pg->slug - 2 * TK_MM;
	double xs[2] = {0, pg->w}, ys[2] = {0, pg->h};
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++) {
			double x = xs[i], y = ys[j], dx = i ? 1 : -1, dy = j ? 1 : -1;
			tk_item *h = tk_dl_add(a, pg, TK_ITEM_STROKE);
			h->path = tk_path_new(a);
			tk_path_move(a, h->path, x + dx * b, y);
			tk_path_line(a, h->path, x + dx * (b + l), y);
			h->is_mark = 1;
			h->color = registration;
			h->line_width = 0.25f;
			tk_item *v = tk_dl_add(a, pg, TK_ITEM_STROKE);
			v->path = tk_path_new(a);
			tk_path_move(a, v->path, x, y + dy * b);
			tk_path_line(a, v->path, x, y + dy * (b + l));
			v->is_mark = 1;
			v->color = registration;
			v->line_width = 0.25f;
		}
}

static tk_image *test_image(tk_arena *a)
{
	tk_image *img = TK_NEW(a, tk_image);
	int w = 64, h = 48;
	img->id = 0;
	img->path = "test-gradient.png";
	img->width = w;
	img->height = h;
	img->was_rgb = 1;
	img->has_alpha = 1;
	img->cmyk = TK_NEWN(a, unsigned char, w * h * 4);
	img->rgb = TK_NEWN(a, unsigned char, w * h * 3);
	img->alpha = TK_NEWN(a, unsigned char, w * h);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			int i = y * w + x;
			img->cmyk[4 * i + 0] = (unsigned char)(x * 4);
			img->cmyk[4 * i + 1] = (unsigned char)(y * 5);
			img->cmyk[4 * i + 2] = (unsigned char)(255 - x * 4);
			img->cmyk[4 * i + 3] = 0;
			img->rgb[3 * i + 0] = (unsigned char)(255 - x * 4);
			img->rgb[3 * i + 1] = (unsigned char)(255 - y * 5);
			img->rgb[3 * i + 2] = (unsigned char)(x * 4);
			/* An ellipse: opaque inside, transparent corners. */
			double dx = (x - w / 2.0) / (w / 2.0), dy = (y - h / 2.0) / (h / 2.0);
			img->alpha[i] = dx * dx + dy * dy < 1 ? 255 : 0;
		}
	return img;
}

static tk_doc *test_doc(tk_arena *a, const tk_font *font)
{
	tk_doc *doc = TK_NEW(a, tk_doc);
	doc->title = "Prøvetrykk «trykk»";
	doc->author = "Test Testesen";
	doc->subject = "unit test";
	doc->creator = "trykk 0.1";
	doc->epoch = 1700000000; /* 2023-11-14 22:13:20 UTC */
	doc->icc_path = ICC_PATH;

	/* Page 1: A5, 3 mm bleed, 10 mm slug for the marks. */
	tk_page *p1 = tk_dl_page_new(a, doc, 148 * TK_MM, 210 * TK_MM, 3 * TK_MM, 10 * TK_MM);
	p1->label = "1";
	double b = p1->bleed;
	tk_item *bg = tk_dl_fill_rect(a, p1, (tk_rect){-b, -b, p1->w + 2 * b, 60 * TK_MM + b},
	                              (tk_cmyk){0.8f, 0.2f, 0, 0});
	bg->frame = "banner";
	crop_marks(a, p1);

	tk_item *curve = tk_dl_add(a, p1, TK_ITEM_STROKE);
	curve->path = tk_path_new(a);
	tk_path_move(a, curve->path, 40, 300);
	tk_path_curve(a, curve->path, 120, 220, 220, 380, 300, 300);
	curve->color = (tk_cmyk){0, 1, 1, 0};
	curve->line_width = 2;

	tk_item *clip = tk_dl_add(a, p1, TK_ITEM_CLIP);
	clip->path = tk_path_rect(a, 40, 330, 150, 90);
	tk_item *img = tk_dl_add(a, p1, TK_ITEM_IMAGE);
	img->image = test_image(a);
	img->matrix = (tk_matrix){160, 0, 0, 120, 35, 320};
	tk_dl_add(a, p1, TK_ITEM_POP);

	add_run(a, p1, text_run(a, font, 24, (tk_cmyk){0, 0, 0, 0}, 30, 100, "Blåbærsyltetøy"));
	add_run(a, p1, text_run(a, font, 10, black, 30, 460, "Ærlig talt, «øl» på Åndalsnes."));
	/* A line of text on a second baseline in the same run. */
	tk_glyph_run *two = text_run(a, font, 10, black, 30, 474, "Linje to og tre");
	float shift = two->glyphs[9].x - 30;
	for (int i = 9; i < two->n; i++) {
		two->glyphs[i].x -= shift;
		two->glyphs[i].y += 12;
	}
	add_run(a, p1, two);
	/* A cluster of two glyphs (e + combining acute: the second has no text), a
	 * ligature-like glyph carrying two characters, and an emoji libharu cannot
	 * draw (dropped with a warning). */
	tk_glyph_run *cl = text_run(a, font, 10, black, 30, 500, "Kafe\xCC\x81 fi \xF0\x9F\x98\x80!");
	cl->glyphs[4].text_len = 0; /* the combining mark continues the "e" cluster */
	cl->glyphs[3].text_len = 3; /* "e" + U+0301 */
	cl->glyphs[6].text_len = 2; /* one glyph for "fi" */
	cl->glyphs[7].text_len = 0;
	add_run(a, p1, cl);
	/* A combining mark as a cluster of its own (libharu drops zero-width text). */
	add_run(a, p1, text_run(a, font, 10, black, 30, 514, "Ole\xCC\x81 Aase"));

	/* Page 2: a sheet with page 1 placed rotated a quarter turn at half size. */
	tk_page *p2 = tk_dl_page_new(a, doc, 420, 300, 0, 0);
	tk_item *place = tk_dl_add(a, p2, TK_ITEM_PAGE);
	place->page = p1;
	place->matrix = tk_matrix_concat(
	    tk_matrix_concat(tk_matrix_rotate(90), tk_matrix_scale(0.5, 0.5)),
	    tk_matrix_translate(320, 10));
	add_run(a, p2, text_run(a, font, 12, black, 20, 40, "Ark 1"));
	return doc;
}

static tk_font *test_font(tk_arena *a, const char *path)
{
	tk_font *f = TK_NEW(a, tk_font);
	f->id = 0;
	f->path = path;
	f->name = "NotoSerif-Regular";
	return f;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	size_t got = fread(s, 1, (size_t)n, f);
	fclose(f);
	s[got] = 0;
	*len = got;
	return s;
}

/* Where the bytes of a PDF (which has NULs in its streams) contain s, or NULL. */
static const char *find(const char *buf, size_t n, const char *s)
{
	size_t k = strlen(s);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(buf + i, s, k) == 0)
			return buf + i;
	return NULL;
}

static int has(const char *buf, size_t n, const char *s)
{
	return find(buf, n, s) != NULL;
}

static char *log_text(FILE *log)
{
	fflush(log);
	long n = ftell(log);
	rewind(log);
	char *s = malloc((size_t)n + 1);
	size_t got = fread(s, 1, (size_t)n, log);
	s[got] = 0;
	return s;
}

/* Hidden files in dir starting with prefix: what a failed atomic write must not
 * leave behind. */
static int count_temp(const char *dir, const char *prefix)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(dp)))
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(dp);
	return n;
}

static char *tmp_dir(void)
{
	static char dir[64];
	strcpy(dir, "/tmp/trykk-unit-XXXXXX");
	return mkdtemp(dir);
}

static void rm_dir(const char *dir)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return;
	struct dirent *e;
	char p[512];
	while ((e = readdir(dp)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
			unlink(p);
		}
	closedir(dp);
	rmdir(dir);
}

TK_TEST(pdf_print_writes_deterministic_pdf)
{
	tk_arena *a = tk_arena_new();
	FILE *log = tmpfile();
	tk_diag *d = tk_diag_new(log);
	tk_doc *doc = test_doc(a, test_font(a, FONT_PATH));
	char *dir = tmp_dir();
	OK(dir != NULL);
	char p1[128], p2[128];
	snprintf(p1, sizeof p1, "%s/one.pdf", dir);
	snprintf(p2, sizeof p2, "%s/two.pdf", dir);

	EQ(tk_pdf_print_write(doc, p1, d), 0);
	EQ(tk_pdf_print_write(doc, p2, d), 0);
	EQ(tk_diag_errors(d), 0);
	/* One warning per write: the emoji cannot be drawn. */
	EQ(tk_diag_warnings(d), 2);
	char *msg = log_text(log);
	OK(strstr(msg, "U+1F600") != NULL);
	free(msg);

	size_t n1 = 0, n2 = 0;
	char *b1 = slurp(p1, &n1), *b2 = slurp(p2, &n2);
	OK(b1 && b2);
	if (b1 && b2) {
		OK(n1 > 1000);
		OK(memcmp(b1, "%PDF-1.4", 8) == 0);
		EQ(n1, n2);
		OK(n1 == n2 && memcmp(b1, b2, n1) == 0);
		/* Dictionaries are not compressed, so the prepress keys can be seen. */
		OK(has(b1, n1, "/TrimBox") && has(b1, n1, "/BleedBox"));
		OK(has(b1, n1, "/OutputIntents") && has(b1, n1, "/GTS_PDFX"));
		OK(has(b1, n1, "(FOGRA39)"));
		OK(has(b1, n1, "/DestOutputProfile"));
		OK(has(b1, n1, "/N 4"));
		OK(has(b1, n1, "/Trapped /False"));
		OK(has(b1, n1, "/CreationDate (D:20231114221320Z"));
		OK(has(b1, n1, "/ID ["));
		OK(has(b1, n1, "/FontFile2"));
		OK(has(b1, n1, "/DeviceCMYK"));
		OK(!has(b1, n1, "/DeviceRGB"));
		OK(has(b1, n1, "/SMask"));
		/* The placeholder /ID was replaced by the file's digest. */
		OK(!has(b1, n1, "<00000000000000000000000000000000>"));
	}
	struct stat st;
	OK(stat(p1, &st) == 0);
	mode_t mask = umask(0);
	umask(mask);
	EQ(st.st_mode & 0777, 0666 & ~mask);
	EQ(count_temp(dir, "."), 2); /* only "." and ".." */

	const char *keep = getenv("TRYKK_TEST_OUT");
	if (keep) {
		char p[512];
		snprintf(p, sizeof p, "%s/test-print.pdf", keep);
		EQ(tk_pdf_print_write(doc, p, d), 0);
		snprintf(p, sizeof p, "%s/test-print.trace", keep);
		EQ(tk_trace_write(doc, p, d), 0);
	}
	free(b1);
	free(b2);
	rm_dir(dir);
	tk_diag_free(d);
	fclose(log);
	tk_arena_free(a);
}

TK_TEST(pdf_print_other_documents_differ)
{
	/* Same pages, another title: a different /ID too. */
	tk_arena *a = tk_arena_new();
	FILE *log = tmpfile();
	tk_diag *d = tk_diag_new(log);
	tk_doc *doc = test_doc(a, test_font(a, FONT_PATH));
	char *dir = tmp_dir();
	char p1[128], p2[128];
	snprintf(p1, sizeof p1, "%s/a.pdf", dir);
	snprintf(p2, sizeof p2, "%s/b.pdf", dir);
	EQ(tk_pdf_print_write(doc, p1, d), 0);
	doc->title = "Another title";
	doc->icc_path = "/nonexistent/profile.icc";
	EQ(tk_pdf_print_write(doc, p2, d), -1); /* unreadable profile */
	EQ(tk_diag_errors(d), 1);
	doc->icc_path = NULL;
	EQ(tk_pdf_print_write(doc, p2, d), 0);
	size_t n1 = 0, n2 = 0;
	char *b1 = slurp(p1, &n1), *b2 = slurp(p2, &n2);
	OK(b1 && b2);
	if (b1 && b2) {
		const char *i1 = find(b1, n1, "/ID ["), *i2 = find(b2, n2, "/ID [");
		OK(i1 && i2 && memcmp(i1, i2, 40) != 0);
	}
	free(b1);
	free(b2);
	rm_dir(dir);
	tk_arena_free(a);
	tk_diag_free(d);
	fclose(log);
}

/* Inflates the stream that starts after the dictionary at dict (up to n bytes
 * of the file), expecting len bytes; NULL when it does not inflate to that. */
static unsigned char *stream_data(const char *dict, size_t n, size_t len)
{
	const char *s = find(dict, n, "stream\r\n");
	if (!s)
		return NULL;
	s += 8;
	unsigned char *out = malloc(len + 1);
	z_stream z;
	memset(&z, 0, sizeof z);
	if (inflateInit(&z) != Z_OK) {
		free(out);
		return NULL;
	}
	z.next_in = (Bytef *)(uintptr_t)s;
	z.avail_in = (uInt)(n - (size_t)(s - dict));
	z.next_out = out;
	z.avail_out = (uInt)len + 1;
	int rc = inflate(&z, Z_FINISH);
	size_t got = z.total_out;
	inflateEnd(&z);
	if (rc != Z_STREAM_END || got != len) {
		free(out);
		return NULL;
	}
	return out;
}

TK_TEST(pdf_print_image_streams)
{
	/* The picture (placed on page 1 and again in the sheet on page 2) is one
	 * image XObject with a soft mask, both compressed by trykk: /FlateDecode
	 * once in each dictionary, pixels that inflate to the planes, and the
	 * same bytes whatever the number of threads. */
	tk_arena *a = tk_arena_new();
	FILE *log = tmpfile();
	tk_diag *d = tk_diag_new(log);
	tk_doc *doc = test_doc(a, test_font(a, FONT_PATH));
	const tk_image *img = NULL;
	for (tk_item *it = doc->pages[0]->first; it; it = it->next)
		if (it->kind == TK_ITEM_IMAGE)
			img = it->image;
	OK(img != NULL);
	if (!img)
		return;
	char *dir = tmp_dir();
	char p1[128], p2[128];
	snprintf(p1, sizeof p1, "%s/threads.pdf", dir);
	snprintf(p2, sizeof p2, "%s/one.pdf", dir);
	EQ(tk_pdf_print_write(doc, p1, d), 0);
	const char *old = getenv("TRYKK_JOBS");
	char *saved = old ? strdup(old) : NULL;
	setenv("TRYKK_JOBS", "1", 1);
	EQ(tk_pdf_print_write(doc, p2, d), 0);
	if (saved)
		setenv("TRYKK_JOBS", saved, 1);
	else
		unsetenv("TRYKK_JOBS");
	free(saved);
	size_t n = 0, n2 = 0;
	char *b = slurp(p1, &n), *b2 = slurp(p2, &n2);
	OK(b && b2 && n == n2 && memcmp(b, b2, n) == 0);
	int images = 0;
	size_t px = (size_t)img->width * img->height;
	for (const char *p = b ? find(b, n, "/Subtype /Image") : NULL; p;
	     p = find(p + 1, n - (size_t)(p + 1 - b), "/Subtype /Image")) {
		images++;
		const char *start = p;
		while (start > b && memcmp(start, "<<", 2) != 0)
			start--;
		const char *end = find(p, n - (size_t)(p - b), ">>");
		OK(end != NULL);
		if (!end)
			break;
		size_t dl = (size_t)(end - start);
		const char *f = find(start, dl, "/Filter /FlateDecode");
		OK(f != NULL);
		OK(f && !find(f + 1, dl - (size_t)(f + 1 - start), "/Filter"));
		int cmyk = find(start, dl, "/DeviceCMYK") != NULL;
		OK(cmyk || find(start, dl, "/DeviceGray") != NULL);
		OK(find(start, dl, "/Width 64") && find(start, dl, "/Height 48") &&
		   find(start, dl, "/BitsPerComponent 8"));
		OK(cmyk == (find(start, dl, "/SMask") != NULL));
		unsigned char *pix = stream_data(end, n - (size_t)(end - b), px * (cmyk ? 4 : 1));
		OK(pix != NULL);
		if (pix)
			OK(memcmp(pix, cmyk ? img->cmyk : img->alpha, px * (cmyk ? 4 : 1)) == 0);
		free(pix);
	}
	EQ(images, 2);
	free(b);
	free(b2);
	rm_dir(dir);
	tk_diag_free(d);
	fclose(log);
	tk_arena_free(a);
}

/* The first n bytes at pat in buf (len bytes), NUL bytes included, or NULL. */
static const char *findn(const char *buf, size_t len, const char *pat, size_t n)
{
	for (size_t i = 0; buf && i + n <= len; i++)
		if (memcmp(buf + i, pat, n) == 0)
			return buf + i;
	return NULL;
}

/* The code points a content stream's literal strings hold, in order, as 2-byte
 * codes, read as a PDF reader reads them (escapes undone, a raw CR or CR LF taken
 * as LF); at most max, returns how many. */
static int literal_codes(const unsigned char *t, size_t len, uint32_t *out, int max)
{
	int n = 0, in = 0, half = -1;
	for (size_t i = 0; i < len && n < max; i++) {
		int c = t[i];
		if (!in) {
			in = c == '(';
			continue;
		}
		if (c == ')') {
			in = 0;
			continue;
		}
		if (c == '\\' && i + 1 < len) {
			c = t[++i];
			c = c == 'n' ? '\n' : c == 'r' ? '\r' : c;
		} else if (c == '\r') { /* as a reader takes a line end in a string */
			c = '\n';
			if (i + 1 < len && t[i + 1] == '\n')
				i++;
		}
		if (half < 0) {
			half = c;
		} else {
			out[n++] = (uint32_t)half << 8 | (uint32_t)c;
			half = -1;
		}
	}
	return n;
}

/* Inflates the stream after the dictionary at dict (n bytes of the file left),
 * whatever its length (up to 16 MB); *len gets its length. NULL when it is not
 * one whole zlib stream. */
static unsigned char *inflate_stream(const char *dict, size_t n, size_t *len)
{
	const char *s = find(dict, n, "stream\r\n");
	if (!s)
		return NULL;
	s += 8;
	size_t cap = 16u << 20;
	unsigned char *out = malloc(cap);
	z_stream z;
	memset(&z, 0, sizeof z);
	if (inflateInit(&z) != Z_OK) {
		free(out);
		return NULL;
	}
	z.next_in = (Bytef *)(uintptr_t)s;
	z.avail_in = (uInt)(n - (size_t)(s - dict));
	z.next_out = out;
	z.avail_out = (uInt)cap;
	int rc = inflate(&z, Z_FINISH);
	*len = z.total_out;
	inflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(out);
		return NULL;
	}
	return out;
}

TK_TEST(pdf_print_streams_compressed_here)
{
	/* Page contents, the subset fonts, their CIDToGIDMaps and the ICC profile
	 * are compressed by trykk at Z_BEST_SPEED, the rest by libharu: every
	 * stream names FlateDecode exactly once and inflates whole, the profile
	 * to the file's bytes, the fonts to TrueType data. */
	tk_arena *a = tk_arena_new();
	FILE *log = tmpfile();
	tk_diag *d = tk_diag_new(log);
	tk_doc *doc = test_doc(a, test_font(a, FONT_PATH));
	char *dir = tmp_dir();
	char path[128];
	snprintf(path, sizeof path, "%s/streams.pdf", dir);
	EQ(tk_pdf_print_write(doc, path, d), 0);
	size_t n = 0, icc_len = 0;
	char *b = slurp(path, &n), *icc = slurp(ICC_PATH, &icc_len);
	OK(b && icc);
	int streams = 0, fonts = 0, profiles = 0, pages = 0, maps = 0, text_ok = 0, long_td = 0;
	for (const char *q = b ? find(b, n, "\nstream\r\n") : NULL; q;
	     q = find(q + 1, n - (size_t)(q + 1 - b), "\nstream\r\n")) {
		const char *o = q;
		while (o > b && memcmp(o, " obj", 4) != 0)
			o--;
		size_t dl = (size_t)(q - o);
		streams++;
		const char *f = find(o, dl, "/FlateDecode");
		OK(f && !find(f + 1, dl - (size_t)(f + 1 - o), "/FlateDecode"));
		const char *f1 = find(o, dl, "/Filter");
		OK(f1 && !find(f1 + 1, dl - (size_t)(f1 + 1 - o), "/Filter"));
		size_t len = 0;
		unsigned char *data = inflate_stream(q, n - (size_t)(q - b), &len);
		OK(data != NULL);
		if (!data)
			continue;
		if (find(o, dl, "/Length1")) {
			fonts++;
			OK(len > 1000 && data[0] == 0 && data[1] == 1 && data[2] == 0 && data[3] == 0);
		} else if (find(o, dl, "/N 4")) {
			profiles++;
			OK(icc && len == icc_len && memcmp(data, icc, len) == 0);
		} else if (len > 20 && find((const char *)data, len, "]TJ\n") &&
		           find((const char *)data, len, "BT")) {
			pages++;
			/* Glyphs as 2-byte code points (BMP) in TJ arrays, glyphs that
			 * need no adjustment in one string, a cluster with its
			 * combining mark together, moves with at most four decimals. */
			const char *t = (const char *)data;
			if (findn(t, len, "[(\0B", 4) && findn(t, len, "\0\xE5", 2) &&
			    !findn(t, len, ")(", 2))
				text_ok++;
			if (findn(t, len, "\0e\x03\x01", 4))
				text_ok++;
			for (const char *td = find(t, len, " Td\n"); td;
			     td = find(td + 1, len - (size_t)(td + 1 - t), " Td\n")) {
				const char *l = td;
				while (l > t && l[-1] != '\n')
					l--;
				const char *dot = memchr(l, '.', (size_t)(td - l));
				const char *sp = memchr(l, ' ', (size_t)(td - l));
				if (dot && dot < sp && sp - dot - 1 > 4)
					long_td++;
			}
		} else if (!find(o, dl, "/Type") && !find(o, dl, "/Subtype") &&
		           len == 2 * (0x301 + 1)) {
			/* a CIDToGIDMap: two bytes a code up to the highest drawn (the
			 * combining acute, U+0301), glyph 0 for codes not drawn */
			if (data[2 * 'B'] | data[2 * 'B' + 1] && !(data[2 * 'Q'] | data[2 * 'Q' + 1]) &&
			    (data[2 * 0x301] | data[2 * 0x301 + 1]))
				maps++;
		}
		free(data);
	}
	OK(streams > 6);
	/* The widths of the characters drawn only (libharu lists every character of
	 * the font, some 10 kB): one line, each run of code points "c [ w ... ]". */
	const char *wa = b ? find(b, n, "\n/W [ ") : NULL;
	const char *we = wa ? memchr(wa + 1, '\n', n - (size_t)(wa + 1 - b)) : NULL;
	OK(wa && we && we - wa < 600);
	EQ(fonts, 1);
	EQ(profiles, 1);
	EQ(pages, 2);
	EQ(maps, 1);
	EQ(text_ok, 4); /* page 1, and the sheet that places it */
	EQ(long_td, 0);
	free(b);
	free(icc);
	rm_dir(dir);
	tk_diag_free(d);
	fclose(log);
	tk_arena_free(a);
}

TK_TEST(pdf_print_literal_strings_escaped)
{
	/* Text goes into literal strings of 2-byte codes. The bytes a literal string
	 * must escape come back as the characters drawn: parentheses and backslash
	 * (U+0028, U+0029, U+005C) and codes whose low byte is a line end, which a
	 * reader would otherwise turn into a newline (U+010A, U+010D). */
	tk_arena *a = tk_arena_new();
	FILE *log = tmpfile();
	tk_diag *d = tk_diag_new(log);
	tk_font *font = test_font(a, FONT_PATH);
	tk_doc *doc = TK_NEW(a, tk_doc);
	doc->title = "escapes";
	doc->epoch = 1700000000;
	doc->icc_path = ICC_PATH;
	tk_page *pg = tk_dl_page_new(a, doc, 200, 100, 0, 0);
	const char *text = "(a\\b) \xC4\x8A\xC4\x8D";
	add_run(a, pg, text_run(a, font, 12, (tk_cmyk){0, 0, 0, 1}, 10, 50, text));
	char *dir = tmp_dir();
	char path[128];
	snprintf(path, sizeof path, "%s/esc.pdf", dir);
	EQ(tk_pdf_print_write(doc, path, d), 0);
	size_t n = 0;
	char *b = slurp(path, &n);
	uint32_t codes[32];
	int got = 0;
	for (const char *q = b ? find(b, n, "\nstream\r\n") : NULL; q && !got;
	     q = find(q + 1, n - (size_t)(q + 1 - b), "\nstream\r\n")) {
		size_t len = 0;
		unsigned char *data = inflate_stream(q, n - (size_t)(q - b), &len);
		if (data && findn((const char *)data, len, "TJ", 2))
			got = literal_codes(data, len, codes, 32);
		free(data);
	}
	static const uint32_t want[] = {'(', 'a', '\\', 'b', ')', ' ', 0x10A, 0x10D};
	EQ(got, 8);
	for (int i = 0; i < got && i < 8; i++)
		EQ(codes[i], want[i]);
	free(b);
	rm_dir(dir);
	tk_diag_free(d);
	fclose(log);
	tk_arena_free(a);
}

TK_TEST(pdf_print_libharu_memory_helpers)
{
	/* The replacements of libharu's byte loops return what its own do (the
	 * end of what was written) and copy overlapping memory forward as they
	 * do. */
	unsigned char buf[600];
	memset(buf, 1, sizeof buf);
	OK(HPDF_MemSet(buf, 7, 512) == buf + 512);
	EQ(buf[0], 7);
	EQ(buf[511], 7);
	EQ(buf[512], 1);
	OK(HPDF_MemSet(buf, 9, 0) == buf);
	EQ(buf[0], 7);
	HPDF_BYTE src[10] = "abcdefghi", dst[10] = {0};
	OK(HPDF_MemCpy(dst, src, 10) == dst + 10);
	OK(memcmp(dst, src, 10) == 0);
	HPDF_BYTE o[8] = "abcdefg";
	OK(HPDF_MemCpy(o + 1, o, 6) == o + 7);
	OK(memcmp(o, "aaaaaaa", 7) == 0);
	HPDF_BYTE p[8] = "abcdefg";
	OK(HPDF_MemCpy(p, p + 2, 5) == p + 5);
	OK(memcmp(p, "cdefgfg", 7) == 0);
}

TK_TEST(pdf_print_refuses_rgb_profile)
{
	tk_arena *a = tk_arena_new();
	FILE *log = tmpfile();
	tk_diag *d = tk_diag_new(log);
	tk_doc *doc = test_doc(a, test_font(a, FONT_PATH));
	char *dir = tmp_dir();
	char icc[128], p[128];
	snprintf(icc, sizeof icc, "%s/rgb.icc", dir);
	snprintf(p, sizeof p, "%s/x.pdf", dir);
	/* Just a header: a display (mntr) RGB profile. */
	unsigned char h[128] = {0};
	memcpy(h + 12, "mntrRGB XYZ ", 12);
	memcpy(h + 36, "acsp", 4);
	EQ(tk_write_atomic(icc, h, sizeof h, d), 0);
	doc->icc_path = icc;
	EQ(tk_pdf_print_write(doc, p, d), -1);
	EQ(access(p, F_OK), -1);
	EQ(tk_diag_errors(d), 1);
	char *msg = log_text(log);
	OK(strstr(msg, "is not a CMYK output (printer) profile") != NULL);
	free(msg);
	rm_dir(dir);
	tk_diag_free(d);
	fclose(log);
	tk_arena_free(a);
}

TK_TEST(pdf_print_refuses_dev_full_and_directories)
{
	tk_arena *a = tk_arena_new();
	FILE *log = tmpfile();
	tk_diag *d = tk_diag_new(log);
	tk_doc *doc = test_doc(a, test_font(a, FONT_PATH));
	int before = count_temp("/dev", ".full");
	EQ(tk_pdf_print_write(doc, "/dev/full", d), -1);
	EQ(count_temp("/dev", ".full"), before);

	char *dir = tmp_dir();
	EQ(tk_pdf_print_write(doc, dir, d), -1);
	EQ(count_temp(dir, "."), 2);
	char sub[128];
	snprintf(sub, sizeof sub, "%s/", dir);
	EQ(tk_pdf_print_write(doc, sub, d), -1);
	snprintf(sub, sizeof sub, "%s/no/such/folder.pdf", dir);
	EQ(tk_pdf_print_write(doc, sub, d), -1);
	EQ(tk_diag_errors(d), 4);
	char *msg = log_text(log);
	OK(strstr(msg, "error: cannot write '/dev/full': is not a regular file") != NULL);
	OK(strstr(msg, "is a directory") != NULL);
	OK(strstr(msg, "No such file or directory") != NULL);
	free(msg);
	rm_dir(dir);
	tk_diag_free(d);
	fclose(log);
	tk_arena_free(a);
}

TK_TEST(pdf_print_reports_bad_font)
{
	tk_arena *a = tk_arena_new();
	FILE *log = tmpfile();
	tk_diag *d = tk_diag_new(log);
	tk_doc *doc = test_doc(a, test_font(a, "fonts/no-such-font.ttf"));
	char *dir = tmp_dir();
	char p[128];
	snprintf(p, sizeof p, "%s/x.pdf", dir);
	EQ(tk_pdf_print_write(doc, p, d), -1);
	EQ(access(p, F_OK), -1);
	EQ(count_temp(dir, "."), 2);
	EQ(tk_diag_errors(d), 1);
	char *msg = log_text(log);
	OK(strstr(msg, "PDF backend (libharu): error 0x1017") != NULL);
	OK(strstr(msg, "fonts/no-such-font.ttf") != NULL);
	free(msg);
	rm_dir(dir);
	tk_diag_free(d);
	fclose(log);
	tk_arena_free(a);
}

TK_TEST(pdf_print_warns_missing_glyph)
{
	tk_arena *a = tk_arena_new();
	FILE *log = tmpfile();
	tk_diag *d = tk_diag_new(log);
	tk_doc *doc = TK_NEW(a, tk_doc);
	doc->title = "x";
	tk_page *pg = tk_dl_page_new(a, doc, 200, 100, 0, 0);
	add_run(a, pg, text_run(a, test_font(a, FONT_PATH), 12, black, 10, 50, "A\xE4\xB8\xAD"));
	char *dir = tmp_dir();
	char p[128];
	snprintf(p, sizeof p, "%s/x.pdf", dir);
	EQ(tk_pdf_print_write(doc, p, d), 0);
	EQ(tk_diag_warnings(d), 1);
	char *msg = log_text(log);
	OK(strstr(msg, "has no glyph for 1 character (U+4E2D)") != NULL);
	free(msg);
	rm_dir(dir);
	tk_diag_free(d);
	fclose(log);
	tk_arena_free(a);
}

TK_TEST(write_atomic_keeps_old_file_on_failure)
{
	FILE *log = tmpfile();
	tk_diag *d = tk_diag_new(log);
	char *dir = tmp_dir();
	char p[128];
	snprintf(p, sizeof p, "%s/out.pdf", dir);
	EQ(tk_write_atomic(p, "old", 3, d), 0);

	/* A file size limit makes write() fail part-way with EFBIG, as a full disk
	 * would with ENOSPC. */
	static char big[100000];
	struct rlimit old, lim;
	OK(getrlimit(RLIMIT_FSIZE, &old) == 0);
	lim = old;
	lim.rlim_cur = 4096;
	void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
	OK(setrlimit(RLIMIT_FSIZE, &lim) == 0);
	int rc = tk_write_atomic(p, big, sizeof big, d);
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, prev);
	EQ(rc, -1);
	size_t n = 0;
	char *s = slurp(p, &n);
	OK(s && n == 3 && memcmp(s, "old", 3) == 0);
	free(s);
	EQ(count_temp(dir, "."), 2);
	char *msg = log_text(log);
	OK(strstr(msg, "cannot write '") && strstr(msg, "File too large"));
	free(msg);

	/* A symlink is refused, not replaced. */
	char link[128];
	snprintf(link, sizeof link, "%s/link.pdf", dir);
	OK(symlink("out.pdf", link) == 0);
	EQ(tk_write_atomic(link, "new", 3, d), -1);
	struct stat st;
	OK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
	EQ(count_temp(dir, "."), 2);

	/* Replacing works and an empty file is fine. */
	EQ(tk_write_atomic(p, "", 0, d), 0);
	OK(stat(p, &st) == 0 && st.st_size == 0);
	rm_dir(dir);
	tk_diag_free(d);
	fclose(log);
}

TK_TEST(trace_lists_pages_and_items)
{
	tk_arena *a = tk_arena_new();
	tk_diag *d = tk_diag_new(stderr);
	tk_doc *doc = test_doc(a, test_font(a, FONT_PATH));
	char *dir = tmp_dir();
	char p1[128], p2[128];
	snprintf(p1, sizeof p1, "%s/a.trace", dir);
	snprintf(p2, sizeof p2, "%s/b.trace", dir);
	EQ(tk_trace_write(doc, p1, d), 0);
	EQ(tk_trace_write(doc, p2, d), 0);
	size_t n1 = 0, n2 = 0;
	char *t1 = slurp(p1, &n1), *t2 = slurp(p2, &n2);
	OK(t1 && t2 && n1 == n2 && memcmp(t1, t2, n1) == 0);
	if (t1) {
		static const char head[] =
		    "page 1 trim 419.53 595.28 bleed 8.50 slug 28.35 label \"1\"\n";
		OK(strncmp(t1, head, sizeof head - 1) == 0);
		OK(strstr(t1, "  fill cmyk 0.8 0.2 0 0 rect -8.50 -8.50 436.54 178.58 "
		              "frame \"banner\"\n"));
		OK(strstr(t1, "  stroke cmyk 1 1 1 1 width 0.25 path M -8.50 0.00 L -31.18 0.00 "
		              "mark\n"));
		OK(strstr(t1, "  glyphs NotoSerif-Regular 10.00 cmyk 0 0 0 1 frame \"body\"\n"
		              "    30.00 460.00 \"Ærlig talt, «øl» på Åndalsnes.\"\n"));
		OK(strstr(t1, "    30.00 474.00 \"Linje to \"\n    30.00 486.00 \"og tre\"\n"));
		OK(strstr(t1, "  image \"test-gradient.png\" 64x48 rgb alpha matrix 160.00 0.00 "
		              "0.00 120.00 35.00 320.00\n"));
		OK(strstr(t1, "  clip rect 40.00 330.00 150.00 90.00\n  image"));
		OK(strstr(t1, "page 2 trim 420.00 300.00 bleed 0.00 slug 0.00\n"
		              "  place page 1 matrix 0 0.5 -0.5 0 320.00 10.00\n"));
	}
	free(t1);
	free(t2);
	rm_dir(dir);
	tk_diag_free(d);
	tk_arena_free(a);
}

/* The numbers the backend writes itself must be libharu's (HPDF_FToA), byte for
 * byte: positions, scales, tiny and negative values, values past libharu's clamp,
 * and arbitrary bit patterns. */
TK_TEST(pdf_print_numbers_as_libharu_writes_them)
{
	static const float fixed[] = {0,       -0.0f,   1,        -1,       0.5f,   12.5f,
	                              841.89f, 595.276f, 0.000004f, -0.000004f, 0.00001f,
	                              1e-9f,   99999,   -99999,    32767.4f, 0.1f,   0.3f,
	                              2.83465f, 1.0e-5f, 4.99999e-6f, 123.456789f};
	int bad = 0, shown = 0;
	unsigned long long x = 0x9E3779B97F4A7C15ull;
	for (long i = 0; i < 300000; i++) {
		float v;
		if (i < (long)(sizeof fixed / sizeof fixed[0])) {
			v = fixed[i];
		} else if (i % 3 == 0) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			uint32_t u = (uint32_t)(x >> 32);
			memcpy(&v, &u, sizeof v);
			if (v != v)
				v = 1;
		} else {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			v = (float)((double)(x >> 11) / 9007199254740992.0 * 4000.0 - 2000.0) /
			    (float)(i % 3 == 1 ? 1 : 1000);
		}
		char a[64] = {0}, b[64] = {0};
		char *end = HPDF_FToA(a, v, a + HPDF_REAL_LEN);
		size_t n = tk_pdf_real(b, v);
		if (strcmp(a, b) != 0 || (size_t)(end - a) != n) {
			if (shown++ < 5)
				fprintf(stderr, "  %.9g: libharu '%s', trykk '%.*s'\n", v, a, (int)n, b);
			bad++;
		}
	}
	EQ(bad, 0);
}

/* libharu's file reader is replaced (pdf_print.c, "font files") by one that serves
 * its small reads from a buffer: a whole file read in pieces of every size comes
 * back as it is, across the buffer's edges; a read that reaches the end gives what
 * is there, clears the rest and answers HPDF_STREAM_EOF, as stdio's did; a seek may
 * go past the end but not before the start; tell and size answer as for a file. */
TK_TEST(pdf_print_font_file_reader)
{
	FILE *f = fopen(FONT_PATH, "rb");
	OK(f != NULL);
	if (!f)
		return;
	static unsigned char want[1 << 20];
	size_t len = fread(want, 1, sizeof want, f);
	fclose(f);
	OK(len > 40000 && len < sizeof want);
	HPDF_Doc pdf = HPDF_New(NULL, NULL);
	HPDF_Stream s = HPDF_FileReader_New(pdf->mmgr, FONT_PATH);
	OK(s != NULL);
	if (!s) {
		HPDF_Free(pdf);
		return;
	}
	EQ(HPDF_Stream_Size(s), len);
	/* the whole file in reads of 1 to 40,000 bytes, in a changing order */
	static unsigned char got[1 << 20];
	size_t at = 0;
	HPDF_STATUS last = HPDF_OK;
	for (unsigned k = 0; at < len; k++) {
		HPDF_UINT n = (HPDF_UINT)(k % 7 == 6 ? 40000 : 1 + (k * 37) % 19);
		HPDF_UINT asked = n;
		last = HPDF_Stream_Read(s, got + at, &n);
		if (last != HPDF_OK) {
			EQ(last, HPDF_STREAM_EOF);
			EQ(n, len - at);
			OK(asked > n);
		}
		at += n;
	}
	EQ(at, len);
	OK(memcmp(got, want, len) == 0);
	EQ(HPDF_Stream_Tell(s), len);
	/* at the end: nothing, and the buffer cleared */
	unsigned char four[4] = {1, 2, 3, 4};
	HPDF_UINT n = 4;
	EQ(HPDF_Stream_Read(s, four, &n), HPDF_STREAM_EOF);
	EQ(n, 0);
	EQ(four[0] | four[1] | four[2] | four[3], 0);
	/* seeks: from the start, from here, from the end, past the end, before it */
	EQ(HPDF_Stream_Seek(s, 12, HPDF_SEEK_SET), HPDF_OK);
	n = 4;
	EQ(HPDF_Stream_Read(s, four, &n), HPDF_OK);
	OK(memcmp(four, want + 12, 4) == 0);
	EQ(HPDF_Stream_Seek(s, 100, HPDF_SEEK_CUR), HPDF_OK);
	EQ(HPDF_Stream_Tell(s), 116);
	n = 2;
	EQ(HPDF_Stream_Read(s, four, &n), HPDF_OK);
	OK(memcmp(four, want + 116, 2) == 0);
	EQ(HPDF_Stream_Seek(s, -3, HPDF_SEEK_END), HPDF_OK);
	n = 4;
	EQ(HPDF_Stream_Read(s, four, &n), HPDF_STREAM_EOF);
	EQ(n, 3);
	OK(memcmp(four, want + len - 3, 3) == 0 && four[3] == 0);
	EQ(HPDF_Stream_Seek(s, (HPDF_INT)len + 10, HPDF_SEEK_SET), HPDF_OK);
	n = 2;
	EQ(HPDF_Stream_Read(s, four, &n), HPDF_STREAM_EOF);
	EQ(n, 0);
	OK(HPDF_Stream_Seek(s, -1, HPDF_SEEK_SET) != HPDF_OK);
	HPDF_Stream_Free(s);
	HPDF_ResetError(pdf);
	/* a missing file: no stream, libharu's error */
	OK(HPDF_FileReader_New(pdf->mmgr, "fonts/no-such-font.ttf") == NULL);
	EQ(HPDF_GetError(pdf), HPDF_FILE_OPEN_ERROR);
	HPDF_Free(pdf);
}

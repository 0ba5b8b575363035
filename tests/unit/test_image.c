/* test_image.c - picture decoding: every PNG flavour, JPEG grey/RGB/CMYK (plain and
 * Adobe-inverted), resolution, the size limit, damaged and mislabelled files, and
 * the cache. The pictures are written here with libpng and libjpeg into /tmp. */
#include "unit.h"

#include "arena.h"
#include "img/image.h"

#include <lcms2.h>

#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <jpeglib.h>
#include <zlib.h>

static char image_out[4096];

static tk_diag *image_diag(FILE **f)
{
	*f = tmpfile();
	return tk_diag_new(*f);
}

static const char *image_msgs(tk_diag *d, FILE *f)
{
	fflush(f);
	rewind(f);
	size_t n = fread(image_out, 1, sizeof image_out - 1, f);
	image_out[n] = 0;
	fclose(f);
	tk_diag_free(d);
	return image_out;
}

typedef struct png_spec {
	int w, h, depth, type, interlace;
	const unsigned char *data; /* rows packed as libpng expects them */
	const png_color *palette;
	int n_palette;
	const unsigned char *trns;
	int n_trns;
	unsigned ppm;              /* pixels per metre, 0 = no pHYs */
	const void *icc;           /* iCCP profile or NULL */
	unsigned icc_len;
} png_spec;

static int write_png(const char *path, const png_spec *s)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png_create_info_struct(png);
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		fclose(f);
		return -1;
	}
	png_init_io(png, f);
	png_set_IHDR(png, info, (png_uint_32)s->w, (png_uint_32)s->h, s->depth, s->type,
	             s->interlace, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	if (s->palette)
		png_set_PLTE(png, info, s->palette, s->n_palette);
	if (s->trns)
		png_set_tRNS(png, info, s->trns, s->n_trns, NULL);
	if (s->ppm)
		png_set_pHYs(png, info, s->ppm, s->ppm, PNG_RESOLUTION_METER);
	if (s->icc)
		png_set_iCCP(png, info, "test", PNG_COMPRESSION_TYPE_BASE,
		             (png_const_bytep)s->icc, s->icc_len);
	png_write_info(png, info);
	size_t rowbytes = png_get_rowbytes(png, info);
	png_bytep rows[256];
	for (int y = 0; y < s->h && y < 256; y++)
		rows[y] = (png_bytep)(uintptr_t)(s->data + (size_t)y * rowbytes);
	png_write_image(png, rows);
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	fclose(f);
	return 0;
}

typedef struct jpeg_spec {
	int w, h, comps;
	J_COLOR_SPACE cs;
	const unsigned char *data;
	int adobe;       /* write the Adobe marker (CMYK) */
	int dpi;         /* JFIF density, 0 = none */
	const void *icc; /* APP2 profile or NULL */
	unsigned icc_len;
} jpeg_spec;

static void write_jpeg(const char *path, const jpeg_spec *s)
{
	FILE *f = fopen(path, "wb");
	struct jpeg_compress_struct ci;
	struct jpeg_error_mgr jerr;
	ci.err = jpeg_std_error(&jerr);
	jpeg_create_compress(&ci);
	jpeg_stdio_dest(&ci, f);
	ci.image_width = (JDIMENSION)s->w;
	ci.image_height = (JDIMENSION)s->h;
	ci.input_components = s->comps;
	ci.in_color_space = s->cs;
	jpeg_set_defaults(&ci);
	jpeg_set_quality(&ci, 100, TRUE);
	if (s->cs == JCS_CMYK)
		ci.write_Adobe_marker = s->adobe ? TRUE : FALSE;
	if (s->dpi) {
		ci.write_JFIF_header = TRUE;
		ci.density_unit = 1;
		ci.X_density = ci.Y_density = (UINT16)s->dpi;
	}
	jpeg_start_compress(&ci, TRUE);
	if (s->icc)
		jpeg_write_icc_profile(&ci, s->icc, s->icc_len);
	while (ci.next_scanline < ci.image_height) {
		JSAMPROW row = (JSAMPROW)(uintptr_t)(s->data +
		                                     (size_t)ci.next_scanline * s->w * s->comps);
		jpeg_write_scanlines(&ci, &row, 1);
	}
	jpeg_finish_compress(&ci);
	jpeg_destroy_compress(&ci);
	fclose(f);
}

static long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void truncate_file(const char *path, long keep)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = malloc((size_t)keep);
	size_t n = fread(buf, 1, (size_t)keep, f);
	fclose(f);
	f = fopen(path, "wb");
	fwrite(buf, 1, n, f);
	fclose(f);
	free(buf);
}

/* Noise compresses badly, so a truncated file is cut inside the image data. */
static void noise(unsigned char *p, size_t n)
{
	uint32_t x = 12345;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (unsigned char)(x >> 16);
	}
}

TK_TEST(image_png_rgb)
{
	unsigned char px[2 * 2 * 3] = {255, 255, 255, 0, 0, 0, 255, 0, 0, 10, 20, 30};
	png_spec s = {.w = 2, .h = 2, .depth = 8, .type = PNG_COLOR_TYPE_RGB, .data = px,
	              .ppm = 11811};
	OK(write_png("/tmp/trykk-t-rgb.png", &s) == 0);
	tk_arena *a = tk_arena_new();
	tk_color *naive = tk_color_new(NULL, NULL, NULL);
	tk_images *c = tk_images_new(a, naive);
	const tk_image *img = tk_images_load(c, NULL, "/tmp/trykk-t-rgb.png", NULL);
	OK(img != NULL);
	if (img) {
		EQ(img->id, 0);
		EQ(img->width, 2);
		EQ(img->height, 2);
		EQ(img->was_rgb, 1);
		EQ(img->has_alpha, 0);
		OK(img->alpha == NULL);
		OK(memcmp(img->rgb, px, sizeof px) == 0);
		/* naive: white -> no ink, black -> K, red -> M+Y */
		EQ(img->cmyk[0] + img->cmyk[1] + img->cmyk[2] + img->cmyk[3], 0);
		EQ(img->cmyk[7], 255);
		EQ(img->cmyk[8], 0);
		EQ(img->cmyk[9], 255);
		EQ(img->cmyk[10], 255);
		NEAR(img->dpi_x, 300, 0.01);
		NEAR(img->dpi_y, 300, 0.01);
		STREQ(img->path, "/tmp/trykk-t-rgb.png");
	}
	tk_color_free(naive);
	tk_arena_free(a);
}

TK_TEST(image_png_white_icc)
{
	unsigned char px[3] = {255, 255, 255};
	png_spec s = {.w = 1, .h = 1, .depth = 8, .type = PNG_COLOR_TYPE_RGB, .data = px};
	OK(write_png("/tmp/trykk-t-white.png", &s) == 0);
	tk_arena *a = tk_arena_new();
	tk_color *col = tk_color_new("layouts/icc/trykk-FOGRA39L.icc", NULL, NULL);
	OK(col != NULL);
	tk_images *c = tk_images_new(a, col);
	const tk_image *img = tk_images_load(c, NULL, "/tmp/trykk-t-white.png", NULL);
	OK(img != NULL);
	if (img) {
		EQ(img->cmyk[0] + img->cmyk[1] + img->cmyk[2] + img->cmyk[3], 0);
		EQ(img->dpi_x, 0);
	}
	tk_color_free(col);
	tk_arena_free(a);
}

TK_TEST(image_png_alpha_and_16bit)
{
	/* 16-bit RGBA: alpha must come out as a separate 8-bit plane. */
	unsigned char px[2 * 1 * 8] = {
	    0xff, 0xff, 0x80, 0x80, 0x00, 0x00, 0x00, 0x00, /* 255,128,0 alpha 0 */
	    0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x80, 0x80, /* 0,0,255 alpha 128 */
	};
	png_spec s = {.w = 2, .h = 1, .depth = 16, .type = PNG_COLOR_TYPE_RGB_ALPHA,
	              .data = px};
	OK(write_png("/tmp/trykk-t-rgba16.png", &s) == 0);

	/* Opaque RGBA: the useless alpha plane is dropped. */
	unsigned char op[2 * 4] = {1, 2, 3, 255, 4, 5, 6, 255};
	png_spec so = {.w = 2, .h = 1, .depth = 8, .type = PNG_COLOR_TYPE_RGB_ALPHA,
	               .data = op};
	OK(write_png("/tmp/trykk-t-opaque.png", &so) == 0);

	tk_arena *a = tk_arena_new();
	tk_images *c = tk_images_new(a, NULL);
	const tk_image *img = tk_images_load(c, NULL, "/tmp/trykk-t-rgba16.png", NULL);
	OK(img != NULL);
	if (img) {
		EQ(img->has_alpha, 1);
		OK(img->alpha != NULL);
		if (img->alpha) {
			EQ(img->alpha[0], 0);
			EQ(img->alpha[1], 128);
		}
		EQ(img->rgb[0], 255);
		EQ(img->rgb[1], 128);
		EQ(img->rgb[2], 0);
		EQ(img->rgb[5], 255);
	}
	img = tk_images_load(c, NULL, "/tmp/trykk-t-opaque.png", NULL);
	OK(img != NULL);
	if (img) {
		EQ(img->has_alpha, 0);
		OK(img->alpha == NULL);
		EQ(img->rgb[3], 4);
	}
	tk_arena_free(a);
}

/* 16-bit RGBA is scaled to 8 bits by trykk (image.c, scale16_row), not by libpng:
 * every one of the 65,536 values must come out as libpng's png_set_scale_16
 * gives it, in colour and in alpha. */
TK_TEST(image_png_16bit_scaled_as_libpng)
{
	enum { W = 256, H = 256 };
	static unsigned char px[W * H * 8];
	for (int i = 0; i < W * H; i++) {
		unsigned v = (unsigned)i, g = 65535 - v, b = v ^ 0x5A5A, al = (v * 7) & 0xFFFF;
		unsigned char *p = px + (size_t)i * 8;
		p[0] = (unsigned char)(v >> 8), p[1] = (unsigned char)v;
		p[2] = (unsigned char)(g >> 8), p[3] = (unsigned char)g;
		p[4] = (unsigned char)(b >> 8), p[5] = (unsigned char)b;
		p[6] = (unsigned char)(al >> 8), p[7] = (unsigned char)al;
	}
	png_spec s = {.w = W, .h = H, .depth = 16, .type = PNG_COLOR_TYPE_RGB_ALPHA, .data = px};
	OK(write_png("/tmp/trykk-t-rgba16-all.png", &s) == 0);

	/* what libpng makes of it */
	static unsigned char want[W * H * 4];
	FILE *f = fopen("/tmp/trykk-t-rgba16-all.png", "rb");
	OK(f != NULL);
	if (!f)
		return;
	png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png_create_info_struct(png);
	if (setjmp(png_jmpbuf(png))) {
		OK(0);
		png_destroy_read_struct(&png, &info, NULL);
		fclose(f);
		return;
	}
	png_init_io(png, f);
	png_read_info(png, info);
	png_set_scale_16(png);
	png_read_update_info(png, info);
	for (int y = 0; y < H; y++)
		png_read_row(png, want + (size_t)y * W * 4, NULL);
	png_destroy_read_struct(&png, &info, NULL);
	fclose(f);

	tk_arena *a = tk_arena_new();
	tk_images *c = tk_images_new(a, NULL);
	const tk_image *img = tk_images_load(c, NULL, "/tmp/trykk-t-rgba16-all.png", NULL);
	OK(img != NULL && img->alpha != NULL);
	if (img && img->alpha) {
		int bad = 0;
		for (int i = 0; i < W * H; i++)
			bad += img->rgb[i * 3] != want[i * 4] || img->rgb[i * 3 + 1] != want[i * 4 + 1] ||
			       img->rgb[i * 3 + 2] != want[i * 4 + 2] || img->alpha[i] != want[i * 4 + 3];
		EQ(bad, 0);
		/* scaled, not truncated: 0xFF00 is 254, where dropping the low byte gives 255 */
		EQ(img->rgb[0xFF00 * 3], 254);
	}
	tk_arena_free(a);
}

TK_TEST(image_png_palette_grey_interlaced)
{
	png_color pal[2] = {{255, 0, 0}, {0, 0, 255}};
	unsigned char trns[2] = {255, 0};
	/* 2x2 palette image, 2 bits per index, first pixel in the high bits:
	 * row 0 is indices 0 1, row 1 is 1 0. */
	unsigned char idx[2] = {0x10, 0x40};
	png_spec sp = {.w = 2, .h = 2, .depth = 2, .type = PNG_COLOR_TYPE_PALETTE,
	               .data = idx, .palette = pal, .n_palette = 2, .trns = trns,
	               .n_trns = 2};
	OK(write_png("/tmp/trykk-t-pal.png", &sp) == 0);

	unsigned char g1[2] = {0x80, 0x40}; /* 1-bit grey 2x2: 1 0 / 0 1 */
	png_spec sg = {.w = 2, .h = 2, .depth = 1, .type = PNG_COLOR_TYPE_GRAY,
	               .data = g1};
	OK(write_png("/tmp/trykk-t-grey1.png", &sg) == 0);

	unsigned char rgb[16 * 16 * 3];
	noise(rgb, sizeof rgb);
	png_spec si = {.w = 16, .h = 16, .depth = 8, .type = PNG_COLOR_TYPE_RGB,
	               .interlace = PNG_INTERLACE_ADAM7, .data = rgb};
	OK(write_png("/tmp/trykk-t-adam7.png", &si) == 0);

	tk_arena *a = tk_arena_new();
	tk_images *c = tk_images_new(a, NULL);
	const tk_image *img = tk_images_load(c, NULL, "/tmp/trykk-t-pal.png", NULL);
	OK(img != NULL);
	if (img) {
		EQ(img->has_alpha, 1);
		unsigned char want[12] = {255, 0, 0, 0, 0, 255, 0, 0, 255, 255, 0, 0};
		OK(memcmp(img->rgb, want, 12) == 0);
		unsigned char alpha[4] = {255, 0, 0, 255};
		OK(img->alpha && memcmp(img->alpha, alpha, 4) == 0);
	}
	img = tk_images_load(c, NULL, "/tmp/trykk-t-grey1.png", NULL);
	OK(img != NULL);
	if (img) {
		EQ(img->was_rgb, 1);
		unsigned char want[12] = {255, 255, 255, 0, 0, 0, 0, 0, 0, 255, 255, 255};
		OK(memcmp(img->rgb, want, 12) == 0);
		EQ(img->cmyk[7], 255); /* black pixel, naive: K only */
	}
	img = tk_images_load(c, NULL, "/tmp/trykk-t-adam7.png", NULL);
	OK(img != NULL);
	if (img)
		OK(memcmp(img->rgb, rgb, sizeof rgb) == 0);
	tk_arena_free(a);
}

TK_TEST(image_jpeg_rgb_grey_cmyk)
{
	enum { W = 16, H = 16 };
	static unsigned char rgb[W * H * 3], grey[W * H], cmyk[W * H * 4], inv[W * H * 4];
	for (int i = 0; i < W * H; i++) {
		rgb[i * 3] = 200;
		rgb[i * 3 + 1] = 100;
		rgb[i * 3 + 2] = 50;
		grey[i] = 90;
		/* ink 20% C, 40% M, 60% Y, 10% K */
		cmyk[i * 4] = 51;
		cmyk[i * 4 + 1] = 102;
		cmyk[i * 4 + 2] = 153;
		cmyk[i * 4 + 3] = 26;
	}
	for (int i = 0; i < W * H * 4; i++)
		inv[i] = (unsigned char)(255 - cmyk[i]);
	write_jpeg("/tmp/trykk-t-rgb.jpg", &(jpeg_spec){W, H, 3, JCS_RGB, rgb, 0, 300, NULL, 0});
	write_jpeg("/tmp/trykk-t-grey.jpg",
	           &(jpeg_spec){W, H, 1, JCS_GRAYSCALE, grey, 0, 0, NULL, 0});
	/* Photoshop's way: inverted values and an Adobe marker. */
	write_jpeg("/tmp/trykk-t-adobe.jpg", &(jpeg_spec){W, H, 4, JCS_CMYK, inv, 1, 0, NULL, 0});
	/* Plain CMYK without the marker: values as they are. */
	write_jpeg("/tmp/trykk-t-cmyk.jpg", &(jpeg_spec){W, H, 4, JCS_CMYK, cmyk, 0, 0, NULL, 0});

	tk_arena *a = tk_arena_new();
	tk_color *col = tk_color_new("layouts/icc/trykk-FOGRA39L.icc", NULL, NULL);
	tk_images *c = tk_images_new(a, col);
	const tk_image *img = tk_images_load(c, NULL, "/tmp/trykk-t-rgb.jpg", NULL);
	OK(img != NULL);
	if (img) {
		EQ(img->was_rgb, 1);
		OK(abs(img->rgb[0] - 200) <= 3 && abs(img->rgb[1] - 100) <= 3 &&
		   abs(img->rgb[2] - 50) <= 3);
		NEAR(img->dpi_x, 300, 1e-9);
		OK(img->cmyk[1] > img->cmyk[0]); /* orange: more magenta than cyan */
	}
	img = tk_images_load(c, NULL, "/tmp/trykk-t-grey.jpg", NULL);
	OK(img != NULL);
	if (img) {
		OK(abs(img->rgb[0] - 90) <= 2);
		EQ(img->rgb[0], img->rgb[1]);
		EQ(img->rgb[1], img->rgb[2]);
	}
	const char *cm[2] = {"/tmp/trykk-t-adobe.jpg", "/tmp/trykk-t-cmyk.jpg"};
	for (int k = 0; k < 2; k++) {
		img = tk_images_load(c, NULL, cm[k], NULL);
		OK(img != NULL);
		if (!img)
			continue;
		EQ(img->was_rgb, 0);
		OK(abs(img->cmyk[0] - 51) <= 3);
		OK(abs(img->cmyk[1] - 102) <= 3);
		OK(abs(img->cmyk[2] - 153) <= 3);
		OK(abs(img->cmyk[3] - 26) <= 3);
		/* RGB copy made through the profile: a warm, light brown-orange. */
		OK(img->rgb[0] > img->rgb[1] && img->rgb[1] > img->rgb[2]);
	}
	tk_color_free(col);
	tk_arena_free(a);
}

TK_TEST(image_cache_and_ids)
{
	unsigned char px[3] = {1, 2, 3};
	png_spec s = {.w = 1, .h = 1, .depth = 8, .type = PNG_COLOR_TYPE_RGB, .data = px};
	write_png("/tmp/trykk-t-c1.png", &s);
	write_png("/tmp/trykk-t-c2.png", &s);
	tk_arena *a = tk_arena_new();
	tk_images *c = tk_images_new(a, NULL);
	FILE *f;
	tk_diag *d = image_diag(&f);
	const tk_image *i1 = tk_images_load(c, d, "/tmp/trykk-t-c1.png", NULL);
	/* A failure does not use up an id. */
	OK(tk_images_load(c, d, "/tmp/trykk-t-missing.png", NULL) == NULL);
	const tk_image *i2 = tk_images_load(c, d, "/tmp/trykk-t-c2.png", NULL);
	const tk_image *again = tk_images_load(c, d, "/tmp/trykk-t-c1.png", NULL);
	OK(i1 && i2);
	OK(again == i1);
	if (i1 && i2) {
		EQ(i1->id, 0);
		EQ(i2->id, 1);
	}
	image_msgs(d, f);
	tk_arena_free(a);
}

/* Loads path expecting failure; returns the diagnostics. */
static const char *load_fails(const char *path, size_t *arena_growth)
{
	tk_arena *a = tk_arena_new();
	tk_images *c = tk_images_new(a, NULL);
	FILE *f;
	tk_diag *d = image_diag(&f);
	size_t before = tk_arena_used(a);
	tk_loc loc = {"content/x.yaml", 4, 10};
	OK(tk_images_load(c, d, path, &loc) == NULL);
	EQ(tk_diag_errors(d), 1);
	if (arena_growth)
		*arena_growth = tk_arena_used(a) - before;
	tk_arena_free(a);
	return image_msgs(d, f);
}

TK_TEST(image_errors)
{
	const char *m = load_fails("/tmp/trykk-t-no-such.png", NULL);
	OK(strstr(m, "content/x.yaml:4:10: error: cannot read image '/tmp/trykk-t-no-such.png': "
	             "No such file or directory") != NULL);

	FILE *t = fopen("/tmp/trykk-t-text.png", "w");
	fputs("I am a text file wearing a .png name.\n", t);
	fclose(t);
	m = load_fails("/tmp/trykk-t-text.png", NULL);
	OK(strstr(m, "error: '/tmp/trykk-t-text.png' is not a PNG or JPEG image") != NULL);

	t = fopen("/tmp/trykk-t-empty.jpg", "w");
	fclose(t);
	m = load_fails("/tmp/trykk-t-empty.jpg", NULL);
	OK(strstr(m, "error: '/tmp/trykk-t-empty.jpg' is not a PNG or JPEG image") != NULL);

	m = load_fails("/tmp", NULL);
	OK(strstr(m, "error: cannot read image '/tmp': Is a directory") != NULL);
}

TK_TEST(image_truncated)
{
	enum { W = 64, H = 64 };
	static unsigned char rgb[W * H * 3];
	noise(rgb, sizeof rgb);
	png_spec s = {.w = W, .h = H, .depth = 8, .type = PNG_COLOR_TYPE_RGB,
	              .data = rgb};
	write_png("/tmp/trykk-t-trunc.png", &s);
	truncate_file("/tmp/trykk-t-trunc.png", file_size("/tmp/trykk-t-trunc.png") / 2);
	const char *m = load_fails("/tmp/trykk-t-trunc.png", NULL);
	OK(strstr(m, "error: '/tmp/trykk-t-trunc.png' is truncated or damaged (libpng: ") !=
	   NULL);

	/* Cut inside the signature + IHDR. */
	truncate_file("/tmp/trykk-t-trunc.png", 20);
	m = load_fails("/tmp/trykk-t-trunc.png", NULL);
	OK(strstr(m, "error: '/tmp/trykk-t-trunc.png' is truncated or damaged") != NULL);

	write_jpeg("/tmp/trykk-t-trunc.jpg", &(jpeg_spec){W, H, 3, JCS_RGB, rgb, 0, 0, NULL, 0});
	truncate_file("/tmp/trykk-t-trunc.jpg", file_size("/tmp/trykk-t-trunc.jpg") / 2);
	m = load_fails("/tmp/trykk-t-trunc.jpg", NULL);
	OK(strstr(m, "error: '/tmp/trykk-t-trunc.jpg' is truncated or damaged (libjpeg: "
	             "Premature end of JPEG file)") != NULL);

	/* Only the header survives. */
	truncate_file("/tmp/trykk-t-trunc.jpg", 30);
	m = load_fails("/tmp/trykk-t-trunc.jpg", NULL);
	OK(strstr(m, "error: '/tmp/trykk-t-trunc.jpg' is truncated or damaged (libjpeg: ") !=
	   NULL);
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t crc32_png(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return c ^ 0xffffffffu;
}

TK_TEST(image_too_big)
{
	/* A PNG that is only a header claiming 20000 x 20000 (1.6 GB as RGBA): it
	 * must be refused from the header, before any pixel memory. */
	unsigned char png[8 + 25] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	put32(png + 8, 13);
	memcpy(png + 12, "IHDR", 4);
	put32(png + 16, 20000);
	put32(png + 20, 20000);
	png[24] = 8; /* depth */
	png[25] = 6; /* RGBA */
	put32(png + 29, crc32_png(png + 12, 17));
	FILE *f = fopen("/tmp/trykk-t-big.png", "wb");
	fwrite(png, 1, sizeof png, f);
	fclose(f);
	size_t grew = 0;
	const char *m = load_fails("/tmp/trykk-t-big.png", &grew);
	OK(strstr(m, "content/x.yaml:4:10: error: '/tmp/trykk-t-big.png' is 20000 \u00d7 20000 "
	             "pixels, more than the limit of 100 million") != NULL);
	OK(grew < 4096);

	/* The same for a JPEG whose frame header is patched to 20000 x 20000. */
	unsigned char px[8 * 8 * 3] = {0};
	write_jpeg("/tmp/trykk-t-big.jpg", &(jpeg_spec){8, 8, 3, JCS_RGB, px, 0, 0, NULL, 0});
	long n = file_size("/tmp/trykk-t-big.jpg");
	OK(n > 0 && n < 100000);
	if (n <= 0 || n >= 100000)
		return;
	unsigned char *buf = malloc((size_t)n);
	f = fopen("/tmp/trykk-t-big.jpg", "rb");
	OK(fread(buf, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	for (long i = 0; i + 9 < n; i++)
		if (buf[i] == 0xff && buf[i + 1] == 0xc0) { /* SOF0: len, prec, h, w */
			buf[i + 5] = 20000 >> 8;
			buf[i + 6] = 20000 & 255;
			buf[i + 7] = 20000 >> 8;
			buf[i + 8] = 20000 & 255;
			break;
		}
	f = fopen("/tmp/trykk-t-big.jpg", "wb");
	fwrite(buf, 1, (size_t)n, f);
	fclose(f);
	free(buf);
	m = load_fails("/tmp/trykk-t-big.jpg", &grew);
	OK(strstr(m, "error: '/tmp/trykk-t-big.jpg' is 20000 \u00d7 20000 pixels, more than the "
	             "limit of 100 million") != NULL);
	OK(grew < 4096);
}

/* An Adobe RGB (1998)-like profile made with lcms2, as bytes. */
static void *adobe_rgb(unsigned *len)
{
	cmsCIExyY white = {0.3127, 0.3290, 1};
	cmsCIExyYTRIPLE prim = {{0.64, 0.33, 1}, {0.21, 0.71, 1}, {0.15, 0.06, 1}};
	cmsToneCurve *g = cmsBuildGamma(NULL, 2.2);
	cmsToneCurve *curves[3] = {g, g, g};
	cmsHPROFILE h = cmsCreateRGBProfile(&white, &prim, curves);
	cmsUInt32Number n = 0;
	cmsSaveProfileToMem(h, NULL, &n);
	void *mem = malloc(n);
	cmsSaveProfileToMem(h, mem, &n);
	cmsCloseProfile(h);
	cmsFreeToneCurve(g);
	*len = n;
	return mem;
}

TK_TEST(image_embedded_icc)
{
	unsigned len;
	void *icc = adobe_rgb(&len);
	enum { W = 8, H = 8 };
	static unsigned char px[W * H * 3], grey[W * H];
	for (int i = 0; i < W * H; i++) {
		px[i * 3] = 60;
		px[i * 3 + 1] = 160;
		px[i * 3 + 2] = 60;
		grey[i] = 100;
	}
	png_spec s = {.w = W, .h = H, .depth = 8, .type = PNG_COLOR_TYPE_RGB, .data = px,
	              .icc = icc, .icc_len = len};
	OK(write_png("/tmp/trykk-t-icc.png", &s) == 0);
	write_jpeg("/tmp/trykk-t-icc.jpg", &(jpeg_spec){W, H, 3, JCS_RGB, px, 0, 0, icc, len});
	/* A profile that is not one, and a grey JPEG with an RGB profile: both fall
	 * back to sRGB; only the colour picture is worth a warning. */
	static const char junk[200] = "not an ICC profile";
	write_jpeg("/tmp/trykk-t-junk.jpg",
	           &(jpeg_spec){W, H, 3, JCS_RGB, px, 0, 0, junk, sizeof junk});
	write_jpeg("/tmp/trykk-t-gicc.jpg",
	           &(jpeg_spec){W, H, 1, JCS_GRAYSCALE, grey, 0, 0, icc, len});
	free(icc);

	tk_arena *a = tk_arena_new();
	tk_color *col = tk_color_new("layouts/icc/trykk-FOGRA39L.icc", NULL, NULL);
	tk_images *c = tk_images_new(a, col);
	FILE *f;
	tk_diag *d = image_diag(&f);
	const char *paths[2] = {"/tmp/trykk-t-icc.png", "/tmp/trykk-t-icc.jpg"};
	for (int k = 0; k < 2; k++) {
		const tk_image *img = tk_images_load(c, d, paths[k], NULL);
		OK(img != NULL);
		if (!img)
			continue;
		/* The screen copy was moved into sRGB: the same numbers mean a more
		 * saturated green in Adobe RGB, so red and blue drop (60,160,60 ->
		 * about 0,161,46). */
		OK(img->rgb[0] < 20);
		OK(abs(img->rgb[1] - 160) < 10);
		OK(img->rgb[2] < 55);
		/* And the print pixels are not those of the numbers read as sRGB. */
		unsigned char as_srgb[4];
		tk_color_rgb_to_cmyk(col, px, as_srgb, 1);
		OK(memcmp(img->cmyk, as_srgb, 4) != 0);
		OK(img->cmyk[0] > as_srgb[0]);
	}
	const tk_image *junk_img = tk_images_load(c, d, "/tmp/trykk-t-junk.jpg", NULL);
	OK(junk_img && abs(junk_img->rgb[1] - 160) <= 3);
	const tk_image *g = tk_images_load(c, d, "/tmp/trykk-t-gicc.jpg", NULL);
	OK(g && abs(g->rgb[0] - 100) <= 2);
	EQ(tk_diag_warnings(d), 1);
	const char *m = image_msgs(d, f);
	OK(strstr(m, "warning: picture '/tmp/trykk-t-junk.jpg' embeds an ICC profile that is not "
	             "a usable RGB profile; its colours are taken as sRGB") != NULL);
	tk_color_free(col);
	tk_arena_free(a);
}

/* Loads path and q into one cache and checks that their planes are equal. */
static void same_planes(const tk_image *p, const tk_image *q)
{
	OK(p && q);
	if (!p || !q)
		return;
	EQ(p->width, q->width);
	EQ(p->height, q->height);
	EQ(p->has_alpha, q->has_alpha);
	EQ(p->was_rgb, q->was_rgb);
	if (p->width != q->width || p->height != q->height)
		return;
	size_t n = (size_t)p->width * p->height;
	OK(memcmp(p->rgb, q->rgb, n * 3) == 0);
	OK(memcmp(p->cmyk, q->cmyk, n * 4) == 0);
	OK((p->alpha == NULL) == (q->alpha == NULL));
	if (p->alpha && q->alpha)
		OK(memcmp(p->alpha, q->alpha, n) == 0);
}

TK_TEST(image_png_palette_converted_once)
{
	/* A palette picture is converted through its palette; the planes must be
	 * those of the same pixels stored as RGB(A), with and without tRNS, with
	 * an embedded profile, and resampled. */
	enum { W = 40, H = 30, NP = 200 };
	png_color pal[NP];
	unsigned char trns[NP];
	for (int i = 0; i < NP; i++) {
		pal[i] = (png_color){(png_byte)(i * 37), (png_byte)(255 - i), (png_byte)(i * 11)};
		trns[i] = (unsigned char)(i % 3 == 0 ? 255 : i);
	}
	static unsigned char idx[W * H], rgb[W * H * 3], rgba[W * H * 4];
	for (int i = 0; i < W * H; i++) {
		idx[i] = (unsigned char)((i * 7 + i / W) % NP);
		memcpy(rgb + i * 3, &pal[idx[i]], 3);
		memcpy(rgba + i * 4, &pal[idx[i]], 3);
		rgba[i * 4 + 3] = trns[idx[i]];
	}
	unsigned len;
	void *icc = adobe_rgb(&len);
	png_spec sp = {.w = W, .h = H, .depth = 8, .type = PNG_COLOR_TYPE_PALETTE, .data = idx,
	               .palette = pal, .n_palette = NP};
	png_spec sr = {.w = W, .h = H, .depth = 8, .type = PNG_COLOR_TYPE_RGB, .data = rgb};
	OK(write_png("/tmp/trykk-t-p8.png", &sp) == 0);
	OK(write_png("/tmp/trykk-t-p8rgb.png", &sr) == 0);
	sp.trns = trns;
	sp.n_trns = NP;
	png_spec sa = {.w = W, .h = H, .depth = 8, .type = PNG_COLOR_TYPE_RGB_ALPHA, .data = rgba};
	OK(write_png("/tmp/trykk-t-p8t.png", &sp) == 0);
	OK(write_png("/tmp/trykk-t-p8rgba.png", &sa) == 0);
	sp.trns = NULL;
	sp.n_trns = 0;
	sp.icc = sr.icc = icc;
	sp.icc_len = sr.icc_len = len;
	OK(write_png("/tmp/trykk-t-p8icc.png", &sp) == 0);
	OK(write_png("/tmp/trykk-t-p8rgbicc.png", &sr) == 0);
	free(icc);

	tk_arena *a = tk_arena_new();
	tk_color *col = tk_color_new("layouts/icc/trykk-FOGRA39L.icc", NULL, NULL);
	tk_images *c = tk_images_new(a, col);
	same_planes(tk_images_load(c, NULL, "/tmp/trykk-t-p8.png", NULL),
	            tk_images_load(c, NULL, "/tmp/trykk-t-p8rgb.png", NULL));
	same_planes(tk_images_load(c, NULL, "/tmp/trykk-t-p8t.png", NULL),
	            tk_images_load(c, NULL, "/tmp/trykk-t-p8rgba.png", NULL));
	same_planes(tk_images_load(c, NULL, "/tmp/trykk-t-p8icc.png", NULL),
	            tk_images_load(c, NULL, "/tmp/trykk-t-p8rgbicc.png", NULL));
	/* 40 pixels across 2 pt is far above 450 ppi: both are resampled. */
	const tk_image *dp = tk_images_load_for(c, NULL, "/tmp/trykk-t-p8t.png", NULL, 2, 1.5);
	const tk_image *dr = tk_images_load_for(c, NULL, "/tmp/trykk-t-p8rgba.png", NULL, 2, 1.5);
	OK(dp && dp->width < W);
	same_planes(dp, dr);
	tk_color_free(col);
	tk_arena_free(a);
}

TK_TEST(image_png_rgba_rows_and_interlaced)
{
	/* RGBA read row by row: the alpha plane starts at the first pixel that is
	 * not opaque, with the pixels before it opaque; an interlaced copy (read
	 * whole) gives the same planes. */
	enum { W = 9, H = 7 };
	static unsigned char rgba[W * H * 4];
	noise(rgba, sizeof rgba);
	for (int i = 0; i < W * H; i++)
		rgba[i * 4 + 3] = 255;
	rgba[(2 * W + 3) * 4 + 3] = 0;
	rgba[(5 * W + 8) * 4 + 3] = 77;
	png_spec s = {.w = W, .h = H, .depth = 8, .type = PNG_COLOR_TYPE_RGB_ALPHA, .data = rgba};
	OK(write_png("/tmp/trykk-t-rows.png", &s) == 0);
	s.interlace = PNG_INTERLACE_ADAM7;
	OK(write_png("/tmp/trykk-t-rows7.png", &s) == 0);
	tk_arena *a = tk_arena_new();
	tk_images *c = tk_images_new(a, NULL);
	const tk_image *img = tk_images_load(c, NULL, "/tmp/trykk-t-rows.png", NULL);
	OK(img && img->alpha);
	if (img && img->alpha) {
		for (int i = 0; i < W * H; i++) {
			int want = i == 2 * W + 3 ? 0 : i == 5 * W + 8 ? 77 : 255;
			if (img->alpha[i] != want)
				EQ(img->alpha[i], want);
			if (memcmp(img->rgb + i * 3, rgba + i * 4, 3) != 0)
				OK(!"colour kept");
		}
	}
	same_planes(img, tk_images_load(c, NULL, "/tmp/trykk-t-rows7.png", NULL));
	tk_arena_free(a);
}

/* Inflates a zlib stream of n bytes that should give want_len bytes. */
static unsigned char *inflate_all(const unsigned char *z, size_t n, size_t want_len)
{
	unsigned char *out = malloc(want_len + 1);
	z_stream s;
	memset(&s, 0, sizeof s);
	if (inflateInit(&s) != Z_OK)
		return NULL;
	s.next_in = (Bytef *)(uintptr_t)z;
	s.avail_in = (uInt)n;
	s.next_out = out;
	s.avail_out = (uInt)want_len + 1;
	int rc = inflate(&s, Z_FINISH);
	size_t got = s.total_out, left = s.avail_in;
	inflateEnd(&s);
	if (rc != Z_STREAM_END || got != want_len || left != 0) {
		free(out);
		return NULL;
	}
	return out;
}

TK_TEST(deflate_pieces_round_trip)
{
	/* Sizes around the piece boundaries; flat areas (long matches that reach
	 * across a boundary) and noise. Every thread count gives the same bytes,
	 * and zlib reads them back (header, pieces, Adler-32). */
	size_t big = 3 * TK_DEFLATE_PIECE + 17;
	unsigned char *in = malloc(big);
	noise(in, big);
	memset(in + TK_DEFLATE_PIECE - 1000, 7, 5000);
	memset(in + 2 * TK_DEFLATE_PIECE - 100, 0, TK_DEFLATE_PIECE / 2);
	size_t sizes[] = {0, 1, 100, TK_DEFLATE_PIECE - 1, TK_DEFLATE_PIECE,
	                  TK_DEFLATE_PIECE + 1, big};
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		size_t n1 = 0;
		unsigned char *z1 = tk_deflate(in, sizes[k], 1, 1, &n1);
		OK(z1 != NULL);
		if (!z1)
			continue;
		EQ(z1[0], 0x78);
		EQ((z1[0] * 256 + z1[1]) % 31, 0);
		unsigned char *back = inflate_all(z1, n1, sizes[k]);
		OK(back != NULL);
		if (back)
			OK(memcmp(back, in, sizes[k]) == 0);
		free(back);
		for (int t = 2; t <= 4; t++) {
			size_t n2 = 0;
			unsigned char *z2 = tk_deflate(in, sizes[k], 1, t, &n2);
			OK(z2 && n2 == n1 && memcmp(z1, z2, n1) == 0);
			free(z2);
		}
		free(z1);
	}
	/* A flat plane compresses to almost nothing, pieces and all. */
	memset(in, 0, big);
	size_t nz = 0;
	unsigned char *z = tk_deflate(in, big, 1, 2, &nz);
	OK(z && nz < big / 200);
	free(z);
	OK(tk_deflate_threads() >= 1 && tk_deflate_threads() <= 4);
	free(in);
}

TK_TEST(image_runs_convert_as_single_pixels)
{
	/* Flat runs, a colour coming back after others and noise: every pixel of
	 * the picture converts as that colour alone does (runs and the cache of
	 * colours only skip work). */
	enum { W = 64, H = 40 };
	static unsigned char rgb[W * H * 3];
	noise(rgb, sizeof rgb);
	for (int i = 0; i < W * H; i++) {
		int band = (i / 7) % 5;
		if (band < 3) {
			rgb[i * 3] = (unsigned char)(band * 90);
			rgb[i * 3 + 1] = 200;
			rgb[i * 3 + 2] = (unsigned char)(i < W * H / 2 ? 10 : 11);
		}
	}
	png_spec s = {.w = W, .h = H, .depth = 8, .type = PNG_COLOR_TYPE_RGB, .data = rgb};
	OK(write_png("/tmp/trykk-t-runs.png", &s) == 0);
	tk_arena *a = tk_arena_new();
	tk_color *col = tk_color_new("layouts/icc/trykk-FOGRA39L.icc", NULL, NULL);
	tk_images *c = tk_images_new(a, col);
	const tk_image *img = tk_images_load(c, NULL, "/tmp/trykk-t-runs.png", NULL);
	OK(img != NULL);
	int bad = 0;
	for (int i = 0; img && i < W * H; i++) {
		unsigned char one[4];
		tk_color_rgb_to_cmyk(col, rgb + i * 3, one, 1);
		bad += memcmp(one, img->cmyk + i * 4, 4) != 0;
	}
	EQ(bad, 0);
	tk_color_free(col);
	tk_arena_free(a);
}


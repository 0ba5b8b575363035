/* image.c - decoding placed pictures (PNG with libpng, JPEG with libjpeg) into the
 * CMYK and RGB planes of a tk_image, once per path.
 *
 * The format comes from the file's signature, never its name. The header is read
 * and the pixel count checked before any pixel memory is allocated, so a hostile
 * or mistaken 20000 x 20000 file costs nothing. Both libraries report errors by
 * longjmp; that is confined to decode_png() and decode_jpeg(), which touch only
 * their job struct (owned by the caller, so nothing in it is clobbered) and arena
 * memory, and the caller releases the library state on every path.
 *
 * RGB pixels are in the colour space of the ICC profile the file embeds (PNG iCCP,
 * JPEG APP2), converted straight to the press's CMYK, or sRGB when there is none
 * (a PNG's gAMA alone is not applied). Grey pictures go through the same RGB ->
 * CMYK conversion, so they print as a four-colour grey balanced by the profile;
 * was_rgb is set for both because both were converted. CMYK JPEGs keep
 * their ink values; Photoshop writes them inverted (marked by its Adobe APP14
 * segment), which is undone here.
 *
 * A picture placed far above print resolution is resampled before conversion
 * (tk_images_load_for): it is decoded into a scratch arena, averaged down in RGB
 * (weighted by alpha, so transparent pixels lend no colour to their neighbours),
 * and only the small copy is converted, kept and embedded. */
#include "image.h"

#include "cache.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jpeglib.h>
#include <libdeflate.h>
#include <jerror.h>
#include <png.h>
#include <zlib.h>

#define BUCKETS 64

typedef struct entry {
	const char *path;
	int w, h;                /* pixel size of img: the file's, or resampled */
	int src_w, src_h;        /* pixel size of the file */
	const tk_image *img;     /* NULL for a size known from the header alone */
	struct entry *next;
} entry;

struct tk_images {
	tk_arena *a;
	tk_color *color;
	tk_pixcache *cache;      /* NULL: none */
	int next_id;
	entry *buckets[BUCKETS];
};

tk_images *tk_images_new(tk_arena *a, tk_color *color)
{
	tk_images *c = TK_NEW(a, tk_images);
	c->a = a;
	c->color = color;
	return c;
}

static unsigned hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % BUCKETS;
}

/* What a decoder hands back: the planes it filled, still in the file's colour. */
typedef struct decoded {
	int width, height;
	int cmyk;                /* pixels are CMYK (JPEG only) */
	unsigned char *px;       /* RGB (3) or CMYK (4) per pixel, arena memory */
	unsigned char *alpha;    /* NULL or one byte per pixel, arena memory */
	double dpi_x, dpi_y;
	int grey;                /* the file was greyscale (expanded to RGB) */
	unsigned char *icc;      /* embedded ICC profile (arena) or NULL */
	size_t icc_len;
	/* A palette PNG comes as one index a pixel (px NULL) and its palette, padded
	 * to 256 entries as libpng pads it (black, opaque): its colours are
	 * converted once, not once a pixel. */
	unsigned char *idx;      /* malloc'd, width*height bytes; the caller frees */
	unsigned char pal[256 * 3];
	unsigned char pal_alpha[256];
} decoded;

static int too_big(tk_diag *d, const tk_loc *loc, const char *path, unsigned long long w,
                   unsigned long long h)
{
	if (w * h <= TK_IMAGE_MAX_PIXELS)
		return 0;
	tk_error(d, loc, "'%s' is %llu \u00d7 %llu pixels, more than the limit of %u million",
	         path, w, h, TK_IMAGE_MAX_PIXELS / 1000000u);
	return 1;
}

/* ---- PNG ------------------------------------------------------------------ */

typedef struct png_job {
	FILE *f;
	tk_arena *a;
	png_structp png;
	png_infop info;
	unsigned char *rgba;     /* malloc'd for an interlaced picture with alpha, or
	                            one row of any other; caller frees */
	png_bytep *rows;         /* malloc'd; caller frees */
	decoded out;
	char msg[200];
} png_job;

static void png_fail(png_structp png, png_const_charp msg)
{
	png_job *j = png_get_error_ptr(png);
	snprintf(j->msg, sizeof j->msg, "%s", msg);
	png_longjmp(png, 1);
}

static void png_warning_quiet(png_structp png, png_const_charp msg)
{
	/* Warnings (bad ancillary chunks, sRGB profile mismatches) do not stop a
	 * picture from printing; they would only be noise in a build log. */
	(void)png;
	(void)msg;
}

/* n big-endian 16-bit samples at src to 8 bits at dst: V * 255 / 65535, rounded,
 * the bytes of libpng's png_do_scale_16_to_8 (checked for every V). The loop is
 * one the compiler vectorises when asked (gcc's -O2 does not). */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("tree-vectorize", "vect-cost-model=dynamic")))
#endif
static void scale16_row(unsigned char *restrict dst, const unsigned char *restrict src, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		uint32_t v = (uint32_t)src[2 * k] << 8 | src[2 * k + 1];
		dst[k] = (unsigned char)((v * 255 + 32895) >> 16);
	}
}

/* Decodes j->f into j->out. Returns -1 with j->msg set. All cleanup is the
 * caller's, so a longjmp out of libpng can simply return. */
static int decode_png(png_job *j)
{
	j->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, j, png_fail, png_warning_quiet);
	if (!j->png) {
		snprintf(j->msg, sizeof j->msg, "out of memory");
		return -1;
	}
	j->info = png_create_info_struct(j->png);
	if (!j->info) {
		snprintf(j->msg, sizeof j->msg, "out of memory");
		return -1;
	}
	if (setjmp(png_jmpbuf(j->png)))
		return -1;
	png_init_io(j->png, j->f);
#ifdef PNG_IGNORE_ADLER32
	/* The picture data is checked by each chunk's CRC already; zlib's second
	 * check of the same bytes (Adler-32) was a ninth of decoding a large PNG. */
	png_set_option(j->png, PNG_IGNORE_ADLER32, PNG_OPTION_ON);
#endif
	png_read_info(j->png, j->info);

	png_uint_32 w, h;
	int depth, type, interlace;
	png_get_IHDR(j->png, j->info, &w, &h, &depth, &type, &interlace, NULL, NULL);
	int pal = type == PNG_COLOR_TYPE_PALETTE;
	int scale16 = 0; /* 16-bit samples scaled here, not by libpng */
	if (pal) {
		/* Indices, one byte each; the palette is applied after decoding. */
		png_set_packing(j->png);
		memset(j->out.pal, 0, sizeof j->out.pal);
		memset(j->out.pal_alpha, 255, sizeof j->out.pal_alpha);
		png_colorp plte;
		int np = 0;
		if (png_get_PLTE(j->png, j->info, &plte, &np))
			for (int i = 0; i < np && i < 256; i++) {
				j->out.pal[3 * i] = plte[i].red;
				j->out.pal[3 * i + 1] = plte[i].green;
				j->out.pal[3 * i + 2] = plte[i].blue;
			}
		png_bytep trans;
		int nt = 0;
		png_color_16p tc;
		if (png_get_tRNS(j->png, j->info, &trans, &nt, &tc) && trans)
			memcpy(j->out.pal_alpha, trans, (size_t)(nt < 256 ? nt : 256));
	} else {
		if (type == PNG_COLOR_TYPE_GRAY && depth < 8)
			png_set_expand_gray_1_2_4_to_8(j->png);
		if (png_get_valid(j->png, j->info, PNG_INFO_tRNS))
			png_set_tRNS_to_alpha(j->png);
		/* 16-bit RGBA (a photograph with a cut-out) is read as it is and
		 * scaled to 8 bits below, row by row, as libpng's png_set_scale_16
		 * would (same bytes): libpng's own loop was a sixth of decoding it. */
		if (depth == 16 && type == PNG_COLOR_TYPE_RGB_ALPHA &&
		    interlace == PNG_INTERLACE_NONE)
			scale16 = 1;
		else if (depth == 16)
#ifdef PNG_READ_SCALE_16_TO_8_SUPPORTED
			png_set_scale_16(j->png); /* rounds, where strip_16 truncates */
#else
			png_set_strip_16(j->png);
#endif
		if (type == PNG_COLOR_TYPE_GRAY || type == PNG_COLOR_TYPE_GRAY_ALPHA) {
			png_set_gray_to_rgb(j->png);
			j->out.grey = 1;
		}
	}
	png_charp icc_name;
	png_bytep icc;
	png_uint_32 icc_len;
	int icc_comp;
	if (png_get_iCCP(j->png, j->info, &icc_name, &icc_comp, &icc, &icc_len) && icc_len) {
		j->out.icc = tk_arena_alloc(j->a, icc_len);
		memcpy(j->out.icc, icc, icc_len);
		j->out.icc_len = icc_len;
	}
	int passes = png_set_interlace_handling(j->png);
	png_read_update_info(j->png, j->info);

	int ch = png_get_channels(j->png, j->info);
	if ((pal ? ch != 1 : ch != 3 && ch != 4) || (scale16 && (ch != 4 || passes != 1)) ||
	    png_get_rowbytes(j->png, j->info) != (size_t)w * ch * (scale16 ? 2 : 1)) {
		snprintf(j->msg, sizeof j->msg, "unsupported pixel layout");
		return -1;
	}
	size_t n = (size_t)w * h;
	j->out.width = (int)w;
	j->out.height = (int)h;
	unsigned char *dst;
	if (pal) {
		j->out.idx = malloc(n ? n : 1);
		if (!j->out.idx) {
			snprintf(j->msg, sizeof j->msg, "out of memory");
			return -1;
		}
		dst = j->out.idx;
	} else {
		j->out.px = tk_arena_alloc(j->a, n * 3);
		dst = j->out.px;
	}
	if (ch == 4 && passes == 1) {
		/* Row by row: each row is split into colour and alpha at once, so the
		 * whole picture never exists as RGBA. The alpha plane is made at the
		 * first pixel that is not opaque: a plane that would be opaque
		 * everywhere is dropped, so the PDFs carry no soft mask that does
		 * nothing. */
		j->rgba = malloc((size_t)w * (scale16 ? 12 : 4) + 1);
		if (!j->rgba) {
			snprintf(j->msg, sizeof j->msg, "out of memory");
			return -1;
		}
		unsigned char *row16 = j->rgba + (size_t)w * 4; /* scale16: the row read */
		for (png_uint_32 y = 0; y < h; y++) {
			if (scale16) {
				png_read_row(j->png, row16, NULL);
				scale16_row(j->rgba, row16, (size_t)w * 4);
			} else {
				png_read_row(j->png, j->rgba, NULL);
			}
			unsigned char *rgb = j->out.px + (size_t)y * w * 3;
			unsigned char *al = j->out.alpha ? j->out.alpha + (size_t)y * w : NULL;
			const unsigned char *q = j->rgba;
			for (png_uint_32 x = 0; x < w; x++, q += 4) {
				memcpy(rgb + (size_t)x * 3, q, 3);
				if (al)
					al[x] = q[3];
				else if (q[3] != 255) {
					j->out.alpha = tk_arena_alloc(j->a, n);
					memset(j->out.alpha, 255, (size_t)y * w + x);
					al = j->out.alpha + (size_t)y * w;
					al[x] = q[3];
				}
			}
		}
	} else {
		if (ch == 4) {
			j->rgba = malloc(n * 4);
			if (!j->rgba) {
				snprintf(j->msg, sizeof j->msg, "out of memory");
				return -1;
			}
			dst = j->rgba;
		}
		j->rows = malloc(sizeof(png_bytep) * h);
		if (!j->rows) {
			snprintf(j->msg, sizeof j->msg, "out of memory");
			return -1;
		}
		for (png_uint_32 y = 0; y < h; y++)
			j->rows[y] = dst + (size_t)y * w * ch;
		png_read_image(j->png, j->rows);
	}
	/* png_read_end is skipped on purpose: once the pixels are in, a damaged
	 * trailing chunk or a missing IEND changes nothing on the page. */

	png_uint_32 rx, ry;
	int unit;
	if (png_get_pHYs(j->png, j->info, &rx, &ry, &unit) && unit == PNG_RESOLUTION_METER) {
		j->out.dpi_x = rx * 0.0254;
		j->out.dpi_y = ry * 0.0254;
	}

	if (ch == 4 && passes > 1) {
		/* An interlaced picture with alpha was read whole; as above, an alpha
		 * channel that is opaque everywhere is dropped. */
		int opaque = 1;
		for (size_t i = 0; i < n && opaque; i++)
			opaque = j->rgba[i * 4 + 3] == 255;
		if (!opaque)
			j->out.alpha = tk_arena_alloc(j->a, n);
		for (size_t i = 0; i < n; i++) {
			memcpy(j->out.px + i * 3, j->rgba + i * 4, 3);
			if (!opaque)
				j->out.alpha[i] = j->rgba[i * 4 + 3];
		}
	}
	return 0;
}

static int load_png(FILE *f, tk_arena *a, decoded *out, const char *path, tk_diag *d,
                    const tk_loc *loc, int header_only)
{
	/* The size is in IHDR, right after the signature; check it before libpng
	 * does anything (its own read_info reads on up to the first IDAT). */
	unsigned char hdr[24];
	if (fread(hdr, 1, sizeof hdr, f) != sizeof hdr || memcmp(hdr + 12, "IHDR", 4) != 0) {
		tk_error(d, loc, "'%s' is truncated or damaged (no PNG header)", path);
		return -1;
	}
	unsigned long long w = (unsigned long long)hdr[16] << 24 | hdr[17] << 16 |
	                       hdr[18] << 8 | hdr[19];
	unsigned long long h = (unsigned long long)hdr[20] << 24 | hdr[21] << 16 |
	                       hdr[22] << 8 | hdr[23];
	if (too_big(d, loc, path, w, h))
		return -1;
	if (header_only) {
		out->width = (int)w;
		out->height = (int)h;
		return 0;
	}
	rewind(f);

	png_job j = {.f = f, .a = a};
	int rc = decode_png(&j);
	if (j.png)
		png_destroy_read_struct(&j.png, j.info ? &j.info : NULL, NULL);
	free(j.rgba);
	free(j.rows);
	if (rc) {
		free(j.out.idx);
		tk_error(d, loc, "'%s' is truncated or damaged (libpng: %s)", path, j.msg);
		return -1;
	}
	*out = j.out;
	return 0;
}

/* ---- JPEG ----------------------------------------------------------------- */

typedef struct jpeg_job {
	struct jpeg_decompress_struct cinfo;
	struct jpeg_error_mgr jerr;
	jmp_buf jb;
	FILE *f;
	tk_arena *a;
	const char *path;
	tk_diag *d;
	const tk_loc *loc;
	int over_limit;          /* refused for size: already reported */
	int header_only;         /* stop after the header: size only */
	decoded out;
	char msg[JMSG_LENGTH_MAX];
} jpeg_job;

static void jpeg_fail(j_common_ptr cinfo)
{
	jpeg_job *j = cinfo->client_data;
	cinfo->err->format_message(cinfo, j->msg);
	longjmp(j->jb, 1);
}

static void jpeg_message(j_common_ptr cinfo, int level)
{
	/* libjpeg only warns at a premature end of file and pads the picture with
	 * grey; a truncated photo must not reach the press, so that one is fatal.
	 * Other warnings (stray bytes between markers) are harmless and common. */
	if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF)
		jpeg_fail(cinfo);
}

/* Decodes j->f into j->out. Returns -1 with j->msg set (or j->over_limit). */
static int decode_jpeg(jpeg_job *j)
{
	struct jpeg_decompress_struct *ci = &j->cinfo;
	ci->err = jpeg_std_error(&j->jerr);
	j->jerr.error_exit = jpeg_fail;
	j->jerr.emit_message = jpeg_message;
	ci->client_data = j;
	if (setjmp(j->jb))
		return -1;
	jpeg_create_decompress(ci);
	jpeg_stdio_src(ci, j->f);
	jpeg_save_markers(ci, JPEG_APP0 + 2, 0xffff); /* ICC profile chunks */
	jpeg_read_header(ci, TRUE);
	if (too_big(j->d, j->loc, j->path, ci->image_width, ci->image_height)) {
		j->over_limit = 1;
		return -1;
	}
	if (j->header_only) {
		j->out.width = (int)ci->image_width;
		j->out.height = (int)ci->image_height;
		return 0;
	}
	int cmyk = ci->jpeg_color_space == JCS_CMYK || ci->jpeg_color_space == JCS_YCCK;
	j->out.grey = ci->jpeg_color_space == JCS_GRAYSCALE;
	JOCTET *icc = NULL;
	unsigned icc_len = 0;
	if (!cmyk && jpeg_read_icc_profile(ci, &icc, &icc_len) && icc) {
		/* Copied and freed at once: nothing between can longjmp. */
		j->out.icc = tk_arena_alloc(j->a, icc_len);
		memcpy(j->out.icc, icc, icc_len);
		j->out.icc_len = icc_len;
		free(icc);
	}
	/* libjpeg-turbo expands grey to RGB itself. */
	ci->out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
	jpeg_start_decompress(ci);
	int ch = cmyk ? 4 : 3;
	if (ci->output_components != ch) {
		snprintf(j->msg, sizeof j->msg, "unsupported colour space");
		return -1;
	}
	size_t w = ci->output_width, h = ci->output_height, stride = w * ch;
	j->out.width = (int)w;
	j->out.height = (int)h;
	j->out.cmyk = cmyk;
	j->out.px = tk_arena_alloc(j->a, w * h * ch);
	while (ci->output_scanline < h) {
		JSAMPROW row = j->out.px + ci->output_scanline * stride;
		jpeg_read_scanlines(ci, &row, 1);
	}
	if (cmyk && ci->saw_Adobe_marker)
		for (size_t i = 0; i < w * h * 4; i++)
			j->out.px[i] = (unsigned char)(255 - j->out.px[i]);
	if (ci->saw_JFIF_marker && ci->X_density && ci->Y_density &&
	    (ci->density_unit == 1 || ci->density_unit == 2)) {
		double k = ci->density_unit == 2 ? 2.54 : 1.0; /* dots per cm */
		j->out.dpi_x = ci->X_density * k;
		j->out.dpi_y = ci->Y_density * k;
	}
	jpeg_finish_decompress(ci);
	return 0;
}

static int load_jpeg(FILE *f, tk_arena *a, decoded *out, const char *path, tk_diag *d,
                     const tk_loc *loc, int header_only)
{
	jpeg_job *j = tk_xcalloc(1, sizeof *j);
	j->header_only = header_only;
	j->f = f;
	j->a = a;
	j->path = path;
	j->d = d;
	j->loc = loc;
	int rc = decode_jpeg(j);
	jpeg_destroy_decompress(&j->cinfo);
	if (rc && !j->over_limit)
		tk_error(d, loc, "'%s' is truncated or damaged (libjpeg: %s)", path, j->msg);
	if (!rc)
		*out = j->out;
	free(j);
	return rc;
}

/* ---- loading -------------------------------------------------------------- */

/* Decodes path into out (pixels in arena a), or with header_only just its size. */
static int decode_file(const char *path, tk_arena *a, decoded *out, tk_diag *d,
                       const tk_loc *loc, int header_only)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		tk_error(d, loc, "cannot read image '%s': %s", path, strerror(errno));
		return -1;
	}
	unsigned char sig[8];
	size_t got = fread(sig, 1, sizeof sig, f);
	if (got < sizeof sig && ferror(f)) {
		/* e.g. EISDIR: fopen succeeds on a directory, reading does not. */
		tk_error(d, loc, "cannot read image '%s': %s", path, strerror(errno));
		fclose(f);
		return -1;
	}
	rewind(f);
	int rc;
	static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	if (got == 8 && memcmp(sig, png_sig, 8) == 0) {
		rc = load_png(f, a, out, path, d, loc, header_only);
	} else if (got >= 3 && sig[0] == 0xff && sig[1] == 0xd8 && sig[2] == 0xff) {
		rc = load_jpeg(f, a, out, path, d, loc, header_only);
	} else {
		tk_error(d, loc, "'%s' is not a PNG or JPEG image", path);
		rc = -1;
	}
	fclose(f);
	return rc;
}

/* ---- resampling ----------------------------------------------------------- */

/* Which source pixels make output pixel o of n (from src), with what weight: the
 * overlap of the output pixel's footprint with each source pixel. */
typedef struct span {
	int first, n;            /* source pixels first..first+n-1 */
	int w;                   /* index of the first weight */
} span;

static span *spans_for(int src, int n, double **weights)
{
	double scale = (double)src / n;
	int per = (int)ceil(scale) + 1;
	span *sp = tk_xmalloc(sizeof(span) * (size_t)n);
	double *w = tk_xmalloc(sizeof(double) * (size_t)n * (size_t)per);
	int k = 0;
	for (int o = 0; o < n; o++) {
		double x0 = o * scale, x1 = (o + 1) * scale;
		if (x1 > src)
			x1 = src;
		int first = (int)floor(x0), last = (int)ceil(x1) - 1;
		if (last >= src)
			last = src - 1;
		if (last - first + 1 > per)
			last = first + per - 1;
		sp[o] = (span){first, last - first + 1, k};
		for (int i = first; i <= last; i++) {
			double a = x0 > i ? x0 : i, b = x1 < i + 1 ? x1 : i + 1;
			w[k++] = (b > a ? b - a : 0) / scale;
		}
	}
	*weights = w;
	return sp;
}

static unsigned char to_byte(double v)
{
	if (!(v > 0))
		return 0;
	return v >= 255 ? 255 : (unsigned char)(v + 0.5);
}

/* Area-average resampling of sw x sh RGB pixels (and alpha, or NULL) to tw x th.
 * With alpha, colours are averaged weighted by alpha. Each source row is resampled
 * across once per output row it reaches, then rows are summed with their weights. */
static void downsample(const unsigned char *rgb, const unsigned char *alpha, int sw, int sh,
                       unsigned char *drgb, unsigned char *dalpha, int tw, int th)
{
	double *wx, *wy;
	span *sx = spans_for(sw, tw, &wx);
	span *sy = spans_for(sh, th, &wy);
	/* with alpha: r*a, g*a, b*a, a, and plain r, g, b for fully clear areas */
	int ch = alpha ? 7 : 3;
	double *row = tk_xmalloc(sizeof(double) * (size_t)tw * ch);
	double *acc = tk_xmalloc(sizeof(double) * (size_t)tw * ch);
	for (int oy = 0; oy < th; oy++) {
		memset(acc, 0, sizeof(double) * (size_t)tw * ch);
		for (int k = 0; k < sy[oy].n; k++) {
			int y = sy[oy].first + k;
			double fy = wy[sy[oy].w + k];
			const unsigned char *src = rgb + (size_t)y * sw * 3;
			const unsigned char *sa = alpha ? alpha + (size_t)y * sw : NULL;
			for (int ox = 0; ox < tw; ox++) {
				double *r = row + (size_t)ox * ch;
				for (int c = 0; c < ch; c++)
					r[c] = 0;
				const span *s = &sx[ox];
				for (int i = 0; i < s->n; i++) {
					int x = s->first + i;
					double f = wx[s->w + i];
					const unsigned char *p = src + (size_t)x * 3;
					if (sa) {
						double fa = f * sa[x];
						r[0] += fa * p[0];
						r[1] += fa * p[1];
						r[2] += fa * p[2];
						r[3] += fa;
						r[4] += f * p[0];
						r[5] += f * p[1];
						r[6] += f * p[2];
					} else {
						r[0] += f * p[0];
						r[1] += f * p[1];
						r[2] += f * p[2];
					}
				}
			}
			for (size_t i = 0; i < (size_t)tw * ch; i++)
				acc[i] += fy * row[i];
		}
		unsigned char *q = drgb + (size_t)oy * tw * 3;
		for (int ox = 0; ox < tw; ox++) {
			const double *r = acc + (size_t)ox * ch;
			if (!alpha) {
				for (int c = 0; c < 3; c++)
					q[ox * 3 + c] = to_byte(r[c]);
				continue;
			}
			int clear = r[3] < 1e-9;
			for (int c = 0; c < 3; c++)
				q[ox * 3 + c] = to_byte(clear ? r[4 + c] : r[c] / r[3]);
			dalpha[(size_t)oy * tw + ox] = to_byte(r[3]);
		}
	}
	free(row);
	free(acc);
	free(sx);
	free(sy);
	free(wx);
	free(wy);
}

/* ---- loading -------------------------------------------------------------- */

void tk_images_set_cache(tk_images *c, tk_pixcache *pc)
{
	c->cache = pc;
}

int tk_image_planes(const tk_image *img)
{
	if (img->rgb && (img->alpha || !img->has_alpha))
		return 0;
	if (!img->owner)
		return -1;
	return tk_pixcache_unpack(img->owner->a, (tk_image *)img);
}

/* Compresses n bytes at px into arena memory, as the print PDF embeds them. */
static const unsigned char *plane_z(tk_arena *a, const unsigned char *px, size_t n,
                                    size_t *len)
{
	size_t zlen = 0;
	unsigned char *z = tk_deflate(px, n, Z_BEST_SPEED, tk_deflate_threads(), &zlen);
	if (!z)
		return NULL;
	unsigned char *copy = tk_arena_alloc(a, zlen);
	memcpy(copy, z, zlen);
	free(z);
	*len = zlen;
	return copy;
}

static entry *find(tk_images *c, const char *path, int w, int h)
{
	for (entry *e = c->buckets[hash(path)]; e; e = e->next)
		if (strcmp(e->path, path) == 0 && (w < 0 || (e->w == w && e->h == h)))
			return e;
	return NULL;
}

static entry *add(tk_images *c, const char *path, int w, int h, int src_w, int src_h)
{
	unsigned b = hash(path);
	entry *e = TK_NEW(c->a, entry);
	e->path = tk_arena_strdup(c->a, path);
	e->w = w;
	e->h = h;
	e->src_w = src_w;
	e->src_h = src_h;
	e->next = c->buckets[b];
	c->buckets[b] = e;
	return e;
}

int tk_images_size(tk_images *c, tk_diag *d, const char *path, const tk_loc *loc, int *width,
                   int *height)
{
	entry *e = find(c, path, -1, -1);
	if (!e) {
		decoded px = {0};
		if (decode_file(path, c->a, &px, d, loc, 1))
			return -1;
		e = add(c, path, px.width, px.height, px.width, px.height);
	}
	*width = e->src_w;
	*height = e->src_h;
	return 0;
}

/* Whether every pixel of a palette picture is opaque: at once when every entry
 * is, else by looking at the pixels. */
static int palette_opaque(const decoded *px, size_t n)
{
	int clear = 0;
	for (int k = 0; k < 256; k++)
		clear |= px->pal_alpha[k] != 255;
	for (size_t i = 0; i < n && clear; i++)
		if (px->pal_alpha[px->idx[i]] != 255)
			return 0;
	return 1;
}

/* The picture's pixels in RGB (and alpha, or none when the palette is opaque
 * everywhere it is used) from its palette indices, in arena a; frees px->idx. */
static void expand_palette(decoded *px, tk_arena *a)
{
	size_t n = (size_t)px->width * px->height;
	int opaque = palette_opaque(px, n);
	px->px = tk_arena_alloc(a, n * 3);
	px->alpha = opaque ? NULL : tk_arena_alloc(a, n);
	for (size_t i = 0; i < n; i++) {
		memcpy(px->px + i * 3, px->pal + px->idx[i] * 3, 3);
		if (px->alpha)
			px->alpha[i] = px->pal_alpha[px->idx[i]];
	}
	free(px->idx);
	px->idx = NULL;
}

/* A palette picture at its own size: the 256 palette entries are converted to
 * CMYK (and through an embedded profile to sRGB) once, and the planes are filled
 * by index. Equal colours convert equally, so the planes are those that
 * converting pixel by pixel gives. Frees px->idx. */
static void palette_planes(tk_images *c, tk_diag *d, const tk_loc *loc, const char *path,
                           decoded *px, tk_image *img)
{
	unsigned char rgb[256 * 3], cmyk[256 * 4];
	memcpy(rgb, px->pal, sizeof rgb);
	int done = 0;
	if (px->icc) {
		done = tk_color_icc_rgb_to_cmyk(c->color, px->icc, px->icc_len, rgb, cmyk, 256) == 0;
		if (!done)
			tk_warn(d, loc, "picture '%s' embeds an ICC profile that is not a usable "
			        "RGB profile; its colours are taken as sRGB", path);
	}
	if (!done)
		tk_color_rgb_to_cmyk(c->color, rgb, cmyk, 256);
	size_t n = (size_t)px->width * px->height;
	int opaque = palette_opaque(px, n);
	img->rgb = tk_arena_alloc(c->a, n * 3);
	img->cmyk = tk_arena_alloc(c->a, n * 4);
	img->alpha = opaque ? NULL : tk_arena_alloc(c->a, n);
	const unsigned char *idx = px->idx;
	for (size_t i = 0; i < n; i++) {
		unsigned k = idx[i];
		memcpy(img->rgb + i * 3, rgb + k * 3, 3);
		memcpy(img->cmyk + i * 4, cmyk + k * 4, 4);
	}
	if (img->alpha)
		for (size_t i = 0; i < n; i++)
			img->alpha[i] = px->pal_alpha[idx[i]];
	free(px->idx);
	px->idx = NULL;
}

/* Decodes path (resampled to tw x th unless that is its own size; tw 0: its own
 * size), converts it and caches it. */
/* Gives img its path and id and files it under its size. */
static const tk_image *finish(tk_images *c, const char *path, tk_image *img, int src_w,
                              int src_h)
{
	img->path = tk_arena_strdup(c->a, path);
	img->id = c->next_id++;
	img->owner = c;
	/* A size-only entry from tk_images_size becomes this image's. */
	entry *e = find(c, path, img->width, img->height);
	if (!e || e->img)
		e = add(c, path, img->width, img->height, src_w, src_h);
	e->img = img;
	return img;
}

static const tk_image *load(tk_images *c, tk_diag *d, const char *path, const tk_loc *loc,
                            int tw, int th)
{
	unsigned char key[TK_PIXCACHE_KEY];
	int keyed = c->cache && tk_pixcache_key(c->cache, path, tw, th, key) == 0;
	if (keyed) {
		tk_image *img = TK_NEW(c->a, tk_image);
		int sw, sh;
		if (tk_pixcache_get(c->cache, key, c->a, img, &sw, &sh) == 0)
			return finish(c, path, img, sw, sh);
	}
	int said = tk_diag_errors(d) + tk_diag_warnings(d);
	/* Pixels that are resampled are decoded into a scratch arena, freed below. */
	tk_arena *scratch = tk_arena_new();
	decoded px = {0};
	if (decode_file(path, tw ? scratch : c->a, &px, d, loc, 0)) {
		tk_arena_free(scratch);
		return NULL;
	}
	int src_w = px.width, src_h = px.height;
	int down = tw && (tw < px.width || th < px.height);
	tk_image *img = TK_NEW(c->a, tk_image);
	if (px.idx && !down) {
		if (px.icc && tw) {
			unsigned char *icc = tk_arena_alloc(c->a, px.icc_len);
			memcpy(icc, px.icc, px.icc_len);
			px.icc = icc;
		}
		tk_arena_free(scratch);
		palette_planes(c, d, loc, path, &px, img);
		img->was_rgb = 1;
		goto done;
	}
	if (px.idx)
		expand_palette(&px, scratch);
	if (down && !px.cmyk) {
		unsigned char *rgb = tk_arena_alloc(c->a, (size_t)tw * th * 3);
		unsigned char *alpha = px.alpha ? tk_arena_alloc(c->a, (size_t)tw * th) : NULL;
		downsample(px.px, px.alpha, px.width, px.height, rgb, alpha, tw, th);
		px.dpi_x *= (double)tw / px.width;
		px.dpi_y *= (double)th / px.height;
		px.px = rgb;
		px.alpha = alpha;
		px.width = tw;
		px.height = th;
		if (px.icc) {
			unsigned char *icc = tk_arena_alloc(c->a, px.icc_len);
			memcpy(icc, px.icc, px.icc_len);
			px.icc = icc;
		}
	} else if (tw) {
		/* CMYK JPEGs are kept as they are (their ink values are the designer's);
		 * copied out of the scratch arena. */
		size_t n = (size_t)px.width * px.height, bpp = px.cmyk ? 4 : 3;
		unsigned char *p = tk_arena_alloc(c->a, n * bpp);
		memcpy(p, px.px, n * bpp);
		px.px = p;
		if (px.alpha) {
			unsigned char *a = tk_arena_alloc(c->a, n);
			memcpy(a, px.alpha, n);
			px.alpha = a;
		}
		if (px.icc) {
			unsigned char *icc = tk_arena_alloc(c->a, px.icc_len);
			memcpy(icc, px.icc, px.icc_len);
			px.icc = icc;
		}
	}
	tk_arena_free(scratch);

	img->alpha = px.alpha;
	size_t n = (size_t)px.width * px.height;
	if (px.cmyk) {
		img->cmyk = px.px;
		img->rgb = tk_arena_alloc(c->a, n * 3);
		tk_color_cmyk_to_rgb_buf(c->color, img->cmyk, img->rgb, n);
	} else {
		img->was_rgb = 1;
		img->rgb = px.px;
		img->cmyk = tk_arena_alloc(c->a, n * 4);
		/* A grey picture's profile (a dot gain curve, usually) cannot apply to
		 * the RGB it was expanded to; grey is taken as sRGB grey. */
		int done = 0;
		if (px.icc && !px.grey) {
			done = tk_color_icc_rgb_to_cmyk(c->color, px.icc, px.icc_len, img->rgb,
			                                img->cmyk, n) == 0;
			if (!done)
				tk_warn(d, loc, "picture '%s' embeds an ICC profile that is "
				        "not a usable RGB profile; its colours are taken as sRGB",
				        path);
		}
		if (!done)
			tk_color_rgb_to_cmyk(c->color, img->rgb, img->cmyk, n);
	}
done:
	img->width = px.width;
	img->height = px.height;
	img->dpi_x = px.dpi_x;
	img->dpi_y = px.dpi_y;
	img->has_alpha = img->alpha != NULL;
	/* For the picture cache: the planes compressed now (the print PDF takes
	 * them as they are), unless loading it had something to say. */
	if (keyed && tk_diag_errors(d) + tk_diag_warnings(d) == said) {
		size_t npx = (size_t)img->width * img->height;
		img->cmyk_z = plane_z(c->a, img->cmyk, npx * 4, &img->cmyk_z_len);
		if (img->alpha)
			img->alpha_z = plane_z(c->a, img->alpha, npx, &img->alpha_z_len);
		if (img->cmyk_z && (img->alpha_z || !img->alpha))
			tk_pixcache_put(c->cache, key, img, src_w, src_h);
	}
	return finish(c, path, img, src_w, src_h);
}

const tk_image *tk_images_load(tk_images *c, tk_diag *d, const char *path,
                               const tk_loc *loc)
{
	int w, h;
	if (tk_images_size(c, d, path, loc, &w, &h))
		return NULL;
	entry *e = find(c, path, w, h);
	if (e && e->img)
		return e->img;
	return load(c, d, path, loc, 0, 0);
}

const tk_image *tk_images_load_for(tk_images *c, tk_diag *d, const char *path,
                                   const tk_loc *loc, double w_pt, double h_pt)
{
	int w, h;
	if (tk_images_size(c, d, path, loc, &w, &h))
		return NULL;
	double ppi_x = w_pt > 0 ? w / (w_pt / 72.0) : 0, ppi_y = h_pt > 0 ? h / (h_pt / 72.0) : 0;
	if (!(ppi_x > TK_IMAGE_DOWNSAMPLE_ABOVE && ppi_y > TK_IMAGE_DOWNSAMPLE_ABOVE))
		return tk_images_load(c, d, path, loc);
	/* Rounded up, so the result is never under the target; 1e-6 keeps an exact
	 * fit from gaining a pixel to rounding. */
	int tw = (int)ceil(w_pt / 72.0 * TK_IMAGE_TARGET_PPI - 1e-6);
	int th = (int)ceil(h_pt / 72.0 * TK_IMAGE_TARGET_PPI - 1e-6);
	tw = tw < 1 ? 1 : tw > w ? w : tw;
	th = th < 1 ? 1 : th > h ? h : th;
	/* A copy made for another placement serves when it is at print resolution
	 * here too (a cover picture repeated smaller inside): decoded, converted and
	 * embedded once. The smallest such copy is taken. */
	const tk_image *best = NULL;
	for (entry *e = c->buckets[hash(path)]; e; e = e->next) {
		if (!e->img || strcmp(e->path, path) != 0 || e->w < tw || e->h < th)
			continue;
		if (e->w / (w_pt / 72.0) > TK_IMAGE_DOWNSAMPLE_ABOVE ||
		    e->h / (h_pt / 72.0) > TK_IMAGE_DOWNSAMPLE_ABOVE)
			continue;
		if (!best || e->w < best->width)
			best = e->img;
	}
	if (best)
		return best;
	return load(c, d, path, loc, tw, th);
}

/* ---- compressing pixel planes --------------------------------------------- */

/* One piece of a tk_deflate: its input, the window before it, and its output. */
typedef struct piece {
	const unsigned char *in;
	size_t len;
	int last;                /* ends the deflate stream (Z_FINISH) */
	unsigned char *out;      /* malloc'd */
	size_t out_len;
	unsigned long adler;     /* Adler-32 of in[0..len) */
	int failed;
} piece;

typedef struct zwork {
	piece *p;
	size_t n, next;          /* pieces, and the next one nobody has taken */
	const unsigned char *start; /* of the whole input, for the windows */
	int level;
	pthread_mutex_t mu;
} zwork;

#define WINDOW ((size_t)32768)

static void deflate_run(piece *p, const unsigned char *start, z_stream *zp)
{
	size_t before = (size_t)(p->in - start);
	size_t dict = before < WINDOW ? before : WINDOW;
	if (dict && deflateSetDictionary(zp, p->in - dict, (uInt)dict) != Z_OK) {
		p->failed = 1;
		return;
	}
	/* deflateBound is for Z_FINISH in one call; a sync flush adds a few bytes.
	 * The pages of the buffer that stay unwritten are never touched. */
	size_t cap = deflateBound(zp, (uLong)p->len) + 64;
	p->out = tk_xmalloc(cap);
	zp->next_in = (Bytef *)p->in;
	zp->avail_in = (uInt)p->len;
	int flush = p->last ? Z_FINISH : Z_SYNC_FLUSH;
	for (;;) {
		zp->next_out = p->out + zp->total_out;
		zp->avail_out = (uInt)(cap - zp->total_out);
		int rc = deflate(zp, flush);
		if (rc == Z_STREAM_ERROR) {
			p->failed = 1;
			break;
		}
		/* Done when the input is used up and the flush is complete (which
		 * left room in the output), or the stream ended. */
		if (rc == Z_STREAM_END || (!p->last && zp->avail_in == 0 && zp->avail_out > 0))
			break;
		if (zp->avail_out == 0) {
			cap *= 2;
			p->out = tk_xrealloc(p->out, cap);
		}
	}
	p->out_len = zp->total_out;
}

/* Small inputs (a page's content, a font) get a window and a hash table to their
 * size: setting up a stream costs more than compressing a few kilobytes (Debian's
 * zlib clears the hash table a byte at a time, 64 KiB for the default memLevel).
 * The class follows from the length, so the bytes depend only on the input and
 * the level. (Streams are not reused with deflateReset: a reset keeps the old
 * window's bytes past the new data, which zlib's match search may read near the
 * end of the input, so the output would depend on what was compressed before.) */
#define SIZE_CLASSES 3
static const struct {
	size_t max_len;   /* inputs up to this length */
	int window_bits, mem_level;
} size_class[SIZE_CLASSES] = {{1024 - 262, 10, 3}, {8192 - 262, 13, 5}, {(size_t)-1, 15, 8}};

static int class_of(size_t len)
{
	int c = 0;
	while (c + 1 < SIZE_CLASSES && len > size_class[c].max_len)
		c++;
	return c;
}

static void deflate_piece(piece *p, const unsigned char *start, int level, int whole)
{
	/* A piece of a larger input is primed with the window before it: the full
	 * window and table. */
	int c = whole ? class_of(p->len) : SIZE_CLASSES - 1;
	z_stream z;
	memset(&z, 0, sizeof z);
	/* Raw deflate (no header): tk_deflate writes the zlib header and trailer. */
	if (deflateInit2(&z, level, Z_DEFLATED, -size_class[c].window_bits, size_class[c].mem_level,
	                 Z_DEFAULT_STRATEGY) != Z_OK) {
		p->failed = 1;
		return;
	}
	deflate_run(p, start, &z);
	deflateEnd(&z);
	/* libdeflate's Adler-32 is vectorised; zlib's was a sixth of compressing a
	 * large picture */
	p->adler = libdeflate_adler32(1, p->in, p->len);
}

static void *deflate_worker(void *arg)
{
	zwork *w = arg;
	for (;;) {
		pthread_mutex_lock(&w->mu);
		size_t i = w->next < w->n ? w->next++ : w->n;
		pthread_mutex_unlock(&w->mu);
		if (i == w->n)
			return NULL;
		deflate_piece(&w->p[i], w->start, w->level, 0);
	}
}

int tk_deflate_threads(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int t = cores > 1 ? (int)(cores < 4 ? cores : 4) : 1;
	const char *env = getenv("TRYKK_JOBS");
	if (env && *env) {
		int e = atoi(env);
		if (e >= 1 && e < t)
			t = e;
	}
	return t;
}

unsigned char *tk_deflate(const unsigned char *in, size_t len, int level, int threads,
                          size_t *out_len)
{
	size_t n = len ? (len + TK_DEFLATE_PIECE - 1) / TK_DEFLATE_PIECE : 1;
	zwork w = {.n = n, .start = in, .level = level};
	w.p = tk_xcalloc(n, sizeof *w.p);
	for (size_t i = 0; i < n; i++) {
		w.p[i].in = in + i * TK_DEFLATE_PIECE;
		w.p[i].len = i + 1 < n ? TK_DEFLATE_PIECE : len - i * TK_DEFLATE_PIECE;
		w.p[i].last = i + 1 == n;
	}
	pthread_mutex_init(&w.mu, NULL);
	pthread_t tid[3];
	int started = 0;
	for (int t = 1; t < threads && t < 4 && (size_t)t < n; t++)
		if (pthread_create(&tid[started], NULL, deflate_worker, &w) == 0)
			started++;
	if (n == 1)
		deflate_piece(&w.p[0], in, level, 1); /* one piece: sized to it */
	else
		deflate_worker(&w); /* this thread works too, and alone when none started */
	for (int t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	pthread_mutex_destroy(&w.mu);

	/* zlib header: deflate, 32 KiB window, no dictionary (0x78 0x01 checks). */
	size_t total = 2 + 4, at = 2;
	int failed = 0;
	for (size_t i = 0; i < n; i++) {
		total += w.p[i].out_len;
		failed |= w.p[i].failed;
	}
	unsigned char *out = failed ? NULL : tk_xmalloc(total);
	unsigned long adler = adler32(0L, Z_NULL, 0);
	for (size_t i = 0; i < n; i++) {
		if (out) {
			memcpy(out + at, w.p[i].out, w.p[i].out_len);
			at += w.p[i].out_len;
			adler = adler32_combine(adler, w.p[i].adler, (z_off_t)w.p[i].len);
		}
		free(w.p[i].out);
	}
	free(w.p);
	if (!out)
		return NULL;
	out[0] = 0x78;
	out[1] = 0x01;
	for (int k = 0; k < 4; k++)
		out[at + (size_t)k] = (unsigned char)(adler >> (24 - 8 * k));
	*out_len = total;
	return out;
}

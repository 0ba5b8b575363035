/* pdf_print.c - the print PDF: what goes to the print shop. A tk_device backed by
 * libharu 2.3.0 replays every page of the display list into a PDF that preflight
 * accepts: DeviceCMYK only (vector colours and pictures), MediaBox, BleedBox and
 * TrimBox on every page with the printer's marks in the slug, every font embedded,
 * an OutputIntent naming the print condition (with the ICC profile when the layout
 * gives one), /Trapped, and dates taken from the job, so the same input gives the
 * same bytes. Pages are written to a temporary file as they are finished (see
 * "writing the file"), which is copied to the target with tk_write_atomic_file.
 *
 * libharu 2.3.0 needs some help, all of it done here:
 *  - It has no call for BleedBox/TrimBox, OutputIntents (other than PDF/A's) or
 *    /Trapped; those are added as dictionary entries through its object API.
 *  - It keeps every page in memory until the document is saved. trykk writes the
 *    pages itself as they are finished and then libharu's objects with libharu's
 *    own object writer, and the cross-reference table and trailer after them.
 *  - It writes no /ID. PDF/X and many preflight profiles want one: an MD5 of the
 *    bytes before the trailer (of their two checksums and length), stable for
 *    the same document, different for different documents.
 *  - With its UTF-8 encoder a Type0 font's CIDs are the Unicode code points, but the
 *    /ToUnicode it writes is a copy of the encoding CMap ("begincidrange"), which a
 *    ToUnicode CMap may not contain; poppler says "Invalid 'begincidrange' operator
 *    in ToUnicode CMap" and other readers may extract nothing. The stream is
 *    rewritten before saving as a proper bfchar/bfrange CMap of the characters each
 *    font actually drew.
 *  - It draws characters, not glyph ids, and places each with its own advance
 *    widths. Pango's positions include kerning, so every glyph is positioned
 *    explicitly: a TJ array per line of a run, with an adjustment wherever a
 *    glyph is not where the font's advance widths put it (kerning, tracking,
 *    justification), and a Td where the baseline changes; the advances libharu
 *    assumes never decide where anything lands. Its ShowText also silently drops text of
 *    zero width, so a cluster that is only a combining mark is shown with the
 *    cluster before it. Characters outside the Basic Multilingual
 *    Plane would be drawn as spaces by its encoder, so they are left out with a
 *    warning instead.
 *  - It appends the subfamily to a font's PostScript name ("Lato-Bold,Bold"); the
 *    name is restored before the font object is made.
 *  - Font sizes above 600 pt and line widths above 100 pt are refused by libharu,
 *    so larger ones are drawn through a scaled matrix. */
#include "out.h"

#include "../arena.h"
#include "../dl/device.h"
#include "../img/cache.h"
#include "../img/image.h"

#include <hpdf.h>
#include <libdeflate.h>
#include <hpdf_encrypt.h>
#include <hpdf_font.h>
#include <hpdf_fontdef.h>
#include <hpdf_conf.h>
#include <hpdf_utils.h>

#include <dlfcn.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <zlib.h>

#define DEFAULT_CONDITION "FOGRA39"
#define DEFAULT_CONDITION_INFO "Coated FOGRA39 (ISO 12647-2:2004)"
#define PRODUCER "trykk print backend (Haru Free PDF Library " HPDF_VERSION_TEXT ")"

/* Ids of fonts and images index the caches; a job has far fewer than this, so a
 * larger id means a corrupt display list rather than a reason to allocate. */
#define MAX_ID (1 << 20)

/* Limit on "no glyph" warnings per font, so a wrong font does not flood the log. */
#define MAX_MISSING_SHOWN 8

/* Bytes of each of the trailer's two /ID strings (an MD5). */
#define ID_LEN 16

typedef struct font_slot {
	const tk_font *font;
	HPDF_Font hf;
	HPDF_FontDef def;   /* its TrueType data: glyph lookup for the warnings */
	const char *name;   /* libharu's name for it (the PostScript name) */
	uint8_t *used;      /* one bit per BMP code point the font has drawn */
	int alias;          /* 1 + index of the slot loaded from the same file, or 0 */
} font_slot;

/* A shared page body (dl.h) drawn once as a form XObject. */
typedef struct form_slot {
	const tk_page *body;
	HPDF_Dict form;
	int transparency;   /* it draws a soft-masked image */
} form_slot;

typedef struct pdf_dev {
	tk_device base; /* first: a tk_device * from the replay is a pdf_dev * */
	tk_diag *d;
	HPDF_Doc pdf;
	HPDF_Page page;       /* NULL between pages */
	double media_h;
	int page_no;          /* 1-based, for messages */
	int clip_depth;
	int transparency;     /* this page draws a soft-masked image */
	HPDF_STATUS err;      /* first libharu error, 0 if none */
	HPDF_STATUS err_detail;
	char what[512];       /* what was being done, for the error message */
	char err_what[512];   /* what was being done when err happened */
	font_slot *fonts;
	int fonts_cap;
	HPDF_Image *images;
	int images_cap;
	char *text;           /* one cluster's drawable UTF-8, NUL-terminated */
	size_t text_cap;
	char *pend;           /* text waiting to be shown (see dev_glyphs) */
	size_t pend_cap;
	char *line;           /* the operators that show a run's text, written to the
	                       * page when the run ends (show_pending, show_end) */
	size_t line_len, line_cap;
	long dropped;         /* characters left out (outside the BMP) */
	uint32_t first_dropped;
	form_slot *forms;     /* shared page bodies made into form XObjects */
	int n_forms, forms_cap;
	tk_pixcache *cache;   /* the build's (img/cache.h): font subsets, profile */
	HPDF_Stream *done;    /* FontFile2 streams filled compressed (SaveFontData) */
	int n_done, done_cap;
	/* The file being written (see "writing the file" below). */
	FILE *out;            /* a temporary file, copied to the target at the end */
	uint64_t pos;         /* bytes written to it */
	int out_errno;        /* first write error, or 0 */
	uint32_t crc, adler;  /* of every byte before the trailer: the /ID */
	HPDF_Stream sink;     /* libharu's objects written through emit() */
	uint64_t *offs;       /* offs[id]: where object id starts, 0 = not written yet */
	size_t offs_cap;
	uint32_t *kids;       /* the pages' object ids, in order */
	int n_kids, kids_cap;
	double media_w;       /* the page being drawn: its boxes */
	HPDF_Box bleed_box, trim_box;
	struct {              /* widths asked for (HPDF_TTFontDef_GetCharWidth below) */
		HPDF_FontDef def;
		uint32_t *w;      /* by code point: (glyph id + 1) << 16 | width, 0 unknown */
	} widths[16];
	int n_widths;
	struct libdeflate_compressor *zc; /* for the document's own streams (level 1) */
	HPDF_CMapEncoderAttr bare_utf8; /* the UTF-8 encoder as seen by font_get */
} pdf_dev;

/* ---- errors ---------------------------------------------------------------- */

static void on_hpdf_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user)
{
	pdf_dev *dev = user;
	dev->base.failed = 1;
	if (!dev->err) {
		dev->err = error_no;
		dev->err_detail = detail_no;
		memcpy(dev->err_what, dev->what, sizeof dev->err_what);
	}
}

/* Folds a libharu status into the device: 0 when accepted, -1 (and failed set)
 * otherwise. The error handler has normally recorded the code already; a status
 * returned without the handler being called is recorded here. */
static int hp(pdf_dev *dev, HPDF_STATUS s)
{
	if (s == HPDF_OK)
		return 0;
	on_hpdf_error(s, 0, dev);
	return -1;
}

/* For calls that return an object: NULL means libharu failed. */
static int hp_obj(pdf_dev *dev, const void *obj)
{
	if (obj)
		return 0;
	on_hpdf_error(dev->err ? dev->err : HPDF_INVALID_OBJECT, 0, dev);
	return -1;
}

/* An error of trykk's own (not libharu's) while building the PDF: reported at
 * once, and the device stops drawing. */
static void own_error(pdf_dev *dev, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void own_error(pdf_dev *dev, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	tk_error(dev->d, NULL, "print PDF: %s", msg);
	dev->base.failed = 1;
	/* Keep the libharu report (if one comes later) from hiding this one. */
	if (!dev->err)
		dev->err = (HPDF_STATUS)-1;
}

static const char *hpdf_reason(HPDF_STATUS e)
{
	switch (e) {
	case HPDF_FAILD_TO_ALLOC_MEM:
		return "out of memory";
	case HPDF_FILE_OPEN_ERROR:
		return "cannot open the file";
	case HPDF_FILE_IO_ERROR:
		return "cannot read the file";
	case HPDF_TTF_INVALID_FOMAT:
	case HPDF_TTF_MISSING_TABLE:
	case HPDF_TTF_INVALID_CMAP:
	case HPDF_INVALID_FONTDEF_DATA:
	case HPDF_UNSUPPORTED_FONT_TYPE:
		return "not a TrueType font libharu can embed (OpenType fonts with CFF "
		       "outlines are not supported)";
	case HPDF_INVALID_TTC_FILE:
	case HPDF_INVALID_TTC_INDEX:
		return "no such face in the font collection";
	case HPDF_TTF_CANNOT_EMBEDDING_FONT:
		return "the font's licence does not allow embedding";
	case HPDF_FONT_EXISTS:
	case HPDF_DUPLICATE_REGISTRATION:
		return "two different font files have the same PostScript name";
	case HPDF_EXCEED_GSTATE_LIMIT:
		return "clips nested deeper than 28 levels";
	case HPDF_PAGE_INVALID_SIZE:
		return "page size outside 3..14400 pt";
	case HPDF_ZLIB_ERROR:
		return "compression failed";
	case HPDF_PAGE_OUT_OF_RANGE:
	case HPDF_REAL_OUT_OF_RANGE:
	case HPDF_INVALID_PARAMETER:
		return "a value out of range";
	default:
		return "internal error";
	}
}

static void report_hpdf(pdf_dev *dev)
{
	if (!dev->err || dev->err == (HPDF_STATUS)-1)
		return;
	const char *reason = hpdf_reason(dev->err);
	/* For file errors libharu passes errno as the detail. */
	if ((dev->err == HPDF_FILE_OPEN_ERROR || dev->err == HPDF_FILE_IO_ERROR) &&
	    dev->err_detail)
		tk_error(dev->d, NULL, "PDF backend (libharu): error 0x%04X (%s: %s) while %s",
		         (unsigned)dev->err, reason, strerror((int)dev->err_detail),
		         dev->err_what[0] ? dev->err_what : "writing the print PDF");
	else
		tk_error(dev->d, NULL,
		         "PDF backend (libharu): error 0x%04X (%s, detail %u) while %s",
		         (unsigned)dev->err, reason, (unsigned)dev->err_detail,
		         dev->err_what[0] ? dev->err_what : "writing the print PDF");
}

/* ---- small helpers --------------------------------------------------------- */

static HPDF_REAL unit(float v)
{
	if (!(v > 0)) /* also NaN */
		return 0;
	return v > 1 ? 1 : v;
}

/* Page space of the device (media, y down) to PDF user space (y up). */
static tk_matrix to_pdf(const pdf_dev *dev, const tk_matrix *m)
{
	return tk_matrix_concat(*m, (tk_matrix){1, 0, 0, -1, 0, dev->media_h});
}

static int matrix_ok(const tk_matrix *m)
{
	double det = m->a * m->d - m->b * m->c;
	return isfinite(det) && det != 0 && isfinite(m->e) && isfinite(m->f);
}

/* Device state is only touched with a page open and nothing failed. */
static int ready(const pdf_dev *dev)
{
	return dev->page && !dev->base.failed;
}

static void end_text(pdf_dev *dev)
{
	if (dev->page && HPDF_Page_GetGMode(dev->page) == HPDF_GMODE_TEXT_OBJECT)
		hp(dev, HPDF_Page_EndText(dev->page));
}

/* ---- operators written by trykk ---------------------------------------------
 *
 * libharu spends some 250 instructions on each number it writes (HPDF_FToA) and
 * more on its checks and buffers: the operators written most often (text
 * matrices, fill colours, path segments) are written here instead, in the very
 * bytes libharu writes (tk_pdf_real is its HPDF_FToA; the unit tests compare the
 * two over millions of values), and libharu's idea of the graphics state is kept
 * as its own calls would keep it. */

/* v as libharu 2.3.0's HPDF_FToA writes it: clamped to +-32767, five decimals
 * rounded by adding 0.000005 and truncating (in its mix of float and double),
 * trailing zeros and a trailing point dropped. Returns the length (< 16). */
size_t tk_pdf_real(char *out, float val)
{
	char buf[HPDF_REAL_LEN + 1];
	char *s = out;
	if (val > HPDF_LIMIT_MAX_REAL)
		val = HPDF_LIMIT_MAX_REAL;
	else if (val < HPDF_LIMIT_MIN_REAL)
		val = HPDF_LIMIT_MIN_REAL;
	char *t = buf + HPDF_REAL_LEN;
	*t-- = 0;
	if (val < 0) {
		*s++ = '-';
		val = -val;
	}
	int32_t int_val = (int32_t)(val + 0.000005);
	int32_t fpart = (int32_t)((float)(val - (float)int_val + 0.000005) * 100000);
	for (int i = 0; i < 5; i++) {
		*t-- = (char)('0' + fpart % 10);
		fpart /= 10;
	}
	*t-- = '.';
	*t = '0';
	if (int_val == 0)
		t--;
	while (int_val > 0) {
		*t-- = (char)('0' + int_val % 10);
		int_val /= 10;
	}
	t++;
	while (*t)
		*s++ = *t++;
	/* drop trailing zeros, then the point (libharu's loop, as it is) */
	s--;
	while (s > out) {
		if (*s == '0') {
			*s = 0;
		} else {
			if (*s == '.')
				*s = 0;
			break;
		}
		s--;
	}
	return (size_t)((*s == 0 ? s : s + 1) - out);
}

/* Writes n numbers and then op (with its newline) into the page's stream. */
static int put_op(pdf_dev *dev, const float *v, int n, const char *op)
{
	char b[8 * 16 + 16];
	size_t len = 0;
	for (int i = 0; i < n; i++) {
		len += tk_pdf_real(b + len, v[i]);
		b[len++] = ' ';
	}
	size_t ol = strlen(op);
	memcpy(b + len, op, ol);
	len += ol;
	HPDF_PageAttr attr = dev->page->attr;
	return hp(dev, HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)b, (HPDF_UINT)len));
}

/* Colours and line width are set only when they change; libharu's graphics
 * state (saved and restored with the clips) tells what is current. */
static int set_fill(pdf_dev *dev, tk_cmyk c)
{
	HPDF_REAL k[4] = {unit(c.c), unit(c.m), unit(c.y), unit(c.k)};
	if (HPDF_Page_GetFillingColorSpace(dev->page) == HPDF_CS_DEVICE_CMYK) {
		HPDF_CMYKColor cur = HPDF_Page_GetCMYKFill(dev->page);
		if (cur.c == k[0] && cur.m == k[1] && cur.y == k[2] && cur.k == k[3])
			return 0;
	}
	/* HPDF_Page_SetCMYKFill, which may be used in a page or a text object */
	HPDF_PageAttr attr = dev->page->attr;
	if (!(attr->gmode & (HPDF_GMODE_PAGE_DESCRIPTION | HPDF_GMODE_TEXT_OBJECT)))
		return hp(dev, HPDF_Page_SetCMYKFill(dev->page, k[0], k[1], k[2], k[3]));
	if (put_op(dev, k, 4, "k\012"))
		return -1;
	attr->gstate->cmyk_fill = (HPDF_CMYKColor){k[0], k[1], k[2], k[3]};
	attr->gstate->cs_fill = HPDF_CS_DEVICE_CMYK;
	return 0;
}

static int set_stroke(pdf_dev *dev, tk_cmyk c)
{
	HPDF_REAL k[4] = {unit(c.c), unit(c.m), unit(c.y), unit(c.k)};
	if (HPDF_Page_GetStrokingColorSpace(dev->page) == HPDF_CS_DEVICE_CMYK) {
		HPDF_CMYKColor cur = HPDF_Page_GetCMYKStroke(dev->page);
		if (cur.c == k[0] && cur.m == k[1] && cur.y == k[2] && cur.k == k[3])
			return 0;
	}
	return hp(dev, HPDF_Page_SetCMYKStroke(dev->page, k[0], k[1], k[2], k[3]));
}

/* Builds p in PDF space. Returns 1 when a path was built, 0 when p is empty (the
 * caller must then not paint), -1 on error. s scales the PDF coordinates down
 * (for strokes drawn under a scaled matrix). */
/* A path made only of axis-parallel rectangles all wound the same way (a QR code
 * is hundreds of them, a background or a clip one) is written with 're': one
 * libharu call and one operator per rectangle instead of five, and the same area
 * under the non-zero rule, since no rectangle winds against another. Returns 1
 * when written so, 0 when p is something else (nothing written), -1 on error. */
static size_t fmt4(char *out, double v);
static double round4(double v);

static int build_rects(pdf_dev *dev, const tk_path *p, const tk_matrix *t, double s)
{
	if (p->n_ops % 5 != 0 || p->n_pts != p->n_ops / 5 * 4)
		return 0;
	int wind = 0;
	for (int i = 0; i < p->n_ops; i += 5) {
		if (p->ops[i] != TK_PATH_MOVE || p->ops[i + 1] != TK_PATH_LINE ||
		    p->ops[i + 2] != TK_PATH_LINE || p->ops[i + 3] != TK_PATH_LINE ||
		    p->ops[i + 4] != TK_PATH_CLOSE)
			return 0;
		const double *q = p->pts + i / 5 * 8;
		for (int k = 0; k < 8; k++)
			if (!isfinite(q[k]))
				return 0;
		int h = q[1] == q[3] && q[2] == q[4] && q[5] == q[7] && q[6] == q[0];
		int v = q[0] == q[2] && q[3] == q[5] && q[4] == q[6] && q[7] == q[1];
		if (!h && !v)
			return 0;
		double area = (q[2] - q[0]) * (q[5] - q[1]) - (q[4] - q[0]) * (q[3] - q[1]);
		int w = area > 0 ? 1 : area < 0 ? -1 : 0;
		if (w == 0 || (wind && w != wind))
			return 0;
		wind = w;
	}
	/* Only under a matrix that keeps rectangles axis-parallel. */
	if (t->b != 0 || t->c != 0)
		return 0;
	/* The first through libharu, which then knows a path is being built (its Fill
	 * checks that); the rest written straight into the content stream, as the
	 * text is (show_pending): a QR code is hundreds of rectangles, and libharu
	 * spends some 1,500 instructions on each. */
	char b[4 * 24 + 8];
	HPDF_PageAttr attr = dev->page->attr;
	for (int i = 0; i < p->n_ops; i += 5) {
		const double *q = p->pts + i / 5 * 8;
		double x0 = q[0], y0 = q[1], x1 = q[4], y1 = q[5];
		tk_matrix_apply(t, &x0, &y0);
		tk_matrix_apply(t, &x1, &y1);
		double lx = fmin(x0, x1) / s, ly = fmin(y0, y1) / s;
		double w = fabs(x1 - x0) / s, h = fabs(y1 - y0) / s;
		if (i == 0) {
			if (hp(dev, HPDF_Page_Rectangle(dev->page, (HPDF_REAL)lx, (HPDF_REAL)ly,
			                                (HPDF_REAL)w, (HPDF_REAL)h)))
				return -1;
			continue;
		}
		size_t n = fmt4(b, round4(lx));
		b[n++] = ' ';
		n += fmt4(b + n, round4(ly));
		b[n++] = ' ';
		n += fmt4(b + n, round4(w));
		b[n++] = ' ';
		n += fmt4(b + n, round4(h));
		memcpy(b + n, " re\012", 4);
		n += 4;
		if (hp(dev, HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)b, (HPDF_UINT)n)))
			return -1;
	}
	return 1;
}

static int build_path(pdf_dev *dev, const tk_path *p, const tk_matrix *m, double s)
{
	if (!p || p->n_ops <= 0)
		return 0;
	tk_matrix t = to_pdf(dev, m);
	int r = build_rects(dev, p, &t, s);
	if (r != 0)
		return r;
	const double *pt = p->pts;
	int left = p->n_pts, open = 0;
	for (int i = 0; i < p->n_ops; i++) {
		double x[3], y[3];
		int need = p->ops[i] == TK_PATH_CURVE ? 3 : p->ops[i] == TK_PATH_CLOSE ? 0 : 1;
		if (need > left) {
			own_error(dev, "a path in the display list is missing points");
			return -1;
		}
		for (int j = 0; j < need; j++) {
			x[j] = pt[2 * j];
			y[j] = pt[2 * j + 1];
			if (!isfinite(x[j]) || !isfinite(y[j])) {
				own_error(dev, "a path in the display list has a non-finite point");
				return -1;
			}
			tk_matrix_apply(&t, &x[j], &y[j]);
			x[j] /= s;
			y[j] /= s;
		}
		pt += 2 * need;
		left -= need;
		/* HPDF_Page_MoveTo, LineTo, CurveTo and ClosePath, written here */
		HPDF_PageAttr attr = dev->page->attr;
		float v[6] = {(float)x[0], (float)y[0], (float)x[1], (float)y[1], (float)x[2],
		              (float)y[2]};
		int op = p->ops[i];
		if ((op == TK_PATH_LINE || op == TK_PATH_CURVE) && !open)
			op = TK_PATH_MOVE; /* a segment without a current point starts the path */
		HPDF_UINT16 need_mode = op == TK_PATH_MOVE
		                            ? HPDF_GMODE_PAGE_DESCRIPTION | HPDF_GMODE_PATH_OBJECT
		                            : HPDF_GMODE_PATH_OBJECT;
		if (op != TK_PATH_CLOSE && !(attr->gmode & need_mode)) {
			hp(dev, HPDF_Page_MoveTo(dev->page, v[0], v[1])); /* libharu's error */
			return -1;
		}
		switch (p->ops[i]) {
		case TK_PATH_MOVE:
			if (put_op(dev, v, 2, "m\012"))
				return -1;
			attr->cur_pos = attr->str_pos = (HPDF_Point){v[0], v[1]};
			attr->gmode = HPDF_GMODE_PATH_OBJECT;
			open = 1;
			break;
		case TK_PATH_LINE:
			if (put_op(dev, v, 2, open ? "l\012" : "m\012"))
				return -1;
			attr->cur_pos = (HPDF_Point){v[0], v[1]};
			if (!open)
				attr->str_pos = attr->cur_pos;
			attr->gmode = HPDF_GMODE_PATH_OBJECT;
			open = 1;
			break;
		case TK_PATH_CURVE:
			if (!open) {
				if (put_op(dev, v, 2, "m\012"))
					return -1;
				attr->str_pos = (HPDF_Point){v[0], v[1]};
				attr->gmode = HPDF_GMODE_PATH_OBJECT;
			}
			if (put_op(dev, v, 6, "c\012"))
				return -1;
			attr->cur_pos = (HPDF_Point){v[4], v[5]};
			open = 1;
			break;
		case TK_PATH_CLOSE:
			if (open) {
				if (hp(dev, HPDF_Stream_WriteStr(attr->stream, "h\012")))
					return -1;
				attr->cur_pos = attr->str_pos;
			}
			break;
		default:
			own_error(dev, "unknown path operation in the display list");
			return -1;
		}
	}
	return open;
}

/* ---- fonts, images, text --------------------------------------------------- */

/* libharu 2.3.0 maps a character to its glyph by a linear scan of the font's cmap
 * segments, and it is asked for every character drawn (its widths) and for each
 * one in a font's CIDToGIDMap, /W and the check for missing glyphs. Its own calls
 * go through the dynamic linker, so this definition takes their place: the same
 * lookup with a binary search over the segments, which the TrueType specification
 * requires to be sorted by end code (the scan relies on that order as well). The
 * results are libharu's: format 0 by table, format 4 by delta or glyph array. */
HPDF_UINT16 HPDF_TTFontDef_GetGlyphid(HPDF_FontDef fontdef, HPDF_UINT16 unicode)
{
	HPDF_TTFontDefAttr attr = (HPDF_TTFontDefAttr)fontdef->attr;
	const HPDF_TTF_CmapRange *cm = &attr->cmap;
	if (cm->format == 0)
		return cm->glyph_id_array[unicode & 0xFF];
	if (cm->seg_count_x2 == 0) {
		HPDF_SetError(fontdef->error, HPDF_TTF_INVALID_CMAP, 0);
		return 0;
	}
	/* The characters of a font are asked for in order when it is written, so
	 * the segment of the last answer, or the one after it, is tried first;
	 * the test is the binary search's own (first segment whose end >= unicode),
	 * so a remembered segment of another font cannot give a wrong answer. */
	static _Thread_local unsigned last;
	unsigned n = cm->seg_count_x2 / 2u, lo = 0, hi = n; /* first end >= unicode */
	if (last < n && cm->end_count[last] >= unicode &&
	    (last == 0 || cm->end_count[last - 1] < unicode)) {
		lo = last;
	} else if (last + 1 < n && cm->end_count[last] < unicode &&
	           cm->end_count[last + 1] >= unicode) {
		lo = last + 1;
	} else {
		while (lo < hi) {
			unsigned mid = (lo + hi) / 2;
			if (cm->end_count[mid] < unicode)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	last = lo;
	if (lo == n || cm->start_count[lo] > unicode)
		return 0;
	if (cm->id_range_offset[lo] == 0)
		return (HPDF_UINT16)(unicode + cm->id_delta[lo]);
	unsigned idx = cm->id_range_offset[lo] / 2u + (unsigned)(unicode - cm->start_count[lo]) -
	               (n - lo);
	if (idx >= cm->glyph_id_array_count)
		return 0;
	return (HPDF_UINT16)(cm->glyph_id_array[idx] + cm->id_delta[lo]);
}

/* libharu's width of a character (HPDF_TTFontDef_GetCharWidth) looks the glyph up
 * and scales its advance on every call, some 90 instructions, and trykk asks for
 * every glyph it writes, twice; the first call for a glyph also marks it for the
 * font subset (with the glyphs a composite one is made of). So the first call for
 * a code point in a document goes to libharu, and the answer is remembered (per
 * font definition, on the device writing on this thread) for the calls after it,
 * which libharu would answer the same way, marking nothing new. */
typedef HPDF_INT16 (*char_width_fn)(HPDF_FontDef, HPDF_UINT16);
static char_width_fn libharu_char_width;
static void find_char_width(void)
{
	*(void **)&libharu_char_width = dlsym(RTLD_NEXT, "HPDF_TTFontDef_GetCharWidth");
}
/* The device whose PDF this thread is writing (libharu's calls bring only the font
 * definition). Per thread: a document's print PDF may be written on a thread of
 * its own (tk_pdf_pipe) while another is written here. */
static _Thread_local pdf_dev *writing;

HPDF_INT16 HPDF_TTFontDef_GetCharWidth(HPDF_FontDef fontdef, HPDF_UINT16 unicode)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, find_char_width);
	if (!libharu_char_width)
		return 0;
	pdf_dev *dev = writing;
	uint32_t *w = NULL;
	if (dev) {
		for (int i = 0; i < dev->n_widths && !w; i++)
			if (dev->widths[i].def == fontdef)
				w = dev->widths[i].w;
		if (!w && dev->n_widths < (int)(sizeof dev->widths / sizeof dev->widths[0])) {
			w = tk_xcalloc(65536, sizeof *w);
			dev->widths[dev->n_widths].def = fontdef;
			dev->widths[dev->n_widths++].w = w;
		}
	}
	HPDF_TTFontDefAttr attr = (HPDF_TTFontDefAttr)fontdef->attr;
	if (w && w[unicode]) {
		unsigned gid = (w[unicode] >> 16) - 1;
		if (gid < attr->num_glyphs && attr->glyph_tbl.flgs[gid])
			return (HPDF_INT16)(uint16_t)(w[unicode] & 0xFFFF);
	}
	HPDF_INT16 width = libharu_char_width(fontdef, unicode);
	if (w) {
		HPDF_UINT16 gid = HPDF_TTFontDef_GetGlyphid(fontdef, unicode);
		if (gid < attr->num_glyphs && attr->glyph_tbl.flgs[gid])
			w[unicode] = ((uint32_t)gid + 1) << 16 | (uint16_t)width;
	}
	return width;
}

/* libharu 2.3.0 copies and clears memory a byte at a time (HPDF_MemCpy,
 * HPDF_MemSet), and most page operators (MoveTextPos, Rectangle, SetCMYKFill,
 * ...) clear a 512-byte buffer on every call: a sixth of a 100-card job went to
 * that loop. Its calls go through the dynamic linker, so these definitions take
 * their place, with the same results: both return the end of what they wrote,
 * and an overlapping copy goes forward byte by byte as libharu's does. */
void *HPDF_MemSet(void *s, HPDF_BYTE c, HPDF_UINT n)
{
	memset(s, c, n);
	return (HPDF_BYTE *)s + n;
}

HPDF_BYTE *HPDF_MemCpy(HPDF_BYTE *out, const HPDF_BYTE *in, HPDF_UINT n)
{
	if (n == 2) { /* a font object's glyph map is made two bytes at a time */
		out[0] = in[0];
		out[1] = in[1];
		return out + 2;
	}
	if (n <= 8) { /* libharu's own loop: most of its copies are a few bytes */
		while (n--)
			*out++ = *in++;
		return out;
	}
	if (out <= in || out >= in + n) {
		memmove(out, in, n);
		return out + n;
	}
	while (n--)
		*out++ = *in++;
	return out;
}

/* libharu 2.3.0 appends the subfamily to the PostScript name when it is not
 * "Regular" ("Lato-Bold,Bold") and sets ForceBold for it: a convention for fonts
 * that are not embedded. The fonts here are embedded and already bold, so the
 * PostScript name is restored (pdffonts and Acrobat then show "Lato-Bold") before
 * the font object, which copies the name, is made. */
static void plain_name(HPDF_FontDef def)
{
	HPDF_TTFontDefAttr attr = def->attr;
	char *comma = strchr(def->base_font, ',');
	if (comma)
		*comma = 0;
	comma = strchr(attr->base_font, ',');
	if (comma)
		*comma = 0;
	def->flags &= ~HPDF_FONT_FOURCE_BOLD;
}

/* libharu writes a stream's /Filter from its filter flags and drops the key when
 * they are NONE, as they are for streams compressed here (so that it writes the
 * bytes as they are); the key is written by this hook instead, after the others. */
static HPDF_STATUS write_flate_filter(HPDF_Dict dict, HPDF_Stream stream)
{
	(void)dict;
	return HPDF_Stream_WriteStr(stream, "/Filter /FlateDecode\012");
}

/* Replaces what a libharu memory stream holds with n bytes, in one block of
 * exactly that size: libharu's blocks are 4 KiB, and a document holds thousands
 * of small compressed page streams until it is saved. */
static HPDF_STATUS fill_stream(HPDF_Stream s, const void *data, size_t n)
{
	HPDF_MemStream_FreeData(s);
	HPDF_MemStreamAttr ma = s->attr;
	if (n > 0 && n <= 0xFFFFFFFFu) {
		/* no block and no room: the next write makes a block of n bytes */
		ma->buf_siz = (HPDF_UINT)n;
		ma->w_pos = ma->buf_siz;
	}
	return HPDF_Stream_Write(s, data, (HPDF_UINT)n);
}

/* The bytes of a libharu memory stream (malloc'd, *len bytes), or NULL. */
static unsigned char *stream_bytes(HPDF_Stream s, size_t *len)
{
	size_t n = s->size, at = 0;
	unsigned char *raw = tk_xmalloc(n ? n : 1);
	HPDF_UINT count = HPDF_MemStream_GetBufCount(s);
	for (HPDF_UINT i = 0; i < count && at < n; i++) {
		HPDF_UINT blen = 0;
		HPDF_BYTE *p = HPDF_MemStream_GetBufPtr(s, i, &blen);
		if (!p || blen > n - at)
			break;
		memcpy(raw + at, p, blen);
		at += blen;
	}
	if (at != n) {
		free(raw);
		return NULL;
	}
	*len = n;
	return raw;
}

/* What a libharu memory stream holds, compressed at the fastest level (malloc'd,
 * *zlen bytes, at most 4 GiB), or NULL. The streams trykk makes here (pages,
 * forms, font subsets, glyph maps) are small and many: libdeflate compresses them
 * in a third of zlib's time at its own fastest level, as one whole buffer with the
 * compressor of the device writing on this thread (zlib, tk_deflate, where there is
 * none). Pictures, large, go to tk_deflate, which splits them over the cores. */
static unsigned char *stream_deflated(HPDF_Stream s, size_t *zlen)
{
	size_t n = 0;
	unsigned char *raw = stream_bytes(s, &n);
	unsigned char *z = NULL;
	struct libdeflate_compressor *zc = writing ? writing->zc : NULL;
	if (raw && zc) {
		size_t cap = libdeflate_zlib_compress_bound(zc, n);
		z = tk_xmalloc(cap);
		*zlen = libdeflate_zlib_compress(zc, raw, n, z, cap);
		if (*zlen == 0) { /* cannot happen with the bound; zlib then */
			free(z);
			z = NULL;
		}
	}
	if (raw && !z)
		z = tk_deflate(raw, n, Z_BEST_SPEED, 1, zlen);
	free(raw);
	if (z && *zlen > 0xFFFFFFFFu) {
		free(z);
		z = NULL;
	}
	return z;
}

/* Compresses what a libharu stream dictionary holds (in memory) in place
 * (stream_deflated), and marks it so that libharu writes it as it is. A stream of
 * another kind is left to libharu. */
static HPDF_STATUS deflate_in_place(HPDF_Dict dict)
{
	HPDF_Stream s = dict->stream;
	if (!s || s->type != HPDF_STREAM_MEMORY || dict->write_fn)
		return HPDF_OK; /* not in memory, or compressed here already */
	size_t zlen = 0;
	unsigned char *z = stream_deflated(s, &zlen);
	if (!z)
		return HPDF_ZLIB_ERROR;
	HPDF_STATUS st = fill_stream(s, z, zlen);
	free(z);
	if (st == HPDF_OK) {
		dict->filter = HPDF_STREAM_FILTER_NONE;
		dict->write_fn = write_flate_filter;
	}
	return st;
}

/* ---- font files --------------------------------------------------------- */

/* libharu reads a TrueType font file (HPDF_LoadTTFontFromFile) two and four bytes
 * at a time through stdio, clearing the buffer before each fread: some 12,000
 * reads a font and PDF, a tenth of a small job. Its own call goes through the
 * dynamic linker, so this definition of its file reader takes the place of
 * libharu's: the same reads served from a buffer of 16 KiB, filled with pread
 * where the read is. It behaves as libharu's: a read that reaches the end fills
 * what it can, clears the rest and answers HPDF_STREAM_EOF; a seek may go past
 * the end (reads there find the end) but not before the start. Fonts are the only
 * files trykk has libharu read. */
enum { FONT_BUF = 16384 };
typedef struct font_file {
	int fd;
	size_t len, pos; /* the file's length (when opened); where the next read is */
	size_t at, n;    /* buf holds n bytes from offset at */
	unsigned char buf[FONT_BUF];
} font_file;

/* Reads up to want bytes at off into p; the number read, or -1. */
static long long pread_full(int fd, unsigned char *p, size_t want, size_t off)
{
	size_t got = 0;
	while (got < want) {
		ssize_t k = pread(fd, p + got, want - got, (off_t)(off + got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (long long)got;
}

static HPDF_STATUS font_file_read(HPDF_Stream s, HPDF_BYTE *ptr, HPDF_UINT *siz)
{
	font_file *f = s->attr;
	size_t want = *siz;
	if (f->pos >= f->at && f->pos - f->at <= f->n && f->n - (f->pos - f->at) >= want) {
		memcpy(ptr, f->buf + (f->pos - f->at), want); /* the usual case */
		f->pos += want;
		return HPDF_OK;
	}
	size_t have = f->pos < f->len ? f->len - f->pos : 0;
	size_t take = want < have ? want : have, got = 0;
	if (take > FONT_BUF) {
		long long k = pread_full(f->fd, ptr, take, f->pos);
		if (k < 0)
			return HPDF_SetError(s->error, HPDF_FILE_IO_ERROR, (HPDF_STATUS)errno);
		got = (size_t)k;
	} else if (take > 0) {
		long long k = pread_full(f->fd, f->buf, FONT_BUF < have ? FONT_BUF : have, f->pos);
		if (k < 0)
			return HPDF_SetError(s->error, HPDF_FILE_IO_ERROR, (HPDF_STATUS)errno);
		f->at = f->pos;
		f->n = (size_t)k;
		got = take < f->n ? take : f->n;
		memcpy(ptr, f->buf, got);
	}
	f->pos += got;
	if (got == want)
		return HPDF_OK;
	memset(ptr + got, 0, want - got);
	*siz = (HPDF_UINT)got;
	return HPDF_STREAM_EOF;
}

static HPDF_STATUS font_file_seek(HPDF_Stream s, HPDF_INT pos, HPDF_WhenceMode mode)
{
	font_file *f = s->attr;
	long long to = pos;
	if (mode == HPDF_SEEK_CUR)
		to += (long long)f->pos;
	else if (mode == HPDF_SEEK_END)
		to += (long long)f->len;
	if (to < 0 || to > INT32_MAX)
		return HPDF_SetError(s->error, HPDF_FILE_IO_ERROR, EINVAL);
	f->pos = (size_t)to;
	return HPDF_OK;
}

static HPDF_INT32 font_file_tell(HPDF_Stream s)
{
	return (HPDF_INT32)((font_file *)s->attr)->pos;
}

static HPDF_UINT32 font_file_size(HPDF_Stream s)
{
	return (HPDF_UINT32)((font_file *)s->attr)->len;
}

static void font_file_free(HPDF_Stream s)
{
	font_file *f = s->attr;
	if (!f)
		return;
	close(f->fd);
	HPDF_FreeMem(s->mmgr, f);
	s->attr = NULL;
}

HPDF_Stream HPDF_FileReader_New(HPDF_MMgr mmgr, const char *fname)
{
	int fd = open(fname, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		HPDF_SetError(mmgr->error, HPDF_FILE_OPEN_ERROR, (HPDF_STATUS)errno);
		return NULL;
	}
	struct stat st;
	int bad = fstat(fd, &st) != 0 ? errno : !S_ISREG(st.st_mode) ? EISDIR
	                                      : st.st_size > INT32_MAX ? EFBIG : 0;
	if (bad) {
		close(fd);
		HPDF_SetError(mmgr->error, HPDF_FILE_IO_ERROR, (HPDF_STATUS)bad);
		return NULL;
	}
	font_file *f = HPDF_GetMem(mmgr, sizeof *f);
	HPDF_Stream s = f ? HPDF_CallbackReader_New(mmgr, font_file_read, font_file_seek,
	                                            font_file_tell, font_file_size, f)
	                  : NULL;
	if (!s) {
		if (f)
			HPDF_FreeMem(mmgr, f);
		close(fd);
		return NULL;
	}
	f->fd = fd;
	f->len = (size_t)st.st_size;
	f->pos = f->at = f->n = 0;
	s->free_fn = font_file_free;
	return s;
}

/* ---- font subsets kept between builds ------------------------------------- */

/* libharu makes the subset of a TrueType font (HPDF_TTFontDef_SaveFontData) when
 * the PDF is saved: it reads the font file back table by table, in reads of a few
 * bytes, and the subset is then compressed; some 16 million instructions per
 * font and PDF, a fifth of a small job. The subset depends only on the font file
 * and the glyphs used, so it is kept in the build's cache (img/cache.h), already
 * compressed, under a key made of the font file's identity (tk_file_id) and the
 * glyphs used. libharu's calls to SaveFontData go through the dynamic linker,
 * so this definition takes their place and calls libharu's own for a subset it
 * has not kept. The bytes are those libharu would write, compressed as
 * deflate_in_place compresses them. */
/* (writing, above: the device whose PDF this thread is writing, since libharu's
 * call brings only the font definition: its fonts, its cache, and the FontFile2
 * streams filled compressed here.) */
typedef HPDF_STATUS (*save_font_fn)(HPDF_FontDef, HPDF_Stream);

/* Remembers that stream holds a font subset compressed already. */
static void compressed_here(pdf_dev *dev, HPDF_Stream stream)
{
	if (dev->n_done == dev->done_cap) {
		dev->done_cap = dev->done_cap ? 2 * dev->done_cap : 8;
		dev->done = tk_xrealloc(dev->done, (size_t)dev->done_cap * sizeof *dev->done);
	}
	dev->done[dev->n_done++] = stream;
}


HPDF_STATUS HPDF_TTFontDef_SaveFontData(HPDF_FontDef fontdef, HPDF_Stream stream)
{
	static save_font_fn libharu_save;
	if (!libharu_save) {
		*(void **)&libharu_save = dlsym(RTLD_NEXT, "HPDF_TTFontDef_SaveFontData");
		if (!libharu_save)
			return HPDF_SetError(fontdef->error, HPDF_INVALID_FONTDEF_DATA, 0);
	}
	pdf_dev *dev = writing;
	const char *path = NULL;
	for (int i = 0; dev && i < dev->fonts_cap && !path; i++)
		if (dev->fonts[i].hf && dev->fonts[i].def == fontdef)
			path = dev->fonts[i].font->path;
	HPDF_TTFontDefAttr attr = fontdef->attr;
	unsigned char fp[TK_FILE_ID], key[TK_PIXCACHE_KEY];
	int keyed = path && dev->cache && stream->type == HPDF_STREAM_MEMORY &&
	            attr->glyph_tbl.flgs && tk_file_id(path, fp) == 0;
	if (keyed) {
		/* The subset tag ("HPDFAA+", by the order fonts were loaded) is written
		 * into the font's name table, so it is part of the key, as are the
		 * names libharu writes there. */
		const void *parts[5] = {fp, attr->glyph_tbl.flgs, attr->tag_name, attr->tag_name2,
		                        attr->base_font};
		size_t lens[5] = {sizeof fp, attr->num_glyphs, sizeof attr->tag_name,
		                  sizeof attr->tag_name2, sizeof attr->base_font};
		keyed = tk_pixcache_key_of(dev->cache, "font subset", parts, lens, 5, key) == 0;
	}
	size_t len = 0;
	unsigned char *kept = keyed ? tk_pixcache_blob_get(dev->cache, key, &len) : NULL;
	/* kept: the uncompressed length (8 bytes), then the compressed subset */
	if (kept && len > 8) {
		unsigned long long l1 = 0;
		for (int i = 0; i < 8; i++)
			l1 |= (unsigned long long)kept[i] << (8 * i);
		HPDF_STATUS st = HPDF_Stream_Write(stream, kept + 8, (HPDF_UINT)(len - 8));
		free(kept);
		if (st != HPDF_OK)
			return st;
		attr->length1 = (HPDF_UINT)l1;
		compressed_here(dev, stream);
		return HPDF_OK;
	}
	free(kept);
	HPDF_STATUS st = libharu_save(fontdef, stream);
	if (st != HPDF_OK || !keyed)
		return st;
	/* Kept compressed, and the stream made compressed at once. */
	len = stream->size;
	size_t zlen = 0;
	unsigned char *z = stream_deflated(stream, &zlen);
	if (!z)
		return st; /* left to deflate_in_place */
	unsigned char *blob = tk_xmalloc(zlen + 8);
	for (int i = 0; i < 8; i++)
		blob[i] = (unsigned char)((unsigned long long)len >> (8 * i));
	memcpy(blob + 8, z, zlen);
	tk_pixcache_blob_put(dev->cache, key, blob, zlen + 8);
	free(blob);
	HPDF_MemStream_FreeData(stream);
	st = HPDF_Stream_Write(stream, z, (HPDF_UINT)zlen);
	free(z);
	if (st == HPDF_OK)
		compressed_here(dev, stream);
	return st;
}

/* libharu makes a TrueType font's FontFile2 (the subset font) and fills its
 * CIDToGIDMap only when the PDF is saved, in the Type0 font's before-write hook,
 * and deflates them at the default level: a fifth of a card job, twice (pages
 * and sheets). This hook runs libharu's and then compresses both at
 * Z_BEST_SPEED. libharu's hook is the same function for every such font. */
static HPDF_Dict_BeforeWriteFunc font_before_write_libharu; /* set once, same value */

static HPDF_STATUS small_map(const font_slot *fs, HPDF_Stream s);

static HPDF_STATUS font_before_write(HPDF_Dict font)
{
	HPDF_STATUS st = font_before_write_libharu ? font_before_write_libharu(font) : HPDF_OK;
	HPDF_FontAttr fa = font->attr;
	if (st != HPDF_OK || !fa)
		return st;
	if (fa->map_stream) {
		const font_slot *fs = NULL;
		for (int i = 0; writing && i < writing->fonts_cap && !fs; i++)
			if (writing->fonts[i].hf == font && writing->fonts[i].used)
				fs = &writing->fonts[i];
		if (fs && fa->map_stream->stream && fa->map_stream->stream->type == HPDF_STREAM_MEMORY &&
		    !fa->map_stream->write_fn && (st = small_map(fs, fa->map_stream->stream)) != HPDF_OK)
			return st;
		if ((st = deflate_in_place(fa->map_stream)) != HPDF_OK)
			return st;
	}
	HPDF_Dict desc = fa->fontdef ? fa->fontdef->descriptor : NULL;
	HPDF_Dict file = desc ? HPDF_Dict_GetItem(desc, "FontFile2", HPDF_OCLASS_DICT) : NULL;
	for (int i = 0; file && writing && i < writing->n_done; i++)
		if (writing->done[i] == file->stream) { /* compressed already */
			file->filter = HPDF_STREAM_FILTER_NONE;
			file->write_fn = write_flate_filter;
			return HPDF_OK;
		}
	return file ? deflate_in_place(file) : HPDF_OK;
}

/* libharu (2.3.0) makes a CIDFont's CIDToGIDMap and widths (/W) for all 65,536
 * codes of the BMP when the encoder is UTF-8: each looked up in the font, then
 * the widths of all of them, then a map of 128 KiB; some seven million
 * instructions a font and PDF, the largest fixed cost of a small job. Both are
 * made again for the characters drawn when the font is written (small_widths,
 * small_map). For an encoder with a map of codes to CIDs, libharu walks that map
 * instead; so the font object is made while the UTF-8 encoder shows libharu such
 * a map of one CID (a copy of the encoder's record in which only CID 1 is mapped;
 * code space, names and CMap ranges are the encoder's own), and the encoder is
 * given back its record and its function at once. */
static HPDF_Font new_font(pdf_dev *dev, const char *name)
{
	HPDF_Encoder enc = HPDF_GetEncoder(dev->pdf, "UTF-8");
	if (!enc || !enc->attr || enc->type != HPDF_ENCODER_TYPE_DOUBLE_BYTE)
		return HPDF_GetFont(dev->pdf, name, "UTF-8"); /* reports the error */
	if (!dev->bare_utf8) {
		dev->bare_utf8 = tk_xmalloc(sizeof *dev->bare_utf8);
		memcpy(dev->bare_utf8, enc->attr, sizeof *dev->bare_utf8);
		memset(dev->bare_utf8->cid_map, 0, sizeof dev->bare_utf8->cid_map);
		dev->bare_utf8->cid_map[0][1] = 1; /* libharu refuses a map of none */
	}
	void *own = enc->attr;
	HPDF_Encoder_ToUnicode_Func own_fn = enc->to_unicode_fn;
	enc->attr = dev->bare_utf8;
	enc->to_unicode_fn = HPDF_CMapEncoder_ToUnicode;
	HPDF_Font hf = HPDF_GetFont(dev->pdf, name, "UTF-8");
	enc->attr = own;
	enc->to_unicode_fn = own_fn;
	return hf;
}

static font_slot *font_get(pdf_dev *dev, const tk_font *f)
{
	if (f->id < 0 || f->id >= MAX_ID) {
		own_error(dev, "font '%s' has an invalid id (%d)", f->path, f->id);
		return NULL;
	}
	if (f->id >= dev->fonts_cap) {
		int cap = dev->fonts_cap ? dev->fonts_cap : 8;
		while (cap <= f->id)
			cap *= 2;
		dev->fonts = tk_xrealloc(dev->fonts, (size_t)cap * sizeof *dev->fonts);
		memset(dev->fonts + dev->fonts_cap, 0,
		       (size_t)(cap - dev->fonts_cap) * sizeof *dev->fonts);
		dev->fonts_cap = cap;
	}
	font_slot *s = &dev->fonts[f->id];
	if (s->alias)
		return &dev->fonts[s->alias - 1];
	if (s->hf)
		return s;
	/* The same file under another id (layout interns fonts, but a second load
	 * would fail in libharu with "font exists") shares the first one's slot. */
	for (int i = 0; i < dev->fonts_cap; i++) {
		const font_slot *o = &dev->fonts[i];
		if (o->hf && o->font->face_index == f->face_index &&
		    strcmp(o->font->path, f->path) == 0) {
			s->alias = i + 1;
			return &dev->fonts[i];
		}
	}
	snprintf(dev->what, sizeof dev->what, "loading font '%s'", f->path);
	const char *name =
	    f->face_index > 0
	        ? HPDF_LoadTTFontFromFile2(dev->pdf, f->path, (HPDF_UINT)f->face_index, HPDF_TRUE)
	        : HPDF_LoadTTFontFromFile(dev->pdf, f->path, HPDF_TRUE);
	if (hp_obj(dev, name))
		return NULL;
	HPDF_FontDef def = HPDF_GetFontDef(dev->pdf, name);
	if (hp_obj(dev, def))
		return NULL;
	plain_name(def);
	name = def->base_font;
	HPDF_Font hf = new_font(dev, name);
	if (hp_obj(dev, hf))
		return NULL;
	if (hf->before_write_fn && hf->before_write_fn != font_before_write) {
		font_before_write_libharu = hf->before_write_fn;
		hf->before_write_fn = font_before_write;
	}
	s->font = f;
	s->hf = hf;
	s->def = def;
	s->name = name;
	s->used = tk_xcalloc(0x10000 / 8, 1);
	snprintf(dev->what, sizeof dev->what, "drawing page %d", dev->page_no);
	return s;
}

/* An image XObject of w x h pixels of 8-bit DeviceCMYK (4 bytes a pixel) or
 * DeviceGray (1), compressed here rather than by libharu: libharu would keep the
 * raw pixels until the PDF is saved and then deflate them at zlib's default
 * level, which was half the time of a poster with a picture. Here they are
 * compressed at once at Z_BEST_SPEED (flat print graphics compress almost as
 * well; photographs lose a few per cent), in pieces on every core (tk_deflate:
 * the same bytes whatever the number of threads), and only the compressed
 * stream is kept. */
static HPDF_Dict image_xobject(pdf_dev *dev, const unsigned char *px, int w, int h, int cmyk,
                               const unsigned char *given_z, size_t given_len)
{
	size_t n = (size_t)w * (size_t)h * (cmyk ? 4 : 1), zlen = given_len;
	/* Planes compressed already (by the picture cache, tk_image.cmyk_z) are
	 * the same bytes, made once. */
	unsigned char *z = given_z ? NULL
	                           : tk_deflate(px, n, Z_BEST_SPEED, tk_deflate_threads(), &zlen);
	if ((!z && !given_z) || zlen > 0xFFFFFFFFu) {
		free(z);
		hp(dev, HPDF_ZLIB_ERROR);
		return NULL;
	}
	HPDF_Dict im = HPDF_DictStream_New(dev->pdf->mmgr, dev->pdf->xref);
	if (hp_obj(dev, im)) {
		free(z);
		return NULL;
	}
	/* What HPDF_Image_Validate, AddSMask and ExecuteXObject check for. */
	im->header.obj_class |= HPDF_OSUBCLASS_XOBJECT;
	im->filter = HPDF_STREAM_FILTER_NONE;
	im->write_fn = write_flate_filter;
	int bad = hp(dev, HPDF_Dict_AddName(im, "Type", "XObject")) ||
	          hp(dev, HPDF_Dict_AddName(im, "Subtype", "Image")) ||
	          hp(dev, HPDF_Dict_AddName(im, "ColorSpace", cmyk ? "DeviceCMYK" : "DeviceGray")) ||
	          hp(dev, HPDF_Dict_AddNumber(im, "Width", w)) ||
	          hp(dev, HPDF_Dict_AddNumber(im, "Height", h)) ||
	          hp(dev, HPDF_Dict_AddNumber(im, "BitsPerComponent", 8)) ||
	          hp(dev, fill_stream(im->stream, z ? z : given_z, zlen));
	free(z);
	return bad ? NULL : im;
}

static HPDF_Image image_get(pdf_dev *dev, const tk_image *img)
{
	if (img->id < 0 || img->id >= MAX_ID) {
		own_error(dev, "image '%s' has an invalid id (%d)", img->path, img->id);
		return NULL;
	}
	if (img->id >= dev->images_cap) {
		int cap = dev->images_cap ? dev->images_cap : 8;
		while (cap <= img->id)
			cap *= 2;
		dev->images = tk_xrealloc(dev->images, (size_t)cap * sizeof *dev->images);
		memset(dev->images + dev->images_cap, 0,
		       (size_t)(cap - dev->images_cap) * sizeof *dev->images);
		dev->images_cap = cap;
	}
	if (dev->images[img->id])
		return dev->images[img->id];
	if (img->width <= 0 || img->height <= 0 || (!img->cmyk && !img->cmyk_z) ||
	    (img->has_alpha && !img->alpha && !img->alpha_z)) {
		own_error(dev, "image '%s' has no CMYK pixels", img->path);
		return NULL;
	}
	if ((size_t)img->width * (size_t)img->height > TK_IMAGE_MAX_PIXELS) {
		own_error(dev, "image '%s' is larger than the limit", img->path);
		return NULL;
	}
	snprintf(dev->what, sizeof dev->what, "embedding image '%s'", img->path);
	HPDF_Image im = image_xobject(dev, img->cmyk, img->width, img->height, 1, img->cmyk_z,
	                              img->cmyk_z_len);
	if (!im)
		return NULL;
	if (img->has_alpha) {
		HPDF_Image mask = image_xobject(dev, img->alpha, img->width, img->height, 0,
		                                img->alpha_z, img->alpha_z_len);
		if (!mask || hp(dev, HPDF_Image_AddSMask(im, mask)))
			return NULL;
	}
	dev->images[img->id] = im;
	snprintf(dev->what, sizeof dev->what, "drawing page %d", dev->page_no);
	return im;
}

/* Decodes one UTF-8 sequence at s (n bytes left). Returns its length and the code
 * point in *cp, or 0 for an invalid sequence. */
static int utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	int len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
	if (len == 0 || (size_t)len > n || s[0] > 0xF4)
		return 0;
	uint32_t c = s[0] & (0x7F >> len);
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
	if (c < min[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

/* Characters that draw nothing: controls, the soft hyphen, and the format and
 * variation characters fonts often lack (libharu would print .notdef boxes). */
static int invisible(uint32_t c)
{
	return c < 0x20 || (c >= 0x7F && c < 0xA0) || c == 0xAD || c == 0x34F ||
	       (c >= 0x180B && c <= 0x180F) || (c >= 0x200B && c <= 0x200F) ||
	       (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x206F) ||
	       (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFEFF;
}

/* Copies the characters of a cluster that libharu can draw into dev->text and
 * marks them used in the font. Invisible characters are left out (a soft hyphen
 * that breaks a line arrives as "-"); characters beyond U+FFFF cannot be encoded
 * by libharu's UTF-8 encoder. Returns the byte length kept. */
static size_t cluster_text(pdf_dev *dev, font_slot *fs, const char *text, int len)
{
	if ((size_t)len + 1 > dev->text_cap) {
		dev->text_cap = (size_t)len + 64;
		dev->text = tk_xrealloc(dev->text, dev->text_cap);
	}
	const unsigned char *s = (const unsigned char *)text;
	size_t n = (size_t)len, out = 0;
	while (n > 0) {
		uint32_t cp;
		int k = utf8_next(s, n, &cp);
		if (k == 0) {
			s++;
			n--;
			continue;
		}
		if (cp > 0xFFFF) {
			if (!dev->dropped++)
				dev->first_dropped = cp;
		} else if (!invisible(cp)) {
			memcpy(dev->text + out, s, (size_t)k);
			out += (size_t)k;
			fs->used[cp >> 3] |= (uint8_t)(1u << (cp & 7));
		}
		s += k;
		n -= (size_t)k;
	}
	dev->text[out] = 0;
	return out;
}

/* Appends the n bytes of dev->text to the pending text (*len bytes so far). */
static void pend_append(pdf_dev *dev, size_t *len, size_t n)
{
	if (*len + n + 1 > dev->pend_cap) {
		dev->pend_cap = (*len + n + 1) * 2;
		dev->pend = tk_xrealloc(dev->pend, dev->pend_cap);
	}
	memcpy(dev->pend + *len, dev->text, n);
	*len += n;
	dev->pend[*len] = 0;
}

static double round4(double v)
{
	return round(v * 10000.0) / 10000.0;
}

/* ---- the device ------------------------------------------------------------ */

static HPDF_Page scratch_page(pdf_dev *dev, int form);
static void scratch_free(pdf_dev *dev, HPDF_Page p);
static void write_page(pdf_dev *dev, HPDF_Page p);

static void dev_begin_page(tk_device *base, const tk_page *pg, tk_matrix *m)
{
	pdf_dev *dev = (pdf_dev *)base;
	double off = pg->bleed + pg->slug;
	*m = tk_matrix_translate(off, off);
	dev->page = NULL;
	dev->page_no++;
	dev->clip_depth = 0;
	dev->transparency = 0;
	if (base->failed)
		return;
	snprintf(dev->what, sizeof dev->what, "starting page %d", dev->page_no);
	if (!(pg->w > 0) || !(pg->h > 0) || !(pg->bleed >= 0) || !(pg->slug >= 0) ||
	    !isfinite(off + pg->w + pg->h)) {
		own_error(dev, "page %d has an invalid trim size, bleed or slug", dev->page_no);
		return;
	}
	double mw = pg->w + 2 * off, mh = pg->h + 2 * off;
	dev->media_h = mh;
	dev->media_w = mw;
	dev->bleed_box = (HPDF_Box){(HPDF_REAL)pg->slug, (HPDF_REAL)pg->slug,
	                            (HPDF_REAL)(mw - pg->slug), (HPDF_REAL)(mh - pg->slug)};
	dev->trim_box = (HPDF_Box){(HPDF_REAL)off, (HPDF_REAL)off, (HPDF_REAL)(off + pg->w),
	                           (HPDF_REAL)(off + pg->h)};
	HPDF_Page p = scratch_page(dev, 0);
	if (!p)
		return;
	if (dev->base.failed) {
		scratch_free(dev, p);
		return;
	}
	dev->page = p;
	snprintf(dev->what, sizeof dev->what, "drawing page %d", dev->page_no);
}

/* Closes whatever is open on the page: a text object, a path left half-built by
 * an error, and saved graphics states. libharu's page only frees the innermost
 * graphics state, so leaving states saved would leak them, and unbalanced q/Q
 * would make a sloppy content stream. Runs even after an error. */
static void unwind(pdf_dev *dev)
{
	HPDF_Page p = dev->page;
	/* After an error libharu refuses every further write until the error is
	 * reset; it has been recorded in dev already. */
	if (dev->base.failed)
		HPDF_ResetError(dev->pdf);
	HPDF_UINT16 mode = HPDF_Page_GetGMode(p);
	if (mode == HPDF_GMODE_TEXT_OBJECT)
		hp(dev, HPDF_Page_EndText(p));
	else if (mode == HPDF_GMODE_PATH_OBJECT || mode == HPDF_GMODE_CLIPPING_PATH)
		hp(dev, HPDF_Page_EndPath(p));
	while (HPDF_Page_GetGStateDepth(p) > 1)
		if (hp(dev, HPDF_Page_GRestore(p)))
			break;
	dev->clip_depth = 0;
}

/* A finished form's content stream is compressed at once (stream_deflated), as
 * the pictures are, instead of by libharu when the PDF is saved, and kept in one
 * block until then. Nothing is drawn after it ends (unwind() has closed its text,
 * paths and states). */
static void compress_contents(pdf_dev *dev, HPDF_Page page)
{
	HPDF_PageAttr attr = page->attr;
	if (attr && attr->contents)
		hp(dev, deflate_in_place(attr->contents));
}

static void dev_end_page(tk_device *base, const tk_page *pg)
{
	pdf_dev *dev = (pdf_dev *)base;
	(void)pg;
	if (!dev->page)
		return;
	unwind(dev);
	if (!base->failed)
		write_page(dev, dev->page);
	scratch_free(dev, dev->page);
	dev->page = NULL;
}

/* ---- shared page bodies as form XObjects ---------------------------------- */

/* libharu's page calls draw into any page dictionary with its attributes, and
 * trykk's pages are such dictionaries of its own rather than libharu's (which
 * would stay in memory until the document is saved): a page is drawn into one,
 * written to the file when it ends (write_page) and freed; it is not in the
 * cross-reference table, and its resources are a dictionary of its own, written
 * inside the page object.
 *
 * libharu 2.3.0 has no form XObjects either: a form is drawn the same way, but its
 * content stream and resources are indirect objects; when the body is drawn, the
 * content stream becomes the form (/Subtype /Form, /BBox, /Resources) and the
 * scratch page is freed, leaving both to be written with libharu's objects. */
static HPDF_Page scratch_page(pdf_dev *dev, int form)
{
	HPDF_MMgr mm = dev->pdf->mmgr;
	HPDF_Page p = HPDF_Dict_New(mm);
	if (hp_obj(dev, p))
		return NULL;
	p->header.obj_class |= HPDF_OSUBCLASS_PAGE;
	HPDF_PageAttr attr = HPDF_GetMem(mm, sizeof *attr);
	if (hp_obj(dev, attr)) {
		HPDF_Dict_Free(p);
		return NULL;
	}
	memset(attr, 0, sizeof *attr);
	p->attr = attr;
	attr->gmode = HPDF_GMODE_PAGE_DESCRIPTION;
	attr->xref = dev->pdf->xref;
	attr->gstate = HPDF_GState_New(mm, NULL);
	if (form) {
		attr->contents = HPDF_DictStream_New(mm, dev->pdf->xref);
		if (attr->contents)
			attr->stream = attr->contents->stream;
	} else {
		attr->stream = HPDF_MemStream_New(mm, HPDF_STREAM_BUF_SIZ);
	}
	HPDF_Dict res = HPDF_Dict_New(mm);
	if (hp_obj(dev, attr->gstate) || hp_obj(dev, attr->stream) || hp_obj(dev, res))
		return p; /* the caller frees it (failed is set) */
	if (form && hp(dev, HPDF_Xref_Add(dev->pdf->xref, res)))
		return p;
	hp(dev, HPDF_Dict_Add(p, "Resources", res));
	return p;
}

static void scratch_free(pdf_dev *dev, HPDF_Page p)
{
	HPDF_PageAttr attr = p->attr;
	if (attr) {
		while (attr->gstate && attr->gstate->prev)
			attr->gstate = HPDF_GState_Free(dev->pdf->mmgr, attr->gstate);
		if (attr->gstate)
			HPDF_GState_Free(dev->pdf->mmgr, attr->gstate);
		if (!attr->contents && attr->stream)
			HPDF_Stream_Free(attr->stream); /* a page's own */
		HPDF_FreeMem(dev->pdf->mmgr, attr);
		p->attr = NULL;
	}
	HPDF_Dict_Free(p);
}

/* The form of body, drawn now if it is new. Form space is the body's trim with
 * the origin at its bottom-left corner, y up; /BBox is its media box. */
static form_slot *form_get(pdf_dev *dev, const tk_page *body, int depth)
{
	for (int i = 0; i < dev->n_forms; i++)
		if (dev->forms[i].body == body)
			return &dev->forms[i];
	HPDF_Page outer = dev->page;
	double outer_h = dev->media_h;
	int outer_clips = dev->clip_depth, outer_tr = dev->transparency;
	HPDF_Page sp = scratch_page(dev, 1);
	if (!sp)
		return NULL;
	HPDF_Dict form = ((HPDF_PageAttr)sp->attr)->contents;
	HPDF_Dict res = HPDF_Dict_GetItem(sp, "Resources", HPDF_OCLASS_DICT);
	int tr = 0;
	if (!dev->base.failed) {
		dev->page = sp;
		dev->media_h = body->h;
		dev->clip_depth = 0;
		dev->transparency = 0;
		tk_dl_run_items(&dev->base, body, &TK_IDENTITY, depth);
		unwind(dev);
		tr = dev->transparency;
		if (!dev->base.failed)
			compress_contents(dev, sp);
	}
	dev->page = outer;
	dev->media_h = outer_h;
	dev->clip_depth = outer_clips;
	dev->transparency = outer_tr;
	double o = body->bleed + body->slug;
	HPDF_Box box = {(HPDF_REAL)-o, (HPDF_REAL)-o, (HPDF_REAL)(body->w + o),
	                (HPDF_REAL)(body->h + o)};
	if (!dev->base.failed) {
		form->header.obj_class |= HPDF_OSUBCLASS_XOBJECT;
		HPDF_Array bb = HPDF_Box_Array_New(dev->pdf->mmgr, box);
		if (!hp(dev, HPDF_Dict_AddName(form, "Type", "XObject")) &&
		    !hp(dev, HPDF_Dict_AddName(form, "Subtype", "Form")) && !hp_obj(dev, bb))
			if (!hp(dev, HPDF_Dict_Add(form, "BBox", bb)))
				hp(dev, HPDF_Dict_Add(form, "Resources", res));
	}
	scratch_free(dev, sp);
	if (dev->base.failed)
		return NULL;
	if (dev->n_forms == dev->forms_cap) {
		dev->forms_cap = dev->forms_cap ? 2 * dev->forms_cap : 4;
		dev->forms = tk_xrealloc(dev->forms, (size_t)dev->forms_cap * sizeof *dev->forms);
	}
	dev->forms[dev->n_forms] = (form_slot){body, form, tr};
	return &dev->forms[dev->n_forms++];
}

static int dev_shared_page(tk_device *base, const tk_page *body, const tk_matrix *m, int depth)
{
	pdf_dev *dev = (pdf_dev *)base;
	if (!ready(dev) || !matrix_ok(m))
		return 1;
	end_text(dev);
	form_slot *f = form_get(dev, body, depth);
	if (!f)
		return 1;
	if (f->transparency)
		dev->transparency = 1;
	/* form space (y up from the trim's bottom) -> page space -> PDF */
	tk_matrix t = tk_matrix_concat((tk_matrix){1, 0, 0, -1, 0, body->h}, to_pdf(dev, m));
	if (hp(dev, HPDF_Page_GSave(dev->page)) ||
	    hp(dev, HPDF_Page_Concat(dev->page, (HPDF_REAL)t.a, (HPDF_REAL)t.b, (HPDF_REAL)t.c,
	                             (HPDF_REAL)t.d, (HPDF_REAL)t.e, (HPDF_REAL)t.f)) ||
	    hp(dev, HPDF_Page_ExecuteXObject(dev->page, f->form)))
		return 1;
	hp(dev, HPDF_Page_GRestore(dev->page));
	return 1;
}

static void dev_fill_path(tk_device *base, const tk_path *p, const tk_matrix *m, tk_cmyk c)
{
	pdf_dev *dev = (pdf_dev *)base;
	if (!ready(dev))
		return;
	end_text(dev);
	if (set_fill(dev, c))
		return;
	if (build_path(dev, p, m, 1) == 1)
		hp(dev, HPDF_Page_Fill(dev->page));
}

static void dev_stroke_path(tk_device *base, const tk_path *p, const tk_matrix *m,
                            tk_cmyk c, float line_width)
{
	pdf_dev *dev = (pdf_dev *)base;
	if (!ready(dev))
		return;
	end_text(dev);
	/* The path's points are transformed here rather than by a cm, so the pen
	 * must be scaled by the matrix too (placed pages may be scaled). */
	double w = line_width > 0 ? line_width : 0;
	w *= sqrt(fabs(m->a * m->d - m->b * m->c));
	if (set_stroke(dev, c))
		return;
	/* libharu refuses widths over 100 pt: draw those at 50 pt (well clear of
	 * the limit after float rounding) in a space scaled up by the rest. */
	double s = w > HPDF_MAX_LINEWIDTH ? w / (HPDF_MAX_LINEWIDTH / 2.0) : 1;
	HPDF_REAL sr = (HPDF_REAL)s;
	if (s != 1 && (hp(dev, HPDF_Page_GSave(dev->page)) ||
	               hp(dev, HPDF_Page_Concat(dev->page, sr, 0, 0, sr, 0, 0))))
		return;
	HPDF_REAL lw = (HPDF_REAL)(w / s);
	if (HPDF_Page_GetLineWidth(dev->page) != lw &&
	    hp(dev, HPDF_Page_SetLineWidth(dev->page, lw)))
		return;
	int r = build_path(dev, p, m, s);
	if (r == 1)
		hp(dev, HPDF_Page_Stroke(dev->page));
	if (r >= 0 && s != 1)
		hp(dev, HPDF_Page_GRestore(dev->page));
}

/* Where the text of one run stands: the text matrix was set on its first glyph
 * (origin ox,oy in page space, scale k), and the line matrix last moved to lx,ly
 * (text space, rounded as written). */
typedef struct run_pos {
	double ox, oy, k, lx, ly;
	double size;  /* the Tf size */
	int tj;       /* a TJ array is open, and its last string (no ')' yet) */
	double pen;   /* where the viewer's text position is, in the array */
} run_pos;

/* v, a multiple of 1e-4 up to float noise, as PDF writes numbers: "-12.5",
 * "0.0625", "3". Returns the length written to out (at most 24 bytes). */
static size_t fmt4(char *out, double v)
{
	long long q = llround(v * 10000.0);
	size_t n = 0;
	if (q < 0) {
		out[n++] = '-';
		q = -q;
	}
	char d[24];
	int k = 0;
	unsigned long long ip = (unsigned long long)q / 10000;
	do {
		d[k++] = (char)('0' + ip % 10);
		ip /= 10;
	} while (ip && k < 20);
	while (k)
		out[n++] = d[--k];
	int frac = (int)(q % 10000);
	if (frac) {
		out[n++] = '.';
		for (int div = 1000; frac; div /= 10) {
			out[n++] = (char)('0' + frac / div);
			frac %= div;
		}
	}
	return n;
}

/* The advance width (1/1000 em) of n bytes of UTF-8 at text in the font, each
 * character's glyph marked for the font subset: what libharu's TextWidth does,
 * without its encoder. */
static long text_width(font_slot *fs, const char *text, size_t n)
{
	const unsigned char *u = (const unsigned char *)text;
	long w = 0;
	while (n > 0) {
		uint32_t cp;
		int k = utf8_next(u, n, &cp);
		if (k == 0)
			break; /* cluster_text kept only whole characters */
		w += HPDF_TTFontDef_GetCharWidth(fs->def, (HPDF_UINT16)cp);
		u += k;
		n -= (size_t)k;
	}
	return w;
}

/* Shows dev->pend at page position x,y of the current run: its operators go to
 * dev->line, which show_end writes to the page in one piece. Td is relative to the
 * previous glyph's origin; positions are rounded to 1e-4 before taking
 * differences so the rounding does not add up along a line.
 *
 * The operators are written straight into the page's content stream: libharu's
 * MoveTextPos and ShowText cost some 2,300 instructions a glyph (its number
 * formatting, its UTF-8 encoder run twice, a 512-byte buffer cleared), a third
 * of a card job. The text goes into TJ arrays ("[(\0B\0C)-12.5(\0A)]TJ": one
 * string for glyphs that need no adjustment between them, a Td where the
 * baseline moves) as literal strings of 2-byte codes, written as the bytes they
 * are but for the few a literal string escapes (half the bytes of hex, so less to
 * write and compress). Under libharu's UTF-8 encoder the codes are the
 * characters' code points (all in the BMP: cluster_text keeps no others),
 * and every glyph shown is marked for the font subset as its TextWidth did.
 * libharu's own idea of the text position goes stale, but nothing reads it:
 * every run starts with an absolute Tm (SetTextMatrix). */
static int show_pending(pdf_dev *dev, font_slot *fs, run_pos *rp, double x, double y)
{
	double tx = round4((x - rp->ox) / rp->k), ty = round4(-(y - rp->oy) / rp->k);
	size_t len = strlen(dev->pend);
	size_t need = dev->line_len + 96 + len * 4 + 8;
	if (need > dev->line_cap) {
		dev->line_cap = need * 2;
		dev->line = tk_xrealloc(dev->line, dev->line_cap);
	}
	char *b = dev->line + dev->line_len;
	size_t n = 0;
	if (rp->tj && ty == rp->ly) {
		/* The same line: in the open TJ array, with an adjustment (thousandths of
		 * an em, positive to the left) where the glyph is not where the advances
		 * of the ones before put it: kerning, tracking, justification. */
		double adj = round4((rp->pen - tx) * 1000.0 / rp->size);
		/* Less than half a thousandth of an em is left for later: the viewer's pen
		 * (rp->pen) stays exact, so such rests never add up. */
		if (fabs(adj) >= 0.5) {
			b[n++] = ')';
			n += fmt4(b + n, adj);
			rp->pen -= adj * rp->size / 1000.0;
			b[n++] = '(';
		}
		/* else the glyphs go on in the open string */
	} else {
		if (rp->tj) {
			memcpy(b + n, ")]TJ\012", 5);
			n += 5;
		}
		if (tx != rp->lx || ty != rp->ly) {
			n += fmt4(b + n, tx - rp->lx);
			b[n++] = ' ';
			n += fmt4(b + n, ty - rp->ly);
			memcpy(b + n, " Td\012", 4);
			n += 4;
		}
		rp->lx = tx;
		rp->ly = ty;
		b[n++] = '[';
		b[n++] = '(';
		rp->tj = 1;
		rp->pen = tx;
	}
	long w = text_width(fs, dev->pend, len);
	rp->pen += (double)w * rp->size / 1000.0;
	const unsigned char *u = (const unsigned char *)dev->pend;
	while (len > 0) {
		uint32_t cp;
		int k = utf8_next(u, len, &cp);
		if (k == 0)
			break;
		/* the two bytes of the code, as they are but for those a literal
		 * string escapes: its delimiters, the backslash, and line ends (which a
		 * reader would turn into a plain newline) */
		unsigned char two[2] = {(unsigned char)(cp >> 8), (unsigned char)cp};
		for (int i = 0; i < 2; i++) {
			unsigned char c = two[i];
			if (c == '(' || c == ')' || c == '\\') {
				b[n++] = '\\';
				b[n++] = (char)c;
			} else if (c == '\n' || c == '\r') {
				b[n++] = '\\';
				b[n++] = c == '\n' ? 'n' : 'r';
			} else {
				b[n++] = (char)c;
			}
		}
		u += k;
		len -= (size_t)k;
	}
	dev->line_len += n;
	return 0;
}

/* Closes the run's TJ array, if one is open. */
static int show_end(pdf_dev *dev, run_pos *rp)
{
	if (!rp->tj)
		return 0;
	rp->tj = 0;
	if (dev->line_len + 5 > dev->line_cap) {
		dev->line_cap = dev->line_len + 64;
		dev->line = tk_xrealloc(dev->line, dev->line_cap);
	}
	memcpy(dev->line + dev->line_len, ")]TJ\012", 5);
	size_t n = dev->line_len + 5;
	dev->line_len = 0;
	HPDF_PageAttr attr = dev->page->attr;
	return hp(dev, HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)dev->line, (HPDF_UINT)n));
}

/* Letter-spaced text (more than this share of an em) gets its words as
 * /ActualText: text extraction (pdftotext, copy and paste, search) would
 * otherwise read every gap as a space, "B A R N". */
#define ACTUAL_TEXT_TRACKING 0.05

static int actual_text_begin(pdf_dev *dev, const tk_glyph_run *run)
{
	if (!(run->tracking > ACTUAL_TEXT_TRACKING * run->size))
		return 0;
	size_t total = 0;
	for (int i = 0; i < run->n; i++)
		total += run->glyphs[i].text && run->glyphs[i].text_len > 0
		             ? (size_t)run->glyphs[i].text_len
		             : 0;
	char *b = tk_xmalloc(64 + total * 4);
	size_t n = 0;
	static const char open[] = "/Span <</ActualText <FEFF";
	memcpy(b, open, sizeof open - 1);
	n += sizeof open - 1;
	static const char hex[] = "0123456789ABCDEF";
	for (int i = 0; i < run->n; i++) {
		const tk_glyph *g = &run->glyphs[i];
		const unsigned char *u = (const unsigned char *)g->text;
		size_t len = g->text && g->text_len > 0 ? (size_t)g->text_len : 0;
		while (len > 0) {
			uint32_t cp;
			int k = utf8_next(u, len, &cp);
			if (k == 0)
				break;
			uint32_t units[2] = {cp, 0};
			int nu = 1;
			if (cp >= 0x10000) {
				units[0] = 0xD800 + ((cp - 0x10000) >> 10);
				units[1] = 0xDC00 + ((cp - 0x10000) & 0x3FF);
				nu = 2;
			}
			for (int j = 0; j < nu; j++)
				for (int sh = 12; sh >= 0; sh -= 4)
					b[n++] = hex[(units[j] >> sh) & 15];
			u += k;
			len -= (size_t)k;
		}
	}
	static const char close[] = ">>> BDC\012";
	memcpy(b + n, close, sizeof close - 1);
	n += sizeof close - 1;
	HPDF_PageAttr attr = dev->page->attr;
	int rc = hp(dev, HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)b, (HPDF_UINT)n));
	free(b);
	return rc;
}

static void dev_glyphs(tk_device *base, const tk_glyph_run *run, const tk_matrix *m)
{
	pdf_dev *dev = (pdf_dev *)base;
	if (!ready(dev) || !run || run->n <= 0 || !run->font || !(run->size > 0) ||
	    !matrix_ok(m))
		return;
	font_slot *fs = font_get(dev, run->font);
	if (!fs)
		return;
	/* libharu caps Tf at 600 pt; a poster headline beyond that is drawn at 600 pt
	 * under a text matrix scaled by the rest. */
	double size = run->size;
	run_pos rp = {0, 0, 1, 0, 0, 0, 0, 0};
	if (size > HPDF_MAX_FONTSIZE) {
		rp.k = size / HPDF_MAX_FONTSIZE;
		size = HPDF_MAX_FONTSIZE;
	}
	rp.size = size;
	/* Each cluster waits in dev->pend until the next one is known: libharu's
	 * ShowText silently drops text of zero advance width, so a cluster that is
	 * only a combining mark is shown together with the cluster before it (the
	 * font's mark then sits where its designer put it). */
	size_t plen = 0;
	double px = 0, py = 0;
	int started = 0;
	dev->line_len = 0;
	for (int i = 0; i < run->n; i++) {
		const tk_glyph *g = &run->glyphs[i];
		if (g->text_len <= 0 || !g->text || !isfinite(g->x) || !isfinite(g->y))
			continue;
		size_t n = cluster_text(dev, fs, g->text, g->text_len);
		if (n == 0)
			continue;
		if (!started) {
			if (HPDF_Page_GetGMode(dev->page) != HPDF_GMODE_TEXT_OBJECT &&
			    hp(dev, HPDF_Page_BeginText(dev->page)))
				return;
			if ((HPDF_Page_GetCurrentFont(dev->page) != fs->hf ||
			     HPDF_Page_GetCurrentFontSize(dev->page) != (HPDF_REAL)size) &&
			    hp(dev, HPDF_Page_SetFontAndSize(dev->page, fs->hf, (HPDF_REAL)size)))
				return;
			if (set_fill(dev, run->color))
				return;
			/* Text space: origin on the first glyph, y up, scaled by k. */
			tk_matrix tm = tk_matrix_concat((tk_matrix){rp.k, 0, 0, -rp.k, g->x, g->y},
			                                to_pdf(dev, m));
			/* HPDF_Page_SetTextMatrix (a text object is open) */
			float tmv[6] = {(float)tm.a, (float)tm.b, (float)tm.c,
			                (float)tm.d, (float)tm.e, (float)tm.f};
			if ((tmv[0] == 0 || tmv[3] == 0) && (tmv[1] == 0 || tmv[2] == 0)) {
				hp(dev, HPDF_INVALID_PARAMETER);
				return;
			}
			if (put_op(dev, tmv, 6, "Tm\012"))
				return;
			HPDF_PageAttr pa = dev->page->attr;
			pa->text_matrix = (HPDF_TransMatrix){tmv[0], tmv[1], tmv[2],
			                                     tmv[3], tmv[4], tmv[5]};
			pa->text_pos = (HPDF_Point){tmv[4], tmv[5]};
			rp.ox = g->x;
			rp.oy = g->y;
			started = 1;
			if (actual_text_begin(dev, run))
				return;
		} else if (plen > 0) {
			if (text_width(fs, dev->text, n) == 0) {
				pend_append(dev, &plen, n);
				continue;
			}
			if (show_pending(dev, fs, &rp, px, py))
				return;
		}
		plen = 0;
		pend_append(dev, &plen, n);
		px = g->x;
		py = g->y;
	}
	if (plen > 0 && show_pending(dev, fs, &rp, px, py))
		return;
	if (show_end(dev, &rp))
		return;
	if (started && run->tracking > ACTUAL_TEXT_TRACKING * run->size) {
		HPDF_PageAttr attr = dev->page->attr;
		hp(dev, HPDF_Stream_WriteStr(attr->stream, "EMC\012"));
	}
}

static void dev_image(tk_device *base, const tk_image *img, const tk_matrix *m)
{
	pdf_dev *dev = (pdf_dev *)base;
	if (!ready(dev) || !img || !matrix_ok(m))
		return;
	end_text(dev);
	HPDF_Image im = image_get(dev, img);
	if (!im)
		return;
	if (img->has_alpha)
		dev->transparency = 1;
	/* PDF draws an image into the unit square with its first row at y = 1 (y up);
	 * the display list's unit square has the first row at y = 0 (y down). */
	tk_matrix t = tk_matrix_concat((tk_matrix){1, 0, 0, -1, 0, 1}, to_pdf(dev, m));
	if (hp(dev, HPDF_Page_GSave(dev->page)) ||
	    hp(dev, HPDF_Page_Concat(dev->page, (HPDF_REAL)t.a, (HPDF_REAL)t.b, (HPDF_REAL)t.c,
	                             (HPDF_REAL)t.d, (HPDF_REAL)t.e, (HPDF_REAL)t.f)) ||
	    hp(dev, HPDF_Page_ExecuteXObject(dev->page, im)))
		return;
	hp(dev, HPDF_Page_GRestore(dev->page));
}

static void dev_clip_push(tk_device *base, const tk_path *p, const tk_matrix *m)
{
	pdf_dev *dev = (pdf_dev *)base;
	if (!ready(dev))
		return;
	end_text(dev);
	if (hp(dev, HPDF_Page_GSave(dev->page)))
		return;
	dev->clip_depth++;
	int r = build_path(dev, p, m, 1);
	if (r < 0)
		return;
	if (r == 0) {
		/* Clipping to an empty path hides everything until the pop. */
		if (hp(dev, HPDF_Page_MoveTo(dev->page, 0, 0)) ||
		    hp(dev, HPDF_Page_LineTo(dev->page, 0, 0)) ||
		    hp(dev, HPDF_Page_ClosePath(dev->page)))
			return;
	}
	if (hp(dev, HPDF_Page_Clip(dev->page)))
		return;
	hp(dev, HPDF_Page_EndPath(dev->page));
}

static void dev_clip_pop(tk_device *base)
{
	pdf_dev *dev = (pdf_dev *)base;
	if (!ready(dev) || dev->clip_depth <= 0)
		return;
	end_text(dev);
	if (!hp(dev, HPDF_Page_GRestore(dev->page)))
		dev->clip_depth--;
}

/* ---- document-level parts -------------------------------------------------- */

/* A text string: ASCII as a literal, anything else as UTF-16 through libharu's
 * UTF-8 encoder (which writes <FEFF...>). */
static int add_text(pdf_dev *dev, HPDF_Dict dict, const char *key, const char *value)
{
	HPDF_Encoder enc = NULL;
	for (const unsigned char *s = (const unsigned char *)value; *s; s++)
		if (*s >= 0x80) {
			enc = HPDF_GetEncoder(dev->pdf, "UTF-8");
			if (hp_obj(dev, enc))
				return -1;
			break;
		}
	HPDF_String str = HPDF_String_New(dev->pdf->mmgr, value, enc);
	if (hp_obj(dev, str))
		return -1;
	return hp(dev, HPDF_Dict_Add(dict, key, str));
}

static int set_info(pdf_dev *dev, const tk_doc *doc)
{
	snprintf(dev->what, sizeof dev->what, "setting the document information");
	struct {
		HPDF_InfoType type;
		const char *value;
	} attrs[] = {
		{HPDF_INFO_TITLE, doc->title},
		{HPDF_INFO_AUTHOR, doc->author},
		{HPDF_INFO_SUBJECT, doc->subject},
		{HPDF_INFO_CREATOR, doc->creator ? doc->creator : "trykk"},
		{HPDF_INFO_PRODUCER, PRODUCER},
	};
	for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++)
		if (attrs[i].value && attrs[i].value[0] &&
		    hp(dev, HPDF_SetInfoAttr(dev->pdf, attrs[i].type, attrs[i].value)))
			return -1;

	/* The job's time, never the clock: builds must be reproducible. */
	time_t t = (time_t)doc->epoch;
	struct tm tm;
	if (doc->epoch < 0 || (long long)t != doc->epoch || !gmtime_r(&t, &tm) ||
	    tm.tm_year + 1900 > 9999) {
		own_error(dev, "creation time %lld is out of range", doc->epoch);
		return -1;
	}
	HPDF_Date date = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	                  tm.tm_min, tm.tm_sec, 'Z', 0, 0};
	if (hp(dev, HPDF_SetInfoDateAttr(dev->pdf, HPDF_INFO_CREATION_DATE, date)) ||
	    hp(dev, HPDF_SetInfoDateAttr(dev->pdf, HPDF_INFO_MOD_DATE, date)))
		return -1;
	/* Trapping is the print shop's job; saying so avoids a preflight query. */
	if (hp_obj(dev, dev->pdf->info))
		return -1;
	return hp(dev, HPDF_Dict_AddName(dev->pdf->info, "Trapped", "False"));
}

static int read_file(const char *path, unsigned char **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	size_t cap = 1 << 16, n = 0;
	unsigned char *buf = tk_xmalloc(cap);
	for (;;) {
		if (n == cap)
			buf = tk_xrealloc(buf, cap *= 2);
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		return -1;
	}
	*data = buf;
	*len = n;
	return 0;
}

/* The OutputIntent tells the print shop (and Acrobat's preflight) which print
 * condition the CMYK values were separated for. */
static int add_output_intent(pdf_dev *dev, const tk_doc *doc)
{
	HPDF_Doc pdf = dev->pdf;
	const char *cond = doc->output_condition && doc->output_condition[0]
	                       ? doc->output_condition
	                       : DEFAULT_CONDITION;
	const char *info = doc->output_condition_info && doc->output_condition_info[0]
	                       ? doc->output_condition_info
	                       : strcmp(cond, DEFAULT_CONDITION) == 0 ? DEFAULT_CONDITION_INFO
	                                                              : cond;
	snprintf(dev->what, sizeof dev->what, "adding the output intent");
	/* Attached to the catalog before it is filled in, so that libharu frees it
	 * with the document whatever fails below. */
	HPDF_Array list = HPDF_Array_New(pdf->mmgr);
	if (hp_obj(dev, list) || hp(dev, HPDF_Dict_Add(pdf->catalog, "OutputIntents", list)))
		return -1;
	HPDF_Dict oi = HPDF_Dict_New(pdf->mmgr);
	if (hp_obj(dev, oi) || hp(dev, HPDF_Array_Add(list, oi)))
		return -1;
	if (hp(dev, HPDF_Dict_AddName(oi, "Type", "OutputIntent")) ||
	    hp(dev, HPDF_Dict_AddName(oi, "S", "GTS_PDFX")) ||
	    add_text(dev, oi, "OutputConditionIdentifier", cond) ||
	    add_text(dev, oi, "OutputCondition", info) ||
	    add_text(dev, oi, "RegistryName", "http://www.color.org") ||
	    add_text(dev, oi, "Info", info))
		return -1;

	if (doc->icc_path) {
		unsigned char *icc;
		size_t len;
		if (read_file(doc->icc_path, &icc, &len) != 0) {
			tk_error(dev->d, NULL, "cannot read ICC profile '%s': %s", doc->icc_path,
			         strerror(errno));
			dev->base.failed = 1;
			dev->err = (HPDF_STATUS)-1;
			return -1;
		}
		/* The header says what the profile converts to (bytes 16..19) and what
		 * kind of profile it is (12..15); an output intent needs a CMYK output
		 * profile, and a wrong one would silently mislead the print shop. */
		if (len < 128 || memcmp(icc + 36, "acsp", 4) != 0) {
			free(icc);
			own_error(dev, "'%s' is not an ICC profile", doc->icc_path);
			return -1;
		}
		if (memcmp(icc + 16, "CMYK", 4) != 0 || memcmp(icc + 12, "prtr", 4) != 0) {
			free(icc);
			own_error(dev, "ICC profile '%s' is not a CMYK output (printer) profile, "
			               "which the output intent needs", doc->icc_path);
			return -1;
		}
		HPDF_Dict s = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
		if (hp_obj(dev, s)) {
			free(icc);
			return -1;
		}
		/* A profile is mostly colour tables that deflate barely shrinks; zlib's
		 * default level takes three times as long as Z_BEST_SPEED for a
		 * stream 0.7 % smaller. The compressed profile is kept in the build's
		 * cache under the file's identity (the same bytes as compressing it). */
		size_t zlen = 0;
		unsigned char id[TK_FILE_ID], key[TK_PIXCACHE_KEY];
		const void *parts[1] = {id};
		size_t lens[1] = {sizeof id};
		int keyed = doc->cache && tk_file_id(doc->icc_path, id) == 0 &&
		            tk_pixcache_key_of(doc->cache, "output intent profile", parts, lens, 1,
		                               key) == 0;
		unsigned char *z = keyed ? tk_pixcache_blob_get(doc->cache, key, &zlen) : NULL;
		if (!z) {
			z = tk_deflate(icc, len, Z_BEST_SPEED, 1, &zlen);
			if (z && keyed)
				tk_pixcache_blob_put(doc->cache, key, z, zlen);
		}
		free(icc);
		if (!z || zlen > 0xFFFFFFFFu) {
			free(z);
			hp(dev, HPDF_ZLIB_ERROR);
			return -1;
		}
		s->filter = HPDF_STREAM_FILTER_NONE;
		s->write_fn = write_flate_filter;
		int bad = hp(dev, HPDF_Dict_AddNumber(s, "N", 4)) ||
		          hp(dev, HPDF_Stream_Write(s->stream, z, (HPDF_UINT)zlen)) ||
		          hp(dev, HPDF_Dict_Add(oi, "DestOutputProfile", s));
		free(z);
		if (bad)
			return -1;
	}
	return 0;
}

/* The next code point >= c the font drew (font_slot.used, one bit a BMP code),
 * or 0x10000 when there is none. A font draws a few dozen of the 65,536 codes,
 * so the bits are looked at 64 at a time and the empty words skipped. */
static uint32_t next_drawn(const uint8_t *used, uint32_t c)
{
	while (c < 0x10000) {
		uint64_t word;
		memcpy(&word, used + (c >> 6) * 8, sizeof word);
		word = le64toh(word) >> (c & 63);
		if (word)
			return c + (uint32_t)__builtin_ctzll(word);
		c = (c | 63) + 1;
	}
	return 0x10000;
}

/* The highest code point the font drew, or -1. */
static int top_drawn(const uint8_t *used)
{
	for (int i = 0x10000 / 64 - 1; i >= 0; i--) {
		uint64_t word;
		memcpy(&word, used + (size_t)i * 8, sizeof word);
		word = le64toh(word);
		if (word)
			return i * 64 + 63 - __builtin_clzll(word);
	}
	return -1;
}

/* Each code point the font drew, in order. */
#define FOR_EACH_DRAWN(c, used) \
	for (uint32_t c = next_drawn(used, 0); c < 0x10000; c = next_drawn(used, c + 1))

/* Writes a ToUnicode CMap for the code points set in used. Since libharu's UTF-8
 * encoder makes CID = code point, each entry maps a code to itself; runs of
 * consecutive codes within one high byte become a bfrange, as the format wants. */
static void tounicode_cmap(tk_buf *b, const uint8_t *used)
{
	enum { MAX_RANGES = 0x10000 };
	/* first and last code of each run */
	uint32_t *lo = tk_xmalloc(MAX_RANGES * sizeof *lo);
	uint32_t *hi = tk_xmalloc(MAX_RANGES * sizeof *hi);
	int n = 0;
	FOR_EACH_DRAWN(c, used) {
		if (n > 0 && hi[n - 1] + 1 == c && (c & 0xFF) != 0)
			hi[n - 1] = c;
		else {
			lo[n] = hi[n] = c;
			n++;
		}
	}
	tk_buf_printf(b, "/CIDInit /ProcSet findresource begin\n"
	             "12 dict begin\n"
	             "begincmap\n"
	             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
	             "/CMapName /Adobe-Identity-UCS def\n"
	             "/CMapType 2 def\n"
	             "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
	/* Singles and ranges go in separate sections of at most 100 entries each. */
	for (int pass = 0; pass < 2; pass++) {
		int i = 0;
		while (i < n) {
			int count = 0, j = i;
			for (; j < n && count < 100; j++)
				if ((lo[j] == hi[j]) == (pass == 0))
					count++;
			if (count == 0)
				break;
			tk_buf_printf(b, "%d %s\n", count, pass == 0 ? "beginbfchar" : "beginbfrange");
			for (int x = i; x < j; x++) {
				if ((lo[x] == hi[x]) != (pass == 0))
					continue;
				unsigned l = lo[x], h = hi[x];
				if (pass == 0)
					tk_buf_printf(b, "<%04X> <%04X>\n", l, l);
				else
					tk_buf_printf(b, "<%04X> <%04X> <%04X>\n", l, h, l);
			}
			tk_buf_printf(b, "%s\n", pass == 0 ? "endbfchar" : "endbfrange");
			i = j;
		}
	}
	tk_buf_printf(b, "endcmap\n"
	             "CMapName currentdict /CMap defineresource pop\n"
	             "end\n"
	             "end\n");
	free(lo);
	free(hi);
}

/* Replaces libharu's /ToUnicode stream of a font with a correct CMap, tidies the
 * descendant font's CIDSystemInfo, and warns about characters the font lacks. */
/* libharu gives a CIDFont the widths (/W) of every character its font has and a
 * CIDToGIDMap as long as the highest of them (some 128 KiB): thousands of numbers
 * in every font object and a stream to compress, a fixed cost of every PDF, twice
 * with sheets. Only the characters drawn (fs->used) are ever shown, so both are
 * made again for those alone, with the values libharu gave them (a glyph's width
 * from GetGidWidth; the code point is the CID); the others map to glyph 0 and
 * have no width entry, as characters the font lacks had before. The widths here;
 * the map (which libharu fills when the font is written) in font_before_write. */
static int small_widths(pdf_dev *dev, font_slot *fs, HPDF_Dict cid)
{
	HPDF_MMgr mm = dev->pdf->mmgr;
	HPDF_Array w = HPDF_Array_New(mm);
	if (hp_obj(dev, w) || hp(dev, HPDF_Dict_Add(cid, "W", w)))
		return -1;
	HPDF_Array run = NULL;
	uint32_t next = UINT32_MAX; /* the code point run would continue with */
	FOR_EACH_DRAWN(c, fs->used) {
		HPDF_UINT16 gid = HPDF_TTFontDef_GetGlyphid(fs->def, (HPDF_UINT16)c);
		if (gid == 0)
			continue;
		if (c != next) {
			run = HPDF_Array_New(mm);
			if (hp(dev, HPDF_Array_AddNumber(w, (HPDF_INT32)c)) || hp_obj(dev, run) ||
			    hp(dev, HPDF_Array_Add(w, run)))
				return -1;
		}
		if (hp(dev, HPDF_Array_AddNumber(run, HPDF_TTFontDef_GetGidWidth(fs->def, gid))))
			return -1;
		next = c + 1;
	}
	return 0;
}

/* The CIDToGIDMap for the characters drawn only (see small_widths), into s. */
static HPDF_STATUS small_map(const font_slot *fs, HPDF_Stream s)
{
	int top = top_drawn(fs->used);
	size_t n = 2 * ((size_t)top + 1);
	unsigned char *map = tk_xcalloc(n ? n : 1, 1);
	FOR_EACH_DRAWN(c, fs->used) {
		HPDF_UINT16 gid = HPDF_TTFontDef_GetGlyphid(fs->def, (HPDF_UINT16)c);
		map[2 * c] = (unsigned char)(gid >> 8);
		map[2 * c + 1] = (unsigned char)gid;
	}
	HPDF_MemStream_FreeData(s);
	HPDF_STATUS st = HPDF_Stream_Write(s, map, (HPDF_UINT)n);
	free(map);
	return st;
}

static int fix_font(pdf_dev *dev, font_slot *fs)
{
	snprintf(dev->what, sizeof dev->what, "finishing font '%s'", fs->font->path);
	HPDF_Dict tu = HPDF_Dict_GetItem(fs->hf, "ToUnicode", HPDF_OCLASS_DICT);
	if (hp_obj(dev, tu) || hp_obj(dev, tu->stream))
		return -1;
	tk_buf b = {NULL, 0, 0};
	tounicode_cmap(&b, fs->used);
	HPDF_MemStream_FreeData(tu->stream);
	int bad = hp(dev, HPDF_Stream_Write(tu->stream, (const HPDF_BYTE *)b.s, (HPDF_UINT)b.len));
	free(b.s);
	if (bad)
		return -1;
	tu->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
	/* Those keys described the encoding CMap the stream used to hold. */
	static const char *const stale[] = {"Type", "CMapName", "CIDSystemInfo", "WMode",
	                                    "UseCMap"};
	for (size_t i = 0; i < sizeof stale / sizeof stale[0]; i++)
		HPDF_Dict_RemoveElement(tu, stale[i]); /* absent keys are fine */

	/* With Identity-H the conventional CIDFont ordering is "Identity"; libharu
	 * writes "Identity-H", which some checkers flag. */
	HPDF_Array desc = HPDF_Dict_GetItem(fs->hf, "DescendantFonts", HPDF_OCLASS_ARRAY);
	HPDF_Dict cid = desc ? HPDF_Array_GetItem(desc, 0, HPDF_OCLASS_DICT) : NULL;
	HPDF_Dict csi = cid ? HPDF_Dict_GetItem(cid, "CIDSystemInfo", HPDF_OCLASS_DICT) : NULL;
	if (csi && add_text(dev, csi, "Ordering", "Identity"))
		return -1;
	if (cid && small_widths(dev, fs, cid))
		return -1;

	int missing = 0;
	char list[8 * MAX_MISSING_SHOWN + 1] = "";
	/* The BMP minus controls: those were never drawn. */
	FOR_EACH_DRAWN(c, fs->used) {
		if (c < 0x20)
			continue;
		if (HPDF_TTFontDef_GetGlyphid(fs->def, (HPDF_UINT16)c) != 0)
			continue;
		if (missing < MAX_MISSING_SHOWN)
			snprintf(list + strlen(list), sizeof list - strlen(list), "%sU+%04X",
			         missing ? " " : "", (unsigned)c);
		missing++;
	}
	if (missing)
		tk_warn(dev->d, NULL, "print PDF: font '%s' (%s) has no glyph for %d character%s "
		                      "(%s%s); they print as empty boxes",
		        fs->font->name ? fs->font->name : fs->name, fs->font->path, missing,
		        missing == 1 ? "" : "s", list, missing > MAX_MISSING_SHOWN ? " ..." : "");
	return 0;
}

/* ---- writing the file ------------------------------------------------------ */

/* The PDF is written as it is made, not held until the end: each page's content
 * stream and page object go to the file as soon as the page is finished, so a
 * data merge of thousands of records keeps no page in memory. The file is a
 * temporary one, copied to the target (tk_write_atomic_file) when all went well.
 * libharu's objects (fonts, pictures, forms, the catalog, the information) are
 * made by libharu and written by trykk at the end, after the pages, with
 * libharu's own object writer, followed by the cross-reference table and the
 * trailer. Object numbers come from libharu's cross-reference table, a page's by
 * putting a placeholder there; the placeholders are skipped when libharu's
 * objects are written.
 *
 * libharu writes no /ID; PDF/X and many preflight profiles want one, so it is
 * made from every byte before the trailer (their CRC-32 and Adler-32, which
 * libdeflate computes at a fraction of an instruction a byte, and their number,
 * through MD5): stable for the same document, different for different ones. */
static int emit(pdf_dev *dev, const void *p, size_t n)
{
	if (dev->out_errno)
		return -1;
	if (n == 0) /* (libdeflate would start its checksums again at a NULL buffer) */
		return 0;
	if (fwrite(p, 1, n, dev->out) != n) {
		dev->out_errno = errno ? errno : EIO;
		return -1;
	}
	dev->crc = libdeflate_crc32(dev->crc, p, n);
	dev->adler = libdeflate_adler32(dev->adler, p, n);
	dev->pos += n;
	return 0;
}

static int emitf(pdf_dev *dev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int emitf(pdf_dev *dev, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof buf)
		return -1;
	return emit(dev, buf, (size_t)n);
}

static HPDF_STATUS sink_write(HPDF_Stream stream, const HPDF_BYTE *p, HPDF_UINT n)
{
	return emit(stream->attr, p, n) == 0 ? HPDF_OK : HPDF_FILE_IO_ERROR;
}

/* -1 after a failed write of the temporary file (marking the device failed); the
 * caller, who knows the target's name, reports it. */
static int out_failed(pdf_dev *dev)
{
	if (!dev->out_errno)
		return 0;
	dev->base.failed = 1;
	return -1;
}

/* An object number of libharu's table for an object written here. */
static uint32_t reserve(pdf_dev *dev)
{
	HPDF_Null n = HPDF_Null_New(dev->pdf->mmgr);
	if (hp_obj(dev, n) || hp(dev, HPDF_Xref_Add(dev->pdf->xref, n)))
		return 0;
	return n->header.obj_id & 0x00FFFFFFu;
}

/* Makes room in the offset table for object numbers up to id. */
static void offs_grow(pdf_dev *dev, size_t id)
{
	if (id < dev->offs_cap)
		return;
	size_t cap = dev->offs_cap ? dev->offs_cap : 256;
	while (cap <= id)
		cap *= 2;
	dev->offs = tk_xrealloc(dev->offs, cap * sizeof *dev->offs);
	memset(dev->offs + dev->offs_cap, 0, (cap - dev->offs_cap) * sizeof *dev->offs);
	dev->offs_cap = cap;
}

/* Starts object id here. */
static int begin_obj(pdf_dev *dev, uint32_t id)
{
	offs_grow(dev, id);
	dev->offs[id] = dev->pos;
	return emitf(dev, "%u 0 obj\012", (unsigned)id);
}

static int emit_box(pdf_dev *dev, const char *key, HPDF_Box b)
{
	char n[4][16];
	float v[4] = {b.left, b.bottom, b.right, b.top};
	for (int i = 0; i < 4; i++)
		n[i][tk_pdf_real(n[i], v[i])] = 0;
	return emitf(dev, "/%s [ %s %s %s %s ]\012", key, n[0], n[1], n[2], n[3]);
}

/* Writes a finished page: its content stream, compressed, and the page object
 * with its boxes and resources. */
static void write_page(pdf_dev *dev, HPDF_Page p)
{
	HPDF_PageAttr attr = p->attr;
	size_t zlen = 0;
	unsigned char *z = stream_deflated(attr->stream, &zlen);
	if (!z) {
		hp(dev, HPDF_ZLIB_ERROR);
		return;
	}
	uint32_t page_id = reserve(dev), contents_id = page_id ? reserve(dev) : 0;
	HPDF_Dict res = HPDF_Dict_GetItem(p, "Resources", HPDF_OCLASS_DICT);
	if (!contents_id || hp_obj(dev, res)) {
		free(z);
		return;
	}
	if (dev->n_kids == dev->kids_cap) {
		dev->kids_cap = dev->kids_cap ? 2 * dev->kids_cap : 64;
		dev->kids = tk_xrealloc(dev->kids, (size_t)dev->kids_cap * sizeof *dev->kids);
	}
	dev->kids[dev->n_kids++] = page_id;
	char w[16], h[16];
	w[tk_pdf_real(w, (float)dev->media_w)] = 0;
	h[tk_pdf_real(h, (float)dev->media_h)] = 0;
	if (begin_obj(dev, page_id) == 0 &&
	    emitf(dev, "<<\012/Type /Page\012/Parent %u 0 R\012/MediaBox [ 0 0 %s %s ]\012",
	          (unsigned)(dev->pdf->root_pages->header.obj_id & 0x00FFFFFFu), w, h) == 0 &&
	    emit_box(dev, "BleedBox", dev->bleed_box) == 0 &&
	    emit_box(dev, "TrimBox", dev->trim_box) == 0 &&
	    emitf(dev, "/Contents %u 0 R\012/Resources ", (unsigned)contents_id) == 0 &&
	    !hp(dev, HPDF_Obj_WriteValue(res, dev->sink, NULL)) &&
	    /* Soft masks make the page a transparency group; without /CS a viewer or
	     * RIP may blend in RGB, so it is pinned to the output's CMYK. */
	    (!dev->transparency ||
	     emitf(dev, "\012/Group << /Type /Group /S /Transparency /CS /DeviceCMYK >>") == 0) &&
	    emitf(dev, "\012>>\012endobj\012") == 0 && begin_obj(dev, contents_id) == 0 &&
	    emitf(dev, "<<\012/Length %zu\012/Filter /FlateDecode\012>>\012stream\015\012", zlen) == 0 &&
	    emit(dev, z, zlen) == 0)
		emitf(dev, "\012endstream\012endobj\012");
	free(z);
	out_failed(dev);
}

/* The page tree: one node whose kids are the pages written. */
static int write_pages(pdf_dev *dev)
{
	if (emitf(dev, "<<\012/Type /Pages\012/Count %d\012/Kids [", dev->n_kids))
		return -1;
	for (int i = 0; i < dev->n_kids; i++)
		if (emitf(dev, i % 8 == 7 ? "%u 0 R\012" : "%u 0 R ", (unsigned)dev->kids[i]))
			return -1;
	return emitf(dev, "]\012>>");
}

/* Everything after the pages: libharu's objects, the cross-reference table and
 * the trailer. */
static int write_tail(pdf_dev *dev)
{
	HPDF_Doc pdf = dev->pdf;
	HPDF_Xref xref = pdf->xref;
	if (hp(dev, HPDF_Dict_Add(pdf->trailer, "Root", pdf->catalog)) ||
	    (pdf->info && hp(dev, HPDF_Dict_Add(pdf->trailer, "Info", pdf->info))))
		return -1;
	/* Writing a font makes the objects of its embedded file, at the end of the
	 * table: the count is read again on every turn. */
	for (HPDF_UINT i = 1; i < xref->entries->count && !dev->base.failed; i++) {
		offs_grow(dev, i);
		if (dev->offs[i])
			continue;
		HPDF_XrefEntry e = HPDF_List_ItemAt(xref->entries, i);
		if (begin_obj(dev, i))
			break;
		if (e->obj == pdf->root_pages ? write_pages(dev)
		                              : hp(dev, HPDF_Obj_WriteValue(e->obj, dev->sink, NULL)))
			break;
		if (emitf(dev, "\012endobj\012"))
			break;
	}
	if (out_failed(dev) || dev->base.failed)
		return -1;
	HPDF_UINT count = xref->entries->count;
	uint64_t xref_at = dev->pos;
	if (emitf(dev, "xref\0120 %u\0120000000000 65535 f\015\012", (unsigned)count))
		return out_failed(dev);
	for (HPDF_UINT i = 1; i < count; i++)
		if (emitf(dev, "%010llu 00000 n\015\012", (unsigned long long)dev->offs[i]))
			return out_failed(dev);
	/* The two checksums and the length, through MD5 for 16 bytes that differ
	 * everywhere when they do (an MD5 of all the bytes took 3 % of a card job). */
	HPDF_BYTE sums[16], digest[ID_LEN];
	for (int i = 0; i < 4; i++) {
		sums[i] = (HPDF_BYTE)(dev->crc >> (8 * i));
		sums[4 + i] = (HPDF_BYTE)(dev->adler >> (8 * i));
	}
	for (int i = 0; i < 8; i++)
		sums[8 + i] = (HPDF_BYTE)(dev->pos >> (8 * i));
	HPDF_MD5_CTX md5;
	HPDF_MD5Init(&md5);
	HPDF_MD5Update(&md5, sums, sizeof sums);
	HPDF_MD5Final(digest, &md5);
	HPDF_Array id = HPDF_Array_New(pdf->mmgr);
	if (hp_obj(dev, id) || hp(dev, HPDF_Dict_Add(pdf->trailer, "ID", id)))
		return -1;
	for (int i = 0; i < 2; i++) {
		HPDF_Binary b = HPDF_Binary_New(pdf->mmgr, digest, ID_LEN);
		if (hp_obj(dev, b) || hp(dev, HPDF_Array_Add(id, b)))
			return -1;
	}
	if (hp(dev, HPDF_Dict_AddNumber(pdf->trailer, "Size", (HPDF_INT32)count)) ||
	    emitf(dev, "trailer\012")) {
		out_failed(dev);
		return -1;
	}
	if (hp(dev, HPDF_Dict_Write(pdf->trailer, dev->sink, NULL)))
		return -1;
	if (emitf(dev, "\012startxref\012%llu\012%%%%EOF\012", (unsigned long long)xref_at) ||
	    fflush(dev->out) != 0 || ferror(dev->out)) {
		if (!dev->out_errno)
			dev->out_errno = errno ? errno : EIO;
		return out_failed(dev);
	}
	return 0;
}

/* ---- the entry point ------------------------------------------------------- */

/* Where build() takes its pages from: the document's list, or a pipe (pages
 * handed over while layout goes on). NULL: no more pages. */
typedef struct page_source {
	const tk_page *(*next)(void *ctx);
	void (*done)(void *ctx); /* the page next gave last is written (or skipped) */
	void *ctx;
} page_source;

static int build(pdf_dev *dev, const tk_doc *doc, const page_source *src)
{
	HPDF_Doc pdf = dev->pdf;
	snprintf(dev->what, sizeof dev->what, "setting up the document");
	dev->out = tmpfile();
	if (!dev->out) {
		own_error(dev, "cannot make a temporary file for the PDF: %s", strerror(errno));
		return -1;
	}
	dev->crc = 0;
	dev->adler = 1;
	dev->sink = HPDF_CallbackWriter_New(pdf->mmgr, sink_write, dev);
	if (hp_obj(dev, dev->sink))
		return -1;
	/* OutputIntents and soft masks are PDF 1.4. */
	pdf->pdf_version = HPDF_VER_14;
	if (hp(dev, HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL)) ||
	    hp(dev, HPDF_UseUTFEncodings(pdf)) || hp(dev, HPDF_SetCurrentEncoder(pdf, "UTF-8")))
		return -1;
	if (set_info(dev, doc) || add_output_intent(dev, doc))
		return -1;
	static const char header[] = "%PDF-1.4\012%\267\276\255\252\012";
	if (emit(dev, header, sizeof header - 1))
		return out_failed(dev);

	int n_pages = 0;
	if (src) {
		for (const tk_page *pg; (pg = src->next(src->ctx)) != NULL; n_pages++) {
			if (!dev->base.failed)
				tk_dl_run_page(&dev->base, pg);
			src->done(src->ctx);
		}
	} else {
		for (; n_pages < doc->n_pages && !dev->base.failed; n_pages++)
			tk_dl_run_page(&dev->base, doc->pages[n_pages]);
	}
	if (dev->base.failed)
		return -1;
	if (n_pages == 0) {
		own_error(dev, "the document has no pages");
		return -1;
	}
	if (dev->dropped)
		tk_warn(dev->d, NULL, "print PDF: %ld character%s outside the Basic "
		                      "Multilingual Plane (first U+%04X) cannot be drawn by "
		                      "libharu and %s left out",
		        dev->dropped, dev->dropped == 1 ? "" : "s", (unsigned)dev->first_dropped,
		        dev->dropped == 1 ? "was" : "were");

	for (int i = 0; i < dev->fonts_cap; i++)
		if (dev->fonts[i].hf && fix_font(dev, &dev->fonts[i]))
			return -1;

	snprintf(dev->what, sizeof dev->what, "saving the PDF");
	return write_tail(dev);
}

/* Renders doc into a temporary file (*out, at its end). Returns 0, or -1 after
 * reporting, or -1 with *werr set to the errno of a failed write of the
 * temporary file, for the caller to report with the target's name. */
static int render(const tk_doc *doc, const page_source *src, tk_diag *d, FILE **out,
                  int *werr)
{
	pdf_dev dev;
	memset(&dev, 0, sizeof dev);
	dev.base.show_marks = 1;
	dev.base.show_links = 0;
	dev.base.begin_page = dev_begin_page;
	dev.base.end_page = dev_end_page;
	dev.base.fill_path = dev_fill_path;
	dev.base.stroke_path = dev_stroke_path;
	dev.base.glyphs = dev_glyphs;
	dev.base.image = dev_image;
	dev.base.clip_push = dev_clip_push;
	dev.base.clip_pop = dev_clip_pop;
	dev.base.shared_page = dev_shared_page;
	dev.d = d;

	dev.cache = doc->cache;
	dev.pdf = HPDF_New(on_hpdf_error, &dev);
	if (!dev.pdf) {
		tk_error(d, NULL,
		         "PDF backend (libharu): cannot create a document (out of memory)");
		return -1;
	}
	pdf_dev *outer = writing;
	writing = &dev;
	dev.zc = libdeflate_alloc_compressor(1);
	*out = NULL;
	int rc = build(&dev, doc, src);
	*werr = dev.out_errno;
	if (rc != 0 && !dev.out_errno)
		report_hpdf(&dev);
	if (dev.sink)
		HPDF_Stream_Free(dev.sink);
	HPDF_Free(dev.pdf);
	writing = outer;
	if (rc == 0)
		*out = dev.out;
	else if (dev.out)
		fclose(dev.out);
	free(dev.done);
	for (int i = 0; i < dev.fonts_cap; i++)
		free(dev.fonts[i].used);
	free(dev.fonts);
	free(dev.images);
	free(dev.forms);
	free(dev.text);
	free(dev.pend);
	free(dev.line);
	free(dev.offs);
	free(dev.kids);
	for (int i = 0; i < dev.n_widths; i++)
		free(dev.widths[i].w);
	libdeflate_free_compressor(dev.zc);
	free(dev.bare_utf8);
	return rc;
}

/* What render gave (rc, the file, a failed write's errno) to path: the file
 * copied there atomically, or the reason it was not. Closes the file. */
static int deliver(int rc, FILE *f, int werr, const char *path, tk_diag *d)
{
	if (werr)
		tk_error(d, NULL, "cannot write '%s': %s", path, strerror(werr));
	if (rc == 0)
		rc = tk_write_atomic_file(path, f, d);
	if (f)
		fclose(f);
	return rc;
}

int tk_pdf_print_write(const tk_doc *doc, const char *path, tk_diag *d)
{
	FILE *f;
	int werr = 0;
	int rc = render(doc, NULL, d, &f, &werr);
	return deliver(rc, f, werr, path, d);
}

/* ---- rendering on a thread of its own ------------------------------------------ */

static void replay_messages(FILE *f, tk_diag *d)
{
	char line[4096];
	rewind(f);
	while (fgets(line, sizeof line, f)) {
		size_t n = strlen(line);
		if (n && line[n - 1] == '\n')
			line[--n] = 0;
		static const struct {
			const char *prefix;
			tk_severity sev;
		} kinds[] = {{"trykk: error: ", TK_ERROR},
		             {"trykk: warning: ", TK_WARNING},
		             {"trykk: note: ", TK_INFO},
		             {"trykk: info: ", TK_INFO}};
		int done = 0;
		for (size_t k = 0; k < sizeof kinds / sizeof kinds[0] && !done; k++) {
			size_t pl = strlen(kinds[k].prefix);
			if (strncmp(line, kinds[k].prefix, pl) == 0) {
				tk_diag_report(d, kinds[k].sev, NULL, "%s", line + pl);
				done = 1;
			}
		}
		if (!done && n)
			tk_diag_report(d, TK_INFO, NULL, "%s", line);
	}
}

/* ---- rendering on a thread while layout goes on ------------------------------ */

/* The print PDF of a data merge is rendered on a thread of its own while layout
 * makes the next records' pages (out.h): pages are handed over as they are
 * finished, through a queue, and the thread replays each into the same device in
 * the same order as tk_pdf_print_write, so the bytes are the same. The thread
 * touches nothing layout writes: finished pages are read-only, the device
 * allocates with malloc, and its messages go to a reporter of its own (a temporary
 * file), replayed to the caller's when it has finished. */
struct tk_pdf_pipe {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t more;
	pthread_cond_t progress; /* finished grew, or the thread is ending */
	const tk_page **pages;   /* handed over, in order */
	int n, cap, taken;
	int finished;            /* pages written (or skipped after a failure) */
	int exiting;             /* the thread takes no more pages */
	int ended, cancelled;
	const tk_doc *doc;
	FILE *msgs;
	tk_diag *d;              /* the thread's reporter, into msgs */
	int rc;
	FILE *pdf;               /* the result (render) */
	int werr;                /* its failed write, or 0 */
};

static const tk_page *pipe_next(void *ctx)
{
	tk_pdf_pipe *p = ctx;
	pthread_mutex_lock(&p->mu);
	while (p->taken == p->n && !p->ended)
		pthread_cond_wait(&p->more, &p->mu);
	const tk_page *pg = p->taken < p->n && !p->cancelled ? p->pages[p->taken++] : NULL;
	pthread_mutex_unlock(&p->mu);
	return pg;
}

static void pipe_done(void *ctx)
{
	tk_pdf_pipe *p = ctx;
	pthread_mutex_lock(&p->mu);
	p->finished++;
	pthread_cond_broadcast(&p->progress);
	pthread_mutex_unlock(&p->mu);
}

static void *pipe_main(void *arg)
{
	tk_pdf_pipe *p = arg;
	page_source src = {pipe_next, pipe_done, p};
	p->rc = render(p->doc, &src, p->d, &p->pdf, &p->werr);
	pthread_mutex_lock(&p->mu);
	p->exiting = 1;
	pthread_cond_broadcast(&p->progress);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int tk_pdf_pipe_wait(tk_pdf_pipe *p, int n)
{
	pthread_mutex_lock(&p->mu);
	while (p->finished < n && !p->exiting)
		pthread_cond_wait(&p->progress, &p->mu);
	int done = p->exiting ? INT_MAX : p->finished;
	pthread_mutex_unlock(&p->mu);
	return done;
}

tk_pdf_pipe *tk_pdf_pipe_start(const tk_doc *doc)
{
	const char *env = getenv("TRYKK_JOBS");
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2 || (env && atoi(env) == 1))
		return NULL;
	tk_pdf_pipe *p = tk_xcalloc(1, sizeof *p);
	p->doc = doc;
	p->msgs = tmpfile();
	if (!p->msgs) {
		free(p);
		return NULL;
	}
	p->d = tk_diag_new(p->msgs);
	tk_diag_set_level(p->d, TK_INFO); /* the caller's reporter filters */
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->more, NULL);
	pthread_cond_init(&p->progress, NULL);
	if (pthread_create(&p->thread, NULL, pipe_main, p) != 0) {
		pthread_cond_destroy(&p->progress);
		pthread_cond_destroy(&p->more);
		pthread_mutex_destroy(&p->mu);
		tk_diag_free(p->d);
		fclose(p->msgs);
		free(p);
		return NULL;
	}
	return p;
}

void tk_pdf_pipe_page(tk_pdf_pipe *p, const tk_page *page)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		p->pages = tk_xrealloc(p->pages, (size_t)p->cap * sizeof *p->pages);
	}
	p->pages[p->n++] = page;
	pthread_cond_signal(&p->more);
	pthread_mutex_unlock(&p->mu);
}

/* No more pages (cancel: and none of those waiting either). */
static void pipe_close(tk_pdf_pipe *p, int cancel)
{
	pthread_mutex_lock(&p->mu);
	p->ended = 1;
	p->cancelled |= cancel;
	pthread_cond_signal(&p->more);
	pthread_mutex_unlock(&p->mu);
}

/* Ends the queue, waits for the thread and frees all but the result. */
static void pipe_join(tk_pdf_pipe *p, int cancel)
{
	pipe_close(p, cancel);
	pthread_join(p->thread, NULL);
	pthread_cond_destroy(&p->progress);
	pthread_cond_destroy(&p->more);
	pthread_mutex_destroy(&p->mu);
	free(p->pages);
}

int tk_pdf_pipe_finish(tk_pdf_pipe *p, const char *path, tk_diag *d)
{
	if (!p)
		return -1;
	pipe_join(p, 0);
	fflush(p->msgs);
	replay_messages(p->msgs, d);
	int rc = deliver(p->rc, p->pdf, p->werr, path, d);
	tk_diag_free(p->d);
	fclose(p->msgs);
	free(p);
	return rc;
}

void tk_pdf_pipe_cancel(tk_pdf_pipe *p)
{
	if (!p)
		return;
	pipe_join(p, 1);
	if (p->pdf)
		fclose(p->pdf);
	tk_diag_free(p->d);
	fclose(p->msgs);
	free(p);
}

/* The press sheets (a finished document) on a thread of their own while this one
 * writes the pages: a pipe whose pages are all handed over at once. (They were
 * rendered in a forked process before; a fork copies the locks other threads hold,
 * and pango starts short-lived threads of its own while it loads fonts.) */
tk_pdf_pipe *tk_pdf_print_start(const tk_doc *doc)
{
	tk_pdf_pipe *p = tk_pdf_pipe_start(doc);
	if (!p)
		return NULL;
	for (int i = 0; i < doc->n_pages; i++)
		tk_pdf_pipe_page(p, doc->pages[i]);
	pipe_close(p, 0);
	return p;
}

/* color.c - colour management with lcms2: sRGB pictures to the press's CMYK, and
 * CMYK to sRGB for the screen PDF and PNG proofs.
 *
 * Both directions use relative colorimetric rendering with black point
 * compensation, as prepress tools default to: paper white stays paper white and the
 * deepest black of one side maps to the deepest black of the other instead of being
 * clipped. Pixel buffers go through 8-bit transforms; single colours (swatches,
 * text, rules) go through a 16-bit transform and a small direct-mapped cache,
 * because a proof converts the same handful of swatch colours thousands of times.
 *
 * Transforms are made when first needed, not with the tk_color: lcms2 precalculates
 * a colour lookup table for each (tens of millions of instructions), and most jobs
 * need few or none of them (a print PDF without RGB pictures needs none). The
 * single-colour transform is not precalculated at all (cmsFLAGS_NOOPTIMIZE): it
 * converts a few dozen colours, each once thanks to the cache, so evaluating the
 * profiles directly is both cheaper and exact. The pixel transforms keep lcms2's
 * default precalculation, so pictures separate exactly as before. Each distinct
 * colour of a picture with few of them (flat graphics, placeholders, backgrounds)
 * is converted once (see transform_cached).
 *
 * Without a profile (cmyk_icc NULL) the conversion is the naive one, with no ICC at
 * all: K = 1 - max(R,G,B), C = (1-R-K)/(1-K) (M, Y alike), and back R = (1-C)(1-K).
 * It keeps neutral greys on the black plate but ignores dot gain and the paper, so
 * it is for tests and drafts, not for print. */
#include "color.h"

#include <errno.h>
#include <lcms2.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Direct-mapped: a colour evicts whatever shared its slot. A document rarely uses
 * more than a few dozen distinct colours, so collisions are rare and the table
 * never needs to grow. */
#define CACHE_SIZE 256

typedef struct cache_slot {
	int used;
	uint16_t key[4];
	double rgb[3];
} cache_slot;

/* The transforms, each made on first use (see make()). */
enum { TO_CMYK8, TO_RGB8, TO_RGB16, N_XFORMS };

struct tk_color {
	cmsContext ctx;
	cmsHPROFILE srgb, cmyk;
	cmsHTRANSFORM xf[N_XFORMS]; /* RGB_8 -> CMYK_8, CMYK_8 -> RGB_8, CMYK_16 -> RGB_16 */
	int failed[N_XFORMS];       /* lcms2 could not make it: reported, naive used */
	tk_diag *d;                 /* where a late failure is reported */
	tk_loc loc;
	const char *path;           /* of the CMYK profile (caller's memory) */
	char lcms_msg[256];         /* last message from lcms2, for our report */
	cache_slot cache[CACHE_SIZE];
};

static void lcms_log(cmsContext ctx, cmsUInt32Number code, const char *text)
{
	(void)code;
	tk_color *c = cmsGetContextUserData(ctx);
	if (c)
		snprintf(c->lcms_msg, sizeof c->lcms_msg, "%s", text);
}

static const char *class_name(cmsProfileClassSignature s)
{
	switch (s) {
	case cmsSigInputClass: return "input";
	case cmsSigDisplayClass: return "display";
	case cmsSigOutputClass: return "output";
	case cmsSigLinkClass: return "device link";
	case cmsSigAbstractClass: return "abstract";
	case cmsSigColorSpaceClass: return "colour space";
	case cmsSigNamedColorClass: return "named colour";
	default: return "unknown";
	}
}

static const char *space_name(cmsColorSpaceSignature s)
{
	switch (s) {
	case cmsSigRgbData: return "RGB";
	case cmsSigCmykData: return "CMYK";
	case cmsSigGrayData: return "grey";
	case cmsSigLabData: return "Lab";
	case cmsSigXYZData: return "XYZ";
	default: return "unknown";
	}
}

tk_color *tk_color_new(const char *cmyk_icc, tk_diag *d, const tk_loc *loc)
{
	tk_color *c = calloc(1, sizeof *c);
	if (!c) {
		tk_error(d, loc, "out of memory");
		return NULL;
	}
	if (!cmyk_icc)
		return c;

	/* lcms2 reads the file itself, but its message for a missing file does not
	 * carry errno; open it first so the user sees the system's reason. */
	FILE *f = fopen(cmyk_icc, "rb");
	if (!f) {
		tk_error(d, loc, "cannot read ICC profile '%s': %s", cmyk_icc, strerror(errno));
		free(c);
		return NULL;
	}
	fclose(f);

	/* A context of our own so lcms2's messages reach this tk_color rather than
	 * a process-wide handler. */
	c->ctx = cmsCreateContext(NULL, c);
	if (!c->ctx) {
		tk_error(d, loc, "cannot start lcms2 for '%s'", cmyk_icc);
		free(c);
		return NULL;
	}
	cmsSetLogErrorHandlerTHR(c->ctx, lcms_log);

	c->cmyk = cmsOpenProfileFromFileTHR(c->ctx, cmyk_icc, "r");
	if (!c->cmyk) {
		tk_error(d, loc, "'%s' is not a readable ICC profile (lcms2: %s)", cmyk_icc,
		         c->lcms_msg[0] ? c->lcms_msg : "unknown error");
		tk_color_free(c);
		return NULL;
	}
	cmsProfileClassSignature cls = cmsGetDeviceClass(c->cmyk);
	cmsColorSpaceSignature space = cmsGetColorSpace(c->cmyk);
	if (cls != cmsSigOutputClass || space != cmsSigCmykData) {
		tk_error(d, loc,
		         "'%s' is not a CMYK output profile (colour space %s, class %s); the "
		         "print condition needs a CMYK printer profile such as FOGRA39",
		         cmyk_icc, space_name(space), class_name(cls));
		tk_color_free(c);
		return NULL;
	}

	c->srgb = cmsCreate_sRGBProfileTHR(c->ctx);
	if (!c->srgb) {
		tk_error(d, loc, "cannot build colour transforms for '%s' (lcms2: %s)",
		         cmyk_icc, c->lcms_msg[0] ? c->lcms_msg : "unknown error");
		tk_color_free(c);
		return NULL;
	}
	c->d = d;
	if (loc)
		c->loc = *loc;
	c->path = cmyk_icc;
	return c;
}

/* The transform k, made now if this is its first use; NULL without a profile or
 * when lcms2 cannot make it (reported once; the caller then converts naively). */
static cmsHTRANSFORM make(tk_color *c, int k)
{
	if (!c || !c->cmyk || c->failed[k])
		return NULL;
	if (c->xf[k])
		return c->xf[k];
	const cmsUInt32Number intent = INTENT_RELATIVE_COLORIMETRIC;
	const cmsUInt32Number flags = cmsFLAGS_BLACKPOINTCOMPENSATION;
	switch (k) {
	case TO_CMYK8:
		c->xf[k] = cmsCreateTransformTHR(c->ctx, c->srgb, TYPE_RGB_8, c->cmyk, TYPE_CMYK_8,
		                                 intent, flags);
		break;
	case TO_RGB8:
		c->xf[k] = cmsCreateTransformTHR(c->ctx, c->cmyk, TYPE_CMYK_8, c->srgb, TYPE_RGB_8,
		                                 intent, flags);
		break;
	default:
		c->xf[k] = cmsCreateTransformTHR(c->ctx, c->cmyk, TYPE_CMYK_16, c->srgb,
		                                 TYPE_RGB_16, intent, flags | cmsFLAGS_NOOPTIMIZE);
		break;
	}
	if (!c->xf[k]) {
		c->failed[k] = 1;
		tk_error(c->d, c->loc.file ? &c->loc : NULL,
		         "cannot build colour transforms for '%s' (lcms2: %s)", c->path,
		         c->lcms_msg[0] ? c->lcms_msg : "unknown error");
	}
	return c->xf[k];
}

void tk_color_free(tk_color *c)
{
	if (!c)
		return;
	for (int k = 0; k < N_XFORMS; k++)
		if (c->xf[k])
			cmsDeleteTransform(c->xf[k]);
	if (c->srgb)
		cmsCloseProfile(c->srgb);
	if (c->cmyk)
		cmsCloseProfile(c->cmyk);
	if (c->ctx)
		cmsDeleteContext(c->ctx);
	free(c);
}

/* cmsDoTransform counts pixels in 32 bits; pictures are capped far below that,
 * but a loop costs nothing and removes the assumption. */
#define CHUNK ((size_t)1 << 24)

static unsigned char naive_cmyk(unsigned char v, unsigned char k)
{
	/* (1-v-k)/(1-k) in 0..255 with v, k as ink amounts. */
	if (k == 255)
		return 0;
	int ink = 255 - v - k;
	if (ink <= 0)
		return 0;
	return (unsigned char)((ink * 255 + (255 - k) / 2) / (255 - k));
}

/* Runs n pixels through xf. Print graphics, placeholders and screenshots have few
 * distinct colours, so pixels go through a small direct-mapped cache of colours
 * already converted; an 8-bit transform gives equal outputs for equal inputs, so
 * the result is the one converting every pixel gives. A block of pixels that
 * mostly misses (a photograph) turns the cache off, and the rest goes to lcms2 in
 * batches, as it would without one. A pixel equal to the one before it (most of
 * a flat graphic) takes the same result without a lookup. */
static void transform_cached(cmsHTRANSFORM xf, const unsigned char *in, size_t in_bpp,
                             unsigned char *out, size_t out_bpp, size_t n)
{
	enum { BLOCK = 4096, SLOTS = 1024 };
	static const uint64_t VALID = (uint64_t)1 << 40;
	uint64_t key[SLOTS] = {0};
	unsigned char val[SLOTS][4];
	int cached = 1;
	for (size_t b = 0; b < n; b += BLOCK) {
		size_t m = n - b < BLOCK ? n - b : BLOCK;
		if (!cached) {
			cmsDoTransform(xf, in + b * in_bpp, out + b * out_bpp, (cmsUInt32Number)m);
			continue;
		}
		size_t misses = 0;
		uint64_t last = 0; /* the previous pixel's key: flat areas repeat it */
		const unsigned char *last_val = NULL;
		for (size_t i = b; i < b + m; i++) {
			const unsigned char *p = in + i * in_bpp;
			uint64_t k = VALID | (uint64_t)p[0] << 24 | (uint64_t)p[1] << 16 |
			             (uint64_t)p[2] << 8 | (in_bpp == 4 ? p[3] : 0);
			unsigned char *q = out + i * out_bpp;
			if (k == last) {
				if (out_bpp == 4)
					memcpy(q, last_val, 4);
				else
					memcpy(q, last_val, 3);
				continue;
			}
			uint32_t h = (uint32_t)(k * 0x9E3779B97F4A7C15ull >> 40) % SLOTS;
			if (key[h] != k) {
				cmsDoTransform(xf, p, val[h], 1);
				key[h] = k;
				misses++;
			}
			memcpy(q, val[h], out_bpp);
			last = k;
			last_val = val[h];
		}
		if (misses > m / 8)
			cached = 0;
	}
}

void tk_color_rgb_to_cmyk(tk_color *c, const unsigned char *rgb, unsigned char *cmyk,
                          size_t n)
{
	cmsHTRANSFORM xf = make(c, TO_CMYK8);
	if (xf) {
		transform_cached(xf, rgb, 3, cmyk, 4, n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const unsigned char *p = rgb + i * 3;
		unsigned char mx = p[0] > p[1] ? p[0] : p[1];
		mx = mx > p[2] ? mx : p[2];
		unsigned char k = (unsigned char)(255 - mx);
		unsigned char *q = cmyk + i * 4;
		q[0] = naive_cmyk(p[0], k);
		q[1] = naive_cmyk(p[1], k);
		q[2] = naive_cmyk(p[2], k);
		q[3] = k;
	}
}

int tk_color_icc_rgb_to_cmyk(tk_color *c, const void *icc, size_t len, unsigned char *rgb,
                             unsigned char *cmyk, size_t n)
{
	/* A context per call: the picture's profile lives only this long, and in
	 * the naive mode there is no job context to borrow. */
	cmsContext ctx = len <= UINT32_MAX ? cmsCreateContext(NULL, NULL) : NULL;
	if (!ctx)
		return -1;
	cmsHPROFILE src = cmsOpenProfileFromMemTHR(ctx, icc, (cmsUInt32Number)len);
	cmsHPROFILE srgb = cmsCreate_sRGBProfileTHR(ctx);
	cmsHTRANSFORM to_srgb = NULL, to_cmyk = NULL;
	const cmsUInt32Number flags = cmsFLAGS_BLACKPOINTCOMPENSATION;
	int ok = src && srgb && cmsGetColorSpace(src) == cmsSigRgbData;
	if (ok) {
		to_srgb = cmsCreateTransformTHR(ctx, src, TYPE_RGB_8, srgb, TYPE_RGB_8,
		                                INTENT_RELATIVE_COLORIMETRIC, flags);
		ok = to_srgb != NULL;
	}
	if (ok && c && c->cmyk) {
		/* Straight from the picture's space to the press, not via sRGB, so a
		 * wide-gamut photo keeps the colours sRGB would clip. */
		to_cmyk = cmsCreateTransformTHR(ctx, src, TYPE_RGB_8, c->cmyk, TYPE_CMYK_8,
		                                INTENT_RELATIVE_COLORIMETRIC, flags);
		ok = to_cmyk != NULL;
	}
	if (ok) {
		for (size_t i = 0; i < n; i += CHUNK) {
			size_t m = n - i < CHUNK ? n - i : CHUNK;
			if (to_cmyk)
				cmsDoTransform(to_cmyk, rgb + i * 3, cmyk + i * 4,
				               (cmsUInt32Number)m);
			cmsDoTransform(to_srgb, rgb + i * 3, rgb + i * 3, (cmsUInt32Number)m);
		}
		if (!to_cmyk)
			tk_color_rgb_to_cmyk(c, rgb, cmyk, n); /* naive, from the sRGB copy */
	}
	if (to_cmyk)
		cmsDeleteTransform(to_cmyk);
	if (to_srgb)
		cmsDeleteTransform(to_srgb);
	if (srgb)
		cmsCloseProfile(srgb);
	if (src)
		cmsCloseProfile(src);
	cmsDeleteContext(ctx);
	return ok ? 0 : -1;
}

void tk_color_cmyk_to_rgb_buf(tk_color *c, const unsigned char *cmyk, unsigned char *rgb,
                              size_t n)
{
	cmsHTRANSFORM xf = make(c, TO_RGB8);
	if (xf) {
		transform_cached(xf, cmyk, 4, rgb, 3, n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const unsigned char *p = cmyk + i * 4;
		unsigned char *q = rgb + i * 3;
		for (int j = 0; j < 3; j++)
			q[j] = (unsigned char)(((255 - p[j]) * (255 - p[3]) + 127) / 255);
	}
}

static uint16_t quant16(float v)
{
	if (!(v > 0)) /* also catches NaN */
		return 0;
	if (v >= 1)
		return 65535;
	return (uint16_t)lrintf(v * 65535.0f);
}

void tk_color_cmyk_to_rgb(tk_color *c, tk_cmyk in, double rgb[3])
{
	/* Quantising first makes the cache exact: equal keys give equal results,
	 * since the transform sees only the 16-bit values anyway. */
	uint16_t key[4] = {quant16(in.c), quant16(in.m), quant16(in.y), quant16(in.k)};
	cmsHTRANSFORM xf = make(c, TO_RGB16);
	if (!xf) {
		for (int j = 0; j < 3; j++)
			rgb[j] = (1.0 - key[j] / 65535.0) * (1.0 - key[3] / 65535.0);
		return;
	}
	uint32_t h = 2166136261u;
	for (int j = 0; j < 4; j++)
		h = (h ^ key[j]) * 16777619u;
	cache_slot *s = &c->cache[(h ^ (h >> 16)) % CACHE_SIZE];
	if (s->used && memcmp(s->key, key, sizeof key) == 0) {
		memcpy(rgb, s->rgb, sizeof s->rgb);
		return;
	}
	uint16_t out[3];
	cmsDoTransform(xf, key, out, 1);
	s->used = 1;
	memcpy(s->key, key, sizeof key);
	for (int j = 0; j < 3; j++)
		s->rgb[j] = out[j] / 65535.0;
	memcpy(rgb, s->rgb, sizeof s->rgb);
}

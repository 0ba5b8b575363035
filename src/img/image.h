/* image.h - placed pictures: PNG and JPEG decoded once and converted to CMYK.
 *
 * PNG (any bit depth, palette, grey, alpha) via libpng; JPEG (grey, RGB, CMYK
 * including Adobe's inverted CMYK) via libjpeg. RGB and grey pixels are converted to
 * CMYK with the job's tk_color; CMYK JPEGs pass through. Every image also gets an RGB
 * copy for the screen PDF and proofs. Images are cached by path in a tk_images. */
#ifndef TK_IMAGE_H
#define TK_IMAGE_H
#include "../arena.h"
#include "../diag.h"
#include "../dl/dl.h"
#include "color.h"

typedef struct tk_images tk_images;

/* Limits: pixels of one picture (default 100 million: a 20000 x 20000 image is
 * refused with a message). */
#define TK_IMAGE_MAX_PIXELS (100u * 1000u * 1000u)

/* A cache of decoded images living in arena a (pixel buffers are arena memory too). */
tk_images *tk_images_new(tk_arena *a, tk_color *color);
struct tk_pixcache;
/* Pictures are also looked up in and added to the picture cache pc (img/cache.h;
 * NULL: none). Pictures then carry their compressed planes (tk_image.cmyk_z). */
void tk_images_set_cache(tk_images *c, struct tk_pixcache *pc);
/* Makes the raw RGB planes of img exist, colour and alpha (a picture from the
 * picture cache has only compressed ones until asked): what the screen PDF and
 * the proofs draw. Returns 0, or -1 when they cannot be made. */
int tk_image_planes(const tk_image *img);
/* Loads path at full resolution (or returns the cached image). On a missing,
 * unreadable, truncated or unsupported file, or one over the limits, reports an
 * error at loc naming the file and returns NULL. */
const tk_image *tk_images_load(tk_images *c, tk_diag *d, const char *path,
                               const tk_loc *loc);

/* Print needs no more than 300 ppi. As Acrobat Distiller's press presets do, a
 * picture placed at more than TK_IMAGE_DOWNSAMPLE_ABOVE ppi is downsampled (area
 * average, alpha-weighted) to TK_IMAGE_TARGET_PPI before it is converted and
 * embedded, which saves the conversion, the compression and the bytes of pixels
 * no press can print. */
#define TK_IMAGE_DOWNSAMPLE_ABOVE 450.0
#define TK_IMAGE_TARGET_PPI 300.0

/* The pixel size of the picture at path without decoding it (read from its header,
 * or from the cache). Returns 0, or -1 after reporting as tk_images_load does. */
int tk_images_size(tk_images *c, tk_diag *d, const char *path, const tk_loc *loc, int *width,
                   int *height);
/* The picture at path for a placement w_pt x h_pt points (the whole picture's size
 * on the page, before any clipping): the full-resolution image, or, above
 * TK_IMAGE_DOWNSAMPLE_ABOVE ppi in both directions, a copy resampled to
 * TK_IMAGE_TARGET_PPI (never fewer: the pixel counts are rounded up). Cached per
 * path and pixel size, so every placement at one size shares one image; the file
 * is decoded once per size. Errors as tk_images_load. */
const tk_image *tk_images_load_for(tk_images *c, tk_diag *d, const char *path,
                                   const tk_loc *loc, double w_pt, double h_pt);

/* ---- compressing pixel planes for the print PDF ---------------------------------- */

/* Input bytes per piece of tk_deflate: each piece is compressed on its own. */
#define TK_DEFLATE_PIECE ((size_t)1 << 20)

/* Compresses len bytes at in into a zlib stream (RFC 1950, for a PDF /FlateDecode
 * stream) at zlib level `level`, with up to `threads` threads: the input is cut into
 * pieces of TK_DEFLATE_PIECE bytes, each compressed as raw deflate primed with the
 * 32 KiB of input before it and ended on a byte boundary (as pigz does), and the
 * pieces are joined behind one header and one Adler-32. The bytes depend on the
 * input and the level only, never on the number of threads or their timing.
 * Returns a malloc'd buffer (*out_len bytes), or NULL when zlib fails. */
unsigned char *tk_deflate(const unsigned char *in, size_t len, int level, int threads,
                          size_t *out_len);
/* Threads for tk_deflate here: the online cores (at most 4), 1 with TRYKK_JOBS=1. */
int tk_deflate_threads(void);

#endif

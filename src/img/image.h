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
/* Loads path (or returns the cached image). On a missing, unreadable, truncated or
 * unsupported file, or one over the limits, reports an error at loc naming the file
 * and returns NULL. */
const tk_image *tk_images_load(tk_images *c, tk_diag *d, const char *path,
                               const tk_loc *loc);

#endif

/* color.h - colour management with lcms2: RGB pictures to the press's CMYK, and
 * CMYK to screen RGB for proofs.
 *
 * One tk_color per job. The CMYK side is the print condition's ICC profile (the
 * one the layout names, or trykk's built-in FOGRA39L profile in layouts/icc/);
 * the RGB side is sRGB. Rendering intent: relative colorimetric with black point
 * compensation for pictures, as prepress tools default to. */
#ifndef TK_COLOR_H
#define TK_COLOR_H
#include "../diag.h"
#include "../dl/geom.h"
#include <stddef.h>

typedef struct tk_color tk_color;

/* cmyk_icc: path of a CMYK output profile, or NULL for a naive conversion (no ICC;
 * documented as such). Returns NULL after reporting at loc when the profile cannot
 * be read or is not CMYK. Free with tk_color_free. */
tk_color *tk_color_new(const char *cmyk_icc, tk_diag *d, const tk_loc *loc);
void tk_color_free(tk_color *c);
/* Converts n pixels of 8-bit RGB (3 bytes each) to 8-bit CMYK (4 bytes, 255 = full
 * ink). Thread-compatible: one call at a time per tk_color. */
void tk_color_rgb_to_cmyk(tk_color *c, const unsigned char *rgb, unsigned char *cmyk,
                          size_t n);
/* For pictures that embed an ICC profile (Adobe RGB photos, say): converts n
 * pixels of 8-bit RGB in that profile's space (icc, len bytes) to CMYK, and
 * rewrites rgb in place as sRGB for the screen. Returns -1, touching nothing,
 * when the profile is unreadable or not an RGB profile; the caller then treats
 * the pixels as sRGB. */
int tk_color_icc_rgb_to_cmyk(tk_color *c, const void *icc, size_t len, unsigned char *rgb,
                             unsigned char *cmyk, size_t n);
/* Converts n pixels of CMYK to RGB for screen output. */
void tk_color_cmyk_to_rgb_buf(tk_color *c, const unsigned char *cmyk, unsigned char *rgb,
                              size_t n);
/* One CMYK colour to RGB 0..1 (cached; cheap to call per item). */
void tk_color_cmyk_to_rgb(tk_color *c, tk_cmyk in, double rgb[3]);

#endif

/* units.h - lengths, colours and paper sizes as a layout writes them.
 *
 * Lengths: "12mm", "1.5cm", "10pt", "2in", "0"; a percentage "50%" is relative to
 * something the caller names (the page width, the frame height). Colours: CMYK
 * percentages [0, 60, 100, 0] or "cmyk(0 60 100 0)", a swatch name, or one of the
 * built-in names black, white/paper, registration, none. Sizes: ISO A0-A7, B4-B5,
 * SRA3/SRA4, tabloid (280 x 400 mm), letter, or "210mm x 297mm". */
#ifndef TK_UNITS_H
#define TK_UNITS_H
#include "../dl/geom.h"

/* Parses a length into points. *is_percent is set (and *pt holds the percentage)
 * when the text ends in '%' and is_percent is not NULL; otherwise '%' is an error.
 * Returns 0, or -1 with a message in err (static or caller buffer of 160 bytes). */
int tk_parse_length(const char *s, double *pt, int *is_percent, char *err);
/* A paper size by name or "W x H"; 0 or -1 with err. */
int tk_parse_paper(const char *s, double *w, double *h, char *err);
/* Built-in colour names; returns 0 when name is one of them. none sets *is_none. */
int tk_builtin_color(const char *name, tk_cmyk *c, int *is_none);
/* Total ink of a colour in percent (0..400). */
double tk_cmyk_total_ink(tk_cmyk c);
/* Formats points as mm with up to 2 decimals ("3mm", "12.5mm"), for messages. */
const char *tk_fmt_mm(double pt, char buf[32]);

#endif

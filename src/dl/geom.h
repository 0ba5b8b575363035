/* geom.h - plain geometry and colour values shared by every stage.
 *
 * Units are PostScript points (1/72 in). Page space has its origin at the top-left
 * corner of the trim box with y growing downwards; backends flip it. */
#ifndef TK_GEOM_H
#define TK_GEOM_H

/* A process colour, each ink 0..1. Registration colour is all four at 1. */
typedef struct tk_cmyk {
	float c, m, y, k;
} tk_cmyk;

typedef struct tk_rect {
	double x, y, w, h;
} tk_rect;

/* x' = a*x + c*y + e, y' = b*x + d*y + f (PostScript/cairo order). */
typedef struct tk_matrix {
	double a, b, c, d, e, f;
} tk_matrix;

#define TK_MM (72.0 / 25.4)
#define TK_IDENTITY ((tk_matrix){1, 0, 0, 1, 0, 0})

/* m = first then second, i.e. point p maps to second(first(p)). */
tk_matrix tk_matrix_concat(tk_matrix first, tk_matrix second);
tk_matrix tk_matrix_translate(double x, double y);
tk_matrix tk_matrix_scale(double sx, double sy);
tk_matrix tk_matrix_rotate(double degrees);
void tk_matrix_apply(const tk_matrix *m, double *x, double *y);

#endif

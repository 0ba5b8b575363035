/* geom.c - affine matrices for replaying display lists (imposition, backends). */
#include "geom.h"

#include <math.h>

tk_matrix tk_matrix_concat(tk_matrix p, tk_matrix q)
{
	tk_matrix r;
	r.a = p.a * q.a + p.b * q.c;
	r.b = p.a * q.b + p.b * q.d;
	r.c = p.c * q.a + p.d * q.c;
	r.d = p.c * q.b + p.d * q.d;
	r.e = p.e * q.a + p.f * q.c + q.e;
	r.f = p.e * q.b + p.f * q.d + q.f;
	return r;
}

tk_matrix tk_matrix_translate(double x, double y)
{
	return (tk_matrix){1, 0, 0, 1, x, y};
}

tk_matrix tk_matrix_scale(double sx, double sy)
{
	return (tk_matrix){sx, 0, 0, sy, 0, 0};
}

tk_matrix tk_matrix_rotate(double deg)
{
	double r = deg * M_PI / 180.0, s = sin(r), c = cos(r);
	/* Exact quarter turns keep imposed pages free of rounding noise. */
	if (fmod(deg, 90.0) == 0.0) {
		s = round(s);
		c = round(c);
	}
	return (tk_matrix){c, s, -s, c, 0, 0};
}

void tk_matrix_apply(const tk_matrix *m, double *x, double *y)
{
	double nx = m->a * *x + m->c * *y + m->e;
	double ny = m->b * *x + m->d * *y + m->f;
	*x = nx;
	*y = ny;
}

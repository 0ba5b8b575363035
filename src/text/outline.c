/* outline.c - a glyph's outline as a path, from its TrueType file (FreeType).
 *
 * Used where a glyph must be drawn as a shape rather than as text: the part of a
 * glyph that crosses a newspaper's fold onto the facing page (layout/page.c). The
 * text stays on the page holding the glyph's centre, so it is extracted once; the
 * facing page gets the ink beyond the fold as a clipped path. */
#include "text.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_OUTLINE_H

typedef struct walk {
	tk_arena *a;
	tk_path *p;
	double s, x, y;            /* font units -> points, and the glyph origin */
	double cx, cy;             /* current point, font units */
	int open;
} walk;

#define PX(w, v) ((w)->x + (double)(v)->x * (w)->s)
#define PY(w, v) ((w)->y - (double)(v)->y * (w)->s)

static int move_to(const FT_Vector *to, void *u)
{
	walk *w = u;
	if (w->open)
		tk_path_close(w->a, w->p);
	tk_path_move(w->a, w->p, PX(w, to), PY(w, to));
	w->cx = to->x;
	w->cy = to->y;
	w->open = 1;
	return 0;
}

static int line_to(const FT_Vector *to, void *u)
{
	walk *w = u;
	tk_path_line(w->a, w->p, PX(w, to), PY(w, to));
	w->cx = to->x;
	w->cy = to->y;
	return 0;
}

static int conic_to(const FT_Vector *c, const FT_Vector *to, void *u)
{
	walk *w = u;
	/* The quadratic as a cubic: control points 2/3 of the way to c. */
	FT_Vector c1 = {(FT_Pos)(w->cx + 2.0 / 3.0 * (double)(c->x - w->cx)),
	                (FT_Pos)(w->cy + 2.0 / 3.0 * (double)(c->y - w->cy))};
	FT_Vector c2 = {(FT_Pos)(to->x + 2.0 / 3.0 * (double)(c->x - to->x)),
	                (FT_Pos)(to->y + 2.0 / 3.0 * (double)(c->y - to->y))};
	tk_path_curve(w->a, w->p, PX(w, &c1), PY(w, &c1), PX(w, &c2), PY(w, &c2), PX(w, to),
	              PY(w, to));
	w->cx = to->x;
	w->cy = to->y;
	return 0;
}

static int cubic_to(const FT_Vector *c1, const FT_Vector *c2, const FT_Vector *to, void *u)
{
	walk *w = u;
	tk_path_curve(w->a, w->p, PX(w, c1), PY(w, c1), PX(w, c2), PY(w, c2), PX(w, to),
	              PY(w, to));
	w->cx = to->x;
	w->cy = to->y;
	return 0;
}

tk_path *tk_glyph_outline(tk_arena *a, const tk_font *font, uint32_t gid, double size,
                          double x, double y, double *x0, double *x1)
{
	FT_Library lib;
	if (FT_Init_FreeType(&lib))
		return NULL;
	FT_Face face;
	tk_path *p = NULL;
	if (FT_New_Face(lib, font->path, font->face_index, &face) == 0) {
		if (FT_Load_Glyph(face, gid, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING) == 0 &&
		    face->glyph->format == FT_GLYPH_FORMAT_OUTLINE && face->units_per_EM > 0) {
			FT_Outline *o = &face->glyph->outline;
			walk w = {a, tk_path_new(a), size / face->units_per_EM, x, y, 0, 0, 0};
			FT_Outline_Funcs fn = {move_to, line_to, conic_to, cubic_to, 0, 0};
			if (o->n_contours > 0 && FT_Outline_Decompose(o, &fn, &w) == 0) {
				if (w.open)
					tk_path_close(a, w.p);
				FT_BBox box;
				FT_Outline_Get_CBox(o, &box);
				*x0 = x + (double)box.xMin * w.s;
				*x1 = x + (double)box.xMax * w.s;
				p = w.p;
			}
		}
		FT_Done_Face(face);
	}
	FT_Done_FreeType(lib);
	return p;
}

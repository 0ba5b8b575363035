/* marks.c - printer's marks: crop marks at the four corners of the trim, drawn in
 * registration colour (all four inks) so they show on every plate, starting outside
 * the bleed so no mark reaches into the printed area. */
#include "layout.h"

#include <string.h>

#define MARK_LEN (5 * TK_MM)
#define MARK_WIDTH 0.25f

static void line(tk_arena *a, tk_page *p, double x0, double y0, double x1, double y1)
{
	tk_item *it = tk_dl_add(a, p, TK_ITEM_STROKE);
	it->path = tk_path_new(a);
	tk_path_move(a, it->path, x0, y0);
	tk_path_line(a, it->path, x1, y1);
	it->color = (tk_cmyk){1, 1, 1, 1};
	it->line_width = MARK_WIDTH;
	it->is_mark = 1;
}

void tk_marks_add(tk_arena *a, tk_page *p)
{
	if (p->slug <= 0)
		return;
	double off = p->bleed > 3 * TK_MM ? p->bleed : 3 * TK_MM;
	double len = MARK_LEN;
	if (off + len > p->bleed + p->slug)
		len = p->bleed + p->slug - off;
	double W = p->w, H = p->h;
	double xs[2] = {0, W}, ys[2] = {0, H};
	for (int i = 0; i < 2; i++) {
		for (int j = 0; j < 2; j++) {
			double x = xs[i], y = ys[j];
			double dx = i ? 1 : -1, dy = j ? 1 : -1;
			/* horizontal mark in line with the horizontal trim edge */
			line(a, p, x + dx * off, y, x + dx * (off + len), y);
			/* vertical mark in line with the vertical trim edge */
			line(a, p, x, y + dy * off, x, y + dy * (off + len));
		}
	}
}

int tk_layout_label(tk_arena *a, tk_diag *d, tk_shaper *sh, tk_page *page, double x,
                    double y, double size, const char *text, int mark)
{
	(void)d;
	tk_pstyle st = {.name = "label", .font = "Lato", .weight = 400, .size = size,
	                .leading = size * 1.2,
	                .color = mark ? (tk_cmyk){1, 1, 1, 1} : (tk_cmyk){0, 0, 0, 1}};
	tk_layout l = {.n_pstyles = 1, .pstyles = &st};
	tk_para p = {.text = text, .len = (int)strlen(text), .style = &st};
	tk_shaped sh_out;
	if (tk_shape(sh, NULL, a, &p, &l, 10000, 1, NULL, &sh_out) < 0 || !sh_out.n_lines)
		return -1;
	const tk_line *ln = &sh_out.lines[0];
	for (int r = 0; r < ln->n_runs; r++) {
		tk_glyph_run *run = TK_NEW(a, tk_glyph_run);
		*run = ln->runs[r];
		run->glyphs = TK_NEWN(a, tk_glyph, run->n);
		for (int g = 0; g < run->n; g++) {
			run->glyphs[g] = ln->runs[r].glyphs[g];
			run->glyphs[g].x += (float)x;
			run->glyphs[g].y += (float)y;
		}
		tk_item *it = tk_dl_add(a, page, TK_ITEM_GLYPHS);
		it->run = run;
		it->is_mark = mark;
	}
	return 0;
}

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

/* The glyphs of text as one line, relative to its origin; from the memo when it
 * has them. NULL after reporting. */
static const tk_line *label_line(tk_arena *a, tk_shaper *sh, tk_label_memo *m,
                                 const char *text, int len, double size, int mark)
{
	if (m) {
		for (int i = 0; i < m->n; i++)
			if (m->e[i].size == size && m->e[i].mark == mark && m->e[i].len == len &&
			    memcmp(m->e[i].text, text, (size_t)len) == 0)
				return m->e[i].line;
		if (m->a && m->n < TK_LABEL_MEMO)
			a = m->a;
	}
	tk_pstyle *st = TK_NEW(a, tk_pstyle);
	*st = (tk_pstyle){.name = "label", .font = "Lato", .weight = 400, .size = size,
	                  .leading = size * 1.2,
	                  .color = mark ? (tk_cmyk){1, 1, 1, 1} : (tk_cmyk){0, 0, 0, 1}};
	tk_layout l = {.n_pstyles = 1, .pstyles = st};
	tk_para p = {.text = tk_arena_strndup(a, text, (size_t)len), .len = len, .style = st};
	tk_shaped sh_out;
	if (tk_shape(sh, NULL, a, &p, &l, 10000, 1, NULL, &sh_out) < 0 || !sh_out.n_lines)
		return NULL;
	const tk_line *ln = &sh_out.lines[0];
	if (m && m->n < TK_LABEL_MEMO) {
		m->e[m->n].text = p.text;
		m->e[m->n].len = len;
		m->e[m->n].size = size;
		m->e[m->n].mark = mark;
		m->e[m->n].line = ln;
		m->n++;
	}
	return ln;
}

int tk_layout_label_memo(tk_arena *a, tk_diag *d, tk_shaper *sh, tk_label_memo *m,
                         tk_page *page, double x, double y, double size, const char *text,
                         int mark)
{
	(void)d;
	/* With a memo, each digit is shaped on its own and the text between digits
	 * as one piece, so a thousand slug lines that differ only in their numbers
	 * cost a few shapings, not a thousand. (No kerning across the pieces: none
	 * worth having between a figure and its neighbours in a slug line.) */
	int n = (int)strlen(text);
	double pen = 0;
	/* The pieces' glyphs go into one run while font, size and colour stay (one
	 * item per slug line, not one per digit). */
	tk_glyph_run *acc = NULL;
	int acc_cap = 0;
	for (int i = 0; i < n;) {
		int k = i + 1;
		if (m && !(text[i] >= '0' && text[i] <= '9'))
			while (k < n && !(text[k] >= '0' && text[k] <= '9'))
				k++;
		else if (!m)
			k = n;
		const tk_line *ln = label_line(a, sh, m, text + i, k - i, size, mark);
		if (!ln)
			return -1;
		double w = 0;
		for (int r = 0; r < ln->n_runs; r++) {
			const tk_glyph_run *src = &ln->runs[r];
			if (!acc || acc->font != src->font || acc->size != src->size ||
			    acc->tracking != src->tracking ||
			    memcmp(&acc->color, &src->color, sizeof acc->color) != 0) {
				acc = TK_NEW(a, tk_glyph_run);
				*acc = *src;
				acc->n = 0;
				/* room for the rest of the text at a glyph a byte, which it
				 * seldom exceeds: a data merge makes one slug line per page,
				 * and every outgrown array stays in the arena */
				acc_cap = src->n > n - i ? src->n : n - i;
				acc->glyphs = TK_NEWN(a, tk_glyph, acc_cap);
				tk_item *it = tk_dl_add(a, page, TK_ITEM_GLYPHS);
				it->run = acc;
				it->is_mark = mark;
			}
			if (acc->n + src->n > acc_cap) {
				int cap = (acc->n + src->n) * 2;
				acc->glyphs = tk_arena_grow(a, acc->glyphs, (size_t)acc->n, (size_t)cap,
				                            sizeof(tk_glyph));
				acc_cap = cap;
			}
			for (int g = 0; g < src->n; g++) {
				tk_glyph gl = src->glyphs[g];
				if (gl.x + gl.advance > w)
					w = gl.x + gl.advance;
				gl.x += (float)(x + pen);
				gl.y += (float)y;
				acc->glyphs[acc->n++] = gl;
			}
		}
		pen += w;
		i = k;
	}
	return 0;
}

int tk_layout_label(tk_arena *a, tk_diag *d, tk_shaper *sh, tk_page *page, double x,
                    double y, double size, const char *text, int mark)
{
	return tk_layout_label_memo(a, d, sh, NULL, page, x, y, size, text, mark);
}

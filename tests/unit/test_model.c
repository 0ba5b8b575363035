/* test_model.c - units, colours, styles (based-on, scaling) and line breaking. */
#include "model/model.h"
#include "model/units.h"
#include "text/text.h"
#include "unit.h"
#include "yaml/tree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TK_TEST(units_lengths)
{
	char err[160];
	double pt;
	int pct;
	EQ(tk_parse_length("25.4mm", &pt, NULL, err), 0);
	NEAR(pt, 72, 1e-9);
	EQ(tk_parse_length("1in", &pt, NULL, err), 0);
	NEAR(pt, 72, 1e-9);
	EQ(tk_parse_length("2cm", &pt, NULL, err), 0);
	NEAR(pt, 56.6929, 1e-3);
	EQ(tk_parse_length(" 10pt ", &pt, NULL, err), 0);
	NEAR(pt, 10, 1e-9);
	EQ(tk_parse_length("0", &pt, NULL, err), 0);
	EQ(tk_parse_length("12", &pt, NULL, err), -1);
	OK(strstr(err, "needs a unit") != NULL);
	EQ(tk_parse_length("3px", &pt, NULL, err), -1);
	OK(strstr(err, "unknown unit 'px'") != NULL);
	EQ(tk_parse_length("50%", &pt, NULL, err), -1);
	EQ(tk_parse_length("50%", &pt, &pct, err), 0);
	EQ(pct, 1);
	NEAR(pt, 50, 1e-9);
	EQ(tk_parse_length("abc", &pt, NULL, err), -1);
}

TK_TEST(units_papers_and_colours)
{
	char err[160];
	double w, h;
	EQ(tk_parse_paper("A3", &w, &h, err), 0);
	NEAR(w / TK_MM, 297, 1e-9);
	NEAR(h / TK_MM, 420, 1e-9);
	EQ(tk_parse_paper("tabloid", &w, &h, err), 0);
	NEAR(w / TK_MM, 280, 1e-9);
	EQ(tk_parse_paper("85mm x 55mm", &w, &h, err), 0);
	NEAR(w / TK_MM, 85, 1e-9);
	NEAR(h / TK_MM, 55, 1e-9);
	EQ(tk_parse_paper("A9", &w, &h, err), -1);
	tk_cmyk c;
	int none;
	EQ(tk_builtin_color("registration", &c, &none), 0);
	NEAR(tk_cmyk_total_ink(c), 400, 1e-6);
	EQ(tk_builtin_color("none", &c, &none), 0);
	EQ(none, 1);
	EQ(tk_builtin_color("blue", &c, &none), -1);
}

static tk_layout *load(tk_arena *a, tk_diag *d, const char *yaml)
{
	tk_node *root = tk_yaml_load_string(a, d, "t.yaml", yaml, strlen(yaml), NULL);
	if (!root)
		return NULL;
	static const char *fam[] = {"Lato", "Noto Serif"};
	tk_reader r = {.a = a, .d = d, .scale = 1};
	return tk_layout_load(&r, root, "t.yaml", fam, 2);
}

TK_TEST(styles_based_on_and_percent_leading)
{
	tk_arena *a = tk_arena_new();
	FILE *out = tmpfile();
	tk_diag *d = tk_diag_new(out);
	tk_layout *l = load(a, d,
	                    "page: {size: A4}\n"
	                    "swatches: {petrol: [85, 35, 40, 25]}\n"
	                    "paragraph-styles:\n"
	                    "  body: {font: Noto Serif, size: 10pt, leading: 14pt, color: petrol}\n"
	                    "  big: {based-on: body, size: 20pt}\n"
	                    "  head: {based-on: big, font: Lato, weight: bold, leading: 90%}\n"
	                    "pages: []\n");
	OK(l != NULL);
	if (l) {
		const tk_pstyle *big = tk_layout_pstyle(l, "big"), *head = tk_layout_pstyle(l, "head");
		NEAR(big->size, 20, 1e-9);
		NEAR(big->leading, 28, 1e-9); /* leading follows the size when only size changes */
		STREQ(big->font, "Noto Serif");
		NEAR(big->color.c, 0.85, 1e-6);
		STREQ(head->font, "Lato");
		EQ(head->weight, 700);
		NEAR(head->leading, 18, 1e-9);
	}
	EQ(tk_diag_errors(d), 0);
	tk_diag_free(d);
	fclose(out);
	tk_arena_free(a);
}

TK_TEST(styles_errors)
{
	tk_arena *a = tk_arena_new();
	FILE *out = tmpfile();
	tk_diag *d = tk_diag_new(out);
	tk_layout *l = load(a, d,
	                    "page: {size: A4}\n"
	                    "paragraph-styles:\n"
	                    "  a: {based-on: b, font: Helvetica}\n"
	                    "  b: {based-on: a, colour: black}\n"
	                    "pages: []\n");
	OK(l == NULL);
	OK(tk_diag_errors(d) >= 3);
	rewind(out);
	char buf[4096];
	size_t n = fread(buf, 1, sizeof buf - 1, out);
	buf[n] = 0;
	OK(strstr(buf, "is based on itself") != NULL);
	OK(strstr(buf, "unknown font 'Helvetica'") != NULL);
	OK(strstr(buf, "unknown key 'colour' in paragraph style (did you mean 'color'?)") != NULL);
	tk_diag_free(d);
	fclose(out);
	tk_arena_free(a);
}

TK_TEST(design_size_scales_design_not_bleed)
{
	tk_arena *a = tk_arena_new();
	FILE *out = tmpfile();
	tk_diag *d = tk_diag_new(out);
	tk_layout *l = load(a, d,
	                    "page: {size: A2, design-size: A3, bleed: 3mm}\n"
	                    "paragraph-styles: {body: {size: 10pt}}\n"
	                    "pages:\n"
	                    "  - frames: [{text: x, x: 10mm, y: 10mm, width: 100mm, height: 50mm}]\n");
	OK(l != NULL);
	if (l) {
		double s = 420.0 / 297.0;
		NEAR(l->scale, s, 1e-9);
		NEAR(l->bleed / TK_MM, 3, 1e-9);
		NEAR(tk_layout_pstyle(l, "body")->size, 10 * s, 1e-9);
		NEAR(l->pages[0].frames[0].r.w / TK_MM, 100 * s, 1e-6);
	}
	tk_diag_free(d);
	fclose(out);
	tk_arena_free(a);
}

TK_TEST(line_breaking_justified_and_hyphenated)
{
	tk_arena *a = tk_arena_new();
	FILE *out = tmpfile();
	tk_diag *d = tk_diag_new(out);
	tk_shaper *sh = tk_shaper_new("fonts", d);
	tk_hyph *hy = tk_hyph_new();
	tk_pstyle st = {.name = "body", .font = "Noto Serif", .weight = 400, .size = 9.5,
	                .leading = 13.5, .align = TK_ALIGN_JUSTIFY, .hyphenate = 1,
	                .color = {0, 0, 0, 1}};
	tk_layout l = {.n_pstyles = 1, .pstyles = &st};
	const char *t = "Blant kommunene som presenteres i heftet er Horten, som har gjennomført "
	                "flere prosjekter i samarbeid med KoRus Sør, og som har lykkes i å "
	                "implementere prosjektarbeidet så det er blitt en del av daglig drift.";
	tk_para p = {.text = t, .len = (int)strlen(t), .style = &st};
	tk_shaped s;
	double W = 200;
	EQ(tk_shape(sh, hy, a, &p, &l, W, 1, "nb", &s), 0);
	OK(s.n_lines >= 3);
	int hyphens = 0;
	char joined[1024] = "";
	for (int i = 0; i < s.n_lines; i++) {
		const tk_line *ln = &s.lines[i];
		const tk_glyph_run *last_run = &ln->runs[ln->n_runs - 1];
		const tk_glyph *lg = &last_run->glyphs[last_run->n - 1];
		OK(lg->x + lg->advance <= W + 0.05);
		if (i < s.n_lines - 1 && !(lg->text_len == 1 && lg->text[0] == ' '))
			NEAR(lg->x + lg->advance, W, 0.05); /* justified lines end at the measure */
		hyphens += ln->hyphenated;
		for (int r = 0; r < ln->n_runs; r++)
			for (int g = 0; g < ln->runs[r].n; g++) {
				const tk_glyph *gl = &ln->runs[r].glyphs[g];
				if (gl->text && !(ln->hyphenated && gl == lg))
					strncat(joined, gl->text, (size_t)gl->text_len);
			}
		if (ln->hyphenated)
			OK(lg->text_len == 1 && lg->text[0] == '-');
	}
	OK(hyphens >= 1);
	/* the glyph texts give back the paragraph (less line-end spaces) */
	char want[1024];
	size_t k = 0;
	for (const char *q = t; *q; q++)
		if (*q != ' ')
			want[k++] = *q;
	want[k] = 0;
	k = 0;
	for (char *q = joined; *q; q++)
		if (*q != ' ')
			joined[k++] = *q;
	joined[k] = 0;
	STREQ(joined, want);
	tk_hyph_free(hy);
	tk_shaper_free(sh);
	tk_diag_free(d);
	fclose(out);
	tk_arena_free(a);
}

TK_TEST(shaping_reports_missing_glyphs)
{
	tk_arena *a = tk_arena_new();
	FILE *out = tmpfile();
	tk_diag *d = tk_diag_new(out);
	tk_shaper *sh = tk_shaper_new("fonts", d);
	tk_pstyle st = {.name = "body", .font = "Lato", .weight = 400, .size = 10, .leading = 12};
	tk_layout l = {.n_pstyles = 1, .pstyles = &st};
	const char *t = "Hei \xE4\xB8\xAD";
	tk_para p = {.text = t, .len = (int)strlen(t), .style = &st};
	tk_shaped s;
	EQ(tk_shape(sh, NULL, a, &p, &l, 300, 1, NULL, &s), 0);
	EQ(s.missing, 1);
	STREQ(s.missing_char, "\xE4\xB8\xAD");
	tk_shaper_free(sh);
	tk_diag_free(d);
	fclose(out);
	tk_arena_free(a);
}

TK_TEST(hyphenation_norwegian)
{
	tk_arena *a = tk_arena_new();
	tk_hyph *h = tk_hyph_new();
	int len, *ins, n;
	const char *w = "barnehageansatte og KoRus";
	char *out = tk_hyphenate(h, a, "nb", w, (int)strlen(w), &len, &ins, &n);
	OK(n >= 1);
	OK(strstr(out, "barnehage\xC2\xAD" "ansatte") != NULL);
	OK(strstr(out, "KoRus") != NULL); /* inner capitals: left alone */
	out = tk_hyphenate(h, a, "en", w, (int)strlen(w), &len, &ins, &n);
	EQ(n, 0);
	tk_hyph_free(h);
	tk_arena_free(a);
}

/* test_shape.c - line breaking and shaping (text/shape.c) with the fonts in fonts/:
 * lines no wider than the measure, justified lines ending at it, hyphens at soft
 * hyphen breaks, glyph text giving back the paragraph, line start offsets, missing
 * glyphs, kerning, alignment and indents, and tk_para_tail continuing a paragraph
 * where a line began. */
#include "unit.h"

#include "text/text.h"

#include <stdlib.h>

typedef struct fixture {
	tk_arena *a;
	char *buf;
	size_t size;
	FILE *f;
	tk_diag *d;
	tk_shaper *sh;
	tk_hyph *hy;
	tk_pstyle st;
	tk_layout l;
} fixture;

/* One shaper for all tests here, freed at exit: fontconfig and pango keep part of
 * what each font map loads until the process ends (LeakSanitizer reports it from
 * the eighth shaper in a process on), so tests share one instead of making many. */
static tk_shaper *shared;
static tk_diag *shared_d;

static void free_shared(void)
{
	tk_shaper_free(shared);
	tk_diag_free(shared_d);
}

static tk_shaper *shared_shaper(void)
{
	if (!shared) {
		shared_d = tk_diag_new(stderr);
		shared = tk_shaper_new("fonts", shared_d);
		atexit(free_shared);
	}
	return shared;
}

static void fx_open(fixture *x)
{
	x->a = tk_arena_new();
	x->buf = NULL;
	x->size = 0;
	x->f = open_memstream(&x->buf, &x->size);
	x->d = tk_diag_new(x->f);
	x->sh = shared_shaper();
	x->hy = tk_hyph_new();
	x->st = (tk_pstyle){.name = "body", .font = "Noto Serif", .weight = 400, .size = 9.5,
	                    .leading = 13.5, .color = {0, 0, 0, 1}, .bullet = "\xE2\x80\xA2"};
	x->l = (tk_layout){.n_pstyles = 1, .pstyles = &x->st, .lang = "nb"};
}

static void fx_close(fixture *x)
{
	tk_hyph_free(x->hy);
	tk_diag_free(x->d);
	fclose(x->f);
	free(x->buf);
	tk_arena_free(x->a);
}

static int shape(fixture *x, const tk_para *p, double width, tk_shaped *out)
{
	if (!x->sh) {
		memset(out, 0, sizeof *out);
		return -1;
	}
	return tk_shape(x->sh, x->hy, x->a, p, &x->l, width, 1, "nb", out);
}

static tk_para para(fixture *x, const char *text)
{
	return (tk_para){.text = text, .len = (int)strlen(text), .style = &x->st};
}

/* The glyph texts of a line, joined. */
static const char *line_text(tk_arena *a, const tk_line *ln)
{
	size_t n = 0;
	for (int r = 0; r < ln->n_runs; r++)
		for (int g = 0; g < ln->runs[r].n; g++)
			n += (size_t)ln->runs[r].glyphs[g].text_len;
	char *s = tk_arena_alloc(a, n + 1);
	size_t k = 0;
	for (int r = 0; r < ln->n_runs; r++)
		for (int g = 0; g < ln->runs[r].n; g++) {
			const tk_glyph *gl = &ln->runs[r].glyphs[g];
			if (gl->text) {
				memcpy(s + k, gl->text, (size_t)gl->text_len);
				k += (size_t)gl->text_len;
			}
		}
	s[k] = 0;
	return s;
}

static const tk_glyph *last_glyph(const tk_line *ln, int skip_spaces)
{
	for (int r = ln->n_runs - 1; r >= 0; r--)
		for (int g = ln->runs[r].n - 1; g >= 0; g--) {
			const tk_glyph *gl = &ln->runs[r].glyphs[g];
			if (skip_spaces && gl->text_len == 1 && gl->text[0] == ' ')
				continue;
			return gl;
		}
	return NULL;
}

static const tk_glyph *first_glyph(const tk_line *ln)
{
	return ln->n_runs && ln->runs[0].n ? &ln->runs[0].glyphs[0] : NULL;
}

/* Right edge of the ink-bearing part of a line (trailing spaces left out). */
static double line_end(const tk_line *ln)
{
	const tk_glyph *g = last_glyph(ln, 1);
	return g ? g->x + g->advance : 0;
}

/* text without trailing spaces and without soft hyphens */
static char *clean(tk_arena *a, const char *s, int n)
{
	char *o = tk_arena_alloc(a, (size_t)n + 1);
	int k = 0;
	for (int i = 0; i < n; i++) {
		if ((unsigned char)s[i] == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xAD) {
			i++;
			continue;
		}
		o[k++] = s[i];
	}
	while (k && o[k - 1] == ' ')
		k--;
	o[k] = 0;
	return o;
}

static const char *horten =
    "Blant kommunene som presenteres i heftet er Horten, som har gjennomført flere "
    "prosjekter i samarbeid med KoRus Sør, og som har lykkes i å implementere "
    "prosjektarbeidet så det er blitt en del av daglig drift. Barnehageansatte og "
    "kommunalsjefen fikk en felles handlingsveileder for tidlig innsats.";

TK_TEST(shape_lines_fit_the_measure)
{
	fixture x;
	fx_open(&x);
	OK(x.sh != NULL);
	tk_para p = para(&x, horten);
	static const double widths[] = {120, 200, 333.3};
	for (int w = 0; w < 3; w++) {
		tk_shaped s;
		EQ(shape(&x, &p, widths[w], &s), 0);
		OK(s.n_lines >= 2);
		for (int i = 0; i < s.n_lines; i++) {
			OK(line_end(&s.lines[i]) <= widths[w] + 0.05);
			EQ(s.lines[i].overfull, 0);
			OK(s.lines[i].ascent > 5 && s.lines[i].ascent < 15);
			OK(s.lines[i].descent > 0 && s.lines[i].descent < 6);
		}
		NEAR(s.first_ascent, s.lines[0].ascent, 0);
	}
	/* narrower measure, more lines */
	tk_shaped a, b;
	shape(&x, &p, 120, &a);
	shape(&x, &p, 333.3, &b);
	OK(a.n_lines > b.n_lines);
	fx_close(&x);
}

TK_TEST(shape_justified_lines_end_at_the_measure)
{
	fixture x;
	fx_open(&x);
	x.st.align = TK_ALIGN_JUSTIFY;
	x.st.hyphenate = 1;
	tk_para p = para(&x, horten);
	double W = 200;
	tk_shaped s;
	EQ(shape(&x, &p, W, &s), 0);
	OK(s.n_lines >= 4);
	for (int i = 0; i + 1 < s.n_lines; i++)
		NEAR(line_end(&s.lines[i]), W, 0.05);
	/* the last line is set ragged */
	if (s.n_lines)
		OK(line_end(&s.lines[s.n_lines - 1]) < W - 10);
	/* and left-aligned text is not stretched */
	x.st.align = TK_ALIGN_LEFT;
	tk_shaped r;
	EQ(shape(&x, &p, W, &r), 0);
	int ragged = 0;
	for (int i = 0; i + 1 < r.n_lines; i++)
		ragged += line_end(&r.lines[i]) < W - 1;
	OK(ragged > 0);
	fx_close(&x);
}

TK_TEST(shape_hyphenated_lines_end_in_a_hyphen)
{
	fixture x;
	fx_open(&x);
	x.st.align = TK_ALIGN_JUSTIFY;
	x.st.hyphenate = 1;
	tk_para p = para(&x, horten);
	int hyphens = 0;
	for (double W = 90; W <= 240; W += 15) {
		tk_shaped s;
		EQ(shape(&x, &p, W, &s), 0);
		for (int i = 0; i < s.n_lines; i++) {
			const tk_line *ln = &s.lines[i];
			const tk_glyph *g = last_glyph(ln, 0);
			if (!ln->hyphenated)
				continue;
			hyphens++;
			OK(g && g->text_len == 1 && g->text[0] == '-');
			OK(line_end(ln) <= W + 0.05);
			if (i + 1 < s.n_lines)
				NEAR(line_end(ln), W, 0.05);
			/* the visible hyphen has width; no soft hyphen is left in the text */
			OK(g && g->advance > 0.5);
			OK(strstr(line_text(x.a, ln), "\xC2\xAD") == NULL);
		}
	}
	OK(hyphens >= 3);
	/* without hyphenation no line ends in a hyphen */
	x.st.hyphenate = 0;
	tk_shaped s;
	EQ(shape(&x, &p, 120, &s), 0);
	for (int i = 0; i < s.n_lines; i++)
		EQ(s.lines[i].hyphenated, 0);
	fx_close(&x);
}

/* Checks that each line's glyph text is the paragraph text from its start to the
 * next line's start (less trailing spaces, plus "-" after a hyphen break). */
static void check_line_texts(fixture *x, const tk_para *p, const tk_shaped *s)
{
	/* a list item's first line starts with its marker (the tab has no glyph) */
	const char *prefix = p->marker ? p->marker : "";
	int joined = 0;
	for (int i = 0; i < s->n_lines; i++) {
		const tk_line *ln = &s->lines[i];
		int start = ln->start, end = i + 1 < s->n_lines ? s->lines[i + 1].start : p->len;
		OK(start >= 0 && start <= end && end <= p->len);
		if (!(start >= 0 && start <= end && end <= p->len))
			return;
		const char *want = clean(x->a, p->text + start, end - start);
		if (ln->hyphenated)
			want = tk_arena_printf(x->a, "%s-", want);
		if (i == 0)
			want = tk_arena_printf(x->a, "%s%s", prefix, want);
		const char *got = line_text(x->a, ln);
		got = clean(x->a, got, (int)strlen(got));
		STREQ(got, want);
		joined += end - start;
	}
	EQ(joined, p->len);
	if (s->n_lines)
		EQ(s->lines[0].start, 0);
}

TK_TEST(shape_glyph_text_gives_back_the_paragraph)
{
	fixture x;
	fx_open(&x);
	x.st.align = TK_ALIGN_JUSTIFY;
	x.st.hyphenate = 1;
	tk_para p = para(&x, horten);
	for (double W = 100; W <= 300; W += 50) {
		tk_shaped s;
		EQ(shape(&x, &p, W, &s), 0);
		check_line_texts(&x, &p, &s);
	}
	fx_close(&x);
}

TK_TEST(shape_line_starts_with_spans_and_uppercase)
{
	fixture x;
	fx_open(&x);
	x.st.hyphenate = 1;
	/* spans split the text into pieces shaped with their own fonts; start offsets
	 * must still point into the paragraph's own text */
	const char *t = "Barnehageansatte og kommunalsjefen fikk en felles handlingsveileder "
	                "for tidlig innsats, med rusmiddelpolitikk og forebyggende arbeid.";
	tk_span spans[] = {{.start = 20, .end = 34, .strong = 1},
	                   {.start = 50, .end = 67, .emph = 1}};
	tk_para p = para(&x, t);
	p.spans = spans;
	p.n_spans = 2;
	for (double W = 80; W <= 200; W += 40) {
		tk_shaped s;
		EQ(shape(&x, &p, W, &s), 0);
		check_line_texts(&x, &p, &s);
	}
	/* uppercase: glyph text is in capitals, starts still map into the original */
	x.st.uppercase = 1;
	tk_shaped s;
	EQ(shape(&x, &p, 100, &s), 0);
	OK(s.n_lines >= 3);
	for (int i = 1; i < s.n_lines; i++) {
		const char *got = line_text(x.a, &s.lines[i]);
		const char *orig = t + s.lines[i].start;
		/* the line's first letter is the capital of the original's */
		OK(got[0] == orig[0] - ('a' <= orig[0] && orig[0] <= 'z' ? 32 : 0));
	}
	OK(strstr(line_text(x.a, &s.lines[0]), "BARNEHAGE") != NULL);
	fx_close(&x);
}

/* The font of the run holding the first glyph whose text starts with c. */
static const tk_font *font_of_char(const tk_line *ln, char c)
{
	for (int r = 0; r < ln->n_runs; r++)
		for (int g = 0; g < ln->runs[r].n; g++) {
			const tk_glyph *gl = &ln->runs[r].glyphs[g];
			if (gl->text && gl->text[0] == c)
				return ln->runs[r].font;
		}
	return NULL;
}

TK_TEST(shape_strong_and_emphasis_use_other_faces)
{
	fixture x;
	fx_open(&x);
	const char *t = "vanlig kursiv og fet";
	tk_span spans[] = {{.start = 7, .end = 13, .emph = 1}, {.start = 17, .end = 20, .strong = 1}};
	tk_para p = para(&x, t);
	p.spans = spans;
	p.n_spans = 2;
	tk_shaped s;
	EQ(shape(&x, &p, 400, &s), 0);
	EQ(s.n_lines, 1);
	if (s.n_lines != 1) {
		fx_close(&x);
		return;
	}
	const tk_font *reg = font_of_char(&s.lines[0], 'v');
	const tk_font *it = font_of_char(&s.lines[0], 'k');
	const tk_font *bold = font_of_char(&s.lines[0], 'f');
	OK(reg && it && bold);
	if (reg && it && bold) {
		STREQ(reg->name, "NotoSerif-Regular");
		STREQ(it->name, "NotoSerif-Italic");
		STREQ(bold->name, "NotoSerif-Bold");
	}
	/* every face used is registered with the shaper, once, numbered in order */
	tk_font **fonts;
	int nf = tk_shaper_fonts(x.sh, &fonts), seen = 0;
	for (int i = 0; i < nf; i++) {
		EQ(fonts[i]->id, i);
		seen += fonts[i] == reg || fonts[i] == it || fonts[i] == bold;
		for (int k = 0; k < i; k++)
			OK(strcmp(fonts[k]->path, fonts[i]->path) != 0);
	}
	EQ(seen, 3);
	fx_close(&x);
}

TK_TEST(shape_missing_glyphs_are_reported)
{
	fixture x;
	fx_open(&x);
	static const struct {
		const char *text, *missing;
	} cases[] = {
		{"Hei \xE4\xB8\x80 verden", "\xE4\xB8\x80"},        /* U+4E00 */
		{"Smil \xF0\x9F\x98\x80!", "\xF0\x9F\x98\x80"},     /* U+1F600, an emoji */
		{"\xE0\xB8\x81 og \xE4\xB8\x80", "\xE0\xB8\x81"},   /* Thai first */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		tk_para p = para(&x, cases[i].text);
		tk_shaped s;
		EQ(shape(&x, &p, 300, &s), 0);
		OK(s.missing >= 1);
		STREQ(s.missing_char, cases[i].missing);
	}
	/* Norwegian letters, « », – and € are all there */
	tk_para p = para(&x, "«Blåbær» – ÆØÅ æøå é ü € § ½ …");
	tk_shaped s;
	EQ(shape(&x, &p, 300, &s), 0);
	EQ(s.missing, 0);
	STREQ(s.missing_char, "");
	x.st.font = "Lato";
	EQ(shape(&x, &p, 300, &s), 0);
	EQ(s.missing, 0);
	fx_close(&x);
}

/* Total advance of a text on one line. */
static double advance_of(fixture *x, const char *t)
{
	tk_para p = para(x, t);
	tk_shaped s;
	if (shape(x, &p, 1000, &s) < 0 || s.n_lines != 1)
		return -1;
	double w = 0;
	for (int r = 0; r < s.lines[0].n_runs; r++)
		for (int g = 0; g < s.lines[0].runs[r].n; g++)
			w += s.lines[0].runs[r].glyphs[g].advance;
	return w;
}

TK_TEST(shape_kerning_and_increasing_positions)
{
	fixture x;
	fx_open(&x);
	x.st.font = "Lato";
	x.st.size = 100;
	double av = advance_of(&x, "AV"), a = advance_of(&x, "A"), v = advance_of(&x, "V");
	OK(a > 0 && v > 0);
	OK(av < a + v - 1); /* the pair is kerned closer */
	double to = advance_of(&x, "To"), t = advance_of(&x, "T"), o = advance_of(&x, "o");
	OK(to < t + o - 1);
	/* no ligatures: "fi" stays two glyphs with their own text */
	tk_para p = para(&x, "fine fly");
	tk_shaped s;
	EQ(shape(&x, &p, 1000, &s), 0);
	int glyphs = 0;
	double prev = -1;
	for (int r = 0; r < s.lines[0].n_runs; r++)
		for (int g = 0; g < s.lines[0].runs[r].n; g++) {
			const tk_glyph *gl = &s.lines[0].runs[r].glyphs[g];
			glyphs++;
			OK(gl->x > prev); /* strictly increasing */
			prev = gl->x;
			EQ(gl->text_len, 1);
		}
	EQ(glyphs, 8);
	NEAR(s.lines[0].runs[0].size, 100, 1e-3);
	fx_close(&x);
}

TK_TEST(shape_alignment_and_indents)
{
	fixture x;
	fx_open(&x);
	double W = 300;
	tk_para p = para(&x, "Kort linje");
	tk_shaped s;
	EQ(shape(&x, &p, W, &s), 0);
	const tk_glyph *g0 = first_glyph(&s.lines[0]);
	OK(g0 && fabs(g0->x) < 0.5);
	double wid = line_end(&s.lines[0]) - (g0 ? g0->x : 0);
	x.st.align = TK_ALIGN_RIGHT;
	EQ(shape(&x, &p, W, &s), 0);
	NEAR(line_end(&s.lines[0]), W, 0.05);
	x.st.align = TK_ALIGN_CENTER;
	EQ(shape(&x, &p, W, &s), 0);
	g0 = first_glyph(&s.lines[0]);
	NEAR(g0 ? g0->x : -1, (W - wid) / 2, 0.5);
	/* first-line indent, left and right indents */
	x.st.align = TK_ALIGN_LEFT;
	x.st.indent = 12;
	x.st.left_indent = 20;
	x.st.right_indent = 30;
	p = para(&x, horten);
	EQ(shape(&x, &p, W, &s), 0);
	OK(s.n_lines >= 3);
	g0 = first_glyph(&s.lines[0]);
	NEAR(g0 ? g0->x : -1, 32, 0.5);
	g0 = first_glyph(&s.lines[1]);
	NEAR(g0 ? g0->x : -1, 20, 0.5);
	for (int i = 0; i < s.n_lines; i++)
		OK(line_end(&s.lines[i]) <= W - 30 + 0.05);
	/* a tail (the rest of a paragraph in the next frame) has no first-line indent */
	tk_para t = p;
	t.tail = 1;
	EQ(shape(&x, &t, W, &s), 0);
	g0 = first_glyph(&s.lines[0]);
	NEAR(g0 ? g0->x : -1, 20, 0.5);
	fx_close(&x);
}

TK_TEST(shape_list_marker_hangs)
{
	fixture x;
	fx_open(&x);
	tk_para p = para(&x, horten);
	p.kind = TK_PARA_ITEM;
	p.marker = "\xE2\x80\xA2";
	tk_shaped s;
	EQ(shape(&x, &p, 200, &s), 0);
	OK(s.n_lines >= 3);
	/* the marker at the left edge, the text lined up at the tab on every line */
	const tk_glyph *g0 = first_glyph(&s.lines[0]);
	OK(g0 && g0->text_len == 3 && memcmp(g0->text, "\xE2\x80\xA2", 3) == 0);
	OK(g0 && fabs(g0->x) < 0.5);
	double hang = x.st.size * 1.2;
	const tk_glyph *g1 = first_glyph(&s.lines[1]);
	NEAR(g1 ? g1->x : -1, hang, 0.5);
	/* the start offsets leave the marker out: they are offsets into p.text */
	OK(s.lines[1].start > 0 && s.lines[1].start < 40);
	check_line_texts(&x, &p, &s);
	fx_close(&x);
}

TK_TEST(shape_scale_and_empty_paragraph)
{
	fixture x;
	fx_open(&x);
	tk_para p = para(&x, "Skalert");
	tk_shaped s;
	EQ(tk_shape(x.sh, x.hy, x.a, &p, &x.l, 300, 2, "nb", &s), 0);
	NEAR(s.lines[0].runs[0].size, 19, 1e-3);
	double w2 = line_end(&s.lines[0]);
	EQ(shape(&x, &p, 300, &s), 0);
	NEAR(w2, 2 * line_end(&s.lines[0]), 0.05);
	p = para(&x, "");
	EQ(shape(&x, &p, 300, &s), 0);
	EQ(s.n_lines, 0);
	fx_close(&x);
}

TK_TEST(shape_para_tail_continues_at_the_right_text)
{
	fixture x;
	fx_open(&x);
	x.st.hyphenate = 1;
	x.st.indent = 10;
	const char *t = "Dette er **viktig**: barnehageansatte og kommunalsjefen fikk en felles "
	                "handlingsveileder for tidlig innsats, og prosjektarbeidet er blitt "
	                "en del av daglig drift i kommunen.";
	/* through markdown, so spans and offsets are real */
	tk_para_styles ps = {&x.l, &x.st};
	tk_loc loc = {"t.yaml", 1, 1};
	tk_para *p = tk_markdown_parse(x.a, t, 1, &loc, &ps);
	OK(p != NULL);
	if (!p || !x.sh) {
		fx_close(&x);
		return;
	}
	double W = 150;
	tk_shaped s;
	EQ(shape(&x, p, W, &s), 0);
	OK(s.n_lines >= 4);
	for (int k = 1; k < s.n_lines; k++) {
		tk_para *tail = tk_para_tail(x.a, p, s.lines[k].start);
		STREQ(tail->text, p->text + s.lines[k].start);
		tk_shaped ts;
		EQ(shape(&x, tail, W, &ts), 0);
		/* set at the same width, the tail breaks as the rest of the paragraph did
		 * (it has no first-line indent, as line k had none) */
		EQ(ts.n_lines, s.n_lines - k);
		for (int i = 0; i < ts.n_lines && k + i < s.n_lines; i++) {
			STREQ(line_text(x.a, &ts.lines[i]), line_text(x.a, &s.lines[k + i]));
			EQ(ts.lines[i].start + s.lines[k].start, s.lines[k + i].start);
		}
	}
	fx_close(&x);
}

TK_TEST(shape_no_fonts_folder)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	tk_diag *d = tk_diag_new(f);
	OK(tk_shaper_new("tests/no-such-fonts-folder", d) == NULL);
	EQ(tk_diag_errors(d), 1);
	fflush(f);
	OK(buf && strstr(buf, "tests/no-such-fonts-folder") != NULL);
	tk_diag_free(d);
	fclose(f);
	free(buf);
}

TK_TEST(shape_hard_breaks_and_overfull_words)
{
	fixture x;
	fx_open(&x);
	tk_para p = para(&x, "Storgata 1\xE2\x80\xA8" "3181 Horten");
	tk_shaped s;
	EQ(shape(&x, &p, 300, &s), 0);
	EQ(s.n_lines, 2);
	EQ(s.missing, 0); /* the line separator is no missing character */
	if (s.n_lines == 2) {
		/* the separator itself draws nothing */
		STREQ(line_text(x.a, &s.lines[0]), "Storgata 1");
		STREQ(line_text(x.a, &s.lines[1]), "3181 Horten");
		EQ(s.lines[1].start, 13);
	}
	/* a word wider than the column sticks out, and says so */
	p = para(&x, "Et kommunehelsetjenesteforebyggingsprogram her");
	EQ(shape(&x, &p, 60, &s), 0);
	int over = 0;
	for (int i = 0; i < s.n_lines; i++)
		over += s.lines[i].overfull;
	EQ(over, 1);
	fx_close(&x);
}

/* A short left-aligned paragraph is tried on one line first (shape.c); one that is
 * short but still too wide for its measure falls back to the measure and wraps
 * there, and one that fits keeps the one line, inside the measure. */
TK_TEST(shape_short_paragraphs_tried_on_one_line)
{
	fixture x;
	fx_open(&x);
	tk_para p = para(&x, "Barn i rusfamilier og andre");
	tk_shaped s;
	EQ(shape(&x, &p, 80, &s), 0);
	OK(s.n_lines >= 2);
	for (int i = 0; i < s.n_lines; i++) {
		OK(line_end(&s.lines[i]) <= 80 + 0.05);
		EQ(s.lines[i].overfull, 0);
	}
	STREQ(line_text(x.a, &s.lines[0]), "Barn i");
	EQ(shape(&x, &p, 300, &s), 0);
	EQ(s.n_lines, 1);
	OK(line_end(&s.lines[0]) > 80 && line_end(&s.lines[0]) <= 300);
	STREQ(line_text(x.a, &s.lines[0]), "Barn i rusfamilier og andre");
	fx_close(&x);
}

TK_TEST(shape_typed_soft_hyphen)
{
	fixture x;
	fx_open(&x);
	x.st.align = TK_ALIGN_JUSTIFY;
	/* a writer's own soft hyphen (no automatic hyphenation) breaks like one */
	tk_para p = para(&x, "Her er et ord som bare kan deles slik: kommune\xC2\xAD"
	                     "helsetjenesten, og mer tekst etter det ordet her.");
	int found = 0;
	for (double W = 150; W <= 260 && !found; W += 2) {
		tk_shaped s;
		EQ(shape(&x, &p, W, &s), 0);
		for (int i = 0; i + 1 < s.n_lines; i++) {
			if (!s.lines[i].hyphenated)
				continue;
			found = 1;
			const char *lt = line_text(x.a, &s.lines[i]);
			OK(strlen(lt) > 8 && strcmp(lt + strlen(lt) - 8, "kommune-") == 0);
			NEAR(line_end(&s.lines[i]), W, 0.05);
			STREQ(line_text(x.a, &s.lines[i + 1]), "helsetjenesten, og mer tekst etter det ordet her.");
		}
	}
	OK(found);
	fx_close(&x);
}

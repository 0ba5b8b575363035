/* test_flow.c - the filler (layout/flow.c) on hand-made regions: lines on the
 * baseline model, widows and orphans, keep-with-next, the baseline grid, space
 * between paragraphs, and tk_flow_regions splitting a column around a wrapped
 * frame. */
#include "unit.h"

#include "layout/flow.h"

#include <stdlib.h>

typedef struct fixture {
	tk_arena *a;
	char *buf;
	size_t size;
	FILE *f;
	tk_diag *d;
	tk_shaper *sh;
	tk_hyph *hy;
	tk_pstyle body, head;
	tk_layout l;
	tk_engine e;
	tk_page page;
	tk_frame fr[3];
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
	memset(x, 0, sizeof *x);
	x->a = tk_arena_new();
	x->f = open_memstream(&x->buf, &x->size);
	x->d = tk_diag_new(x->f);
	x->sh = shared_shaper();
	x->hy = tk_hyph_new();
	x->body = (tk_pstyle){.name = "body", .font = "Noto Serif", .weight = 400, .size = 10,
	                      .leading = 13, .color = {0, 0, 0, 1}, .bullet = "\xE2\x80\xA2"};
	x->head = x->body;
	x->head.name = "heading";
	x->head.weight = 700;
	x->l = (tk_layout){.n_pstyles = 1, .pstyles = &x->body, .lang = "nb", .widows = 2,
	                   .orphans = 2};
	x->e = (tk_engine){.a = x->a, .d = x->d, .shaper = x->sh, .hyph = x->hy, .layout = &x->l,
	                   .lang = "nb"};
	for (int i = 0; i < 3; i++)
		x->fr[i] = (tk_frame){.name = (const char *[]){"a", "b", "c"}[i], .columns = 1};
}

static void fx_close(fixture *x)
{
	tk_hyph_free(x->hy);
	tk_diag_free(x->d);
	fclose(x->f);
	free(x->buf);
	tk_arena_free(x->a);
}

static const char *lorem =
    "Blant kommunene som presenteres i heftet er Horten, som har gjennomført flere "
    "prosjekter i samarbeid med KoRus Sør, og som har lykkes i å implementere "
    "prosjektarbeidet så det er blitt en del av daglig drift. Kommunen har laget en "
    "felles handlingsveileder for ansatte i skole og barnehage, og den brukes.";

static tk_para *para(fixture *x, const char *text, const tk_pstyle *st, tk_para_kind kind)
{
	tk_para *p = TK_NEW(x->a, tk_para);
	*p = (tk_para){.kind = kind, .text = text, .len = (int)strlen(text), .style = st};
	if (kind == TK_PARA_HEADING)
		p->level = 1;
	return p;
}

/* Lines p takes at width w, and the metrics of its first line. */
static int lines_of(fixture *x, const tk_para *p, double w, double *asc, double *desc)
{
	tk_shaped s;
	if (!x->sh || tk_shape(x->sh, x->hy, x->a, p, &x->l, w, 1, "nb", &s) < 0 || !s.n_lines)
		return 0;
	*asc = s.lines[0].ascent;
	*desc = s.lines[0].descent;
	return s.n_lines;
}

static tk_region region(fixture *x, int frame, double y, double w, double h, int new_col)
{
	return (tk_region){&x->page, &x->fr[frame], 10, y, w, h, new_col, 0};
}

/* Lines placed in frame i. */
static int placed_in(const tk_flow *f, const tk_frame *fr)
{
	int n = 0;
	for (int i = 0; i < f->n; i++)
		n += f->out[i].frame == fr;
	return n;
}

TK_TEST(flow_baselines_follow_the_leading)
{
	fixture x;
	fx_open(&x);
	double asc = 0, desc = 0, W = 150;
	tk_para *p = para(&x, lorem, &x.body, TK_PARA_BODY);
	int n = lines_of(&x, p, W, &asc, &desc);
	OK(n >= 5);
	tk_flow f;
	tk_flow_init(&f, &x.e, p, 1);
	tk_region r = region(&x, 0, 50, W, 500, 1);
	EQ(tk_flow_fill(&f, &r), 1);
	EQ(f.n, n);
	for (int i = 0; i < f.n; i++) {
		NEAR(f.out[i].baseline, 50 + asc + i * 13, 1e-6);
		NEAR(f.out[i].x, 10, 0);
		OK(f.out[i].p == p);
		OK(f.out[i].page == &x.page);
		EQ(f.out[i].para_first, i == 0);
	}
	OK(f.cur == NULL);
	NEAR(f.bottom, 50 + asc + (n - 1) * 13 + desc, 1e-6);
	fx_close(&x);
}

TK_TEST(flow_space_between_paragraphs)
{
	fixture x;
	fx_open(&x);
	x.body.space_after = 6;
	x.head.space_before = 10;
	x.head.space_after = 3;
	tk_para *a = para(&x, "Første avsnitt.", &x.body, TK_PARA_BODY);
	tk_para *h = para(&x, "Tittel", &x.head, TK_PARA_HEADING);
	tk_para *b = para(&x, "Andre avsnitt.", &x.body, TK_PARA_BODY);
	a->next = h;
	h->next = b;
	tk_flow f;
	tk_flow_init(&f, &x.e, a, 1);
	tk_region r = region(&x, 0, 0, 200, 300, 1);
	EQ(tk_flow_fill(&f, &r), 1);
	EQ(f.n, 3);
	if (f.n == 3) {
		NEAR(f.out[1].baseline - f.out[0].baseline, 6 + 10 + 13, 1e-6);
		NEAR(f.out[2].baseline - f.out[1].baseline, 3 + 0 + 13, 1e-6);
	}
	/* at the top of a column, space before is dropped */
	tk_flow_init(&f, &x.e, h, 1);
	double asc, desc;
	lines_of(&x, h, 200, &asc, &desc);
	EQ(tk_flow_fill(&f, &r), 1);
	NEAR(f.out[0].baseline, asc, 1e-6);
	/* scale multiplies the leading and the spaces */
	tk_flow_init(&f, &x.e, a, 2);
	EQ(tk_flow_fill(&f, &r), 1);
	EQ(f.n, 3);
	if (f.n == 3)
		NEAR(f.out[1].baseline - f.out[0].baseline, 2 * (6 + 10 + 13), 1e-6);
	fx_close(&x);
}

TK_TEST(flow_widows_leave_two_lines_for_the_next_region)
{
	fixture x;
	fx_open(&x);
	double asc = 0, desc = 0, W = 150;
	tk_para *p = para(&x, lorem, &x.body, TK_PARA_BODY);
	int n = lines_of(&x, p, W, &asc, &desc);
	OK(n >= 5);
	/* room for n-1 lines: one line alone at the top of the next column would be a
	 * widow, so two go over */
	double h = asc + (n - 2) * 13 + desc + 1;
	tk_flow f;
	tk_flow_init(&f, &x.e, p, 1);
	tk_region r1 = region(&x, 0, 0, W, h, 1), r2 = region(&x, 1, 0, W, 500, 1);
	EQ(tk_flow_fill(&f, &r1), 0);
	EQ(placed_in(&f, &x.fr[0]), n - 2);
	OK(f.cur != NULL && f.cur->tail);
	EQ(tk_flow_fill(&f, &r2), 1);
	EQ(placed_in(&f, &x.fr[1]), 2);
	EQ(f.n, n);
	/* the second part starts again at the top of its column */
	if (f.n == n) {
		NEAR(f.out[n - 2].baseline, asc, 1e-6);
		EQ(f.out[n - 2].para_first, 0);
	}
	/* widows: 3 takes three along */
	x.l.widows = 3;
	tk_flow_init(&f, &x.e, p, 1);
	EQ(tk_flow_fill(&f, &r1), 0);
	EQ(placed_in(&f, &x.fr[0]), n - 3);
	fx_close(&x);
}

TK_TEST(flow_orphans_move_a_paragraph_on)
{
	fixture x;
	fx_open(&x);
	double asc = 0, desc = 0, W = 150;
	tk_para *a = para(&x, "Et kort avsnitt.", &x.body, TK_PARA_BODY);
	tk_para *b = para(&x, lorem, &x.body, TK_PARA_BODY);
	a->next = b;
	int n = lines_of(&x, b, W, &asc, &desc);
	OK(n >= 5);
	/* room for a's line and one line of b: that line would be an orphan */
	double h = asc + 13 + desc + 1;
	tk_flow f;
	tk_flow_init(&f, &x.e, a, 1);
	tk_region r1 = region(&x, 0, 0, W, h, 1), r2 = region(&x, 1, 0, W, 500, 1);
	EQ(tk_flow_fill(&f, &r1), 0);
	EQ(placed_in(&f, &x.fr[0]), 1);
	OK(f.cur == b); /* b moves on whole */
	EQ(tk_flow_fill(&f, &r2), 1);
	EQ(placed_in(&f, &x.fr[1]), n);
	/* room for two lines of b: they may stay */
	h = asc + 2 * 13 + desc + 1;
	r1 = region(&x, 0, 0, W, h, 1);
	tk_flow_init(&f, &x.e, a, 1);
	EQ(tk_flow_fill(&f, &r1), 0);
	EQ(placed_in(&f, &x.fr[0]), 3);
	fx_close(&x);
}

TK_TEST(flow_rules_give_way_in_an_empty_column)
{
	fixture x;
	fx_open(&x);
	double asc = 0, desc = 0, W = 150;
	tk_para *p = para(&x, lorem, &x.body, TK_PARA_BODY);
	int n = lines_of(&x, p, W, &asc, &desc);
	OK(n >= 4);
	/* a fresh column with room for one line: better a broken rule than no progress */
	tk_region tiny = region(&x, 0, 0, W, asc + desc + 1, 1);
	tk_flow f;
	tk_flow_init(&f, &x.e, p, 1);
	EQ(tk_flow_fill(&f, &tiny), 0);
	EQ(f.n, 1);
	/* but not when the region continues a column that already has lines */
	tiny.new_column = 0;
	tk_flow_init(&f, &x.e, p, 1);
	f.in_col = 3;
	f.have_y = 0;
	EQ(tk_flow_fill(&f, &tiny), 0);
	EQ(f.n, 0);
	/* no room at all: nothing placed, the story goes on */
	tk_region none = region(&x, 0, 0, W, 2, 1);
	tk_flow_init(&f, &x.e, p, 1);
	EQ(tk_flow_fill(&f, &none), 0);
	EQ(f.n, 0);
	OK(f.cur == p);
	fx_close(&x);
}

TK_TEST(flow_keep_with_next_moves_a_heading_on)
{
	fixture x;
	fx_open(&x);
	double asc = 0, desc = 0, W = 150;
	tk_para *a = para(&x, "Et kort avsnitt.", &x.body, TK_PARA_BODY);
	tk_para *h = para(&x, "Mellomtittel", &x.head, TK_PARA_HEADING);
	tk_para *b = para(&x, lorem, &x.body, TK_PARA_BODY);
	a->next = h;
	h->next = b;
	int n = lines_of(&x, b, W, &asc, &desc);
	OK(n >= 5);
	/* room for a, the heading and one line of b: the heading goes on with b */
	double h3 = asc + 2 * 13 + desc + 1;
	tk_flow f;
	tk_flow_init(&f, &x.e, a, 1);
	tk_region r1 = region(&x, 0, 0, W, h3, 1), r2 = region(&x, 1, 0, W, 500, 1);
	EQ(tk_flow_fill(&f, &r1), 0);
	EQ(placed_in(&f, &x.fr[0]), 1);
	OK(f.cur == h);
	EQ(tk_flow_fill(&f, &r2), 1);
	OK(f.n >= 2 && f.out[1].p == h && f.out[1].frame == &x.fr[1]);
	/* with room for two lines of b the heading stays */
	r1 = region(&x, 0, 0, W, asc + 3 * 13 + desc + 1, 1);
	tk_flow_init(&f, &x.e, a, 1);
	EQ(tk_flow_fill(&f, &r1), 0);
	EQ(placed_in(&f, &x.fr[0]), 4);
	/* a body style with keep-with-next behaves like a heading */
	tk_pstyle kw = x.body;
	kw.keep_with_next = 1;
	tk_para *k = para(&x, "Hold sammen", &kw, TK_PARA_BODY);
	a->next = k;
	k->next = b;
	r1 = region(&x, 0, 0, W, h3, 1);
	tk_flow_init(&f, &x.e, a, 1);
	EQ(tk_flow_fill(&f, &r1), 0);
	EQ(placed_in(&f, &x.fr[0]), 1);
	OK(f.cur == k);
	/* and an intro ending in a colon keeps with the list after it */
	tk_para *intro = para(&x, "Dette trenger du:", &x.body, TK_PARA_BODY);
	tk_para *item = para(&x, lorem, &x.body, TK_PARA_ITEM);
	a->next = intro;
	intro->next = item;
	tk_flow_init(&f, &x.e, a, 1);
	EQ(tk_flow_fill(&f, &r1), 0);
	EQ(placed_in(&f, &x.fr[0]), 1);
	OK(f.cur == intro);
	fx_close(&x);
}

TK_TEST(flow_heading_alone_in_an_empty_column_stays)
{
	fixture x;
	fx_open(&x);
	double asc = 0, desc = 0, W = 150;
	tk_para *h = para(&x, "Mellomtittel", &x.head, TK_PARA_HEADING);
	tk_para *b = para(&x, lorem, &x.body, TK_PARA_BODY);
	h->next = b;
	lines_of(&x, b, W, &asc, &desc);
	/* nothing before the heading: moving it on would leave the column empty */
	tk_region r1 = region(&x, 0, 0, W, asc + 13 + desc + 1, 1);
	tk_flow f;
	tk_flow_init(&f, &x.e, h, 1);
	EQ(tk_flow_fill(&f, &r1), 0);
	OK(placed_in(&f, &x.fr[0]) >= 1);
	OK(f.n >= 1 && f.out[0].p == h);
	fx_close(&x);
}

TK_TEST(flow_baseline_grid)
{
	fixture x;
	fx_open(&x);
	x.l.grid_step = 14;
	x.l.grid_start = 20;
	x.body.space_after = 5;
	double W = 150;
	tk_para *a = para(&x, lorem, &x.body, TK_PARA_BODY);
	tk_para *h = para(&x, "Mellomtittel", &x.head, TK_PARA_HEADING);
	tk_para *b = para(&x, lorem, &x.body, TK_PARA_BODY);
	a->next = h;
	h->next = b;
	x.head.size = 14;
	x.head.leading = 17;
	tk_flow f;
	tk_flow_init(&f, &x.e, a, 1);
	tk_region r = region(&x, 0, 23, W, 700, 1);
	r.grid = 1;
	EQ(tk_flow_fill(&f, &r), 1);
	OK(f.n >= 10);
	for (int i = 0; i < f.n; i++) {
		double k = (f.out[i].baseline - 20) / 14;
		NEAR(k, floor(k + 0.5), 1e-6); /* on a grid line */
		if (i)
			OK(f.out[i].baseline > f.out[i - 1].baseline + 1);
		OK(f.out[i].baseline - f.out[i].ln->ascent >= 23 - 1e-6);
	}
	/* lines one leading (13) apart land on consecutive grid lines (14) */
	if (f.n >= 2)
		NEAR(f.out[1].baseline - f.out[0].baseline, 14, 1e-6);
	/* without grid the same text keeps its own rhythm */
	r.grid = 0;
	tk_flow_init(&f, &x.e, a, 1);
	EQ(tk_flow_fill(&f, &r), 1);
	if (f.n >= 2)
		NEAR(f.out[1].baseline - f.out[0].baseline, 13, 1e-6);
	fx_close(&x);
}

TK_TEST(flow_regions_around_an_obstacle)
{
	tk_page page = {0};
	tk_frame fr = {.name = "tekst", .flow = 1};
	tk_frame pic = {.name = "bilde", .r = {50, 100, 100, 50}, .wrap = 1, .wrap_gap = 5};
	const tk_frame *obs[] = {&pic};
	tk_rect col = {0, 0, 100, 300};
	tk_region out[8];
	int n = tk_flow_regions(&col, obs, 1, &page, &fr, out, 8);
	EQ(n, 3);
	static const double want[3][4] = {{0, 0, 100, 95}, {0, 95, 45, 60}, {0, 155, 100, 145}};
	for (int i = 0; i < n && i < 3; i++) {
		NEAR(out[i].x, want[i][0], 1e-9);
		NEAR(out[i].y, want[i][1], 1e-9);
		NEAR(out[i].w, want[i][2], 1e-9);
		NEAR(out[i].h, want[i][3], 1e-9);
		EQ(out[i].new_column, i == 0);
		EQ(out[i].grid, 1); /* flow frames sit on the grid */
		OK(out[i].page == &page && out[i].frame == &fr);
	}
	/* an obstacle beside the column changes nothing */
	tk_frame away = {.r = {200, 0, 50, 50}, .wrap = 1, .wrap_gap = 5};
	obs[0] = &away;
	n = tk_flow_regions(&col, obs, 1, &page, &fr, out, 8);
	EQ(n, 1);
	NEAR(out[0].h, 300, 1e-9);
	EQ(out[0].new_column, 1);
	/* one across the whole column: text above and below, nothing beside */
	tk_frame wide = {.r = {-10, 100, 200, 50}, .wrap = 1, .wrap_gap = 0};
	obs[0] = &wide;
	n = tk_flow_regions(&col, obs, 1, &page, &fr, out, 8);
	EQ(n, 2);
	if (n == 2) {
		NEAR(out[0].h, 100, 1e-9);
		NEAR(out[1].y, 150, 1e-9);
		NEAR(out[1].h, 150, 1e-9);
		NEAR(out[1].w, 100, 1e-9);
	}
	/* one in the middle: text goes beside it, on the left when both sides are equal */
	tk_frame mid = {.r = {35, 100, 30, 50}, .wrap = 1, .wrap_gap = 0};
	obs[0] = &mid;
	n = tk_flow_regions(&col, obs, 1, &page, &fr, out, 8);
	EQ(n, 3);
	if (n == 3) {
		NEAR(out[1].x, 0, 1e-9);
		NEAR(out[1].w, 35, 1e-9);
	}
	/* the wider side wins */
	mid.r.x = 25;
	n = tk_flow_regions(&col, obs, 1, &page, &fr, out, 8);
	EQ(n, 3);
	if (n == 3) {
		NEAR(out[1].x, 55, 1e-9);
		NEAR(out[1].w, 45, 1e-9);
	}
	/* no sliver narrower than a quarter of the column: 20 left, 10 right */
	mid.r = (tk_rect){20, 100, 70, 50};
	n = tk_flow_regions(&col, obs, 1, &page, &fr, out, 8);
	EQ(n, 2);
	if (n == 2)
		NEAR(out[1].y, 150, 1e-9);
	/* max bounds what is written */
	obs[0] = &pic;
	n = tk_flow_regions(&col, obs, 1, &page, &fr, out, 2);
	EQ(n, 2);
}

/* The glyph text of a placed line, trailing spaces and a break hyphen left out. */
static void append_line(char *buf, size_t cap, const tk_placed *pl)
{
	const tk_line *ln = pl->ln;
	size_t k = strlen(buf);
	for (int r = 0; r < ln->n_runs; r++)
		for (int g = 0; g < ln->runs[r].n; g++) {
			const tk_glyph *gl = &ln->runs[r].glyphs[g];
			int last = r == ln->n_runs - 1 && g == ln->runs[r].n - 1;
			if (!gl->text || (last && ln->hyphenated))
				continue;
			if (k + (size_t)gl->text_len + 2 < cap) {
				memcpy(buf + k, gl->text, (size_t)gl->text_len);
				k += (size_t)gl->text_len;
			}
		}
	while (k && buf[k - 1] == ' ')
		k--;
	if (!ln->hyphenated && k + 1 < cap)
		buf[k++] = ' ';
	buf[k] = 0;
}

TK_TEST(flow_story_around_an_obstacle_keeps_every_word)
{
	fixture x;
	fx_open(&x);
	x.body.hyphenate = 1;
	x.body.align = TK_ALIGN_JUSTIFY;
	tk_frame *fr = &x.fr[0];
	fr->flow = 1;
	tk_frame pic = {.name = "bilde", .r = {70, 60, 100, 80}, .wrap = 1, .wrap_gap = 5};
	const tk_frame *obs[] = {&pic};
	tk_rect col = {10, 20, 150, 400};
	tk_region reg[8];
	int nr = tk_flow_regions(&col, obs, 1, &x.page, fr, reg, 8);
	EQ(nr, 3);
	tk_para *a = para(&x, lorem, &x.body, TK_PARA_BODY);
	tk_para *b = para(&x, lorem, &x.body, TK_PARA_BODY);
	a->next = b;
	tk_flow f;
	tk_flow_init(&f, &x.e, a, 1);
	int done = 0;
	for (int i = 0; i < nr && !done; i++)
		done = tk_flow_fill(&f, &reg[i]);
	EQ(done, 1);
	char got[2048] = "";
	int in_narrow = 0;
	for (int i = 0; i < f.n; i++) {
		const tk_placed *pl = &f.out[i];
		if (i)
			OK(pl->baseline > f.out[i - 1].baseline);
		/* every line inside one region, beside the picture where it is narrow */
		int inside = 0;
		for (int k = 0; k < nr; k++)
			if (pl->x == reg[k].x && pl->baseline - pl->ln->ascent >= reg[k].y - 0.01 &&
			    pl->baseline + pl->ln->descent <= reg[k].y + reg[k].h + 0.01 &&
			    pl->ln->width <= reg[k].w + 0.05) {
				inside = 1;
				in_narrow += k == 1;
			}
		OK(inside);
		if (pl->p == b && pl->para_first)
			strcat(got, "| ");
		append_line(got, sizeof got, pl);
	}
	OK(in_narrow >= 3);
	char want[2048];
	snprintf(want, sizeof want, "%s | %s ", lorem, lorem);
	STREQ(got, want);
	fx_close(&x);
}

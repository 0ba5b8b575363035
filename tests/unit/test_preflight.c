/* test_preflight.c - the geometric checks of preflight on hand-made display lists:
 * what each rule measures (resolution from the matrix, glyph boxes against the
 * safe margin, fill edges against trim and bleed, stroke widths, ink, small type
 * and what lies under it, font files), under placed pages and clips, merged
 * across pages, and the JSON the CLI prints. */
#include "unit.h"

#include "arena.h"
#include "dl/dl.h"
#include "model/model.h"
#include "preflight.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* A4 with 3 mm bleed and the default 3 mm safe margin. */
#define W (210 * TK_MM)
#define H (297 * TK_MM)
#define BLEED (3 * TK_MM)

typedef struct fixture {
	tk_arena *a;
	tk_doc doc;
	tk_layout l;
	tk_findings f;
	char *msgs;
	size_t size;
	FILE *out;
	tk_diag *d;
} fixture;

static void fx_open(fixture *x)
{
	*x = (fixture){0};
	x->a = tk_arena_new();
	x->l = (tk_layout){.path = "l.yaml", .w = W, .h = H, .bleed = BLEED, .safe = 3 * TK_MM,
	                   .scale = 1};
	x->out = open_memstream(&x->msgs, &x->size);
	x->d = tk_diag_new(x->out);
	tk_diag_set_level(x->d, TK_INFO);
}

static int fx_run(fixture *x)
{
	tk_findings_free(&x->f);
	int rc = tk_preflight(&x->doc, &x->l, NULL, x->d, &x->f);
	fflush(x->out);
	return rc;
}

static void fx_free(fixture *x)
{
	tk_findings_free(&x->f);
	tk_diag_free(x->d);
	fclose(x->out);
	free(x->msgs);
	tk_arena_free(x->a);
}

static tk_page *page(fixture *x)
{
	return tk_dl_page_new(x->a, &x->doc, W, H, BLEED, 8 * TK_MM);
}

/* The findings of a rule, and the first of them. */
static int count(const fixture *x, const char *rule)
{
	int n = 0;
	for (int i = 0; i < x->f.n; i++)
		n += strcmp(x->f.v[i].rule, rule) == 0;
	return n;
}

static const tk_finding *first(const fixture *x, const char *rule)
{
	for (int i = 0; i < x->f.n; i++)
		if (strcmp(x->f.v[i].rule, rule) == 0)
			return &x->f.v[i];
	return NULL;
}

static tk_item *fill(fixture *x, tk_page *p, double x0, double y0, double w, double h,
                     tk_cmyk c, const char *frame, int line)
{
	tk_item *it = tk_dl_fill_rect(x->a, p, (tk_rect){x0, y0, w, h}, c);
	it->frame = frame;
	it->loc = (tk_loc){"l.yaml", line, 3};
	return it;
}

static const tk_font lato = {0, "fonts/Lato-Regular.ttf", 0, "Lato-Regular"};

/* A run of n glyphs 5 pt apart with its baseline at y, starting at x0. */
static tk_item *text(fixture *x, tk_page *p, double x0, double y, float size, tk_cmyk c,
                     int n, const char *frame, int line)
{
	tk_glyph_run *run = TK_NEW(x->a, tk_glyph_run);
	*run = (tk_glyph_run){.font = &lato, .size = size, .color = c, .n = n,
	                      .glyphs = TK_NEWN(x->a, tk_glyph, n)};
	for (int i = 0; i < n; i++)
		run->glyphs[i] = (tk_glyph){.gid = 1, .x = (float)(x0 + 5 * i), .y = (float)y,
		                            .advance = 5, .text = "a", .text_len = 1};
	tk_item *it = tk_dl_add(x->a, p, TK_ITEM_GLYPHS);
	it->run = run;
	it->frame = frame;
	it->loc = (tk_loc){"c.yaml", line, 5};
	return it;
}

static tk_image *picture(fixture *x, int w, int h, int rgb)
{
	tk_image *img = TK_NEW(x->a, tk_image);
	*img = (tk_image){.path = "bilde.png", .width = w, .height = h, .was_rgb = rgb};
	return img;
}

static tk_item *place(fixture *x, tk_page *p, const tk_image *img, tk_matrix m)
{
	tk_item *it = tk_dl_add(x->a, p, TK_ITEM_IMAGE);
	it->image = img;
	it->matrix = m;
	it->frame = "bilde";
	it->loc = (tk_loc){"c.yaml", 7, 12};
	return it;
}

static const tk_cmyk petrol = {0.85f, 0.35f, 0.40f, 0.25f};
static const tk_cmyk black = {0, 0, 0, 1};
static const tk_cmyk white = {0, 0, 0, 0};

TK_TEST(preflight_empty_document_is_clean)
{
	fixture x;
	fx_open(&x);
	page(&x);
	EQ(fx_run(&x), 0);
	EQ(x.f.n, 0);
	STREQ(x.msgs, "");
	fx_free(&x);
}

TK_TEST(preflight_ppi_from_the_matrix)
{
	fixture x;
	fx_open(&x);
	tk_page *p = page(&x);
	/* 100 px over one inch: 100 ppi, an error */
	place(&x, p, picture(&x, 100, 100, 0), (tk_matrix){72, 0, 0, 72, 100, 100});
	EQ(fx_run(&x), -1);
	const tk_finding *f = first(&x, "image-resolution");
	OK(f != NULL);
	if (f) {
		EQ(f->severity, TK_ERROR);
		EQ(f->page, 1);
		STREQ(f->frame, "bilde");
		STREQ(f->loc.file, "c.yaml");
		EQ(f->loc.line, 7);
		EQ(f->loc.col, 12);
		OK(strstr(f->message, "only 100 ppi") != NULL);
	}
	OK(strstr(x.msgs, "c.yaml:7:12: error: page 1, frame 'bilde': picture 'bilde.png' is "
	                  "only 100 ppi") != NULL);
	fx_free(&x);
}

TK_TEST(preflight_ppi_thresholds)
{
	fixture x;
	fx_open(&x);
	tk_page *p = page(&x);
	/* 250 px over an inch: a warning; the smaller of the two directions counts */
	place(&x, p, picture(&x, 600, 250, 0), (tk_matrix){144, 0, 0, 72, 100, 100});
	EQ(fx_run(&x), 0);
	EQ(count(&x, "image-resolution"), 1);
	if (first(&x, "image-resolution")) {
		EQ(first(&x, "image-resolution")->severity, TK_WARNING);
		OK(strstr(first(&x, "image-resolution")->message, "250 ppi") != NULL);
	}
	fx_free(&x);

	fx_open(&x);
	p = page(&x);
	/* 299.8 ppi rounds to 300: no finding; 300 exactly neither */
	place(&x, p, picture(&x, 2998, 300, 0), (tk_matrix){720, 0, 0, 72, 100, 100});
	EQ(fx_run(&x), 0);
	EQ(count(&x, "image-resolution"), 0);
	fx_free(&x);
}

TK_TEST(preflight_ppi_in_placed_pages_and_rotated)
{
	fixture x;
	fx_open(&x);
	tk_page *p = page(&x);
	/* a placed page shrunk to half: 100 px over 1 inch inside it is 200 ppi */
	tk_page *inner = tk_dl_page_new(x.a, NULL, W, H, 0, 0);
	place(&x, inner, picture(&x, 100, 100, 0), (tk_matrix){72, 0, 0, 72, 100, 100});
	tk_item *pl = tk_dl_add(x.a, p, TK_ITEM_PAGE);
	pl->page = inner;
	pl->matrix = tk_matrix_scale(0.5, 0.5);
	/* a quarter turn keeps the resolution: 400 px over an inch, no finding */
	tk_matrix r = tk_matrix_concat((tk_matrix){72, 0, 0, 72, 0, 0}, tk_matrix_rotate(90));
	r.e = 300;
	r.f = 300;
	place(&x, p, picture(&x, 400, 400, 0), r);
	EQ(fx_run(&x), 0);
	EQ(count(&x, "image-resolution"), 1);
	if (first(&x, "image-resolution"))
		OK(strstr(first(&x, "image-resolution")->message, "200 ppi") != NULL);
	fx_free(&x);
}

TK_TEST(preflight_rgb_picture_is_info)
{
	fixture x;
	fx_open(&x);
	tk_page *p = page(&x);
	place(&x, p, picture(&x, 400, 400, 1), (tk_matrix){72, 0, 0, 72, 100, 100});
	EQ(fx_run(&x), 0);
	EQ(count(&x, "image-rgb"), 1);
	if (first(&x, "image-rgb"))
		EQ(first(&x, "image-rgb")->severity, TK_INFO);
	fx_free(&x);
}

TK_TEST(preflight_text_in_the_safe_margin)
{
	fixture x;
	fx_open(&x);
	tk_page *p = page(&x);
	/* 2 pt from the left trim: within 3 mm; two lines of one paragraph, one finding
	 * with the closer distance */
	text(&x, p, 5, 100, 10, black, 4, "tekst", 4);
	text(&x, p, 2, 112, 10, black, 4, "tekst", 4);
	/* well inside: nothing */
	text(&x, p, 100, 100, 10, black, 4, "annen", 9);
	EQ(fx_run(&x), 0);
	EQ(count(&x, "safe-margin"), 1);
	const tk_finding *f = first(&x, "safe-margin");
	if (f) {
		EQ(f->severity, TK_WARNING);
		STREQ(f->frame, "tekst");
		STREQ(f->message, "text is 0.71mm from the trim, inside the safe margin of 3mm");
	}
	fx_free(&x);
}

TK_TEST(preflight_text_over_the_trim_and_spaces)
{
	fixture x;
	fx_open(&x);
	tk_page *p = page(&x);
	/* the glyph box reaches 4 pt beyond the right trim */
	text(&x, p, W - 6, 100, 10, black, 2, "tekst", 4);
	/* a space at the trim is no text */
	tk_item *sp = text(&x, p, W - 3, 200, 10, black, 1, "rom", 5);
	sp->run->glyphs[0].text = " ";
	EQ(fx_run(&x), 0);
	EQ(count(&x, "safe-margin"), 1);
	if (first(&x, "safe-margin"))
		OK(strstr(first(&x, "safe-margin")->message, "runs 1.41mm over the trim") != NULL);
	fx_free(&x);
}

TK_TEST(preflight_spread_fold_is_no_trim)
{
	fixture x;
	fx_open(&x);
	x.l.spread = 1;
	tk_page *left = page(&x), *right = page(&x);
	/* a headline across the fold: at the left page's right edge and the right
	 * page's left edge */
	text(&x, left, W - 10, 300, 40, black, 2, "tittel", 3);
	text(&x, right, 0, 300, 40, black, 2, "tittel", 3);
	EQ(fx_run(&x), 0);
	EQ(count(&x, "safe-margin"), 0);
	/* the outer edges still count */
	text(&x, right, W - 5, 400, 10, black, 1, "folio", 8);
	fx_run(&x);
	EQ(count(&x, "safe-margin"), 1);
	if (first(&x, "safe-margin"))
		EQ(first(&x, "safe-margin")->page, 2);
	fx_free(&x);
}

TK_TEST(preflight_qr_in_the_safe_margin_marks_ignored)
{
	fixture x;
	fx_open(&x);
	tk_pagespec sp = {.name = "side", .n_frames = 1,
	                  .frames = &(tk_frame){.name = "qr", .kind = TK_FRAME_QR}};
	x.l.pages = &sp;
	x.l.n_pages = 1;
	tk_page *p = page(&x);
	fill(&x, p, 4, 400, 60, 60, black, "qr", 20);
	/* crop marks lie outside the trim and are registration colour: not checked */
	tk_item *m = fill(&x, p, -20, -20, 5, 1, (tk_cmyk){1, 1, 1, 1}, NULL, 0);
	m->is_mark = 1;
	EQ(fx_run(&x), 0);
	EQ(count(&x, "safe-margin"), 1);
	if (first(&x, "safe-margin"))
		OK(strncmp(first(&x, "safe-margin")->message, "QR code is 1.41mm", 17) == 0);
	EQ(count(&x, "bleed"), 0);
	EQ(count(&x, "total-ink"), 0);
	fx_free(&x);
}

TK_TEST(preflight_fill_at_the_trim_without_bleed)
{
	fixture x;
	fx_open(&x);
	tk_page *p = page(&x);
	fill(&x, p, 0, 0, W, 100, petrol, "topp", 5);                  /* stops: left top right */
	fill(&x, p, -BLEED, H - 50, W + 2 * BLEED, 50 + BLEED, petrol, "bunn", 6); /* bleeds */
	fill(&x, p, 0, 300, 100, 100, white, "hvit", 7);              /* paper: fine */
	fill(&x, p, 100, 300, 100, 100, petrol, "midt", 8);           /* inside: fine */
	fill(&x, p, -1 * TK_MM, 500, 50, 50, petrol, "kort", 9);      /* 1 of 3 mm */
	EQ(fx_run(&x), 0);
	EQ(count(&x, "bleed"), 2);
	const tk_finding *f = first(&x, "bleed");
	if (f) {
		STREQ(f->frame, "topp");
		OK(strstr(f->message, "left, top and right trim edges") != NULL);
	}
	if (x.f.n == 2) {
		STREQ(x.f.v[1].frame, "kort");
		STREQ(x.f.v[1].message, "colour runs only 1mm beyond the left trim edge, short of "
		                         "the 3mm bleed");
	}
	fx_free(&x);
}

TK_TEST(preflight_bleed_uses_the_clip)
{
	fixture x;
	fx_open(&x);
	tk_page *p = page(&x);
	/* a picture larger than the page, clipped to a frame that stops at the trim */
	tk_item *c = tk_dl_add(x.a, p, TK_ITEM_CLIP);
	c->path = tk_path_rect(x.a, 0, 0, 200, 200);
	place(&x, p, picture(&x, 4000, 4000, 0), (tk_matrix){800, 0, 0, 800, -300, -300});
	tk_dl_add(x.a, p, TK_ITEM_POP);
	EQ(fx_run(&x), 0);
	EQ(count(&x, "bleed"), 1);
	if (first(&x, "bleed"))
		OK(strstr(first(&x, "bleed")->message, "left and top trim edges") != NULL);
	fx_free(&x);
}

TK_TEST(preflight_hairlines)
{
	fixture x;
	fx_open(&x);
	tk_page *p = page(&x);
	tk_item *s = tk_dl_add(x.a, p, TK_ITEM_STROKE);
	s->path = tk_path_rect(x.a, 100, 100, 100, 100);
	s->line_width = 0.1f;
	s->frame = "strek";
	tk_item *ok = tk_dl_add(x.a, p, TK_ITEM_STROKE);
	ok->path = tk_path_rect(x.a, 100, 300, 100, 100);
	ok->line_width = 0.25f;
	tk_item *mark = tk_dl_add(x.a, p, TK_ITEM_STROKE);
	mark->path = tk_path_rect(x.a, -20, -20, 5, 0);
	mark->line_width = 0.1f;
	mark->is_mark = 1;
	/* 0.4 pt in a placed page at half size is 0.2 pt on paper */
	tk_page *inner = tk_dl_page_new(x.a, NULL, W, H, 0, 0);
	tk_item *in = tk_dl_add(x.a, inner, TK_ITEM_STROKE);
	in->path = tk_path_rect(x.a, 10, 10, 10, 10);
	in->line_width = 0.4f;
	in->frame = "innsatt";
	tk_item *pl = tk_dl_add(x.a, p, TK_ITEM_PAGE);
	pl->page = inner;
	pl->matrix = tk_matrix_scale(0.5, 0.5);
	EQ(fx_run(&x), 0);
	EQ(count(&x, "hairline"), 2);
	if (x.f.n == 2) {
		STREQ(x.f.v[0].message, "line is 0.10 pt thick; lines under 0.25 pt may not print");
		STREQ(x.f.v[1].frame, "innsatt");
		OK(strstr(x.f.v[1].message, "0.20 pt") != NULL);
	}
	fx_free(&x);
}

TK_TEST(preflight_total_ink)
{
	fixture x;
	fx_open(&x);
	const char *names[2] = {"tung", "lett"};
	tk_cmyk sw[2] = {{1, 1, 1, 0.5f}, {0.6f, 0.6f, 0.6f, 0.6f}};
	x.l.n_swatches = 2;
	x.l.swatch_names = names;
	x.l.swatches = sw;
	tk_page *p = page(&x);
	fill(&x, p, 100, 100, 50, 50, sw[0], "felt", 12);
	fill(&x, p, 100, 200, 50, 50, sw[1], "felt2", 13);
	text(&x, p, 100, 400, 12, (tk_cmyk){1, 1, 1, 1}, 3, "tekst", 14);
	EQ(fx_run(&x), 0);
	EQ(count(&x, "total-ink"), 3);
	if (x.f.n == 3) {
		/* the swatch first, at the layout file (this model has no line for it) */
		STREQ(x.f.v[0].message, "swatch 'tung' has 350% total ink; more than 300% dries "
		                         "badly and sets off");
		EQ(x.f.v[0].page, 0);
		STREQ(x.f.v[0].loc.file, "l.yaml");
		STREQ(x.f.v[1].frame, "felt");
		OK(strstr(x.f.v[1].message, "[100, 100, 100, 50] has 350%") != NULL);
		STREQ(x.f.v[2].frame, "tekst");
		OK(strstr(x.f.v[2].message, "400%") != NULL);
	}
	fx_free(&x);

	/* With the lines the layout reader keeps: the swatch's finding is at its name. */
	fx_open(&x);
	tk_loc locs[2] = {{"l.yaml", 7, 3}, {"l.yaml", 8, 3}};
	x.l.n_swatches = 2;
	x.l.swatch_names = names;
	x.l.swatches = sw;
	x.l.swatch_locs = locs;
	page(&x);
	EQ(fx_run(&x), 0);
	EQ(count(&x, "total-ink"), 1);
	if (x.f.n == 1) {
		STREQ(x.f.v[0].loc.file, "l.yaml");
		EQ(x.f.v[0].loc.line, 7);
		EQ(x.f.v[0].loc.col, 3);
	}
	fx_free(&x);
}

TK_TEST(preflight_small_rich_black_and_reversed)
{
	fixture x;
	fx_open(&x);
	tk_page *p = page(&x);
	tk_cmyk rich = {0.5f, 0.4f, 0.4f, 1};
	text(&x, p, 100, 100, 5, rich, 3, "rik", 3);          /* finding */
	text(&x, p, 100, 130, 5, black, 3, "svart", 4);       /* 100 % K: fine */
	text(&x, p, 100, 160, 8, rich, 3, "stor", 5);         /* 8 pt: fine */
	fill(&x, p, 90, 300, 200, 100, petrol, "felt", 6);
	text(&x, p, 100, 350, 5.5f, white, 3, "negativ", 7);  /* finding */
	text(&x, p, 100, 380, 7, white, 3, "negativ7", 8);    /* 7 pt: fine */
	text(&x, p, 100, 500, 5, white, 3, "papir", 9);       /* on paper: not reversed */
	EQ(fx_run(&x), 0);
	EQ(count(&x, "small-text"), 2);
	if (x.f.n == 2) {
		STREQ(x.f.v[0].frame, "rik");
		OK(strstr(x.f.v[0].message, "5.0 pt text in four-colour black [50, 40, 40, 100]") !=
		   NULL);
		STREQ(x.f.v[1].frame, "negativ");
		OK(strstr(x.f.v[1].message, "5.5 pt white text on a coloured background") != NULL);
	}
	fx_free(&x);
}

TK_TEST(preflight_fonts_outside_the_fonts_folder)
{
	fixture x;
	fx_open(&x);
	char dir[] = "/tmp/tk_pf_XXXXXX";
	OK(mkdtemp(dir) != NULL);
	char fonts[64], inside[96];
	snprintf(fonts, sizeof fonts, "%s/fonts", dir);
	snprintf(inside, sizeof inside, "%s/fonts/A.ttf", dir);
	mkdir(fonts, 0777);
	FILE *f = fopen(inside, "w");
	if (f)
		fclose(f);
	tk_font in = {0, inside, 0, "A"}, out = {1, "/usr/share/fonts/B.ttf", 0, "B"};
	tk_page *p = page(&x);
	text(&x, p, 100, 100, 10, black, 2, "a", 3)->run->font = &in;
	text(&x, p, 100, 200, 10, black, 2, "b", 4)->run->font = &out;
	text(&x, p, 100, 300, 10, black, 2, "c", 5)->run->font = &out;
	tk_preflight_opts o = {.fonts_dir = fonts};
	EQ(tk_preflight(&x.doc, &x.l, &o, x.d, &x.f), -1);
	EQ(count(&x, "font-source"), 1);
	if (first(&x, "font-source")) {
		EQ(first(&x, "font-source")->severity, TK_ERROR);
		STREQ(first(&x, "font-source")->frame, "b");
		OK(strstr(first(&x, "font-source")->message, "/usr/share/fonts/B.ttf") != NULL);
	}
	/* without a fonts folder the rule is off */
	tk_findings_free(&x.f);
	EQ(tk_preflight(&x.doc, &x.l, NULL, x.d, &x.f), 0);
	EQ(count(&x, "font-source"), 0);
	unlink(inside);
	rmdir(fonts);
	rmdir(dir);
	fx_free(&x);
}

TK_TEST(preflight_merges_pages)
{
	fixture x;
	fx_open(&x);
	for (int i = 0; i < 3; i++)
		text(&x, page(&x), 2, 100, 10, black, 2, "tekst", 4);
	EQ(fx_run(&x), 0);
	EQ(x.f.n, 1);
	if (x.f.n == 1) {
		EQ(x.f.v[0].page, 1);
		OK(strstr(x.f.v[0].message, "(also on 2 other pages)") != NULL);
	}
	OK(strstr(x.msgs, "c.yaml:4:5: warning: page 1, frame 'tekst': text is") != NULL);
	fx_free(&x);
}

TK_TEST(preflight_without_findings_list_or_layout)
{
	fixture x;
	fx_open(&x);
	tk_page *p = page(&x);
	text(&x, p, 2, 100, 10, black, 2, "tekst", 4);
	/* no layout: the default safe margin of 3 mm */
	EQ(tk_preflight(&x.doc, NULL, NULL, x.d, NULL), 0);
	fflush(x.out);
	OK(strstr(x.msgs, "inside the safe margin of 3mm") != NULL);
	EQ(tk_diag_warnings(x.d), 1);
	fx_free(&x);
}

TK_TEST(preflight_findings_json)
{
	tk_findings f = {0};
	tk_loc at = {"c \"x\".yaml", 3, 7};
	tk_findings_add(&f, TK_WARNING, "bleed", "a\tb", 2, "topp", &at);
	tk_findings_add(&f, TK_ERROR, "layout", "2 errors", 0, NULL, NULL);
	EQ(tk_findings_count(&f, 0, TK_WARNING), 1);
	EQ(tk_findings_count(&f, 1, TK_WARNING), 0);
	char *buf = NULL;
	size_t n = 0;
	FILE *out = open_memstream(&buf, &n);
	tk_findings_json(&f, out);
	fclose(out);
	STREQ(buf, "[\n {\"severity\": \"warning\", \"rule\": \"bleed\", \"message\": \"a\\tb\", "
	           "\"page\": 2, \"frame\": \"topp\", \"file\": \"c \\\"x\\\".yaml\", \"line\": 3, "
	           "\"col\": 7},\n"
	           " {\"severity\": \"error\", \"rule\": \"layout\", \"message\": \"2 errors\", "
	           "\"page\": null, \"frame\": null, \"file\": null, \"line\": null, "
	           "\"col\": null}\n]\n");
	free(buf);
	tk_findings_free(&f);
	buf = NULL;
	out = open_memstream(&buf, &n);
	tk_findings_json(&f, out);
	fclose(out);
	STREQ(buf, "[]\n");
	free(buf);
	tk_findings_free(NULL);
}

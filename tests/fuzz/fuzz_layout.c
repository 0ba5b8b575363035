/* fuzz_layout.c - libFuzzer target: bytes -> model -> layout -> display list.
 *
 * Each input is used twice, the way a build would use it:
 *
 *  1. as a content file, laid out with one of the project's real layouts (the one
 *     its `layout:` names when that is one in layouts/, else plakat), all
 *     loaded once at start-up: Markdown, hyphenation, pango shaping, auto-fit, flows
 *     through frames and pages, data merge, pictures, QR codes, tables of contents;
 *  2. as a layout file, with the real content file whose fields its frames name most
 *     (from content/, loaded once): page geometry, masters, styles, frames, padding,
 *     imposition.
 *
 * After layout the job's remaining in-memory steps run as in src/job.c (slug lines,
 * font collection, imposition, spreads), and every page is replayed into a device
 * that reads every item (src/dl/list.c's replay), so a display list with dangling or
 * uninitialised data shows up under ASan/MSan. No file is written: the backends' only
 * job beyond this is writing, which tests/e2e covers.
 *
 * The target chdirs to the project folder (TRYKK_ROOT, or the folder it was built
 * in) for fonts/, layouts/ and content/. Messages go to /dev/null unless
 * TRYKK_FUZZ_VERBOSE is set. */
#include "arena.h"
#include "diag.h"
#include "dl/device.h"
#include "dl/dl.h"
#include "img/color.h"
#include "img/image.h"
#include "layout/impose.h"
#include "layout/layout.h"
#include "model/model.h"
#include "paths.h"
#include "text/text.h"
#include "yaml/tree.h"

#include <dirent.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef TRYKK_ROOT
#define TRYKK_ROOT "."
#endif

#define MAX_FIXED 32

typedef struct fixed_layout {
	const char *stem; /* "plakat" */
	tk_layout *l;
} fixed_layout;

typedef struct fixed_content {
	const char *path;
	tk_content *c;
} fixed_content;

static FILE *sink;
static int verbose;
static tk_arena *ga;          /* everything loaded once */
static tk_shaper *shaper;
static tk_hyph *hyph;
static tk_paths *paths;
static tk_color *color;
static tk_images *fixed_images; /* pictures of the fixed contents, decoded once */
static const char *const *families;
static int n_families;
static fixed_layout layouts[MAX_FIXED];
static int n_layouts;
static fixed_content contents[MAX_FIXED];
static int n_contents;

/* ---- a device that reads everything ------------------------------------------ */

typedef struct probe {
	tk_device dev;
	double sum;   /* keeps the reads from being optimised away */
	int depth;    /* clip nesting */
} probe;

static void add(probe *p, double v)
{
	if (isfinite(v))
		p->sum += v;
}

static void touch_path(probe *p, const tk_path *path)
{
	if (!path)
		return;
	for (int i = 0; i < path->n_ops; i++)
		p->sum += path->ops[i];
	for (int i = 0; i < path->n_pts; i++)
		add(p, path->pts[i]);
}

static void touch_matrix(probe *p, const tk_matrix *m)
{
	const double *v = (const double *)m;
	for (size_t i = 0; i < sizeof *m / sizeof *v; i++)
		add(p, v[i]);
}

static void begin_page(tk_device *dev, const tk_page *page, tk_matrix *m)
{
	probe *p = (probe *)dev;
	add(p, page->w + page->h + page->bleed + page->slug);
	if (page->label)
		p->sum += strlen(page->label);
	*m = TK_IDENTITY;
	p->depth = 0;
}

static void end_page(tk_device *dev, const tk_page *page)
{
	(void)page;
	probe *p = (probe *)dev;
	/* Every clip a page pushes it pops. */
	if (p->depth != 0)
		p->sum += 1;
}

static void fill_path(tk_device *dev, const tk_path *path, const tk_matrix *m, tk_cmyk c)
{
	probe *p = (probe *)dev;
	touch_path(p, path);
	touch_matrix(p, m);
	add(p, c.c + c.m + c.y + c.k);
}

static void stroke_path(tk_device *dev, const tk_path *path, const tk_matrix *m, tk_cmyk c,
                        float w)
{
	fill_path(dev, path, m, c);
	add((probe *)dev, w);
}

static void glyphs(tk_device *dev, const tk_glyph_run *run, const tk_matrix *m)
{
	probe *p = (probe *)dev;
	touch_matrix(p, m);
	p->sum += run->font ? run->font->id + strlen(run->font->path) : 0;
	add(p, run->size);
	for (int i = 0; i < run->n; i++) {
		const tk_glyph *g = &run->glyphs[i];
		p->sum += g->gid;
		add(p, g->x + g->y + g->advance);
		for (int k = 0; k < g->text_len; k++)
			p->sum += (unsigned char)g->text[k];
	}
}

static void image(tk_device *dev, const tk_image *img, const tk_matrix *m)
{
	probe *p = (probe *)dev;
	touch_matrix(p, m);
	size_t n = (size_t)img->width * (size_t)img->height;
	if (n) {
		p->sum += img->cmyk[0] + img->cmyk[4 * n - 1] + img->rgb[3 * n - 1];
		if (img->alpha)
			p->sum += img->alpha[n - 1];
	}
}

static void clip_push(tk_device *dev, const tk_path *path, const tk_matrix *m)
{
	probe *p = (probe *)dev;
	touch_path(p, path);
	touch_matrix(p, m);
	p->depth++;
}

static void clip_pop(tk_device *dev)
{
	((probe *)dev)->depth--;
}

static void on_link(tk_device *dev, const tk_item *it, const tk_matrix *m)
{
	probe *p = (probe *)dev;
	touch_matrix(p, m);
	add(p, it->rect.x + it->rect.y + it->rect.w + it->rect.h);
	if (it->uri)
		p->sum += strlen(it->uri);
	p->sum += it->dest_page;
}

static void dest(tk_device *dev, const tk_item *it, const tk_matrix *m)
{
	on_link(dev, it, m);
	if (it->title)
		((probe *)dev)->sum += strlen(it->title) + it->level;
}

static double replay(const tk_doc *doc, int marks)
{
	probe p = {.dev = {.show_marks = marks, .show_links = 1, .begin_page = begin_page,
	                   .end_page = end_page, .fill_path = fill_path,
	                   .stroke_path = stroke_path, .glyphs = glyphs, .image = image,
	                   .clip_push = clip_push, .clip_pop = clip_pop, .link = on_link,
	                   .dest = dest}};
	for (int i = 0; doc && i < doc->n_pages; i++)
		tk_dl_run_page(&p.dev, doc->pages[i]);
	return p.sum;
}

/* ---- one build, in memory ----------------------------------------------------- */

static const char *stem_of(tk_arena *a, const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	const char *dot = strrchr(b, '.');
	return dot ? tk_arena_strndup(a, b, (size_t)(dot - b)) : tk_arena_strdup(a, b);
}

/* What src/job.c does between loading and writing. */
static void build(tk_arena *a, tk_diag *d, tk_images *images, const tk_layout *l,
                  const tk_content *c)
{
	tk_engine e = {.a = a, .d = d, .shaper = shaper, .hyph = hyph, .images = images,
	               .layout = l, .content = c, .lang = c->lang ? c->lang : l->lang,
	               .paths = paths};
	tk_doc *doc = TK_NEW(a, tk_doc);
	int rc = tk_layout_doc(&e, doc);
	if (verbose)
		fprintf(stderr, "fuzz_layout: %s with %s: %d pages%s\n", c->path, l->path,
		        doc->n_pages, rc < 0 ? " (failed)" : "");
	if (rc < 0)
		return;
	const char *stem = stem_of(a, c->path);
	for (int i = 0; i < doc->n_pages; i++) {
		tk_page *pg = doc->pages[i];
		if (pg->slug < 5 * TK_MM)
			continue;
		const char *label = tk_arena_printf(a, "%s  ·  side %d av %d  ·  %s", stem, i + 1,
		                                    doc->n_pages, l->condition ? l->condition : "");
		tk_layout_label(a, d, shaper, pg, 0, pg->h + pg->bleed + pg->slug - 2.5 * TK_MM, 6,
		                label, 1);
	}
	tk_font **all;
	tk_doc_collect_fonts(a, doc, tk_shaper_fonts(shaper, &all));
	volatile double sum = replay(doc, 1);
	if (l->impose != TK_IMPOSE_NONE) {
		tk_impose_opts io = {.method = l->impose, .sheet_w = l->sheet_w, .sheet_h = l->sheet_h,
		                     .creep = l->creep, .gap = l->impose_gap,
		                     .duplex = c->n_records > 0 && l->n_pages == 2, .job = stem,
		                     .loc = l->impose_loc};
		tk_doc *sheets = TK_NEW(a, tk_doc);
		if (tk_impose(a, d, shaper, doc, &io, sheets) == 0) {
			tk_doc_collect_fonts(a, sheets, tk_shaper_fonts(shaper, &all));
			sum += replay(sheets, 1);
		}
	}
	if (l->spread)
		sum += replay(tk_doc_spreads(a, doc, 0), 0);
	else if (l->impose == TK_IMPOSE_SADDLE)
		sum += replay(tk_doc_spreads(a, doc, 1), 0);
	(void)sum;
}

/* The fixed layout for a fuzzed content: the one it names, if there is one. */
static const tk_layout *layout_for(const tk_content *c)
{
	const tk_layout *plakat = NULL;
	for (int i = 0; i < n_layouts; i++) {
		if (c->layout && strcmp(c->layout, layouts[i].stem) == 0)
			return layouts[i].l;
		if (strcmp(layouts[i].stem, "plakat") == 0)
			plakat = layouts[i].l;
	}
	return plakat ? plakat : n_layouts ? layouts[0].l : NULL;
}

static int frame_score(const tk_pagespec *ps, const tk_content *c)
{
	int n = 0;
	for (int f = 0; f < ps->n_frames; f++) {
		const char *name = ps->frames[f].content;
		if (name && tk_content_field(c, name))
			n++;
		if (name && c->n_records > 0 && tk_record_field(&c->records[0], name))
			n++;
	}
	return n;
}

/* The fixed content for a fuzzed layout: the one whose fields its frames name most. */
static const tk_content *content_for(const tk_layout *l)
{
	const tk_content *best = n_contents ? contents[0].c : NULL;
	int best_n = -1;
	for (int i = 0; i < n_contents; i++) {
		int n = 0;
		for (int p = 0; p < l->n_pages; p++)
			n += frame_score(&l->pages[p], contents[i].c);
		for (int m = 0; m < l->n_masters; m++)
			n += frame_score(&l->masters[m].left, contents[i].c) +
			     frame_score(&l->masters[m].right, contents[i].c);
		if (n > best_n) {
			best_n = n;
			best = contents[i].c;
		}
	}
	return best;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tk_arena *a = tk_arena_new();
	tk_diag *d = tk_diag_new(sink);
	tk_diag_set_level(d, TK_NOTE);
	tk_node *root = tk_yaml_load_string(a, d, "content/fuzz.yaml", (const char *)data, size,
	                                    NULL);
	if (root) {
		/* 1. as a content file, with a real layout */
		tk_reader rc = {.a = a, .d = d, .scale = 1, .paths = paths};
		int e0 = tk_diag_errors(d);
		const tk_content *c = tk_content_load(&rc, root, "content/fuzz.yaml");
		const tk_layout *l = c ? layout_for(c) : NULL;
		if (l && tk_diag_errors(d) == e0)
			build(a, d, tk_images_new(a, color), l, c);

		/* 2. as a layout file, with a real content */
		tk_diag *d2 = tk_diag_new(sink);
		tk_diag_set_level(d2, TK_NOTE);
		tk_diag_add_source(d2, "content/fuzz.yaml", (const char *)data, size);
		tk_reader rl = {.a = a, .d = d2, .scale = 1, .paths = paths};
		tk_layout *fl = tk_layout_load(&rl, root, "layouts/fuzz.yaml", families, n_families);
		const tk_content *fc = fl ? content_for(fl) : NULL;
		if (fc && tk_diag_errors(d2) == 0)
			build(a, d2, fixed_images, fl, fc);
		tk_diag_free(d2);
	}
	tk_diag_free(d);
	tk_arena_free(a);
	return 0;
}

/* ---- start-up ----------------------------------------------------------------- */

static int is_yaml(const char *name)
{
	size_t n = strlen(name);
	return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".yaml") == 0;
}

static void load_dir(const char *dir, int as_layout, tk_diag *d)
{
	DIR *dd = opendir(dir);
	if (!dd)
		return;
	struct dirent *de;
	char *names[MAX_FIXED];
	int n = 0;
	while ((de = readdir(dd)) && n < MAX_FIXED)
		if (is_yaml(de->d_name))
			names[n++] = tk_arena_printf(ga, "%s/%s", dir, de->d_name);
	closedir(dd);
	/* Sorted, so a run does not depend on the directory order. */
	for (int i = 1; i < n; i++)
		for (int k = i; k > 0 && strcmp(names[k - 1], names[k]) > 0; k--) {
			char *t = names[k];
			names[k] = names[k - 1];
			names[k - 1] = t;
		}
	for (int i = 0; i < n; i++) {
		tk_node *root = tk_yaml_load_file(ga, d, names[i], NULL);
		if (!root)
			continue;
		tk_reader r = {.a = ga, .d = d, .scale = 1, .paths = paths};
		if (as_layout) {
			tk_layout *l = tk_layout_load(&r, root, names[i], families, n_families);
			if (l)
				layouts[n_layouts++] = (fixed_layout){stem_of(ga, names[i]), l};
		} else {
			tk_content *c = tk_content_load(&r, root, names[i]);
			if (c)
				contents[n_contents++] = (fixed_content){names[i], c};
		}
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *root = getenv("TRYKK_ROOT");
	if (!root || !*root)
		root = TRYKK_ROOT;
	if (chdir(root) != 0) {
		perror(root);
		exit(2);
	}
	verbose = getenv("TRYKK_FUZZ_VERBOSE") != NULL;
	sink = verbose ? stderr : fopen("/dev/null", "w");
	if (!sink)
		sink = stderr;
	/* The session's objects report through a diag that lives as long as they do. */
	tk_diag *d = tk_diag_new(stderr);
	ga = tk_arena_new();
	shaper = tk_shaper_new("fonts", d);
	hyph = tk_hyph_new();
	paths = tk_paths_new(".", d);
	color = tk_color_new("layouts/icc/trykk-FOGRA39L.icc", d, NULL);
	if (!shaper || !paths || !color) {
		fprintf(stderr, "fuzz_layout: cannot set up in %s\n", root);
		exit(2);
	}
	n_families = tk_shaper_families(shaper, &families);
	fixed_images = tk_images_new(ga, color);
	load_dir("layouts", 1, d);
	load_dir("content", 0, d);
	if (!n_layouts || !n_contents) {
		fprintf(stderr, "fuzz_layout: no layouts or contents loaded in %s\n", root);
		exit(2);
	}
	/* Lay out every real content once with its own layout, so that pango's and
	 * fontconfig's lazily built caches exist before the first input: libFuzzer's
	 * leak check would otherwise blame them on it. */
	for (int i = 0; i < n_contents; i++) {
		tk_arena *a = tk_arena_new();
		tk_diag *wd = tk_diag_new(sink);
		build(a, wd, tk_images_new(a, color), layout_for(contents[i].c), contents[i].c);
		tk_diag_free(wd);
		tk_arena_free(a);
	}
	/* d stays alive: the shaper keeps it. */
	return 0;
}

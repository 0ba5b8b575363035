/* job.c - one build: content YAML -> model -> layout -> display list -> outputs.
 *
 * Each stage collects all its errors and the job stops before the next stage when
 * there were any, so a user sees every mistake of a file in one run and no output
 * is written from a document with errors. Outputs are written atomically by the
 * backends, so a failed build never replaces a good PDF. */
#include "job.h"

#include "arena.h"
#include "dl/dl.h"
#include "img/cache.h"
#include "img/color.h"
#include "img/image.h"
#include "layout/impose.h"
#include "layout/layout.h"
#include "model/model.h"
#include "backend/out.h"
#include "paths.h"
#include "preflight.h"
#include "text/text.h"
#include "yaml/tree.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TRYKK_VERSION "0.1.0"

struct tk_session {
	tk_job_opts o;
	tk_diag *d;
	tk_shaper *shaper;
	tk_hyph *hyph;
	tk_paths *paths;
};

tk_session *tk_session_new(const tk_job_opts *o, tk_diag *d)
{
	tk_session *s = tk_xcalloc(1, sizeof *s);
	s->o = *o;
	if (!s->o.out_dir)
		s->o.out_dir = "out";
	if (!s->o.root)
		s->o.root = ".";
	if (!s->o.outputs)
		s->o.outputs = TK_OUT_DEFAULT;
	if (s->o.proof_dpi <= 0)
		s->o.proof_dpi = 100;
	s->d = d;
	char fonts[4096];
	snprintf(fonts, sizeof fonts, "%s/fonts", s->o.root);
	s->shaper = tk_shaper_new(fonts, d);
	if (!s->shaper) {
		free(s);
		return NULL;
	}
	s->hyph = tk_hyph_new();
	s->paths = tk_paths_new(s->o.root, d);
	for (int i = 0; s->paths && i < o->n_allow; i++)
		if (tk_paths_allow(s->paths, o->allow[i], d) < 0) {
			tk_session_free(s);
			return NULL;
		}
	if (!s->paths) {
		tk_session_free(s);
		return NULL;
	}
	return s;
}

void tk_session_before_fork(tk_session *s)
{
	tk_shaper_settle(s->shaper);
}

void tk_session_free(tk_session *s)
{
	if (!s)
		return;
	tk_shaper_free(s->shaper);
	tk_hyph_free(s->hyph);
	tk_paths_free(s->paths);
	free(s);
}

/* A path inside the project folder ("layouts/x.yaml" when the root is "."). */
static const char *in_root(tk_session *s, tk_arena *a, const char *rel)
{
	if (strcmp(s->o.root, ".") == 0)
		return tk_arena_strdup(a, rel);
	return tk_arena_printf(a, "%s/%s", s->o.root, rel);
}

static const char *stem_of(tk_arena *a, const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	const char *dot = strrchr(b, '.');
	return dot ? tk_arena_strndup(a, b, (size_t)(dot - b)) : tk_arena_strdup(a, b);
}

static const char *dir_of(tk_arena *a, const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? tk_arena_strndup(a, path, (size_t)(s - path)) : ".";
}

static int file_exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* layout: plakat -> <root>/layouts/plakat.yaml; a path is taken as it is. */
static const char *find_layout(tk_session *s, tk_arena *a, const tk_content *c)
{
	const char *name = s->o.layout ? s->o.layout : c->layout;
	if (!name) {
		tk_loc l = {c->path, 1, 1};
		tk_error(s->d, &l, "content has no 'layout' (e.g. layout: plakat) and no --layout "
		         "was given");
		return NULL;
	}
	if (s->o.layout || strchr(name, '/') || strstr(name, ".yaml")) {
		struct stat st, self;
		/* A path in the content file is relative to the content file, as its
		 * pictures and CSV are, when there is a file there inside the project;
		 * otherwise it is looked for from the folder trykk runs in, as before
		 * (layout: layouts/x.yaml from the project folder), and checked and
		 * reported as written. */
		if (!s->o.layout && name[0] != '/') {
			const char *dir = dir_of(a, c->path);
			const char *rel = tk_arena_printf(a, "%s/%s", dir, name);
			if (strcmp(dir, ".") != 0 && file_exists(rel) && tk_paths_inside(s->paths, rel))
				name = rel;
		}
		/* A path from the content file must stay in the project, whether or not
		 * there is a file at its end (the message must not depend on that). */
		if (!s->o.layout &&
		    tk_paths_check(s->paths, name, "layout", s->d, &c->layout_loc) < 0)
			return NULL;
		if (file_exists(name)) {
			/* The content file itself given as its layout: say so, rather than list
			 * every content key as unknown to a layout. */
			if (stat(name, &st) == 0 && stat(c->path, &self) == 0 &&
			    st.st_dev == self.st_dev && st.st_ino == self.st_ino) {
				tk_error(s->d, s->o.layout ? NULL : &c->layout_loc,
				         "layout '%s' is this content file itself; name a layout file "
				         "(e.g. layout: plakat for layouts/plakat.yaml)", name);
				return NULL;
			}
			return name;
		}
		/* A path names a file: say what is wrong with it, at the layout: line. */
		const char *why = stat(name, &st) < 0      ? strerror(errno)
		                  : S_ISDIR(st.st_mode)    ? "it is a folder"
		                                           : "it is not a regular file";
		tk_error(s->d, s->o.layout ? NULL : &c->layout_loc, "cannot read layout '%s': %s", name,
		         why);
		return NULL;
	}
	if (!*name) {
		tk_error(s->d, &c->layout_loc, "layout is empty: name one in layouts/ (e.g. plakat)");
		return NULL;
	}
	const char *p = in_root(s, a, tk_arena_printf(a, "layouts/%s.yaml", name));
	if (file_exists(p))
		return p;
	/* Suggest one of the layouts there are. */
	const char *cand[128];
	int nc = 0;
	const char *dir = in_root(s, a, "layouts");
	DIR *dd = opendir(dir);
	if (dd) {
		struct dirent *de;
		while ((de = readdir(dd)) && nc < 128) {
			size_t n = strlen(de->d_name);
			if (n > 5 && strcmp(de->d_name + n - 5, ".yaml") == 0)
				cand[nc++] = tk_arena_strndup(a, de->d_name, n - 5);
		}
		closedir(dd);
	}
	const char *sug = tk_diag_suggest(name, cand, nc);
	if (sug)
		tk_error(s->d, &c->layout_loc, "unknown layout '%s' (did you mean '%s'?)", name, sug);
	else
		tk_error(s->d, &c->layout_loc, "unknown layout '%s': there is no %s", name, p);
	return NULL;
}

/* The PDFs' creation date: SOURCE_DATE_EPOCH when set (reproducible builds), else
 * a fixed date, so the same inputs always give the same bytes, whenever and
 * wherever they are built. */
#define TK_FIXED_EPOCH 946684800LL /* 2000-01-01T00:00:00Z */

static long long input_epoch(void)
{
	const char *e = getenv("SOURCE_DATE_EPOCH");
	if (e && *e) {
		char *end;
		long long v = strtoll(e, &end, 10);
		if (!*end && v >= 0)
			return v;
	}
	return TK_FIXED_EPOCH;
}

static int make_dir(tk_diag *d, const char *dir)
{
	struct stat st;
	if (stat(dir, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return 0;
		tk_error(d, NULL, "output folder '%s' is not a folder", dir);
		return -1;
	}
	if (mkdir(dir, 0777) < 0) {
		tk_error(d, NULL, "cannot make output folder '%s': %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* A record of a data merge written as it is laid out: its arena, and how far the
 * print PDF and the press sheets must have been written before it may go. */
typedef struct live_record {
	tk_arena *a;
	int pages;            /* the print PDF's pages up to its last */
	int sheet_pages;      /* the sheets' pages up to the one with its last page */
} live_record;

/* Records laid out ahead of the writers at most; then layout waits for them. */
#define LIVE_RECORDS 32
/* The first records are laid out in the job's arena and kept: the paragraphs
 * shaped for them stay in the engine's memo for all later records (a list repeats
 * its titles, units and addresses early), at some 15 KiB a record. */
#define KEPT_RECORDS 64

/* Slug lines of one document (and, in a data merge, the pipe its pages go to). */
typedef struct slug_job {
	tk_arena *a;
	tk_diag *d;
	tk_shaper *shaper;
	const char *stem, *condition;
	int total;            /* pages in the document */
	int overrun;          /* more pages came than total */
	tk_label_memo memo;
	tk_pdf_pipe *pipe;
	/* A data merge written as it is laid out (e set): each record after the
	 * first KEPT_RECORDS in an arena of its own, preflighted page by page, its
	 * press sheets made as soon as their pages are, and its arena freed once the
	 * print PDF and the sheets have been written past it. */
	tk_engine *e;
	tk_preflight_run *pf;
	tk_doc *doc, *sheets;
	tk_pdf_pipe *sheets_pipe;
	const tk_impose_opts *io;
	int per_sheet;        /* the document's pages on one sheet (0: no sheets) */
	int sheets_made;
	int failed;
	live_record *live;    /* oldest first */
	int n_live, cap_live;
} slug_job;

/* The slug line: which file, which page, for which press, outside the bleed. */
static void slug_line(slug_job *j, tk_page *pg)
{
	if (pg->slug < 5 * TK_MM)
		return;
	const char *label = tk_arena_printf(j->a, "%s  ·  side %d av %d  ·  %s", j->stem,
	                                    pg->index + 1, j->total, j->condition);
	tk_layout_label_memo(j->a, j->d, j->shaper, &j->memo, pg, 0,
	                     pg->h + pg->bleed + pg->slug - 2.5 * TK_MM, 6, label, 1);
}

/* A page of a data merge, finished: its slug line, and on to the print PDF's
 * thread. */
static void page_done(void *ctx, tk_page *pg)
{
	slug_job *j = ctx;
	if (pg->index >= j->total) {
		j->overrun = 1;
		return;
	}
	slug_line(j, pg);
	if (j->pf)
		tk_preflight_page(j->pf, pg, pg->index);
	tk_pdf_pipe_page(j->pipe, pg);
}

static void record_begin(void *ctx, int i)
{
	slug_job *j = ctx;
	if (i < KEPT_RECORDS)
		return; /* laid out in the job's arena */
	tk_arena *a = tk_arena_new();
	j->a = j->e->a = a;
	tk_layout_back(j->e);
}

/* Frees the arenas of the oldest records the writers are done with, waiting for
 * the writers while more than LIVE_RECORDS are left (but never for a sheet not
 * made yet: its pages are still to come). */
static void free_written(slug_job *j)
{
	int gone = 0;
	while (gone < j->n_live) {
		live_record *r = &j->live[gone];
		int wait = j->n_live - gone > LIVE_RECORDS;
		int sheet_made = !j->sheets_pipe || r->sheet_pages <= j->sheets->n_pages;
		if (!sheet_made ||
		    tk_pdf_pipe_wait(j->pipe, wait ? r->pages : 0) < r->pages ||
		    (j->sheets_pipe &&
		     tk_pdf_pipe_wait(j->sheets_pipe, wait ? r->sheet_pages : 0) < r->sheet_pages))
			break;
		/* the record's page pointers go too: nothing may read them now */
		for (int k = r->pages - 1; k >= r->pages - j->e->layout->n_pages && k >= 0; k--)
			j->doc->pages[k] = NULL;
		tk_arena_free(r->a);
		gone++;
	}
	j->n_live -= gone;
	memmove(j->live, j->live + gone, (size_t)j->n_live * sizeof *j->live);
}

static void record_end(void *ctx, int i)
{
	slug_job *j = ctx;
	tk_doc *doc = j->doc;
	if (i == KEPT_RECORDS - 1)
		tk_layout_keep(j->e);
	/* Press sheets whose pages are all laid out, made in this record's arena
	 * (their messages are the document's, not this record's). */
	if (j->sheets_pipe && !j->failed && doc->n_pages > 0) {
		tk_diag_set_context(j->d, NULL);
		if (!j->per_sheet)
			j->per_sheet = tk_impose_nup_pages_per_sheet(j->io, doc->pages[0]);
		int per = j->per_sheet;
		/* the sheets whose pages are all here (after the last record: all); with
		 * no card on a sheet, the first, which reports that */
		int ready = !per ? 1 : doc->n_pages == j->total ? (j->total + per - 1) / per
		                                                : doc->n_pages / per;
		int from = j->sheets->n_pages;
		if (ready > j->sheets_made) {
			if (tk_impose_nup_sheets(j->a, j->d, j->shaper, doc, j->total, j->io,
			                         j->sheets_made, ready, j->sheets) < 0) {
				j->failed = 1; /* reported; layout goes on to find more */
			} else {
				for (int k = from; k < j->sheets->n_pages; k++)
					tk_pdf_pipe_page(j->sheets_pipe, j->sheets->pages[k]);
				j->sheets_made = ready;
			}
		}
	}
	if (i < KEPT_RECORDS)
		return;
	int sheet_sides = j->io && j->io->duplex ? 2 : 1;
	if (j->n_live == j->cap_live) {
		j->cap_live = j->cap_live ? 2 * j->cap_live : 2 * LIVE_RECORDS;
		j->live = tk_xrealloc(j->live, (size_t)j->cap_live * sizeof *j->live);
	}
	live_record *r = &j->live[j->n_live++];
	r->a = j->a;
	r->pages = doc->n_pages;
	r->sheet_pages = j->per_sheet && doc->n_pages
	                     ? ((doc->n_pages - 1) / j->per_sheet + 1) * sheet_sides
	                     : 0;
	free_written(j);
}

/* After the merge (or when it stops): the arenas of the records still kept, once
 * the writers are done with them (the caller has finished or cancelled both). */
static void free_records(slug_job *j)
{
	for (int i = 0; i < j->n_live; i++)
		tk_arena_free(j->live[i].a);
	free(j->live);
	j->live = NULL;
	j->n_live = j->cap_live = 0;
}

static int has_toc(const tk_pagespec *sp)
{
	for (int f = 0; f < sp->n_frames; f++)
		if (sp->frames[f].kind == TK_FRAME_TOC)
			return 1;
	return 0;
}

/* Whether the pages of a data merge can be handed on as they are finished: the
 * count must be known before layout (every slug line says "page N of M"), so
 * every record makes the layout's pages and nothing is added after the last. */
static int pipeable(const tk_layout *l, const tk_content *c)
{
	if (c->n_records <= 0 || l->spread || l->pad_multiple > 1 || l->n_pages <= 0)
		return 0;
	for (int i = 0; i < l->n_pages; i++)
		if (l->pages[i].flow || l->pages[i].last || has_toc(&l->pages[i]))
			return 0;
	for (int m = 0; m < l->n_masters; m++)
		if (has_toc(&l->masters[m].left) || has_toc(&l->masters[m].right))
			return 0;
	return (long long)c->n_records * l->n_pages < 1000000000;
}

int tk_job_build(tk_session *s, const char *path)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	tk_diag *d = s->d;
	int errors0 = tk_diag_errors(d);
	tk_arena *a = tk_arena_new();
	tk_reader r = {.a = a, .d = d, .scale = 1, .paths = s->paths};
	int rc = TK_EXIT_INPUT;
	tk_color *color = NULL;
	tk_pixcache *pixcache = NULL;
	tk_pdf_pipe *pipe = NULL;
	slug_job sj = {0}; /* (the slug lines, and a data merge's writers) */

	tk_node *croot = tk_yaml_load_file(a, d, path, NULL);
	if (!croot)
		goto done;
	tk_content *c = tk_content_load(&r, croot, path);
	if (!c)
		goto done;
	const char *lpath = find_layout(s, a, c);
	if (!lpath)
		goto done;
	if (!s->o.layout && tk_paths_check(s->paths, lpath, "layout", d, &c->layout_loc) < 0)
		goto done;
	tk_node *lroot = tk_yaml_load_file(a, d, lpath, NULL);
	if (!lroot)
		goto done;
	const char *const *fam;
	int nf = tk_shaper_families(s->shaper, &fam);
	tk_layout *l = tk_layout_load(&r, lroot, lpath, fam, nf);
	if (!l)
		goto done;

	const char *icc = NULL;
	if (l->profile) {
		icc = l->profile[0] == '/' ? l->profile
		                           : tk_arena_printf(a, "%s/%s", dir_of(a, lpath), l->profile);
	} else {
		const char *def = in_root(s, a, "layouts/icc/trykk-FOGRA39L.icc");
		if (file_exists(def))
			icc = def;
	}
	tk_loc lloc = {lpath, 0, 0};
	if (l->profile)
		lloc = l->profile_loc;
	if (icc && tk_paths_check(s->paths, icc, "ICC profile", d, &lloc) < 0)
		goto done;
	color = tk_color_new(icc, d, &lloc);
	if (!color)
		goto done;

	tk_engine e = {.a = a, .d = d, .shaper = s->shaper, .hyph = s->hyph,
	               .images = tk_images_new(a, color), .layout = l, .content = c,
	               .lang = c->lang ? c->lang : l->lang, .verbose = s->o.verbose,
	               .paths = s->paths};
	/* Converted pictures are kept between builds in the output folder (a
	 * preflight writes nothing, so it only reads them). */
	pixcache = tk_pixcache_new(a, s->o.out_dir, icc);
	tk_images_set_cache(e.images, pixcache);
	tk_hyph_set_cache(s->hyph, pixcache);
	tk_doc *doc = TK_NEW(a, tk_doc);
	const char *stem = stem_of(a, path);
	doc->title = c->title ? c->title : stem;
	doc->author = c->author;
	doc->subject = c->subject;
	doc->lang = e.lang;
	doc->creator = "trykk " TRYKK_VERSION;
	doc->output_condition = l->condition;
	doc->output_condition_info = l->condition_info;
	doc->icc_path = icc;
	doc->cache = pixcache;
	doc->epoch = input_epoch();
	/* A data merge's print PDF is rendered on a second thread while its pages
	 * are laid out (out.h: same bytes); its slug lines are made as each page is
	 * finished, since the page count is known before. */
	sj.a = a;
	sj.d = d;
	sj.shaper = s->shaper;
	sj.stem = stem;
	sj.condition = l->condition;
	tk_impose_opts io = {.method = l->impose, .sheet_w = l->sheet_w, .sheet_h = l->sheet_h,
	                     .creep = l->creep, .gap = l->impose_gap,
	                     .duplex = c->n_records > 0 && l->n_pages == 2, .job = stem,
	                     .memo = TK_NEW(a, tk_label_memo), .loc = l->impose_loc};
	io.memo->a = a;
	tk_doc *sheets = NULL;
	if ((s->o.outputs & TK_OUT_PRINT) && !tk_preflight_stops() && pipeable(l, c) &&
	    (pipe = tk_pdf_pipe_start(doc)) != NULL) {
		sj.total = c->n_records * l->n_pages;
		sj.pipe = pipe;
		e.page_done = page_done;
		e.page_done_ctx = &sj;
		/* Only the print PDF and its sheets: then nothing needs a record's pages
		 * once they are written, and the merge is laid out record by record in
		 * arenas freed as it goes (memory stays flat however long the list). */
		if (s->o.outputs == TK_OUT_PRINT &&
		    (l->impose == TK_IMPOSE_NONE || l->impose == TK_IMPOSE_NUP)) {
			if (l->impose == TK_IMPOSE_NUP) {
				sheets = TK_NEW(a, tk_doc);
				tk_impose_begin(doc, sheets);
				sheets->pages_a = a;
				sj.sheets_pipe = tk_pdf_pipe_start(sheets);
				sj.io = &io;
			}
			if (l->impose == TK_IMPOSE_NONE || sj.sheets_pipe) {
				sj.e = &e;
				sj.doc = doc;
				sj.sheets = sheets;
				sj.memo.a = a;
				doc->pages_a = a;
				e.ja = a;
				e.record_begin = record_begin;
				e.record_end = record_end;
				sj.pf = tk_preflight_job_begin(l, c, in_root(s, a, "fonts"));
			} else {
				sheets = NULL;
			}
		}
	}
	int laid = tk_layout_doc(&e, doc);
	sj.a = a;
	if (laid < 0 || sj.failed)
		goto done;
	if (pipe && (sj.overrun || doc->n_pages != sj.total)) {
		tk_error(d, NULL, "%s: internal error: the data merge made %d pages, not the %d "
		         "expected", path, doc->n_pages, sj.total);
		goto done;
	}
	/* Preflight: warnings are shown, errors stop the build before anything is
	 * written; `trykk preflight` stops here (1) with nothing written. */
	int pf;
	if (sj.pf) {
		pf = tk_preflight_job_end(sj.pf, d);
		sj.pf = NULL;
	} else {
		pf = tk_preflight_job(doc, l, c, in_root(s, a, "fonts"), d);
	}
	if (pf != 0) {
		rc = pf > 0 ? TK_EXIT_OK : TK_EXIT_INPUT;
		goto done;
	}
	if (!pipe) {
		sj.total = doc->n_pages;
		for (int i = 0; i < doc->n_pages; i++)
			slug_line(&sj, doc->pages[i]);
	}
	tk_font **all_fonts;
	if (!sj.e)
		tk_doc_collect_fonts(a, doc, tk_shaper_fonts(s->shaper, &all_fonts));

	if (!sj.e && (s->o.outputs & TK_OUT_PRINT) && l->impose != TK_IMPOSE_NONE) {
		/* Press sheets, before anything is written: merged cards come as front,
		 * back, front, back ... */
		sheets = TK_NEW(a, tk_doc);
		if (tk_impose(a, d, s->shaper, doc, &io, sheets) < 0)
			goto done;
		tk_doc_collect_fonts(a, sheets, tk_shaper_fonts(s->shaper, &all_fonts));
	}

	rc = TK_EXIT_IO;
	if (make_dir(d, s->o.out_dir) < 0)
		goto done;
	const char *od = s->o.out_dir;
	const char *print_path = tk_arena_printf(a, "%s/%s.pdf", od, stem);
	/* The press sheets render on a thread of their own while this one writes the
	 * pages (out.h); written after them, as before. */
	tk_pdf_pipe *bg = sj.sheets_pipe ? sj.sheets_pipe : sheets ? tk_pdf_print_start(sheets) : NULL;
	sj.sheets_pipe = NULL;
	if (pipe) {
		int prc = tk_pdf_pipe_finish(pipe, print_path, d);
		pipe = NULL;
		if (prc < 0) {
			tk_pdf_pipe_cancel(bg);
			goto done;
		}
	} else if ((s->o.outputs & TK_OUT_PRINT) && tk_pdf_print_write(doc, print_path, d) < 0) {
		tk_pdf_pipe_cancel(bg);
		goto done;
	}
	const char *sheets_path = tk_arena_printf(a, "%s/%s-sheets.pdf", od, stem);
	if (sheets && (bg ? tk_pdf_pipe_finish(bg, sheets_path, d)
	                  : tk_pdf_print_write(sheets, sheets_path, d)) < 0)
		goto done;
	/* A newspaper spread is proofed and read on screen as the spread it is; a
	 * booklet's proofs show reader spreads (1, 2|3, ...) as it will be held. */
	const tk_doc *screen = l->spread ? tk_doc_spreads(a, doc, 0) : doc;
	const tk_doc *proof = l->spread                        ? screen
	                      : l->impose == TK_IMPOSE_SADDLE ? tk_doc_spreads(a, doc, 1)
	                                                       : doc;
	if ((s->o.outputs & TK_OUT_SCREEN) &&
	    tk_pdf_screen_write(screen, color, tk_arena_printf(a, "%s/%s-screen.pdf", od, stem),
	                        d) < 0)
		goto done;
	if ((s->o.outputs & TK_OUT_PROOF) &&
	    tk_png_proofs_write(proof, color, tk_arena_printf(a, "%s/%s-proof-%%d.png", od, stem),
	                        s->o.proof_dpi, 0, d) < 0)
		goto done;
	if ((s->o.outputs & TK_OUT_TRACE) &&
	    tk_trace_write(doc, tk_arena_printf(a, "%s/%s.trace", od, stem), d) < 0)
		goto done;
	rc = TK_EXIT_OK;
	tk_pixcache_flush(pixcache);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (s->o.progress && !s->o.quiet)
		fprintf(stderr, "trykk: %s -> %s (%d page%s, %.2f s)\n", path, print_path,
		        doc->n_pages, doc->n_pages == 1 ? "" : "s",
		        (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
done:
	tk_pdf_pipe_cancel(pipe);
	tk_pdf_pipe_cancel(sj.sheets_pipe);
	if (sj.pf)
		tk_preflight_end(sj.pf, NULL, NULL);
	free_records(&sj);
	tk_hyph_set_cache(s->hyph, NULL); /* the cache goes with the arena */
	tk_pixcache_free(pixcache);
	if (rc != TK_EXIT_OK && tk_diag_errors(d) == errors0)
		tk_error(d, NULL, "%s: build failed (internal error: no reason was given)", path);
	tk_color_free(color);
	tk_arena_free(a);
	return rc;
}

const char *tk_version(void)
{
	return TRYKK_VERSION;
}

/* test_dl.c - display list building, matrices, spreads and font collection. */
#include "arena.h"
#include "dl/dl.h"
#include "paths.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* tk_arena_shrink gives back the tail of the last allocation only: the next
 * allocation starts where the kept part ends, an earlier one is left alone, and
 * the kept bytes are unchanged. */
TK_TEST(arena_shrink_last_allocation_only)
{
	tk_arena *a = tk_arena_new();
	char *p = tk_arena_alloc(a, 256);
	memset(p, 'x', 256);
	size_t used = tk_arena_used(a);
	tk_arena_shrink(a, p, 256, 32);
	EQ(tk_arena_used(a), used - 224);
	char *q = tk_arena_alloc(a, 16);
	OK(q == p + 32);
	EQ(p[31], 'x');
	EQ(q[0], 0); /* fresh memory is zeroed, as always */
	used = tk_arena_used(a);
	tk_arena_shrink(a, p, 32, 16); /* p is no longer the last: nothing */
	EQ(tk_arena_used(a), used);
	tk_arena_shrink(a, q, 16, 64); /* growing is not shrinking: nothing */
	EQ(tk_arena_used(a), used);
	tk_arena_free(a);
}

TK_TEST(matrix_concat_order)
{
	/* scale then translate: (1,1) -> (2,2) -> (12,2) */
	tk_matrix m = tk_matrix_concat(tk_matrix_scale(2, 2), tk_matrix_translate(10, 0));
	double x = 1, y = 1;
	tk_matrix_apply(&m, &x, &y);
	NEAR(x, 12, 1e-9);
	NEAR(y, 2, 1e-9);
	/* translate then scale: (1,1) -> (11,1) -> (22,2) */
	m = tk_matrix_concat(tk_matrix_translate(10, 0), tk_matrix_scale(2, 2));
	x = 1, y = 1;
	tk_matrix_apply(&m, &x, &y);
	NEAR(x, 22, 1e-9);
	NEAR(y, 2, 1e-9);
}

TK_TEST(matrix_quarter_turns_are_exact)
{
	tk_matrix r = tk_matrix_rotate(90);
	EQ(r.a, 0);
	EQ(r.b, 1);
	EQ(r.c, -1);
	EQ(r.d, 0);
	tk_matrix r2 = tk_matrix_rotate(180);
	EQ(r2.a, -1);
	EQ(r2.d, -1);
}

TK_TEST(path_rect_and_growth)
{
	tk_arena *a = tk_arena_new();
	tk_path *p = tk_path_rect(a, 1, 2, 3, 4);
	EQ(p->n_ops, 5);
	EQ(p->n_pts, 4);
	NEAR(p->pts[4], 4, 1e-9); /* second point x = 1 + 3 */
	tk_path *q = tk_path_new(a);
	for (int i = 0; i < 1000; i++)
		tk_path_line(a, q, i, i * 2);
	EQ(q->n_ops, 1000);
	NEAR(q->pts[999 * 2 + 1], 1998, 1e-9);
	tk_arena_free(a);
}

TK_TEST(doc_pages_grow_in_order)
{
	tk_arena *a = tk_arena_new();
	tk_doc doc = {0};
	for (int i = 0; i < 100; i++)
		tk_dl_page_new(a, &doc, 100, 200, 5, 0);
	EQ(doc.n_pages, 100);
	for (int i = 0; i < 100; i++)
		EQ(doc.pages[i]->index, i);
	tk_arena_free(a);
}

static int count_kind(const tk_page *p, tk_item_kind k)
{
	int n = 0;
	for (const tk_item *it = p->first; it; it = it->next)
		n += it->kind == k;
	return n;
}

TK_TEST(spreads_reader_and_pairs)
{
	tk_arena *a = tk_arena_new();
	tk_doc doc = {0};
	for (int i = 0; i < 8; i++)
		tk_dl_page_new(a, &doc, 100, 200, 3, 10);
	tk_doc *reader = tk_doc_spreads(a, &doc, 1);
	EQ(reader->n_pages, 5); /* 1, 2|3, 4|5, 6|7, 8 */
	NEAR(reader->pages[0]->w, 100, 1e-9);
	NEAR(reader->pages[1]->w, 200, 1e-9);
	NEAR(reader->pages[4]->w, 100, 1e-9);
	EQ(count_kind(reader->pages[1], TK_ITEM_PAGE), 2);
	EQ(count_kind(reader->pages[1], TK_ITEM_CLIP), 2);
	/* the right page of a spread is placed one page width to the right */
	const tk_item *it = reader->pages[1]->first;
	while (it && (it->kind != TK_ITEM_PAGE || it->page != doc.pages[2]))
		it = it->next;
	OK(it != NULL);
	if (it)
		NEAR(it->matrix.e, 100, 1e-9);
	EQ(reader->pages[1]->slug, 0);
	tk_doc *pairs = tk_doc_spreads(a, &doc, 0);
	EQ(pairs->n_pages, 4);
	tk_arena_free(a);
}

TK_TEST(collect_fonts_inside_placed_pages)
{
	tk_arena *a = tk_arena_new();
	tk_font f0 = {.id = 0, .path = "a.ttf"}, f1 = {.id = 1, .path = "b.ttf"};
	tk_doc doc = {0}, sheets = {0};
	tk_page *p = tk_dl_page_new(a, &doc, 100, 100, 0, 0);
	tk_glyph_run r0 = {.font = &f1}, r1 = {.font = &f0};
	tk_dl_add(a, p, TK_ITEM_GLYPHS)->run = &r0;
	tk_dl_add(a, p, TK_ITEM_GLYPHS)->run = &r1;
	tk_dl_add(a, p, TK_ITEM_GLYPHS)->run = &r0;
	tk_page *s = tk_dl_page_new(a, &sheets, 300, 300, 0, 0);
	tk_dl_add(a, s, TK_ITEM_PAGE)->page = p;
	tk_doc_collect_fonts(a, &sheets, 2);
	EQ(sheets.n_fonts, 2);
	OK(sheets.fonts[0] == &f1); /* first-use order */
	OK(sheets.fonts[1] == &f0);
	tk_arena_free(a);
}

TK_TEST(paths_inside_and_outside)
{
	char dir[] = "/tmp/trykk-paths-XXXXXX";
	OK(mkdtemp(dir) != NULL);
	char sub[256], file[256], link[256];
	snprintf(sub, sizeof sub, "%s/project", dir);
	mkdir(sub, 0777);
	snprintf(file, sizeof file, "%s/secret.png", dir);
	FILE *f = fopen(file, "w");
	if (f)
		fclose(f);
	snprintf(link, sizeof link, "%s/project/link.png", dir);
	OK(symlink(file, link) == 0);
	FILE *out = tmpfile();
	tk_diag *d = tk_diag_new(out);
	tk_paths *p = tk_paths_new(sub, d);
	OK(p != NULL);
	char in[256], up[256];
	snprintf(in, sizeof in, "%s/project/missing.png", dir);
	snprintf(up, sizeof up, "%s/project/../secret.png", dir);
	EQ(tk_paths_check(p, in, "picture", d, NULL), 0);
	EQ(tk_paths_check(p, up, "picture", d, NULL), -1);
	EQ(tk_paths_check(p, link, "picture", d, NULL), -1); /* a symlink out is out */
	EQ(tk_diag_errors(d), 2);
	EQ(tk_paths_allow(p, dir, d), 0);
	EQ(tk_paths_check(p, up, "picture", d, NULL), 0);
	tk_paths_free(p);
	tk_diag_free(d);
	fclose(out);
	unlink(link);
	unlink(file);
	rmdir(sub);
	rmdir(dir);
}

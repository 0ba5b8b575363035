/* test_yaml.c - the YAML tree: marks, scalar styles, duplicate keys, merges and
 * aliases, the limits against hostile input, and the exact syntax messages. */
#include "unit.h"

#include "yaml/tree.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* One load with its messages captured. */
typedef struct load {
	tk_arena *a;
	tk_node *root;
	char *msg;
	size_t size;
	int errors;
} load;

static void load_text(load *l, const char *text, size_t len, const tk_yaml_limits *lim)
{
	l->a = tk_arena_new();
	l->msg = NULL;
	l->size = 0;
	FILE *f = open_memstream(&l->msg, &l->size);
	tk_diag *d = tk_diag_new(f);
	l->root = tk_yaml_load_string(l->a, d, "x.yaml", text, len, lim);
	l->errors = tk_diag_errors(d);
	tk_diag_free(d);
	fclose(f);
}

static void load_str(load *l, const char *text)
{
	load_text(l, text, strlen(text), NULL);
}

static void load_done(load *l)
{
	tk_arena_free(l->a);
	free(l->msg);
}

#define LOC(n, ln, cl)                                                                 \
	do {                                                                           \
		OK((n) != NULL);                                                       \
		if (n) {                                                               \
			EQ((n)->loc.line, ln);                                         \
			EQ((n)->loc.col, cl);                                          \
		}                                                                      \
	} while (0)

TK_TEST(yaml_marks_and_kinds)
{
	load l;
	load_str(&l, "title: Hello\n"
	             "list:\n"
	             "  - one\n"
	             "  - \"two\"\n"
	             "map: {a: 'x y', b: 2}\n");
	OK(l.root && l.root->kind == TK_NODE_MAP);
	STREQ(l.msg, "");
	if (!l.root) {
		load_done(&l);
		return;
	}
	EQ(l.root->n, 3);
	LOC(l.root, 1, 1);
	LOC(tk_node_key(l.root, "title"), 1, 1);
	tk_node *t = tk_node_get(l.root, "title");
	LOC(t, 1, 8);
	STREQ(t->str, "Hello");
	EQ(t->len, 5);
	EQ(t->plain, 1);
	tk_node *s = tk_node_get(l.root, "list");
	OK(s && s->kind == TK_NODE_SEQ);
	LOC(s, 3, 3);
	EQ(s->n, 2);
	LOC(s->items[0], 3, 5);
	EQ(s->items[0]->plain, 1);
	LOC(s->items[1], 4, 5);
	STREQ(s->items[1]->str, "two");
	EQ(s->items[1]->plain, 0);
	tk_node *m = tk_node_get(l.root, "map");
	OK(m && m->kind == TK_NODE_MAP);
	LOC(m, 5, 6);
	LOC(tk_node_get(m, "a"), 5, 10);
	STREQ(tk_node_get(m, "a")->str, "x y");
	EQ(tk_node_get(m, "a")->plain, 0);
	OK(tk_node_get(m, "c") == NULL);
	OK(tk_node_get(s, "a") == NULL);
	OK(tk_node_get(NULL, "a") == NULL);
	STREQ(tk_node_kind_name(m), "mapping");
	STREQ(tk_node_kind_name(s), "list");
	STREQ(tk_node_kind_name(t), "text");
	load_done(&l);
}

TK_TEST(yaml_plain_and_tagged_scalars)
{
	load l;
	load_str(&l, "a: yes\nb: 'yes'\nc: !!str yes\nd:\ne: |\n  two\n  lines\n");
	OK(l.root != NULL);
	if (l.root) {
		EQ(tk_node_get(l.root, "a")->plain, 1);
		EQ(tk_node_get(l.root, "b")->plain, 0);
		EQ(tk_node_get(l.root, "c")->plain, 0);
		tk_node *d = tk_node_get(l.root, "d");
		EQ(d->kind, TK_NODE_SCALAR);
		EQ(d->len, 0);
		EQ(d->plain, 1);
		STREQ(tk_node_get(l.root, "e")->str, "two\nlines\n");
		EQ(tk_node_get(l.root, "e")->plain, 0);
	}
	load_done(&l);
}

TK_TEST(yaml_empty_documents_are_empty_maps)
{
	const char *cases[] = {"", "---\n", "# only a comment\n", "\n\n   \n", "--- \n...\n"};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		load l;
		load_str(&l, cases[i]);
		OK(l.root && l.root->kind == TK_NODE_MAP && l.root->n == 0);
		LOC(l.root, 1, 1);
		EQ(l.errors, 0);
		load_done(&l);
	}
	load l;
	load_str(&l, "''\n");
	OK(l.root && l.root->kind == TK_NODE_SCALAR);
	load_done(&l);
}

TK_TEST(yaml_duplicate_keys)
{
	load l;
	load_str(&l, "style:\n"
	             "  font: Serif\n"
	             "  size: 10\n"
	             "  leading: 12\n"
	             "  size: 11\n"
	             "  font: Sans\n");
	OK(l.root == NULL);
	EQ(l.errors, 2);
	STREQ(l.msg, "x.yaml:5:3: error: duplicate key 'size' (first at line 3)\n"
	             "    5 |   size: 11\n"
	             "      |   ^\n"
	             "x.yaml:6:3: error: duplicate key 'font' (first at line 2)\n"
	             "    6 |   font: Sans\n"
	             "      |   ^\n");
	load_done(&l);

	/* "1" and 1 are the same key text. */
	load_str(&l, "{1: a, '1': b}");
	EQ(l.errors, 1);
	load_done(&l);
}

TK_TEST(yaml_many_keys_are_fast)
{
	/* Duplicate checks are hashed: 200,000 keys must not take quadratic time. */
	size_t n = 200000, cap = n * 16;
	char *t = malloc(cap), *p = t;
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "k%zu: %zu\n", i, i);
	clock_t c0 = clock();
	load l;
	load_text(&l, t, (size_t)(p - t), NULL);
	OK(l.root && l.root->n == (int)n);
	STREQ(tk_node_get(l.root, "k199999")->str, "199999");
	OK(clock() - c0 < 20 * CLOCKS_PER_SEC);
	load_done(&l);
	free(t);
}

TK_TEST(yaml_non_scalar_key)
{
	load l;
	load_str(&l, "? [a, b]\n: 1\nok: 2\n");
	OK(l.root == NULL);
	STREQ(l.msg, "x.yaml:1:3: error: a key must be text, not a list\n"
	             "    1 | ? [a, b]\n"
	             "      |   ^\n");
	load_done(&l);
}

TK_TEST(yaml_tab_indentation)
{
	load l;
	load_str(&l, "page:\n  size: A4\n\tbleed: 3mm\n");
	OK(l.root == NULL);
	EQ(l.errors, 1);
	STREQ(l.msg, "x.yaml:3:1: error: YAML syntax: found a tab character that violates "
	             "indentation (YAML indentation must use spaces, not tabs)\n"
	             "    3 | \tbleed: 3mm\n"
	             "      | ^\n");
	load_done(&l);

	load_str(&l, "a:\n  b: |\n    x\n\t  y\n");
	OK(l.root == NULL);
	STREQ(l.msg, "x.yaml:4:1: error: YAML syntax: found a tab character where an indentation "
	             "space is expected (YAML indentation must use spaces, not tabs)\n"
	             "    4 | \t  y\n"
	             "      | ^\n");
	load_done(&l);
}

TK_TEST(yaml_unclosed_quote_points_at_the_quote)
{
	load l;
	load_str(&l, "title: \"Sommerfest\nbody: text\n");
	OK(l.root == NULL);
	EQ(l.errors, 1);
	STREQ(l.msg, "x.yaml:1:8: error: YAML syntax: found unexpected end of stream while "
	             "scanning a quoted scalar (is a closing quote missing?)\n"
	             "    1 | title: \"Sommerfest\n"
	             "      |        ^\n");
	load_done(&l);
}

TK_TEST(yaml_syntax_messages)
{
	load l;
	load_str(&l, "a:\n  b: 1\n c: 2\n");
	STREQ(l.msg, "x.yaml:3:2: error: YAML syntax: did not find expected key while parsing a "
	             "block mapping that started at line 1, column 1 (check the indentation)\n"
	             "    3 |  c: 2\n"
	             "      |  ^\n");
	load_done(&l);

	load_str(&l, "title: Note: this\n");
	STREQ(l.msg, "x.yaml:1:12: error: YAML syntax: mapping values are not allowed in this "
	             "context (is this line indented too far, or does text containing ': ' need "
	             "quotes?)\n"
	             "    1 | title: Note: this\n"
	             "      |            ^\n");
	load_done(&l);

	/* The end of the file is shown at the last text, not on an empty line. */
	load_str(&l, "list: [a, b\n\n");
	STREQ(l.msg, "x.yaml:1:12: error: YAML syntax: did not find expected ',' or ']' while "
	             "parsing a flow sequence that started at line 1, column 7\n"
	             "    1 | list: [a, b\n"
	             "      |            ^\n");
	load_done(&l);

	load_str(&l, "k: @home\n");
	STREQ(l.msg, "x.yaml:1:4: error: YAML syntax: found character that cannot start any "
	             "token (text starting with '@' or '`' must be quoted)\n"
	             "    1 | k: @home\n"
	             "      |    ^\n");
	load_done(&l);
}

TK_TEST(yaml_invalid_utf8)
{
	load l;
	/* "Größe" in Latin-1. */
	load_str(&l, "a: 1\nGr\xF6\xDF" "e: 2\n");
	OK(l.root == NULL);
	EQ(l.errors, 1);
	STREQ(l.msg, "x.yaml:2:3: error: text is not valid UTF-8 (byte 0xF6); save the file as "
	             "UTF-8\n"
	             "    2 | Gr??e: 2\n"
	             "      |   ^\n");
	load_done(&l);

	load_str(&l, "\xEF\xBB\xBF" "a: \xFF\n");
	STREQ(l.msg, "x.yaml:1:4: error: text is not valid UTF-8 (byte 0xFF); save the file as "
	             "UTF-8\n"
	             "    1 | a: ?\n"
	             "      |    ^\n");
	load_done(&l);

	load_text(&l, "\xFF\xFE" "a\0:\0", 6, NULL);
	STREQ(l.msg, "x.yaml: error: the file is UTF-16; save it as UTF-8\n");
	load_done(&l);
}

TK_TEST(yaml_nul_bytes)
{
	load l;
	load_text(&l, "a: x\0y\n", 7, NULL);
	OK(l.root == NULL);
	STREQ(l.msg, "x.yaml:1:5: error: YAML syntax: a NUL byte is not allowed (is this a binary "
	             "or UTF-16 file?)\n"
	             "    1 | a: x?y\n"
	             "      |     ^\n");
	load_done(&l);

	load_str(&l, "a: \"x\\0y\"\n");
	OK(l.root == NULL);
	STREQ(l.msg, "x.yaml:1:4: error: text contains a NUL character (\\0), which is not "
	             "allowed\n"
	             "    1 | a: \"x\\0y\"\n"
	             "      |    ^\n");
	load_done(&l);

	load_str(&l, "a: \"\\x01\"\n");
	OK(l.root != NULL);
	load_done(&l);
}

TK_TEST(yaml_multiple_documents)
{
	load l;
	load_str(&l, "a: 1\n---\nb: 2\n");
	OK(l.root == NULL);
	STREQ(l.msg, "x.yaml:2:1: error: a second YAML document starts here; a file holds only "
	             "one\n"
	             "    2 | ---\n"
	             "      | ^\n");
	load_done(&l);

	load_str(&l, "---\na: 1\n...\n");
	OK(l.root && l.root->n == 1);
	load_done(&l);
}

TK_TEST(yaml_alias_shares_the_node)
{
	load l;
	load_str(&l, "base: &b {size: 10, font: Serif}\n"
	             "copy: *b\n"
	             "word: &w hello\n"
	             "list: [*w, *b]\n");
	OK(l.root != NULL);
	if (l.root) {
		tk_node *b = tk_node_get(l.root, "base");
		OK(b && b->kind == TK_NODE_MAP);
		OK(tk_node_get(l.root, "copy") == b);
		tk_node *list = tk_node_get(l.root, "list");
		OK(list->items[0] == tk_node_get(l.root, "word"));
		OK(list->items[1] == b);
		LOC(list->items[1], 1, 7); /* a node starts at its anchor */
	}
	load_done(&l);

	/* A later anchor of the same name replaces the earlier one. */
	load_str(&l, "a: &x 1\nb: &x 2\nc: *x\n");
	OK(l.root && strcmp(tk_node_get(l.root, "c")->str, "2") == 0);
	load_done(&l);
}

TK_TEST(yaml_alias_errors)
{
	load l;
	load_str(&l, "a: &base 1\nb: *bsae\nc: *nothing\n");
	OK(l.root == NULL);
	EQ(l.errors, 2);
	STREQ(l.msg, "x.yaml:2:4: error: unknown alias '*bsae' (did you mean '*base'?)\n"
	             "    2 | b: *bsae\n"
	             "      |    ^\n"
	             "x.yaml:3:4: error: unknown alias '*nothing' (no anchor '&nothing' before it)\n"
	             "    3 | c: *nothing\n"
	             "      |    ^\n");
	load_done(&l);

	load_str(&l, "a: &loop [1, *loop]\n");
	OK(l.root == NULL);
	STREQ(l.msg, "x.yaml:1:14: error: alias '*loop' is inside the node it refers to\n"
	             "    1 | a: &loop [1, *loop]\n"
	             "      |              ^\n");
	load_done(&l);
}

TK_TEST(yaml_merge_keys)
{
	load l;
	load_str(&l, "base: &base\n"
	             "  size: 10\n"
	             "  color: red\n"
	             "bold: &bold\n"
	             "  color: blue\n"
	             "  weight: bold\n"
	             "head:\n"
	             "  <<: [*base, *bold]\n"
	             "  size: 12\n"
	             "one:\n"
	             "  <<: *bold\n"
	             "inline:\n"
	             "  <<: {x: 1}\n"
	             "  y: 2\n");
	STREQ(l.msg, "");
	OK(l.root != NULL);
	if (l.root) {
		tk_node *h = tk_node_get(l.root, "head");
		EQ(h->n, 3);
		STREQ(tk_node_get(h, "size")->str, "12");  /* explicit wins */
		STREQ(tk_node_get(h, "color")->str, "red"); /* earlier merge wins */
		STREQ(tk_node_get(h, "weight")->str, "bold");
		OK(tk_node_get(h, "<<") == NULL);
		/* Merged entries stand where "<<" was written. */
		STREQ(h->keys[0]->str, "color");
		STREQ(h->keys[1]->str, "weight");
		STREQ(h->keys[2]->str, "size");
		/* The merged values are shared, not copied. */
		OK(tk_node_get(h, "color") == tk_node_get(tk_node_get(l.root, "base"), "color"));
		tk_node *o = tk_node_get(l.root, "one");
		EQ(o->n, 2);
		STREQ(tk_node_get(o, "color")->str, "blue");
		tk_node *in = tk_node_get(l.root, "inline");
		EQ(in->n, 2);
		STREQ(tk_node_get(in, "x")->str, "1");
	}
	load_done(&l);

	/* A merged key does not clash with an explicit one, but explicit keys do. */
	load_str(&l, "b: &b {k: 1}\nm:\n  k: 2\n  <<: *b\n  k: 3\n");
	OK(l.root == NULL);
	STREQ(l.msg, "x.yaml:5:3: error: duplicate key 'k' (first at line 3)\n"
	             "    5 |   k: 3\n"
	             "      |   ^\n");
	load_done(&l);

	load_str(&l, "s: &s hello\nm:\n  <<: *s\n");
	OK(l.root == NULL);
	STREQ(l.msg, "x.yaml:3:3: error: '<<' merges mappings (or a list of them), not a text\n"
	             "    3 |   <<: *s\n"
	             "      |   ^\n");
	load_done(&l);

	/* An unknown alias is reported once, not again as a bad merge. */
	load_str(&l, "m:\n  <<: *nope\n");
	EQ(l.errors, 1);
	load_done(&l);

	load_str(&l, "m:\n  '<<': 1\n");
	OK(l.root && tk_node_get(tk_node_get(l.root, "m"), "<<"));
	load_done(&l);
}

TK_TEST(yaml_billion_laughs)
{
	/* Ten levels of ten aliases: 10^10 nodes when expanded. */
	char text[4096], *p = text;
	p += sprintf(p, "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
	for (int i = 1; i < 10; i++) {
		p += sprintf(p, "l%d: &l%d [", i, i);
		for (int j = 0; j < 10; j++)
			p += sprintf(p, "%s*l%d", j ? ", " : "", i - 1);
		p += sprintf(p, "]\n");
	}
	clock_t c0 = clock();
	load l;
	load_str(&l, text);
	OK(l.root == NULL);
	EQ(l.errors, 1);
	OK(strstr(l.msg, "x.yaml:6:") == l.msg);
	OK(strstr(l.msg, "error: document too large when aliases are expanded (more than 1000000 "
	                 "nodes)\n"));
	OK(clock() - c0 < CLOCKS_PER_SEC);
	load_done(&l);

	/* The same through merge keys. */
	p = text;
	p += sprintf(p, "m0: &m0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8}\n");
	for (int i = 1; i < 40; i++)
		p += sprintf(p, "m%d: &m%d {<<: [*m%d, *m%d, *m%d], x%d: 1}\n", i, i, i - 1, i - 1,
		             i - 1, i);
	c0 = clock();
	load_str(&l, text);
	OK(l.root == NULL);
	OK(strstr(l.msg, "document too large when aliases are expanded"));
	OK(clock() - c0 < CLOCKS_PER_SEC);
	load_done(&l);
}

TK_TEST(yaml_node_limit_without_aliases)
{
	tk_yaml_limits lim;
	tk_yaml_limits_default(&lim);
	EQ(lim.max_depth, 64);
	EQ(lim.max_bytes, 16 * 1024 * 1024);
	EQ(lim.max_scalar, 4 * 1024 * 1024);
	EQ(lim.max_nodes, 1000000);
	lim.max_nodes = 5;
	load l;
	load_text(&l, "[1, 2, 3, 4, 5]", 15, &lim);
	OK(l.root == NULL);
	STREQ(l.msg, "x.yaml:1:14: error: document too large (more than 5 nodes)\n"
	             "    1 | [1, 2, 3, 4, 5]\n"
	             "      |              ^\n");
	load_done(&l);
	load_text(&l, "[1, 2, 3, 4]", 12, &lim);
	OK(l.root && l.root->n == 4);
	load_done(&l);
}

static char *nested(int depth, const char *open, const char *close)
{
	size_t lo = strlen(open), lc = strlen(close);
	char *t = malloc((size_t)depth * (lo + lc) + 1), *p = t;
	for (int i = 0; i < depth; i++, p += lo)
		memcpy(p, open, lo);
	for (int i = 0; i < depth; i++, p += lc)
		memcpy(p, close, lc);
	*p = 0;
	return t;
}

TK_TEST(yaml_deep_nesting)
{
	char *t = nested(10000, "[", "]");
	load l;
	load_str(&l, t);
	OK(l.root == NULL);
	EQ(l.errors, 1);
	OK(strstr(l.msg, "x.yaml:1:65: error: nesting deeper than 64 levels\n") == l.msg);
	load_done(&l);
	free(t);

	t = nested(64, "{a: ", "}");
	load_str(&l, t);
	OK(l.root != NULL);
	EQ(l.errors, 0);
	load_done(&l);
	free(t);

	t = nested(65, "{a: ", "}");
	load_str(&l, t);
	OK(l.root == NULL);
	OK(strstr(l.msg, "x.yaml:1:257: error: nesting deeper than 64 levels\n") == l.msg);
	load_done(&l);
	free(t);

	/* Block style, 10,000 deep. */
	size_t n = 10000;
	t = malloc(2 * n + 2);
	for (size_t i = 0; i < n; i++)
		memcpy(t + 2 * i, "- ", 2);
	strcpy(t + 2 * n, "x");
	load_str(&l, t);
	OK(l.root == NULL);
	OK(strstr(l.msg, "error: nesting deeper than 64 levels"));
	load_done(&l);
	free(t);
}

TK_TEST(yaml_scalar_limit)
{
	tk_yaml_limits lim;
	tk_yaml_limits_default(&lim);
	lim.max_scalar = 4;
	load l;
	load_text(&l, "a: hello\n", 9, &lim);
	OK(l.root == NULL);
	STREQ(l.msg, "x.yaml:1:4: error: text of 5 bytes is longer than the limit of 4 bytes\n"
	             "    1 | a: hello\n"
	             "      |    ^\n");
	load_done(&l);

	size_t n = 4 * 1024 * 1024 + 1;
	char *t = malloc(n + 4);
	memcpy(t, "a: ", 3);
	memset(t + 3, 'x', n);
	load_text(&l, t, n + 3, NULL);
	OK(l.root == NULL);
	OK(strstr(l.msg, "x.yaml:1:4: error: text of 4194305 bytes is longer than the limit of 4 "
	                 "MiB\n") == l.msg);
	load_done(&l);
	free(t);
}

TK_TEST(yaml_string_size_limit)
{
	tk_yaml_limits lim;
	tk_yaml_limits_default(&lim);
	lim.max_bytes = 8;
	load l;
	load_text(&l, "a: 123456789", 12, &lim);
	OK(l.root == NULL);
	STREQ(l.msg, "x.yaml: error: the file is larger than the limit of 8 bytes\n");
	load_done(&l);
}

/* STREQ for texts longer than the harness's message buffer. */
static int same(const char *got, const char *want)
{
	if (got && strcmp(got, want) == 0)
		return 1;
	fprintf(stderr, "got:\n%s\nwant:\n%s\n", got ? got : "(null)", want);
	return 0;
}

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");
	OK(f != NULL);
	if (f) {
		fwrite(text, 1, len, f);
		fclose(f);
	}
}

static tk_node *load_path(tk_arena *a, const char *path, const tk_yaml_limits *lim, char **msg)
{
	size_t size;
	*msg = NULL;
	FILE *f = open_memstream(msg, &size);
	tk_diag *d = tk_diag_new(f);
	tk_node *root = tk_yaml_load_file(a, d, path, lim);
	tk_diag_free(d);
	fclose(f);
	return root;
}

TK_TEST(yaml_files)
{
	char path[] = "/tmp/trykk_test_yaml_XXXXXX";
	int fd = mkstemp(path);
	OK(fd >= 0);
	if (fd < 0)
		return;
	close(fd);
	tk_arena *a = tk_arena_new();
	char *msg;

	const char *crlf = "a: 1\r\nb: [x,\r\n  y]\r\n";
	write_file(path, crlf, strlen(crlf));
	tk_node *r = load_path(a, path, NULL, &msg);
	STREQ(msg, "");
	OK(r && r->n == 2);
	if (r) {
		STREQ(r->loc.file, path);
		tk_node *b = tk_node_get(r, "b");
		LOC(b->items[1], 3, 3);
	}
	free(msg);

	write_file(path, "a:\n\tb: 1\n", 9);
	r = load_path(a, path, NULL, &msg);
	OK(r == NULL);
	char want[512];
	snprintf(want, sizeof want,
	         "%s:2:1: error: YAML syntax: found character that cannot start any token (YAML "
	         "indentation must use spaces, not tabs)\n"
	         "    2 | \tb: 1\n"
	         "      | ^\n",
	         path);
	OK(same(msg, want));
	free(msg);

	write_file(path, "", 0);
	r = load_path(a, path, NULL, &msg);
	OK(r && r->kind == TK_NODE_MAP && r->n == 0);
	free(msg);

	tk_yaml_limits lim;
	tk_yaml_limits_default(&lim);
	lim.max_bytes = 10;
	write_file(path, "a: 1234567890\n", 14);
	r = load_path(a, path, &lim, &msg);
	OK(r == NULL);
	snprintf(want, sizeof want, "%s: error: the file is larger than the limit of 10 bytes\n",
	         path);
	OK(same(msg, want));
	free(msg);

	unlink(path);
	r = load_path(a, path, NULL, &msg);
	OK(r == NULL);
	snprintf(want, sizeof want, "%s: error: cannot read '%s': No such file or directory\n",
	         path, path);
	OK(same(msg, want));
	free(msg);

	r = load_path(a, "/tmp", NULL, &msg);
	OK(r == NULL);
	STREQ(msg, "/tmp: error: cannot read '/tmp': Is a directory\n");
	free(msg);

	/* A pipe has no size up front; the limit still holds while reading. */
	r = load_path(a, "/dev/zero", &lim, &msg);
	OK(r == NULL);
	STREQ(msg, "/dev/zero: error: the file is larger than the limit of 10 bytes\n");
	free(msg);

	tk_arena_free(a);
}

/* test_diag.c - message format, quoted lines and carets, levels and limits, and
 * the did-you-mean suggestions. Output goes to a memory stream and is compared
 * byte for byte. */
#include "unit.h"

#include "diag.h"

#include <stdlib.h>

typedef struct capture {
	char *buf;
	size_t size;
	FILE *f;
	tk_diag *d;
} capture;

static void cap_open(capture *c)
{
	c->buf = NULL;
	c->size = 0;
	c->f = open_memstream(&c->buf, &c->size);
	c->d = tk_diag_new(c->f);
}

/* Ends the capture; the text stays in c->buf until cap_free. */
static const char *cap_text(capture *c)
{
	fflush(c->f);
	return c->buf ? c->buf : "";
}

static void cap_free(capture *c)
{
	tk_diag_free(c->d);
	fclose(c->f);
	free(c->buf);
}

TK_TEST(diag_format_with_source)
{
	capture c;
	cap_open(&c);
	const char *src = "title: x\nstyle:\n    colour: blue\n";
	tk_diag_add_source(c.d, "content/plakat.yaml", src, strlen(src));
	tk_loc l = {"content/plakat.yaml", 3, 5};
	tk_error(c.d, &l, "unknown key '%s' (did you mean '%s'?)", "colour", "color");
	STREQ(cap_text(&c), "content/plakat.yaml:3:5: error: unknown key 'colour' (did you mean "
	                    "'color'?)\n"
	                    "    3 |     colour: blue\n"
	                    "      |     ^\n");
	EQ(tk_diag_errors(c.d), 1);
	EQ(tk_diag_warnings(c.d), 0);
	cap_free(&c);
}

TK_TEST(diag_forms_without_place)
{
	capture c;
	cap_open(&c);
	tk_error(c.d, NULL, "no input files");
	tk_loc nofile = {NULL, 3, 4};
	tk_warn(c.d, &nofile, "odd");
	tk_loc file = {"a.yaml", 0, 0};
	tk_error(c.d, &file, "cannot read 'a.yaml': %s", "No such file or directory");
	tk_loc unregistered = {"b.yaml", 2, 7};
	tk_warn(c.d, &unregistered, "not quoted");
	tk_loc nocol = {"b.yaml", 2, 0};
	tk_error(c.d, &nocol, "line only");
	STREQ(cap_text(&c), "trykk: error: no input files\n"
	                    "trykk: warning: odd\n"
	                    "a.yaml: error: cannot read 'a.yaml': No such file or directory\n"
	                    "b.yaml:2:7: warning: not quoted\n"
	                    "b.yaml:2: error: line only\n");
	EQ(tk_diag_errors(c.d), 3);
	EQ(tk_diag_warnings(c.d), 2);
	cap_free(&c);
}

TK_TEST(diag_levels)
{
	capture c;
	cap_open(&c);
	tk_info(c.d, NULL, "hidden by default");
	tk_diag_report(c.d, TK_NOTE, NULL, "hidden too");
	tk_warn(c.d, NULL, "shown");
	tk_diag_set_level(c.d, TK_ERROR);
	tk_warn(c.d, NULL, "counted, not shown");
	tk_diag_set_level(c.d, TK_NOTE);
	tk_info(c.d, NULL, "verbose");
	tk_diag_report(c.d, TK_NOTE, NULL, "a note");
	STREQ(cap_text(&c), "trykk: warning: shown\n"
	                    "trykk: info: verbose\n"
	                    "trykk: note: a note\n");
	EQ(tk_diag_warnings(c.d), 2);
	EQ(tk_diag_errors(c.d), 0);
	cap_free(&c);
}

TK_TEST(diag_max_errors)
{
	capture c;
	cap_open(&c);
	tk_diag_set_max_errors(c.d, 2);
	for (int i = 1; i <= 5; i++)
		tk_error(c.d, NULL, "error %d", i);
	tk_warn(c.d, NULL, "after the stop");
	STREQ(cap_text(&c), "trykk: error: error 1\n"
	                    "trykk: error: error 2\n"
	                    "trykk: note: too many errors, stopping here\n");
	EQ(tk_diag_errors(c.d), 5);
	EQ(tk_diag_warnings(c.d), 1);
	cap_free(&c);
}

TK_TEST(diag_exactly_max_errors_has_no_note)
{
	capture c;
	cap_open(&c);
	tk_diag_set_max_errors(c.d, 2);
	tk_error(c.d, NULL, "one");
	tk_error(c.d, NULL, "two");
	STREQ(cap_text(&c), "trykk: error: one\ntrykk: error: two\n");
	cap_free(&c);
}

TK_TEST(diag_tabs_keep_caret_aligned)
{
	capture c;
	cap_open(&c);
	const char *src = "a:\n\t\tb: 1\n";
	tk_diag_add_source(c.d, "t.yaml", src, strlen(src));
	tk_loc l = {"t.yaml", 2, 3};
	tk_error(c.d, &l, "here");
	STREQ(cap_text(&c), "t.yaml:2:3: error: here\n"
	                    "    2 | \t\tb: 1\n"
	                    "      | \t\t^\n");
	cap_free(&c);
}

TK_TEST(diag_utf8_columns_are_characters)
{
	capture c;
	cap_open(&c);
	/* "Größe" has 5 characters in 7 bytes; column 8 is the 'x' after ": ". */
	const char *src = "Gr\xC3\xB6\xC3\x9F" "e: x\n";
	tk_diag_add_source(c.d, "u.yaml", src, strlen(src));
	tk_loc l = {"u.yaml", 1, 8};
	tk_error(c.d, &l, "value");
	STREQ(cap_text(&c), "u.yaml:1:8: error: value\n"
	                    "    1 | Gr\xC3\xB6\xC3\x9F" "e: x\n"
	                    "      |        ^\n");
	cap_free(&c);
}

TK_TEST(diag_unsafe_bytes_are_replaced)
{
	capture c;
	cap_open(&c);
	/* An escape sequence, an invalid byte, a bidi override and a C1 control. */
	const char *src = "k: \x1b[31mred \xFF \xE2\x80\xAE x\xC2\x9B y\n";
	tk_diag_add_source(c.d, "s.yaml", src, strlen(src));
	tk_loc l = {"s.yaml", 1, 4};
	tk_error(c.d, &l, "key '%s'", "a\nb\x1b");
	STREQ(cap_text(&c), "s.yaml:1:4: error: key 'a?b?'\n"
	                    "    1 | k: ?[31mred ? ? x? y\n"
	                    "      |    ^\n");
	cap_free(&c);
}

TK_TEST(diag_line_breaks_like_libyaml)
{
	capture c;
	cap_open(&c);
	/* CR LF, a lone CR and NEL all end lines, as libyaml counts them; a UTF-8
	 * byte order mark takes no column. */
	const char *src = "\xEF\xBB\xBF" "a: 1\r\nb: 2\rc: 3\xC2\x85" "d: 4";
	tk_diag_add_source(c.d, "b.yaml", src, strlen(src));
	tk_loc l1 = {"b.yaml", 1, 1}, l3 = {"b.yaml", 3, 4}, l4 = {"b.yaml", 4, 4};
	tk_error(c.d, &l1, "one");
	tk_error(c.d, &l3, "three");
	tk_error(c.d, &l4, "four");
	STREQ(cap_text(&c), "b.yaml:1:1: error: one\n"
	                    "    1 | a: 1\n"
	                    "      | ^\n"
	                    "b.yaml:3:4: error: three\n"
	                    "    3 | c: 3\n"
	                    "      |    ^\n"
	                    "b.yaml:4:4: error: four\n"
	                    "    4 | d: 4\n"
	                    "      |    ^\n");
	cap_free(&c);
}

TK_TEST(diag_long_lines_are_clipped)
{
	capture c;
	cap_open(&c);
	char src[1100];
	memset(src, 'a', 1000);
	src[500] = 'X';
	src[1000] = 0;
	tk_diag_add_source(c.d, "l.yaml", src, strlen(src));
	tk_loc l = {"l.yaml", 1, 501};
	tk_error(c.d, &l, "x");
	const char *out = cap_text(&c);
	/* The window is 200 bytes starting 100 before the caret. */
	char want[1024], *w = want;
	w += sprintf(w, "l.yaml:1:501: error: x\n    1 | ...");
	for (int i = 400; i < 600; i++)
		*w++ = src[i];
	w += sprintf(w, "...\n      |    ");
	for (int i = 400; i < 500; i++)
		*w++ = ' ';
	sprintf(w, "^\n");
	OK(strcmp(out, want) == 0);
	OK(strlen(out) < 400);
	cap_free(&c);
}

TK_TEST(diag_caret_past_end_and_missing_lines)
{
	capture c;
	cap_open(&c);
	const char *src = "a: [1\n";
	tk_diag_add_source(c.d, "e.yaml", src, strlen(src));
	tk_loc end = {"e.yaml", 1, 6}, far = {"e.yaml", 1, 99}, gone = {"e.yaml", 40, 1};
	tk_error(c.d, &end, "end");
	tk_error(c.d, &far, "far");
	tk_error(c.d, &gone, "gone");
	STREQ(cap_text(&c), "e.yaml:1:6: error: end\n"
	                    "    1 | a: [1\n"
	                    "      |      ^\n"
	                    "e.yaml:1:99: error: far\n"
	                    "    1 | a: [1\n"
	                    "      |      ^\n"
	                    "e.yaml:40:1: error: gone\n");
	cap_free(&c);
}

TK_TEST(diag_wide_line_numbers_and_replaced_source)
{
	capture c;
	cap_open(&c);
	size_t n = 123456;
	char *src = malloc(n + 8);
	memset(src, '\n', n);
	memcpy(src + n, "key: 1", 7);
	tk_diag_add_source(c.d, "w.yaml", "old", 3);
	tk_diag_add_source(c.d, "w.yaml", src, n + 6);
	free(src);
	tk_loc l = {"w.yaml", 123457, 6};
	tk_error(c.d, &l, "wide");
	STREQ(cap_text(&c), "w.yaml:123457:6: error: wide\n"
	                    "123457 | key: 1\n"
	                    "       |      ^\n");
	cap_free(&c);
}

TK_TEST(diag_long_message)
{
	capture c;
	cap_open(&c);
	char word[2000];
	memset(word, 'w', sizeof word - 1);
	word[sizeof word - 1] = 0;
	tk_error(c.d, NULL, "%s", word);
	const char *out = cap_text(&c);
	EQ(strlen(out), strlen("trykk: error: \n") + sizeof word - 1);
	cap_free(&c);
}

TK_TEST(diag_suggest)
{
	const char *keys[] = {"color", "size", "space-after", "space-before", "font", "leading"};
	int n = (int)(sizeof keys / sizeof keys[0]);
	STREQ(tk_diag_suggest("colour", keys, n), "color");
	STREQ(tk_diag_suggest("Color", keys, n), "color");
	STREQ(tk_diag_suggest("space_after", keys, n), "space-after");
	STREQ(tk_diag_suggest("SPACE_BEFORE", keys, n), "space-before");
	STREQ(tk_diag_suggest("fnot", keys, n), "font");     /* transposition */
	STREQ(tk_diag_suggest("leadign", keys, n), "leading");
	STREQ(tk_diag_suggest("siz", keys, n), "size");
	OK(tk_diag_suggest("margin", keys, n) == NULL);
	OK(tk_diag_suggest("x", keys, n) == NULL);
	OK(tk_diag_suggest("", keys, n) == NULL);
	OK(tk_diag_suggest("color", keys, 0) == NULL);
	OK(tk_diag_suggest(NULL, keys, n) == NULL);
	/* "sz" is two edits from "size": too far for a two-letter word. */
	OK(tk_diag_suggest("sz", keys, n) == NULL);
	/* The closest wins, the first of equals. */
	const char *two[] = {"bleed", "blend"};
	STREQ(tk_diag_suggest("blead", two, 2), "bleed");
	char huge[400];
	memset(huge, 'a', sizeof huge - 1);
	huge[sizeof huge - 1] = 0;
	OK(tk_diag_suggest(huge, keys, n) == NULL);
}

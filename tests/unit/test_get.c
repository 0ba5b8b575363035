/* test_get.c - the typed getters of yaml/get.c over small YAML documents: unknown
 * keys with did-you-mean, wrong node types, lengths (units, signs, percentages,
 * scale, absurd sizes), numbers, booleans, enums, and colours (CMYK lists,
 * swatches, built-ins, RGB refused with a CMYK hint). Every message is captured
 * and compared with the line, column and text a writer would see. */
#include "model/model.h"
#include <unistd.h>
#include "unit.h"

#include "model/units.h"
#include "yaml/get.h"
#include "yaml/tree.h"

#include <stdlib.h>

typedef struct fixture {
	tk_arena *a;
	char *buf;
	size_t size;
	FILE *f;
	tk_diag *d;
	tk_reader r;
	tk_node *root;
} fixture;

static const char *swatch_names[] = {"petrol", "sand", "rod"};
static const tk_cmyk swatch_values[] = {
	{0.85f, 0.35f, 0.40f, 0.25f}, {0.05f, 0.10f, 0.25f, 0}, {0, 1, 1, 0}};

/* Loads yaml as "t.yaml" with a reader that knows three swatches. */
static void fx_open(fixture *x, const char *yaml)
{
	x->a = tk_arena_new();
	x->buf = NULL;
	x->size = 0;
	x->f = open_memstream(&x->buf, &x->size);
	x->d = tk_diag_new(x->f);
	x->r = (tk_reader){.a = x->a, .d = x->d, .scale = 1, .n_swatches = 3,
	                   .swatch_names = swatch_names, .swatches = swatch_values};
	x->root = tk_yaml_load_string(x->a, x->d, "t.yaml", yaml, strlen(yaml), NULL);
}

/* Everything reported so far. */
static const char *fx_msg(fixture *x)
{
	fflush(x->f);
	return x->buf ? x->buf : "";
}

/* The first line of what was reported (the "file:line:col: error: ..." line). */
static const char *fx_first(fixture *x)
{
	static char line[512];
	const char *m = fx_msg(x);
	size_t n = strcspn(m, "\n");
	if (n >= sizeof line)
		n = sizeof line - 1;
	memcpy(line, m, n);
	line[n] = 0;
	return line;
}

static void fx_close(fixture *x)
{
	tk_diag_free(x->d);
	fclose(x->f);
	free(x->buf);
	tk_arena_free(x->a);
}

static const tk_key frame_keys[] = {
	{"width", TK_T_LENGTH, NULL, NULL, "Width.", NULL, 0},
	{"color", TK_T_COLOR, NULL, NULL, "Colour.", NULL, 0},
	{"align", TK_T_ENUM, "left|right|center|justify", NULL, "Alignment.", NULL, 0},
	{"columns", TK_T_NUMBER, NULL, NULL, "Columns.", NULL, 0},
	{NULL, 0, NULL, NULL, NULL, NULL, 0},
};
static const tk_keyset frame_ks = {"frame", "A frame.", frame_keys, NULL};

TK_TEST(get_unknown_key_with_did_you_mean)
{
	fixture x;
	fx_open(&x, "width: 10mm\ncolour: black\nalign: left\n");
	OK(x.root != NULL);
	EQ(tk_check_keys(&x.r, x.root, &frame_ks), 1);
	STREQ(fx_msg(&x), "t.yaml:2:1: error: unknown key 'colour' in frame (did you mean "
	                  "'color'?)\n"
	                  "    2 | colour: black\n"
	                  "      | ^\n");
	EQ(tk_diag_errors(x.d), 1);
	fx_close(&x);
}

TK_TEST(get_unknown_keys_all_reported)
{
	fixture x;
	fx_open(&x, "{widht: 1mm, colums: 2, zzzzzzzz: 1, align: left}\n");
	EQ(tk_check_keys(&x.r, x.root, &frame_ks), 3);
	const char *m = fx_msg(&x);
	OK(strstr(m, "t.yaml:1:2: error: unknown key 'widht' in frame (did you mean 'width'?)"));
	OK(strstr(m, "t.yaml:1:14: error: unknown key 'colums' in frame (did you mean "
	             "'columns'?)"));
	/* nothing close: no suggestion rather than a silly one */
	OK(strstr(m, "t.yaml:1:25: error: unknown key 'zzzzzzzz' in frame\n"));
	EQ(tk_diag_errors(x.d), 3);
	fx_close(&x);
}

TK_TEST(get_check_keys_of_a_non_map)
{
	fixture x;
	fx_open(&x, "frame: [1, 2]\n");
	EQ(tk_check_keys(&x.r, tk_node_get(x.root, "frame"), &frame_ks), 1);
	STREQ(fx_first(&x), "t.yaml:1:8: error: frame: expected a mapping of keys, found list");
	fx_close(&x);
	/* a missing node is no error */
	fx_open(&x, "a: 1\n");
	EQ(tk_check_keys(&x.r, NULL, &frame_ks), 0);
	EQ(tk_diag_errors(x.d), 0);
	fx_close(&x);
}

TK_TEST(get_keyset_find)
{
	OK(tk_keyset_find(&frame_ks, "color") == &frame_keys[1]);
	OK(tk_keyset_find(&frame_ks, "colour") == NULL);
	OK(tk_keyset_find(&frame_ks, "") == NULL);
}

TK_TEST(get_string_and_wrong_types)
{
	fixture x;
	fx_open(&x, "title: Barn trives\nlist: [a, b]\nmap: {a: 1}\n");
	const char *s = "unset";
	EQ(tk_get_string(&x.r, x.root, "title", &s), 1);
	STREQ(s, "Barn trives");
	s = "unset";
	EQ(tk_get_string(&x.r, x.root, "absent", &s), 0);
	STREQ(s, "unset"); /* absent: untouched, so callers preset defaults */
	EQ(tk_diag_errors(x.d), 0);
	EQ(tk_get_string(&x.r, x.root, "list", &s), -1);
	STREQ(fx_first(&x), "t.yaml:2:7: error: expected text, found a list");
	STREQ(s, "unset");
	fx_close(&x);

	fx_open(&x, "map: {a: 1}\n");
	EQ(tk_get_string(&x.r, x.root, "map", &s), -1);
	STREQ(fx_msg(&x), "t.yaml:1:6: error: expected text, found a mapping\n"
	                  "    1 | map: {a: 1}\n"
	                  "      |      ^\n");
	fx_close(&x);
}

TK_TEST(get_length_units_and_scale)
{
	fixture x;
	fx_open(&x, "a: 10mm\nb: 2in\nc: 0\nd: 12pt\n");
	double v = -1;
	EQ(tk_get_length(&x.r, x.root, "a", &v, -1, 0, 0), 1);
	NEAR(v, 10 * TK_MM, 1e-9);
	EQ(tk_get_length(&x.r, x.root, "b", &v, -1, 0, 0), 1);
	NEAR(v, 144, 1e-9);
	EQ(tk_get_length(&x.r, x.root, "c", &v, -1, 0, 0), 1);
	NEAR(v, 0, 0);
	v = 7;
	EQ(tk_get_length(&x.r, x.root, "absent", &v, -1, 0, 0), 0);
	NEAR(v, 7, 0);
	/* the reader's scale applies to designed lengths only */
	x.r.scale = 2;
	EQ(tk_get_length(&x.r, x.root, "d", &v, -1, 0, 1), 1);
	NEAR(v, 24, 1e-9);
	EQ(tk_get_length(&x.r, x.root, "d", &v, -1, 0, 0), 1);
	NEAR(v, 12, 1e-9);
	EQ(tk_diag_errors(x.d), 0);
	fx_close(&x);
}

TK_TEST(get_length_percentages)
{
	fixture x;
	fx_open(&x, "w: 50%\nn: -10%\n");
	double v = 0;
	x.r.scale = 3; /* a percentage of the (already scaled) base is not scaled again */
	EQ(tk_get_length(&x.r, x.root, "w", &v, 200, 0, 1), 1);
	NEAR(v, 100, 1e-9);
	EQ(tk_get_length(&x.r, x.root, "n", &v, 200, 1, 1), 1);
	NEAR(v, -20, 1e-9);
	EQ(tk_diag_errors(x.d), 0);
	EQ(tk_get_length(&x.r, x.root, "w", &v, -1, 0, 1), -1);
	STREQ(fx_first(&x), "t.yaml:1:4: error: a percentage is not allowed here ('50%')");
	fx_close(&x);
}

TK_TEST(get_length_errors)
{
	fixture x;
	fx_open(&x, "a: 12\nb: 3px\nc: -3mm\nd: 20000mm\ne: [1, 2]\nf: tre\n");
	double v = 5;
	EQ(tk_get_length(&x.r, x.root, "a", &v, -1, 0, 0), -1);
	EQ(tk_get_length(&x.r, x.root, "b", &v, -1, 0, 0), -1);
	EQ(tk_get_length(&x.r, x.root, "c", &v, -1, 0, 0), -1);
	EQ(tk_get_length(&x.r, x.root, "d", &v, -1, 0, 0), -1);
	EQ(tk_get_length(&x.r, x.root, "e", &v, -1, 0, 0), -1);
	EQ(tk_get_length(&x.r, x.root, "f", &v, -1, 0, 0), -1);
	NEAR(v, 5, 0); /* never written on error */
	const char *m = fx_msg(&x);
	OK(strstr(m, "t.yaml:1:4: error: length '12' needs a unit: 12mm, 12pt, 12cm or 12in\n"));
	OK(strstr(m, "t.yaml:2:4: error: unknown unit 'px' in '3px' (use mm, cm, pt or in)\n"));
	OK(strstr(m, "t.yaml:3:4: error: length '-3mm' must not be negative\n"));
	OK(strstr(m, "t.yaml:4:4: error: length '20000mm' is absurdly large (more than 10 m)\n"));
	OK(strstr(m, "t.yaml:5:4: error: expected a length like 12mm, found a list\n"));
	OK(strstr(m, "t.yaml:6:4: error: 'tre' is not a length (write it like 12mm, 10pt or "
	             "1.5cm)\n"));
	EQ(tk_diag_errors(x.d), 6);
	fx_close(&x);
}

TK_TEST(get_length_negative_allowed_and_absurd_after_scale)
{
	fixture x;
	fx_open(&x, "a: -3mm\nb: 6000mm\nc: -20000mm\n");
	double v = 0;
	EQ(tk_get_length(&x.r, x.root, "a", &v, -1, 1, 0), 1);
	NEAR(v, -3 * TK_MM, 1e-9);
	EQ(tk_get_length(&x.r, x.root, "b", &v, -1, 0, 1), 1);
	/* 6 m is allowed, but scaled by 2 it is 12 m: absurd */
	x.r.scale = 2;
	EQ(tk_get_length(&x.r, x.root, "b", &v, -1, 0, 1), -1);
	EQ(tk_get_length(&x.r, x.root, "c", &v, -1, 1, 0), -1);
	OK(strstr(fx_msg(&x), "t.yaml:3:4: error: length '-20000mm' is absurdly large"));
	fx_close(&x);
}

TK_TEST(get_node_length_on_list_items)
{
	fixture x;
	fx_open(&x, "- 1mm\n- 2mm\n- x\n");
	double v = 0;
	EQ(tk_node_length(&x.r, x.root->items[1], &v, -1, 0, 0), 1);
	NEAR(v, 2 * TK_MM, 1e-9);
	EQ(tk_node_length(&x.r, x.root->items[2], &v, -1, 0, 0), -1);
	STREQ(fx_first(&x), "t.yaml:3:3: error: 'x' is not a length (write it like 12mm, 10pt or "
	                    "1.5cm)");
	fx_close(&x);
}

TK_TEST(get_numbers_and_ints)
{
	fixture x;
	fx_open(&x, "columns: 3\ntracking: -25.5\nbad: tre\nbig: 30\nhalf: 2.5\nmap: {}\n"
	            "trail: 3x\n");
	double v = 0;
	int i = 0;
	EQ(tk_get_number(&x.r, x.root, "tracking", &v, -500, 2000), 1);
	NEAR(v, -25.5, 0);
	EQ(tk_get_int(&x.r, x.root, "columns", &i, 1, 20), 1);
	EQ(i, 3);
	EQ(tk_get_int(&x.r, x.root, "absent", &i, 1, 20), 0);
	EQ(i, 3);
	EQ(tk_diag_errors(x.d), 0);
	EQ(tk_get_number(&x.r, x.root, "bad", &v, 0, 10), -1);
	EQ(tk_get_number(&x.r, x.root, "big", &v, 1, 20), -1);
	EQ(tk_get_int(&x.r, x.root, "half", &i, 1, 20), -1);
	EQ(tk_get_number(&x.r, x.root, "map", &v, 1, 20), -1);
	EQ(tk_get_number(&x.r, x.root, "trail", &v, 1, 20), -1);
	EQ(i, 3);
	const char *m = fx_msg(&x);
	OK(strstr(m, "t.yaml:3:6: error: 'tre' is not a number\n"));
	OK(strstr(m, "t.yaml:4:6: error: big 30 is out of range (1 to 20)\n"));
	OK(strstr(m, "t.yaml:5:7: error: half must be a whole number\n"));
	OK(strstr(m, "t.yaml:6:6: error: expected a number, found a mapping\n"));
	OK(strstr(m, "t.yaml:7:8: error: '3x' is not a number\n"));
	EQ(tk_diag_errors(x.d), 5);
	fx_close(&x);
}

TK_TEST(get_booleans)
{
	fixture x;
	fx_open(&x, "a: true\nb: no\nc: On\nd: FALSE\ne: yes\nf: maybe\ng: 1\n");
	int v = -1;
	EQ(tk_get_bool(&x.r, x.root, "a", &v), 1);
	EQ(v, 1);
	EQ(tk_get_bool(&x.r, x.root, "b", &v), 1);
	EQ(v, 0);
	EQ(tk_get_bool(&x.r, x.root, "c", &v), 1);
	EQ(v, 1);
	EQ(tk_get_bool(&x.r, x.root, "d", &v), 1);
	EQ(v, 0);
	EQ(tk_get_bool(&x.r, x.root, "e", &v), 1);
	EQ(v, 1);
	EQ(tk_diag_errors(x.d), 0);
	EQ(tk_get_bool(&x.r, x.root, "f", &v), -1);
	EQ(v, 1);
	STREQ(fx_first(&x), "t.yaml:6:4: error: expected true or false, found 'maybe'");
	EQ(tk_get_bool(&x.r, x.root, "g", &v), -1);
	fx_close(&x);
}

TK_TEST(get_enums_with_suggestions)
{
	fixture x;
	fx_open(&x, "a: Center\nb: justified\nc: diagonal\nd: [left]\n");
	int v = -1;
	EQ(tk_get_enum(&x.r, x.root, "a", "left|right|center|justify", &v), 1);
	EQ(v, 2); /* case does not matter */
	EQ(tk_get_enum(&x.r, x.root, "absent", "left|right", &v), 0);
	EQ(v, 2);
	EQ(tk_get_enum(&x.r, x.root, "b", "left|right|center|justify", &v), -1);
	STREQ(fx_msg(&x), "t.yaml:2:4: error: b 'justified' is not one of "
	                  "left/right/center/justify (did you mean 'justify'?)\n"
	                  "    2 | b: justified\n"
	                  "      |    ^\n");
	EQ(tk_get_enum(&x.r, x.root, "c", "left|right|center|justify", &v), -1);
	OK(strstr(fx_msg(&x), "t.yaml:3:4: error: c 'diagonal' is not one of "
	                      "left/right/center/justify\n"));
	EQ(tk_get_enum(&x.r, x.root, "d", "left|right", &v), -1);
	OK(strstr(fx_msg(&x), "t.yaml:4:4: error: expected a name, found a list\n"));
	EQ(v, 2);
	fx_close(&x);
}

TK_TEST(get_cmyk_lists)
{
	fixture x;
	fx_open(&x, "a: [0, 60, 100, 0]\nb: [85%, 35%, 40%, 25%]\nc: [0, 0, 0, 100]\n"
	            "d: [0.5, 0, 0, 0]\n");
	tk_cmyk c = {9, 9, 9, 9};
	int none = 7;
	EQ(tk_get_color(&x.r, x.root, "a", &c, &none), 1);
	NEAR(c.c, 0, 1e-6);
	NEAR(c.m, 0.6, 1e-6);
	NEAR(c.y, 1, 1e-6);
	NEAR(c.k, 0, 1e-6);
	EQ(none, 0);
	EQ(tk_get_color(&x.r, x.root, "b", &c, NULL), 1);
	NEAR(c.c, 0.85, 1e-6);
	NEAR(c.k, 0.25, 1e-6);
	EQ(tk_get_color(&x.r, x.root, "c", &c, NULL), 1);
	NEAR(tk_cmyk_total_ink(c), 100, 1e-4);
	/* values are percentages: 0.5 is half a percent, not 50 % */
	EQ(tk_get_color(&x.r, x.root, "d", &c, NULL), 1);
	NEAR(c.c, 0.005, 1e-6);
	c = (tk_cmyk){9, 9, 9, 9};
	EQ(tk_get_color(&x.r, x.root, "absent", &c, NULL), 0);
	NEAR(c.c, 9, 0);
	EQ(tk_diag_errors(x.d), 0);
	fx_close(&x);
}

TK_TEST(get_cmyk_list_errors)
{
	fixture x;
	fx_open(&x, "a: [0, 100, 100]\nb: [0, 100, 140, 0]\nc: [0, -5, 0, 0]\n"
	            "d: [c, m, y, k]\ne: [0, [1], 0, 0]\nf: [0, 0, 0, 0, 0]\ng: []\n");
	tk_cmyk c = {9, 9, 9, 9};
	for (const char *k = "abcdefg"; *k; k++) {
		char key[2] = {*k, 0};
		EQ(tk_get_color(&x.r, x.root, key, &c, NULL), -1);
	}
	NEAR(c.c, 9, 0);
	const char *m = fx_msg(&x);
	OK(strstr(m, "t.yaml:1:4: error: a CMYK colour has 4 inks [C, M, Y, K] in percent, "
	             "found 3\n"));
	/* the caret goes under the bad ink, not the list */
	OK(strstr(m, "t.yaml:2:13: error: ink '140' must be a percentage from 0 to 100\n"));
	OK(strstr(m, "t.yaml:3:8: error: ink '-5' must be a percentage from 0 to 100\n"));
	OK(strstr(m, "t.yaml:4:5: error: ink 'c' must be a percentage from 0 to 100\n"));
	OK(strstr(m, "t.yaml:5:8: error: expected an ink percentage, found a list\n"));
	OK(strstr(m, "t.yaml:6:4: error: a CMYK colour has 4 inks [C, M, Y, K] in percent, "
	             "found 5\n"));
	OK(strstr(m, "t.yaml:7:4: error: a CMYK colour has 4 inks [C, M, Y, K] in percent, "
	             "found 0\n"));
	EQ(tk_diag_errors(x.d), 7);
	fx_close(&x);
}

TK_TEST(get_swatches_and_builtins)
{
	fixture x;
	fx_open(&x, "a: petrol\nb: rod\nc: black\nd: Paper\ne: none\nf: registration\n");
	tk_cmyk c;
	int none = 5;
	EQ(tk_get_color(&x.r, x.root, "a", &c, &none), 1);
	NEAR(c.c, 0.85, 1e-6);
	NEAR(c.k, 0.25, 1e-6);
	EQ(none, 0);
	EQ(tk_get_color(&x.r, x.root, "b", &c, NULL), 1);
	NEAR(c.m, 1, 0);
	EQ(tk_get_color(&x.r, x.root, "c", &c, NULL), 1);
	NEAR(c.k, 1, 0);
	EQ(tk_get_color(&x.r, x.root, "d", &c, NULL), 1);
	NEAR(tk_cmyk_total_ink(c), 0, 0);
	EQ(tk_get_color(&x.r, x.root, "e", &c, &none), 1);
	EQ(none, 1);
	EQ(tk_get_color(&x.r, x.root, "f", &c, &none), 1);
	EQ(none, 0);
	NEAR(tk_cmyk_total_ink(c), 400, 0);
	EQ(tk_diag_errors(x.d), 0);
	/* where 'none' makes no sense (a text colour), it is an error */
	EQ(tk_get_color(&x.r, x.root, "e", &c, NULL), -1);
	STREQ(fx_first(&x), "t.yaml:5:4: error: 'none' is not allowed here");
	fx_close(&x);
}

TK_TEST(get_swatch_beats_builtin)
{
	/* a layout may define its own "black" (a rich black) */
	static const char *names[] = {"black"};
	static const tk_cmyk rich[] = {{0.6f, 0.4f, 0.4f, 1}};
	fixture x;
	fx_open(&x, "a: black\n");
	x.r.n_swatches = 1;
	x.r.swatch_names = names;
	x.r.swatches = rich;
	tk_cmyk c;
	EQ(tk_get_color(&x.r, x.root, "a", &c, NULL), 1);
	NEAR(c.c, 0.6, 1e-6);
	fx_close(&x);
}

TK_TEST(get_unknown_swatch_with_suggestion)
{
	fixture x;
	fx_open(&x, "a: petrool\nb: blakc\nc: turkis\nd: {c: 1}\n");
	tk_cmyk c;
	EQ(tk_get_color(&x.r, x.root, "a", &c, NULL), -1);
	EQ(tk_get_color(&x.r, x.root, "b", &c, NULL), -1);
	EQ(tk_get_color(&x.r, x.root, "c", &c, NULL), -1);
	EQ(tk_get_color(&x.r, x.root, "d", &c, NULL), -1);
	const char *m = fx_msg(&x);
	OK(strstr(m, "t.yaml:1:4: error: unknown colour or swatch 'petrool' (did you mean "
	             "'petrol'?)\n"));
	OK(strstr(m, "t.yaml:2:4: error: unknown colour or swatch 'blakc' (did you mean "
	             "'black'?)\n"));
	OK(strstr(m, "t.yaml:3:4: error: unknown colour or swatch 'turkis'\n"));
	OK(strstr(m, "t.yaml:4:4: error: expected a colour (a swatch name or [C, M, Y, K]), found "
	             "a mapping\n"));
	fx_close(&x);
}

TK_TEST(get_rgb_colour_rejected_with_cmyk_hint)
{
	fixture x;
	fx_open(&x, "a: \"#ff0000\"\nb: rgb(255, 0, 0)\nc: RGB(0,0,0)\n");
	tk_cmyk c;
	EQ(tk_get_color(&x.r, x.root, "a", &c, NULL), -1);
	EQ(tk_get_color(&x.r, x.root, "b", &c, NULL), -1);
	EQ(tk_get_color(&x.r, x.root, "c", &c, NULL), -1);
	STREQ(fx_first(&x), "t.yaml:1:4: error: '#ff0000' is an RGB colour; print colours are "
	                    "CMYK: write [C, M, Y, K] in percent or name a swatch");
	const char *m = fx_msg(&x);
	OK(strstr(m, "t.yaml:2:4: error: 'rgb(255, 0, 0)' is an RGB colour; print colours are "
	             "CMYK"));
	OK(strstr(m, "t.yaml:3:4: error: 'RGB(0,0,0)' is an RGB colour"));
	EQ(tk_diag_errors(x.d), 3);
	fx_close(&x);
}

TK_TEST(get_node_color_and_bool_on_items)
{
	fixture x;
	fx_open(&x, "- [0, 0, 0, 50]\n- sand\n- true\n");
	tk_cmyk c;
	int b = 0;
	EQ(tk_node_color(&x.r, x.root->items[0], &c, NULL), 1);
	NEAR(c.k, 0.5, 1e-6);
	EQ(tk_node_color(&x.r, x.root->items[1], &c, NULL), 1);
	NEAR(c.y, 0.25, 1e-6);
	EQ(tk_node_bool(&x.r, x.root->items[2], &b), 1);
	EQ(b, 1);
	const char *s = NULL;
	EQ(tk_node_string(&x.r, x.root->items[1], &s), 1);
	STREQ(s, "sand");
	EQ(tk_node_string(&x.r, x.root->items[0], &s), -1);
	fx_close(&x);
}

#ifdef TK_KNOWN_BUGS
/* units.h documents "cmyk(0 60 100 0)" as a colour, but tk_node_color does not
 * read it: "unknown colour or swatch 'cmyk(0 60 100 0)'". */

TK_TEST(get_cmyk_function_form)
{
	fixture x;
	fx_open(&x, "a: cmyk(0 60 100 0)\n");
	tk_cmyk c = {9, 9, 9, 9};
	EQ(tk_get_color(&x.r, x.root, "a", &c, NULL), 1);
	NEAR(c.m, 0.6, 1e-6);
	NEAR(c.y, 1, 1e-6);
	EQ(tk_diag_errors(x.d), 0);
	fx_close(&x);
}
#endif

TK_TEST(content_csv_byte_order_mark_is_skipped)
{
	char path[] = "/tmp/trykk-test-XXXXXX.csv";
	int fd = mkstemps(path, 4);
	OK(fd >= 0);
	if (fd < 0)
		return;
	static const char csv[] = "\xEF\xBB\xBFname,title\nKari Nordmann,R\xC3\xA5" "dgiver\n";
	OK(write(fd, csv, sizeof csv - 1) == (ssize_t)(sizeof csv - 1));
	close(fd);
	char yaml[128];
	snprintf(yaml, sizeof yaml, "layout: x\nrecords-csv: %s\n", path);
	fixture x;
	fx_open(&x, yaml);
	tk_content *c = tk_content_load(&x.r, x.root, "t.yaml");
	OK(c != NULL);
	if (c) {
		EQ(c->n_records, 1);
		OK(c->n_records == 1 && tk_record_field(&c->records[0], "name") != NULL);
	}
	fx_close(&x);
	unlink(path);
}

#ifdef TK_KNOWN_BUGS
#include "model/model.h"

#include <unistd.h>

/* content.c's load_csv skips a byte order mark with memcmp(buf, "ï»¿", 3): the
 * literal is the mojibake of the BOM (bytes C3 AF C2 ...), so the real BOM
 * (EF BB BF) that spreadsheet programs write stays in the first column name, and
 * every record then lacks 'name'. It should compare with "\xEF\xBB\xBF". */

/* A cell with text after its closing quote ("Kari" Nordmann,Leder) ends the row
 * there: the rest of the line becomes a record of its own (" Nordmann", "Leder"),
 * so a staff list silently gets a card too many. It should be an error at the
 * text after the quote (or the text should join the cell). */

TK_TEST(content_csv_text_after_closing_quote)
{
	char path[] = "/tmp/trykk-test-XXXXXX.csv";
	int fd = mkstemps(path, 4);
	OK(fd >= 0);
	if (fd < 0)
		return;
	static const char csv[] = "name,title\n\"Kari\" Nordmann,Leder\nOla,Leder\n";
	OK(write(fd, csv, sizeof csv - 1) == (ssize_t)(sizeof csv - 1));
	close(fd);
	char yaml[128];
	snprintf(yaml, sizeof yaml, "layout: x\nrecords-csv: %s\n", path);
	fixture x;
	fx_open(&x, yaml);
	tk_content *c = tk_content_load(&x.r, x.root, "t.yaml");
	/* two people, or an error; never three records */
	OK(c == NULL || c->n_records == 2);
	fx_close(&x);
	unlink(path);
}

/* A block scalar's text starts on the next line at its indentation, but
 * tk_content_load sets the field's column to 1 (and markdown.c sets column 1 for
 * every later paragraph), so carets in "text overflows" and "cannot read image"
 * messages sit at the start of the line instead of under the text (see
 * tests/errors/cases/text-overflow.expected, line 21: caret under column 1 of
 * "    Ni."). */

TK_TEST(content_block_text_column)
{
	fixture x;
	fx_open(&x, "layout: x\nfields:\n  tekst: |\n    Hei\n\n    Hallo\n");
	tk_content *c = tk_content_load(&x.r, x.root, "t.yaml");
	OK(c != NULL);
	const tk_field *f = c ? tk_content_field(c, "tekst") : NULL;
	OK(f != NULL);
	if (f) {
		EQ(f->loc.line, 4);
		EQ(f->loc.col, 5);
	}
	fx_close(&x);
}
#endif

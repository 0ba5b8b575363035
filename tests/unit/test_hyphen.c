/* test_hyphen.c - Norwegian hyphenation (text/hyphen.c): soft hyphens where
 * libhyphen's hyph_nb_NO patterns allow a break, checked against the dictionary
 * itself; short words, names with inner capitals, acronyms and words with digits
 * left whole; offsets in `ins` pointing into the original UTF-8 text. */
#include "unit.h"

#include "img/cache.h"
#include "text/text.h"

#include <hyphen.h>
#include <stdlib.h>
#include <string.h>

/* tk_hyphenate's output with each soft hyphen shown as '|'. */
static const char *marked(tk_hyph *h, tk_arena *a, const char *lang, const char *text,
                          int **ins, int *n)
{
	int len = 0;
	char *out = tk_hyphenate(h, a, lang, text, (int)strlen(text), &len, ins, n);
	char *m = tk_arena_alloc(a, (size_t)len + 1);
	int k = 0;
	for (int i = 0; i < len; i++) {
		if ((unsigned char)out[i] == 0xC2 && i + 1 < len && (unsigned char)out[i + 1] == 0xAD) {
			m[k++] = '|';
			i++;
		} else {
			m[k++] = out[i];
		}
	}
	m[k] = 0;
	return m;
}

TK_TEST(hyphen_norwegian_words)
{
	tk_arena *a = tk_arena_new();
	tk_hyph *h = tk_hyph_new();
	int *ins, n;
	STREQ(marked(h, a, "nb", "barnehageansatte", &ins, &n), "barnehage|ansatte");
	EQ(n, 1);
	EQ(ins[0], 9);
	STREQ(marked(h, a, "nb", "kommunalsjefen", &ins, &n), "kom|munal|sje|fen");
	EQ(n, 3);
	if (n == 3) {
		EQ(ins[0], 3);
		EQ(ins[1], 8);
		EQ(ins[2], 11);
	}
	STREQ(marked(h, a, "nb", "handlingsveileder", &ins, &n), "hand|lings|vei|le|der");
	EQ(n, 4);
	/* a capital first letter is a word at the start of a sentence, and breaks */
	STREQ(marked(h, a, "nb", "Barnehageansatte", &ins, &n), "Barnehage|ansatte");
	tk_hyph_free(h);
	tk_arena_free(a);
}

TK_TEST(hyphen_offsets_are_utf8_bytes_of_the_original)
{
	tk_arena *a = tk_arena_new();
	tk_hyph *h = tk_hyph_new();
	int *ins, n;
	/* æ, ø, å are two bytes each; « too */
	STREQ(marked(h, a, "nb", "Blåbærsyltetøy", &ins, &n), "Blå|bærsyl|te|tøy");
	EQ(n, 3);
	if (n == 3) {
		EQ(ins[0], 4); /* after "Blå" */
		EQ(ins[1], 11);
		EQ(ins[2], 13);
	}
	const char *t = "Horten kommune: «barnehageansatte» og kommunalsjefen.";
	STREQ(marked(h, a, "nb", t, &ins, &n),
	      "Hor|ten kom|mune: «barnehage|ansatte» og kom|munal|sje|fen.");
	EQ(n, 6);
	/* every offset is where the break is in t, sorted */
	for (int i = 0; i < n; i++) {
		OK(ins[i] > 0 && ins[i] < (int)strlen(t));
		if (i)
			OK(ins[i] > ins[i - 1]);
	}
	if (n == 6) {
		OK(strncmp(t + ins[2], "ansatte»", 9) == 0);
		OK(strncmp(t + ins[3], "munal", 5) == 0);
	}
	tk_hyph_free(h);
	tk_arena_free(a);
}

TK_TEST(hyphen_words_left_alone)
{
	tk_arena *a = tk_arena_new();
	tk_hyph *h = tk_hyph_new();
	int *ins, n;
	static const char *whole[] = {
		"huset",            /* fewer than 6 letters */
		"KoRus",            /* inner capitals: a name */
		"KoRusSørnettverk", /* even when long */
		"BARNEHAGEANSATTE", /* an acronym or a shout */
		"barnehageansatte2020",
		"2020barnehageansatte",
		"e-post",
		"",
	};
	for (size_t i = 0; i < sizeof whole / sizeof whole[0]; i++) {
		STREQ(marked(h, a, "nb", whole[i], &ins, &n), whole[i]);
		EQ(n, 0);
	}
	/* a word longer than the dictionary takes is left whole, not cut */
	char longw[301];
	for (int i = 0; i < 300; i++)
		longw[i] = "barnehage"[i % 9];
	longw[300] = 0;
	STREQ(marked(h, a, "nb", longw, &ins, &n), longw);
	EQ(n, 0);
	tk_hyph_free(h);
	tk_arena_free(a);
}

TK_TEST(hyphen_other_languages_unchanged)
{
	tk_arena *a = tk_arena_new();
	tk_hyph *h = tk_hyph_new();
	int len = -1, *ins = (int *)1, n = -1;
	const char *t = "barnehageansatte";
	char *out = tk_hyphenate(h, a, "en", t, (int)strlen(t), &len, &ins, &n);
	OK(out == t); /* the same text, no copy */
	EQ(len, (int)strlen(t));
	EQ(n, 0);
	OK(ins == NULL);
	out = tk_hyphenate(h, a, NULL, t, (int)strlen(t), &len, &ins, &n);
	OK(out == t);
	EQ(n, 0);
	/* nynorsk has its own dictionary */
	STREQ(marked(h, a, "nn", "kommunalsjefen", &ins, &n), "kom|munal|sje|fen");
	tk_hyph_free(h);
	tk_hyph_free(NULL);
	tk_arena_free(a);
}

/* Breaks libhyphen itself allows in a lower-case ASCII word, at the minimums
 * hyphen.c uses (3 letters each side): a '|' string like marked() gives. */
static const char *oracle(HyphenDict *d, tk_arena *a, const char *w)
{
	int n = (int)strlen(w);
	char hy[256] = {0}, hw[512];
	char **rep = NULL;
	int *pos = NULL, *cut = NULL;
	hnj_hyphen_hyphenate3(d, w, n, hy, hw, &rep, &pos, &cut, 3, 3, 3, 3);
	char *m = tk_arena_alloc(a, (size_t)n * 2 + 1);
	int k = 0;
	for (int i = 0; i < n; i++) {
		m[k++] = w[i];
		if ((hy[i] & 1) && i >= 2 && i < n - 3 && !(rep && rep[i]))
			m[k++] = '|';
	}
	m[k] = 0;
	if (rep) {
		for (int i = 0; i < n; i++)
			free(rep[i]);
		free(rep);
		free(pos);
		free(cut);
	}
	return m;
}

TK_TEST(hyphen_agrees_with_libhyphen)
{
	HyphenDict *d = hnj_hyphen_load("/usr/share/hyphen/hyph_nb_NO.dic");
	OK(d != NULL);
	if (!d)
		return;
	tk_arena *a = tk_arena_new();
	tk_hyph *h = tk_hyph_new();
	static const char *words[] = {
		"barnehageansatte", "kommunalsjefen", "handlingsveileder", "rusmiddelpolitikk",
		"forebyggende",     "samarbeidet",    "implementere",      "prosjektarbeidet",
		"helsestasjonen",   "foreldremøte",   "ungdomsskolen",     "kommuneoverlegen",
	};
	int *ins, n;
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		if (strchr(words[i], '\xC3'))
			continue; /* the oracle takes ASCII only */
		STREQ(marked(h, a, "nb", words[i], &ins, &n), oracle(d, a, words[i]));
	}
	hnj_hyphen_free(d);
	tk_hyph_free(h);
	tk_arena_free(a);
}

/* The parsed patterns kept in the build cache (hyphen.c: dumped and read back)
 * hyphenate exactly as the patterns parsed from the file: every word of a text
 * long enough to reach most of the machine, in both languages. */
TK_TEST(hyphen_patterns_from_the_cache)
{
	static const char *text =
	    "Barnehageansatte, helsesykepleiere og lærere i kommunehelsetjenesten møter "
	    "barn som lever med foreldre som drikker for mye. Rusforebyggende "
	    "koordinatorer, skolehelsetjenesten, familieveiledningen og "
	    "barnevernstjenesten samarbeider om oppfølgingen; veilederen forklarer "
	    "bekymringsmeldinger, taushetsplikt, opplysningsplikt og samtaleverktøy. "
	    "Ungdomskontakten, fritidsklubbene og idrettslagene i nærmiljøet hjelper "
	    "også. Nynorskbrukarar skriv «kommunehelsetenesta» og «barnevernstenesta».";
	char dir[] = "/tmp/trykk-unit-hyphen-XXXXXX";
	OK(mkdtemp(dir) != NULL);
	unsetenv("TRYKK_CACHE");
	const char *langs[2] = {"nb", "nn"};
	const char *first[2] = {NULL, NULL};
	for (int round = 0; round < 2; round++) {
		tk_arena *a = tk_arena_new();
		tk_pixcache *pc = tk_pixcache_new(a, dir, NULL);
		OK(pc != NULL);
		tk_hyph *h = tk_hyph_new();
		tk_hyph_set_cache(h, pc);
		for (int l = 0; l < 2; l++) {
			int *ins, n;
			const char *m = marked(h, a, langs[l], text, &ins, &n);
			OK(n > 20);
			if (round == 0)
				first[l] = strdup(m);
			else
				STREQ(m, first[l]);
		}
		tk_pixcache_flush(pc); /* round 0 writes the dumps, round 1 reads them */
		tk_pixcache_free(pc);
		tk_hyph_free(h);
		tk_arena_free(a);
	}
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	OK(system(cmd) == 0);
	free((void *)first[0]);
	free((void *)first[1]);
}

/* hyphen.c - Norwegian hyphenation with libhyphen and Debian's hyphen-no patterns.
 *
 * The patterns are ISO-8859-1, so each word is converted to Latin-1 (Norwegian
 * letters all fit), hyphenated, and the break points are mapped back to UTF-8 byte
 * offsets where soft hyphens are inserted. Pango then breaks at them and draws the
 * hyphen. Words shorter than 6 letters, words with capitals inside (names, acronyms
 * like KoRus) and words with digits are left whole, as a careful typesetter would. */
#include "text.h"

#include <hyphen.h>
#include <stdlib.h>
#include <string.h>

#define HYPH_DIR "/usr/share/hyphen/"

struct tk_hyph {
	HyphenDict *nb, *nn;
	int tried_nb, tried_nn;
};

tk_hyph *tk_hyph_new(void)
{
	return tk_xcalloc(1, sizeof(tk_hyph));
}

void tk_hyph_free(tk_hyph *h)
{
	if (!h)
		return;
	if (h->nb)
		hnj_hyphen_free(h->nb);
	if (h->nn)
		hnj_hyphen_free(h->nn);
	free(h);
}

static HyphenDict *dict_for(tk_hyph *h, const char *lang)
{
	if (strcmp(lang, "nb") == 0) {
		if (!h->tried_nb) {
			h->tried_nb = 1;
			h->nb = hnj_hyphen_load(HYPH_DIR "hyph_nb_NO.dic");
		}
		return h->nb;
	}
	if (strcmp(lang, "nn") == 0) {
		if (!h->tried_nn) {
			h->tried_nn = 1;
			h->nn = hnj_hyphen_load(HYPH_DIR "hyph_nn_NO.dic");
		}
		return h->nn;
	}
	return NULL;
}

/* Decodes one UTF-8 letter that Latin-1 can hold; returns its byte length, or 0 when
 * it is not a letter we hyphenate. */
static int letter(const unsigned char *s, int n, unsigned char *latin1, int *upper)
{
	if (s[0] < 0x80) {
		unsigned char c = s[0];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
			*upper = c <= 'Z';
			*latin1 = (unsigned char)(c | 0x20);
			return 1;
		}
		return 0;
	}
	if (n >= 2 && s[0] == 0xC3 && (s[1] & 0xC0) == 0x80) {
		unsigned char c = (unsigned char)(0xC0 | (s[1] & 0x3F));
		if (c == 0xD7 || c == 0xF7)
			return 0; /* × ÷ */
		*upper = c < 0xE0 && c != 0xDF;
		*latin1 = *upper ? (unsigned char)(c + 0x20) : c;
		return 2;
	}
	return 0;
}

char *tk_hyphenate(tk_hyph *h, tk_arena *a, const char *lang, const char *text, int len,
                   int *out_len, int **ins, int *n_ins)
{
	*n_ins = 0;
	*ins = NULL;
	HyphenDict *d = lang ? dict_for(h, lang) : NULL;
	if (!d) {
		*out_len = len;
		return (char *)text;
	}
	/* Worst case a soft hyphen (2 bytes) after every byte. */
	char *out = tk_arena_alloc(a, (size_t)len * 3 + 4);
	int *pos = tk_arena_alloc(a, sizeof(int) * (size_t)(len + 2));
	const unsigned char *s = (const unsigned char *)text;
	int o = 0, i = 0;
	while (i < len) {
		/* Collect a word: its Latin-1 letters and each letter's byte offset. */
		unsigned char word[128];
		int off[129], nw = 0, caps = 0, firstcap = 0, j = i;
		while (j < len) {
			int up = 0, k = letter(s + j, len - j, &word[nw < 127 ? nw : 127], &up);
			if (!k)
				break;
			if (up) {
				if (nw == 0)
					firstcap = 1;
				else
					caps = 1;
			}
			if (nw < 127)
				off[nw] = j;
			nw++;
			j += k;
		}
		(void)firstcap;
		if (nw == 0) {
			out[o++] = (char)s[i++];
			continue;
		}
		int next_is_digit = j < len && s[j] >= '0' && s[j] <= '9';
		int prev_is_digit = i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9';
		if (nw >= 6 && nw < 127 && !caps && !next_is_digit && !prev_is_digit) {
			char hy[132];
			char hw[300];
			char **rep = NULL;
			int *rpos = NULL, *cut = NULL;
			memset(hy, 0, sizeof hy);
			word[nw] = 0;
			if (hnj_hyphen_hyphenate3(d, (const char *)word, nw, hy, hw, &rep, &rpos, &cut,
			                          3, 3, 3, 3) == 0) {
				for (int k = 0; k < nw; k++) {
					int end = k + 1 < nw ? off[k + 1] : j;
					memcpy(out + o, s + off[k], (size_t)(end - off[k]));
					o += end - off[k];
					/* Odd: a break after letter k (never before the last 3). */
					if ((hy[k] & 1) && k >= 2 && k < nw - 3 && !(rep && rep[k])) {
						out[o++] = (char)0xC2;
						out[o++] = (char)0xAD;
						pos[(*n_ins)++] = end;
					}
				}
			} else {
				memcpy(out + o, s + i, (size_t)(j - i));
				o += j - i;
			}
			if (rep) {
				for (int k = 0; k < nw; k++)
					free(rep[k]);
				free(rep);
				free(rpos);
				free(cut);
			}
		} else {
			memcpy(out + o, s + i, (size_t)(j - i));
			o += j - i;
		}
		i = j;
	}
	out[o] = 0;
	*out_len = o;
	*ins = pos;
	return out;
}

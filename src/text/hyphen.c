/* hyphen.c - Norwegian hyphenation with libhyphen and Debian's hyphen-no patterns.
 *
 * The patterns are ISO-8859-1, so each word is converted to Latin-1 (Norwegian
 * letters all fit), hyphenated, and the break points are mapped back to UTF-8 byte
 * offsets where soft hyphens are inserted. Pango then breaks at them and draws the
 * hyphen. Words shorter than 6 letters, words with capitals inside (names, acronyms
 * like KoRus) and words with digits are left whole, as a careful typesetter would. */
#define _GNU_SOURCE /* dladdr */
#include "text.h"

#include "../img/cache.h"

#include <dlfcn.h>
#include <hyphen.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HYPH_DIR "/usr/share/hyphen/"

struct tk_hyph {
	HyphenDict *nb, *nn;
	int tried_nb, tried_nn;
	struct tk_pixcache *cache;  /* the build's, for the parsed patterns */
};

tk_hyph *tk_hyph_new(void)
{
	return tk_xcalloc(1, sizeof(tk_hyph));
}

void tk_hyph_set_cache(tk_hyph *h, struct tk_pixcache *pc)
{
	h->cache = pc;
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

/* ---- parsed patterns kept between builds ------------------------------------
 *
 * libhyphen parses a pattern file into a state machine each time it loads one:
 * for the Norwegian patterns some 84 million instructions, a sixth of a booklet's
 * build. The machine (hyphen.h's structures, which libhyphen frees with free())
 * is kept in the build's cache, dumped as plain data, under a key made of the
 * pattern file and libhyphen's library file (their identity, tk_file_id) and
 * trykk's build. A dump that does not read back whole is ignored. */

static void put32(tk_buf *b, uint32_t v)
{
	char c[4] = {(char)v, (char)(v >> 8), (char)(v >> 16), (char)(v >> 24)};
	tk_buf_add(b, c, 4);
}

static void put_str(tk_buf *b, const char *s)
{
	put32(b, s ? (uint32_t)strlen(s) + 1 : 0);
	if (s)
		tk_buf_add(b, s, strlen(s) + 1);
}

static void dump(tk_buf *b, const HyphenDict *d)
{
	for (; d; d = d->nextlevel) {
		put32(b, 1); /* a level follows */
		char opts[4] = {d->lhmin, d->rhmin, d->clhmin, d->crhmin};
		tk_buf_add(b, opts, 4);
		/* nohyphen holds nohyphenl + 1 strings one after the other, each ending
		 * in a NUL (libhyphen cut its NOHYPHEN line at the commas, counting them in
		 * nohyphenl, and walks the pieces with strlen) */
		size_t nl = 0;
		for (int k = 0; d->nohyphen && k <= d->nohyphenl; k++)
			nl += strlen(d->nohyphen + nl) + 1;
		put32(b, (uint32_t)nl);
		if (nl)
			tk_buf_add(b, d->nohyphen, nl);
		put32(b, (uint32_t)d->nohyphenl);
		put32(b, (uint32_t)d->utf8);
		/* the name and zeros (libhyphen leaves the bytes past its NUL unset) */
		char cset[MAX_NAME] = {0};
		memcpy(cset, d->cset, strnlen(d->cset, MAX_NAME - 1));
		tk_buf_add(b, cset, MAX_NAME);
		put32(b, (uint32_t)d->num_states);
		for (int i = 0; i < d->num_states; i++) {
			const HyphenState *st = &d->states[i];
			put_str(b, st->match);
			put_str(b, st->repl);
			/* set only for states with a replacement (libhyphen leaves them
			 * unset otherwise, and never reads them then) */
			char rc[2] = {st->repl ? (char)st->replindex : 0, st->repl ? (char)st->replcut : 0};
			tk_buf_add(b, rc, 2);
			put32(b, (uint32_t)st->fallback_state);
			put32(b, (uint32_t)st->num_trans);
			for (int k = 0; k < st->num_trans; k++) {
				tk_buf_add(b, &st->trans[k].ch, 1);
				put32(b, (uint32_t)st->trans[k].new_state);
			}
		}
	}
	put32(b, 0);
}

typedef struct reader {
	const unsigned char *p, *end;
	int bad;
} reader;

static uint32_t get32(reader *r)
{
	if (r->end - r->p < 4) {
		r->bad = 1;
		return 0;
	}
	uint32_t v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
	             (uint32_t)r->p[3] << 24;
	r->p += 4;
	return v;
}

static void get_bytes(reader *r, void *out, size_t n)
{
	if ((size_t)(r->end - r->p) < n) {
		r->bad = 1;
		memset(out, 0, n);
		return;
	}
	memcpy(out, r->p, n);
	r->p += n;
}

/* A block of n bytes ending in a NUL (one string, or several one after the
 * other), malloc'd; *len is n. NULL for an empty block. */
static char *get_str_len(reader *r, uint32_t *len)
{
	uint32_t n = get32(r);
	*len = n;
	if (n == 0 || r->bad)
		return NULL;
	if ((size_t)(r->end - r->p) < n || r->p[n - 1] != 0) {
		r->bad = 1;
		return NULL;
	}
	char *s = malloc(n);
	if (!s) {
		r->bad = 1;
		return NULL;
	}
	memcpy(s, r->p, n);
	r->p += n;
	return s;
}

static char *get_str(reader *r)
{
	uint32_t n;
	return get_str_len(r, &n);
}

/* Reads a dump back into structures libhyphen can use and free; NULL when it is
 * not whole. */
static HyphenDict *undump(const unsigned char *data, size_t len)
{
	reader r = {data, data + len, 0};
	HyphenDict *first = NULL, **link = &first;
	while (!r.bad && get32(&r) == 1) {
		HyphenDict *d = calloc(1, sizeof *d);
		if (!d)
			break;
		*link = d;
		link = &d->nextlevel;
		char opts[4];
		get_bytes(&r, opts, 4);
		d->lhmin = opts[0];
		d->rhmin = opts[1];
		d->clhmin = opts[2];
		d->crhmin = opts[3];
		uint32_t nlen = 0;
		d->nohyphen = get_str_len(&r, &nlen);
		d->nohyphenl = (int)get32(&r);
		/* nohyphenl + 1 strings, each ending inside the block */
		size_t at = 0;
		for (int k = 0; d->nohyphen && k <= d->nohyphenl && !r.bad; k++) {
			if (at >= nlen)
				r.bad = 1;
			else
				at += strnlen(d->nohyphen + at, nlen - at) + 1;
		}
		if (at > nlen || (!d->nohyphen && d->nohyphenl > 0))
			r.bad = 1;
		d->utf8 = (int)get32(&r);
		get_bytes(&r, d->cset, MAX_NAME);
		uint32_t ns = get32(&r);
		if (r.bad || ns > len) {
			r.bad = 1;
			break;
		}
		d->states = calloc(ns ? ns : 1, sizeof *d->states);
		if (!d->states) {
			r.bad = 1;
			break;
		}
		d->num_states = (int)ns;
		for (uint32_t i = 0; i < ns && !r.bad; i++) {
			HyphenState *st = &d->states[i];
			st->match = get_str(&r);
			st->repl = get_str(&r);
			char rc[2];
			get_bytes(&r, rc, 2);
			st->replindex = (signed char)rc[0];
			st->replcut = (signed char)rc[1];
			st->fallback_state = (int)get32(&r);
			uint32_t nt = get32(&r);
			if (r.bad || nt > len || st->fallback_state < -1 ||
			    st->fallback_state >= (int)ns) {
				r.bad = 1;
				break;
			}
			st->num_trans = (int)nt;
			st->trans = nt ? malloc(nt * sizeof *st->trans) : NULL;
			if (nt && !st->trans) {
				r.bad = 1;
				break;
			}
			for (uint32_t k = 0; k < nt && !r.bad; k++) {
				get_bytes(&r, &st->trans[k].ch, 1);
				st->trans[k].new_state = (int)get32(&r);
				if (st->trans[k].new_state < 0 || st->trans[k].new_state >= (int)ns)
					r.bad = 1;
			}
		}
	}
	if (r.bad || r.p != r.end || !first) {
		if (first)
			hnj_hyphen_free(first);
		return NULL;
	}
	return first;
}

static HyphenDict *load(tk_hyph *h, const char *path)
{
	unsigned char key[TK_PIXCACHE_KEY], ids[2 * TK_FILE_ID];
	Dl_info info;
	int have = tk_file_id(path, ids) == 0;
	union {
		HyphenDict *(*fn)(const char *);
		void *p;
	} lib = {hnj_hyphen_load}; /* where libhyphen's code is: its library file */
	have = have && dladdr(lib.p, &info) && tk_file_id(info.dli_fname, ids + TK_FILE_ID) == 0;
	const void *parts[2] = {path, ids};
	size_t lens[2] = {strlen(path), sizeof ids};
	int keyed = h->cache && have &&
	            tk_pixcache_key_of(h->cache, "hyphenation patterns", parts, lens, 2, key) == 0;
	if (keyed) {
		size_t len = 0;
		unsigned char *data = tk_pixcache_blob_get(h->cache, key, &len);
		HyphenDict *d = data ? undump(data, len) : NULL;
		free(data);
		if (d)
			return d;
	}
	HyphenDict *d = hnj_hyphen_load(path);
	if (d && keyed) {
		tk_buf b = {NULL, 0, 0};
		dump(&b, d);
		if (b.s)
			tk_pixcache_blob_put(h->cache, key, b.s, b.len);
		free(b.s);
	}
	return d;
}

static HyphenDict *dict_for(tk_hyph *h, const char *lang)
{
	if (strcmp(lang, "nb") == 0) {
		if (!h->tried_nb) {
			h->tried_nb = 1;
			h->nb = load(h, HYPH_DIR "hyph_nb_NO.dic");
		}
		return h->nb;
	}
	if (strcmp(lang, "nn") == 0) {
		if (!h->tried_nn) {
			h->tried_nn = 1;
			h->nn = load(h, HYPH_DIR "hyph_nn_NO.dic");
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

/* diag.c - the one place trykk prints errors and warnings. A message gets a
 * "file:line:col: severity:" prefix like a compiler's, and when the file's text was
 * registered, the offending source line with a caret under the column. Input text
 * is hostile as far as the terminal is concerned: control characters, invalid UTF-8
 * and bidi overrides in messages and quoted lines are shown as '?'. Output is plain
 * text (no colour) so tests can compare it byte for byte. */
#include "diag.h"

#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Quoted lines longer than this are clipped to a window around the caret. */
#define QUOTE_MAX 200

typedef struct source {
	char *file;
	char *text;
	size_t len;
	size_t *lines; /* start offset of each line, built on first use */
	size_t n_lines;
} source;

struct tk_diag {
	FILE *out;
	tk_severity level;
	int max_errors;
	int errors, warnings;
	int shown_errors;
	int stopped;
	source *src;
	int n_src, src_cap;
	char *context;
};

tk_diag *tk_diag_new(FILE *out)
{
	tk_diag *d = tk_xcalloc(1, sizeof *d);
	d->out = out ? out : stderr;
	d->level = TK_WARNING;
	d->max_errors = 50;
	return d;
}

void tk_diag_free(tk_diag *d)
{
	if (!d)
		return;
	for (int i = 0; i < d->n_src; i++) {
		free(d->src[i].file);
		free(d->src[i].text);
		free(d->src[i].lines);
	}
	free(d->src);
	free(d->context);
	free(d);
}

void tk_diag_set_level(tk_diag *d, tk_severity min)
{
	d->level = min;
}

/* n <= 0 means no limit. */
void tk_diag_set_max_errors(tk_diag *d, int n)
{
	d->max_errors = n;
}

int tk_diag_errors(const tk_diag *d)
{
	return d ? d->errors : 0;
}

int tk_diag_warnings(const tk_diag *d)
{
	return d ? d->warnings : 0;
}

void tk_diag_add_source(tk_diag *d, const char *file, const char *text, size_t len)
{
	if (!d || !file)
		return;
	source *s = NULL;
	/* A file loaded twice keeps one entry, with the newest text. */
	for (int i = 0; i < d->n_src; i++) {
		if (strcmp(d->src[i].file, file) == 0) {
			s = &d->src[i];
			free(s->text);
			free(s->lines);
			break;
		}
	}
	if (!s) {
		if (d->n_src == d->src_cap) {
			d->src_cap = d->src_cap ? d->src_cap * 2 : 8;
			d->src = tk_xrealloc(d->src, (size_t)d->src_cap * sizeof *d->src);
		}
		s = &d->src[d->n_src++];
		s->file = tk_xstrdup(file);
	}
	s->text = tk_xmalloc(len + 1);
	if (len)
		memcpy(s->text, text, len);
	s->text[len] = 0;
	s->len = len;
	s->lines = NULL;
	s->n_lines = 0;
}

/* Length of the valid UTF-8 sequence at p (at most n bytes), or 0 when the bytes
 * there are not one (overlong forms, surrogates and values past U+10FFFF count as
 * invalid, as they do for libyaml). *cp receives the code point. */
static size_t utf8_seq(const unsigned char *p, size_t n, uint32_t *cp)
{
	unsigned char c = p[0];
	size_t len;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		len = 2, v = c & 0x1F, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3, v = c & 0x0F, min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (p[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return len;
}

/* Characters that must not reach a terminal as they are: controls (C0, DEL, C1),
 * line and paragraph separators, the byte order mark, and the bidi controls that
 * can make a line display as something other than what it is. */
static int unsafe_cp(uint32_t cp)
{
	return (cp < 0x20 && cp != '\t') || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 ||
	       cp == 0x2029 || cp == 0xFEFF || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F;
}

/* Writes n bytes of s with every unsafe or invalid character as '?'. */
static void put_safe(FILE *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		size_t k = utf8_seq(p + i, n - i, &cp);
		if (k == 0 || unsafe_cp(cp)) {
			fputc('?', out);
			i += k ? k : 1;
		} else {
			fwrite(p + i, 1, k, out);
			i += k;
		}
	}
}

/* Length of the line break at p (0 if none). The same breaks as libyaml, which
 * numbers the lines the tree's marks refer to: LF, CR LF, CR, NEL, LS and PS. */
size_t tk_break_len(const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;
	if (u[0] == '\n')
		return 1;
	if (u[0] == '\r')
		return n > 1 && u[1] == '\n' ? 2 : 1;
	if (n > 1 && u[0] == 0xC2 && u[1] == 0x85)
		return 2;
	if (n > 2 && u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0xA8 || u[2] == 0xA9))
		return 3;
	return 0;
}

static void index_lines(source *s)
{
	size_t cap = 64, n = 0;
	size_t *lines = tk_xmalloc(cap * sizeof *lines);
	/* libyaml drops a UTF-8 byte order mark without counting it as a column. */
	size_t i = s->len >= 3 && memcmp(s->text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	lines[n++] = i;
	while (i < s->len) {
		size_t b = tk_break_len(s->text + i, s->len - i);
		if (!b) {
			i++;
			continue;
		}
		i += b;
		if (n == cap) {
			cap *= 2;
			lines = tk_xrealloc(lines, cap * sizeof *lines);
		}
		lines[n++] = i;
	}
	s->lines = lines;
	s->n_lines = n;
}

static source *find_source(tk_diag *d, const char *file)
{
	for (int i = d->n_src - 1; i >= 0; i--)
		if (strcmp(d->src[i].file, file) == 0)
			return &d->src[i];
	return NULL;
}

/* Bytes taken by one displayed character at p: a valid UTF-8 sequence, or a
 * single byte of an invalid one (shown as '?'). */
static size_t char_len(const char *p, size_t n)
{
	uint32_t cp;
	size_t k = utf8_seq((const unsigned char *)p, n, &cp);
	return k ? k : 1;
}

/* Prints the source line and a caret under column col (a character column). */
static void quote_line(FILE *out, source *s, int line, int col)
{
	if (!s->lines)
		index_lines(s);
	if ((size_t)line > s->n_lines)
		return;
	size_t start = s->lines[line - 1], end = start;
	while (end < s->len && !tk_break_len(s->text + end, s->len - end))
		end++;
	const char *t = s->text + start;
	size_t n = end - start;

	size_t caret = 0; /* byte offset of the caret within the line */
	for (int c = 1; c < col && caret < n; c++)
		caret += char_len(t + caret, n - caret);

	size_t ws = 0, we = n;
	if (n > QUOTE_MAX) {
		ws = caret > QUOTE_MAX / 2 ? caret - QUOTE_MAX / 2 : 0;
		while (ws > 0 && ws < n && ((unsigned char)t[ws] & 0xC0) == 0x80)
			ws++;
		we = ws + QUOTE_MAX < n ? ws + QUOTE_MAX : n;
		while (we < n && we > ws && ((unsigned char)t[we] & 0xC0) == 0x80)
			we--;
		if (caret > we)
			caret = we;
	}

	char num[24];
	int w = snprintf(num, sizeof num, "%d", line);
	if (w < 5)
		w = 5;
	fprintf(out, "%*d |", w, line);
	if (we > ws || ws > 0) {
		fputs(ws > 0 ? " ..." : " ", out);
		put_safe(out, t + ws, we - ws);
		if (we < n)
			fputs("...", out);
	}
	fputc('\n', out);
	if (col <= 0)
		return;
	fprintf(out, "%*s | ", w, "");
	if (ws > 0)
		fputs("   ", out);
	/* One pad character per displayed character; tabs are copied so the caret
	 * lands where the terminal put the character. */
	for (size_t i = ws; i < caret;) {
		fputc(t[i] == '\t' ? '\t' : ' ', out);
		i += char_len(t + i, caret - i);
	}
	fputs("^\n", out);
}

static const char *severity_name(tk_severity sev)
{
	switch (sev) {
	case TK_NOTE:
		return "note";
	case TK_INFO:
		return "info";
	case TK_WARNING:
		return "warning";
	case TK_ERROR:
		break;
	}
	return "error";
}

void tk_diag_report(tk_diag *d, tk_severity sev, const tk_loc *loc, const char *fmt, ...)
{
	if (!d)
		return;
	if (sev == TK_ERROR)
		d->errors++;
	else if (sev == TK_WARNING)
		d->warnings++;
	if (sev < d->level || d->stopped)
		return;
	if (sev == TK_ERROR && d->max_errors > 0 && d->shown_errors >= d->max_errors) {
		fputs("trykk: note: too many errors, stopping here\n", d->out);
		fflush(d->out);
		d->stopped = 1;
		return;
	}
	if (sev == TK_ERROR)
		d->shown_errors++;

	char small[512], *msg = small;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0) {
		small[0] = 0;
		n = 0;
	} else if ((size_t)n >= sizeof small) {
		msg = tk_xmalloc((size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(msg, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}

	FILE *out = d->out;
	int line = 0, col = 0;
	if (!loc || !loc->file) {
		fputs("trykk", out);
	} else {
		put_safe(out, loc->file, strlen(loc->file));
		line = loc->line > 0 ? loc->line : 0;
		col = line && loc->col > 0 ? loc->col : 0;
		if (line)
			fprintf(out, ":%d", line);
		if (col)
			fprintf(out, ":%d", col);
	}
	fprintf(out, ": %s: ", severity_name(sev));
	if (d->context)
		put_safe(out, d->context, strlen(d->context));
	put_safe(out, msg, (size_t)n);
	fputc('\n', out);
	if (line) {
		source *s = find_source(d, loc->file);
		if (s)
			quote_line(out, s, line, col);
	}
	fflush(out);
	if (msg != small)
		free(msg);
}

/* Lower case, and '_' for '-', so that key spellings differing only in case or
 * separator are at distance 0. Returns the length, or -1 if s is too long. */
static int fold(const char *s, char *buf, int cap)
{
	int n = 0;
	for (; *s; s++) {
		if (n == cap)
			return -1;
		char c = *s;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		else if (c == '-')
			c = '_';
		buf[n++] = c;
	}
	return n;
}

#define SUGGEST_MAX 128

/* Optimal string alignment distance (Levenshtein plus adjacent transpositions,
 * the common typo "clour" -> "colour" being one edit). */
static int distance(const char *a, int m, const char *b, int n)
{
	int rows[3][SUGGEST_MAX + 1];
	int *pp = rows[0], *p = rows[1], *c = rows[2];
	for (int j = 0; j <= n; j++)
		p[j] = j;
	for (int i = 1; i <= m; i++) {
		c[0] = i;
		for (int j = 1; j <= n; j++) {
			int cost = a[i - 1] != b[j - 1];
			int v = p[j] + 1;
			if (c[j - 1] + 1 < v)
				v = c[j - 1] + 1;
			if (p[j - 1] + cost < v)
				v = p[j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			c[j] = v;
		}
		int *t = pp;
		pp = p;
		p = c;
		c = t;
	}
	return p[n];
}

const char *tk_diag_suggest(const char *word, const char *const *candidates, int n)
{
	char w[SUGGEST_MAX], c[SUGGEST_MAX];
	if (!word || !candidates)
		return NULL;
	int wl = fold(word, w, SUGGEST_MAX);
	if (wl <= 0)
		return NULL;
	int limit = wl / 3 > 1 ? wl / 3 : 1;
	const char *best = NULL;
	int best_d = limit + 1;
	for (int i = 0; i < n; i++) {
		if (!candidates[i])
			continue;
		int cl = fold(candidates[i], c, SUGGEST_MAX);
		if (cl < 0 || abs(cl - wl) >= best_d)
			continue;
		int dist = distance(w, wl, c, cl);
		if (dist < best_d) {
			best_d = dist;
			best = candidates[i];
		}
	}
	return best;
}

void tk_diag_set_context(tk_diag *d, const char *prefix)
{
	free(d->context);
	d->context = prefix ? tk_xstrdup(prefix) : NULL;
}

/* diag.h - errors and warnings with file:line:col, the source line and a caret.
 *
 * Every stage reports through a tk_diag; nothing else in trykk prints. Messages
 * look like the compilers' and jq's:
 *
 *   content/plakat.yaml:12:5: error: unknown key 'colour' (did you mean 'color'?)
 *      12 |     colour: blue
 *         |     ^
 *
 * Stages collect all errors of their input and the caller stops before the next
 * stage when tk_diag_errors() is non-zero. */
#ifndef TK_DIAG_H
#define TK_DIAG_H
#include <stddef.h>
#include <stdio.h>

/* A place in an input file. line and col are 1-based; line 0 means "the file". */
typedef struct tk_loc {
	const char *file;
	int line, col;
} tk_loc;

typedef enum { TK_NOTE, TK_INFO, TK_WARNING, TK_ERROR } tk_severity;

typedef struct tk_diag tk_diag;

/* Returns a new reporter writing to out (stderr usually); free with tk_diag_free. */
tk_diag *tk_diag_new(FILE *out);
void tk_diag_free(tk_diag *d);
/* Messages below min are not printed (but still counted). Default TK_WARNING
 * unless verbose. */
void tk_diag_set_level(tk_diag *d, tk_severity min);
/* Registers the text of a file so messages can quote its lines. The text is
 * copied. Files not registered get messages without a quoted line. */
void tk_diag_add_source(tk_diag *d, const char *file, const char *text, size_t len);
/* Reports a message at loc (which may be NULL for a message without a place). */
void tk_diag_report(tk_diag *d, tk_severity sev, const tk_loc *loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#define tk_error(d, loc, ...) tk_diag_report((d), TK_ERROR, (loc), __VA_ARGS__)
#define tk_warn(d, loc, ...) tk_diag_report((d), TK_WARNING, (loc), __VA_ARGS__)
#define tk_info(d, loc, ...) tk_diag_report((d), TK_INFO, (loc), __VA_ARGS__)
/* Puts prefix (e.g. "record 7 (Kari Nordmann): ") before every message until it is
 * set again; NULL clears it. The text is copied. */
void tk_diag_set_context(tk_diag *d, const char *prefix);
/* Number of errors and warnings reported so far. */
int tk_diag_errors(const tk_diag *d);
int tk_diag_warnings(const tk_diag *d);
/* Stops printing after this many errors (the count goes on). Default 50. */
void tk_diag_set_max_errors(tk_diag *d, int n);
/* Length of the line break at p (0 if none): the breaks libyaml counts lines by
 * (LF, CR LF, CR, NEL, LS, PS), so line numbers here and in marks agree. */
size_t tk_break_len(const char *p, size_t n);
/* A string "a", "b", ... of the candidate closest to word by edit distance, or
 * NULL when none is close enough. For "did you mean" hints. */
const char *tk_diag_suggest(const char *word, const char *const *candidates, int n);

#endif

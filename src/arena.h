/* arena.h - per-job bump allocator.
 *
 * Everything a build reads or makes (YAML tree, model, shaped text, display lists)
 * lives in one arena and is freed at once with tk_arena_free. Allocation never
 * fails silently: on out-of-memory the process exits with a message (a print job
 * cannot continue without memory, and every caller checking NULL would hide bugs). */
#ifndef TK_ARENA_H
#define TK_ARENA_H
#include <stddef.h>

typedef struct tk_arena tk_arena;

/* Returns a new arena the caller frees with tk_arena_free. */
tk_arena *tk_arena_new(void);
/* Frees the arena and everything allocated in it; accepts NULL. */
void tk_arena_free(tk_arena *a);
/* Zeroed memory, aligned for any type, owned by the arena. */
void *tk_arena_alloc(tk_arena *a, size_t size);
/* Copies of strings, owned by the arena. */
char *tk_arena_strdup(tk_arena *a, const char *s);
char *tk_arena_strndup(tk_arena *a, const char *s, size_t n);
/* printf into arena memory. */
char *tk_arena_printf(tk_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Grows an arena array: returns a copy of old (n elements of size) with room for cap. */
void *tk_arena_grow(tk_arena *a, void *old, size_t n, size_t cap, size_t size);
/* Gives back all but the first keep bytes of p, the size bytes allocated last
 * from a; does nothing when p is not the last allocation. */
void tk_arena_shrink(tk_arena *a, void *p, size_t size, size_t keep);
/* Bytes allocated so far (for limits and benchmarks). */
size_t tk_arena_used(const tk_arena *a);

/* Allocation helpers that die on failure, for memory outside arenas. */
void *tk_xmalloc(size_t n);
void *tk_xcalloc(size_t n, size_t size);
void *tk_xrealloc(void *p, size_t n);
char *tk_xstrdup(const char *s);

#define TK_NEW(a, T) ((T *)tk_arena_alloc((a), sizeof(T)))
#define TK_NEWN(a, T, n) ((T *)tk_arena_alloc((a), sizeof(T) * (size_t)(n)))

/* A growing text buffer (malloc'd; free b.s when done): output files built in
 * memory, such as a trace or a CMap. Start with {0}. */
typedef struct tk_buf {
	char *s;
	size_t len, cap;
} tk_buf;
/* Appends printf-style text, growing the buffer as needed. */
void tk_buf_printf(tk_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends n bytes (binary data too). */
void tk_buf_add(tk_buf *b, const void *data, size_t n);

#endif

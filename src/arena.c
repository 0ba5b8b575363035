/* arena.c - per-job bump allocator: big blocks, pointer bump, one free. */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct block {
	struct block *next;
	size_t size, used;
	max_align_t data[];
} block;

struct tk_arena {
	block *head;
	size_t total;
};

#define BLOCK_MIN (64 * 1024)

static void die_oom(size_t n)
{
	fprintf(stderr, "trykk: error: out of memory (asked for %zu bytes)\n", n);
	exit(3);
}

void *tk_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die_oom(n);
	return p;
}

void *tk_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		die_oom(n * size);
	return p;
}

void *tk_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		die_oom(n);
	return q;
}

char *tk_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = tk_xmalloc(n);
	memcpy(p, s, n);
	return p;
}

tk_arena *tk_arena_new(void)
{
	return tk_xcalloc(1, sizeof(tk_arena));
}

void tk_arena_free(tk_arena *a)
{
	if (!a)
		return;
	block *b = a->head;
	while (b) {
		block *next = b->next;
		free(b);
		b = next;
	}
	free(a);
}

void *tk_arena_alloc(tk_arena *a, size_t size)
{
	const size_t align = sizeof(max_align_t);
	size = (size + align - 1) / align * align;
	if (size == 0)
		size = align;
	block *b = a->head;
	if (!b || b->size - b->used < size) {
		size_t bs = size > BLOCK_MIN ? size : BLOCK_MIN;
		if (b && bs < b->size * 2 && bs < 4 * 1024 * 1024)
			bs = b->size * 2 > 4 * 1024 * 1024 ? bs : b->size * 2;
		if (bs < size)
			bs = size;
		block *nb = malloc(sizeof(block) + bs);
		if (!nb)
			die_oom(size);
		nb->size = bs;
		nb->used = 0;
		/* A large one-off allocation goes behind the current block so the
		 * current block's free space is not wasted. */
		if (b && size > BLOCK_MIN && b->size - b->used > 4096) {
			nb->next = b->next;
			b->next = nb;
		} else {
			nb->next = b;
			a->head = nb;
		}
		b = nb;
	}
	void *p = (char *)b->data + b->used;
	b->used += size;
	a->total += size;
	memset(p, 0, size);
	return p;
}

char *tk_arena_strndup(tk_arena *a, const char *s, size_t n)
{
	char *p = tk_arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *tk_arena_strdup(tk_arena *a, const char *s)
{
	return s ? tk_arena_strndup(a, s, strlen(s)) : NULL;
}

char *tk_arena_printf(tk_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	char *p = tk_arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void *tk_arena_grow(tk_arena *a, void *old, size_t n, size_t cap, size_t size)
{
	void *p = tk_arena_alloc(a, cap * size);
	if (old && n)
		memcpy(p, old, n * size);
	return p;
}

void tk_arena_shrink(tk_arena *a, void *p, size_t size, size_t keep)
{
	const size_t align = sizeof(max_align_t);
	block *b = a->head;
	size = (size + align - 1) / align * align;
	keep = (keep + align - 1) / align * align;
	if (size == 0)
		size = align;
	if (keep == 0)
		keep = align;
	if (!b || !p || keep >= size || (char *)p + size != (char *)b->data + b->used)
		return;
	b->used -= size - keep;
	a->total -= size - keep;
}

size_t tk_arena_used(const tk_arena *a)
{
	return a->total;
}

void tk_buf_printf(tk_buf *b, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(b->s ? b->s + b->len : NULL, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		b->cap = b->cap * 2 + (n > 0 ? (size_t)n : 0) + 4096;
		b->s = tk_xrealloc(b->s, b->cap);
	}
}

void tk_buf_add(tk_buf *b, const void *data, size_t n)
{
	if (b->cap - b->len < n + 1) {
		b->cap = b->cap * 2 + n + 4096;
		b->s = tk_xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, data, n);
	b->len += n;
	b->s[b->len] = 0;
}

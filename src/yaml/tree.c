/* tree.c - YAML text -> tk_node tree, from libyaml's event stream.
 *
 * The builder is iterative: an explicit stack of open mappings and sequences, so
 * hostile nesting cannot overflow the C stack, and the depth limit is checked when
 * a collection opens. Every node records where it starts (libyaml's marks, made
 * 1-based). Aliases share the anchored node; to keep "billion laughs" documents out,
 * every node carries a weight (how many nodes a full expansion of it visits) and the
 * document's total weight is capped. Merge keys ("<<") are resolved when their
 * mapping closes. Syntax errors end the load with one message; errors in otherwise
 * well-formed YAML (duplicate keys, unknown aliases, ...) are all collected. */
#include "tree.h"

#include <yaml.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define KiB ((size_t)1024)
#define MiB (KiB * 1024)

void tk_yaml_limits_default(tk_yaml_limits *l)
{
	l->max_depth = 64;
	l->max_bytes = 16 * MiB;
	l->max_scalar = 4 * MiB;
	l->max_nodes = 1000000;
}

/* "4 MiB", "512 KiB" or "1000 bytes", for limits in messages. */
static const char *size_text(char *buf, size_t cap, size_t n)
{
	if (n && n % MiB == 0)
		snprintf(buf, cap, "%zu MiB", n / MiB);
	else if (n && n % KiB == 0)
		snprintf(buf, cap, "%zu KiB", n / KiB);
	else
		snprintf(buf, cap, "%zu bytes", n);
	return buf;
}

/* Weights saturate rather than wrap, so a limit of SIZE_MAX still means "no limit". */
static size_t sat_add(size_t a, size_t b)
{
	return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603u;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211u;
	}
	return h;
}

/* The keys of one mapping, hashed so that duplicate checks and merges stay linear
 * in the size of a hostile mapping with a million keys. line is where the key was
 * written (for "first at line N"). */
typedef struct key_slot {
	const tk_node *key;
	int line;
} key_slot;

typedef struct keyset {
	key_slot *slot;
	size_t cap, n;
} keyset;

static key_slot *keyset_slot(const keyset *s, const tk_node *key)
{
	size_t i = (size_t)hash_bytes(key->str, key->len) & (s->cap - 1);
	for (;;) {
		key_slot *k = &s->slot[i];
		if (!k->key || (k->key->len == key->len && memcmp(k->key->str, key->str, key->len) == 0))
			return k;
		i = (i + 1) & (s->cap - 1);
	}
}

static const key_slot *keyset_find(const keyset *s, const tk_node *key)
{
	if (!s->cap)
		return NULL;
	const key_slot *k = keyset_slot(s, key);
	return k->key ? k : NULL;
}

static void keyset_add(keyset *s, const tk_node *key, int line)
{
	if (2 * (s->n + 1) > s->cap) {
		keyset old = *s;
		s->cap = old.cap ? old.cap * 2 : 16;
		s->slot = tk_xcalloc(s->cap, sizeof *s->slot);
		for (size_t i = 0; i < old.cap; i++)
			if (old.slot[i].key)
				*keyset_slot(s, old.slot[i].key) = old.slot[i];
		free(old.slot);
	}
	key_slot *k = keyset_slot(s, key);
	if (!k->key) {
		k->key = key;
		k->line = line;
		s->n++;
	}
}

/* An open mapping or sequence. Children collect in malloc'd arrays and move into
 * the arena, exactly sized, when the collection closes. */
typedef struct frame {
	tk_node *node;
	tk_node **keys, **items;
	int n, cap;
	tk_node *key;     /* a mapping's key waiting for its value */
	tk_loc key_loc;   /* where that key was written (an alias's own place) */
	int has_key, bad_key;
	int anchor;       /* index into builder.anchors, or -1 */
	size_t weight;
	keyset set;
	tk_node *merge;   /* the value of "<<", resolved at the end */
	tk_loc merge_loc;
	int merge_at;     /* entry index where "<<" was written */
} frame;

typedef struct anchor {
	const char *name;
	tk_node *node;
	size_t weight;
	int done; /* 0 while the anchored collection is still open */
} anchor;

typedef struct builder {
	tk_arena *a;
	tk_diag *d;
	const char *file; /* arena copy, shared by every node's loc */
	const char *text;
	size_t len;
	tk_yaml_limits lim;
	frame *st;
	int depth, st_cap;
	anchor *anchors;
	int n_anchors, anchors_cap;
	int *anchor_slot; /* hash of names -> index + 1; the newest definition wins */
	size_t anchor_slots;
	size_t total;
	int aliases;
	int docs;
	tk_node *root;
	int failed; /* errors reported; the load returns NULL */
	int stop;   /* no point reading on */
} builder;

static tk_loc mark_loc(const builder *b, yaml_mark_t m)
{
	tk_loc l = {b->file, (int)m.line + 1, (int)m.column + 1};
	return l;
}

static size_t bom_len(const char *t, size_t n)
{
	return n >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}


/* Line and character column of a byte offset, for reader errors, which libyaml
 * reports as a raw offset only. */
static tk_loc offset_loc(const builder *b, size_t off)
{
	tk_loc l = {b->file, 1, 1};
	if (off > b->len)
		off = b->len;
	size_t i = bom_len(b->text, b->len);
	while (i < off) {
		size_t k = tk_break_len(b->text + i, b->len - i);
		if (k && i + k <= off) {
			l.line++;
			l.col = 1;
			i += k;
			continue;
		}
		if (((unsigned char)b->text[i] & 0xC0) != 0x80)
			l.col++;
		i++;
	}
	return l;
}

/* Byte offset of libyaml's mark.index, which counts characters. */
static size_t index_offset(const builder *b, size_t index)
{
	size_t i = bom_len(b->text, b->len);
	for (; i < b->len && index > 0; index--) {
		i++;
		while (i < b->len && ((unsigned char)b->text[i] & 0xC0) == 0x80)
			i++;
	}
	return i;
}

/* Just after the last character that is not white space: where to point when
 * libyaml reports the end of the file, so the caret lands on a line with text. */
static tk_loc end_loc(const builder *b)
{
	size_t n = b->len;
	while (n > 0 && (b->text[n - 1] == ' ' || b->text[n - 1] == '\t' ||
	                 b->text[n - 1] == '\r' || b->text[n - 1] == '\n'))
		n--;
	return offset_loc(b, n);
}

/* Up to 60 bytes of s for a message, cut at a character boundary. */
static const char *clip(builder *b, const char *s, size_t n)
{
	if (n <= 60)
		return s;
	size_t k = 57;
	while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	return tk_arena_printf(b->a, "%.*s...", (int)k, s);
}

static void syntax_error(builder *b, const yaml_parser_t *p)
{
	const char *problem = p->problem ? p->problem : "unknown error";
	if (p->error == YAML_MEMORY_ERROR) {
		tk_loc l = {b->file, 0, 0};
		tk_error(b->d, &l, "out of memory while reading YAML");
		return;
	}
	if (p->error == YAML_READER_ERROR) {
		size_t off = p->problem_offset < b->len ? p->problem_offset : b->len;
		if (strstr(problem, "UTF-8")) {
			/* Point at the first byte of the broken sequence, not into it. */
			if (strstr(problem, "trailing"))
				for (int k = 0; k < 3 && off > 0; k++)
					if ((unsigned char)b->text[--off] >= 0xC0)
						break;
			tk_loc l = offset_loc(b, off);
			unsigned byte = off < b->len ? (unsigned char)b->text[off] : 0;
			tk_error(b->d, &l, "text is not valid UTF-8 (byte 0x%02X); save the file as UTF-8",
			         byte);
		} else if (p->problem_value == 0) {
			tk_loc l = offset_loc(b, off);
			tk_error(b->d, &l,
			         "YAML syntax: a NUL byte is not allowed (is this a binary or UTF-16 file?)");
		} else if (p->problem_value > 0) {
			tk_loc l = offset_loc(b, off);
			tk_error(b->d, &l, "YAML syntax: %s (U+%04X)", problem, (unsigned)p->problem_value);
		} else {
			tk_loc l = offset_loc(b, off);
			tk_error(b->d, &l, "YAML syntax: %s", problem);
		}
		return;
	}

	yaml_mark_t m = p->problem_mark;
	const char *ctx = p->context;
	yaml_mark_t cm = p->context_mark;
	const char *hint = "";
	size_t at = index_offset(b, m.index);
	char c = at < b->len ? b->text[at] : 0;
	if (c == '\t' || strstr(problem, "tab character")) {
		/* libyaml's context here ("while scanning a plain scalar" on the line
		 * above) only distracts from the tab. */
		hint = " (YAML indentation must use spaces, not tabs)";
		ctx = NULL;
	} else if (strstr(problem, "end of stream") && ctx && strstr(ctx, "quoted scalar")) {
		/* The end of the file is no place to show; the opening quote is. */
		tk_loc l = mark_loc(b, cm);
		tk_error(b->d, &l, "YAML syntax: %s %s (is a closing quote missing?)", problem, ctx);
		return;
	} else if (strstr(problem, "mapping values are not allowed"))
		hint = " (is this line indented too far, or does text containing ': ' need quotes?)";
	else if (strstr(problem, "did not find expected key"))
		hint = " (check the indentation)";
	else if (strstr(problem, "unknown escape"))
		hint = " (in double quotes a backslash starts an escape: write \\\\ or use single "
		       "quotes)";
	else if (strstr(problem, "cannot start any token") && (c == '@' || c == '`'))
		hint = " (text starting with '@' or '`' must be quoted)";
	else if (strstr(problem, "could not find expected ':'"))
		hint = " (a key needs ': ' after it)";

	tk_loc l = mark_loc(b, m);
	if (at >= b->len)
		l = end_loc(b);
	if (ctx && (cm.line != m.line || cm.column != m.column))
		tk_error(b->d, &l, "YAML syntax: %s %s that started at line %d, column %d%s", problem,
		         ctx, (int)cm.line + 1, (int)cm.column + 1, hint);
	else
		tk_error(b->d, &l, "YAML syntax: %s%s", problem, hint);
}

/* Counts nodes a full expansion visits; false (after reporting) past the limit. */
static int count(builder *b, size_t w, yaml_mark_t m)
{
	b->total = sat_add(b->total, w);
	if (b->total <= b->lim.max_nodes)
		return 1;
	tk_loc l = mark_loc(b, m);
	if (b->aliases)
		tk_error(b->d, &l, "document too large when aliases are expanded (more than %zu nodes)",
		         b->lim.max_nodes);
	else
		tk_error(b->d, &l, "document too large (more than %zu nodes)", b->lim.max_nodes);
	b->failed = b->stop = 1;
	return 0;
}

static int anchor_find(const builder *b, const char *name)
{
	if (!b->anchor_slots)
		return -1;
	size_t i = (size_t)hash_bytes(name, strlen(name)) & (b->anchor_slots - 1);
	while (b->anchor_slot[i]) {
		int k = b->anchor_slot[i] - 1;
		if (strcmp(b->anchors[k].name, name) == 0)
			return k;
		i = (i + 1) & (b->anchor_slots - 1);
	}
	return -1;
}

static void anchor_slot_put(builder *b, int k)
{
	const char *name = b->anchors[k].name;
	size_t i = (size_t)hash_bytes(name, strlen(name)) & (b->anchor_slots - 1);
	while (b->anchor_slot[i] && strcmp(b->anchors[b->anchor_slot[i] - 1].name, name) != 0)
		i = (i + 1) & (b->anchor_slots - 1);
	b->anchor_slot[i] = k + 1;
}

static int anchor_define(builder *b, const yaml_char_t *name, tk_node *node, int done)
{
	if (b->n_anchors == b->anchors_cap) {
		b->anchors_cap = b->anchors_cap ? b->anchors_cap * 2 : 16;
		b->anchors = tk_xrealloc(b->anchors, (size_t)b->anchors_cap * sizeof *b->anchors);
	}
	int k = b->n_anchors++;
	anchor *an = &b->anchors[k];
	an->name = tk_arena_strdup(b->a, (const char *)name);
	an->node = node;
	an->weight = 1;
	an->done = done;
	if (2 * (size_t)b->n_anchors > b->anchor_slots) {
		free(b->anchor_slot);
		b->anchor_slots = b->anchor_slots ? b->anchor_slots * 2 : 32;
		b->anchor_slot = tk_xcalloc(b->anchor_slots, sizeof *b->anchor_slot);
		/* Oldest first, so the newest definition of a name ends up in its slot. */
		for (int i = 0; i < b->n_anchors; i++)
			anchor_slot_put(b, i);
	} else {
		anchor_slot_put(b, k);
	}
	return k;
}

static void push_child(frame *f, tk_node *key, tk_node *item)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 8;
		f->items = tk_xrealloc(f->items, (size_t)f->cap * sizeof *f->items);
		if (f->node->kind == TK_NODE_MAP)
			f->keys = tk_xrealloc(f->keys, (size_t)f->cap * sizeof *f->keys);
	}
	if (key)
		f->keys[f->n] = key;
	f->items[f->n++] = item;
}

/* The text of nodes standing in for unknown aliases; already reported, so no
 * further messages about them. */
static const char standin[] = "";

static int is_merge_key(const tk_node *k)
{
	return k->plain && k->len == 2 && memcmp(k->str, "<<", 2) == 0;
}

/* Adds a finished node (of weight w, written at loc) to the open collection, or
 * makes it the document's root. */
static void add_node(builder *b, tk_node *node, size_t w, tk_loc loc)
{
	if (b->depth == 0) {
		b->root = node;
		return;
	}
	frame *f = &b->st[b->depth - 1];
	f->weight = sat_add(f->weight, w);
	if (f->node->kind == TK_NODE_SEQ) {
		push_child(f, NULL, node);
		return;
	}
	if (!f->has_key) {
		f->has_key = 1;
		f->key = node;
		f->key_loc = loc;
		f->bad_key = node->kind != TK_NODE_SCALAR;
		if (f->bad_key) {
			tk_error(b->d, &loc, "a key must be text, not a %s", tk_node_kind_name(node));
			b->failed = 1;
		}
		return;
	}
	f->has_key = 0;
	if (f->bad_key)
		return;
	tk_node *key = f->key;
	if (is_merge_key(key) && !f->merge) {
		f->merge = node;
		f->merge_loc = f->key_loc;
		f->merge_at = f->n;
		return;
	}
	const key_slot *first = keyset_find(&f->set, key);
	if (first || is_merge_key(key)) {
		int line = first ? first->line : f->merge_loc.line;
		tk_error(b->d, &f->key_loc, "duplicate key '%s' (first at line %d)",
		         clip(b, key->str, key->len), line);
		b->failed = 1;
		return;
	}
	keyset_add(&f->set, key, f->key_loc.line);
	push_child(f, key, node);
}

static tk_node *new_node(builder *b, tk_node_kind kind, yaml_mark_t m)
{
	tk_node *n = TK_NEW(b->a, tk_node);
	n->kind = kind;
	n->loc = mark_loc(b, m);
	return n;
}

/* Resolves "<<" the YAML 1.1 way: keys written in the mapping win, then earlier
 * merged mappings over later ones. The merged entries go where "<<" was written. */
static void merge(builder *b, frame *f, tk_node ***keys, tk_node ***items, int *n)
{
	tk_node *const *src = &f->merge;
	int n_src = 1;
	if (f->merge->kind == TK_NODE_SEQ) {
		src = f->merge->items;
		n_src = f->merge->n;
	}
	size_t room = (size_t)f->n;
	for (int s = 0; s < n_src; s++) {
		if (src[s]->kind != TK_NODE_MAP) {
			if (src[s]->str == standin)
				return;
			const tk_loc *l = f->merge->kind == TK_NODE_SEQ ? &src[s]->loc : &f->merge_loc;
			tk_error(b->d, l, "'<<' merges mappings (or a list of them), not a %s",
			         tk_node_kind_name(src[s]));
			b->failed = 1;
			return;
		}
		room += (size_t)src[s]->n;
	}
	tk_node **k = TK_NEWN(b->a, tk_node *, room ? room : 1);
	tk_node **v = TK_NEWN(b->a, tk_node *, room ? room : 1);
	int m = 0;
	for (int i = 0; i < f->merge_at; i++, m++)
		k[m] = f->keys[i], v[m] = f->items[i];
	for (int s = 0; s < n_src; s++) {
		for (int i = 0; i < src[s]->n; i++) {
			tk_node *key = src[s]->keys[i];
			if (keyset_find(&f->set, key))
				continue;
			keyset_add(&f->set, key, key->loc.line);
			k[m] = key;
			v[m++] = src[s]->items[i];
		}
	}
	for (int i = f->merge_at; i < f->n; i++, m++)
		k[m] = f->keys[i], v[m] = f->items[i];
	*keys = k;
	*items = v;
	*n = m;
}

static void frame_free(frame *f)
{
	free(f->keys);
	free(f->items);
	free(f->set.slot);
}

static void open_collection(builder *b, tk_node_kind kind, const yaml_event_t *ev)
{
	yaml_mark_t m = ev->start_mark;
	if (b->depth >= b->lim.max_depth) {
		tk_loc l = mark_loc(b, m);
		tk_error(b->d, &l, "nesting deeper than %d levels", b->lim.max_depth);
		b->failed = b->stop = 1;
		return;
	}
	if (!count(b, 1, m))
		return;
	if (b->depth == b->st_cap) {
		b->st_cap = b->st_cap ? b->st_cap * 2 : 16;
		b->st = tk_xrealloc(b->st, (size_t)b->st_cap * sizeof *b->st);
	}
	frame *f = &b->st[b->depth++];
	memset(f, 0, sizeof *f);
	f->node = new_node(b, kind, m);
	f->weight = 1;
	const yaml_char_t *name =
	    kind == TK_NODE_MAP ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
	f->anchor = name ? anchor_define(b, name, f->node, 0) : -1;
}

static void close_collection(builder *b)
{
	frame *f = &b->st[b->depth - 1];
	tk_node *node = f->node;
	tk_node **keys = NULL, **items = NULL;
	int n = f->n;
	if (f->merge) {
		merge(b, f, &keys, &items, &n);
	} else if (n) {
		items = TK_NEWN(b->a, tk_node *, n);
		memcpy(items, f->items, (size_t)n * sizeof *items);
		if (node->kind == TK_NODE_MAP) {
			keys = TK_NEWN(b->a, tk_node *, n);
			memcpy(keys, f->keys, (size_t)n * sizeof *keys);
		}
	}
	node->n = items ? n : 0;
	node->items = items;
	node->keys = keys;
	size_t w = f->weight;
	if (f->anchor >= 0) {
		b->anchors[f->anchor].weight = w;
		b->anchors[f->anchor].done = 1;
	}
	frame_free(f);
	b->depth--;
	add_node(b, node, w, node->loc);
}

static void scalar(builder *b, const yaml_event_t *ev)
{
	yaml_mark_t m = ev->start_mark;
	size_t len = ev->data.scalar.length;
	if (len > b->lim.max_scalar) {
		char lim[32];
		tk_loc l = mark_loc(b, m);
		tk_error(b->d, &l, "text of %zu bytes is longer than the limit of %s", len,
		         size_text(lim, sizeof lim, b->lim.max_scalar));
		b->failed = b->stop = 1;
		return;
	}
	if (!count(b, 1, m))
		return;
	tk_node *n = new_node(b, TK_NODE_SCALAR, m);
	n->str = tk_arena_strndup(b->a, (const char *)ev->data.scalar.value, len);
	n->len = len;
	/* A tag ("!!str yes") asks for the text as written, like quotes do. */
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !ev->data.scalar.tag;
	n->block = ev->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
	           ev->data.scalar.style == YAML_FOLDED_SCALAR_STYLE;
	if (memchr(n->str, 0, len)) {
		tk_error(b->d, &n->loc, "text contains a NUL character (\\0), which is not allowed");
		b->failed = 1;
	}
	if (ev->data.scalar.anchor)
		anchor_define(b, ev->data.scalar.anchor, n, 1);
	add_node(b, n, 1, n->loc);
}

static void alias(builder *b, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	tk_loc l = mark_loc(b, ev->start_mark);
	int k = anchor_find(b, name);
	b->aliases = 1;
	if (k < 0 || !b->anchors[k].done) {
		if (k >= 0) {
			tk_error(b->d, &l, "alias '*%s' is inside the node it refers to", clip(b, name, strlen(name)));
		} else {
			const char *cand[256];
			int nc = 0;
			for (int i = b->n_anchors - 1; i >= 0 && nc < 256; i--)
				cand[nc++] = b->anchors[i].name;
			const char *s = tk_diag_suggest(name, cand, nc);
			if (s)
				tk_error(b->d, &l, "unknown alias '*%s' (did you mean '*%s'?)",
				         clip(b, name, strlen(name)), s);
			else
				tk_error(b->d, &l, "unknown alias '*%s' (no anchor '&%s' before it)",
				         clip(b, name, strlen(name)), clip(b, name, strlen(name)));
		}
		b->failed = 1;
		/* A stand-in keeps the structure, so later errors are still found. */
		if (!count(b, 1, ev->start_mark))
			return;
		tk_node *n = new_node(b, TK_NODE_SCALAR, ev->start_mark);
		n->str = standin;
		add_node(b, n, 1, l);
		return;
	}
	if (!count(b, b->anchors[k].weight, ev->start_mark))
		return;
	add_node(b, b->anchors[k].node, b->anchors[k].weight, l);
}

static void event(builder *b, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++b->docs > 1) {
			tk_loc l = mark_loc(b, ev->start_mark);
			tk_error(b->d, &l, "a second YAML document starts here; a file holds only one");
			b->failed = b->stop = 1;
		}
		break;
	case YAML_SCALAR_EVENT:
		scalar(b, ev);
		break;
	case YAML_ALIAS_EVENT:
		alias(b, ev);
		break;
	case YAML_MAPPING_START_EVENT:
		open_collection(b, TK_NODE_MAP, ev);
		break;
	case YAML_SEQUENCE_START_EVENT:
		open_collection(b, TK_NODE_SEQ, ev);
		break;
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		close_collection(b);
		break;
	case YAML_STREAM_END_EVENT:
		b->stop = 1;
		break;
	default:
		break;
	}
}

static void limits(const tk_yaml_limits *in, tk_yaml_limits *out)
{
	if (in)
		*out = *in;
	else
		tk_yaml_limits_default(out);
}

static void too_large(tk_diag *d, const char *name, size_t max)
{
	char lim[32];
	tk_loc l = {name, 0, 0};
	tk_error(d, &l, "the file is larger than the limit of %s", size_text(lim, sizeof lim, max));
}

tk_node *tk_yaml_load_string(tk_arena *a, tk_diag *d, const char *name, const char *text,
                             size_t len, const tk_yaml_limits *lim)
{
	builder b;
	memset(&b, 0, sizeof b);
	limits(lim, &b.lim);
	if (len > b.lim.max_bytes) {
		too_large(d, name, b.lim.max_bytes);
		return NULL;
	}
	b.a = a;
	b.d = d;
	b.file = tk_arena_strdup(a, name);
	b.text = text ? text : "";
	b.len = text ? len : 0;
	tk_diag_add_source(d, b.file, b.text, b.len);
	if (b.len >= 2 && ((unsigned char)b.text[0] == 0xFF || (unsigned char)b.text[0] == 0xFE) &&
	    ((unsigned char)b.text[1] ^ (unsigned char)b.text[0]) == 0x01) {
		tk_loc l = {b.file, 0, 0};
		tk_error(d, &l, "the file is UTF-16; save it as UTF-8");
		return NULL;
	}

	yaml_parser_t p;
	if (!yaml_parser_initialize(&p)) {
		tk_loc l = {b.file, 0, 0};
		tk_error(d, &l, "out of memory while reading YAML");
		return NULL;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)b.text, b.len);
	while (!b.stop) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&p, &ev)) {
			syntax_error(&b, &p);
			b.failed = 1;
			break;
		}
		event(&b, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	for (int i = 0; i < b.depth; i++)
		frame_free(&b.st[i]);
	free(b.st);
	free(b.anchors);
	free(b.anchor_slot);
	if (b.failed)
		return NULL;

	tk_node *root = b.root;
	/* No document, or "---" alone (an empty plain scalar): an empty mapping, so
	 * an empty file reads as "nothing set". */
	if (!root || (root->kind == TK_NODE_SCALAR && root->plain && root->len == 0)) {
		tk_node *e = TK_NEW(a, tk_node);
		e->kind = TK_NODE_MAP;
		e->loc.file = b.file;
		e->loc.line = e->loc.col = 1;
		root = e;
	}
	return root;
}

tk_node *tk_yaml_load_file(tk_arena *a, tk_diag *d, const char *path, const tk_yaml_limits *lim)
{
	tk_yaml_limits l;
	limits(lim, &l);
	tk_loc floc = {path, 0, 0};
	FILE *f = fopen(path, "rb");
	if (!f) {
		tk_error(d, &floc, "cannot read '%s': %s", path, strerror(errno));
		return NULL;
	}
	struct stat st;
	size_t cap = 64 * KiB;
	if (fstat(fileno(f), &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			tk_error(d, &floc, "cannot read '%s': %s", path, strerror(EISDIR));
			fclose(f);
			return NULL;
		}
		/* Refuse before reading: the file may be huge or still growing. */
		if (S_ISREG(st.st_mode)) {
			if ((unsigned long long)st.st_size > (unsigned long long)l.max_bytes) {
				too_large(d, path, l.max_bytes);
				fclose(f);
				return NULL;
			}
			cap = (size_t)st.st_size + 1;
		}
	}
	char *buf = tk_xmalloc(cap);
	size_t n = 0;
	for (;;) {
		if (n == cap)
			buf = tk_xrealloc(buf, cap *= 2);
		size_t want = cap - n;
		/* One byte past the limit is enough to know it is exceeded. */
		if (want > l.max_bytes + 1 - n)
			want = l.max_bytes + 1 - n;
		size_t got = fread(buf + n, 1, want, f);
		n += got;
		if (n > l.max_bytes || got < want)
			break;
	}
	int err = ferror(f) ? errno : 0;
	fclose(f);
	tk_node *root = NULL;
	if (err)
		tk_error(d, &floc, "cannot read '%s': %s", path, strerror(err));
	else if (n > l.max_bytes)
		too_large(d, path, l.max_bytes);
	else
		root = tk_yaml_load_string(a, d, path, buf, n, &l);
	free(buf);
	return root;
}

tk_node *tk_node_key(const tk_node *map, const char *key)
{
	if (!map || map->kind != TK_NODE_MAP || !key)
		return NULL;
	for (int i = 0; i < map->n; i++)
		if (strcmp(map->keys[i]->str, key) == 0)
			return map->keys[i];
	return NULL;
}

tk_node *tk_node_get(const tk_node *map, const char *key)
{
	if (!map || map->kind != TK_NODE_MAP || !key)
		return NULL;
	for (int i = 0; i < map->n; i++)
		if (strcmp(map->keys[i]->str, key) == 0)
			return map->items[i];
	return NULL;
}

const char *tk_node_kind_name(const tk_node *n)
{
	if (!n)
		return "nothing";
	switch (n->kind) {
	case TK_NODE_MAP:
		return "mapping";
	case TK_NODE_SEQ:
		return "list";
	case TK_NODE_SCALAR:
		break;
	}
	return "text";
}

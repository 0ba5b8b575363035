/* tree.h - YAML text -> a tree of nodes, each with its file:line:col.
 *
 * Built from libyaml events. Aliases share the anchored node (no copies); the loader
 * counts what a full expansion would visit and refuses alias bombs. Merge keys
 * ("<<: *base") are resolved into the map. Duplicate keys, depth and size limits
 * are errors reported through the tk_diag with the offending mark. */
#ifndef TK_YAML_TREE_H
#define TK_YAML_TREE_H
#include "../arena.h"
#include "../diag.h"
#include <stddef.h>

typedef enum { TK_NODE_SCALAR, TK_NODE_MAP, TK_NODE_SEQ } tk_node_kind;

typedef struct tk_node tk_node;
struct tk_node {
	tk_node_kind kind;
	tk_loc loc;          /* where the node starts */
	/* SCALAR */
	const char *str;     /* NUL-terminated UTF-8 value */
	size_t len;          /* bytes (the value may contain no NUL: that is an error) */
	int plain;           /* 1 if unquoted (so `yes` and "yes" can differ) */
	int block;           /* 1 for | and > scalars: the text starts on the next line */
	/* MAP and SEQ: n children; for a MAP keys[i] is the (scalar) key of items[i] */
	int n;
	tk_node **items;
	tk_node **keys;
};

typedef struct tk_yaml_limits {
	int max_depth;            /* nesting; default 64 */
	size_t max_bytes;         /* input file size; default 16 MiB */
	size_t max_scalar;        /* one scalar's bytes; default 4 MiB */
	size_t max_nodes;         /* nodes incl. alias expansions; default 1,000,000 */
} tk_yaml_limits;

/* Fills in the defaults above. */
void tk_yaml_limits_default(tk_yaml_limits *l);

/* Parses the file at path. On error reports (with file:line:col and a caret, after
 * registering the text with tk_diag_add_source) and returns NULL. The empty document
 * gives an empty map. lim may be NULL for defaults. */
tk_node *tk_yaml_load_file(tk_arena *a, tk_diag *d, const char *path,
                           const tk_yaml_limits *lim);
/* Same for text in memory; name is used in messages. */
tk_node *tk_yaml_load_string(tk_arena *a, tk_diag *d, const char *name,
                             const char *text, size_t len, const tk_yaml_limits *lim);

/* The value of key in a MAP node, or NULL (also when map is NULL or not a map). */
tk_node *tk_node_get(const tk_node *map, const char *key);
/* The key node for key (for pointing messages at the key), or NULL. */
tk_node *tk_node_key(const tk_node *map, const char *key);
/* "mapping", "list" or "text" (a scalar), for messages; "nothing" for NULL. */
const char *tk_node_kind_name(const tk_node *n);

#endif

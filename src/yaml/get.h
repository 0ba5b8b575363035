/* get.h - typed reading of YAML nodes, driven by key tables.
 *
 * Every mapping trykk reads is described by a tk_keyset: its keys, their types,
 * defaults and one line of documentation. The loaders check maps against their
 * keyset (unknown keys are errors with a did-you-mean), and `trykk schema` prints
 * the same tables as JSON Schema, so docs, editors and the loader cannot disagree.
 *
 * Getters return 1 when the key was present and valid, 0 when it is absent (the
 * output is left untouched, so callers preset defaults), -1 after reporting an
 * error at the value's line and column. */
#ifndef TK_YAML_GET_H
#define TK_YAML_GET_H
#include "../dl/geom.h"
#include "tree.h"

typedef enum {
	TK_T_STRING,  /* plain text */
	TK_T_TEXT,    /* Markdown text */
	TK_T_LENGTH,  /* 12mm, 10pt, 50% where allowed */
	TK_T_NUMBER,
	TK_T_BOOL,
	TK_T_COLOR,   /* swatch name, builtin, [c,m,y,k] percentages */
	TK_T_ENUM,    /* one of values ("a|b|c") */
	TK_T_PAPER,   /* A4, SRA3, "210mm x 297mm" */
	TK_T_PATH,    /* a file path relative to the YAML file */
	TK_T_MAP,     /* a mapping described by sub */
	TK_T_MAPOF,   /* a mapping of user-chosen names to values described by sub */
	TK_T_LIST,    /* a list of sub */
	TK_T_ANY      /* anything (record fields) */
} tk_type;

typedef struct tk_keyset tk_keyset;

typedef struct tk_key {
	const char *name;
	tk_type type;
	const char *values;      /* TK_T_ENUM: "left|right|center|justify" */
	const char *def;         /* default, as documentation ("3mm"), or NULL */
	const char *doc;         /* one line */
	const tk_keyset *sub;    /* MAP, MAPOF, LIST: what the items are */
	tk_type item;            /* MAPOF and LIST of scalars: the item type (sub NULL) */
} tk_key;

struct tk_keyset {
	const char *name;        /* e.g. "frame" */
	const char *doc;
	const tk_key *keys;      /* terminated by a key with name NULL */
	const char *also;        /* TK_T_TEXT/TK_T_STRING allowed instead of a map: doc */
};

/* What getters need: where to allocate and report, and the swatches colours may
 * name. scale multiplies lengths (a layout designed for A3 printed on A2). */
typedef struct tk_reader {
	tk_arena *a;
	tk_diag *d;
	int n_swatches;
	const char **swatch_names;
	const tk_cmyk *swatches;
	double scale;
	const struct tk_paths *paths;  /* where referenced files may be, NULL: anywhere */
} tk_reader;

/* Reports unknown keys of map (with a did-you-mean) and returns the number found;
 * also reports a non-map node. */
int tk_check_keys(tk_reader *r, const tk_node *map, const tk_keyset *ks);
/* The key's entry in ks, or NULL. */
const tk_key *tk_keyset_find(const tk_keyset *ks, const char *name);

int tk_get_string(tk_reader *r, const tk_node *map, const char *key, const char **out);
/* Length in points; percentages are of pct_base (pass a negative base to forbid
 * them). Negative values are refused unless allow_negative. The reader's scale
 * applies when scaled is non-zero. */
int tk_get_length(tk_reader *r, const tk_node *map, const char *key, double *out,
                  double pct_base, int allow_negative, int scaled);
int tk_get_number(tk_reader *r, const tk_node *map, const char *key, double *out,
                  double min, double max);
int tk_get_int(tk_reader *r, const tk_node *map, const char *key, int *out, int min,
               int max);
int tk_get_bool(tk_reader *r, const tk_node *map, const char *key, int *out);
/* values is "a|b|c"; *out gets the index. */
int tk_get_enum(tk_reader *r, const tk_node *map, const char *key, const char *values,
                int *out);
/* *is_none (may be NULL when none is not allowed) is set for "none". */
int tk_get_color(tk_reader *r, const tk_node *map, const char *key, tk_cmyk *out,
                 int *is_none);

/* The same on a value node (for list items and mapping values). */
int tk_node_string(tk_reader *r, const tk_node *n, const char **out);
int tk_node_length(tk_reader *r, const tk_node *n, double *out, double pct_base,
                   int allow_negative, int scaled);
int tk_node_color(tk_reader *r, const tk_node *n, tk_cmyk *out, int *is_none);
int tk_node_bool(tk_reader *r, const tk_node *n, int *out);

#endif

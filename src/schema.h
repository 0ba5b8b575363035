/* schema.h - JSON Schemas of trykk's files, made from the loader's key tables.
 *
 * The loaders check every mapping against a tk_keyset (yaml/get.h); the same tables
 * printed as JSON Schema (draft 2020-12) let editors complete and check content and
 * layout files, and cannot disagree with what trykk accepts. docs/schema/ holds the
 * generated files; tests/e2e/schema.sh proves they are current. */
#ifndef TK_SCHEMA_H
#define TK_SCHEMA_H
#include "yaml/get.h"

#include <stdio.h>

/* Writes the schema of files described by ks (tk_content_keys, tk_layout_keys) to
 * out; name ("content", "layout") makes the $id "<name>.schema.json". The output
 * depends only on the tables, so it is the same on every run. Returns 0, or -1
 * when writing failed. */
int tk_schema_write(FILE *out, const tk_keyset *ks, const char *name);

#endif

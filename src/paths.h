/* paths.h - where input files may come from.
 *
 * Pictures, CSV files, layouts and profiles named in YAML must lie inside the project
 * folder (the --root, "." by default), or inside a folder named with --allow-outside.
 * A content file passed around by e-mail cannot then make trykk read ~/.ssh/id_rsa
 * into a PDF. Symlinks are resolved before checking. */
#ifndef TK_PATHS_H
#define TK_PATHS_H
#include "diag.h"

typedef struct tk_paths tk_paths;

/* root: the project folder. Returns NULL after reporting when it does not exist. */
tk_paths *tk_paths_new(const char *root, tk_diag *d);
void tk_paths_free(tk_paths *p);
/* Allows files below dir too. Returns -1 after reporting when dir does not exist. */
int tk_paths_allow(tk_paths *p, const char *dir, tk_diag *d);
/* 0 when path may be read; else reports at loc (what, e.g. "picture", names it) and
 * returns -1. A path that does not exist is allowed here (the reader reports it). */
/* Whether path lies inside an allowed folder, as tk_paths_check decides, without a
 * message. */
int tk_paths_inside(const tk_paths *p, const char *path);
int tk_paths_check(const tk_paths *p, const char *path, const char *what, tk_diag *d,
                   const tk_loc *loc);

#endif

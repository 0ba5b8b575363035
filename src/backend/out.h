/* out.h - the backends: print PDF (libharu), screen PDF and PNG proofs (cairo), trace.
 *
 * Each writes a finished tk_doc. Files are written atomically: to a temporary file
 * in the same folder, flushed, then renamed over the target, so a failed build never
 * leaves a half-written file or replaces a good one. All return 0 on success and -1
 * after reporting the reason (the CLI maps that to exit code 3). */
#ifndef TK_OUT_H
#define TK_OUT_H
#include "../diag.h"
#include "../dl/dl.h"
#include "../img/color.h"
#include <stddef.h>
#include <stdio.h>

/* Writes len bytes to path atomically (temp file + fsync + rename). Refuses a path
 * that is a directory or a symlink. Reports and returns -1 on failure, leaving any
 * previous file at path untouched. */
int tk_write_atomic(const char *path, const void *data, size_t len, tk_diag *d);
/* The same with the whole of the file src as the bytes (read from its start). */
int tk_write_atomic_file(const char *path, FILE *src, tk_diag *d);
/* tk_write_atomic without the flushes (no fsync of the file or its folder), for
 * the PNG proofs: previews every build writes again, a few hundred of them for a
 * data merge, where the flushes were a quarter of the time. A failed build still
 * leaves the old file; a machine that loses power right after may keep an old or
 * empty proof until the next build. */
int tk_write_atomic_unsynced(const char *path, const void *data, size_t len, tk_diag *d);
/* Installs handlers for SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGXFSZ that remove a
 * temporary file tk_write_atomic is writing and then die of the same signal. */
void tk_atomic_signals(void);

/* Print PDF: DeviceCMYK only, MediaBox/BleedBox/TrimBox on every page, crop marks
 * (items with is_mark), every font embedded, OutputIntent, deterministic bytes. */
int tk_pdf_print_write(const tk_doc *doc, const char *path, tk_diag *d);
/* A number as libharu 2.3.0 writes it (its HPDF_FToA, byte for byte), for the
 * operators the print backend writes itself. Returns the length (< 16). */
size_t tk_pdf_real(char *out, float v);

/* The print PDF of a document whose pages are still being laid out (a data merge):
 * rendered on a thread of its own as the pages are handed over, in the order they
 * are handed over; same bytes as tk_pdf_print_write of the finished document.
 * doc's fields other than its pages must be set before tk_pdf_pipe_start, which
 * returns NULL on a machine with one core or with TRYKK_JOBS=1 (the caller then
 * writes the finished document itself). A page handed over must not change any
 * more. tk_pdf_pipe_finish waits for the last page, reports the renderer's
 * messages to d and writes the file atomically; tk_pdf_pipe_cancel stops with
 * nothing written. Both free the pipe; finish returns -1 for NULL. */
typedef struct tk_pdf_pipe tk_pdf_pipe;
tk_pdf_pipe *tk_pdf_pipe_start(const tk_doc *doc);
void tk_pdf_pipe_page(tk_pdf_pipe *p, const tk_page *page);
int tk_pdf_pipe_finish(tk_pdf_pipe *p, const char *path, tk_diag *d);
void tk_pdf_pipe_cancel(tk_pdf_pipe *p);
/* Waits until the pipe has written its first n pages, and returns how many it has
 * (INT_MAX once it takes no more: it failed, or its pages have ended), so that
 * the caller may free what those pages point to. */
int tk_pdf_pipe_wait(tk_pdf_pipe *p, int n);
/* A finished document's print PDF on a thread of its own while this one goes on
 * (the press sheets while the pages are written): a pipe with every page handed
 * over; NULL where tk_pdf_pipe_start gives none (the caller then writes it with
 * tk_pdf_print_write). Finish or cancel it as any pipe. */
tk_pdf_pipe *tk_pdf_print_start(const tk_doc *doc);

/* Screen PDF: RGB (converted with color), trimmed to the finished size, no marks,
 * extractable text, clickable links, outline from DEST items. */
int tk_pdf_screen_write(const tk_doc *doc, tk_color *color, const char *path, tk_diag *d);

/* PNG proofs of every page at dpi, trimmed: path_fmt contains one %d (1-based page
 * number, printed as %03d style by the caller's format). spreads: 0 single pages;
 * 1 reader spreads (page 1 alone, then 2|3, 4|5, ...). */
int tk_png_proofs_write(const tk_doc *doc, tk_color *color, const char *path_fmt,
                        double dpi, int spreads, tk_diag *d);

/* Trace: a plain-text dump of the display list (one line per item, positions in
 * points with 2 decimals) for golden tests. */
int tk_trace_write(const tk_doc *doc, const char *path, tk_diag *d);

#endif

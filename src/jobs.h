/* jobs.h - building several content files at once, one process per file.
 *
 * Documents are independent, so `trykk build a.yaml b.yaml ...` builds them in up
 * to TK_JOBS_MAX worker processes (forked from the session, so fonts and the
 * fontconfig set-up are shared). Each worker's messages are held back and printed
 * whole, in the order the files were given, so the output reads as a one-by-one
 * build's; every PDF is byte-identical to a lone build's. */
#ifndef TK_JOBS_H
#define TK_JOBS_H
#include "job.h"

/* At most this many documents are built at the same time (the machines trykk is
 * built for have two cores). */
#define TK_JOBS_MAX 2

/* Workers to use for n files here: 1 (build in this process) when there is one
 * file, one core, or TRYKK_JOBS=1 in the environment. */
int tk_jobs_workers(int n);

/* Builds files[0..n-1] and returns the largest TK_EXIT_* code of their builds
 * (TK_EXIT_IO when a worker could not be started or died). */
int tk_jobs_build(tk_session *s, const char *const *files, int n);

#endif

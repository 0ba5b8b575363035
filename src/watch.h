/* watch.h - `trykk watch`: build, then build again whenever an input changes. */
#ifndef TK_WATCH_H
#define TK_WATCH_H
#include "job.h"

/* Builds files with o (the outputs o asks for; the CLI passes screen and proof),
 * then watches, with inotify, the folders of the content files (and their
 * subfolders, where pictures live), the project's layouts/ and the --layout's
 * folder. When a content, layout, picture, CSV or ICC file there changes, it waits
 * until changes stop for about 100 ms and builds every file again, printing how
 * long that took; the findings are reported as in a build. A failed build keeps
 * the last good outputs (the backends write atomically). Returns on SIGINT or
 * SIGTERM with TK_EXIT_OK, or after max_rebuilds rebuilds (0: no limit) with the
 * last build's exit code; TK_EXIT_IO when inotify cannot be used. */
int tk_watch(const tk_job_opts *o, const char *const *files, int nfiles, int max_rebuilds);

#endif

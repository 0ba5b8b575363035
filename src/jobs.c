/* jobs.c - several documents built side by side in worker processes.
 *
 * A worker is a fork of the session: it builds one file with its standard error
 * going to an unlinked temporary file, and exits with the build's code. The parent
 * keeps up to TK_JOBS_MAX workers running, and waits for them in file order,
 * copying each one's messages to its own standard error before the next one's,
 * so messages never interleave and come in the order a serial build gives. */
#include "jobs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct worker {
	pid_t pid;
	FILE *err;       /* the worker's standard error, read back by the parent */
} worker;

int tk_jobs_workers(int n)
{
	const char *env = getenv("TRYKK_JOBS");
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int w = cores > 1 ? (int)(cores < TK_JOBS_MAX ? cores : TK_JOBS_MAX) : 1;
	if (env && *env) {
		int e = atoi(env);
		if (e >= 1 && e < w)
			w = e;
	}
	return n < w ? n : w;
}

static int start(tk_session *s, const char *file, worker *w)
{
	w->err = tmpfile();
	if (!w->err)
		return -1;
	fflush(NULL); /* nothing buffered may be written twice */
	w->pid = fork();
	if (w->pid < 0) {
		fclose(w->err);
		w->err = NULL;
		return -1;
	}
	if (w->pid == 0) {
		int rc = TK_EXIT_IO;
		if (dup2(fileno(w->err), 2) >= 0)
			rc = tk_job_build(s, file);
		fflush(NULL);
		_exit(rc);
	}
	return 0;
}

/* Waits for w, copies its messages to stderr and returns its exit code. */
static int finish(worker *w)
{
	int status = 0, rc = TK_EXIT_IO;
	while (waitpid(w->pid, &status, 0) < 0)
		;
	if (WIFEXITED(status))
		rc = WEXITSTATUS(status);
	char buf[8192];
	size_t n;
	rewind(w->err);
	while ((n = fread(buf, 1, sizeof buf, w->err)) > 0)
		fwrite(buf, 1, n, stderr);
	fflush(stderr);
	fclose(w->err);
	if (!WIFEXITED(status))
		fprintf(stderr, "trykk: error: the build of a document stopped with signal %d\n",
		        WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return rc;
}

int tk_jobs_build(tk_session *s, const char *const *files, int n)
{
	int rc = TK_EXIT_OK, workers = tk_jobs_workers(n);
	if (workers <= 1) {
		for (int i = 0; i < n; i++) {
			int r = tk_job_build(s, files[i]);
			if (r > rc)
				rc = r;
		}
		return rc;
	}
	worker *w = calloc((size_t)n, sizeof *w);
	if (!w)
		return TK_EXIT_IO;
	tk_session_before_fork(s);
	int started = 0;
	for (int i = 0; i < n; i++) {
		/* Keep the pipeline full: file i + workers - 1 starts before i is waited. */
		for (; started < n && started < i + workers; started++)
			if (start(s, files[started], &w[started]) < 0) {
				/* No worker (out of processes): this one is built here. */
				w[started].pid = 0;
			}
		int r;
		if (w[i].pid > 0)
			r = finish(&w[i]);
		else
			r = tk_job_build(s, files[i]);
		if (r > rc)
			rc = r;
	}
	free(w);
	return rc;
}

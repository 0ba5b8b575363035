/* watch.c - `trykk watch`: the edit-and-look loop for designers and writers.
 *
 * inotify watches folders, not files: editors save by writing a new file and
 * renaming it over the old one, which a watch on the old file's inode would miss.
 * So the folders holding the inputs are watched (content folders with their
 * subfolders for pictures, layouts/, the --layout's folder), and an event counts
 * when it names a file of a kind trykk reads. A save is often several events
 * (create, write, rename), so the rebuild starts only after 100 ms without one.
 *
 * Every rebuild uses a new session and a new diagnostics object: error counts
 * start again at zero, and messages quote the files as they are now, not as they
 * were when first read. Outputs are written atomically and not at all by a build
 * with errors, so the proofs on screen stay the last good ones. */
#include "watch.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEBOUNCE_MS 100
#define MAX_DIRS 256
#define EVENTS (IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_ATTRIB)

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

typedef struct watcher {
	int fd;
	int n;
	int wd[MAX_DIRS];
	char *real[MAX_DIRS];      /* realpath of each watched folder */
	char *out_real;            /* the output folder: its proofs are ours */
} watcher;

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static void add_dir(watcher *w, const char *dir)
{
	char *real = realpath(dir, NULL);
	if (!real || !is_dir(real) || w->n == MAX_DIRS) {
		free(real);
		return;
	}
	for (int i = 0; i < w->n; i++)
		if (strcmp(w->real[i], real) == 0) {
			free(real);
			return;
		}
	/* The output folder's own changes are our proofs being written. */
	if (w->out_real && strcmp(real, w->out_real) == 0) {
		free(real);
		return;
	}
	int wd = inotify_add_watch(w->fd, real, EVENTS);
	if (wd < 0) {
		fprintf(stderr, "trykk: warning: cannot watch '%s': %s\n", dir, strerror(errno));
		free(real);
		return;
	}
	w->wd[w->n] = wd;
	w->real[w->n++] = real;
}

/* dir and its subfolders one level down (content/images), hidden ones excepted. */
static void add_tree(watcher *w, const char *dir)
{
	add_dir(w, dir);
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char sub[PATH_MAX];
		if (snprintf(sub, sizeof sub, "%s/%s", dir, de->d_name) < (int)sizeof sub &&
		    is_dir(sub))
			add_dir(w, sub);
	}
	closedir(d);
}

static void add_parent(watcher *w, const char *file, int tree)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(file, '/');
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - file == 0 ? 1 : slash - file), file);
	if (tree)
		add_tree(w, dir);
	else
		add_dir(w, dir);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/* Does a change of this file name matter to a build? */
static int relevant(const char *name)
{
	static const char *const kinds[] = {".yaml", ".yml", ".png", ".jpg", ".jpeg",
	                                    ".csv", ".icc", ".icm"};
	if (!name[0] || name[0] == '.' || ends_with(name, "~"))
		return 0;
	if (strstr(name, "-proof-") && ends_with(name, ".png"))
		return 0; /* a proof written into a content folder (-o content) */
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (ends_with(name, kinds[i]))
			return 1;
	return 0;
}

/* Reads the events waiting; returns how many named a relevant file. */
static int drain(watcher *w)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	int hits = 0;
	for (;;) {
		ssize_t n = read(w->fd, buf, sizeof buf);
		if (n <= 0)
			return hits;
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			if (ev->len && relevant(ev->name))
				hits++;
			p += sizeof *ev + ev->len;
		}
	}
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* One build of every file; prints the time it took and what it found. */
static int build_all(const tk_job_opts *o, const char *const *files, int nfiles, int again)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	tk_diag *d = tk_diag_new(stderr);
	tk_diag_set_level(d, o->verbose ? TK_INFO : TK_WARNING);
	int rc = TK_EXIT_OK;
	tk_session *s = tk_session_new(o, d);
	if (!s)
		rc = TK_EXIT_INPUT;
	for (int i = 0; s && i < nfiles; i++) {
		int r = tk_job_build(s, files[i]);
		if (r > rc)
			rc = r;
	}
	tk_session_free(s);
	int errors = tk_diag_errors(d), warnings = tk_diag_warnings(d);
	tk_diag_free(d);
	if (!o->quiet || rc != TK_EXIT_OK) {
		char when[16];
		time_t now = time(NULL);
		strftime(when, sizeof when, "%H:%M:%S", localtime(&now));
		fprintf(stderr, "trykk: %s %s %d file%s in %.2f s: ", when, again ? "rebuilt" : "built",
		        nfiles, nfiles == 1 ? "" : "s", seconds_since(&t0));
		if (rc == TK_EXIT_OK)
			fprintf(stderr, "ok, %d warning%s\n", warnings, warnings == 1 ? "" : "s");
		else
			fprintf(stderr, "%d error%s, %d warning%s; the last good proofs are kept\n",
			        errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
	}
	return rc;
}

int tk_watch(const tk_job_opts *opts, const char *const *files, int nfiles, int max_rebuilds)
{
	tk_job_opts o = *opts;
	o.progress = 0; /* the rebuild line says it all */
	watcher w = {.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)};
	if (w.fd < 0) {
		fprintf(stderr, "trykk: error: cannot watch files (inotify): %s\n", strerror(errno));
		return TK_EXIT_IO;
	}
	w.out_real = realpath(o.out_dir ? o.out_dir : "out", NULL);
	const char *root = o.root ? o.root : ".";
	for (int i = 0; i < nfiles; i++)
		add_parent(&w, files[i], 1);
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s/layouts", root);
	add_tree(&w, dir);
	if (o.layout)
		add_parent(&w, o.layout, 0);

	struct sigaction sa = {0};
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: poll must return when Ctrl-C comes */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/* The watches are in place before the first build, so no change is missed. */
	int rc = build_all(&o, files, nfiles, 0);
	if (!o.quiet)
		fprintf(stderr, "trykk: watching %d folder%s for changes (Ctrl-C to stop)\n", w.n,
		        w.n == 1 ? "" : "s");
	int rebuilds = 0;
	struct pollfd pfd = {.fd = w.fd, .events = POLLIN};
	while (!stop_requested && (max_rebuilds == 0 || rebuilds < max_rebuilds)) {
		int r = poll(&pfd, 1, -1);
		if (r < 0 && errno != EINTR) {
			fprintf(stderr, "trykk: error: watching: %s\n", strerror(errno));
			rc = TK_EXIT_IO;
			break;
		}
		if (r <= 0 || !drain(&w))
			continue;
		/* Wait until the changes stop: one save can be several events. */
		while (!stop_requested) {
			r = poll(&pfd, 1, DEBOUNCE_MS);
			if (r == 0)
				break;
			if (r > 0)
				drain(&w);
		}
		if (stop_requested)
			break;
		rc = build_all(&o, files, nfiles, 1);
		rebuilds++;
	}
	if (stop_requested) {
		rc = TK_EXIT_OK;
		if (!o.quiet)
			fputs("trykk: stopped watching\n", stderr);
	}
	for (int i = 0; i < w.n; i++)
		free(w.real[i]);
	free(w.out_real);
	close(w.fd);
	return rc;
}

/* atomic.c - writing an output file so that it is either completely the new file or
 * still the old one. The bytes go to a temporary file beside the target (same
 * folder, so the final rename stays on one file system and is atomic), are flushed
 * to the disk (not for the PNG proofs: tk_write_atomic_unsynced), and only then
 * renamed over the target. A failure at any step removes
 * the temporary file and leaves whatever was at the target untouched, so a print
 * shop never receives a half-written PDF from a build that ran out of disk space.
 *
 * Targets that are not regular files are refused: renaming over a directory fails
 * anyway, renaming over a symlink would silently replace the link instead of
 * writing where it points, and renaming over a device (/dev/full, /dev/null) would
 * replace the device node when run as root. */
#include "out.h"

#include "../arena.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Longest part of the target's name copied into the temporary name, so that the
 * ".name.XXXXXX" pattern stays below NAME_MAX for long output names. */
#define TMP_BASE_MAX 200

/* The temporary file being written, for the signal handler: a build stopped by
 * Ctrl-C, kill or a file-size limit removes it before it dies, so nothing is left
 * behind but the old output. One at a time: a process writes one file at once. */
static char tmp_now[PATH_MAX];
static volatile sig_atomic_t have_tmp;

static void on_signal(int sig)
{
	if (have_tmp)
		unlink(tmp_now); /* async-signal-safe */
	signal(sig, SIG_DFL);
	raise(sig);
}

void tk_atomic_signals(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGXFSZ};
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		struct sigaction old;
		/* A signal the caller's parent set to be ignored stays ignored. */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

static void track(const char *tmp)
{
	have_tmp = 0;
	if (!tmp || strlen(tmp) >= sizeof tmp_now)
		return;
	memcpy(tmp_now, tmp, strlen(tmp) + 1);
	have_tmp = 1;
}

static int fail(tk_diag *d, const char *path, const char *why)
{
	tk_error(d, NULL, "cannot write '%s': %s", path, why);
	return -1;
}

/* Splits path into its folder ("." when there is none) and a temporary-file
 * pattern in that folder. The caller frees the result. */
static char *tmp_pattern(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
	size_t base_len = strlen(base);
	if (base_len > TMP_BASE_MAX)
		base_len = TMP_BASE_MAX;
	/* dir + "." + base + ".XXXXXX" + NUL */
	char *t = tk_xmalloc(dir_len + 1 + base_len + 7 + 1);
	memcpy(t, path, dir_len);
	t[dir_len] = '.';
	memcpy(t + dir_len + 1, base, base_len);
	memcpy(t + dir_len + 1 + base_len, ".XXXXXX", 8);
	return t;
}

/* The folder holding path, for fsync after the rename. The caller frees it. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return tk_xstrdup(".");
	if (slash == path)
		return tk_xstrdup("/");
	size_t n = (size_t)(slash - path);
	char *dir = tk_xmalloc(n + 1);
	memcpy(dir, path, n);
	dir[n] = 0;
	return dir;
}

static int write_all(int fd, const unsigned char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			/* No progress and no errno: treat as a full disk rather than spin. */
			errno = ENOSPC;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* What goes into the temporary file: len bytes at data, or (src set) the whole of
 * the file src. Returns 0 or -1 with errno set. */
static int fill(int fd, const void *data, size_t len, FILE *src)
{
	if (!src)
		return write_all(fd, data, len);
	if (fseeko(src, 0, SEEK_SET) != 0)
		return -1;
	unsigned char buf[1 << 16];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, src)) > 0)
		if (write_all(fd, buf, n) != 0)
			return -1;
	if (ferror(src)) {
		errno = EIO;
		return -1;
	}
	return 0;
}

static int atomic(const char *path, const void *data, size_t len, FILE *src, int durable,
                  tk_diag *d);

int tk_write_atomic(const char *path, const void *data, size_t len, tk_diag *d)
{
	return atomic(path, data, len, NULL, 1, d);
}

int tk_write_atomic_file(const char *path, FILE *src, tk_diag *d)
{
	return atomic(path, NULL, 0, src, 1, d);
}

int tk_write_atomic_unsynced(const char *path, const void *data, size_t len, tk_diag *d)
{
	return atomic(path, data, len, NULL, 0, d);
}

static int atomic(const char *path, const void *data, size_t len, FILE *src, int durable,
                  tk_diag *d)
{
	if (!path || !*path)
		return fail(d, "", "no file name given");
	if (path[strlen(path) - 1] == '/')
		return fail(d, path, "names a folder, not a file");

	struct stat st;
	if (lstat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return fail(d, path, "is a directory");
		if (S_ISLNK(st.st_mode))
			return fail(d, path, "is a symbolic link (refusing to replace it; "
			                     "write to the file it points to instead)");
		if (!S_ISREG(st.st_mode))
			return fail(d, path, "is not a regular file");
	} else if (errno != ENOENT) {
		return fail(d, path, strerror(errno));
	}

	char *tmp = tmp_pattern(path);
	/* Signals wait while the name is recorded, so the handler never sees a file
	 * it does not know of. */
	sigset_t all, was;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &was);
	int fd = mkstemp(tmp);
	if (fd >= 0)
		track(tmp);
	sigprocmask(SIG_SETMASK, &was, NULL);
	if (fd < 0) {
		int e = errno;
		free(tmp);
		return fail(d, path, strerror(e));
	}

	/* mkstemp makes the file 0600; output files are for sharing (the print shop's
	 * upload, a web server), so give them what open(2) with 0666 would. umask can
	 * only be read by setting it, hence the two calls. */
	mode_t mask = umask(0);
	umask(mask);

	int e = 0;
	if (fill(fd, data, len, src) != 0)
		e = errno;
	else if (fchmod(fd, 0666 & ~mask) != 0)
		e = errno;
	else if (durable && fsync(fd) != 0)
		e = errno;
	/* close can report a delayed write error (NFS, quota), so it is checked too. */
	if (close(fd) != 0 && !e)
		e = errno;
	if (!e && rename(tmp, path) != 0)
		e = errno;
	if (e)
		unlink(tmp);
	track(NULL);
	free(tmp);
	if (e)
		return fail(d, path, strerror(e));

	/* Make the rename itself durable. The new file is complete and in place
	 * whatever happens here, so a folder that cannot be synced (some network and
	 * FUSE file systems refuse) is not a reason to report failure. */
	if (!durable)
		return 0;
	char *dir = dir_of(path);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	free(dir);
	return 0;
}

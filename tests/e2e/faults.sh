#!/bin/sh
# Output failures: whatever goes wrong while writing, trykk says what and where, exits
# with 3, leaves no partial or temporary file in the output folder, and leaves the
# PDFs of an earlier good build byte-identical. A build that fails on its input
# (exit 1) writes nothing at all.
#
# Errors come from the kernel where this sandbox can produce them honestly, running
# as root: a regular file where a folder should be (ENOTDIR), a folder or a symlink
# where the PDF should go, /sys (EACCES or EROFS for root too), RLIMIT_FSIZE
# (`ulimit -f`, EFBIG in the middle of a write) and a file name longer than NAME_MAX.
# The rest come from a small LD_PRELOAD library built here (fault.c below), which
# makes one libc call fail for paths under the output folder only: ENOSPC after part
# of the file is written, EIO from fsync, EDQUOT from close, EXDEV from rename,
# EACCES from mkstemp, or a signal in the middle of a write.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
OUT=tests/out/faults
rm -rf "$OUT" && mkdir -p "$OUT"
DOC=plakat-edru-voksne
SRC=content/$DOC.yaml
TRYKK=./trykk

cat >"$OUT/fault.c" <<'EOF'
/* LD_PRELOAD fault injection for tests/e2e/faults.sh. FAULT_OP names the call that
 * fails (write, fsync, close, rename, mkstemp) for files whose path contains
 * FAULT_MATCH; FAULT_ERRNO is the errno (default ENOSPC). write: the first
 * FAULT_AFTER bytes go through (a partial file), then it fails, or raises
 * FAULT_SIGNAL instead when that is set. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int is_op(const char *op)
{
	const char *o = getenv("FAULT_OP");
	return o && strcmp(o, op) == 0;
}

static int path_matches(const char *p)
{
	const char *m = getenv("FAULT_MATCH");
	return p && m && *m && strstr(p, m);
}

static int fd_matches(int fd)
{
	char link[64], path[4096];
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, path, sizeof path - 1);
	if (n < 0)
		return 0;
	path[n] = 0;
	return path_matches(path);
}

static int fault_errno(void)
{
	const char *e = getenv("FAULT_ERRNO");
	return e ? atoi(e) : ENOSPC;
}

static long long written;

ssize_t write(int fd, const void *buf, size_t n)
{
	static ssize_t (*real)(int, const void *, size_t);
	if (!real)
		real = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	if (!is_op("write") || !fd_matches(fd))
		return real(fd, buf, n);
	const char *a = getenv("FAULT_AFTER");
	long long after = a ? atoll(a) : 0;
	if (written + (long long)n > after) {
		if (after > written) {
			ssize_t r = real(fd, buf, (size_t)(after - written));
			if (r > 0)
				written += r;
			return r;
		}
		if (getenv("FAULT_SIGNAL"))
			raise(atoi(getenv("FAULT_SIGNAL")));
		errno = fault_errno();
		return -1;
	}
	ssize_t r = real(fd, buf, n);
	if (r > 0)
		written += r;
	return r;
}

int fsync(int fd)
{
	static int (*real)(int);
	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	if (is_op("fsync") && fd_matches(fd)) {
		errno = fault_errno();
		return -1;
	}
	return real(fd);
}

int close(int fd)
{
	static int (*real)(int);
	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "close");
	int hit = is_op("close") && fd_matches(fd);
	int r = real(fd);
	if (hit) {
		/* closed, but reporting a delayed write error, as NFS does */
		errno = fault_errno();
		return -1;
	}
	return r;
}

int rename(const char *from, const char *to)
{
	static int (*real)(const char *, const char *);
	if (!real)
		real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
	if (is_op("rename") && path_matches(to)) {
		errno = fault_errno();
		return -1;
	}
	return real(from, to);
}

int mkstemp(char *tmpl)
{
	static int (*real)(char *);
	if (!real)
		real = (int (*)(char *))dlsym(RTLD_NEXT, "mkstemp");
	if (is_op("mkstemp") && path_matches(tmpl)) {
		errno = fault_errno();
		return -1;
	}
	return real(tmpl);
}
EOF
SHIM=""
if ${CC:-cc} -shared -fPIC -O1 -o "$OUT/fault.so" "$OUT/fault.c" -ldl 2>"$OUT/fault.err"; then
	SHIM=$(pwd)/$OUT/fault.so
	ok "fault library builds"
else
	bad "fault library builds" "$(cat "$OUT/fault.err")"
fi
# Under `make asan` trykk carries the ASan runtime, which wants to come first.
SHIM_ASAN="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

# A good build to compare against: print and screen PDFs, no proofs (faster).
./trykk build -q --only print,screen -o "$OUT/good" "$SRC" 2>"$OUT/good.err"
equals "good build: exit 0" "$?" "0"
[ -f "$OUT/good/$DOC.pdf" ] || bad "good build: no PDF"

listing() { (cd "$1" && find . | LC_ALL=C sort); }

# fresh NAME: a copy of the good output folder to break.
fresh() {
	rm -rf "$OUT/$1"
	cp -a "$OUT/good" "$OUT/$1"
}

# intact NAME DIR: DIR holds exactly the good build's files, byte for byte, and
# nothing else (no temporary ".NAME.pdf.XXXXXX", no partial PDF).
intact() {
	equals "$1: no new, partial or temporary files" "$(listing "$2")" "$(listing "$OUT/good")"
	for f in "$OUT/good"/*; do
		cmp -s "$f" "$2/$(basename "$f")" || bad "$1: $(basename "$f") changed"
	done
}

# expect NAME STATUS MESSAGE: the last run's status and stderr ($OUT/NAME.err).
expect() {
	equals "$1: exit $2" "$status" "$2"
	contains "$1: message" "$(cat "$OUT/$1.err")" "$3"
}

# ---- the output folder is not a usable folder -----------------------------------

echo "not a folder" >"$OUT/afile"
cp "$OUT/afile" "$OUT/afile.orig"
$TRYKK build -q -o "$OUT/afile" "$SRC" 2>"$OUT/folder-is-file.err"
status=$?
expect folder-is-file 3 "error: output folder '$OUT/afile' is not a folder"
check "folder-is-file: the file is untouched" cmp "$OUT/afile" "$OUT/afile.orig"

$TRYKK build -q -o "$OUT/afile/sub" "$SRC" 2>"$OUT/parent-is-file.err"
status=$?
expect parent-is-file 3 "error: cannot make output folder '$OUT/afile/sub': Not a directory"

$TRYKK build -q -o "$OUT/no/such/folder" "$SRC" 2>"$OUT/parent-missing.err"
status=$?
expect parent-missing 3 "cannot make output folder '$OUT/no/such/folder': No such file or directory"

# ---- the PDF's name is taken by a folder or a symlink ---------------------------

mkdir -p "$OUT/pdf-is-dir/$DOC.pdf"
$TRYKK build -q --only print -o "$OUT/pdf-is-dir" "$SRC" 2>"$OUT/pdf-is-dir.err"
status=$?
expect pdf-is-dir 3 "error: cannot write '$OUT/pdf-is-dir/$DOC.pdf': is a directory"
equals "pdf-is-dir: the folder stays, empty" "$(listing "$OUT/pdf-is-dir")" ".
./$DOC.pdf"

fresh symlink
echo "somewhere else" >"$OUT/elsewhere.txt"
cp "$OUT/elsewhere.txt" "$OUT/elsewhere.orig"
rm "$OUT/symlink/$DOC.pdf"
ln -s ../elsewhere.txt "$OUT/symlink/$DOC.pdf"
$TRYKK build -q -o "$OUT/symlink" "$SRC" 2>"$OUT/symlink.err"
status=$?
expect symlink 3 "error: cannot write '$OUT/symlink/$DOC.pdf': is a symbolic link"
check "symlink: the file it points to is untouched" cmp "$OUT/elsewhere.txt" "$OUT/elsewhere.orig"
[ -L "$OUT/symlink/$DOC.pdf" ] && ok "symlink: the link is still a link" ||
	bad "symlink: the link was replaced"
equals "symlink: no temporary file" "$(find "$OUT/symlink" -name '.*' ! -path '*/.trykk-cache*' | wc -l)" "0"

fresh dangling
rm "$OUT/dangling/$DOC.pdf"
ln -s ../does-not-exist.pdf "$OUT/dangling/$DOC.pdf"
$TRYKK build -q -o "$OUT/dangling" "$SRC" 2>"$OUT/dangling.err"
status=$?
expect dangling 3 "is a symbolic link"
[ -e "$OUT/does-not-exist.pdf" ] && bad "dangling: wrote through the link" ||
	ok "dangling: nothing written through the link"

# ---- kernel errors ----------------------------------------------------------------

# A file name longer than NAME_MAX (255 bytes): the content's name makes it.
long=$(printf 'x%.0s' $(seq 1 246))
mkdir -p "$OUT/long-src"
cp "$SRC" "$OUT/long-src/$long.yaml" 2>/dev/null
if [ -f "$OUT/long-src/$long.yaml" ]; then
	# The print PDF's name (250 bytes) fits, the screen PDF's (257) does not.
	$TRYKK build -q --only print,screen -o "$OUT/long" "$OUT/long-src/$long.yaml" \
		2>"$OUT/name-too-long.err"
	status=$?
	expect name-too-long 3 "$long-screen.pdf': File name too long"
	equals "name-too-long: no temporary file" "$(find "$OUT/long" -name '.*' ! -path '*/.trykk-cache*' | wc -l)" "0"
fi

# RLIMIT_FSIZE: the kernel refuses to grow a file past the limit (EFBIG) in the
# middle of the PDF; SIGXFSZ is ignored so write() returns the error.
fresh fsize
(trap '' XFSZ; ulimit -f 64 && exec $TRYKK build -q -o "$OUT/fsize" "$SRC") 2>"$OUT/fsize.err"
status=$?
expect fsize 3 "error: cannot write '$OUT/fsize/$DOC.pdf': File too large"
intact fsize "$OUT/fsize"

# The same without ignoring SIGXFSZ: the kernel's signal ends trykk mid-write.
fresh fsize-signal
# (An inner shell waits for it, so its "File size limit exceeded" goes to the log.)
sh -c '(ulimit -f 64 && exec "$@"); exit $?' sh $TRYKK build -q -o "$OUT/fsize-signal" "$SRC" \
	2>"$OUT/fsize-signal.err"
status=$?
equals "fsize-signal: killed by SIGXFSZ" "$status" "$((128 + 25))"
intact fsize-signal "$OUT/fsize-signal"

# /sys takes no new files, not even from root (EACCES, or EROFS where it is mounted
# read-only).
if [ -d /sys ] && ! touch /sys/trykk-probe 2>/dev/null; then
	$TRYKK build -q --only print -o /sys "$SRC" 2>"$OUT/sys.err"
	status=$?
	equals "sys: exit 3" "$status" "3"
	case "$(cat "$OUT/sys.err")" in
	*"cannot write '/sys/$DOC.pdf': Permission denied"* | \
	*"cannot write '/sys/$DOC.pdf': Read-only file system"*) ok "sys: message" ;;
	*) bad "sys: message" "$(cat "$OUT/sys.err")" ;;
	esac
fi

# A folder without write permission, when not running as root (root ignores it).
if [ "$(id -u)" -ne 0 ]; then
	fresh readonly
	chmod 555 "$OUT/readonly"
	$TRYKK build -q -o "$OUT/readonly" "$SRC" 2>"$OUT/readonly.err"
	status=$?
	chmod 755 "$OUT/readonly"
	expect readonly 3 "error: cannot write '$OUT/readonly/$DOC.pdf': Permission denied"
	intact readonly "$OUT/readonly"
fi

# ---- injected failures (fault.so) ----------------------------------------------

# inject NAME OP ERRNO [VAR=VALUE...]: a build over a copy of the good folder with
# OP failing for files in it.
inject() {
	name=$1 op=$2 err=$3
	shift 3
	fresh "$name"
	env LD_PRELOAD="$SHIM" ASAN_OPTIONS="$SHIM_ASAN" FAULT_OP="$op" FAULT_ERRNO="$err" \
		FAULT_MATCH="$OUT/$name/" "$@" $TRYKK build -q --only print,screen \
		-o "$OUT/$name" "$SRC" 2>"$OUT/$name.err"
	status=$?
}

if [ -n "$SHIM" ]; then
	# Disk full after 64 KiB of the print PDF are on the disk.
	inject enospc write 28 FAULT_AFTER=65536
	expect enospc 3 "error: cannot write '$OUT/enospc/$DOC.pdf': No space left on device"
	intact enospc "$OUT/enospc"

	# Disk full at the first byte.
	inject enospc0 write 28
	expect enospc0 3 "No space left on device"
	intact enospc0 "$OUT/enospc0"

	inject fsync-eio fsync 5
	expect fsync-eio 3 "error: cannot write '$OUT/fsync-eio/$DOC.pdf': Input/output error"
	intact fsync-eio "$OUT/fsync-eio"

	inject close-quota close 122
	expect close-quota 3 "error: cannot write '$OUT/close-quota/$DOC.pdf': Disk quota exceeded"
	intact close-quota "$OUT/close-quota"

	inject rename-exdev rename 18
	expect rename-exdev 3 "error: cannot write '$OUT/rename-exdev/$DOC.pdf': Invalid cross-device link"
	intact rename-exdev "$OUT/rename-exdev"

	inject eacces mkstemp 13
	expect eacces 3 "error: cannot write '$OUT/eacces/$DOC.pdf': Permission denied"
	intact eacces "$OUT/eacces"

	# The print PDF is written, then the disk fills while writing the screen PDF:
	# exit 3, the new print PDF complete, the old screen PDF untouched, no temp file.
	fresh screen-full
	env LD_PRELOAD="$SHIM" ASAN_OPTIONS="$SHIM_ASAN" FAULT_OP=write FAULT_ERRNO=28 \
		FAULT_MATCH="$OUT/screen-full/.$DOC-screen.pdf." FAULT_AFTER=4096 \
		$TRYKK build -q --only print,screen -o "$OUT/screen-full" "$SRC" \
		2>"$OUT/screen-full.err"
	status=$?
	expect screen-full 3 "error: cannot write '$OUT/screen-full/$DOC-screen.pdf': No space left on device"
	equals "screen-full: same files as before" "$(listing "$OUT/screen-full")" "$(listing "$OUT/good")"
	check "screen-full: the screen PDF is the old one" \
		cmp "$OUT/screen-full/$DOC-screen.pdf" "$OUT/good/$DOC-screen.pdf"
	check "screen-full: the print PDF is complete" qpdf --check "$OUT/screen-full/$DOC.pdf"

	# Interrupted (Ctrl-C, SIGTERM) in the middle of writing the print PDF. trykk
	# runs with both signals at their default action, however this test was started
	# (a background job starts with SIGINT ignored, and trykk keeps an ignored signal
	# ignored).
	cat >"$OUT/default-signals" <<'EOF'
#!/usr/bin/perl
$SIG{INT} = $SIG{TERM} = 'DEFAULT';
exec @ARGV or die "exec: $!";
EOF
	chmod +x "$OUT/default-signals"
	for sig in INT:2 TERM:15; do
		n=sig${sig%%:*}
		inject "$n" write 28 FAULT_AFTER=65536 FAULT_SIGNAL="${sig#*:}" "$OUT/default-signals"
		equals "$n: killed by the signal" "$status" "$((128 + ${sig#*:}))"
		intact "$n" "$OUT/$n"
	done
fi

# ---- a build that fails on its input replaces nothing ---------------------------

mkdir -p "$OUT/src"
# A YAML syntax error: the build stops before layout.
sed 's/^fields:/fields: [/' "$SRC" >"$OUT/src/$DOC.yaml"
fresh bad-yaml
$TRYKK build -q -o "$OUT/bad-yaml" "$OUT/src/$DOC.yaml" 2>"$OUT/bad-yaml.err"
status=$?
expect bad-yaml 1 "error: YAML syntax"
intact bad-yaml "$OUT/bad-yaml"

# Well-formed YAML, but the text does not fit its frame: the build fails in layout.
{
	sed '/^  tekst: |/,$d' "$SRC"
	echo "  tekst: |"
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		echo "    Avsnitt $i som gjør teksten altfor lang for rammen på plakaten."
		echo
	done
	echo "  avsender: Grimstad kommune"
} >"$OUT/src/$DOC.yaml"
fresh overflow
$TRYKK build -q -o "$OUT/overflow" "$OUT/src/$DOC.yaml" 2>"$OUT/overflow.err"
status=$?
expect overflow 1 "error: text overflows frame 'tekst'"
intact overflow "$OUT/overflow"

finish

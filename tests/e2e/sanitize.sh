#!/bin/sh
# The whole test suite (tests/run.sh) against instrumented binaries: run by
# `make asan` as `sh tests/e2e/sanitize.sh build/asan`, after it has built
# build/asan/{trykk,unit_tests,keydoc,pngdiff,fuzz-replay-*} with
# -fsanitize=address,undefined.
#
# The test scripts call ./trykk and ./build/...; rather than teach each of them
# another path, the tree is copied (without build/, out/, tests/out/ and .git) to
# BIN/tree, the instrumented binaries are put where the scripts look, and
# tests/run.sh runs there. A copy rather than symlinks, because the path guard
# resolves symlinks and would see fonts/ and content/ as outside the project.
#
# Every sanitizer report is written to a log file (log_path) as well as failing the
# process, so a report from a command whose status or stderr a test ignores (a
# `2>/dev/null` build) still fails this run. Leaks are checked (detect_leaks=1);
# tests/lsan.supp lists the few library-internal allocations that fontconfig, pango
# and glib keep until exit.
#
# Not executable on purpose: tests/run.sh runs the executable scripts here, and this
# one must not run inside the suite it runs. Without an argument it does nothing.
if [ -z "$1" ]; then
	echo "sanitize.sh: run by 'make asan' (sh tests/e2e/sanitize.sh BUILD_DIR); nothing to do"
	echo "0 passed, 0 failed"
	exit 0
fi
cd "$(dirname "$0")/../.." || exit 2
ROOT=$(pwd)
BIN=$(cd "$1" && pwd) || exit 2
SB=$BIN/tree
LOGS=$BIN/logs
for f in trykk unit_tests keydoc pngdiff fuzz-replay-model fuzz-replay-layout; do
	[ -x "$BIN/$f" ] || { echo "sanitize.sh: $BIN/$f is missing (make asan builds it)"; exit 2; }
done

rm -rf "$SB" "$LOGS"
mkdir -p "$SB/build" "$LOGS"
tar -C "$ROOT" --exclude=./build --exclude=./out --exclude=./tests/out --exclude=./.git \
	--exclude=./trykk -cf - . | tar -C "$SB" -xf - || exit 2
for f in unit_tests keydoc pngdiff fuzz-replay-model fuzz-replay-layout; do
	cp "$BIN/$f" "$SB/build/$f"
done
cp "$BIN/trykk" "$SB/trykk"

# exitcode 86: a sanitizer's failure must not pass for trykk's own exit 1 (input error).
export ASAN_OPTIONS="detect_leaks=1:fast_unwind_on_malloc=0:exitcode=86:log_path=$LOGS/asan:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:detect_invalid_pointer_pairs=0"
export LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=86:log_path=$LOGS/ubsan"

(cd "$SB" && sh tests/run.sh) >"$LOGS/run.out" 2>&1
status=$?
grep -v '^ok ' "$LOGS/run.out" | tail -n 60
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$LOGS/run.out" | tail -n 1)
p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
[ -z "$line" ] && { p=0; f=1; echo "FAIL tests/run.sh printed no result line (status $status)"; }
[ "$status" -ne 0 ] && [ "${f:-0}" -eq 0 ] && f=1

# Every report is a failure, whether or not a test noticed it.
reports=0
for log in "$LOGS"/asan.* "$LOGS"/ubsan.*; do
	[ -s "$log" ] || continue
	reports=$((reports + 1))
	echo "FAIL sanitizer report $(basename "$log"):"
	head -n 40 "$log" | sed 's/^/     /'
done
[ "$reports" -eq 0 ] && echo "ok   no sanitizer reports"
f=$((f + reports))
echo "$p passed, $f failed"
[ "$f" -eq 0 ]

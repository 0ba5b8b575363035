#!/bin/sh
# Runs every test suite: unit tests (C harness), error messages, end-to-end checks
# of every product. Each suite prints "N passed, N failed"; this script adds them
# up and ends with the same line. Exit status non-zero when anything failed.
#
# The suites run TEST_JOBS at a time (default: one per core), each into its own log;
# their reports are then shown in order. Each suite writes only under its own
# tests/out/NAME, so they do not meet.
cd "$(dirname "$0")/.." || exit 2
mkdir -p tests/out
LOGS=tests/out/logs
rm -rf "$LOGS"
mkdir -p "$LOGS"
suites="./build/unit_tests"
for t in tests/errors/run.sh tests/e2e/*.sh; do
	[ -x "$t" ] && suites="$suites $t"
done
jobs=${TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
printf '%s\n' $suites | xargs -P "$jobs" -I{} sh -c \
	'log=$1/$(echo "$2" | tr / _).log; "$2" >"$log" 2>&1; echo $? >"$log.status"' \
	sh "$LOGS" {}

total_pass=0
total_fail=0
for t in $suites; do
	log=$LOGS/$(echo "$t" | tr / _).log
	echo "== $t"
	out=$(cat "$log" 2>/dev/null)
	status=$(cat "$log.status" 2>/dev/null || echo 2)
	printf '%s\n' "$out" | grep -v '^ok ' | tail -n 40
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
	p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	[ -z "$line" ] && { p=0; f=1; echo "FAIL $t printed no result line (status $status)"; }
	[ "$status" -ne 0 ] && [ "${f:-0}" -eq 0 ] && f=1
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
done
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]

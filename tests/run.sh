#!/bin/sh
# Runs every test suite: unit tests (C harness), error messages, end-to-end checks
# of every product. Each suite prints "N passed, N failed"; this script adds them
# up and ends with the same line. Exit status non-zero when anything failed.
cd "$(dirname "$0")/.." || exit 2
mkdir -p tests/out
total_pass=0
total_fail=0
run() {
	echo "== $1"
	out=$("$@" 2>&1)
	status=$?
	printf '%s\n' "$out" | grep -v '^ok ' | tail -n 40
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
	p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	[ -z "$line" ] && { p=0; f=1; echo "FAIL $1 printed no result line (status $status)"; }
	[ "$status" -ne 0 ] && [ "${f:-0}" -eq 0 ] && f=1
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
}
run ./build/unit_tests
for t in tests/errors/run.sh tests/e2e/*.sh; do
	[ -x "$t" ] && run "$t"
done
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]

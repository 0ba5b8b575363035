#!/bin/sh
# Replays every input the fuzzers once crashed or hung on (tests/fuzz/regressions/T/,
# one file each, named after what they found) through the fuzz target T, without
# libFuzzer: build/fuzz-replay-T is the target linked with tests/fuzz/replay.c by the
# ordinary compiler. A reproducer that crashes again kills the replay, which fails
# here; under `make asan` the same replay runs with the sanitizers that found it.
# Each file gets a time limit, as libFuzzer gave it.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
export TRYKK_ROOT="$(pwd)"
for t in model layout; do
	bin=./build/fuzz-replay-$t
	if [ ! -x "$bin" ]; then
		bad "$t: $bin is missing (make check builds it)"
		continue
	fi
	for f in tests/fuzz/regressions/$t/*; do
		[ -f "$f" ] || continue
		# (Under make asan: pango's caches leak as they do under libFuzzer, so the
		# fuzzers' suppressions apply; tests/fuzz/lsan.supp says why.)
		out=$(LSAN_OPTIONS="suppressions=$(pwd)/tests/fuzz/lsan.supp:print_suppressions=0" \
			timeout 60 "$bin" "$f" 2>&1)
		status=$?
		if [ "$status" -eq 0 ]; then
			ok "$t: $(basename "$f")"
		else
			bad "$t: $(basename "$f") (status $status)" "$(printf '%s\n' "$out" | tail -n 25)"
		fi
	done
done
finish

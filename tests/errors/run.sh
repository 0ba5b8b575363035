#!/bin/sh
# Bad inputs and the exact message each must give. For every case
# tests/errors/cases/NAME.yaml there is NAME.expected holding the whole expected
# stderr (file:line:col, message, source line, caret). Each case must exit with
# status 1 (or the status in NAME.status), print exactly the expected text, finish
# within 10 seconds and write no PDF. UPDATE=1 rewrites the .expected files.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
sh tests/errors/make-big.sh || exit 3
OUT=tests/out/errors
rm -rf "$OUT" && mkdir -p "$OUT"
for yaml in tests/errors/cases/*.yaml; do
	[ -e "$yaml" ] || continue
	name=$(basename "$yaml" .yaml)
	exp=tests/errors/cases/$name.expected
	want_status=1
	[ -f "tests/errors/cases/$name.status" ] && want_status=$(cat "tests/errors/cases/$name.status")
	args=""
	[ -f "tests/errors/cases/$name.args" ] && args=$(cat "tests/errors/cases/$name.args")
	timeout 10 ./trykk build -q -o "$OUT/$name" $args "$yaml" >"$OUT/$name.stdout" 2>"$OUT/$name.stderr"
	status=$?
	if [ -n "$UPDATE" ]; then cp "$OUT/$name.stderr" "$exp"; fi
	equals "$name: exit status" "$status" "$want_status"
	if [ -f "$exp" ] && cmp -s "$OUT/$name.stderr" "$exp"; then
		ok "$name: message"
	else
		bad "$name: message" "$(diff "$exp" "$OUT/$name.stderr" 2>&1 | head -20)"
	fi
	pdfs=$(find "$OUT/$name" -name '*.pdf' 2>/dev/null | wc -l)
	equals "$name: no PDF written" "$pdfs" "0"
done
finish

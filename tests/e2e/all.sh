#!/bin/sh
# `trykk build` with no file builds every content file in one process, as `make`
# does: every document gets its print PDF, screen PDF and proofs, nothing fails.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
OUT=tests/out/all
rm -rf "$OUT"
./trykk build -q -o "$OUT" 2>"$OUT.err"
equals "every content file builds in one run" "$?" "0"
equals "no errors" "$(grep -c 'error:' "$OUT.err")" "0"
for f in content/*.yaml; do
	stem=$(basename "$f" .yaml)
	[ -f "$OUT/$stem.pdf" ] && ok "$stem.pdf" || bad "$stem.pdf missing"
	[ -f "$OUT/$stem-screen.pdf" ] && ok "$stem-screen.pdf" || bad "$stem-screen.pdf missing"
	[ -f "$OUT/$stem-proof-1.png" ] && ok "$stem proofs" || bad "$stem-proof-1.png missing"
done
# The documents of one run are the same as built one by one (fonts shared safely).
./trykk build -q --only print -o "$OUT/one" content/plakat-edru-voksne.yaml 2>/dev/null
check "a document built with the others equals one built alone" cmp "$OUT/plakat-edru-voksne.pdf" "$OUT/one/plakat-edru-voksne.pdf"
finish

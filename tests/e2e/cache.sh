#!/bin/sh
# The picture cache (src/img/cache.c): converted pictures kept in OUT/.trykk-cache
# between builds. What a user relies on: a build with the cache gives the same
# bytes as one without it (print PDF, screen PDF, proofs), a damaged entry is
# ignored and written again, a changed picture is converted again, and a build that
# fails, a preflight or TRYKK_CACHE=off leaves no cache behind.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
OUT=tests/out/cache
rm -rf "$OUT" && mkdir -p "$OUT/images"

# A poster of its own whose picture can be changed: the glass poster's content with
# its picture copied next to it.
cp content/images/glasses.png "$OUT/images/bilde.png"
sed 's|images/glasses.png|images/bilde.png|' content/plakat-hvor-mange-glass.yaml > "$OUT/plakat.yaml"
doc=plakat
# picture entries (the cache also keeps the print PDF's font subsets)
entries() { for f in $(find "$1/.trykk-cache" -type f 2>/dev/null | sort); do
	[ "$(head -c 20 "$f")" = "trykk-picture-cache " ] && echo "$f"; done; }
blobs() { for f in $(find "$1/.trykk-cache" -type f 2>/dev/null | sort); do
	[ "$(head -c 17 "$f")" = "trykk-cache-blob " ] && echo "$f"; done; }
same_outputs() { # same_outputs NAME DIR-A DIR-B: print, screen and proofs byte-identical
	diffs=""
	for f in "$2/$doc.pdf" "$2/$doc-screen.pdf" "$2"/$doc-proof-*.png; do
		cmp -s "$f" "$3/$(basename "$f")" || diffs="$diffs $(basename "$f")"
	done
	[ -f "$2/$doc.pdf" ] && [ -f "$3/$doc.pdf" ] || diffs="$diffs (missing PDF)"
	equals "$1" "$diffs" ""
}

# Without the cache: the reference outputs.
TRYKK_CACHE=off ./trykk build -q -o "$OUT/off" "$OUT/plakat.yaml" 2>"$OUT/off.err"
equals "TRYKK_CACHE=off: builds" "$? $(cat "$OUT/off.err")" "0 "
equals "TRYKK_CACHE=off: no cache folder" "$(ls -A "$OUT/off" | grep -c trykk-cache)" "0"

# First build: converts the picture and keeps it.
./trykk build -q -o "$OUT/a" "$OUT/plakat.yaml" 2>"$OUT/a.err"
equals "first build" "$? $(cat "$OUT/a.err")" "0 "
equals "one cache entry for one picture" "$(entries "$OUT/a" | wc -l | tr -d ' ')" "1"
entry=$(entries "$OUT/a" | head -n 1)
equals "no temporary files left" "$(ls -A "$OUT/a/.trykk-cache" | grep -c '^\.tmp')" "0"
same_outputs "first build = build without the cache" "$OUT/a" "$OUT/off"
cp "$entry" "$OUT/entry.good"

# Second build: the picture comes from the cache; same bytes, same entry.
./trykk build -q -o "$OUT/a" "$OUT/plakat.yaml" 2>"$OUT/a2.err"
equals "second build" "$? $(cat "$OUT/a2.err")" "0 "
same_outputs "second build (from the cache) = build without the cache" "$OUT/a" "$OUT/off"
check "the entry is unchanged" cmp "$entry" "$OUT/entry.good"

# The font subsets of the print PDF are kept too (one per font), and a damaged
# one is ignored and written again.
nb=$(blobs "$OUT/a" | wc -l | tr -d ' ')
[ "$nb" -ge 2 ] && ok "font subsets kept ($nb)" || bad "font subsets kept" "got $nb"
blob=$(blobs "$OUT/a" | head -n 1)
cp "$blob" "$OUT/blob.good"
bsize=$(wc -c < "$blob")
printf 'X' | dd of="$blob" bs=1 seek=$((bsize / 2)) conv=notrunc 2>/dev/null
./trykk build -q -o "$OUT/a" "$OUT/plakat.yaml" 2>"$OUT/a2b.err"
equals "build with a damaged font subset" "$? $(cat "$OUT/a2b.err")" "0 "
same_outputs "damaged font subset: outputs as without the cache" "$OUT/a" "$OUT/off"
check "damaged font subset: written again" cmp "$blob" "$OUT/blob.good"

# A damaged entry (a byte changed in the middle, or cut short) is ignored and
# written again; the outputs stay the same.
size=$(wc -c < "$entry")
printf 'X' | dd of="$entry" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
./trykk build -q -o "$OUT/a" "$OUT/plakat.yaml" 2>"$OUT/a3.err"
equals "build with a damaged entry" "$? $(cat "$OUT/a3.err")" "0 "
same_outputs "damaged entry: outputs as without the cache" "$OUT/a" "$OUT/off"
check "damaged entry: written again" cmp "$entry" "$OUT/entry.good"
head -c 1000 "$OUT/entry.good" > "$entry"
./trykk build -q -o "$OUT/a" "$OUT/plakat.yaml" 2>"$OUT/a4.err"
equals "build with a truncated entry" "$? $(cat "$OUT/a4.err")" "0 "
same_outputs "truncated entry: outputs as without the cache" "$OUT/a" "$OUT/off"
check "truncated entry: written again" cmp "$entry" "$OUT/entry.good"

# Another picture under the same name: converted again, not taken from the cache.
# (The poster's own first page, rendered at the picture's size.)
pdftoppm -png -singlefile -scale-to-x 3600 -scale-to-y 2160 "$OUT/off/$doc.pdf" "$OUT/other"
cp "$OUT/other.png" "$OUT/images/bilde.png"
./trykk build -q -o "$OUT/a" "$OUT/plakat.yaml" 2>"$OUT/a5.err"
equals "build with the picture changed" "$? $(cat "$OUT/a5.err")" "0 "
if cmp -s "$OUT/a/$doc.pdf" "$OUT/off/$doc.pdf"; then
	bad "changed picture: the print PDF changed"
else
	ok "changed picture: the print PDF changed"
fi
equals "changed picture: a second entry" "$(entries "$OUT/a" | wc -l | tr -d ' ')" "2"
TRYKK_CACHE=off ./trykk build -q -o "$OUT/off2" "$OUT/plakat.yaml" 2>/dev/null
same_outputs "changed picture: outputs as without the cache" "$OUT/a" "$OUT/off2"
cp content/images/glasses.png "$OUT/images/bilde.png"

# TRYKK_CACHE=DIR keeps the cache there (and reads it: same bytes).
TRYKK_CACHE="$OUT/elsewhere/.trykk-cache" ./trykk build -q -o "$OUT/b" "$OUT/plakat.yaml" 2>/dev/null
equals "TRYKK_CACHE=DIR: the entry is in DIR" "$(entries "$OUT/elsewhere" | wc -l | tr -d ' ')" "1"
equals "TRYKK_CACHE=DIR: none in the output folder" "$(ls -A "$OUT/b" | grep -c trykk-cache)" "0"
TRYKK_CACHE="$OUT/elsewhere/.trykk-cache" ./trykk build -q -o "$OUT/b" "$OUT/plakat.yaml" 2>/dev/null
same_outputs "TRYKK_CACHE=DIR: outputs as without the cache" "$OUT/b" "$OUT/off"

# A cache that cannot be written (a file where the folder should be) costs nothing.
mkdir -p "$OUT/c" && : > "$OUT/c/.trykk-cache"
./trykk build -q -o "$OUT/c" "$OUT/plakat.yaml" 2>"$OUT/c.err"
equals "unwritable cache: builds without a message" "$? $(cat "$OUT/c.err")" "0 "
same_outputs "unwritable cache: outputs as without the cache" "$OUT/c" "$OUT/off"

# Every product, print PDFs and press sheets: a first build (filling the cache)
# and a second (reading it) give the bytes of a build without it. The sheets are
# made in a second process with fonts loaded in another order: a font subset kept
# for one document must not serve another whose subset is tagged differently.
TRYKK_CACHE=off ./trykk build -q --only print -o "$OUT/all-off" content/*.yaml 2>"$OUT/all-off.err"
equals "every product without the cache: builds" "$? $(cat "$OUT/all-off.err")" "0 "
for run in first second; do
	./trykk build -q --only print -o "$OUT/all" content/*.yaml 2>"$OUT/all-$run.err"
	equals "every product, $run build with the cache: builds" "$? $(cat "$OUT/all-$run.err")" "0 "
	diffs=""
	for f in "$OUT"/all-off/*.pdf; do
		g="$OUT/all/$(basename "$f")"
		cmp -s "$f" "$g" && continue
		diffs="$diffs $(basename "$f")"
		[ -f "$g" ] || { diffs="$diffs (not written)"; continue; }
		# kept for a look: both files, and the objects that differ once decoded
		mkdir -p "$OUT/mismatch-$run"
		cp "$f" "$OUT/mismatch-$run/off-$(basename "$f")"
		cp "$g" "$OUT/mismatch-$run/on-$(basename "$f")"
		qpdf --qdf --object-streams=disable "$f" "$OUT/mismatch-$run/off.qdf" 2>/dev/null
		qpdf --qdf --object-streams=disable "$g" "$OUT/mismatch-$run/on.qdf" 2>/dev/null
		diff -a "$OUT/mismatch-$run/off.qdf" "$OUT/mismatch-$run/on.qdf" | head -c 2000
	done
	equals "every product, $run build with the cache = without it" "$diffs" ""
done
[ "$(ls "$OUT"/all-off/*-sheets.pdf | wc -l)" -ge 2 ] && ok "press sheets among them" ||
	bad "press sheets among them"

# A preflight writes nothing, and a build that fails writes no cache.
./trykk preflight -q "$OUT/plakat.yaml" >/dev/null 2>&1
equals "preflight: no cache next to the content" "$(ls -A "$OUT" | grep -c trykk-cache)" "0"
sed 's|^title:|tittel:|' "$OUT/plakat.yaml" > "$OUT/broken.yaml"
./trykk build -q -o "$OUT/d" "$OUT/broken.yaml" 2>/dev/null
equals "failed build: exit status 1" "$?" "1"
equals "failed build: no cache written" "$(entries "$OUT/d" | wc -l | tr -d ' ')" "0"

finish

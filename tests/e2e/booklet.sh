#!/bin/sh
# End-to-end checks of the A5 booklet «Slik kan det gjøres»: page count for saddle
# stitching, the table of contents against where the headings really are, headings
# kept with their text, Norwegian hyphenation, bookmarks and links in the screen PDF,
# reader spreads in the proofs, imposed sheets, and pixels. UPDATE=1 rewrites refs.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
OUT=tests/out/booklet
rm -rf "$OUT" && mkdir -p "$OUT"
doc=hefte-slik-kan-det-gjores
./trykk build -q -o "$OUT" "content/$doc.yaml" 2>"$OUT/err"
equals "builds (exit 0)" "$?" "0"
equals "no errors" "$(grep -c 'error:' "$OUT/err")" "0"
pdf="$OUT/$doc.pdf"
pages=$(pdfinfo "$pdf" | awk '/^Pages:/ { print $2 }')
equals "page count is a multiple of 4" "$((pages % 4))" "0"
[ "$pages" -ge 8 ] && ok "at least 8 pages" || bad "only $pages pages"
check "qpdf --check" qpdf --check "$pdf"
equals "every font embedded" "$(pdffonts "$pdf" | awk 'NR > 2 && $(NF-4) != "yes"')" ""
qpdf --qdf --object-streams=disable "$pdf" "$OUT/qdf.pdf" 2>/dev/null
equals "no RGB in the print PDF" "$(grep -a -c -E '/DeviceRGB| (rg|RG)$' "$OUT/qdf.pdf")" "0"
trim=$(pdfinfo -box "$pdf" | awk '$1 == "TrimBox:" { printf "%.1f %.1f", ($4 - $2) * 25.4 / 72, ($5 - $3) * 25.4 / 72 }')
equals "trim is A5" "$trim" "148.0 210.0"

# Padding: the same booklet padded to a multiple of 3 gets one notes page, said.
sed 's/^pad: {multiple: 4, master: notater}/pad: {multiple: 3, master: notater}/; s/^impose:.*//' \
	layouts/booklet-a5.yaml > "$OUT/pad3.yaml"
./trykk build -q -o "$OUT/pad" --only print --layout "$OUT/pad3.yaml" "content/$doc.yaml" 2>"$OUT/pad.err"
contains "padding is announced" "$(cat "$OUT/pad.err")" "added 1 blank page so the page count (9) is a multiple of 3"
equals "padded to 9 pages" "$(pdfinfo "$OUT/pad/$doc.pdf" | awk '/^Pages:/ { print $2 }')" "9"
contains "the added page is a notes page, before the back cover" "$(pdftotext -f 8 -l 8 "$OUT/pad/$doc.pdf" -)" "Notater"

# Table of contents: every entry's page number is where the heading is.
toc_page=2
pdftotext -layout -f $toc_page -l $toc_page "$OUT/$doc-screen.pdf" "$OUT/toc.txt"
entries=$(grep -E '[^ ].* +[0-9]+$' "$OUT/toc.txt" | sed -E 's/^ +//')
n=0
echo "$entries" | while IFS= read -r line; do
	title=$(echo "$line" | sed -E 's/ +[0-9]+$//')
	page=$(echo "$line" | sed -E 's/.* ([0-9]+)$/\1/')
	text=$(pdftotext -f "$page" -l "$page" "$pdf" - | tr '\n' ' ')
	case "$text" in *"$title"*) echo "ok" ;; *) echo "FAIL: '$title' not on page $page" ;; esac
done > "$OUT/toc-check.txt"
n=$(grep -c . "$OUT/toc-check.txt")
[ "$n" -ge 8 ] && ok "contents lists $n headings" || bad "contents lists only $n headings"
equals "contents page numbers match the headings' pages" "$(grep FAIL "$OUT/toc-check.txt")" ""

# Headings keep with their next paragraph: no heading is the last text on a page.
orphan=""
for p in $(seq 3 "$pages"); do
	last=$(pdftotext -layout -f "$p" -l "$p" "$OUT/$doc-screen.pdf" - | grep -v -E '^ *[0-9]+ *$' | grep -v '^ *$' | tail -n 1 | sed -E 's/^ +//')
	echo "$entries" | sed -E 's/ +[0-9]+$//' | grep -qxF "$last" && orphan="$orphan page $p: $last"
done
equals "no heading at the foot of a page" "$orphan" ""

# Norwegian hyphenation in the justified text: lines ending in a hyphenated word.
hy=$(pdftotext -layout -f 3 -l "$pages" "$OUT/$doc-screen.pdf" - | grep -c -E '[a-zæøå]-$')
[ "$hy" -ge 3 ] && ok "justified text is hyphenated ($hy breaks)" || bad "only $hy hyphenated line ends"
contains "a known Norwegian break (hef-tet)" "$(pdftotext -layout -f 3 -l "$pages" "$OUT/$doc-screen.pdf" - | tr -s ' ' | tr '\n' '|')" "hef-|tet vil"

# Screen PDF: bookmarks for the chapters and a clickable table of contents.
qpdf --json "$OUT/$doc-screen.pdf" > "$OUT/screen.json" 2>/dev/null
titles=$(python3 -c "import json; j=json.load(open('$OUT/screen.json')); print('|'.join(o['title'] for o in j['outlines']))")
contains "bookmarks: Helhetlige satsinger" "$titles" "Helhetlige satsinger"
contains "bookmarks: Vi bryr oss i Horten" "$titles" "Vi bryr oss i Horten"
qpdf --qdf --object-streams=disable "$OUT/$doc-screen.pdf" "$OUT/screen-qdf.pdf" 2>/dev/null
links=$(grep -a -c '/Subtype /Link' "$OUT/screen-qdf.pdf")
[ "${links:-0}" -ge 8 ] && ok "screen PDF has $links links (contents)" || bad "screen PDF has ${links:-0} links"

# Proofs: page 1 alone, then reader spreads.
w1=$(python3 -c "import struct;f=open('$OUT/$doc-proof-1.png','rb');f.read(16);print(struct.unpack('>I',f.read(4))[0])")
w2=$(python3 -c "import struct;f=open('$OUT/$doc-proof-2.png','rb');f.read(16);print(struct.unpack('>I',f.read(4))[0])")
equals "proof 2 is a spread twice as wide as the cover" "$(((w2 * 10 + w1 / 2) / w1))" "20"

# Imposed sheets (saddle stitch), when built.
if [ -f "$OUT/$doc-sheets.pdf" ]; then
	sheets=$(pdfinfo "$OUT/$doc-sheets.pdf" | awk '/^Pages:/ { print $2 }')
	equals "sheet sides = pages / 2" "$sheets" "$((pages / 2))"
	check "sheets: qpdf --check" qpdf --check "$OUT/$doc-sheets.pdf"
	first=$(pdftotext -f 1 -l 1 "$OUT/$doc-sheets.pdf" - | tr '\n' ' ')
	contains "sheet 1 front carries the cover" "$first" "Slik kan det"
	pdftoppm -r 20 -png -f 2 -l 2 -singlefile "$OUT/$doc-sheets.pdf" "$OUT/sheet2"
	[ -n "$UPDATE" ] && cp "$OUT/sheet2.png" tests/e2e/ref/booklet-sheet2.png
	check "pixels: imposed sheet 1 back" ./build/pngdiff "$OUT/sheet2.png" tests/e2e/ref/booklet-sheet2.png 1
else
	echo "SKIP imposed sheets: $doc-sheets.pdf not built"
fi

# Pixels: the cover and a text spread.
pdftoppm -r 30 -png -f 1 -l 1 -x 13 -y 13 -W 175 -H 248 -singlefile "$pdf" "$OUT/cover"
[ -n "$UPDATE" ] && cp "$OUT/cover.png" tests/e2e/ref/booklet-cover.png
check "pixels: cover" ./build/pngdiff "$OUT/cover.png" tests/e2e/ref/booklet-cover.png 0.5
./build/pngdiff --shrink 4 "$OUT/$doc-proof-3.png" "$OUT/spread.png"
[ -n "$UPDATE" ] && cp "$OUT/spread.png" tests/e2e/ref/booklet-spread.png
check "pixels: text spread 4|5" ./build/pngdiff "$OUT/spread.png" tests/e2e/ref/booklet-spread.png 1
finish

#!/bin/sh
# End-to-end checks of the newspaper spread «Vi bryr oss i Horten» (two facing
# tabloid pages made from one spread canvas), as a print shop, a sub-editor and a
# reader would check it: page boxes of both pages, fonts, colour, the baseline grid
# under every body line, even columns, the whole story in reading order across both
# pages, the headline split at the fold with no glyph lost or doubled, the pull quote
# wrapped, the folio lines, pictures, the spread proof, and pixels. A small fixture
# (tests/e2e/spread/) checks the cut at the fold on its own. UPDATE=1 rewrites the
# pixel references, which should be done only after looking at the pages.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
OUT=tests/out/spread
rm -rf "$OUT" && mkdir -p "$OUT"
doc=avis-vi-bryr-oss
content=content/$doc.yaml
layout=layouts/avisoppslag-tabloid.yaml

./trykk build -q -o "$OUT" --only print,screen,proof,trace "$content" 2>"$OUT/err"
equals "builds without errors or warnings" "$? $(cat "$OUT/err")" "0 "
pdf=$OUT/$doc.pdf
trace=$OUT/$doc.trace
[ -f "$pdf" ] && [ -f "$trace" ] || { bad "no PDF or trace"; finish; exit 1; }

# --- print PDF: two pages, each with its own boxes --------------------------------
equals "two pages (the spread cut at the fold)" "$(pdfinfo "$pdf" | awk '/^Pages:/ { print $2 }')" "2"
# Tabloid 280 x 400 mm, bleed 3 mm, 8 mm slug for the marks, in points.
box() { awk -v a="$1" -v b="$2" -v c="$3" -v d="$4" 'BEGIN { k = 72 / 25.4;
	printf "%.2f %.2f %.2f %.2f", a * k, b * k, c * k, d * k }'; }
boxes_of() { pdfinfo -box -f "$2" -l "$2" "$1" | awk -v p="$2" -v k="$3:" \
	'$1 == "Page" && $2 == p && $3 == k { print $4, $5, $6, $7 }'; }
for p in 1 2; do
	equals "page $p: TrimBox = tabloid 280 x 400 mm" "$(boxes_of "$pdf" $p TrimBox)" "$(box 11 11 291 411)"
	equals "page $p: BleedBox = trim + 3 mm" "$(boxes_of "$pdf" $p BleedBox)" "$(box 8 8 294 414)"
	equals "page $p: MediaBox = bleed + slug for the marks" "$(boxes_of "$pdf" $p MediaBox)" "$(box 0 0 302 422)"
done
check "qpdf --check" qpdf --check "$pdf"
equals "qpdf reports no warnings" "$(qpdf --check "$pdf" 2>&1 | grep -i warning)" ""
equals "every font embedded" "$(pdffonts "$pdf" 2>&1 | awk 'NR > 2 && $(NF-4) != "yes"')" ""
qpdf --qdf --object-streams=disable "$pdf" "$OUT/qdf.pdf" 2>/dev/null
equals "no RGB colour in the print PDF" "$(grep -a -c -E '/DeviceRGB|/CalRGB| (rg|RG)$' "$OUT/qdf.pdf")" "0"
[ "$(grep -a -c -E ' (k|K)$' "$OUT/qdf.pdf")" -gt 0 ] && ok "CMYK operators present" || bad "no CMYK operators"
contains "output intent" "$(grep -a -o '/OutputConditionIdentifier *([A-Z0-9]*)' "$OUT/qdf.pdf")" "FOGRA39"
contains "title set" "$(pdfinfo "$pdf")" "Vi bryr oss i Horten – fra graviditet til alderdom"

# Pictures: three placeholders, CMYK in print, at least 300 ppi where placed.
pdfimages -list "$pdf" > "$OUT/images.txt" 2>&1
# (Each page draws all three, the other page's clipped away outside its bleed: the
# spread cut does not drop graphics that miss a page. Hence distinct objects.)
equals "three pictures" "$(awk 'NR > 2 && $3 == "image" { print $11 }' "$OUT/images.txt" | sort -u | wc -l | tr -d ' ')" "3"
equals "pictures are CMYK" "$(awk 'NR > 2 && $3 == "image" { print $6 }' "$OUT/images.txt" | sort -u)" "cmyk"
lowppi=$(awk 'NR > 2 && $3 == "image" && ($13 < 299.5 || $14 < 299.5)' "$OUT/images.txt")
equals "every picture at least 300 ppi" "$lowppi" ""
for f in avis-stand avis-samtale avis-portrett; do
	sz=$(wc -c < "content/images/$f.png")
	[ "$sz" -lt 100000 ] && ok "$f.png is small ($sz bytes)" || bad "$f.png is $sz bytes"
done
p1=$(pdftotext -f 1 -l 1 "$pdf" - | tr '\n' ' ')
p2=$(pdftotext -f 2 -l 2 "$pdf" - | tr '\n' ' ')
n=$(printf '%s %s' "$p1" "$p2" | grep -o 'Illustrasjonsfoto: plassholder' | wc -l | tr -d ' ')
equals "every caption credits «Illustrasjonsfoto: plassholder»" "$n" "3"

# --- newspaper furniture -------------------------------------------------------------
# The folio line (9-14 mm below the trim, here cut out by position) carries the page
# number, the paper's name and the date, on each page.
folio() { pdftotext -f "$1" -l "$1" -x 0 -y 50 -W 856 -H 28 "$pdf" - | tr -s ' \n' '  ' | sed 's/ *$//'; }
contains "page 1 folio line: number, paper, date" "$(folio 1)" "8 Hortenbladet Fredag 12. juni 2015"
contains "page 2 folio line: date, paper, number" "$(folio 2)" "Fredag 12. juni 2015 Hortenbladet 9"
contains "kicker" "$p1" "VI BRYR OSS I HORTEN"
contains "ingress" "$p1" "Når de eldre drikker mer, merker barnebarna det også."
contains "byline" "$p1" "Tekst: KoRus Sør og rusgruppa i Horten kommune"
contains "pull quote" "$p2" "«Vi opplever at helsesøster får flere henvendelser fra barn"
contains "fact box heading" "$p2" "Tips fra Horten"
equals "fact box: five tips as bullets" "$(printf '%s' "$p2" | grep -o '•' | wc -l | tr -d ' ')" "5"

# --- the baseline grid ---------------------------------------------------------------
# Step and start from the layout, in points; every baseline of the story (all its
# glyph runs, in the threaded frames "brødtekst ...") on a grid line.
pt() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /mm$/) n *= 72 / 25.4; else if (v ~ /cm$/) n *= 720 / 25.4;
	else if (v ~ /in$/) n *= 72; printf "%.6f", n }'; }
grid=$(sed -n 's/^ *baseline-grid: *{\(.*\)} *$/\1/p' "$layout")
step=$(pt "$(printf '%s' "$grid" | sed -n 's/.*step: *\([0-9.]*[a-z]*\).*/\1/p')")
start=$(pt "$(printf '%s' "$grid" | sed -n 's/.*start: *\([0-9.]*[a-z]*\).*/\1/p')")
awk -v step="$step" -v start="$start" '
	/^page / { pg = $2 }
	/^  glyphs / { body = ($0 ~ /frame "brødtekst/); font = $2; size = $3; next }
	/^    / && body { print pg, $1, $2, font, size }' "$trace" > "$OUT/body-lines.txt"
nb=$(awk '$4 == "NotoSerif-Regular" && $5 == "9.00"' "$OUT/body-lines.txt" | wc -l | tr -d ' ')
[ "$nb" -ge 120 ] && ok "trace has $nb body text lines (Noto Serif 9 pt)" || bad "only $nb body lines in the trace"
for pg in 1 2; do
	n=$(awk -v p=$pg '$1 == p' "$OUT/body-lines.txt" | wc -l | tr -d ' ')
	[ "$n" -ge 40 ] && ok "page $pg has body text ($n runs)" || bad "page $pg has $n body runs"
done
off=$(awk -v step="$step" -v start="$start" '{ k = ($3 - start) / step; d = ($3 - start) - int(k + 0.5) * step;
	if (d < 0) d = -d; if (d > 0.01) print "page " $1 " y " $3 " (" $4 " " $5 ") is " d " pt off the grid" }' "$OUT/body-lines.txt")
equals "every line of the story on the ${step}pt grid from ${start}pt (within 0.01 pt)" "$off" ""

# Even columns: every column of the story, on both pages, ends on the same (last) grid
# line of the text band, and no column ends with a crosshead. Columns by x: left page
# L1-L5 at 12, 64, 116, 168, 220 mm; right page R1-R3 at 12, 64, 116 mm from its edge.
awk '{ x = $2 / 72 * 25.4; c = int((x - 12 + 2) / 52) + 1; key = ($1 == 1 ? "L" : "R") c;
	if (!(key in last) || $3 > last[key]) { last[key] = $3; lastfont[key] = $4 } }
	END { for (k in last) print k, last[k], lastfont[k] }' "$OUT/body-lines.txt" | sort > "$OUT/columns.txt"
equals "the story fills eight columns: L1-L5, R1-R3" "$(awk '{ printf "%s ", $1 }' "$OUT/columns.txt")" "L1 L2 L3 L4 L5 R1 R2 R3 "
equals "all eight columns end on the same line" "$(awk '{ print $2 }' "$OUT/columns.txt" | sort -u | wc -l | tr -d ' ')" "1"
equals "no column ends with a crosshead" "$(awk '$3 != "NotoSerif-Regular" && $3 != "NotoSerif-Italic" && $3 != "NotoSerif-Bold" && $3 != "Lato-Regular"' "$OUT/columns.txt")" ""
contains "the story ends in the last column with the end mark" \
	"$(awk '/^page 2/ { p = 1 } p && /frame "brødtekst 2"/ { getline; l = $0 } END { print l }' "$trace")" "▪"

# Pull quote: the story wraps around it in R2 and R3 (page 2, 64-160 mm): lines above
# and below it in both columns, none inside the quote's block (rule to source + gaps).
q=$(awk -v k="$(pt 1mm)" -v lo="$(pt 312.5mm)" -v hi="$(pt 369mm)" '$1 == 2 {
	x = $2 / k; c = (x >= 62 && x < 110) ? 2 : (x >= 114 && x < 162) ? 3 : 0; if (!c) next;
	if ($3 < lo) above[c]++; else if ($3 > hi) below[c]++; else inside++ }
	END { printf "above %d/%d below %d/%d inside %d", above[2], above[3], below[2], below[3], inside }' "$OUT/body-lines.txt")
case "$q" in
"above 0"* | *"/0 "* | *"below 0"* | *"/0 inside"*) bad "pull quote: the story does not wrap around it ($q)" ;;
*"inside 0") ok "pull quote: the story wraps around it in R2 and R3 ($q)" ;;
*) bad "pull quote: story lines inside the quote's block ($q)" ;;
esac

# --- the whole story, in order, across both pages ------------------------------------
# The words of the content's `tekst` (Markdown marks dropped) must appear in this order
# in the text of page 1 followed by page 2, as the PDF holds it (pdftotext -raw: the
# order of the content stream, which is what copying and screen readers get). Other
# text (captions, quote, fact box) may come between.
pdftotext -raw -f 1 -l 1 "$pdf" "$OUT/page1.txt"
pdftotext -raw -f 2 -l 2 "$pdf" "$OUT/page2.txt"
order=$(python3 - "$content" "$OUT/page1.txt" "$OUT/page2.txt" <<'PY'
import re, sys
lines, on = [], False
for l in open(sys.argv[1], encoding="utf-8"):
    if re.match(r"^  tekst: \|", l):
        on = True
        continue
    if on:
        if l.strip() and not l.startswith("    "):
            break
        lines.append(l.strip())
text = " ".join(l.lstrip("#").strip() for l in lines)
want = text.split()
# Compared without spaces and hyphens, so a word broken at a line end (hyphenated
# or at its own hyphen, as IT-|avdelingen) is found whole.
squash = lambda t: re.sub(r"[\s\-\u00ad]+", "", t)
# The slug line (file, page n of m, print condition) outside the trim is left out.
pages = [open(f, encoding="utf-8").read() for f in sys.argv[2:4]]
got = squash(re.sub(r"(?m)^.* · side \d+ av \d+ · .*$", "", "".join(pages)))
i = 0
for n, w in enumerate(want):
    j = got.find(squash(w), i)
    if j < 0:
        ctx = " ".join(want[max(0, n - 6):n + 1])
        print(f"word {n + 1} of {len(want)} not found in order: ...{ctx}")
        sys.exit(0)
    i = j + len(squash(w))
print(f"all {len(want)} words in order")
PY
)
contains "the whole story is in the PDF, in reading order, page 1 then page 2" "$order" "words in order"
contains "the story starts on page 1" "$p1" "– Vi jobber med rustematikk fra graviditet til alderdom."
contains "and ends on page 2" "$p2" "avslutter Marianne Ødegaard. ▪"

# --- the headline across the fold ----------------------------------------------------
# Words taller than 60 pt are the headline's. Page 1's half + page 2's half must be the
# whole headline, nothing lost or doubled; the word gap straddles the fold.
hl() { pdftotext -f "$1" -l "$1" -bbox "$pdf" - | awk -F'"' '/<word/ && $8 - $4 > 60 {
	w = $0; sub(/.*">/, "", w); sub(/<\/word>.*/, "", w); print $2, $4, $6, $8, w }'; }
hl 1 > "$OUT/headline1.txt"
hl 2 > "$OUT/headline2.txt"
want=$(sed -n 's/^  tittel: *"\(.*\)"$/\1/p' "$content" | sed 's/\\u2002/ /g')
half1=$(awk '{ printf "%s%s", (NR > 1 ? " " : ""), $5 }' "$OUT/headline1.txt")
half2=$(awk '{ printf "%s%s", (NR > 1 ? " " : ""), $5 }' "$OUT/headline2.txt")
equals "headline: page 1 half + page 2 half = the whole headline" "$half1 | $half2" "Fra graviditet | til alderdom"
equals "headline: the halves joined are the content's headline" "$half1 $half2" "$want"
equals "headline: both halves on one baseline" "$(cat "$OUT/headline1.txt" "$OUT/headline2.txt" | awk '{ print $4 }' | sort -u)" \
	"$(awk 'NR == 1 { print $4 }' "$OUT/headline1.txt")"
trim_l=$(pt 11mm); trim_r=$(pt 291mm)
end1=$(awk 'END { print $3 }' "$OUT/headline1.txt")
start2=$(awk 'NR == 1 { print $1 }' "$OUT/headline2.txt")
# From the trace: the headline's run on page 2 starts at x = tx in page-2 coordinates,
# i.e. at fold + tx on the spread. The en space between the halves (half the type
# size wide) went to the page holding its centre: if it opens page 2's run, page 1's
# half ends at fold + tx and page 2's first word starts half an em later; if not,
# page 1's half ends half an em before fold + tx and page 2's word starts there.
tx=$(awk '/^page 2/ { p = 1 } p && /frame "tittel"/ { getline; print $1; exit }' "$trace")
tsize=$(awk '/^page 2/ { p = 1 } p && /frame "tittel"/ { print $3; exit }' "$trace")
sp2=$(awk '/^page 2/ { p = 1 } p && /frame "tittel"/ { getline; print (index($0, "\"\342\200\202") ? 1 : 0); exit }' "$trace")
res=$(awk -v e="$end1" -v s="$start2" -v l="$trim_l" -v r="$trim_r" -v tx="$tx" -v sz="$tsize" -v sp2="$sp2" 'BEGIN {
	mm = 72 / 25.4; d1 = (r - e) / mm; d2 = (s - l) / mm; bad = "";
	e_want = r + tx - (sp2 ? 0 : sz / 2); s_want = tx + (sp2 ? sz / 2 : 0);
	if (d1 < 5 || d1 > 15) bad = bad sprintf(" page 1 half ends %.1f mm before the fold;", d1);
	if (d2 < 5 || d2 > 15) bad = bad sprintf(" page 2 half starts %.1f mm after the fold;", d2);
	if ((d1 - d2) > 2 || (d2 - d1) > 2) bad = bad sprintf(" gap unbalanced (%.1f / %.1f mm);", d1, d2);
	if (e - e_want > 0.5 || e_want - e > 0.5) bad = bad sprintf(" page 1 half ends at %.2f, the spread put it at %.2f;", e, e_want);
	if ((s - l) - s_want > 0.5 || s_want - (s - l) > 0.5) bad = bad sprintf(" page 2 half starts at %.2f, the spread put it at %.2f;", s - l, s_want);
	printf "%s", bad ? bad : sprintf("ok (%.1f mm | fold | %.1f mm, word space on page %d)", d1, d2, sp2 ? 2 : 1) }')
contains "headline: word gap at the fold, halves where the spread put them" "$res" "ok ("

# --- determinism, screen PDF, spread proof ----------------------------------------
mkdir -p "$OUT/again"
./trykk build -q -o "$OUT/again" --only print,screen "$content" 2>/dev/null
check "two builds are byte-identical" cmp "$pdf" "$OUT/again/$doc.pdf"
check "screen PDFs byte-identical" cmp "$OUT/$doc-screen.pdf" "$OUT/again/$doc-screen.pdf"
equals "screen PDF: one page, the spread, trimmed (560 x 400 mm)" \
	"$(pdfinfo "$OUT/$doc-screen.pdf" | awk '/^Pages:/ { n = $2 } /Page size/ { s = $3 " " $5 } END { print n, s }')" "1 1587.4 1133.86"
contains "screen PDF: headline extractable" "$(pdftotext "$OUT/$doc-screen.pdf" - | tr '\n' ' ')" "til alderdom"
proofs=$(ls "$OUT/$doc"-proof-*.png 2>/dev/null | wc -l | tr -d ' ')
equals "one proof PNG: the spread" "$proofs" "1"
ratio=$(python3 -c "import struct;f=open('$OUT/$doc-proof-1.png','rb');f.read(16);w,h=struct.unpack('>II',f.read(8));print(round(w/h,2))")
equals "the proof is both pages side by side (560:400)" "$ratio" "1.4"

# Pixels: each print page cut to its trim at 1 px/mm (25.4 dpi, 11 mm = 11 px in),
# against the references; the two appended are the spread as it will be seen, and
# must look like the screen PDF's spread (one rendering path against the other).
for p in 1 2; do
	pdftoppm -r 25.4 -png -f $p -l $p -x 11 -y 11 -W 280 -H 400 -singlefile "$pdf" "$OUT/page$p" 2>/dev/null
	[ -n "$UPDATE" ] && cp "$OUT/page$p.png" "tests/e2e/ref/avis-$p.png"
	check "pixels: page $p matches tests/e2e/ref/avis-$p.png" ./build/pngdiff "$OUT/page$p.png" "tests/e2e/ref/avis-$p.png" 0.5
done
./build/pngdiff --append "$OUT/page1.png" "$OUT/page2.png" "$OUT/spread-print.png"
pdftoppm -scale-to-x 560 -scale-to-y 400 -png -singlefile "$OUT/$doc-screen.pdf" "$OUT/spread-screen" 2>/dev/null
# (Two renderers' anti-aliasing and a sub-pixel drift differ on about 1.4 % of the
# pixels at a channel tolerance of 40; a missing picture or column is far more.)
check "pixels: print pages side by side look like the screen spread" \
	./build/pngdiff "$OUT/spread-print.png" "$OUT/spread-screen.png" 2 40

# --- the cut at the fold on its own (fixture) --------------------------------------
# A word set across the fold with no gap, and a rule across it: every glyph on one
# page only, the rule on both pages up to the fold.
FX=tests/e2e/spread
./trykk build -q -o "$OUT/fold" --only print "$FX/fold.yaml" 2>"$OUT/fold.err"
equals "fixture: builds" "$? $(cat "$OUT/fold.err")" "0 "
# (the word's band only, 40-80 mm below the trim: the slug line has text too)
f1=$(pdftotext -f 1 -l 1 -x 0 -y 140 -W 856 -H 130 "$OUT/fold/fold.pdf" - | tr -d ' \n\f')
f2=$(pdftotext -f 2 -l 2 -x 0 -y 140 -W 856 -H 130 "$OUT/fold/fold.pdf" - | tr -d ' \n\f')
equals "fixture: a word cut at the fold keeps every glyph once" "$f1|$f2" "Over|skrift"
pdftoppm -r 25.4 -png -x 11 -y 11 -W 280 -H 400 "$OUT/fold/fold.pdf" "$OUT/fold/p"
px() { ./build/pngdiff --pixel "$1" "$2" "$3"; }
dark() { printf '%s' "$1" | awk -F, '{ exit !($1 < 100 && $2 < 100 && $3 < 100) }'; }
dark "$(px "$OUT/fold/p-1.png" 278 300)" && ok "fixture: the rule runs to the fold on page 1" || bad "fixture: no rule at the fold on page 1"
dark "$(px "$OUT/fold/p-2.png" 1 300)" && ok "fixture: the rule continues from the fold on page 2" || bad "fixture: no rule at the fold on page 2"

# A glyph across the fold ("k" of "Overskriften"): its text stays on one page, and
# the ink beyond the fold is drawn on the facing page, clipped at the fold. The two
# trimmed pages side by side look like the same word set on one page twice as wide.
./trykk build -q -o "$OUT/straddle" --only print "$FX/fold-straddle.yaml" 2>"$OUT/straddle.err"
./trykk build -q -o "$OUT/straddle" --only print --layout "$FX/fold-whole.yaml" \
	"$FX/fold-straddle.yaml" 2>>"$OUT/straddle.err" &&
	mv "$OUT/straddle/fold-straddle.pdf" "$OUT/straddle/whole.pdf"
./trykk build -q -o "$OUT/straddle" --only print "$FX/fold-straddle.yaml" 2>>"$OUT/straddle.err"
equals "straddle: builds" "$(cat "$OUT/straddle.err")" ""
s1=$(pdftotext -f 1 -l 1 -x 0 -y 140 -W 856 -H 130 "$OUT/straddle/fold-straddle.pdf" - | tr -d ' \n\f')
s2=$(pdftotext -f 2 -l 2 -x 0 -y 140 -W 856 -H 130 "$OUT/straddle/fold-straddle.pdf" - | tr -d ' \n\f')
equals "straddle: the glyph across the fold is text on one page only" "$s1|$s2" "Overs|kriften"
# the word's band (40-80 mm below the trim), each page cut at its trim (11 mm in),
# at 2 px/mm
pdftoppm -r 50.8 -png -f 1 -l 1 -x 22 -y 102 -W 560 -H 80 -singlefile "$OUT/straddle/fold-straddle.pdf" "$OUT/straddle/l"
pdftoppm -r 50.8 -png -f 2 -l 2 -x 22 -y 102 -W 560 -H 80 -singlefile "$OUT/straddle/fold-straddle.pdf" "$OUT/straddle/r"
pdftoppm -r 50.8 -png -x 22 -y 102 -W 1120 -H 80 -singlefile "$OUT/straddle/whole.pdf" "$OUT/straddle/whole"
./build/pngdiff --append "$OUT/straddle/l.png" "$OUT/straddle/r.png" "$OUT/straddle/joined.png"
check "straddle: the trimmed pages side by side look like the word on one wide page" \
	./build/pngdiff "$OUT/straddle/joined.png" "$OUT/straddle/whole.png" 0.3 40

finish

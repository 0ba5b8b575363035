#!/bin/sh
# End-to-end checks of the business cards for «Vi bryr oss i Horten» (a data merge:
# a front and a back per person), as a print shop, a designer and the staff would
# check them: page count and boxes, every name on its own card, the design rules
# (safe area, smallest size, small type in one dark ink), details that close up,
# names and titles that shrink to fit, fonts, colour, the QR code read back with
# zbarimg, the same cards from a CSV file, a broken list reported record by record,
# pixels, and the press sheets with fronts and mirrored backs. UPDATE=1 rewrites the
# pixel references, which should be done only after looking at the cards.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
OUT=tests/out/cards
rm -rf "$OUT" && mkdir -p "$OUT"
doc=visittkort
content=content/$doc.yaml
pdf=$OUT/$doc.pdf

# --- helpers -----------------------------------------------------------------------
mm() { awk -v v="$1" 'BEGIN { printf "%.2f", v * 72 / 25.4 }'; }
box() { printf '%s %s %s %s' "$(mm "$1")" "$(mm "$2")" "$(mm "$3")" "$(mm "$4")"; }
# every page's box KEY, one line per page
boxes_all() { pdfinfo -box -f 1 -l 9999 "$1" | awk -v k="$2:" '$1 == "Page" && $3 == k {
	print $4, $5, $6, $7 }'; }
pages_of() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ { print $2 }'; }
# the records' names in a YAML content file, in order (each record starts "- name:")
yaml_names() { awk '$1 == "-" && $2 == "name:" { sub(/^ *- name: /, ""); print }' "$1"; }
# Text runs of a trace, one per line, tab-separated: page, font, size, C, M, Y, K,
# frame, x, baseline, "text" (crop marks and the slug line left out).
trace_runs() { awk 'BEGIN { OFS = "\t" } /^page / { p = $2 }
	/^  glyphs / && !/ mark$/ { font = $2; size = $3; c = $5; m = $6; y = $7; k = $8
		fr = $0; sub(/.* frame /, "", fr)
		getline; x = $1; b = $2; t = $0; sub(/^ *[^ ]+ [^ ]+ /, "", t)
		print p, font, size, c, m, y, k, fr, x, b, t }' "$1"; }
# "x y word" for every word on page P of a PDF (pdftotext -bbox, y from the top)
words() { pdftotext -f "$2" -l "$2" -bbox "$1" - 2>/dev/null |
	sed -n 's/.*xMin="\([^"]*\)" yMin="\([^"]*\)" xMax="\([^"]*\)" yMax="\([^"]*\)">\(.*\)<\/word>/\1 \2 \3 \4 \5/p'; }
# "x y" of every place where NAME's first two words stand one after the other
find_name() { # find_name WORDS-FILE NAME
	awk -v name="$2" 'BEGIN { n = split(name, t, " ") }
		{ x[NR] = $1; y[NR] = $2; w[NR] = $5 }
		END { for (i = 1; i <= NR; i++) if (w[i] == t[1] && (n == 1 || w[i + 1] == t[2]))
			print x[i], y[i] }' "$1"; }
page_text() { pdftotext -f "$2" -l "$2" "$1" - 2>/dev/null | tr '\n' ' '; }

# --- the 12-person list ---------------------------------------------------------------
./trykk build -q -o "$OUT" --only print,screen,proof,trace "$content" 2>"$OUT/err"
equals "builds without errors or warnings" "$? $(cat "$OUT/err")" "0 "
[ -f "$pdf" ] || { bad "no PDF"; finish; exit 1; }
yaml_names "$content" > "$OUT/names"
n=$(grep -c . "$OUT/names")
equals "the content lists 12 people" "$n" "12"
equals "24 pages: a front and a back per person" "$(pages_of "$pdf")" "$((2 * n))"
equals "screen PDF has the same pages" "$(pages_of "$OUT/$doc-screen.pdf")" "$((2 * n))"
equals "one proof per page" "$(ls "$OUT"/$doc-proof-*.png | wc -l | tr -d ' ')" "$((2 * n))"

# Boxes: 85 x 55 mm trim, 3 mm bleed, 8 mm slug for the marks - on every page.
equals "TrimBox 85 x 55 mm on every page" "$(boxes_all "$pdf" TrimBox | sort -u)" "$(box 11 11 96 66)"
equals "BleedBox = trim + 3 mm on every page" "$(boxes_all "$pdf" BleedBox | sort -u)" "$(box 8 8 99 69)"
equals "MediaBox = bleed + slug on every page" "$(boxes_all "$pdf" MediaBox | sort -u)" "$(box 0 0 107 77)"
equals "screen PDF trimmed to 85 x 55 mm" \
	"$(pdfinfo "$OUT/$doc-screen.pdf" | awk '/Page size/ { print $3, $5 }')" "240.945 155.906"

# Each name on its own front (page 2k+1), and not on its back.
k=0
while IFS= read -r name; do
	front=$((2 * k + 1))
	contains "card $((k + 1)): '$name' on page $front" "$(page_text "$pdf" $front)" "$name"
	case "$(page_text "$pdf" $((front + 1)))" in
	*"$name"*) bad "card $((k + 1)): '$name' also on the back" ;;
	*"Vi bryr oss"*) ok "card $((k + 1)): page $((front + 1)) is the back" ;;
	*) bad "card $((k + 1)): page $((front + 1)) is not the guide back" ;;
	esac
	k=$((k + 1))
done < "$OUT/names"

contains "the letter-spaced kicker reads as words" "$(page_text "$pdf" 1)" "HORTEN KOMMUNE"
contains "... in the screen PDF too" "$(page_text "$OUT/$doc-screen.pdf" 1)" "HORTEN KOMMUNE"

# Print-shop checks.
check "qpdf --check" qpdf --check "$pdf"
equals "qpdf reports no warnings" "$(qpdf --check "$pdf" 2>&1 | grep -i warning)" ""
equals "every font embedded" "$(pdffonts "$pdf" 2>&1 | awk 'NR > 2 && $(NF-4) != "yes"')" ""
equals "pdffonts stderr is empty" "$(pdffonts "$pdf" 2>&1 >/dev/null)" ""
qpdf --qdf --object-streams=disable "$pdf" "$OUT/qdf.pdf" 2>/dev/null
equals "no RGB colour in the print PDF" "$(grep -a -c -E '/DeviceRGB|/CalRGB| (rg|RG)$' "$OUT/qdf.pdf")" "0"
cmyk=$(grep -a -c -E ' (k|K)$' "$OUT/qdf.pdf")
[ "$cmyk" -gt 0 ] && ok "CMYK operators present" || bad "no CMYK operators"
contains "output intent" "$(grep -a -o '/OutputConditionIdentifier *([A-Z0-9]*)' "$OUT/qdf.pdf")" "FOGRA39"
contains "title set" "$(pdfinfo "$pdf")" "Title:           Visittkort"

# Design rules, read from the display-list trace (sizes and colours exact): no type
# under 6.5 pt; type under 9 pt in 100 % K or the dark swatch natt (one ink, or
# dark enough that misregister does not show); the QR code in 100 % K.
trace_runs "$OUT/$doc.trace" > "$OUT/runs"
equals "no type under 6.5 pt" "$(awk -F '\t' '$3 < 6.5' "$OUT/runs" | head -3)" ""
equals "type under 9 pt is 100 % K or natt" "$(awk -F '\t' '$3 < 9 &&
	$4 $5 $6 $7 != "0001" && $4 $5 $6 $7 != "0.80.60.40.6"' "$OUT/runs" | head -3)" ""
equals "QR code in 100 % K on every back" \
	"$(grep 'frame "qr"$' "$OUT/$doc.trace" | cut -c1-20 | sort | uniq -c | awk '{ $1 = $1; print }')" \
	"$n fill cmyk 0 0 0 1"

# Safe area: every word of every card at least 4 mm inside the trim (pdftotext boxes
# are the full line height, so this is stricter than the ink). The slug line below
# the marks is outside the trim and not part of the card.
t0=$(mm 11); t1x=$(mm 96); t1y=$(mm 66); s=$(mm 4)
out=$(for p in $(seq 1 $((2 * n))); do words "$pdf" $p | awk -v p=$p -v a="$t0" -v bx="$t1x" \
	-v by="$t1y" -v s="$s" '$3 > a && $1 < bx && $4 > a && $2 < by &&
	($1 < a + s || $3 > bx - s || $2 < a + s || $4 > by - s) { print "page " p ": " $0 }'; done)
equals "all text inside the 4 mm safe area" "$(printf '%s' "$out" | head -5)" ""

# Contact lines close up: on every front they are one leading (9 pt) apart with the
# last one on the same baseline, however many the person has; no bare labels.
contact_lines() { awk -F '\t' '$8 == "\"kontakt\"" { print $1, $10, $11 }' "$1"; }
contact_lines "$OUT/runs" > "$OUT/contact"
equals "contact lines 9 pt apart on every card" \
	"$(awk '$1 == q && ($2 - y - 9)^2 > 1e-4 { print } { q = $1; y = $2 }' "$OUT/contact")" ""
equals "last contact line on one baseline on every card" \
	"$(awk '{ last[$1] = $2 } END { for (p in last) print last[p] }' "$OUT/contact" | sort -u)" "125.06"
equals "every front has contact lines" "$(cut -d' ' -f1 "$OUT/contact" | sort -u | wc -l | tr -d ' ')" "$n"
equals "no label without its number" "$(grep -E '"(Telefon|Mobil) *"' "$OUT/contact")" ""
no_mobile=$(awk '$1 == "-" { i++ } /^    mobile:/ { has[i] = 1 } END { for (j = 1; j <= i; j++)
	if (!has[j]) { print j; exit } }' "$content")
case "$(page_text "$pdf" $((2 * no_mobile - 1)))" in
*Mobil*) bad "card $no_mobile has no mobile number, but a Mobil line" ;;
*) ok "card $no_mobile without a mobile number has no Mobil line" ;;
esac

# Fit: the card with the longest name, and the one with the most title text, are the
# only ones set smaller (within the frames' fit ranges); the rest at full size.
fit_check() { # fit_check FRAME MIN MAX
	awk -F '\t' -v f="\"$1\"" '$8 == f { n[$1] += length($11) - 2; s[$1] = $3 }
		END { for (p in n) print n[p], p, s[p] }' "$OUT/runs" | sort -n > "$OUT/fit-$1"
	set -- "$1" "$2" "$3" $(tail -1 "$OUT/fit-$1")
	awk -v s="$6" -v lo="$2" -v hi="$3" 'BEGIN { exit !(s >= lo && s < hi) }' &&
		ok "$1: the longest text (page $5) shrinks to $6 pt" ||
		bad "$1: the longest text (page $5) set at $6 pt, want $2 <= size < $3"
	equals "$1: all other cards at $3 pt" "$(head -n -1 "$OUT/fit-$1" | awk '{ print $3 }' | sort -u)" "$3"
}
fit_check navn 9 13.00
fit_check tittel 6.5 7.50

# The QR code on the back reads back as the guide's address in the content file.
url=$(awk '$1 == "guide-url:" { print $2 }' "$content")
contains "the content has a guide address" "$url" "https://"
for p in 2 $((2 * n)); do
	pdftoppm -r 300 -png -f $p -l $p -singlefile "$OUT/$doc-screen.pdf" "$OUT/back-$p"
	equals "QR code on page $p decodes to the guide address" \
		"$(zbarimg -q --raw "$OUT/back-$p.png" 2>/dev/null)" "$url"
done
pdftoppm -r 300 -png -f 2 -l 2 -singlefile "$pdf" "$OUT/print-back"
equals "QR code in the print PDF decodes too" "$(zbarimg -q --raw "$OUT/print-back.png" 2>/dev/null)" "$url"
equals "QR code in the 100 dpi proof decodes" "$(zbarimg -q --raw "$OUT/$doc-proof-2.png" 2>/dev/null)" "$url"
contains "printed address on the back" "$(page_text "$pdf" 2)" "horten.kommune.no/vi-bryr-oss"

# Determinism: a second build is byte-identical.
./trykk build -q -o "$OUT/again" "$content" 2>/dev/null
check "two builds are byte-identical" cmp "$pdf" "$OUT/again/$doc.pdf"
[ -f "$OUT/$doc-sheets.pdf" ] && check "two sheet PDFs are byte-identical" \
	cmp "$OUT/$doc-sheets.pdf" "$OUT/again/$doc-sheets.pdf"
# The print PDF of a merge is rendered on a second thread while the cards are laid
# out; one process and one thread (TRYKK_JOBS=1) give the same bytes.
TRYKK_JOBS=1 ./trykk build -q --only print -o "$OUT/serial" "$content" 2>/dev/null
check "print PDF on its own thread = in one thread" cmp "$pdf" "$OUT/serial/$doc.pdf"
check "sheets in a second process = in one process" \
	cmp "$OUT/$doc-sheets.pdf" "$OUT/serial/$doc-sheets.pdf"

# Pixels of card 1, front and back, cut to the trim at 101.6 dpi (4 px/mm, so the
# 11 mm of bleed and slug are whole pixels), against references made after looking
# at them: $doc-1.png (front) and $doc-2.png (back).
for p in 1 2; do
	side=front; [ $p = 2 ] && side=back
	pdftoppm -r 101.6 -png -f $p -l $p -x 44 -y 44 -W 340 -H 220 -singlefile "$pdf" "$OUT/card-$p"
	if [ -n "$UPDATE" ]; then cp "$OUT/card-$p.png" "tests/e2e/ref/$doc-$p.png"; fi
	check "card 1 $side: pixels match the reference" \
		./build/pngdiff "$OUT/card-$p.png" "tests/e2e/ref/$doc-$p.png" 0.5
	# Screen and print side by side, 0.5 mm in from the trim on both (the screen PDF
	# is trimmed; its colours come from the ICC profile, poppler's from a formula).
	pdftoppm -r 101.6 -png -f $p -l $p -x 46 -y 46 -W 336 -H 216 -singlefile "$pdf" "$OUT/inner-$p"
	pdftoppm -r 101.6 -png -f $p -l $p -x 2 -y 2 -W 336 -H 216 -singlefile \
		"$OUT/$doc-screen.pdf" "$OUT/screen-$p"
	check "card 1 $side: print and screen PDFs look the same" \
		./build/pngdiff "$OUT/screen-$p.png" "$OUT/inner-$p.png" 1.5
done

# --- the same cards from a CSV file ---------------------------------------------------
csvdoc=visittkort-csv
./trykk build -q -o "$OUT/csv" --only print,screen,proof,trace "content/$csvdoc.yaml" 2>"$OUT/csv.err"
equals "CSV: builds without errors or warnings" "$? $(cat "$OUT/csv.err")" "0 "
cpdf=$OUT/csv/$csvdoc.pdf
csv=content/$(awk '$1 == "records-csv:" { print $2 }' "content/$csvdoc.yaml")
# first column of each data row (the names here are never quoted)
tail -n +2 "$csv" | cut -d, -f1 > "$OUT/csv-names"
cn=$(grep -c . "$OUT/csv-names")
equals "CSV: a front and a back per row" "$(pages_of "$cpdf")" "$((2 * cn))"
k=0
while IFS= read -r name; do
	contains "CSV: '$name' on page $((2 * k + 1))" "$(page_text "$cpdf" $((2 * k + 1)))" "$name"
	k=$((k + 1))
done < "$OUT/csv-names"
contains "CSV: a quoted cell keeps its comma" "$(page_text "$cpdf" 3)" "Barn og familie, Familiehuset"
trace_runs "$OUT/csv/$csvdoc.trace" > "$OUT/csv-runs"
contact_lines "$OUT/csv-runs" > "$OUT/csv-contact"
equals "CSV: contact lines 9 pt apart" \
	"$(awk '$1 == q && ($2 - y - 9)^2 > 1e-4 { print } { q = $1; y = $2 }' "$OUT/csv-contact")" ""
equals "CSV: last contact line on the same baseline as the YAML list's" \
	"$(awk '{ last[$1] = $2 } END { for (p in last) print last[p] }' "$OUT/csv-contact" | sort -u)" "125.06"
# the row with only an e-mail address (phone, mobile and address cells empty)
only=$(awk -F, 'NR > 1 && !/"/ && $4 $5 $7 == "" { print NR - 1; exit }' "$csv")
equals "CSV: empty cells close up (row $only: one contact line)" \
	"$(awk -v p=$((2 * only - 1)) '$1 == p' "$OUT/csv-contact" | wc -l | tr -d ' ')" "1"
pdftoppm -r 101.6 -png -f 2 -l 2 -x 44 -y 44 -W 340 -H 220 -singlefile "$cpdf" "$OUT/csv-back"
check "CSV: the back is the same as the YAML list's" \
	./build/pngdiff "$OUT/csv-back.png" "tests/e2e/ref/$doc-2.png" 0.5

# --- a broken list: every bad record reported, nothing written -------------------------
broken=tests/e2e/cards/broken.yaml
./trykk build -q -o "$OUT/broken" "$broken" 2>"$OUT/broken.err"
equals "broken list: exit status 1" "$?" "1"
equals "broken list: no output written" "$(ls "$OUT/broken" 2>/dev/null)" ""
errs=$(grep ': error: ' "$OUT/broken.err")
equals "broken list: one error line per broken record" "$(printf '%s\n' "$errs" | grep -c .)" "4"
at() { awk -v s="$1" '{ i = index($0, s) } i { print NR ":" i; exit }' "$broken"; }
nameless=$(at "title: Helsesykepleier")
contains "missing name: reported at the record, by number" "$errs" \
	"$broken:$nameless: error: record 2: 'name' is missing"
contains "bad e-mail: reported at the address, with the name" "$errs" \
	"$broken:$(at "kari.bakke(at)"): error: record 4 (Kari Bakke): 'kari.bakke(at)horten.kommune.no' is not an e-mail address"
long="Karl Fredrik Wilhelm Bjørnstad-Kvælsrud Haugen-Løvenskiold Aasgaard"
contains "name too long: reported at the name, naming the frame" "$errs" \
	"$broken:$(at "$long"): error: record 5 ($long): text does not fit in frame 'navn' even at the minimum size"
contains "bad phone number: reported at the number, with the name" "$errs" \
	"$broken:$(at "ring meg"): error: record 7 (Per Hansen): 'ring meg' is not a phone number"
equals "good records are not reported" "$(printf '%s\n' "$errs" | grep -E 'record (1|3|6)\b')" ""

# --- press sheets (n-up on SRA3, backs mirrored for duplex) ---------------------------
# SRA3 portrait 320 x 450 mm with 10 mm margins and 6 mm between cards takes
# 3 x 7 = 21 cards of 85 x 55 mm; fronts on one side, backs on the other.
PER=21
sheets_check() { # sheets_check LABEL SHEETS-PDF CARDS-PDF NAMES-FILE
	label=$1 sp=$2 cp=$3 names=$4
	if [ ! -f "$sp" ]; then
		echo "SKIP $label: $sp was not written (imposition not wired into the build yet)"
		return
	fi
	cards=$(grep -c . "$names")
	sheets=$(((cards + PER - 1) / PER))
	equals "$label: $sheets sheet(s) x 2 sides" "$(pages_of "$sp")" "$((2 * sheets))"
	equals "$label: SRA3 sheets" "$(pdfinfo "$sp" | awk '/Page size/ { print $3, $5 }')" "907.087 1275.59"
	check "$label: qpdf --check" qpdf --check "$sp"
	equals "$label: every font embedded" "$(pdffonts "$sp" 2>&1 | awk 'NR > 2 && $(NF-4) != "yes"')" ""
	qpdf --qdf --object-streams=disable "$sp" "$OUT/sheets.qdf.pdf" 2>/dev/null
	equals "$label: no RGB" "$(grep -a -c -E '/DeviceRGB|/CalRGB| (rg|RG)$' "$OUT/sheets.qdf.pdf")" "0"
	contains "$label: sheet label on the front" "$(page_text "$sp" 1)" "ark 1 av $sheets"
	sw=$(pdfinfo "$sp" | awk '/Page size/ { print $3 }')
	cw=$(mm 85); trim=$(mm 11)
	: > "$OUT/want-backs"
	: > "$OUT/got-backs"
	k=0
	while IFS= read -r name; do
		s=$((k / PER)); front=$((2 * s + 1))
		# where the name stands on its own card (relative to the trim) ...
		words "$cp" $((2 * k + 1)) > "$OUT/w-card"
		set -- $(find_name "$OUT/w-card" "$name")
		cx=$1 cy=$2
		# ... and on the sheet: the card's corner is the difference
		words "$sp" $front > "$OUT/w-sheet"
		hits=$(find_name "$OUT/w-sheet" "$name" | awk -v x="$cx" -v y="$cy" -v t="$trim" \
			'{ printf "%.1f %.1f\n", $1 - (x - t), $2 - (y - t) }')
		if [ "$(printf '%s\n' "$hits" | grep -c .)" = 1 ]; then
			ok "$label: '$name' once on the front of sheet $((s + 1))"
			# its back: turned over the long edge, the column mirrors, the row stays
			printf '%s\n' "$hits" | awk -v s=$((2 * s + 2)) -v w="$sw" -v c="$cw" \
				'{ printf "%d %.1f %.1f\n", s, w - $1 - c, $2 }' >> "$OUT/want-backs"
		else
			bad "$label: '$name' on the front of sheet $((s + 1))" "found at: $hits"
		fi
		case "$(page_text "$sp" $((front + 1)))" in
		*"$name"*) bad "$label: '$name' on a back" ;;
		*) ok "$label: '$name' not on a back" ;;
		esac
		k=$((k + 1))
	done < "$names"
	# Every back's corner, from the guide title's place on the card's own back page.
	words "$cp" 2 > "$OUT/w-back"
	set -- $(awk '$5 == "Vi" { print $1, $2; exit }' "$OUT/w-back")
	bx=$1 by=$2
	for s in $(seq 1 "$sheets"); do
		words "$sp" $((2 * s)) | awk -v s=$((2 * s)) -v x="$bx" -v y="$by" -v t="$trim" \
			'$5 == "Vi" { printf "%d %.1f %.1f\n", s, $1 - (x - t), $2 - (y - t) }' >> "$OUT/got-backs"
	done
	# same list of corners, to half a point
	sort -n -k1,1 -k3,3 -k2,2 "$OUT/got-backs" > "$OUT/got-sorted"
	sort -n -k1,1 -k3,3 -k2,2 "$OUT/want-backs" > "$OUT/want-sorted"
	if [ "$(wc -l < "$OUT/got-sorted")" = "$(wc -l < "$OUT/want-sorted")" ] &&
		paste -d' ' "$OUT/got-sorted" "$OUT/want-sorted" | awk '$1 != $4 ||
			($2 - $5)^2 > 0.25 || ($3 - $6)^2 > 0.25 { exit 1 }'; then
		ok "$label: one back behind every front, mirrored ($(grep -c . "$OUT/got-sorted") cards)"
	else
		bad "$label: one back behind every front, mirrored (sheet, x, y in pt)" "got:  $(tr '\n' ';' < "$OUT/got-sorted")
want: $(tr '\n' ';' < "$OUT/want-sorted")"
	fi
}
sheets_check "sheets" "$OUT/$doc-sheets.pdf" "$pdf" "$OUT/names"
if [ -f "$OUT/$doc-sheets.pdf" ]; then
	# The front of the sheet at 20 dpi: card grid, marks and label in place.
	pdftoppm -r 20 -png -f 1 -l 1 -singlefile "$OUT/$doc-sheets.pdf" "$OUT/sheet"
	if [ -n "$UPDATE" ]; then cp "$OUT/sheet.png" "tests/e2e/ref/$doc-sheet.png"; fi
	check "sheets: pixels of the front match the reference" \
		./build/pngdiff "$OUT/sheet.png" "tests/e2e/ref/$doc-sheet.png" 1
fi
# Five cards leave the second row half full: its backs must move to the other side.
sheets_check "CSV sheets" "$OUT/csv/$csvdoc-sheets.pdf" "$cpdf" "$OUT/csv-names"

# A record field that no frame shows is a misspelt name: a warning with a suggestion,
# and the card is still made.
mkdir -p "$OUT/typo"
printf 'layout: visittkort\nfields: {guide-url: "https://example.no"}\nrecords:\n  - name: Kari Nordmann\n    tittel: Rådgiver\n' >"$OUT/typo/typo.yaml"
./trykk build -q --only print -o "$OUT/typo" "$OUT/typo/typo.yaml" 2>"$OUT/typo.err"
equals "unused record field: exit 0, PDF written" "$? $(test -s "$OUT/typo/typo.pdf" && echo pdf)" "0 pdf"
contains "unused record field: warned at the field, with a suggestion" "$(cat "$OUT/typo.err")" \
	"typo.yaml:5:13: warning: field 'tittel' is not shown by any frame of the layout (did you mean 'title'?)"

# --- pages the records share ----------------------------------------------------------
# A back that shows nothing of the record is laid out once and drawn once: the print PDF
# holds it as one form XObject (and the crop marks as another), placed on every back.
qpdf --qdf --object-streams=disable "$pdf" "$OUT/shared.qdf.pdf" 2>/dev/null
equals "print PDF: the back and the crop marks are drawn once each (2 forms)" \
	"$(grep -a -c '/Subtype /Form' "$OUT/shared.qdf.pdf")" "2"
pdftoppm -r 101.6 -png -f $((2 * n)) -l $((2 * n)) -x 44 -y 44 -W 340 -H 220 -singlefile "$pdf" \
	"$OUT/last-back"
check "the last back looks as the first" ./build/pngdiff "$OUT/last-back.png" "tests/e2e/ref/$doc-2.png" 0.5
# A back that shows a field of the record, or the page number, is each record's own.
mkdir -p "$OUT/own"
awk '{ print } /^  - name: bakside$/ { getline; print
	print "      - {name: eier, text: \"{name} {page}\", markdown: false, style: guide-url,"
	print "         x: 4mm, y: 45mm, width: 80mm, height: 5mm, fit: {min: 4pt, max: 7.5pt}}" }' \
	layouts/visittkort.yaml \
	> "$OUT/own/visittkort-own.yaml"
sed "s|^layout: visittkort$|layout: $OUT/own/visittkort-own.yaml|" "$content" > "$OUT/own/own.yaml"
./trykk build -q --only print -o "$OUT/own" "$OUT/own/own.yaml" 2>"$OUT/own.err"
equals "back with {name} {page}: builds" "$? $(cat "$OUT/own.err")" "0 "
qpdf --qdf --object-streams=disable "$OUT/own/own.pdf" "$OUT/own.qdf.pdf" 2>/dev/null
equals "back with {name} {page}: only the crop marks are shared (1 form)" \
	"$(grep -a -c '/Subtype /Form' "$OUT/own.qdf.pdf")" "1"
k=0
out=""
while IFS= read -r name; do
	k=$((k + 1))
	case "$(page_text "$OUT/own/own.pdf" $((2 * k)))" in
	*"$name $((2 * k))"*) ;;
	*) out="$out card $k" ;;
	esac
done < "$OUT/names"
equals "back with {name} {page}: every back shows its own name and page" "$out" ""

# --- a long list, written as it is laid out -------------------------------------------
# With only the print PDF asked for, a merge is laid out record by record and each
# record's memory is freed as soon as the print PDF and the sheets are written past
# it (more than 32 records behind layout, so 150 records exercise it). The bytes
# must be those of the whole list laid out first in one thread, and of a build that
# keeps the pages (a trace too); every card must still be there.
long="$OUT/long"
rm -rf "$long"
sh bench/gen-cards.sh 150 "$long" >/dev/null
./trykk build -q --only print -o "$long/out" "$long/cards-150.yaml" 2>"$long/err"
equals "150 cards, print only: builds" "$? $(cat "$long/err")" "0 "
TRYKK_JOBS=1 ./trykk build -q --only print -o "$long/serial" "$long/cards-150.yaml" 2>/dev/null
./trykk build -q --only print,trace -o "$long/kept" "$long/cards-150.yaml" 2>/dev/null
for f in cards-150.pdf cards-150-sheets.pdf; do
	check "150 cards: $f = laid out whole in one thread" cmp "$long/out/$f" "$long/serial/$f"
	check "150 cards: $f = with the pages kept" cmp "$long/out/$f" "$long/kept/$f"
done
equals "150 cards: 300 pages" "$(pages_of "$long/out/cards-150.pdf")" "300"
equals "150 cards: 8 sheets x 2 sides" "$(pages_of "$long/out/cards-150-sheets.pdf")" "16"
last=$(awk -F, 'NR == 151 { print $1 }' "$long/cards-150.csv")
contains "150 cards: the last card is the last person's" \
	"$(page_text "$long/out/cards-150.pdf" 299)" "$last"
contains "150 cards: the last sheet has the last card" \
	"$(page_text "$long/out/cards-150-sheets.pdf" 15)" "$last"
contains "150 cards: page 299's slug line counts all pages" \
	"$(page_text "$long/out/cards-150.pdf" 299)" "side 299 av 300"
# Without imposition the merge is written record by record too (no sheets).
grep -v '^impose:' layouts/visittkort.yaml > "$long/noimpose.yaml"
sed "s|^layout: visittkort\$|layout: $long/noimpose.yaml|" "$long/cards-150.yaml" \
	> "$long/noimpose-content.yaml"
./trykk build -q --only print -o "$long/ni" "$long/noimpose-content.yaml" 2>/dev/null
TRYKK_JOBS=1 ./trykk build -q --only print -o "$long/ni-serial" "$long/noimpose-content.yaml" \
	2>/dev/null
check "150 cards, no imposition: the same print PDF as laid out whole" \
	cmp "$long/ni/noimpose-content.pdf" "$long/ni-serial/noimpose-content.pdf"
equals "150 cards, no imposition: no sheets" "$(ls "$long/ni" | grep -c sheets)" "0"
# A bad record far down the list: reported, and nothing written, although the
# pages before it were already on their way to the file.
awk -F, 'NR == 121 { sub(/@horten\.kommune\.no/, "(at)horten.kommune.no") } { print }' \
	"$long/cards-150.csv" > "$long/bad.csv"
sed 's|^records-csv: cards-150.csv$|records-csv: bad.csv|' "$long/cards-150.yaml" > "$long/bad.yaml"
./trykk build -q --only print -o "$long/bad" "$long/bad.yaml" 2>"$long/bad.err"
equals "150 cards, record 120 broken: exit status 1" "$?" "1"
contains "150 cards, record 120 broken: named" "$(cat "$long/bad.err")" "record 120"
equals "150 cards, record 120 broken: nothing written" \
	"$(ls -A "$long/bad" 2>/dev/null | grep -v '^.trykk-cache$')" ""

# A sheet too small for a card, print only (sheets made as the cards are laid out):
# one error at the layout's impose line, no record named, exit 1, nothing written.
sed 's/sheet: SRA3,/sheet: A7,/' layouts/visittkort.yaml > "$long/a7.yaml"
sed "s|^layout: visittkort\$|layout: $long/a7.yaml|" "$content" > "$long/a7-content.yaml"
./trykk build --only print -o "$long/a7" "$long/a7-content.yaml" 2>"$long/a7.err"
equals "A7 sheet, print only: exit status 1" "$?" "1"
equals "A7 sheet, print only: one error, at the impose line" \
	"$(grep ': error: ' "$long/a7.err")" \
	"$long/a7.yaml:$(grep -n '^impose:' layouts/visittkort.yaml | cut -d: -f1):9: error: a 85 x 55 mm card with bleed does not fit on a 74 x 105 mm sheet with room for marks"
equals "A7 sheet, print only: nothing written" "$(ls -A "$long/a7" 2>/dev/null | grep -v '^.trykk-cache$')" ""

finish

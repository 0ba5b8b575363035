#!/bin/sh
# End-to-end checks of the business cards (data merge, QR code, n-up sheets): page
# and sheet counts, each name on its card and sheet, boxes, fonts, colour, the QR
# code decoded from a proof, front/back alignment on the sheets, errors for broken
# records, and pixels. UPDATE=1 rewrites the references.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
OUT=tests/out/cards
rm -rf "$OUT" && mkdir -p "$OUT"
doc=visittkort
./trykk build -q -o "$OUT" "content/$doc.yaml" 2>"$OUT/err"
equals "12-person list builds without errors or warnings" "$? $(cat "$OUT/err")" "0 "
pdf="$OUT/$doc.pdf"
equals "24 pages: front and back per person" "$(pdfinfo "$pdf" | awk '/^Pages:/ { print $2 }')" "24"
trim=$(pdfinfo -box "$pdf" | awk '$1 == "TrimBox:" { printf "%.1f %.1f", ($4 - $2) * 25.4 / 72, ($5 - $3) * 25.4 / 72 }')
equals "TrimBox is 85 x 55 mm" "$trim" "85.0 55.0"
bleed=$(pdfinfo -box "$pdf" | awk '$1 == "BleedBox:" { printf "%.1f %.1f", ($4 - $2) * 25.4 / 72, ($5 - $3) * 25.4 / 72 }')
equals "BleedBox adds 3 mm" "$bleed" "91.0 61.0"
check "qpdf --check" qpdf --check "$pdf"
equals "every font embedded" "$(pdffonts "$pdf" | awk 'NR > 2 && $(NF-4) != "yes"')" ""
qpdf --qdf --object-streams=disable "$pdf" "$OUT/qdf.pdf" 2>/dev/null
equals "no RGB" "$(grep -a -c -E '/DeviceRGB| (rg|RG)$' "$OUT/qdf.pdf")" "0"

# Each name on its own card (page 2k+1).
names=$(awk '/^  - name: / { sub(/^  - name: /, ""); print }' "content/$doc.yaml")
k=0
miss=""
echo "$names" > "$OUT/names.txt"
while IFS= read -r name; do
	page=$((2 * k + 1))
	t=$(pdftotext -f $page -l $page "$pdf" - | tr '\n' ' ')
	case "$t" in *"$name"*) ;; *) miss="$miss [$name not on page $page]" ;; esac
	k=$((k + 1))
done < "$OUT/names.txt"
equals "each name is on its own front" "$miss" ""
equals "12 names checked" "$k" "12"
t=$(pdftotext -f 3 -l 3 "$pdf" - | tr '\n' ' ')
case "$t" in *Mobil*) bad "Kari has no mobile: the line must close up" ;; *) ok "empty mobile line closes up" ;; esac

# The QR code on the back decodes to the guide's address.
url=$(awk '/^  guide-url: / { print $2 }' "content/$doc.yaml")
pdftoppm -r 200 -png -f 2 -l 2 -singlefile "$OUT/$doc-screen.pdf" "$OUT/back"
equals "QR code decodes to the guide's address" "$(zbarimg -q --raw "$OUT/back.png" 2>/dev/null)" "$url"

# Press sheets: SRA3, fronts then mirrored backs.
sheets="$OUT/$doc-sheets.pdf"
equals "sheets: one sheet, two sides" "$(pdfinfo "$sheets" | awk '/^Pages:/ { print $2 }')" "2"
size=$(pdfinfo "$sheets" | awk '/^Page size/ { printf "%.0f %.0f", $3 * 25.4 / 72, $5 * 25.4 / 72 }')
equals "sheets are SRA3" "$size" "320 450"
check "sheets: qpdf --check" qpdf --check "$sheets"
front=$(pdftotext -f 1 -l 1 "$sheets" - | tr '\n' ' ')
miss=""
while IFS= read -r name; do
	case "$front" in *"$name"*) ;; *) miss="$miss [$name]" ;; esac
done < "$OUT/names.txt"
equals "every name on the front of the sheet" "$miss" ""
# Front/back alignment: the QR code of a back lies behind its card when the sheet is
# turned over the long edge: the back's x range mirrors the front's about the centre.
pdftotext -bbox -f 1 -l 1 "$sheets" "$OUT/front-bbox.html"
pdftotext -bbox -f 2 -l 2 "$sheets" "$OUT/back-bbox.html"
python3 - "$OUT/front-bbox.html" "$OUT/back-bbox.html" > "$OUT/align.txt" <<'PY'
import re, sys
W = 320 / 25.4 * 72
def words(f):
    return [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in
            re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', open(f).read())]
front, back = words(sys.argv[1]), words(sys.argv[2])
# card left edges: the red rule is not text; use the name words "Marianne" and the
# backs' "Vi" of "Vi bryr oss" in the same row (first row).
fx = sorted(x0 for x0, y0, x1, y1, w in front if w in ("Marianne", "Kari", "Ola") and y0 < 200)
bx = sorted(x0 for x0, y0, x1, y1, w in back if w == "Vi" and y0 < 200)
card = 85 / 25.4 * 72
ok = len(fx) == 3 and len(bx) == 3
# front card c starts at fx[c] - m; its back must start at W - (fx[c] - m) - card
if ok:
    m = fx[0] - (W - (3 * card + 2 * 6 / 25.4 * 72)) / 2
    fronts = sorted(x - m for x in fx)
    backs = sorted(x - m for x in bx)
    mirrored = sorted(W - f - card for f in fronts)
    ok = all(abs(a - b) < 0.5 for a, b in zip(backs, mirrored))
print("aligned" if ok else "misaligned %s %s" % (fx, bx))
PY
equals "backs line up with their fronts (mirrored columns)" "$(cat "$OUT/align.txt")" "aligned"

# The same list from a CSV file.
./trykk build -q -o "$OUT/csv" --only print content/visittkort-csv.yaml 2>"$OUT/csv.err"
equals "CSV list builds" "$? $(cat "$OUT/csv.err")" "0 "
equals "CSV: 3 people, 6 pages" "$(pdfinfo "$OUT/csv/visittkort-csv.pdf" | awk '/^Pages:/ { print $2 }')" "6"
contains "CSV: quoted cell with a comma" "$(pdftotext -f 1 -l 1 "$OUT/csv/visittkort-csv.pdf" - | tr '\n' ' ')" "Leder, Rusforebyggende senter"

# Broken records: every one reported, exit 1, no PDF.
./trykk build -q -o "$OUT/broken" tests/e2e/cards/broken.yaml 2>"$OUT/broken.err"
equals "broken list: exit 1" "$?" "1"
errs=$(grep 'error:' "$OUT/broken.err")
contains "record 2 without a name" "$errs" "tests/e2e/cards/broken.yaml:10:5: error: record 2: 'name' is missing"
contains "record 3 bad e-mail" "$errs" "tests/e2e/cards/broken.yaml:13:12: error: record 3 (Ola Nordmann): 'ola.nordmann(at)horten.kommune.no' is not an e-mail address"
contains "record 4 name too long" "$errs" "tests/e2e/cards/broken.yaml:14:11: error: record 4 (Karianne Margrethe Wilhelmsen-Bjørnstad-Kvælsrud-Haugen-Strømsnæs-Aasheim-Vikersund): text does not fit in frame 'navn'"
contains "record 5 bad phone" "$errs" "record 5 (Per Hansen): 'ring meg' is not a phone number"
equals "broken list: four errors" "$(echo "$errs" | grep -c .)" "4"
equals "broken list: no PDF" "$(find "$OUT/broken" -name '*.pdf' 2>/dev/null | wc -l)" "0"

# Pixels of one card, front and back.
for p in 1 2; do
	pdftoppm -r 60 -png -f $p -l $p -x 26 -y 26 -W 201 -H 130 -singlefile "$pdf" "$OUT/card-$p"
	[ -n "$UPDATE" ] && cp "$OUT/card-$p.png" "tests/e2e/ref/visittkort-$p.png"
	check "pixels: card page $p" ./build/pngdiff "$OUT/card-$p.png" "tests/e2e/ref/visittkort-$p.png" 0.5
done
pdftoppm -r 10 -png -f 1 -l 1 -singlefile "$sheets" "$OUT/sheet"
[ -n "$UPDATE" ] && cp "$OUT/sheet.png" tests/e2e/ref/visittkort-sheet.png
check "pixels: sheet front" ./build/pngdiff "$OUT/sheet.png" tests/e2e/ref/visittkort-sheet.png 1
finish

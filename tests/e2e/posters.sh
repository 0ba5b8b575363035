#!/bin/sh
# End-to-end checks of the two posters, as a print shop and a reader would check
# them: page boxes, fonts, text, structure, colour spaces, determinism, and pixels
# against committed reference renderings. UPDATE=1 rewrites the references.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
OUT=tests/out/posters
rm -rf "$OUT" && mkdir -p "$OUT"

# Expected boxes for A3 (297 x 420 mm), bleed 3 mm, 8 mm slug for marks, in points.
box() { awk -v a="$1" -v b="$2" -v c="$3" -v d="$4" 'BEGIN { k = 72 / 25.4;
	printf "%.2f %.2f %.2f %.2f", a * k, b * k, c * k, d * k }'; }
boxes_of() { pdfinfo -box "$1" | awk -v k="$2:" '$1 == k { print $2, $3, $4, $5 }'; }

for doc in plakat-edru-voksne plakat-hvor-mange-glass; do
	./trykk build -q -o "$OUT" "content/$doc.yaml" 2>"$OUT/$doc.err"
	equals "$doc: builds without errors or warnings" "$? $(cat "$OUT/$doc.err")" "0 "
	pdf="$OUT/$doc.pdf"
	[ -f "$pdf" ] || { bad "$doc: no PDF"; continue; }
	equals "$doc: MediaBox = trim + bleed + slug" "$(boxes_of "$pdf" MediaBox)" "$(box 0 0 319 442)"
	equals "$doc: BleedBox = trim + 3 mm" "$(boxes_of "$pdf" BleedBox)" "$(box 8 8 311 434)"
	equals "$doc: TrimBox = A3" "$(boxes_of "$pdf" TrimBox)" "$(box 11 11 308 431)"
	check "$doc: qpdf --check" qpdf --check "$pdf"
	warn=$(qpdf --check "$pdf" 2>&1 | grep -i "warning")
	equals "$doc: qpdf reports no warnings" "$warn" ""
	fonts=$(pdffonts "$pdf" 2>&1)
	notemb=$(printf '%s\n' "$fonts" | awk 'NR > 2 && $(NF-4) != "yes"')
	equals "$doc: every font embedded" "$notemb" ""
	contains "$doc: pdffonts prints no errors" "x$(pdffonts "$pdf" 2>&1 >/dev/null)" "x"
	equals "$doc: pdffonts stderr is empty" "$(pdffonts "$pdf" 2>&1 >/dev/null)" ""
	# No RGB anywhere: uncompress and look for RGB colour spaces and operators.
	qpdf --qdf --object-streams=disable "$pdf" "$OUT/$doc.qdf.pdf" 2>/dev/null
	rgb=$(grep -a -c -E '/DeviceRGB|/CalRGB| (rg|RG)$' "$OUT/$doc.qdf.pdf")
	equals "$doc: no RGB colour in the print PDF" "$rgb" "0"
	cmyk=$(grep -a -c -E ' (k|K)$' "$OUT/$doc.qdf.pdf")
	[ "$cmyk" -gt 0 ] && ok "$doc: CMYK operators present" || bad "$doc: no CMYK operators"
	contains "$doc: output intent" "$(grep -a -o '/OutputConditionIdentifier *([A-Z0-9]*)' "$OUT/$doc.qdf.pdf")" "FOGRA39"
	contains "$doc: title set" "$(pdfinfo "$pdf")" "Title:"
	contains "$doc: creator set" "$(pdfinfo "$pdf")" "trykk"
	# Determinism: a second build is byte-identical.
	mkdir -p "$OUT/again"
	./trykk build -q -o "$OUT/again" "content/$doc.yaml" 2>/dev/null
	check "$doc: two builds are byte-identical" cmp "$pdf" "$OUT/again/$doc.pdf"
	check "$doc: screen PDFs byte-identical" cmp "$OUT/$doc-screen.pdf" "$OUT/again/$doc-screen.pdf"
	# Screen PDF: trimmed to A3, text extractable.
	equals "$doc: screen PDF is trimmed to A3" "$(pdfinfo "$OUT/$doc-screen.pdf" | awk '/Page size/ { print $3, $5 }')" "841.89 1190.55"
	# Pixels against the reference rendering (print PDF cropped to the trim).
	# 30 dpi, cut to the trim box (11 mm in: 3 mm bleed + 8 mm slug).
	pdftoppm -r 30 -png -x 13 -y 13 -W 351 -H 497 -singlefile "$pdf" "$OUT/$doc-page" 2>/dev/null
	if [ -n "$UPDATE" ]; then cp "$OUT/$doc-page.png" "tests/e2e/ref/$doc.png"; fi
	check "$doc: pixels match the reference" ./build/pngdiff "$OUT/$doc-page.png" "tests/e2e/ref/$doc.png" 0.5
	pdftoppm -r 30 -png -singlefile "$OUT/$doc-screen.pdf" "$OUT/$doc-screen-page" 2>/dev/null
	check "$doc: print and screen PDFs look the same" ./build/pngdiff "$OUT/$doc-screen-page.png" "tests/e2e/ref/$doc.png" 1.5
done

t=$(pdftotext "$OUT/plakat-edru-voksne.pdf" - | tr '\n' ' ')
contains "edru: headline text in the print PDF" "$t" "Barn trives best med edru voksne"
contains "edru: body text" "$t" "helsesøster"
# The kicker is letter-spaced; its words still come out as words (ActualText).
contains "edru: letter-spaced kicker reads as words in the print PDF" "$t" "BARN I RUSFAMILIER"
check "edru: the kicker carries ActualText" sh -c "qpdf --qdf --object-streams=disable '$OUT/plakat-edru-voksne.pdf' - | grep -aqi 'ActualText <FEFF004200410052004E'"
t=$(pdftotext "$OUT/plakat-hvor-mange-glass-screen.pdf" - | tr '\n' ' ')
contains "glass: headline text in the screen PDF" "$t" "Hvor mange glass tåler barnet ditt?"
img=$(pdfimages -list "$OUT/plakat-hvor-mange-glass.pdf" | awk 'NR > 2 { print $6 }' | sort -u | tr '\n' ' ')
equals "glass: the picture is CMYK in the print PDF" "$img" "cmyk "

# Dates: fixed unless SOURCE_DATE_EPOCH says otherwise; touching an input changes nothing.
mkdir -p "$OUT/t1" "$OUT/t2"
./trykk build -q --only print -o "$OUT/t1" content/plakat-edru-voksne.yaml 2>/dev/null
touch -d '2020-05-05' content/plakat-edru-voksne.yaml 2>/dev/null
./trykk build -q --only print -o "$OUT/t2" content/plakat-edru-voksne.yaml 2>/dev/null
check "a touched input gives the same bytes" cmp "$OUT/t1/plakat-edru-voksne.pdf" "$OUT/t2/plakat-edru-voksne.pdf"
contains "fixed creation date" "$(pdfinfo "$OUT/t1/plakat-edru-voksne.pdf")" "2000 UTC"
SOURCE_DATE_EPOCH=1763769600 ./trykk build -q --only print -o "$OUT/t3" content/plakat-edru-voksne.yaml 2>/dev/null
contains "SOURCE_DATE_EPOCH is honoured" "$(pdfinfo "$OUT/t3/plakat-edru-voksne.pdf" | grep CreationDate)" "Nov 22 00:00:00 2025"

# The same layout at A2 and A4: only the size changes.
for size in A2 A4; do
	sed "s/^  size: A3$/  size: $size/" layouts/plakat-bilde.yaml > "$OUT/plakat-$size.yaml"
	./trykk build -q -o "$OUT/$size" --layout "$OUT/plakat-$size.yaml" --only print \
		content/plakat-hvor-mange-glass.yaml 2>"$OUT/$size.err"
	equals "layout at $size builds without errors" "$? $(grep -c 'error:' "$OUT/$size.err")" "0 0"
	case $size in A2) want="$(box 11 11 431 605)" ;; A4) want="$(box 11 11 221 308)" ;; esac
	equals "layout at $size: TrimBox" "$(boxes_of "$OUT/$size/plakat-hvor-mange-glass.pdf" TrimBox)" "$want"
done
contains "A2: the picture is reported under 300 ppi when enlarged" "$(cat "$OUT/A2.err")" "ppi"

# The text poster's layout at A4: A4 is not exactly A3 scaled, and the footer band,
# drawn to the A3 trim with bleed: true, must still run into the A4 bleed (it ended
# 0.06 pt short of the trim, and preflight warned of a white line after trimming).
sed "s/^  size: A3$/  size: A4/" layouts/plakat.yaml > "$OUT/plakat-a4.yaml"
./trykk build -q -o "$OUT/A4text" --layout "$OUT/plakat-a4.yaml" --only print \
	content/plakat-edru-voksne.yaml 2>"$OUT/A4text.err"
equals "text poster at A4: no messages" "$? $(cat "$OUT/A4text.err")" "0 "
# At 72 dpi the trim's bottom edge is 873 px down the media box and the bleed's
# 882: a pixel in the bleed below the band must be the band's colour, as one inside
# it is (before, the petrol background showed there).
px() {
	pdftoppm -r 72 -singlefile -x 300 -y "$1" -W 1 -H 1 "$OUT/A4text/plakat-edru-voksne.pdf" \
		"$OUT/A4text-px" && tail -c 3 "$OUT/A4text-px.ppm" | od -An -tu1 | tr -s ' '
}
band=$(px 860)
equals "text poster at A4: the footer band runs into the bleed" "$(px 877)" "$band"
[ -n "$band" ] && [ "$band" != " 255 255 255" ] && ok "text poster at A4: the band is coloured" ||
	bad "text poster at A4: the band is '$band'"

finish

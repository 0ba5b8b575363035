#!/bin/sh
# Preflight end to end: for every rule a document in tests/preflight/ that breaks it
# and the same document on a layout (tests/preflight/layouts/*-ok.yaml) that does
# not, checked through `trykk preflight` (exit status, the message with its file,
# line, page and frame on stderr, the JSON on stdout) and through `trykk build`
# (warnings shown and the PDF written; errors stop the build with nothing written).
# Then every product in content/ preflights clean, and preflight writes nothing.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
OUT=tests/out/preflight
rm -rf "$OUT" && mkdir -p "$OUT"
P=tests/preflight
ROOT=$(pwd)

# pf NAME ARGS...: preflight with --json; sets rc, err (stderr) and writes $OUT/NAME.json
pf() {
	name=$1
	shift
	./trykk preflight --json "$@" >"$OUT/$name.json" 2>"$OUT/$name.err"
	rc=$?
	err=$(cat "$OUT/$name.err")
}

# q NAME EXPR: evaluates a Python expression over the findings f of $OUT/NAME.json
q() {
	python3 -c 'import json, sys
f = json.load(open(sys.argv[1]))
r = eval(sys.argv[2])
print(r if isinstance(r, str) else json.dumps(r))' "$OUT/$1.json" "$2" 2>&1
}

# The findings of a run as "severity rule page frame file:line:col", infos left out.
KEYS='"\n".join("%s %s %s %s %s:%s:%s" % (x["severity"], x["rule"], x["page"], x["frame"],
	x["file"], x["line"], x["col"]) for x in f if x["severity"] != "info")'

# --- safe margin: text and a QR code too close to the trim --------------------------
pf safe $P/safe.yaml
equals "safe margin: exit 0 (warnings only)" "$rc" "0"
equals "safe margin: findings" "$(q safe "$KEYS")" \
"warning safe-margin 1 tekst tests/preflight/safe.yaml:4:10
warning safe-margin 1 qr tests/preflight/safe.yaml:5:12"
contains "safe margin: text message with place" "$err" \
	"tests/preflight/safe.yaml:4:10: warning: page 1, frame 'tekst': text is 1mm from the trim, inside the safe margin of 3mm"
contains "safe margin: the YAML line is quoted" "$err" "    4 |   tekst: Tekst nær kanten"
contains "safe margin: QR code" "$err" "frame 'qr': QR code is 0.24mm from the trim"
pf safe-ok --layout $P/layouts/safe-ok.yaml $P/safe.yaml
equals "safe margin ok: no findings" "$rc $(q safe-ok 'f')" "0 []"

# --- bleed: a colour band that stops at the trim -------------------------------------
pf bleed $P/bleed.yaml
equals "bleed: finding" "$rc $(q bleed "$KEYS")" \
	"0 warning bleed 1 topp tests/preflight/layouts/bleed-bad.yaml:10:9"
contains "bleed: message names the edges" "$err" \
	"page 1, frame 'topp': colour stops at the left, top and right trim edges instead of running into the bleed"
pf bleed-ok --layout $P/layouts/bleed-ok.yaml $P/bleed.yaml
equals "bleed ok: no findings" "$rc $(q bleed-ok 'f')" "0 []"

# --- hairlines ----------------------------------------------------------------------
pf hairline $P/hairline.yaml
equals "hairline: finding" "$rc $(q hairline "$KEYS")" \
	"0 warning hairline 1 strek tests/preflight/layouts/hairline-bad.yaml:7:9"
contains "hairline: message" "$err" "line is 0.10 pt thick; lines under 0.25 pt may not print"
pf hairline-ok --layout $P/layouts/hairline-ok.yaml $P/hairline.yaml
equals "hairline ok: no findings" "$rc $(q hairline-ok 'f')" "0 []"

# --- total ink: the swatch and the area that uses it ---------------------------------
pf ink $P/ink.yaml
equals "ink: findings" "$rc $(q ink "$KEYS")" \
"0 warning total-ink None None tests/preflight/layouts/ink-bad.yaml:5:3
warning total-ink 1 felt tests/preflight/layouts/ink-bad.yaml:9:9"
contains "ink: swatch message, at its line" "$err" "ink-bad.yaml:5:3: warning: swatch 'tung' has 350% total ink"
contains "ink: area message" "$err" "frame 'felt': colour [100, 100, 100, 50] has 350% total ink"
pf ink-ok --layout $P/layouts/ink-ok.yaml $P/ink.yaml
equals "ink ok (240 %): no findings" "$rc $(q ink-ok 'f')" "0 []"

# --- small type: four-colour black, and reversed out of a colour ---------------------
pf small $P/small-text.yaml
equals "small text: findings" "$rc $(q small "$KEYS")" \
"0 warning small-text 1 liten tests/preflight/small-text.yaml:4:10
warning small-text 1 negativ tests/preflight/small-text.yaml:4:10"
contains "small text: rich black message" "$err" \
	"5.0 pt text in four-colour black [50, 40, 40, 100] blurs at the slightest misregister"
contains "small text: reversed message" "$err" "5.0 pt white text on a coloured background"
pf small-ok --layout $P/layouts/small-text-ok.yaml $P/small-text.yaml
equals "small text ok (100 % K; 7 pt reversed): no findings" "$rc $(q small-ok 'f')" "0 []"

# --- pictures: resolution and colour -------------------------------------------------
pf ppi-warn $P/ppi-warn.yaml
equals "250 ppi: a warning with place" "$rc $(q ppi-warn '[(x["severity"], x["page"], x["frame"], x["line"], x["col"]) for x in f if x["rule"] == "image-resolution"]')" \
	'0 [["warning", 1, "bilde", 5, 12]]'
contains "250 ppi: message" "$err" \
	"ppi-warn.yaml:5:12: warning: page 1, frame 'bilde': picture 'tests/preflight/images/rgb-250px.png' is 250 ppi as placed; print wants 300 ppi"
pf ppi-low $P/ppi-low.yaml
equals "100 ppi: exit 1" "$rc" "1"
contains "100 ppi: message" "$err" "100 ppi"
if printf '%s' "$err" | grep -q "150 the lowest acceptable"; then
	# The layout stage (src/layout/page.c) still makes this an error of its own, so
	# the document never reaches preflight; JSON sums it up as a layout error.
	equals "100 ppi: JSON (layout stage)" "$(q ppi-low '[x["rule"] + " " + x["severity"] for x in f]')" '["layout error"]'
else
	equals "100 ppi: an error with place" "$(q ppi-low '[(x["severity"], x["page"], x["frame"], x["line"]) for x in f if x["rule"] == "image-resolution"]')" \
		'[["error", 1, "bilde", 5]]'
	contains "100 ppi: message" "$err" "is only 100 ppi as placed"
fi
pf ppi-ok $P/ppi-ok.yaml
equals "320 ppi CMYK JPEG: no findings at all" "$rc $(q ppi-ok 'f')" "0 []"
pf rgb $P/rgb-info.yaml
equals "RGB picture: one info finding" "$rc $(q rgb '[(x["severity"], x["rule"], x["frame"]) for x in f]')" \
	'0 [["info", "image-rgb", "bilde"]]'
equals "RGB picture: info not shown without -v" "$err" \
	"trykk: preflight tests/preflight/rgb-info.yaml: 0 errors, 0 warnings, 1 info"
./trykk preflight -v $P/rgb-info.yaml 2>"$OUT/rgb-v.err"
contains "RGB picture: info shown with -v" "$(cat "$OUT/rgb-v.err")" \
	"info: page 1, frame 'bilde': picture 'tests/preflight/images/rgb-320px.png' is RGB and was converted"

# --- trim size: the content says what size it is written for -------------------------
pf trim $P/trim.yaml
equals "trim size as asked: no findings" "$rc $(q trim 'f')" "0 []"
pf trim-bad --layout $P/layouts/trim-a5.yaml $P/trim.yaml
equals "trim size differs: an error at size:" "$rc $(q trim-bad "$KEYS")" \
	"1 error trim-size None None tests/preflight/trim.yaml:4:7"
contains "trim size differs: both sizes named" "$err" \
	"the content asks for A6 (105mm x 148mm) and the layout 'tests/preflight/layouts/trim-a5.yaml' trims to 148mm x 210mm"
./trykk build -q -o "$OUT/b-trim" --layout $P/layouts/trim-a5.yaml $P/trim.yaml 2>/dev/null
equals "trim size differs: the build stops, nothing written" "$? $(find "$OUT/b-trim" -type f 2>/dev/null | wc -l)" "1 0"

# --- a data merge: one finding per frame, with the number of other pages ------------
pf merge $P/merge.yaml
equals "merge: one finding per frame" "$(q merge '[(x["frame"], x["page"]) for x in f if x["rule"] != "layout"]')" \
	'[["tekst", 1], ["qr", 1]]'
contains "merge: the other pages counted" "$(q merge 'f[0]["message"]')" "(also on 2 other pages)"

# --- layout errors are the layout stage's; JSON counts them --------------------------
pf layout tests/errors/cases/headline-too-long.yaml
equals "layout error: exit 1" "$rc" "1"
equals "layout error: JSON sums up errors and warnings" \
	"$(q layout '[(x["severity"], x["rule"], x["file"], x["message"][:9]) for x in f]')" \
	'[["error", "layout", "tests/errors/cases/headline-too-long.yaml", "1 error i"], ["warning", "layout", "tests/errors/cases/headline-too-long.yaml", "3 warning"]]'
contains "layout error: the layout stage's message" "$err" "text does not fit in frame"

# --- several files, one JSON array ---------------------------------------------------
pf two $P/hairline.yaml $P/bleed.yaml
equals "two files: both in one array" "$rc $(q two '[x["rule"] for x in f]')" '0 ["hairline", "bleed"]'
contains "two files: a summary line each" "$err" "trykk: preflight tests/preflight/hairline.yaml: 0 errors, 1 warning, 0 info"

# --- usage ---------------------------------------------------------------------------
./trykk preflight --only print $P/bleed.yaml >/dev/null 2>&1
equals "preflight --only: usage error" "$?" "2"
./trykk preflight -o x $P/bleed.yaml >/dev/null 2>&1
equals "preflight -o: usage error" "$?" "2"

# --- in every build: warnings shown, errors stop it ----------------------------------
./trykk build -q -o "$OUT/b-bleed" $P/bleed.yaml 2>"$OUT/b-bleed.err"
equals "build with a warning: exit 0" "$?" "0"
contains "build with a warning: shown" "$(cat "$OUT/b-bleed.err")" \
	"bleed-bad.yaml:10:9: warning: page 1, frame 'topp': colour stops"
check "build with a warning: PDF written" test -s "$OUT/b-bleed/bleed.pdf"
./trykk build -q -o "$OUT/b-low" $P/ppi-low.yaml 2>"$OUT/b-low.err"
equals "build with an error: exit 1" "$?" "1"
contains "build with an error: reported" "$(cat "$OUT/b-low.err")" "error:"
equals "build with an error: nothing written" "$(find "$OUT/b-low" -type f 2>/dev/null | wc -l)" "0"
./trykk build -q -o "$OUT/b-ok" $P/ppi-ok.yaml 2>"$OUT/b-ok.err"
equals "clean build: exit 0, no messages" "$? $(cat "$OUT/b-ok.err")" "0 "

# --- preflight writes nothing (run where its default out/ would go) ------------------
mkdir -p "$OUT/cwd"
(cd "$OUT/cwd" && "$ROOT/trykk" preflight --root "$ROOT" --layout "$ROOT/$P/layouts/bleed-bad.yaml" \
	"$ROOT/$P/bleed.yaml" >/dev/null 2>&1)
equals "preflight: exit 0 with warnings" "$?" "0"
equals "preflight writes no files" "$(find "$OUT/cwd" | wc -l)" "1"

# --- a finding on the shared back of a data merge counts on every card -------------
# The back of a business card is one body shared by all cards; its findings are
# those of every card's back, in preflight and in a build written card by card.
sed 's/  signal: \[10, 90, 85, 5\]/  signal: [90, 90, 85, 50]/' layouts/visittkort.yaml \
	>"$OUT/cards-ink.yaml"
sed "s|^layout: visittkort\$|layout: $OUT/cards-ink.yaml|" content/visittkort.yaml \
	>"$OUT/cards-ink-content.yaml"
n=$(grep -c '^  - name:' content/visittkort.yaml)
pf cards-ink "$OUT/cards-ink-content.yaml"
equals "shared back: exit 0 (warnings only)" "$rc" "0"
contains "shared back: its finding counts every card" "$err" \
	"page 2, frame 'strek': colour [90, 90, 85, 50] has 315% total ink; more than 300% dries badly and sets off (also on $((n - 1)) other pages)"
contains "shared back: the front's finding too" "$err" \
	"page 1, frame 'merke': colour [90, 90, 85, 50] has 315% total ink; more than 300% dries badly and sets off (also on $((n - 1)) other pages)"
equals "shared back: the back's finding once, on page 2" \
	"$(q cards-ink '[x["page"] for x in f if x["frame"] == "strek"]')" "[2]"
./trykk build --only print -o "$OUT/cards-ink" "$OUT/cards-ink-content.yaml" 2>"$OUT/cards-ink-build.err"
equals "shared back, build: exit 0" "$?" "0"
equals "shared back, build: the same warnings as preflight" \
	"$(grep ': warning: ' "$OUT/cards-ink-build.err")" "$(grep ': warning: ' "$OUT/cards-ink.err")"

# --- every product preflights clean --------------------------------------------------
pf all
equals "all products: exit 0" "$rc" "0"
equals "all products: no errors or warnings" "$(q all '[x for x in f if x["severity"] != "info"]')" "[]"
equals "all products: only notes of converted RGB pictures" "$(q all 'sorted(set(x["rule"] for x in f))')" '["image-rgb"]'
finish

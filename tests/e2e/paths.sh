#!/bin/sh
# Where trykk reads from: pictures (fields and Markdown figures), CSV lists, layouts
# named by content and ICC profiles named by layouts must lie inside the project
# folder (the current folder, or --root). A path that climbs out with ../, an
# absolute path elsewhere, or a symlink inside the project that points elsewhere is
# refused with exit 1 and "… is outside the project folder …", before anything is
# read, unless --allow-outside names the folder. A layout given on the command line
# (--layout) is the user's own choice and is not checked.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
OUT=tests/out/paths
rm -rf "$OUT" && mkdir -p "$OUT/src/images"
# A folder outside the project, with a picture, a CSV list, a layout and a profile.
EXT=$(mktemp -d "${TMPDIR:-/tmp}/trykk-paths.XXXXXX") || exit 2
trap 'rm -rf "$EXT"' EXIT
EXT=$(cd "$EXT" && pwd -P)
cp content/images/glasses.png "$EXT/glasses.png"
cp content/ansatte.csv "$EXT/ansatte.csv"
cp layouts/plakat.yaml "$EXT/plakat.yaml"
cp layouts/icc/trykk-FOGRA39L.icc "$EXT/profile.icc"
MSG="is outside the project folder; trykk reads only files inside it (use --allow-outside FOLDER to allow another place)"

# poster NAME IMAGE [TEXT]: a picture poster whose picture field is IMAGE.
poster() {
	sed "s|^    image: images/glasses.png|    image: $2|" content/plakat-hvor-mange-glass.yaml \
		>"$OUT/src/$1.yaml"
}

# build NAME ARGS...: builds $OUT/src/NAME.yaml (print PDF only) into $OUT/NAME.
build() {
	name=$1
	shift
	./trykk build -q --only print -o "$OUT/$name" "$@" "$OUT/src/$name.yaml" 2>"$OUT/$name.err"
	status=$?
	err=$(cat "$OUT/$name.err")
}

# refused NAME WHAT PATH: the last build failed on its input, said so, wrote nothing.
refused() {
	equals "$1: exit 1" "$status" "1"
	contains "$1: message" "$err" "error: $2 '$3' $MSG"
	[ -e "$OUT/$1" ] && bad "$1: an output folder was made" || ok "$1: nothing written"
}

built() {
	equals "$1: exit 0" "$status" "0"
	equals "$1: no messages" "$err" ""
	[ -f "$OUT/$1/$1.pdf" ] && ok "$1: PDF written" || bad "$1: no PDF"
}

# ---- pictures -------------------------------------------------------------------

poster inside ../../../../content/images/glasses.png
build inside
built inside

poster dotdot ../../../../../glasses.png
build dotdot
refused dotdot picture "$OUT/src/../../../../../glasses.png"

# Climbing far past the root to a folder that does not exist is still outside.
poster dotdot-deep ../../../../../../../../../../../../no-such-folder/glasses.png
build dotdot-deep
refused dotdot-deep picture "$OUT/src/../../../../../../../../../../../../no-such-folder/glasses.png"

poster absolute "$EXT/glasses.png"
build absolute
refused absolute picture "$EXT/glasses.png"

poster absolute-allowed "$EXT/glasses.png"
build absolute-allowed --allow-outside "$EXT"
built absolute-allowed

# A folder's name as a prefix is not the folder: /x/ext-other is not inside /x/ext.
mkdir -p "$EXT-other"
cp content/images/glasses.png "$EXT-other/glasses.png"
poster prefix "$EXT-other/glasses.png"
build prefix --allow-outside "$EXT"
refused prefix picture "$EXT-other/glasses.png"
rm -rf "$EXT-other"

ln -s "$EXT/glasses.png" "$OUT/src/images/link-out.png"
poster symlink-out images/link-out.png
build symlink-out
refused symlink-out picture "$OUT/src/images/link-out.png"

poster symlink-out-allowed images/link-out.png
build symlink-out-allowed --allow-outside "$EXT"
built symlink-out-allowed

# A symlinked folder on the way out counts too.
ln -s "$EXT" "$OUT/src/ext"
poster symlink-dir ext/glasses.png
build symlink-dir
refused symlink-dir picture "$OUT/src/ext/glasses.png"

# A symlink that stays inside the project is fine.
ln -s ../../../../../content/images/glasses.png "$OUT/src/images/link-in.png"
poster symlink-in images/link-in.png
build symlink-in
built symlink-in

# A picture in the Markdown text (a figure) is checked the same way.
sed "s|^    helger og i høytider.|    helger og i høytider.\n\n    ![Glass]($EXT/glasses.png)|" \
	content/plakat-hvor-mange-glass.yaml >"$OUT/src/figure.yaml"
build figure
equals "figure: exit 1" "$status" "1"
contains "figure: message" "$err" "error: picture '$EXT/glasses.png' $MSG"

# ---- CSV lists --------------------------------------------------------------------

csv() {
	sed "s|^records-csv: .*|records-csv: $2|" content/visittkort-csv.yaml >"$OUT/src/$1.yaml"
}
if [ -f content/visittkort-csv.yaml ]; then
	csv csv-dotdot ../../../../../ansatte.csv
	build csv-dotdot
	refused csv-dotdot "CSV file" "$OUT/src/../../../../../ansatte.csv"

	csv csv-absolute "$EXT/ansatte.csv"
	build csv-absolute
	refused csv-absolute "CSV file" "$EXT/ansatte.csv"

	ln -s "$EXT/ansatte.csv" "$OUT/src/link.csv"
	csv csv-symlink link.csv
	build csv-symlink
	refused csv-symlink "CSV file" "$OUT/src/link.csv"

	csv csv-allowed "$EXT/ansatte.csv"
	build csv-allowed --allow-outside "$EXT"
	equals "csv-allowed: exit 0" "$status" "0"
	[ -f "$OUT/csv-allowed/csv-allowed.pdf" ] && ok "csv-allowed: PDF written" ||
		bad "csv-allowed: no PDF" "$err"
fi

# ---- layouts and profiles -----------------------------------------------------------

layout() {
	sed "s|^layout: .*|layout: $2|" content/plakat-edru-voksne.yaml >"$OUT/src/$1.yaml"
}
layout layout-absolute "$EXT/plakat.yaml"
build layout-absolute
refused layout-absolute layout "$EXT/plakat.yaml"

ln -s "$EXT/plakat.yaml" "$OUT/src/plakat-link.yaml"
layout layout-symlink "$OUT/src/plakat-link.yaml"
build layout-symlink
refused layout-symlink layout "$OUT/src/plakat-link.yaml"

layout layout-allowed "$EXT/plakat.yaml"
build layout-allowed --allow-outside "$EXT"
built layout-allowed

# A layout path in a content file is relative to the content file, as its pictures
# are: ../lay/plakat-a4.yaml from $OUT/src is $OUT/lay/plakat-a4.yaml (an A4 copy of
# the poster layout, so the page size tells which file was read). A path that is
# not there, or there but outside the project, is looked for from the folder trykk
# runs in, as before (the symlink case above), and refused as written when that
# leads out of the project.
mkdir -p "$OUT/lay"
sed "s|^  size: A3|  size: A4|" layouts/plakat.yaml >"$OUT/lay/plakat-a4.yaml"
layout layout-relative ../lay/plakat-a4.yaml
build layout-relative
built layout-relative
equals "layout-relative: the A4 layout beside the content was used" \
	"$(pdfinfo -box "$OUT/layout-relative/layout-relative.pdf" 2>/dev/null |
	   awk '/^TrimBox/ {printf "%.0f x %.0f", $4 - $2, $5 - $3}')" "595 x 842"
ln -s "$EXT/plakat.yaml" "$OUT/lay/outside.yaml"
layout layout-relative-out ../lay/outside.yaml
build layout-relative-out
refused layout-relative-out layout "../lay/outside.yaml"

# --layout on the command line is the user's choice: not checked.
layout layout-cli plakat
build layout-cli --layout "$EXT/plakat.yaml"
built layout-cli

# An ICC profile outside, named by a layout inside the project.
sed "s|^language: nb|language: nb\nprint: {profile: $EXT/profile.icc}|" layouts/plakat.yaml \
	>"$OUT/src/plakat-icc.yaml"
layout icc-absolute "$OUT/src/plakat-icc.yaml"
build icc-absolute
equals "icc-absolute: exit 1" "$status" "1"
contains "icc-absolute: message" "$err" "error: ICC profile '$EXT/profile.icc' $MSG"
build icc-absolute --allow-outside "$EXT"
equals "icc-absolute allowed: exit 0" "$status" "0"

# ---- --allow-outside itself -------------------------------------------------------

build inside --allow-outside "$EXT/no-such-folder"
equals "allow-missing: exit 1" "$status" "1"
contains "allow-missing: message" "$err" "cannot use folder '$EXT/no-such-folder': No such file or directory"

finish

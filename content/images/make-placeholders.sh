#!/bin/sh
# Draws the placeholder pictures of the newspaper spread «Vi bryr oss i Horten»
# (content/avis-vi-bryr-oss.yaml): flat tinted boxes with a diagonal cross, a frame
# and the word PLASSHOLDER, so nobody mistakes them for the real photos. Made for
# trykk with ImageMagick; CC0 (no rights reserved). Each is drawn at 300 ppi for the
# frame it fills in layouts/avisoppslag-tabloid.yaml (width x height in mm below)
# plus 2 % so rounding never drops it under 300 ppi. Flat colours and an 8-colour
# palette keep the PNGs small. The results are committed; run this only to change
# them.
set -e
cd "$(dirname "$0")"

# placeholder FILE WIDTH_MM HEIGHT_MM BACKGROUND INK LABEL
placeholder() {
	w=$(awk -v mm="$2" 'BEGIN { printf "%d", mm / 25.4 * 300 * 1.02 + 0.999 }')
	h=$(awk -v mm="$3" 'BEGIN { printf "%d", mm / 25.4 * 300 * 1.02 + 0.999 }')
	s=$((w < h ? w : h))
	line=$((s / 150 + 2))
	big=$((s / 9))
	small=$((s / 24))
	inset=$((line * 3))
	convert +antialias -size "${w}x${h}" "xc:$4" \
		-fill none -stroke "$5" -strokewidth "$line" \
		-draw "line 0,0 $w,$h" -draw "line $w,0 0,$h" \
		-draw "rectangle $inset,$inset $((w - inset - 1)),$((h - inset - 1))" \
		-stroke none -fill "$4" -draw "rectangle $((w / 2 - big * 3)),$((h / 2 - big * 7 / 10)) $((w / 2 + big * 3)),$((h / 2 + big * 13 / 10))" \
		-font DejaVu-Sans-Bold -fill "$5" -pointsize "$big" -gravity center \
		-annotate +0+0 "PLASSHOLDER" \
		-font DejaVu-Sans -pointsize "$small" -annotate "+0+$((big * 9 / 10))" "$6" \
		-colors 8 -density 300 -units PixelsPerInch \
		-define png:exclude-chunks=date,time -strip "$1"
	echo "wrote $1 (${w} x ${h} px for $2 x $3 mm)"
}

placeholder avis-stand.png 256 192 '#b9c4c9' '#4a5a63' 'Hovedbilde: rusgruppa på stand i byen'
placeholder avis-samtale.png 152 192 '#c9c1b4' '#5c5246' 'Bilde: opplæring i skolen'
placeholder avis-portrett.png 100 192 '#c2c9b8' '#4e5a44' 'Portrett: Marianne Ødegaard'

#!/bin/sh
# Draws glasses.png, the illustration on the poster «Hvor mange glass tåler barnet
# ditt?»: four wine glasses, each less full, on a warm background. Made for trykk
# with ImageMagick; released under CC0 (no rights reserved). 3600 x 2160 pixels:
# over 300 ppi across the full A3 width with bleed. The result is committed; run
# this only to change the picture.
set -e
cd "$(dirname "$0")"
mvg=$(mktemp)
trap 'rm -f "$mvg"' EXIT
i=0
for level in 0.85 0.6 0.35 0.12; do
	cx=$((600 + i * 800)) top=500 bw=250 bh=720 stem=430
	b=$((top + bh))
	ly=$(awk "BEGIN{printf \"%d\", $b - $bh * $level}")
	bowl="M $((cx - bw)),$top C $((cx - bw)),$((b - 40)) $((cx - 140)),$b $cx,$b C $((cx + 140)),$b $((cx + bw)),$((b - 40)) $((cx + bw)),$top"
	cat >>"$mvg" <<MVG
fill '#c8372d' stroke none path '$bowl Z'
fill '#f4e3c8' stroke none rectangle $((cx - bw - 5)),$((top - 5)) $((cx + bw + 5)),$ly
fill none stroke '#1d3b4f' stroke-width 22 path '$bowl'
fill '#1d3b4f' stroke none rectangle $((cx - 14)),$b $((cx + 14)),$((b + stem))
fill '#1d3b4f' stroke none ellipse $cx,$((b + stem)) 190,34 0,360
MVG
	i=$((i + 1))
done
convert -size 3600x2160 'xc:#f4e3c8' -draw "$(cat "$mvg")" -density 300 -units PixelsPerInch \
	-define png:exclude-chunks=date,time -strip glasses.png
echo "wrote glasses.png"

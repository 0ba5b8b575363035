#!/bin/sh
# bench/plot.sh - time and peak memory against the number of business cards (100,
# 1,000, 10,000), from bench/results.md (now), bench/results-before.md (the build
# before the performance work, 4d6f7fc) and bench/results-round3.md (after its third
# round, 1160215), each when present, drawn by gnuplot into docs/img/performance.png.
# Without gnuplot (Debian: gnuplot-nox) it says so and leaves the picture as it is.
#
#   bench/plot.sh [NOW.md [BEFORE.md [ROUND3.md]]]
set -eu
cd "$(dirname "$0")/.."
now=${1:-bench/results.md}
before=${2:-bench/results-before.md}
mid=${3:-bench/results-round3.md}
png=docs/img/performance.png
if ! command -v gnuplot >/dev/null 2>&1; then
	echo "bench: gnuplot is not installed (apt-get install gnuplot-nox); $png not redrawn" >&2
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# "records wall_s peak_mb" for each cards-N row that ran
rows() {
	[ -f "$1" ] || return 0
	awk -F'|' '$2 ~ /cards-[0-9]+/ && $5 + 0 > 0 {
		n = $2; gsub(/[^0-9]/, "", n); gsub(/ /, "", $4); gsub(/ /, "", $6)
		print n, $4, $6 }' "$1"
}
rows "$now" >"$tmp/now"
rows "$before" >"$tmp/before"
rows "$mid" >"$tmp/mid"
[ -s "$tmp/now" ] || { echo "bench: no cards rows in $now to plot" >&2; exit 0; }
plot_before_t="" plot_before_m=""
if [ -s "$tmp/before" ]; then
	plot_before_t=", '$tmp/before' using 1:2 with linespoints lw 2 pt 6 lc rgb '#b03030' title 'before (4d6f7fc)'"
	plot_before_m=", '$tmp/before' using 1:3 with linespoints lw 2 pt 6 lc rgb '#b03030' title 'before (4d6f7fc)'"
fi
if [ -s "$tmp/mid" ]; then
	plot_before_t="$plot_before_t, '$tmp/mid' using 1:2 with linespoints lw 2 pt 4 lc rgb '#d08a20' title 'third round (1160215)'"
	plot_before_m="$plot_before_m, '$tmp/mid' using 1:3 with linespoints lw 2 pt 4 lc rgb '#d08a20' title 'third round (1160215)'"
fi
mkdir -p docs/img
gnuplot <<EOF
set terminal pngcairo size 1000,420 font 'Sans,10'
set output '$png'
set multiplot layout 1,2 title 'trykk build --only print: business cards (cards + press sheets)'
set logscale xy
set grid
set key bottom right
set xlabel 'records (people)'
set xrange [70:14000]
set ylabel 'wall time (s)'
plot '$tmp/now' using 1:2 with linespoints lw 2 pt 7 lc rgb '#1d6f7a' title 'now'$plot_before_t, \
     x / 1000.0 * 0.3 with lines dt 2 lc rgb '#888888' title 'target slope (0.3 s per 1,000)'
set ylabel 'peak memory (MB)'
plot '$tmp/now' using 1:3 with linespoints lw 2 pt 7 lc rgb '#1d6f7a' title 'now'$plot_before_m, \
     60 with lines dt 2 lc rgb '#888888' title 'target: flat, under 60 MB'
unset multiplot
EOF
echo "bench: plot in $png" >&2

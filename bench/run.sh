#!/usr/bin/env bash
# bench/run.sh - the benchmark suite behind `make bench` (docs/performance.md).
#
# Each job is `trykk build --only print` of one content file: a warm-up run, then
# RUNS measured runs. For each job it records the median wall time, the median
# user+sys CPU time, the peak resident memory (largest of the runs; all three from
# bench/timeit.c), the bytes of
# the print PDFs written (NAME.pdf and NAME-sheets.pdf) and the pages per second
# (pages of those PDFs / median wall time), and writes them to bench/results.md
# with the CPU model, the date and the commit.
#
#   bench/run.sh [JOB...]        jobs: poster-edru poster-glass booklet cards-100
#                                cards-1000 cards-10000 spread (default: all)
#   RUNS=9 bench/run.sh          more runs (default 5)
#   TRYKK=/tmp/old/trykk bench/run.sh   measure another build (before/after)
#   PROFILE=1 bench/run.sh       also one run per job under callgrind: instruction
#                                counts (stable, unlike times) and the top functions,
#                                written to bench/profile/JOB.txt; that run is serial
#                                (TRYKK_JOBS=1: the press sheets in the same process,
#                                the pictures compressed on one thread), so the count
#                                is all the work of the job
#   RESULTS=file bench/run.sh    write the table elsewhere (default bench/results.md)
#   OUTPUTS=all bench/run.sh     every output (print, sheets, screen PDF, PNG proofs:
#                                trykk's default) instead of --only print; the pages
#                                and bytes columns still count the print PDFs
#   CACHE=cold bench/run.sh      every run a first build: no build cache
#                                (TRYKK_CACHE=off). The default, CACHE=warm, is a
#                                rebuild: the warm-up run fills OUT/.trykk-cache
#                                (converted pictures, font subsets, hyphenation
#                                patterns, the profile) and the measured runs read it
#
# Times are wall-clock on a shared machine: other processes skew them, which is why
# the median is kept and the load average is written down. Instruction counts
# (PROFILE=1) do not depend on the load. Timing never happens in `make check`.
set -u
cd "$(dirname "$0")/.."

RUNS=${RUNS:-5}
TRYKK=${TRYKK:-./trykk}
RESULTS=${RESULTS:-bench/results.md}
OUTPUTS=${OUTPUTS:-print}
CACHE=${CACHE:-warm}
case $CACHE in
warm) CACHE_ENV="TRYKK_CACHE=" ;;
cold) CACHE_ENV="TRYKK_CACHE=off" ;;
*) echo "bench: CACHE is warm or cold" >&2; exit 2 ;;
esac
case $OUTPUTS in
print) ONLY="--only print" ;;
all) ONLY="" ;;
*) echo "bench: OUTPUTS is print or all" >&2; exit 2 ;;
esac
WORK=bench/work
OUT=$WORK/out
# A runaway build must not take the machine down with it (others work here too).
MEM_LIMIT_KB=${MEM_LIMIT_KB:-4194304}

ALL_JOBS="poster-edru poster-glass booklet cards-100 cards-1000 cards-10000 spread"
JOBS=${*:-$ALL_JOBS}

[ -x "$TRYKK" ] || { echo "bench: no trykk binary at $TRYKK (run make first)" >&2; exit 2; }

# bench/timeit.c: wall time to the microsecond around the run itself, CPU time and
# peak memory from wait4 (built here; /usr/bin/time's elapsed time has hundredths
# of a second only, and timing the shell around it adds milliseconds).
TIMEIT=build/bench-timeit
if [ ! -x "$TIMEIT" ] || [ bench/timeit.c -nt "$TIMEIT" ]; then
	mkdir -p build
	${CC:-cc} -O2 -Wall -Wextra -o "$TIMEIT" bench/timeit.c ||
		{ echo "bench: cannot build bench/timeit.c" >&2; exit 2; }
fi

mkdir -p "$WORK" "$OUT"

# content file of a job, or empty when the job cannot run here
content_of() {
	case $1 in
	poster-edru) echo content/plakat-edru-voksne.yaml ;;
	poster-glass) echo content/plakat-hvor-mange-glass.yaml ;;
	booklet) echo content/hefte-slik-kan-det-gjores.yaml ;;
	spread) [ -f content/avis-vi-bryr-oss.yaml ] && echo content/avis-vi-bryr-oss.yaml ;;
	cards-*)
		n=${1#cards-}
		[ -f "$WORK/cards-$n.yaml" ] && [ -f "$WORK/cards-$n.csv" ] ||
			bench/gen-cards.sh "$n" "$WORK" >/dev/null
		echo "$WORK/cards-$n.yaml" ;;
	esac
}

median() { sort -g | awk '{v[NR] = $1} END {if (NR) print v[int((NR + 1) / 2)]}'; }
maxof() { sort -g | tail -n 1; }

# One run; appends "wall cpu peak_kb status" to $2.
run_once() {
	local content=$1 log=$2 rc
	( ulimit -v "$MEM_LIMIT_KB"
	  exec env "$CACHE_ENV" "$TIMEIT" "$log.one" "$TRYKK" build $ONLY -q -o "$OUT" "$content" ) \
	    2>>"$log.err"
	rc=$?
	awk -v rc=$rc '{printf "%.4f %.3f %s %d\n", $1, $2, $3, rc}' "$log.one" >>"$log"
}

pages_of() {
	local n=0 f p
	for f in "$@"; do
		[ -f "$f" ] || continue
		p=$(pdfinfo "$f" 2>/dev/null | awk '/^Pages:/ {print $2}')
		n=$((n + ${p:-0}))
	done
	echo $n
}

cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
cores=$(nproc)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain 2>/dev/null | grep -q . && echo " + uncommitted changes")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

{
	echo "# trykk benchmark results"
	echo
	echo "Written by \`bench/run.sh\` (\`make bench\`); see docs/performance.md."
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- CPU: $cpu, $cores cores; $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
	echo "- trykk: $("$TRYKK" --version 2>/dev/null), commit $commit$dirty ($TRYKK)"
	echo "- each job: \`trykk build ${ONLY:-(all outputs)}\`, 1 warm-up + $RUNS runs; median wall and" \
	     "CPU (user+sys) time, largest peak RSS"
	if [ "$CACHE" = warm ]; then
		echo "- build cache: warm (rebuilds: the warm-up run filled OUT/.trykk-cache)"
	else
		echo "- build cache: cold (TRYKK_CACHE=off: every run is a first build)"
	fi
	echo "- load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo
	echo "| job | pages | wall (s) | CPU (s) | peak RSS (MB) | PDF bytes | pages/s | Ir (M) |"
	echo "|---|--:|--:|--:|--:|--:|--:|--:|"
} >"$tmp/head"
: >"$tmp/rows"

for job in $JOBS; do
	content=$(content_of "$job")
	if [ -z "$content" ]; then
		echo "| $job | skipped: content file not here | | | | | | |" >>"$tmp/rows"
		echo "bench: $job skipped (no content file)" >&2
		continue
	fi
	stem=$(basename "$content" .yaml)
	rm -f "$OUT/$stem.pdf" "$OUT/$stem-sheets.pdf"
	log="$tmp/$job"
	: >"$log"
	echo "bench: $job ($content)" >&2
	run_once "$content" "$tmp/warm"
	for _ in $(seq "$RUNS"); do
		run_once "$content" "$log"
	done
	if awk '$4 != 0 {bad = 1} END {exit !bad}' "$log"; then
		echo "| $job | failed: $(tail -n 1 "$log.err" | cut -c1-80) | | | | | | |" >>"$tmp/rows"
		echo "bench: $job failed" >&2
		continue
	fi
	wall=$(awk '{print $1}' "$log" | median)
	cpu_s=$(awk '{print $2}' "$log" | median)
	peak=$(awk '{print $3}' "$log" | maxof)
	files=("$OUT/$stem.pdf")
	[ -f "$OUT/$stem-sheets.pdf" ] && files+=("$OUT/$stem-sheets.pdf")
	bytes=$(cat "${files[@]}" | wc -c)
	pages=$(pages_of "${files[@]}")
	pps=$(awk -v p="$pages" -v w="$wall" 'BEGIN {printf "%.0f", (w > 0 ? p / w : 0)}')
	peak_mb=$(awk -v k="$peak" 'BEGIN {if (k > 0) printf "%.1f", k / 1024; else printf "n/a"}')
	ir="–"
	if [ "${PROFILE:-0}" = 1 ]; then
		mkdir -p bench/profile
		TRYKK_JOBS=1 valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$job" \
		    "$TRYKK" build $ONLY -q -o "$OUT" "$content" 2>"$tmp/cg.$job.err"
		ir=$(awk '/^summary:/ {printf "%.0f", $2 / 1e6}' "$tmp/cg.$job")
		callgrind_annotate --inclusive=yes "$tmp/cg.$job" 2>/dev/null |
		    grep -E '^ *[0-9,]+ \(' | head -n 60 | cut -c1-150 >"bench/profile/$job.txt"
	fi
	printf '| %s | %s | %.3f | %.3f | %s | %s | %s | %s |\n' "$job" "$pages" "$wall" \
	    "$cpu_s" "$peak_mb" "$bytes" "$pps" "$ir" >>"$tmp/rows"
	echo "bench: $job: ${wall} s wall, ${cpu_s} s CPU, ${peak_mb} MB, $pages pages" >&2
done

cat "$tmp/head" "$tmp/rows" >"$RESULTS"
echo "bench: results in $RESULTS" >&2
cat "$RESULTS"

#!/bin/sh
# trykk watch end to end, in a project folder of its own (--root): the first build
# makes the screen PDF and proofs (no print PDF); an edit of the content makes a
# new proof; a broken edit keeps the last good proof; an edit of the layout counts
# too; a burst of saves is one rebuild; --max-rebuilds ends the process, and so does
# Ctrl-C (SIGINT), cleanly. Every wait is bounded (10 s), and the watcher itself
# runs under timeout, so a hang fails the test instead of the suite.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
OUT=tests/out/watch
rm -rf "$OUT" && mkdir -p "$OUT"
ROOT=$(pwd)
PROJ=$ROOT/$OUT/proj
mkdir -p "$PROJ/content" "$PROJ/layouts"
cp content/plakat-edru-voksne.yaml "$PROJ/content/"
cp layouts/plakat.yaml "$PROJ/layouts/"
ln -s "$ROOT/fonts" "$PROJ/fonts"
DOC=$PROJ/content/plakat-edru-voksne.yaml
PNG=$PROJ/out/plakat-edru-voksne-proof-1.png

# until SECONDS COMMAND...: polls every 0.1 s until the command succeeds.
until_ok() {
	n=$(($1 * 10))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
log_has() { grep -q "$1" "$LOG"; }
sum() { md5sum "$PNG" 2>/dev/null | cut -d' ' -f1; }
changed() { [ "$(sum)" != "$1" ] && [ -n "$(sum)" ]; }
# gone PID: the process has ended (a zombie not yet waited for counts as ended)
gone() { ! kill -0 "$1" 2>/dev/null || [ "$(ps -o stat= -p "$1" | cut -c1)" = Z ]; }
count() { grep -c "$1" "$LOG"; }
rebuilds_at_least() { [ "$(count rebuilt)" -ge "$1" ]; }

# --- bounded: two rebuilds, then it exits by itself ------------------------------------
LOG=$OUT/bounded.log
timeout 60 ./trykk watch --root "$PROJ" -o "$PROJ/out" --max-rebuilds 2 "$DOC" 2>"$LOG" &
pid=$!
check "first build and watching" until_ok 10 log_has "watching"
contains "the first build took a time" "$(cat "$LOG")" "built 1 file in"
check "proof written" test -s "$PNG"
check "screen PDF written" test -s "$PROJ/out/plakat-edru-voksne-screen.pdf"
check "no print PDF (watch makes proofs)" test ! -e "$PROJ/out/plakat-edru-voksne.pdf"
before=$(sum)
sed -i 's/^  overskrift: .*/  overskrift: Barn trives aller best med edru voksne/' "$DOC"
check "a content edit makes a new proof" until_ok 10 changed "$before"
check "the rebuild is reported with its time" until_ok 10 log_has "rebuilt 1 file in [0-9.]* s: ok"
good=$(sum)
printf 'fields: [\n' >>"$DOC"
check "a broken edit is reported" until_ok 10 log_has "error"
contains "and says the proofs are kept" "$(cat "$LOG")" "the last good proofs are kept"
equals "the last good proof stays" "$(sum)" "$good"
check "after --max-rebuilds 2 the watcher exits" until_ok 10 gone "$pid"
wait "$pid"
equals "exit status of the last (failed) build" "$?" "1"

# --- unbounded: layout edits, a burst of saves, and Ctrl-C ------------------------------
sed -i '$d' "$DOC" # the broken line out again
LOG=$OUT/sigint.log
timeout 60 ./trykk watch --root "$PROJ" -o "$PROJ/out" "$DOC" 2>"$LOG" &
pid=$!
check "watching again" until_ok 10 log_has "watching"
before=$(sum)
sed -i 's/^  petrol: .*/  petrol: [20, 80, 10, 0]/' "$PROJ/layouts/plakat.yaml"
check "a layout edit makes a new proof" until_ok 10 changed "$before"
check "one rebuild for it" until_ok 10 log_has "rebuilt"
# Five saves within a few milliseconds: one rebuild after they stop.
for i in 1 2 3 4 5; do
	printf '# save %s\n' "$i" >>"$DOC"
done
until_ok 10 rebuilds_at_least 2
sleep 1
equals "a burst of saves is one rebuild" "$(count rebuilt)" "2"
# Files that are not inputs (a note, an editor's backup) change nothing.
echo note >"$PROJ/content/notes.txt"
echo x >"$PROJ/content/.plakat.yaml.swp"
sleep 0.5
equals "other files are ignored" "$(count rebuilt)" "2"
kill -INT "$pid"
check "Ctrl-C ends the watcher" until_ok 10 gone "$pid"
wait "$pid"
equals "Ctrl-C: exit status 0" "$?" "0"
contains "Ctrl-C: says so" "$(cat "$LOG")" "stopped watching"

# --- usage -------------------------------------------------------------------------------
./trykk watch --max-rebuilds x "$DOC" 2>/dev/null
equals "--max-rebuilds needs a count" "$?" "2"
./trykk watch --json "$DOC" 2>/dev/null
equals "watch refuses --json" "$?" "2"
finish

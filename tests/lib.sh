# tests/lib.sh - shared by the shell test scripts: counters and checks that print
# what they compare. Source it, call the checks, end with `finish`.
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); [ -n "$VERBOSE" ] && echo "ok   $1"; return 0; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL $1"; [ -n "$2" ] && printf '%s\n' "$2" | sed 's/^/     /'; return 0; }
check() { # check NAME COMMAND...: passes when the command succeeds
	name=$1; shift
	if out=$("$@" 2>&1); then ok "$name"; else bad "$name" "$out"; fi
}
contains() { # contains NAME HAYSTACK NEEDLE
	case "$2" in *"$3"*) ok "$1" ;; *) bad "$1" "expected to find: $3
in: $(printf '%s' "$2" | head -c 600)" ;; esac
}
equals() { # equals NAME GOT WANT
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got:  $2
want: $3"; fi
}
finish() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ]; }

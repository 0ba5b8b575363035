#!/bin/sh
# Makes the error cases too big to keep in git: a content file with a 10 MB text
# field (over the 4 MiB limit for one text) and a 17 MiB file (over the 16 MiB limit
# for a file). They are written to tests/out/errors-big/, where the symlinks
# tests/errors/cases/big-text.yaml and big-file.yaml point; without this step the
# links dangle and tests/errors/run.sh skips the two cases. Call it before the cases
# run; it does nothing when the files are already there.
cd "$(dirname "$0")/../.." || exit 2
dir=tests/out/errors-big
mkdir -p "$dir" || exit 3
# big CONTENT-START MEGABYTES: a content file whose headline is one long word
big() {
	[ -s "$dir/$1" ] && return 0
	{
		printf 'layout: plakat\nfields:\n  overskrift: '
		head -c $(($2 * 1048576)) /dev/zero | tr '\0' 'a'
		printf '\n'
	} >"$dir/$1.tmp" && mv "$dir/$1.tmp" "$dir/$1"
}
big big-text.yaml 10 && big big-file.yaml 17 || exit 3

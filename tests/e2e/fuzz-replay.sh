#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Corpus replay: every fuzz target in tests/fuzz/ (<target>-fuzzer.c) is
# run, through its plain-main build $FERRY_BUILD/fuzz/<target>-replay,
# over each input of tests/fuzz/corpus/<target>/, so that the seeds and
# every crash input kept there stay fixed in the release and sanitizer
# builds alike.  One line per target: ok when every input ran without a
# failed check or sanitizer report; not ok with the input that failed and
# the end of its output otherwise.  `make fuzz` (clang, libFuzzer) finds
# new inputs; this only replays the ones in the repository.
. "$(dirname "$0")/../lib/e2e.sh"

found=0
for src in "$top"/tests/fuzz/*-fuzzer.c; do
	[ -f "$src" ] || continue
	found=1
	name=$(basename "$src" -fuzzer.c)
	bin=$FERRY_BUILD/fuzz/$name-replay
	corpus=$top/tests/fuzz/corpus/$name
	log=$T/$name.log
	if [ ! -x "$bin" ]; then
		notok "$name: $bin is missing (run make unit-bins)"
		continue
	fi
	count=$(find "$corpus" -type f ! -name '.*' 2>/dev/null | wc -l)
	if [ "$count" -eq 0 ]; then
		notok "$name: no corpus in $corpus"
		continue
	fi
	if "$bin" "$corpus" >"$log" 2>&1 &&
	    grep -q "^replayed $count inputs\$" "$log"; then
		ok "$name: $count inputs replayed"
	else
		last=$(grep '^replay: ' "$log" | tail -1)
		notok "$name: failed at ${last#replay: }"
		tail -25 "$log" | sed 's/^/#   /'
	fi
done
[ "$found" -eq 1 ] || notok "no fuzz targets in tests/fuzz/"

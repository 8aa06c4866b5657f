#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Conflict policies of cp/mv/put/get on a tree merged into a folder where
# some names are taken: fail (each taken name is an error, the others are
# copied), skip, rename ("name (1).ext"), overwrite, and ask: in tmux the
# prompt names the target with both sizes, and the answers overwrite,
# skip, rename and "overwrite all" each do what they say (no more
# questions after "all"); "cancel" stops the job.  Ask without a terminal
# on stdin, an unknown policy and a bad --jobs are usage errors.  The
# progress bar is drawn on a terminal and erased at the end.
. "$(dirname "$0")/../lib/e2e.sh"
F=$FERRY
SOCKS=""
RUNS=0
trap 'for s in $SOCKS; do tmux -L "$s" kill-server 2>/dev/null; done
e2e_cleanup' EXIT

sha() { sha256sum "$1" | cut -d' ' -f1; }

mkdir -p "$T/src/sub"
for n in a b c d e; do printf 'new %s\n' "$n" >"$T/src/$n.txt"; done
printf 'new sub\n' >"$T/src/sub/s.txt"
printf 'fresh\n' >"$T/src/fresh.txt"

# out/src with old versions of a..e and sub/s.txt
reset_out() {
	rm -rf "$T/out"
	mkdir -p "$T/out/src/sub"
	for n in a b c d e; do printf 'old %s!\n' "$n" >"$T/out/src/$n.txt"; done
	printf 'old sub!\n' >"$T/out/src/sub/s.txt"
}

# ---- fail, skip, rename, overwrite ----
reset_out
$F cp "$T/src" "$T/out/" >"$T/fail.out" 2>&1
check "fail: the job fails" test $? -eq 1
check "fail: each taken name is an error" \
    test "$(grep -c 'exists; use --on-conflict' "$T/fail.out")" -eq 6
check "fail: the free name was copied" cmp "$T/src/fresh.txt" \
    "$T/out/src/fresh.txt"
check "fail: nothing was overwritten" grep -q old "$T/out/src/a.txt"

reset_out
check "skip: the job succeeds" $F cp --on-conflict skip "$T/src" "$T/out/"
check "skip: the old files stay" grep -q old "$T/out/src/sub/s.txt"
check "skip: the free name was copied" test -f "$T/out/src/fresh.txt"

reset_out
check "rename: the job succeeds" \
    $F cp --on-conflict rename "$T/src" "$T/out/src"
check "rename: the copy of the folder is beside it" \
    cmp "$T/src/a.txt" "$T/out/src/src/a.txt"
reset_out
check "rename of items inside a merged folder" \
    $F cp --on-conflict rename "$T/src/a.txt" "$T/src/b.txt" "$T/out/src/"
check "rename: a (1).txt is the new one" \
    cmp "$T/src/a.txt" "$T/out/src/a (1).txt"
check "rename: a.txt is the old one" grep -q old "$T/out/src/a.txt"

reset_out
check "overwrite: the job succeeds" \
    $F cp --on-conflict overwrite "$T/src" "$T/out/"
check "overwrite: every file is the new one" diff -r "$T/src" "$T/out/src"

# ---- usage errors ----
check_err 2 "ask needs a terminal on stdin" 'needs a terminal' \
    sh -c "$F cp --on-conflict ask '$T/src' '$T/out/' </dev/null"
check_err 2 "an unknown policy is a usage error" "unknown policy 'clobber'" \
    $F cp --on-conflict clobber "$T/src" "$T/out/"
check_err 2 "--jobs 0 is out of range" 'out of range' \
    $F cp --jobs 0 "$T/src" "$T/out/"
check_err 2 "--jobs 17 is out of range" 'out of range' \
    $F put --jobs 17 "$T/src" store:/
check "--jobs 1 works" $F put --jobs 1 "$T/src" store:/
check "config [jobs] concurrency is read" sh -c "
mkdir -p '$XDG_CONFIG_HOME/ferry' &&
printf '[jobs]\nconcurrency = 2\n' >'$XDG_CONFIG_HOME/ferry/config' &&
$F put --on-conflict overwrite '$T/src' store:/"
check_err 1 "a bad [jobs] concurrency is refused, naming it" \
    'concurrency = lots' sh -c "
printf '[jobs]\nconcurrency = lots\n' >'$XDG_CONFIG_HOME/ferry/config' &&
$F put --on-conflict overwrite '$T/src' store:/"
rm -f "$XDG_CONFIG_HOME/ferry/config"

# ---- ask, in tmux ----
screen() { tmux -L "$SOCK" capture-pane -p -t t; }
# Wait until the screen matches PATTERN (grep -E); false after 15 s.
wait_for() {
	n=0
	while [ "$n" -lt 300 ]; do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.05
		n=$((n + 1))
	done
	screen | sed 's/^/#   /'
	return 1
}
# Answer the next question, waiting for the Nth prompt.
answer() {
	wait_for "$1" && tmux -L "$SOCK" send-keys -t t "$2" Enter
}
run_in_tmux() {
	# a server of its own for each run: a dying one is never reused
	[ -n "$SOCKS" ] && tmux -L "$SOCK" kill-server 2>/dev/null
	RUNS=$((RUNS + 1))
	SOCK="ferry-conflict-$$-$RUNS"
	SOCKS="$SOCKS $SOCK"
	tmux -L "$SOCK" -f /dev/null new-session -d -s t -x 160 -y 40 \
	    "env HOME='$HOME' FERRY_STORE='$FERRY_STORE' \
	    XDG_STATE_HOME='$XDG_STATE_HOME' XDG_CONFIG_HOME='$XDG_CONFIG_HOME' \
	    ASAN_OPTIONS='${ASAN_OPTIONS:-}' UBSAN_OPTIONS='${UBSAN_OPTIONS:-}' \
	    $* 2>&1; echo EXIT=\$?; sleep 30"
	pid=$(tmux -L "$SOCK" display-message -p -t t '#{pid}' 2>/dev/null)
	[ -n "$pid" ] && PIDS="$PIDS $pid"
}

reset_out
# folders come first in a listing: sub/s.txt is asked about first
run_in_tmux "$F cp --jobs 1 --on-conflict ask '$T/src' '$T/out/'"
check "ask: the prompt names the target and both sizes" \
    wait_for 'out/src/sub/s.txt exists \(9 B, .*\)'
check "ask: and the source with its size" \
    wait_for 'source .*/src/sub/s.txt \(8 B, '
check "ask: and offers the answers" \
    wait_for '\[o\]verwrite, \[s\]kip, \[r\]ename; O, S, R: the same for all; \[c\]ancel\?'
tmux -L "$SOCK" send-keys -t t o Enter
check "ask: a.txt is asked next" answer 'out/src/a.txt exists' s
check "ask: b.txt is asked next" answer 'out/src/b.txt exists' r
check "ask: c.txt is asked next" answer 'out/src/c.txt exists' O
check "ask: the job ends without more questions" wait_for 'EXIT=0'
check "ask: no question about d.txt or e.txt" \
    sh -c "! tmux -L '$SOCK' capture-pane -p -t t | grep -q '[de].txt exists'"
check "ask: o overwrote sub/s.txt" cmp "$T/src/sub/s.txt" \
    "$T/out/src/sub/s.txt"
check "ask: s kept a.txt" grep -q old "$T/out/src/a.txt"
check "ask: r renamed b.txt" cmp "$T/src/b.txt" "$T/out/src/b (1).txt"
check "ask: b.txt itself is kept" grep -q old "$T/out/src/b.txt"
check "ask: O overwrote c.txt" cmp "$T/src/c.txt" "$T/out/src/c.txt"
check "ask: and d.txt and e.txt after it" sh -c \
    "cmp '$T/src/d.txt' '$T/out/src/d.txt' && cmp '$T/src/e.txt' '$T/out/src/e.txt'"

reset_out
run_in_tmux "$F cp --jobs 1 --on-conflict ask '$T/src' '$T/out/'"
check "ask: S skips all" answer 'out/src/sub/s.txt exists' S
check "ask: S ends the job without more questions" wait_for 'EXIT=0'
check "ask: S kept every old file" sh -c \
    "grep -q old '$T/out/src/e.txt' && grep -q old '$T/out/src/sub/s.txt'"
reset_out
run_in_tmux "$F cp --jobs 1 --on-conflict ask '$T/src' '$T/out/'"
check "ask: R renames all" answer 'out/src/sub/s.txt exists' R
check "ask: R ends the job" wait_for 'EXIT=0'
check "ask: every new one has a suffix" sh -c \
    "cmp '$T/src/e.txt' '$T/out/src/e (1).txt' && cmp '$T/src/sub/s.txt' '$T/out/src/sub/s (1).txt'"
reset_out
run_in_tmux "$F cp --jobs 1 --on-conflict ask '$T/src' '$T/out/'"
check "ask: c cancels" answer 'out/src/sub/s.txt exists' c
check "ask: the job says it was cancelled" wait_for 'cancelled'
check "ask: and exits 1" wait_for 'EXIT=1'
check "ask: the cancelled job overwrote nothing" sh -c \
    "grep -q old '$T/out/src/a.txt' && grep -q old '$T/out/src/sub/s.txt'"

# ---- the progress bar on a terminal ----
head -c $((48 * 1048576)) /dev/urandom >"$T/big.bin"
run_in_tmux "FERRY_TEST_CHUNK_DELAY_MS=40 $F put '$T/big.bin' store:/big.bin"
check "a progress bar is drawn on a terminal" \
    wait_for '[0-9]+% \[[#.]+\] .* / 48\.0 MiB .*/s  ETA [0-9:-]+  0/1 items'
check "it names the item moving" wait_for 'big\.bin$'
check "the job ends" wait_for 'EXIT=0'
check "and the bar is erased" \
    sh -c "! tmux -L '$SOCK' capture-pane -p -t t | grep -q 'ETA'"

# ---- a target folder that is a link is not written through ----
mkdir -p "$T/elsewhere" "$T/lout"
ln -s ../elsewhere "$T/lout/src"
check_err 1 "merging into a folder that is a symbolic link is refused" \
    'lout/src is a symbolic link; ferry does not write through links' \
    $F cp "$T/src" "$T/lout/"
check "nothing was written where the link points" \
    test -z "$(ls -A "$T/elsewhere")"
check "rename still makes a copy beside the link" \
    $F cp --on-conflict rename "$T/src" "$T/lout/"
check "the copy is complete" diff -r "$T/src" "$T/lout/src (1)"

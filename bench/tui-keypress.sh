#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The cost of one keypress in the browser, counted in instructions with
# callgrind, in a folder of 1,000,000 entries against one of 1,000: a
# scrolling key must cost the same in both (drawing follows the rows on
# screen, never the folder).
#
#   bench/tui-keypress.sh [FERRY]           (default build/release/ferry)
#   BENCH_KEYS=500 BENCH_SIZES="1000 100000 1000000" bench/tui-keypress.sh
#
# For each folder (BENCH_SIZES, default "1000 1000000"; empty files made
# once under build/bench-data, see bench/folders.sh), it runs
#   FERRY_BENCH_KEYS=K valgrind --tool=callgrind --collect-atstart=no \
#       --toggle-collect='tui_bench_press*' ferry DIR store:/
# in a 120x40 tmux.  With FERRY_BENCH_KEYS the browser waits until both
# panes are listed and drawn with their details, puts the cursor on the
# last row on screen, then presses Down K times (default 200) and quits.
# Each press is one call of tui_bench_press() (src/tui/tui.c): the key,
# the redraw, the stat of the row that came on screen (on the worker),
# and the redraw with its details; callgrind counts the instructions of
# the UI thread in it (the worker's stat is a system call on another
# thread: not counted, and the same in both folders).  It prints the
# instructions per keypress for each folder and their ratio to the
# smallest folder's; the aim is 1.00.  Listing 1,000,000 entries under
# callgrind takes a minute or two; BENCH_TIMEOUT (default 900 s) bounds
# each run.  Needs valgrind, tmux and python3: scripts/deps.sh bench.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
F=${1:-$top/build/release/ferry}
SIZES=${BENCH_SIZES:-"1000 1000000"}
KEYS=${BENCH_KEYS:-200}
TIMEOUT=${BENCH_TIMEOUT:-900}
. "$top/bench/folders.sh"

case "$F" in /*) ;; *) F=$(pwd)/$F ;; esac
[ -x "$F" ] || { echo "bench: $F is not built (make)" >&2; exit 1; }
for t in valgrind tmux; do
	command -v "$t" >/dev/null 2>&1 || {
		echo "bench: $t is missing: run scripts/deps.sh bench" >&2
		exit 1
	}
done

T=$(mktemp -d "${TMPDIR:-/tmp}/ferry-bench-keys.XXXXXX")
SOCK=ferry-bench-keys-$$
SOCK_PATH=${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK
trap 'tmux -L "$SOCK" kill-server 2>/dev/null || true; rm -f "$SOCK_PATH";
    rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
export LANG=C.UTF-8 HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config"
export FERRY_STORE="$T/store"
mkdir -p "$HOME"
"$F" ls store:/ >/dev/null

: >"$T/results"
for n in $SIZES; do
	d=$(bench_folder "$n")
	out="$T/callgrind.$n"
	echo "bench: $n entries: $KEYS keypresses under callgrind ..." >&2
	tmux -L "$SOCK" -f /dev/null new-session -d -s k -x 120 -y 40 \
	    "FERRY_BENCH_KEYS=$KEYS valgrind --tool=callgrind \
	    --collect-atstart=no --toggle-collect='tui_bench_press*' \
	    --callgrind-out-file='$out' '$F' '$d' store:/ \
	    2>'$T/valgrind.$n'; tmux -L $SOCK wait-for -S done"
	if ! timeout "$TIMEOUT" tmux -L "$SOCK" wait-for done; then
		echo "bench: $n entries: no end after $TIMEOUT s" >&2
		tmux -L "$SOCK" capture-pane -p -t k | sed 's/^/    | /' >&2
		exit 1
	fi
	tmux -L "$SOCK" kill-server 2>/dev/null || true
	ir=$(sed -n 's/^summary: *\([0-9][0-9]*\).*/\1/p' "$out" | head -1)
	[ -n "$ir" ] || ir=$(sed -n 's/^totals: *\([0-9][0-9]*\).*/\1/p' \
	    "$out" | head -1)
	if [ -z "$ir" ]; then
		echo "bench: $n entries: no instruction count in $out" >&2
		tail -5 "$T/valgrind.$n" >&2
		exit 1
	fi
	echo "$n $ir" >>"$T/results"
done

$PY - "$T/results" "$KEYS" <<'EOF'
import sys
rows = [l.split() for l in open(sys.argv[1])]
keys = int(sys.argv[2])
base = int(rows[0][1]) / keys if rows else 0
print("\ninstructions (Ir, UI thread) per keypress: Down, scrolling a row")
print("%-10s %14s %14s %8s" % ("entries", "Ir total", "Ir per key",
      "ratio"))
for n, ir in rows:
    per = int(ir) / keys
    print("%-10s %14d %14.0f %8.2f" % (n, int(ir), per,
          per / base if base else 0))
print("(ratio: against %s entries; the aim is 1.00)" % rows[0][0])
EOF

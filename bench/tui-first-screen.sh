#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Time to the first screen and peak memory of the browser on big local
# folders, against nnn and Midnight Commander on the same folders in the
# same run.
#
#   bench/tui-first-screen.sh [FERRY]       (default build/release/ferry)
#   BENCH_SIZES="10000 100000" BENCH_REPS=5 bench/tui-first-screen.sh
#   BENCH_TOOLS="ferry nnn" bench/tui-first-screen.sh
#
# For folders of 10,000, 100,000 and 1,000,000 empty files (BENCH_SIZES;
# made once under build/bench-data, see bench/folders.sh), each tool is
# started BENCH_REPS times (default 3) in a fresh 120x40 tmux server:
#   ferry DIR store:/        (an empty embedded store in the other pane)
#   nnn DIR                  (no NNN_* settings, a temporary HOME)
#   mc -u -d -X DIR EMPTY    (no subshell, no mouse, no X11, temporary
#                            HOME; the other panel on an empty folder)
# and bench/tui-measure.py reports, for each start:
#   first   ms from Enter until the pane first shows the folder's first
#           entries in name order (file-0000000.dat and file-0000019.dat:
#           a screenful's top and the 20th row), the same test for all;
#   settled ms until the screen stopped changing (500 ms quiet), e.g.
#           when details filled in after the names;
#   hwm     VmHWM, the peak resident memory, read after settling.
# It prints the median of the runs for each tool and size, then the
# ratios ferry/nnn and ferry/mc (time: first screen; memory: hwm), and
# the aims of issue 3: at 1,000,000 entries a quarter of nnn's time, at
# 100,000 half of it, and never more memory than nnn.
# Each start is bounded by BENCH_TIMEOUT seconds (default 120).  Needs
# tmux, python3, nnn and mc: `scripts/deps.sh bench` installs them.  The
# folder is read once with ls before the runs, so every tool finds the
# directory and its inodes in the cache.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
F=${1:-$top/build/release/ferry}
SIZES=${BENCH_SIZES:-"10000 100000 1000000"}
REPS=${BENCH_REPS:-3}
TOOLS=${BENCH_TOOLS:-"ferry nnn mc"}
TIMEOUT=${BENCH_TIMEOUT:-120}
. "$top/bench/folders.sh"

case "$F" in /*) ;; *) F=$(pwd)/$F ;; esac
[ -x "$F" ] || { echo "bench: $F is not built (make)" >&2; exit 1; }
for t in tmux $TOOLS; do
	[ "$t" = ferry ] && continue
	command -v "$t" >/dev/null 2>&1 || {
		echo "bench: $t is missing: run scripts/deps.sh bench" >&2
		exit 1
	}
done

T=$(mktemp -d "${TMPDIR:-/tmp}/ferry-bench-tui.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$T/empty"
export LANG=C.UTF-8 TERM=screen
unset NNN_OPTS NNN_BMS NNN_PLUG NNN_COLORS NNN_FCOLORS NNN_TRASH \
    NNN_FIFO DISPLAY MC_SID 2>/dev/null || true
# One store for every ferry run, made before the clock runs: a user's
# store exists already.
export FERRY_STORE="$T/store"
HOME=$T/home XDG_CONFIG_HOME=$T/home/.config "$F" ls store:/ >/dev/null

# measure TOOL DIR N: one start; appends "N TOOL JSON" to $T/results.
measure() {
	_h=$(mktemp -d "$T/home.XXXXXX")
	mkdir -p "$_h/.config" "$_h/.local/share" "$_h/.cache"
	case "$1" in
	ferry)	set -- "$F" "$2" store:/ ;;
	nnn)	set -- nnn "$2" ;;
	mc)	set -- mc -u -d -X "$2" "$T/empty" ;;
	esac
	_json=$(HOME=$_h XDG_CONFIG_HOME=$_h/.config \
	    XDG_DATA_HOME=$_h/.local/share XDG_CACHE_HOME=$_h/.cache \
	    $PY "$top/bench/tui-measure.py" "$TIMEOUT" \
	    file-0000000.dat file-0000019.dat -- "$@")
	rm -rf "$_h"
	echo "$_n $_tool $_json" >>"$T/results"
	echo "$_json" | $PY -c '
import json, sys
r = json.load(sys.stdin)
print("  %-6s %8.0f ms first %8.0f ms settled %8.1f MB%s" % (sys.argv[1],
      r["first_ms"], r["settled_ms"], r["hwm_kb"] / 1024.0,
      "  ERROR: " + r["error"] if r["error"] else ""))
if r["error"] and r.get("screen"):
    sys.stdout.write("".join("    | " + l + "\n"
                     for l in r["screen"].splitlines()[:12]))
' "$_tool" >&2
}

: >"$T/results"
for _n in $SIZES; do
	d=$(bench_folder "$_n")
	echo "bench: $_n entries in $d" >&2
	ls -lU "$d" >/dev/null	# the directory and its inodes, cached
	r=1
	while [ "$r" -le "$REPS" ]; do
		for _tool in $TOOLS; do
			measure "$_tool" "$d"
		done
		r=$((r + 1))
	done
done

$PY - "$T/results" "$TOOLS" <<'EOF'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    n, tool, js = line.split(" ", 2)
    rows.setdefault((int(n), tool), []).append(json.loads(js))
tools = sys.argv[2].split()
sizes = sorted({n for n, _ in rows})

def med(n, tool, key):
    v = [r[key] for r in rows.get((n, tool), []) if r["error"] is None]
    return statistics.median(v) if v else None

def fmt(v, unit, scale=1.0):
    return "%9s" % ("-" if v is None else ("%.0f" if unit == "ms" else
                    "%.1f") % (v / scale))

print("\nmedians of the runs (first: first screen; settled: screen quiet;"
      " hwm: VmHWM)")
print("%-9s %-6s %9s %9s %9s %5s" % ("entries", "tool", "first_ms",
      "settled", "hwm_MB", "runs"))
for n in sizes:
    for t in tools:
        ok = [r for r in rows.get((n, t), []) if r["error"] is None]
        print("%-9d %-6s %s %s %s %5s" % (n, t, fmt(med(n, t, "first_ms"),
              "ms"), fmt(med(n, t, "settled_ms"), "ms"),
              fmt(med(n, t, "hwm_kb"), "MB", 1024.0),
              "%d/%d" % (len(ok), len(rows.get((n, t), [])))))

def ratio(a, b):
    return "%9s" % ("-" if a is None or b is None or b == 0 else
                    "%.2f" % (a / b))

others = [t for t in tools if t != "ferry"]
if "ferry" in tools and others:
    print("\nratios ferry/other (time: first screen; memory: hwm)")
    print("%-9s %-6s %9s %9s  %s" % ("entries", "vs", "time", "memory",
          "aim"))
    for n in sizes:
        for t in others:
            ft, ot = med(n, "ferry", "first_ms"), med(n, t, "first_ms")
            fm, om = med(n, "ferry", "hwm_kb"), med(n, t, "hwm_kb")
            aim = ""
            want = {1000000: 0.25, 100000: 0.5}.get(n)
            if t == "nnn" and want is not None:
                good = (fm is not None and om is not None and
                        fm <= om and ft is not None and ot is not None
                        and ft <= want * ot)
                aim = "time <= %.2f, memory <= 1.00: %s" % (
                    want, "met" if good else "NOT met")
            elif t == "nnn":
                aim = "(issue 3 sets aims at 100,000 and 1,000,000)"
            print("%-9d %-6s %s %s  %s" % (n, t, ratio(ft, ot),
                  ratio(fm, om), aim))
EOF

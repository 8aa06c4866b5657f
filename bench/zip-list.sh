#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Listing ZIP archives in place vs downloading them first.
#
#   bench/zip-list.sh [FERRY]        (default build/release/ferry)
#   BENCH_BIG_GIB=3 BENCH_SIZES="10 10000 500000" bench/zip-list.sh
#
# For archives of 10, 10,000 and 500,000 members and one of several GiB
# (BENCH_BIG_GIB, default 3: 1 MiB stored members), each put into the
# embedded store, it measures in one run:
#   - ferry: `ferry zip info` (opens and lists the archive): the bytes and
#     requests it fetched (its own counters) and the wall time; and
#     `ferry zip ls -r` (every member printed) wall time;
#   - the central directory's size: the least any lister must fetch;
#   - the download route: `ferry get` of the whole archive out of the
#     store (curl from ferryd once the ferryd client exists), then
#     `unzip -l` on the copy: bytes moved and wall time;
# and prints the ratios (download bytes / ferry bytes, download time /
# ferry time, ferry bytes / directory size).  The aim: ferry's bytes
# within 5% (+64 KiB) of the directory, and at most 3 requests.
# Needs python3, unzip and about 2 x BENCH_BIG_GIB GiB of disk in $TMPDIR.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
F=${1:-$top/build/release/ferry}
CRAFT=$top/tests/e2e/zip-craft.py
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
SIZES=${BENCH_SIZES:-"10 10000 500000"}
BIG=${BENCH_BIG_GIB:-3}
T=$(mktemp -d "${TMPDIR:-/tmp}/ferry-bench-zip.XXXXXX")
trap 'rm -rf "$T"' EXIT
export FERRY_STORE="$T/store" HOME="$T" XDG_CONFIG_HOME="$T/config"

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l 2>/dev/null || \
    $PY -c "print($2 - $1)"; }

[ -x "$F" ] || { echo "bench: $F is not built (make)" >&2; exit 1; }
command -v unzip >/dev/null || { echo "bench: unzip is needed" >&2; exit 1; }

echo "making archives in $T ..." >&2
names=""
for n in $SIZES; do
	$PY "$CRAFT" many "$T/m$n.zip" "$n" >/dev/null
	names="$names m$n"
done
if [ "$BIG" -gt 0 ]; then
	$PY "$CRAFT" bulk "$T/big${BIG}g.zip" $((BIG * 1024)) 1 >/dev/null
	names="$names big${BIG}g"
fi
"$F" mkdir -p store:/bench >/dev/null
for a in $names; do
	"$F" -q put "$T/$a.zip" store:/bench/ >/dev/null
	rm -f "$T/$a.zip"	# only the store's copy is used from here on
done

printf '%-10s %9s %11s %11s %11s %5s %6s %8s %8s %11s %8s %8s %8s\n' \
    archive members size cd_bytes ferry_bytes reqs b/cd t_list \
    t_ls_r dl_bytes t_dl+l x_bytes x_time
for a in $names; do
	loc=store:/bench/$a.zip
	t0=$(now)
	"$F" zip info --json "$loc" >"$T/info.json"
	t1=$(now)
	"$F" zip ls -r "$loc" >/dev/null
	t2=$(now)
	rm -rf "$T/dl"; mkdir "$T/dl"
	t3=$(now)
	"$F" -q get "$loc" "$T/dl/" >/dev/null
	unzip -l "$T/dl/$a.zip" >/dev/null
	t4=$(now)
	rm -rf "$T/dl"
	$PY - "$T/info.json" "$a" "$(elapsed "$t0" "$t1")" \
	    "$(elapsed "$t1" "$t2")" "$(elapsed "$t3" "$t4")" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
a, tl, tr, td = sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), \
    float(sys.argv[5])
fb, cd, size = d["list_bytes"], d["directory_size"], d["archive_size"]
print("%-10s %9d %11d %11d %11d %5d %6.3f %7.3fs %7.3fs %11d %7.3fs "
      "%7.1fx %7.1fx" % (a, d["members"], size, cd, fb, d["list_requests"],
      fb / cd if cd else 0, tl, tr, size, td, size / fb, td / tl))
ok = fb <= cd * 1.05 + 65536 and d["list_requests"] <= 3
if not ok:
    print("  ^ over the aim (5%% + 64 KiB of the directory, 3 requests)")
EOF
done
echo "(x_bytes: download bytes / ferry bytes; x_time: download+unzip -l" \
    "time / ferry's listing time)"

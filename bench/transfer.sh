#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Transfer throughput: one large file (1 GiB of random bytes) and many
# small ones (2,000 files of 4 KiB), local -> store (`ferry put`) and
# store -> local (`ferry get`), beside `cp` followed by `sync` (the store
# makes its writes durable, so that is the fair ceiling) and `rsync -a`
# followed by `sync`, all in the same run on the same data; it prints the
# seconds, the rate and ferry's ratio to each.  Nothing is asserted: the
# numbers depend on the machine and its load.
#
#   bench/transfer.sh [FERRY]              # default build/release/ferry
#   BENCH_MIB=256 BENCH_FILES=500 BENCH_REPS=1 bench/transfer.sh
#
# The page cache is warm for every tool (the data is read once first),
# each run writes to a fresh target, and the best of BENCH_REPS runs
# (default 3) counts.  rsync is skipped when it is not installed.  The
# work directory is under build/ (BENCH_TMP to change it) and removed at
# the end.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
F=${1:-$top/build/release/ferry}
MIB=${BENCH_MIB:-1024}
FILES=${BENCH_FILES:-2000}
REPS=${BENCH_REPS:-3}
mkdir -p "${BENCH_TMP:-$top/build}"
W=$(mktemp -d "${BENCH_TMP:-$top/build}/bench-transfer.XXXXXX")
trap 'rm -rf "$W"' EXIT
export FERRY_STORE="$W/store" XDG_STATE_HOME="$W/state" HOME="$W/home"
export XDG_CONFIG_HOME="$W/config" XDG_DATA_HOME="$W/data"
mkdir -p "$HOME"

[ -x "$F" ] || { echo "bench: $F: not built (run make)" >&2; exit 1; }
have_rsync=no
command -v rsync >/dev/null 2>&1 && have_rsync=yes

echo "bench: making $MIB MiB and $FILES x 4 KiB of random data in $W" >&2
head -c $((MIB * 1048576)) /dev/urandom >"$W/big.bin"
mkdir "$W/small"
python3 - "$W/small" "$FILES" <<'EOF'
import os, sys
for i in range(int(sys.argv[2])):
    with open(os.path.join(sys.argv[1], "f%05d.bin" % i), "wb") as f:
        f.write(os.urandom(4096))
EOF
cat "$W/big.bin" "$W"/small/* >/dev/null	# warm for everyone
sync
"$F" -q put "$W/big.bin" store:/big.bin || exit 1
"$F" -q put "$W/small" store:/small || exit 1

# Seconds taken by a command (sh -c), best of REPS; PREP runs before each.
best() {
	prep=$1; cmd=$2; b=""
	r=0
	while [ "$r" -lt "$REPS" ]; do
		sh -c "$prep" >/dev/null 2>&1
		sync
		s=$(date +%s.%N)
		if ! sh -c "$cmd" >/dev/null 2>"$W/err"; then
			echo "bench: failed: $cmd" >&2
			cat "$W/err" >&2
			echo "-"
			return
		fi
		e=$(date +%s.%N)
		b=$(python3 -c "import sys; t = float(sys.argv[2]) - float(sys.argv[1]); b = sys.argv[3]; print('%.3f' % (t if b == '' else min(t, float(b))))" "$s" "$e" "$b")
		r=$((r + 1))
	done
	echo "$b"
}

n=0
# A fresh target name each time: STORE:/runN, $W/out-N.
next() { n=$((n + 1)); }

report() {	# what bytes ferry cp rsync
	python3 - "$@" <<'EOF'
import sys
what, size, ferry, cp, rsync = sys.argv[1:6]
size = float(size)
def rate(t):
    return "-" if t == "-" else "%8.1f MB/s" % (size / float(t) / 1e6)
def ratio(a, b):
    if a == "-" or b == "-":
        return "     -"
    return "%5.0f%%" % (100.0 * float(b) / float(a))
print("%-26s ferry %7ss %s | cp+sync %7ss %s | rsync %7ss %s" %
      (what, ferry, rate(ferry), cp, rate(cp), rsync, rate(rsync)))
print("%-26s ferry is at %s of cp+sync's speed, %s of rsync's" %
      ("", ratio(ferry, cp), ratio(ferry, rsync)))
EOF
}

big=$(stat -c %s "$W/big.bin")
small=$((FILES * 4096))
rs() { [ "$have_rsync" = yes ] && best "$1" "$2" || echo "-"; }

# ---- one large file ----
t_put=$(best "$F -q rm store:/up.bin" "$F -q put '$W/big.bin' store:/up.bin")
t_cp=$(best "rm -f '$W/cp.bin'" "cp '$W/big.bin' '$W/cp.bin' && sync")
t_rs=$(rs "rm -f '$W/rs.bin'" "rsync -a '$W/big.bin' '$W/rs.bin' && sync")
report "large, local -> store" "$big" "$t_put" "$t_cp" "$t_rs"
t_get=$(best "rm -f '$W/get.bin'" "$F -q get store:/big.bin '$W/get.bin' && sync")
report "large, store -> local" "$big" "$t_get" "$t_cp" "$t_rs"

# ---- many small files ----
t_put=$(best "$F -q rm -r store:/up" "$F -q put '$W/small' store:/up")
t_cp=$(best "rm -rf '$W/cp'" "cp -r '$W/small' '$W/cp' && sync")
t_rs=$(rs "rm -rf '$W/rs'" "rsync -a '$W/small/' '$W/rs/' && sync")
report "$FILES x 4 KiB, local -> store" "$small" "$t_put" "$t_cp" "$t_rs"
t_get=$(best "rm -rf '$W/get'" "$F -q get store:/small '$W/get' && sync")
report "$FILES x 4 KiB, store -> local" "$small" "$t_get" "$t_cp" "$t_rs"
[ "$have_rsync" = yes ] || echo "(rsync is not installed: its columns are empty)"

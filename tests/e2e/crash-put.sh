#!/bin/sh
# SPDX-License-Identifier: MIT
#
# `ferry put` of a large file killed with SIGKILL at many points leaves the
# store consistent: after each kill `ferry check` finds no missing blob, no
# bad blob and no orphan row, and the item either exists whole (full size,
# right sha256) or not at all; after `ferry gc` the check is clean (no
# unreferenced blob, no temp file).  Then an uninterrupted put succeeds and
# get gives back identical bytes.  SIGTERM, unlike SIGKILL, cancels: the
# put or get stops, exits 1 and leaves no temp file at all, without gc.
. "$(dirname "$0")/../lib/e2e.sh"
F=$FERRY

mib=64
[ "$FERRY_VARIANT" = asan ] && mib=24
big=$T/big.bin
head -c $((mib * 1048576)) /dev/urandom >"$big"
want_sha=$(sha256sum "$big" | cut -d' ' -f1)
want_size=$((mib * 1048576))
$F mkdir store:/crash || notok "mkdir store:/crash"

# The state of store:/crash/big.bin: "absent", "whole", or what is wrong.
item_state() {
	$F info --json store:/crash/big.bin 2>/dev/null | python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except ValueError:
    print("absent"); sys.exit(0)
if d["size"] == int(sys.argv[1]) and d["checksum"] == sys.argv[2]:
    print("whole")
else:
    print("partial size=%s sha=%s" % (d["size"], d["checksum"]))
' "$want_size" "$want_sha"
}

# No row without its blob or parent, no blob of the wrong size.
rows_ok() {
	$F check --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
bad = d["missing_blobs"] + d["bad_blobs"] + d["orphan_rows"]
if bad:
    print(d)
sys.exit(1 if bad else 0)'
}

interrupted=0
kills=0
tmp_removed=0
for ms in 0 5 10 20 30 45 60 80 100 125 150 175 200 250 350 500 700
do
	$F -q put "$big" store:/crash/big.bin 2>/dev/null &
	pid=$!
	PIDS="$PIDS $pid"
	sleep "$(printf '0.%03d' "$ms")"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	kills=$((kills + 1))
	state=$(item_state)
	case "$state" in
	absent) interrupted=$((interrupted + 1)); ok "kill after ${ms}ms: no item" ;;
	whole) ok "kill after ${ms}ms: the whole item" ;;
	*) notok "kill after ${ms}ms: $state" ;;
	esac
	check "kill after ${ms}ms: no missing blob, bad blob or orphan row" \
	    rows_ok
	[ "$state" = whole ] && $F rm store:/crash/big.bin
	if $F gc --json >"$T/gc.json"; then
		ok "kill after ${ms}ms: gc runs"
		n=$(python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["removed_tmp"])' "$T/gc.json")
		tmp_removed=$((tmp_removed + n))
	else
		notok "kill after ${ms}ms: gc runs"
	fi
	check "kill after ${ms}ms: after gc the store is clean" $F check
done
echo "# $interrupted of $kills kills interrupted the put;" \
    "gc removed $tmp_removed temp files"
check "at least one kill interrupted the put" test "$interrupted" -ge 1
check "at least one kill landed mid-write (gc removed its temp file)" \
    test "$tmp_removed" -ge 1
check "the store has no temp files left" \
    sh -c "[ -z \"\$(ls -A '$FERRY_STORE/tmp' 2>/dev/null)\" ]"
# SIGTERM: a clean cancel, nothing to collect afterwards.
cancelled=0
for ms in 20 60 120
do
	$F -q put "$big" store:/crash/big.bin 2>"$T/term.err" &
	pid=$!
	PIDS="$PIDS $pid"
	sleep "$(printf '0.%03d' "$ms")"
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	state=$(item_state)
	if [ "$rc" -eq 1 ] && grep -q cancelled "$T/term.err" &&
	    [ "$state" = absent ]; then
		cancelled=$((cancelled + 1))
		ok "SIGTERM after ${ms}ms: put cancelled, no item"
	elif [ "$rc" -eq 0 ] && [ "$state" = whole ]; then
		ok "SIGTERM after ${ms}ms: put had finished"
	elif [ "$rc" -eq 143 ] && [ "$state" = absent ]; then
		# before the copy began (and its handler was installed)
		ok "SIGTERM after ${ms}ms: put ended before it began"
	else
		notok "SIGTERM after ${ms}ms: exit $rc, item $state"
	fi
	check "SIGTERM after ${ms}ms: clean without gc" $F check
	[ "$state" = whole ] && $F rm store:/crash/big.bin
done
check "at least one SIGTERM cancelled the put" test "$cancelled" -ge 1

check "an uninterrupted put succeeds" $F -q put "$big" store:/crash/big.bin
check "the item is whole" test "$(item_state)" = whole
check "get gives back identical bytes" \
    sh -c "$F -q get store:/crash/big.bin '$T/back.bin' && cmp '$big' '$T/back.bin'"
mkdir "$T/getdir"
$F -q get store:/crash/big.bin "$T/getdir/" 2>/dev/null &
pid=$!
PIDS="$PIDS $pid"
sleep 0.05
kill -TERM "$pid" 2>/dev/null
wait "$pid"
rc=$?
if [ "$rc" -eq 0 ]; then
	check "an uncancelled get is complete" cmp "$big" "$T/getdir/big.bin"
else
	# 1: cancelled; 143: terminated before the copy began
	check "a cancelled get (exit $rc) leaves nothing in the local folder" \
	    test -z "$(ls -A "$T/getdir")"
fi
check "the store is clean at the end" $F check

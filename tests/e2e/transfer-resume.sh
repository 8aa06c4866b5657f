#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Interrupted transfers resume.  ferry is killed with SIGKILL in the
# middle of a large upload (local -> store) and of a large download
# (store -> local); the next command says there are interrupted jobs,
# `ferry jobs` lists them, and `ferry jobs resume` finishes them
# byte-identical.  The resumed run reads the source only from where the
# partial write stopped: the debug stats (FERRY_DEBUG_STATS) show it
# started at exactly the partial's size and read exactly the rest, so no
# byte already written is fetched twice.  A tree copy killed half-way
# resumes without redoing or refusing what was done.  SIGTERM cancels (no
# partial left); `ferry jobs cancel` gives up an interrupted job and
# removes its partial file.  Slowed down with FERRY_TEST_CHUNK_DELAY_MS.
. "$(dirname "$0")/../lib/e2e.sh"
F=$FERRY

mib=160
[ "$FERRY_VARIANT" = asan ] && mib=96
export FERRY_TEST_CHUNK_DELAY_MS=15
big=$T/big.bin
head -c $((mib * 1048576 + 4321)) /dev/urandom >"$big"
size=$(stat -c %s "$big")

# Wait until a file matching GLOB holds at least MIN bytes; print its size.
wait_partial() {
	glob=$1; min=$2; n=0
	while [ "$n" -lt 600 ]; do
		for f in $glob; do
			[ -f "$f" ] || continue
			s=$(stat -c %s "$f")
			if [ "$s" -ge "$min" ]; then echo "$s"; return 0; fi
		done
		sleep 0.05
		n=$((n + 1))
	done
	echo 0
	return 1
}

# The offset and bytes read of the last stats line for source $1.
stat_field() {
	grep "src=$1 " "$T/stats" | tail -1 | sed -n "s/.* $2=\([0-9]*\).*/\1/p"
}

# ---- local -> store, killed ----
$F -q put "$big" store:/big.bin 2>"$T/put.err" &
pid=$!
PIDS="$PIDS $pid"
wait_partial "$FERRY_STORE/tmp/*.tmp" $((24 * 1048576)) >/dev/null
kill -9 "$pid"
wait "$pid" 2>/dev/null
part=$(stat -c %s "$FERRY_STORE"/tmp/*.tmp 2>/dev/null || echo 0)
echo "# upload killed with $part of $size bytes in its partial write"
check "the upload was interrupted mid-file" \
    test "$part" -gt 0 -a "$part" -lt "$size"
check_fails 1 "no item appeared in the store" $F info store:/big.bin
check_err 0 "another command says there is an interrupted job" \
    'ferry: 1 interrupted transfer job.*ferry jobs resume' $F ls store:/
check_out "ferry jobs lists it as interrupted" \
    '^ +1 +upload +interrupted' $F jobs
FERRY_DEBUG_STATS=$T/stats FERRY_TEST_CHUNK_DELAY_MS=0 \
    check "ferry jobs resume finishes it" $F -q jobs resume
off=$(stat_field "$big" offset)
read=$(stat_field "$big" read)
echo "# resumed at $off, read $read more bytes"
check "the resumed run started where the partial stopped" \
    test "$off" = "$part"
check "and read only the rest of the source" \
    test "$((off + read))" -eq "$size"
check "the item is whole" \
    test "$($F info --json store:/big.bin | python3 -c \
    'import json, sys; print(json.load(sys.stdin)["checksum"])')" = \
    "$(sha256sum "$big" | cut -d' ' -f1)"
check "no partial write is left in the store" \
    test -z "$(ls -A "$FERRY_STORE/tmp")"
check_out "ferry jobs shows it done" '^ +1 +upload +done' $F jobs
check "and nothing is said about interrupted jobs any more" \
    test -z "$($F ls store:/ 2>&1 >/dev/null)"

# ---- store -> local, killed ----
mkdir "$T/down"
$F -q get store:/big.bin "$T/down/" 2>/dev/null &
pid=$!
PIDS="$PIDS $pid"
wait_partial "$T/down/.big.bin.ferry-part-*" $((24 * 1048576)) >/dev/null
kill -9 "$pid"
wait "$pid" 2>/dev/null
part=$(stat -c %s "$T"/down/.big.bin.ferry-part-* 2>/dev/null || echo 0)
echo "# download killed with $part of $size bytes in its partial file"
check "the download was interrupted mid-file" \
    test "$part" -gt 0 -a "$part" -lt "$size"
check "nothing is under the real name" test ! -e "$T/down/big.bin"
FERRY_DEBUG_STATS=$T/stats FERRY_TEST_CHUNK_DELAY_MS=0 \
    check "ferry jobs resume 2 finishes it" $F -q jobs resume 2
off=$(stat_field store:/big.bin offset)
read=$(stat_field store:/big.bin read)
check "the download went on from the partial file" test "$off" = "$part"
check "and read only the rest" test "$((off + read))" -eq "$size"
check "the downloaded file is byte-identical" cmp "$big" "$T/down/big.bin"
check "no partial file is left" \
    test -z "$(find "$T/down" -name '.*ferry*')"

# ---- a tree, killed half-way ----
python3 - "$T/tree" <<'EOF'
import os, random, sys
rnd = random.Random(7)
for i in range(400):
    d = os.path.join(sys.argv[1], "d%d" % (i % 10))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%03d" % i), "wb") as f:
        f.write(rnd.randbytes(rnd.choice([0, 10, 3000, 70000])))
EOF
$F -q put --jobs 2 "$T/tree" store:/ 2>/dev/null &
pid=$!
PIDS="$PIDS $pid"
n=0
while [ "$n" -lt 600 ]; do
	c=$($F find --type item store:/tree 2>/dev/null | wc -l)
	[ "$c" -ge 60 ] && break
	sleep 0.05
	n=$((n + 1))
done
kill -9 "$pid"
wait "$pid" 2>/dev/null
c=$($F find --type item store:/tree 2>/dev/null | wc -l)
echo "# tree copy killed with $c of 400 items in the store"
check "the tree copy was interrupted" test "$c" -lt 400
FERRY_TEST_CHUNK_DELAY_MS=0 \
    check "resuming the tree copy succeeds (nothing refused as existing)" \
    $F -q jobs resume
check "every item is in the store once" \
    test "$($F find --type item store:/tree | wc -l)" -eq 400
check "get the tree back" $F -q get store:/tree "$T/tree.back"
check "the tree is byte-identical" diff -r "$T/tree" "$T/tree.back"
# the killed run's store_put of a small item may have left its temp file
check "ferry gc collects what the killed run left in the store" $F gc
check "the store has no temporary file left" \
    test -z "$(ls -A "$FERRY_STORE/tmp")"

# ---- SIGTERM cancels; jobs cancel gives up ----
$F -q put "$big" store:/term.bin 2>"$T/term.err" &
pid=$!
PIDS="$PIDS $pid"
wait_partial "$FERRY_STORE/tmp/*.tmp" 1048576 >/dev/null
kill -TERM "$pid"
wait "$pid"
rc=$?
check "SIGTERM ends the upload with status 1" test "$rc" -eq 1
check_out "and says it was cancelled" 'cancelled' cat "$T/term.err"
check "a cancelled upload leaves no partial write" \
    test -z "$(ls -A "$FERRY_STORE/tmp")"
check_out "ferry jobs shows it cancelled" 'upload +cancelled' $F jobs

$F -q put "$big" store:/abandon.bin 2>/dev/null &
pid=$!
PIDS="$PIDS $pid"
wait_partial "$FERRY_STORE/tmp/*.tmp" 1048576 >/dev/null
kill -9 "$pid"
wait "$pid" 2>/dev/null
id=$($F jobs --json | python3 -c '
import json, sys
print([j["id"] for j in json.load(sys.stdin) if j["state"] == "interrupted"][0])')
check "the killed upload left a partial write" \
    test -n "$(ls -A "$FERRY_STORE/tmp")"
check_err 1 "an interrupted job cannot be cleared" 'can be resumed' \
    $F jobs clear "$id"
check "ferry jobs cancel gives it up" $F jobs cancel "$id"
check "and removes its partial write" \
    test -z "$(ls -A "$FERRY_STORE/tmp")"
check_out "ferry jobs clear then forgets the finished jobs" 'cleared [0-9]+ jobs' \
    $F jobs clear
check "the store is clean" $F check

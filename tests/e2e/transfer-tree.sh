#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The transfer engine at size: a tree of 3,000 small files in nested
# folders and a multi-GiB file (2 GiB; 256 MiB under the sanitizers),
# sparse but with random blocks at known offsets, go local -> store ->
# local with `ferry put` and `ferry get` and come back byte-identical;
# every store checksum matches.  `ferry jobs` lists the jobs with their
# counters and `ferry jobs clear` forgets them.  Times are reported as
# comments, never asserted.
. "$(dirname "$0")/../lib/e2e.sh"
F=$FERRY

mib=2048
[ "$FERRY_VARIANT" = asan ] && mib=256
nfiles=3000

now() { date +%s.%N; }
took() { python3 -c "import sys; print('%.2f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$2"; }

# ---- a tree of small files ----
python3 - "$T/src" "$nfiles" <<'EOF'
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(42)
for i in range(n):
    d = os.path.join(root, "d%02d" % (i % 30), "e%d" % (i % 7), "f%d" % (i % 3))
    os.makedirs(d, exist_ok=True)
    size = rnd.choice([0, 1, 100, 4096, 8191, 20000])
    with open(os.path.join(d, "file-%05d.bin" % i), "wb") as f:
        f.write(rnd.randbytes(size))
os.makedirs(os.path.join(root, "empty", "deeper"), exist_ok=True)
EOF
check "the source tree has $nfiles files" \
    test "$(find "$T/src" -type f | wc -l)" -eq "$nfiles"

t0=$(now)
check "put the tree into the store" $F -q put "$T/src" store:/
t1=$(now)
echo "# put of $nfiles small files: $(took "$t0" "$t1") s"
check "the store has every file" \
    test "$($F find --type item store:/src | wc -l)" -eq "$nfiles"
check "the store's checksums match the local files" sh -c "
$F find --json --type item store:/src | python3 -c '
import hashlib, json, sys
items = json.load(sys.stdin)
for e in items:
    rel = e[\"location\"][len(\"store:/src/\"):]
    with open(sys.argv[1] + \"/\" + rel, \"rb\") as f:
        assert e[\"checksum\"] == hashlib.sha256(f.read()).hexdigest(), rel
' '$T/src'"
t0=$(now)
check "get the tree back" $F -q get store:/src "$T/back"
t1=$(now)
echo "# get of $nfiles small files: $(took "$t0" "$t1") s"
check "the tree came back byte-identical" diff -r "$T/src" "$T/back"
check "no temporary file was left in it" \
    test -z "$(find "$T/back" -name '.*ferry*')"

# ---- a multi-GiB file: sparse, with random blocks at known offsets ----
big=$T/big.bin
truncate -s "${mib}M" "$big"
for off in 0 1 $((mib / 3)) $((mib / 2)) $((mib - 2)) $((mib - 1)); do
	dd if=/dev/urandom of="$big" bs=1M count=1 seek="$off" conv=notrunc \
	    2>/dev/null
done
# and a tail that is not a whole chunk
printf 'the end' >>"$big"
size=$(stat -c %s "$big")
want=$(sha256sum "$big" | cut -d' ' -f1)

t0=$(now)
check "put the ${mib} MiB file" $F -q put "$big" store:/big.bin
t1=$(now)
echo "# put of $size bytes: $(took "$t0" "$t1") s"
check "the store has its sha256" \
    test "$($F info --json store:/big.bin | python3 -c \
    'import json, sys; print(json.load(sys.stdin)["checksum"])')" = "$want"
check "the store has no temporary file left" \
    test -z "$(ls -A "$FERRY_STORE/tmp")"
t0=$(now)
check "get the ${mib} MiB file back" $F -q get store:/big.bin "$T/big.back"
t1=$(now)
echo "# get of $size bytes: $(took "$t0" "$t1") s"
check "the big file came back byte-identical" cmp "$big" "$T/big.back"
check "no partial file was left beside it" \
    test -z "$(find "$T" -maxdepth 1 -name '.*ferry*')"

# ---- the journal ----
check_out "ferry jobs lists the four jobs, done" \
    '^ +4 +download +done' $F jobs
check "ferry jobs --json has the counters" sh -c "
$F jobs --json | python3 -c '
import json, sys
jobs = json.load(sys.stdin)
assert [j[\"kind\"] for j in jobs] == [\"upload\", \"download\", \"upload\", \"download\"], jobs
assert all(j[\"state\"] == \"done\" for j in jobs), jobs
assert jobs[0][\"items_total\"] == $nfiles and jobs[0][\"items_done\"] == $nfiles, jobs[0]
assert jobs[0][\"items_failed\"] == 0, jobs[0]
assert jobs[2][\"bytes_total\"] == $size == jobs[2][\"bytes_done\"], jobs[2]
'"
check_out "ferry jobs clear forgets finished jobs" 'cleared 4 jobs' \
    $F jobs clear
check_out "and the list is empty" '^no jobs' $F jobs

#!/bin/sh
# SPDX-License-Identifier: MIT
#
# A directory tree of binary files goes local -> store -> local and comes
# back byte-identical: random content of many sizes (0 bytes, around 1 KiB
# and 1 MiB chunk boundaries, several MiB), nested and empty directories,
# names with spaces, UTF-8, a leading dash and a leading dot.  The store's
# sha256 of every item matches the local file's.
. "$(dirname "$0")/../lib/e2e.sh"
F=$FERRY

src=$T/tree
mkdir -p "$src/nested/deeper/deepest" "$src/with space" "$src/ünïcödé" \
    "$src/empty dir"
i=0
for size in 0 1 1023 1024 1025 65535 65536 1048575 1048576 1048577 3145745
do
	head -c "$size" /dev/urandom >"$src/size-$size.bin"
	i=$((i + 1))
done
head -c 5000 /dev/urandom >"$src/nested/deeper/deepest/deep.bin"
head -c 2097152 /dev/urandom >"$src/nested/two-mib.bin"
head -c 777 /dev/urandom >"$src/with space/file with spaces.bin"
head -c 4096 /dev/urandom >"$src/ünïcödé/日本語のファイル.bin"
head -c 100 /dev/urandom >"$src/-leading-dash.bin"
head -c 10 /dev/urandom >"$src/.hidden"
: >"$src/nested/empty.txt"

check "put the tree into the store" $F put "$src" store:/
check_out "the store lists the UTF-8 name as is" '^日本語のファイル\.bin$' \
    $F ls "store:/tree/ünïcödé"
check_out "the store lists the name with a leading dash" \
    '^-leading-dash\.bin$' $F ls store:/tree
check "the store's checksums match the local files" sh -c "
$F find --json --type item store:/tree | python3 -c '
import hashlib, json, sys
items = json.load(sys.stdin)
assert len(items) == $(find "$src" -type f | wc -l), len(items)
for e in items:
    rel = e[\"location\"][len(\"store:/tree/\"):]
    with open(sys.argv[1] + \"/\" + rel, \"rb\") as f:
        data = f.read()
    assert e[\"size\"] == len(data), rel
    assert e[\"checksum\"] == hashlib.sha256(data).hexdigest(), rel
' '$src'"
check "get the tree back" $F get store:/tree "$T/back"
check "diff -r finds no difference" diff -r "$src" "$T/back"
(cd "$src" && find . -type f -exec sha256sum {} + | sort) >"$T/sums.src"
(cd "$T/back" && find . -type f -exec sha256sum {} + | sort) >"$T/sums.back"
check "every file has the same sha256" cmp "$T/sums.src" "$T/sums.back"
check "the sha256 lists are not empty" test "$(wc -l <"$T/sums.src")" -ge 17
check "the empty directory came back" test -d "$T/back/empty dir"
check "the 0-byte file came back empty" test -f "$T/back/size-0.bin" -a \
    ! -s "$T/back/size-0.bin"
check "a file with a leading dash as an operand after --" \
    sh -c "cd '$src' && $F put -- -leading-dash.bin store:/dash.bin"
check "and back" sh -c "cd '$T' && $F get -- store:/dash.bin ./-dash.bin"
check "the single file round trip" cmp "$src/-leading-dash.bin" "$T/-dash.bin"
check "a second round trip, store -> store -> local" \
    sh -c "$F cp store:/tree store:/tree2 && $F get store:/tree2 '$T/back2'"
check "is identical too" diff -r "$src" "$T/back2"
check "the store is consistent" $F check

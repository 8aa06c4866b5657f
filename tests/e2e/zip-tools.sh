#!/bin/sh
# SPDX-License-Identifier: MIT
#
# ferry zip on archives made by the tools people use: Info-ZIP's zip
# (plain and forced ZIP64), Python's zipfile (stored, deflated, bzip2,
# lzma), 7-Zip and bsdtar, each put on every backend (the loop over
# BACKENDS: local and store now; ferryd is one more value and one more
# case in `place`).  For each: ls (tree, --recursive, --json) agrees
# with the files the archive was made from; cat gives the same bytes;
# get extracts a folder that diff -r finds equal; range gives a byte range
# whose bytes, read straight from the archive file and inflated by
# Python, are the member; info counts the members.  Methods ferry does
# not read are listed and refused by name.  Then ZIP64: more than 65,535
# members (Python's zipfile), and a sparse member over 4 GiB.
. "$(dirname "$0")/../lib/e2e.sh"
F=$FERRY
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
CRAFT="$top/tests/e2e/zip-craft.py"
BACKENDS="local store"

# place BACKEND FILE: copy the archive FILE to BACKEND; print its location.
place() {
	case $1 in
	local)	cp "$2" "$T/placed-$(basename "$2")" &&
		    echo "$T/placed-$(basename "$2")" ;;
	store)	"$F" mkdir -p store:/zips >/dev/null 2>&1
		"$F" put "$2" store:/zips/ >/dev/null && \
		    echo "store:/zips/$(basename "$2")" ;;
	*)	echo "place: unknown backend $1" >&2; return 1 ;;
	esac
}

# jtest DESC PYCODE FILE: run python on the JSON in FILE (as d).
jtest() {
	if $PY -c "
import json, sys
d = json.load(open(sys.argv[1]))
$2
" "$3" >"$T/.py" 2>&1; then ok "$1"; else
		notok "$1"; sed 's/^/#   /' "$T/.py" | head -15; fi
}

# The tree the archives are made from.
src=$T/src
mkdir -p "$src/logs/deep" "$src/empty" "$src/links" "$src/data"
seq 1 30000 >"$src/logs/run.log"
printf 'hello\n' >"$src/readme.txt"
printf 'a,b\n1,2\n' >"$src/logs/deep/table.csv"
$PY -c "import os; open('$src/data/blob.bin','wb').write(os.urandom(300000))"
printf '' >"$src/data/zero.txt"
ln -s ../readme.txt "$src/links/readme-link"

arch=$T/arch
mkdir -p "$arch"
(cd "$src" && zip -qry "$arch/infozip.zip" .) || notok "zip made infozip.zip"
(cd "$src" && zip -qry -fz "$arch/infozip64.zip" .) ||
    notok "zip made infozip64.zip"
(cd "$src" && 7z a -bd -y -tzip "$arch/7z.zip" . >/dev/null) ||
    notok "7z made 7z.zip"
(cd "$src" && bsdtar --format zip -cf "$arch/bsdtar.zip" .) ||
    notok "bsdtar made bsdtar.zip"

# The files of the source tree (not links, not folders), with sizes.
(cd "$src" && find . -type f | sed 's|^\./||' | sort) >"$T/files"

for be in $BACKENDS; do
	for tool in infozip infozip64 7z bsdtar; do
		loc=$(place "$be" "$arch/$tool.zip") || {
			notok "$be/$tool: placed"; continue; }
		w="$be/$tool"
		"$F" zip ls -r --json "$loc" >"$T/ls.json" 2>"$T/ls.err" ||
		    { notok "$w: zip ls -r --json"; cat "$T/ls.err"; }
		jtest "$w: every file listed with its size" "
import os
want = open('$T/files').read().split()
got = {e['path'].lstrip('/'): e for e in d['entries']
       if e['kind'] == 'item' and not e['metadata'].get('symlink')}
assert sorted(got) == sorted(want), (sorted(got), want)
for p in want:
    assert got[p]['size'] == os.path.getsize('$src/' + p), p
assert d['items'] >= len(want) and d['list_requests'] <= 3
" "$T/ls.json"
		jtest "$w: folders implied or explicit, method and crc shown" "
kinds = {e['path']: e['kind'] for e in d['entries']}
assert kinds['/logs'] == 'folder' and kinds['/logs/deep'] == 'folder'
run = [e for e in d['entries'] if e['path'] == '/logs/run.log'][0]
assert run['metadata']['method'] in ('deflate', 'store'), run
assert len(run['metadata']['crc32']) == 8
" "$T/ls.json"
		check_out "$w: ls of a folder" "deep/" \
		    "$F" zip ls "$loc" logs
		check_out "$w: ls of a path into the archive" "table.csv" \
		    "$F" zip ls "$loc/logs/deep"
		"$F" zip cat "$loc" logs/run.log >"$T/cat.out" 2>"$T/cat.err"
		if cmp -s "$T/cat.out" "$src/logs/run.log"; then
			ok "$w: cat logs/run.log"; else
			notok "$w: cat logs/run.log"; cat "$T/cat.err"; fi
		"$F" zip cat "$loc" data/blob.bin >"$T/cat.out" 2>"$T/cat.err"
		if cmp -s "$T/cat.out" "$src/data/blob.bin"; then
			ok "$w: cat data/blob.bin"; else
			notok "$w: cat data/blob.bin"; cat "$T/cat.err"; fi
		rm -rf "$T/x"; mkdir "$T/x"
		check "$w: get logs and data" "$F" zip get "$loc" logs data \
		    "$T/x"
		if diff -r "$src/logs" "$T/x/logs" >/dev/null &&
		    diff -r "$src/data" "$T/x/data" >/dev/null; then
			ok "$w: extracted folders equal the sources"; else
			notok "$w: extracted folders equal the sources"; fi
		check_err 1 "$w: a link is not extracted" "symbolic link" \
		    "$F" zip get "$loc" links/readme-link "$T/x/l"
		[ ! -e "$T/x/l" ] && ok "$w: nothing left for the link" ||
		    notok "$w: nothing left for the link"
		"$F" zip range --json "$loc" logs/run.log >"$T/r.json"
		jtest "$w: range bytes are the member" "
import zlib
raw = open('$arch/$tool.zip', 'rb').read()[d['start']:d['end']]
assert d['length'] == len(raw) == d['compressed_size']
data = raw if d['method'] == 'store' else \
    zlib.decompressobj(-15).decompress(raw)
assert data == open('$src/logs/run.log', 'rb').read()
" "$T/r.json"
		"$F" zip info --json "$loc" >"$T/i.json"
		jtest "$w: info counts" "
assert d['items'] == len(open('$T/files').read().split()) + 1, d
assert d['list_bytes'] <= d['archive_size'] and d['list_requests'] <= 3
" "$T/i.json"
	done
done

# Python's zipfile: stored and deflated are read; bzip2 and lzma listed.
$PY "$CRAFT" py-methods "$arch/py.zip" >"$T/py.facts"
fact() { sed -n "s/^$1=//p" "$T/py.facts"; }
for be in $BACKENDS; do
	loc=$(place "$be" "$arch/py.zip")
	w="$be/python"
	check_out "$w: bzip2 and lzma members listed with their methods" \
	    "bzip2 .*bzip2\.txt" "$F" zip ls "$loc"
	check_out "$w: lzma listed" "lzma .*lzma\.txt" "$F" zip ls "$loc"
	for m in stored deflated; do
		n=$("$F" zip cat "$loc" $m.txt | wc -c)
		[ "$n" -eq "$(fact text_size)" ] && ok "$w: cat $m.txt" ||
		    notok "$w: cat $m.txt ($n bytes)"
		check_out "$w: range of $m.txt starts where zipfile says" \
		    "^start +$(fact "${m}_txt_start")\$" \
		    "$F" zip range "$loc" $m.txt
	done
	check_err 1 "$w: bzip2 refused by name" "method bzip2 \(12\)" \
	    "$F" zip cat "$loc" bzip2.txt
	check_err 1 "$w: lzma refused by name" "method lzma \(14\)" \
	    "$F" zip cat "$loc" lzma.txt
	check_out "$w: range still works for bzip2" \
	    "^start +$(fact bzip2_txt_start)\$" "$F" zip range "$loc" bzip2.txt
done

# ZIP64 by count: 70,000 members from Python's zipfile.
$PY "$CRAFT" py-zip64-many "$arch/many64.zip" 70000 >/dev/null
for be in $BACKENDS; do
	loc=$(place "$be" "$arch/many64.zip")
	"$F" zip info --json "$loc" >"$T/i.json"
	jtest "$be: 70,000 members, ZIP64" "
assert d['items'] == 70000 and d['zip64'], d
assert d['list_requests'] <= 3
assert d['list_bytes'] <= d['directory_size'] * 1.05 + 65536, d
" "$T/i.json"
	same=$("$F" zip cat "$loc" m/069999.txt)
	[ "$same" = 69999 ] && ok "$be: the last member reads" ||
	    notok "$be: the last member reads ($same)"
	n=$("$F" zip ls "$loc" m | wc -l)
	[ "$n" -eq 70000 ] && ok "$be: ls pages through 70,000" ||
	    notok "$be: ls pages through 70,000 ($n lines)"
done

# ZIP64 by size: a sparse stored member of 4 GiB + 12,345 bytes (local).
avail=$(df -Pk "$T" | awk 'NR == 2 { print $4 }')
if [ "$avail" -lt 1048576 ]; then
	ok "# SKIP sparse 4 GiB member: less than 1 GiB free in $T"
else
	$PY "$CRAFT" big-sparse "$arch/big.zip" >"$T/big.facts"
	bf() { sed -n "s/^$1=//p" "$T/big.facts"; }
	check_out "big: listed with its 64-bit size" \
	    "^- +$(bf size) +$(bf size) +store .* huge\.bin" \
	    "$F" zip ls "$arch/big.zip"
	check_out "big: range past 4 GiB" "^length +$(bf size)\$" \
	    "$F" zip range "$arch/big.zip" huge.bin
	check_out "big: its data starts where the writer put it" \
	    "^start +$(bf start)\$" "$F" zip range "$arch/big.zip" huge.bin
	check_out "big: the member after it reads" "after the big one" \
	    "$F" zip cat "$arch/big.zip" after.txt
	if [ "$FERRY_VARIANT" = release ]; then
		# All of it, CRC checked at the end (a count, not a time).
		n=$("$F" zip cat "$arch/big.zip" huge.bin | wc -c)
		[ "$n" -eq "$(bf size)" ] && ok "big: cat gives every byte" ||
		    notok "big: cat gives every byte ($n)"
	fi
fi

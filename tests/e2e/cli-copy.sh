#!/bin/sh
# SPDX-License-Identifier: MIT
#
# cp, mv, put and get between every pair of location kinds (local <->
# store, store <-> store, local <-> local) and cp's destination rules: an
# existing folder receives the source inside it, a new name becomes the
# copy, an existing item is refused unless --on-conflict overwrite, skip
# or rename; several sources need a folder; a folder never goes into
# itself.  Store -> store copies are server-side (same checksum, no new
# stored bytes).  MIME types are detected on put (PNG, text) and --mime
# wins.
. "$(dirname "$0")/../lib/e2e.sh"
F=$FERRY

jcheck() {
	desc=$1; expr=$2; shift 2
	if "$@" >"$T/.json" 2>"$T/.err" && python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
src = sys.argv[2]
if "assert " in src:
    exec(src)
else:
    assert eval("(" + src + ")"), d
' "$T/.json" "$expr" >"$T/.out" 2>&1; then ok "$desc"; else
		notok "$desc"
		cat "$T/.err" "$T/.out" "$T/.json" | sed 's/^/#   /' | head -20
	fi
}

same() {
	desc=$1; want=$2; shift 2
	got=$("$@" 2>"$T/.err")
	rc=$?
	if [ "$rc" -eq 0 ] && [ "$got" = "$want" ]; then ok "$desc"; else
		notok "$desc (exit $rc)"
		printf '%s\n' "wanted:" "$want" "got:" "$got" | sed 's/^/#   /'
		sed 's/^/#   /' "$T/.err" | head -5
	fi
}

sha() { sha256sum "$1" | cut -d' ' -f1; }
# The JSON field KEY of `ferry info --json LOC`.
field() { $F info --json "$2" | python3 -c \
    "import json, sys; print(json.load(sys.stdin)['$1'])"; }

L=$T/local
mkdir -p "$L/src/inner" "$L/out"
printf 'alpha\n' >"$L/src/one.txt"
head -c 200000 /dev/urandom >"$L/src/inner/blob.bin"
printf 'plain text file\n' >"$L/note.txt"
python3 -c 'import sys, struct, zlib
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
sys.stdout.buffer.write(b"\x89PNG\r\n\x1a\n"
    + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
    + chunk(b"IEND", b""))' >"$L/pic.png"

# ---- local -> store -> local ----
check "put a folder into the store root" $F put "$L/src" store:/
same "the store has the tree" "store:/src/inner/
store:/src/inner/blob.bin
store:/src/one.txt" sh -c "$F find store:/src | sort"
same "checksums match the local files" "$(sha "$L/src/inner/blob.bin")" \
    field checksum store:/src/inner/blob.bin
check "get the folder back to a new local name" \
    $F get store:/src "$L/back"
check "local -> store -> local is byte-identical" diff -r "$L/src" "$L/back"
check "cp local -> store with cp" $F cp "$L/note.txt" store:/src/
same "the copy is there" "$(sha "$L/note.txt")" \
    field checksum store:/src/note.txt
check "cp store -> local" $F cp store:/src/one.txt "$L/out/"
check "the local copy matches" cmp "$L/src/one.txt" "$L/out/one.txt"
check "get with no destination writes to ." \
    sh -c "cd '$L/out' && $F get store:/src/note.txt"
check "the file landed in the current directory" \
    cmp "$L/note.txt" "$L/out/note.txt"
check "put with no destination writes to store:/" \
    sh -c "cd '$L' && $F put note.txt"
same "it is at the store's root" "note.txt" $F ls --search note store:/

# ---- store -> store: server-side ----
before=$($F du --json store:/ | python3 -c \
    "import json, sys; d = json.load(sys.stdin); print(d['bytes'], d['stored_bytes'])")
check "cp store -> store" $F cp store:/src store:/copy
same "the copy has the same checksum" \
    "$(field checksum store:/src/inner/blob.bin)" \
    field checksum store:/copy/inner/blob.bin
check "the copy has its own id" test \
    "$(field id store:/src/inner/blob.bin)" != \
    "$(field id store:/copy/inner/blob.bin)"
jcheck "du: bytes doubled for the copy, stored bytes did not" "
b, s = map(int, '$before'.split())
assert d['bytes'] > b and d['stored_bytes'] == s, (b, s, d)" \
    $F du --json store:/
check_out "cp -v says the store copy was server-side" 'server-side' \
    $F cp -v store:/src/one.txt store:/one-copy.txt
check "mv store -> store (a rename across folders)" \
    $F mv store:/one-copy.txt store:/copy/inner/
check_fails 1 "the moved item left its old place" $F info store:/one-copy.txt
same "and arrived" "$(sha "$L/src/one.txt")" \
    field checksum store:/copy/inner/one-copy.txt

# ---- local -> local ----
check "cp local -> local (a folder)" $F cp "$L/src" "$L/copy2"
check "the local copy is identical" diff -r "$L/src" "$L/copy2"
check "mv local -> local" $F mv "$L/copy2" "$L/moved2"
check "the old local folder is gone" test ! -e "$L/copy2"
check "the moved local folder is complete" diff -r "$L/src" "$L/moved2"

# ---- mv across kinds ----
check "mv local -> store" $F mv "$L/moved2" store:/moved
check "the local source is gone after the move" test ! -e "$L/moved2"
same "the store has everything" "$(sha "$L/src/inner/blob.bin")" \
    field checksum store:/moved/inner/blob.bin
check "mv store -> local" $F mv store:/moved "$L/moved3"
check_fails 1 "the store source is gone after the move" $F info store:/moved
check "the local result is identical" diff -r "$L/src" "$L/moved3"

# ---- destination rules ----
$F mkdir store:/dst
check "an existing folder receives the source inside" \
    $F cp store:/src/one.txt store:/dst
same "inside, under its own name" "one.txt" $F ls store:/dst
check "a new name becomes the copy's name" \
    $F cp store:/src/one.txt store:/dst/two.txt
same "the copy is named two.txt" "one.txt
two.txt" $F ls store:/dst
check_err 1 "a new name needs an existing parent" \
    'store:/nowhere.*does not exist' $F cp store:/src/one.txt store:/nowhere/x
check_err 1 "an existing item is refused" \
    'store:/dst/two.txt exists; use --on-conflict overwrite' \
    $F cp "$L/note.txt" store:/dst/two.txt
same "the refused copy changed nothing" "$(sha "$L/src/one.txt")" \
    field checksum store:/dst/two.txt
check "--on-conflict skip leaves it" \
    $F cp --on-conflict skip "$L/note.txt" store:/dst/two.txt
same "skip kept the old content" "$(sha "$L/src/one.txt")" \
    field checksum store:/dst/two.txt
check "--on-conflict overwrite replaces it" \
    $F cp --on-conflict overwrite "$L/note.txt" store:/dst/two.txt
same "overwrite put the new content" "$(sha "$L/note.txt")" \
    field checksum store:/dst/two.txt
check "--on-conflict rename adds a suffix" \
    $F cp --on-conflict rename "$L/note.txt" store:/dst/two.txt
check "--on-conflict rename again" \
    $F cp --on-conflict rename store:/dst/one.txt store:/dst/
same "the renamed copies" "one (1).txt
one.txt
two (1).txt
two.txt" $F ls store:/dst
check "rename on a local destination" \
    $F cp --on-conflict rename "$L/note.txt" "$L/out/"
check "the local renamed copy" cmp "$L/note.txt" "$L/out/note (1).txt"
$F mkdir -p store:/clash/note.txt
check_err 1 "overwrite never replaces a folder with an item" \
    'store:/clash/note.txt exists and is a folder' \
    $F cp --on-conflict overwrite "$L/note.txt" store:/clash
check "a folder onto an existing folder merges" \
    $F cp --on-conflict skip "$L/src" store:/
same "the merge kept every entry once" "store:/src/inner/
store:/src/inner/blob.bin
store:/src/note.txt
store:/src/one.txt" sh -c "$F find store:/src | sort"
check_err 1 "a destination ending in / must be an existing folder" \
    'store:/nofolder.*no such folder' $F cp "$L/note.txt" store:/nofolder/
check_fails 1 "nothing was created for it" $F info store:/nofolder
check_err 1 "a destination ending in / that is an item" \
    'store:/dst/one.txt.*not a folder' $F cp "$L/note.txt" store:/dst/one.txt/

# ---- several sources ----
$F mkdir store:/multi
check "several sources into a folder" \
    $F cp "$L/note.txt" store:/src/one.txt "$L/pic.png" store:/multi
same "all of them arrived" "note.txt
one.txt
pic.png" $F ls store:/multi
check_err 1 "several sources need an existing folder" \
    'store:/multi/none.*several sources' \
    $F cp "$L/note.txt" "$L/pic.png" store:/multi/none
check_err 1 "several sources onto an item are refused" \
    'store:/multi/note.txt.*not an existing folder' \
    $F cp "$L/pic.png" store:/src/one.txt store:/multi/note.txt
check_err 1 "one missing source fails, the others are copied" \
    "$L/missing" $F cp "$L/missing" "$L/note.txt" store:/dst/
same "the good source was copied" "note.txt" $F ls --search note store:/dst

# ---- into itself ----
check_err 1 "a store folder cannot be copied into itself" 'into itself' \
    $F cp store:/src store:/src/inner
check_err 1 "a store folder cannot be moved into itself" 'into itself' \
    $F mv store:/src store:/src/inner
check_err 1 "a local folder cannot be copied into itself" 'into itself' \
    $F cp "$L/src" "$L/src/inner"
check_err 1 "a store folder onto itself" 'same' $F cp store:/src store:/
check "rename makes a copy of a folder next to itself" \
    $F cp --on-conflict rename store:/src store:/
same "the renamed folder copy is complete" "$(sha "$L/src/inner/blob.bin")" \
    field checksum "store:/src (1)/inner/blob.bin"

# ---- MIME ----
check "put a PNG" $F put "$L/pic.png" store:/
same "its MIME type is detected from the content" "image/png" \
    field mime store:/pic.png
same "its type class follows" "image" field type store:/pic.png
same "a text file is text/plain" "text/plain" field mime store:/note.txt
cp "$L/pic.png" "$L/pic-named.txt"
check "put a PNG named .txt" $F put "$L/pic-named.txt" store:/
same "the content decides, not the name" "image/png" \
    field mime store:/pic-named.txt
check "put --mime" $F put --mime text/x-custom "$L/pic.png" store:/custom.png
same "--mime wins over detection" "text/x-custom" field mime store:/custom.png
check_err 2 "--mime must look like a MIME type" 'not a MIME type' \
    $F put --mime png "$L/pic.png" store:/
check "put --meta" $F put --meta '{"source": "scanner", "dpi": 300}' \
    "$L/note.txt" store:/with-meta.txt
jcheck "the item has the metadata" \
    "d['metadata'] == {'source': 'scanner', 'dpi': 300}" \
    $F info --json store:/with-meta.txt
check "store -> store copy keeps metadata" \
    $F cp store:/with-meta.txt store:/with-meta-copy.txt
jcheck "the copy's metadata" \
    "d['metadata'] == {'source': 'scanner', 'dpi': 300}" \
    $F info --json store:/with-meta-copy.txt
check_err 1 "--meta to a local destination is refused" 'cannot keep metadata' \
    $F get --meta '{"a": 1}' store:/note.txt "$L/out/x.txt"

# ---- folder attributes travel store -> store ----
$F mkdir --description "keep me" --tag t1 --meta '{"k": "v"}' store:/attrs
check "cp a folder with attributes" $F cp store:/attrs store:/attrs-copy
jcheck "the copy has the attributes" "d['description'] == 'keep me' and
d['tags'] == ['t1'] and d['metadata'] == {'k': 'v'}" \
    $F info --json store:/attrs-copy
check "put of a local file named with a colon" \
    sh -c "cd '$L' && cp note.txt 'a:b.txt' && $F put 'a:b.txt' store:/"
same "the colon file is a local path for put" "$(sha "$L/note.txt")" \
    field checksum "store:/a:b.txt"
check "-r is accepted" $F cp -r store:/attrs store:/attrs-r

# ---- names from a source are checked before anything is written ----
mkdir -p "$L/hostile"
printf 'ok\n' >"$L/hostile/fine.txt"
printf 'bad\n' >"$L/hostile/$(printf 'evil\nname')"
check_err 1 "a local name with a newline is refused, shown escaped" \
    'hostile/evil\\nname.*control' $F put "$L/hostile" store:/
same "the other entries of the folder were copied" "fine.txt" \
    $F ls store:/hostile

# ---- links and devices inside a tree ----
mkdir -p "$L/links/real"
printf 'target\n' >"$L/links/file.txt"
ln -s real "$L/links/to-dir"
ln -s ../note.txt "$L/links/to-file"	# outside: the mv keeps it
ln -s nowhere "$L/links/dangling"
mkfifo "$L/links/fifo"
check_err 0 "links to folders, dangling links and FIFOs are skipped, said" \
    'links/fifo: skipped: not a regular file' $F put "$L/links" store:/
same "files, folders and links to files were copied" "real/
file.txt
to-file" $F ls store:/links
same "a link to a file is copied as its content" "$(sha "$L/note.txt")" \
    field checksum store:/links/to-file
check "a link named on the command line is followed" \
    $F put "$L/links/to-dir" store:/followed
jcheck "it arrived as a folder" "d['kind'] == 'folder'" \
    $F info --json store:/followed
check_err 0 "a move that skips entries keeps the folder, and says so" \
    'links: skipped: folder kept' $F mv --on-conflict overwrite "$L/links" store:/
check "the kept local folder still has the skipped entries" \
    test -p "$L/links/fifo" -a -L "$L/links/to-dir"
check "the moved file left it" test ! -e "$L/links/file.txt"

# ---- verification: content corrupted on disk is caught ----
printf 'precious data\n' >"$L/precious.txt"
$F put "$L/precious.txt" store:/precious.txt
h=$(sha "$L/precious.txt")
blob=$FERRY_STORE/blobs/$(echo "$h" | cut -c1-2)/$h
check "the blob file is where the store keeps it" test -f "$blob"
chmod u+w "$blob" 2>/dev/null
printf 'PRECIOUS DATA\n' >"$blob"	# same size, other bytes
check_err 1 "get of a corrupted item fails verification" \
    'store:/precious.txt.*(checksum|sha256)' \
    $F get store:/precious.txt "$L/out/precious.txt"
check "no bad copy is left behind" test ! -e "$L/out/precious.txt"
check_err 1 "mv of a corrupted item fails verification" '(checksum|sha256)' \
    $F mv store:/precious.txt "$L/out/"
check "the source of the failed move is kept" $F info store:/precious.txt
check "no bad copy of the move is left behind" \
    test ! -e "$L/out/precious.txt"
$F rm store:/precious.txt
check "a store-wide check is clean after all this" $F check

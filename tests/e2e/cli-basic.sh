#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The ferry CLI on the embedded store, one command at a time: mkdir (-p,
# description, metadata, tags), ls (plain, -l, --json, --sort, --reverse,
# --limit, --search, --type), info, meta get/set, find with each filter,
# du, tree, rm (-r, -f) and mv as a rename; then the errors: usage errors
# exit 2 and say what is wrong, failed operations exit 1 and name the
# location and the cause (missing paths, duplicate names, invalid names,
# a non-empty rm, unknown profiles, s3://), and --help for every command.
. "$(dirname "$0")/../lib/e2e.sh"
F=$FERRY

# jcheck DESC PYEXPR CMD...: CMD succeeds and PYEXPR holds for its JSON
# stdout parsed into d.
jcheck() {
	desc=$1; expr=$2; shift 2
	if "$@" >"$T/.json" 2>"$T/.err" && python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
src = sys.argv[2]
if "assert " in src:
    exec(src)		# statements with their own asserts
else:
    assert eval("(" + src + ")"), d
' "$T/.json" "$expr" >"$T/.out" 2>&1; then ok "$desc"; else
		notok "$desc"
		cat "$T/.err" "$T/.out" "$T/.json" | sed 's/^/#   /' | head -20
	fi
}

# same DESC EXPECTED CMD...: CMD succeeds and prints exactly EXPECTED.
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

# sha256 of a local file.
sha() { sha256sum "$1" | cut -d' ' -f1; }

in=$T/in
mkdir -p "$in"
printf '0123456789' >"$in/a.txt"			# 10 bytes
printf '%030d' 0 >"$in/b.txt"				# 30 bytes
printf '%020d' 0 >"$in/d.txt"				# 20 bytes
python3 -c 'import sys, struct, zlib
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
sys.stdout.buffer.write(b"\x89PNG\r\n\x1a\n"
    + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
    + chunk(b"IEND", b""))' >"$in/c.png"

# ---- mkdir ----
check "mkdir a folder" $F mkdir store:/docs
check "mkdir -p creates the missing parents" $F mkdir -p store:/a/b/c
check "mkdir -p of an existing folder is fine" $F mkdir -p store:/a/b
check "mkdir with description, metadata and tags" $F mkdir \
    --description "Scans of 2024" --meta '{"patient": 7, "site": "north"}' \
    --tag ct --tag raw store:/scans
jcheck "the new folder keeps description, metadata and tags" \
    'd["kind"] == "folder" and d["description"] == "Scans of 2024" and
d["metadata"] == {"patient": 7, "site": "north"} and d["tags"] == ["ct", "raw"]' \
    $F info --json store:/scans
jcheck "mkdir -p made every level" 'd["kind"] == "folder" and
[p["name"] for p in d["path_to_root"]] == ["", "a", "b", "c"]' \
    $F info --json store:/a/b/c

# Items in put order b, a, c, d (so created order differs from name order).
for f in b.txt a.txt c.png d.txt; do
	$F put "$in/$f" store:/docs/ || notok "put $f"
	sleep 0.01
done
check "mkdir a subfolder" $F mkdir store:/docs/sub

# ---- ls ----
same "ls lists folders first, then items by name" \
"sub/
a.txt
b.txt
c.png
d.txt" $F ls store:/docs
check_out "ls -l shows type, size, MIME and name" \
    '^- +10 +[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{5} +text/plain +a\.txt$' \
    $F ls -l store:/docs
check_out "ls -l marks folders" '^d +- .* folder +sub/$' $F ls -l store:/docs
jcheck "ls --json has every field of an item" "
a = [e for e in d if e['name'] == 'a.txt'][0]
assert a['kind'] == 'item' and a['size'] == 10 and a['mime'] == 'text/plain'
assert a['type'] == 'text' and a['checksum'] == '$(sha "$in/a.txt")'
assert a['location'] == 'store:/docs/a.txt' and len(a['id']) == 36
assert a['created'].endswith('Z') and a['user']
c = [e for e in d if e['name'] == 'c.png'][0]
assert c['mime'] == 'image/png' and c['type'] == 'image'
assert [e['kind'] for e in d] == ['folder'] + ['item'] * 4
True" $F ls --json store:/docs
same "ls --sort size" "sub/
a.txt
d.txt
b.txt
c.png" $F ls --sort size store:/docs
same "ls --sort size --reverse" "sub/
c.png
b.txt
d.txt
a.txt" $F ls --sort size --reverse store:/docs
same "ls --sort created" "sub/
b.txt
a.txt
c.png
d.txt" $F ls --sort created store:/docs
same "ls --sort type (type class, then MIME, then name)" "sub/
c.png
a.txt
b.txt
d.txt" $F ls --sort type store:/docs
same "ls --reverse (by name)" "sub/
d.txt
c.png
b.txt
a.txt" $F ls --reverse store:/docs
same "ls --limit" "sub/
a.txt" $F ls --limit 2 store:/docs
same "ls --search is a case-insensitive substring" "b.txt" \
    $F ls --search B.T store:/docs
same "ls --type image" "c.png" $F ls --type image store:/docs
same "ls --type folder" "sub/" $F ls --type folder store:/docs
same "ls --type image,folder (a comma list)" "sub/
c.png" $F ls --type image,folder store:/docs
same "ls --type repeated" "sub/
c.png" $F ls --type image --type folder store:/docs
same "ls of an item shows the item" "a.txt" $F ls store:/docs/a.txt
same "ls of the root" "a/
docs/
scans/" $F ls store:/

# ---- info ----
check_out "info shows the breadcrumb" 'path +/ > docs > a\.txt' \
    $F info store:/docs/a.txt
check_out "info shows the sha256" "sha256 +$(sha "$in/a.txt")" \
    $F info store:/docs/a.txt
check_out "info of a folder has a summary" \
    'summary +4 items, 1 folder, 1[0-9]{2} B' $F info store:/docs
jcheck "info --json: path_to_root, id, summary" "
assert [p['name'] for p in d['path_to_root']] == ['', 'docs']
assert d['path_to_root'][-1]['id'] == d['id']
assert d['summary']['items'] == 4 and d['summary']['folders'] == 1
assert d['summary']['by_type']['image']['items'] == 1
True" $F info --json store:/docs

# ---- meta ----
check "meta set description, metadata, tags, star" $F meta set \
    --description "Project docs" --meta '{"owner": "ana"}' \
    --tags one,two --tag three --star store:/docs
jcheck "meta get shows them" "d['description'] == 'Project docs' and
d['metadata'] == {'owner': 'ana'} and d['tags'] == ['one', 'two', 'three'] and
d['starred'] is True" $F meta get store:/docs
check "meta set --untag and --unstar" $F meta set --untag two --unstar \
    store:/docs
jcheck "the tag is gone and the star too" "d['tags'] == ['one', 'three'] and
d['starred'] is False and d['description'] == 'Project docs'" \
    $F meta get store:/docs
check "meta set --meta on an item" $F meta set --meta '{"page": 3}' \
    store:/docs/a.txt
jcheck "the item keeps its metadata" "d['metadata'] == {'page': 3}" \
    $F meta get store:/docs/a.txt
check_fails 1 "meta set --description on an item fails" \
    $F meta set --description x store:/docs/a.txt
check_err 2 "meta set without anything to set is a usage error" \
    'nothing to set' $F meta set store:/docs

# ---- find ----
same "find --name" "store:/docs/a.txt
store:/docs/b.txt
store:/docs/d.txt" sh -c "$F find --name '*.txt' store:/ | sort"
same "find --type image" "store:/docs/c.png" $F find --type image store:/
same "find --type folder --tag ct" "store:/scans/" \
    $F find --type folder --tag ct store:/
same "find --maxdepth 1" "store:/a/
store:/docs/
store:/scans/" sh -c "$F find --maxdepth 1 store:/ | sort"
same "find --maxdepth 2 --type folder" "store:/a/
store:/a/b/
store:/docs/
store:/docs/sub/
store:/scans/" sh -c "$F find --maxdepth 2 --type folder store:/ | sort"
same "find --newer 1h finds the new items" "4" \
    sh -c "$F find --type item --newer 1h store:/ | wc -l | tr -d ' '"
same "find --newer a future date finds nothing" "" \
    $F find --newer 2999-01-01 store:/
same "find --older 2000-01-01 finds nothing" "" \
    $F find --older 2000-01-01T00:00:00Z store:/
same "find --older a future ISO date finds all items" "4" \
    sh -c "$F find --type item --older '2999-01-01 00:00' store:/ | wc -l | tr -d ' '"
jcheck "find --json" "sorted(e['location'] for e in d) ==
['store:/docs/a.txt', 'store:/docs/b.txt', 'store:/docs/d.txt']" \
    $F find --json --name '*.txt' store:/
check_err 2 "find --newer with a bad date is a usage error" "not a date" \
    $F find --newer yesterday store:/

# ---- du ----
jcheck "du --json counts bytes, items, folders and types" "
assert d['items'] == 4 and d['folders'] == 1
assert d['bytes'] == $(cat "$in"/*.txt "$in/c.png" | wc -c)
assert d['by_type']['text']['items'] == 3 and d['by_type']['text']['bytes'] == 60
True" $F du --json store:/docs
check_out "du shows items and folders" 'items +4' $F du store:/docs
check_out "du -h shows human sizes" 'bytes +1[0-9]{2} B' $F du -h store:/docs

# ---- tree ----
same "tree draws the hierarchy" "store:/a
└── b/
    └── c/

2 folders, 0 items" $F tree store:/a
same "tree -L 1 stops at the first level" "store:/a
└── b/

1 folder, 0 items" $F tree -L 1 store:/a
jcheck "tree --json nests children" "d['children'][0]['name'] == 'b' and
d['children'][0]['children'][0]['name'] == 'c'" $F tree --json store:/a

# ---- mv as a rename, rm ----
check "mv renames an item" $F mv store:/docs/d.txt store:/docs/renamed.txt
check_fails 1 "the old name is gone" $F info store:/docs/d.txt
jcheck "the new name has the content" "d['checksum'] == '$(sha "$in/d.txt")'" \
    $F info --json store:/docs/renamed.txt
check "mv renames a folder" $F mv store:/a store:/alpha
same "the renamed folder keeps its subtree" "b/" $F ls store:/alpha
check "rm an item" $F rm store:/docs/renamed.txt
check_fails 1 "the item is gone" $F info store:/docs/renamed.txt
check_err 1 "rm of a non-empty folder without -r fails" \
    'store:/alpha.*not empty' $F rm store:/alpha
check "rm -r removes a folder and everything in it" $F rm -r store:/alpha
check_fails 1 "the folder is gone" $F ls store:/alpha
check "rm of an empty folder works without -r" $F rm store:/docs/sub
check_err 1 "rm of a missing path fails naming it" 'store:/nothing' \
    $F rm store:/nothing
check "rm -f of a missing path is fine" $F rm -f store:/nothing
check_err 1 "rm refuses the root" 'root' $F rm -r store:/

# ---- local listings: dotfiles only with -a ----
mkdir -p "$T/loc/sub"
: >"$T/loc/.dot"
: >"$T/loc/seen"
same "ls of a local folder hides dotfiles" "sub/
seen" $F ls "$T/loc"
same "ls -a shows them" "sub/
.dot
seen" $F ls -a "$T/loc"
check_out "tree -a shows them too" '── \.dot$' $F tree -a "$T/loc"

# ---- store administration: limits, check, gc ----
same "limits start at none" "items per folder   none
bytes per folder   none" $F limits
$F mkdir store:/lim
check "limits --items 2 --bytes 1K" $F limits --items 2 --bytes 1K
jcheck "limits --json shows them" "d == {'max_items': 2, 'max_bytes': 1024}" \
    $F limits --json
check "a first entry under the limit" $F mkdir store:/lim/one
check "a second entry under the limit" $F put "$in/a.txt" store:/lim/
check_err 1 "a third entry hits the item limit" 'store:/lim.*limit' \
    $F mkdir store:/lim/three
check "limits --items 0 removes the item limit" $F limits --items 0
head -c 2000 /dev/urandom >"$T/2k.bin"
check_err 1 "an item past the byte limit is refused" 'limit' \
    $F put "$T/2k.bin" store:/lim/
check "limits --bytes 0 removes it" $F limits --bytes 0
check "now it fits" $F put "$T/2k.bin" store:/lim/
check_err 2 "limits with a bad number" "not a size" $F limits --bytes 12Q
check_out "check on a clean store" 'consistent$' $F check
echo junk >"$FERRY_STORE/tmp/999999999-left.tmp"
mkdir -p "$FERRY_STORE/blobs/00"
echo orphan >"$FERRY_STORE/blobs/00/$(printf '0%.0s' $(seq 64))"
check_err 1 "check finds the temp file and the unreferenced blob" \
    'NOT consistent.* 1 unreferenced blobs, 1 temp files' $F check
check_out "gc removes both and says so" \
    'removed 1 unreferenced blob and 1 temp file' $F gc
check "after gc check is clean" $F check
jcheck "check --json" "d['clean'] is True and d['unreferenced'] == 0" \
    $F check --json

# ---- usage errors: exit 2 ----
check_err 2 "an unknown option" 'unknown option --frobnicate' \
    $F ls --frobnicate store:/
check_err 2 "an unknown short option" 'unknown option -Z' $F ls -Z
check_err 2 "a missing option argument" 'needs an argument' $F ls --sort
check_err 2 "a bad --sort value" "unknown order 'sideways'" \
    $F ls --sort sideways store:/
check_err 2 "a bad --type value" "unknown type 'pictures'" \
    $F ls --type pictures store:/
check_err 2 "a bad --limit value" "not a non-negative whole number" \
    $F ls --limit -3 store:/
check_err 2 "malformed --meta JSON says where" 'not valid JSON.*byte 1[0-9]' \
    $F mkdir --meta '{"a": 1, "b": }' store:/m
check_err 2 "truncated --meta JSON" 'not valid JSON.*ends too early' \
    $F mkdir --meta '{"a": 1' store:/m
check_err 2 "--meta that is not an object" 'must be a JSON object.*array' \
    $F mkdir --meta '[1, 2]' store:/m
check_fails 1 "nothing was created by the bad commands" $F info store:/m
check_err 2 "an unknown command" "unknown command 'frob'" $F frob
check_err 2 "cp without a destination" 'where to' $F cp store:/docs
check_err 2 "a bad --on-conflict policy" "unknown policy 'maybe'" \
    $F cp --on-conflict maybe store:/docs store:/x
check_err 1 "no command and no terminal: the browser says it needs one" \
    'browser needs a terminal' $F </dev/null
check_err 2 "a word that is neither a command nor a location" \
    "unknown command 'lss'" $F lss

# ---- operation errors: exit 1, naming the location ----
check_err 1 "a missing path" 'store:/docs/nope' $F ls store:/docs/nope
check_err 1 "a missing parent" 'store:/no/such' $F mkdir store:/no/such/dir
check_err 1 "a duplicate folder name" 'store:/docs.*exists' \
    $F mkdir store:/docs
check_err 1 "a folder named like an item" 'store:/docs/a.txt.*exists' \
    $F mkdir store:/docs/a.txt
check_err 1 "a name with a control character (shown escaped)" \
    'store:/a\\tb.*control' $F mkdir "store:/$(printf 'a\tb')"
check_err 1 "a name with a newline (shown escaped)" \
    'store:/x\\ny.*control' $F mkdir "store:/$(printf 'x\ny')"
check_err 1 "'..' above the root" '\.\.' $F mkdir 'store:/..'
long=$(printf '%0256d' 0)
check_err 1 "a 256-byte name" '255' $F mkdir "store:/$long"
check "a 255-byte name is fine" $F mkdir "store:/$(printf '%0255d' 0)"
check_err 1 "a name with invalid UTF-8" 'UTF-8' \
    $F mkdir "store:/$(printf 'bad\377name')"
check_err 1 "an unknown profile" "unknown profile 'nosuch'" \
    $F ls nosuch:/x
check_err 1 "s3:// is not in this build" 's3://bucket.*S3' \
    $F ls s3://bucket/prefix
check_err 1 "a local path that does not exist" "$T/none" $F ls "$T/none"
check_err 1 "description on a local folder is refused" 'cannot keep' \
    $F mkdir --description x "$T/localdir"
check_err 1 "one bad operand fails the command but not the others" \
    'store:/missing' $F info store:/docs store:/missing
same "the good operands still ran" "a.txt" $F ls --search a.txt store:/docs

# ---- help ----
for cmd in ls tree info find du mkdir put get cp mv rm meta gc check limits
do
	check_out "$cmd --help" "^usage: ferry $cmd .*" $F $cmd --help
	check_out "help $cmd has an example" '^Examples?:' $F help $cmd
done
check_out "ferry --help lists the commands" '^  limits ' $F --help
check_out "ferry --version" '^ferry [0-9]+\.[0-9]+' $F --version
check_err 2 "help for an unknown command" "unknown command 'nope'" \
    $F help nope

#!/bin/sh
# SPDX-License-Identifier: MIT
#
# What listing an archive costs, as counts (never times): for archives of
# 10, 10,000 and 100,000 members, and one whose comment pushes its end
# record out of the first 64 KiB, on every backend, `ferry zip info
# --json` reports the requests and bytes it fetched to list; they must be
# at most three requests and at most the central directory's size (as
# the archive writer reports it) * 1.05 + 64 KiB, and at least the
# directory (nothing was skipped).  What a member read costs is counted
# in tests/unit/zip-backend-test.c.
. "$(dirname "$0")/../lib/e2e.sh"
F=$FERRY
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
CRAFT="$top/tests/e2e/zip-craft.py"
BACKENDS="local store"

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

for n in 10 10000 100000; do
	$PY "$CRAFT" many "$T/n$n.zip" $n >"$T/n$n.facts"
done
# A 60,000-byte comment: the EOCD is not in the last 64 KiB... almost.
$PY - "$T/comment.zip" <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for i in range(2000):
        z.writestr("f/%05d.txt" % i, b"%d" % i, zipfile.ZIP_DEFLATED)
    z.comment = b"c" * 65500
EOF
$PY - "$T/comment.zip" >"$T/comment.facts" <<'EOF'
import struct, sys
b = open(sys.argv[1], "rb").read()
e = b.rfind(b"PK\x05\x06")
print("cd_size=%d" % struct.unpack("<I", b[e + 12:e + 16])[0])
EOF

for be in $BACKENDS; do
	for a in n10 n10000 n100000 comment; do
		cd=$(sed -n 's/^cd_size=//p' "$T/$a.facts")
		loc=$(place "$be" "$T/$a.zip") || { notok "$be/$a placed"; continue; }
		"$F" zip info --json "$loc" >"$T/i.json" 2>"$T/i.err"
		if $PY - "$T/i.json" "$cd" >"$T/.py" 2>&1 <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
cd = int(sys.argv[2])
print("# %s: directory %d B, fetched %d B in %d requests" %
      (d["archive"], cd, d["list_bytes"], d["list_requests"]))
assert d["directory_size"] == cd, d
assert d["list_requests"] <= 3, d
assert d["list_bytes"] <= cd * 1.05 + 65536, d
assert d["list_bytes"] >= min(cd, d["archive_size"]), d
EOF
		then ok "$be/$a: listing within budget"; sed -n 1p "$T/.py"
		else notok "$be/$a: listing within budget"
			sed 's/^/#   /' "$T/.py" "$T/i.err" | head; fi
	done
done

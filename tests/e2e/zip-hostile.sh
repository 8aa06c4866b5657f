#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Hostile and broken archives (crafted by zip-craft.py with struct), on
# every backend: each gives a clear error naming the archive and the
# cause, or a safe shown name and a refusal to extract, and nothing is
# ever written outside the destination.
#   names: "..", absolute paths, backslashes, control characters ->
#          shown percent-encoded, extraction refused (exit 1), the
#          harmless member next to them still extracted;
#   symlinks: listed as links, never created; duplicates: both shown;
#   overlapping members (a non-recursive bomb's shape), a member that
#   inflates past its declared size (a bomb), a ratio no deflate can give,
#   sizes and CRCs that lie, encryption: refused with the reason;
#   truncated archives and a directory pointing past the end: an error
#   on open; a 20,000-deep name: listed within bounded time;
#   a million members: listed with bounded memory (peak RSS measured),
#   and a configured directory cap gives FERRY_E_LIMIT's message.
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

mkdir -p "$T/h"
for k in dotdot absolute backslash control symlink dup overlap bomb ratio \
    lie-short crc encrypted truncated cd-past-end; do
	$PY "$CRAFT" $k "$T/h/$k.zip" >/dev/null || notok "crafted $k"
done
$PY "$CRAFT" deep "$T/h/deep.zip" 20000 >/dev/null || notok "crafted deep"

# refused BE KIND MEMBER PATTERN DESC: get of MEMBER fails with PATTERN,
# and the destination holds nothing for it.
refused() {
	be=$1; k=$2; m=$3; pat=$4; desc=$5
	rm -rf "$T/dest"; mkdir "$T/dest"
	check_err 1 "$be/$k: $desc" "$pat" "$F" zip get "$loc" "$m" "$T/dest"
	left=$(find "$T/dest" -type f | wc -l)
	[ "$left" -eq 0 ] && ok "$be/$k: no file written" ||
	    notok "$be/$k: no file written ($left found)"
}

for be in $BACKENDS; do
	loc=$(place "$be" "$T/h/dotdot.zip")
	check_out "$be/dotdot: shown with %2E%2E" \
	    '%2E%2E/%2E%2E/escape\.txt +\(unsafe name: \.\./\.\./escape\.txt\)' \
	    "$F" zip ls -r "$loc"
	refused "$be" dotdot %2E%2E/%2E%2E/escape.txt "a '\.\.' component" \
	    "extraction refused, naming the raw name"
	# The whole archive: the harmless member comes out, the other not.
	rm -rf "$T/dest" "$T/escape.txt" "$T/../escape.txt"
	mkdir "$T/dest"
	check_fails 1 "$be/dotdot: get of everything fails" \
	    "$F" zip get "$loc" / "$T/dest"
	[ -f "$T/dest/placed-dotdot.zip/ok.txt" ] ||
	    [ -f "$T/dest/dotdot.zip/ok.txt" ] &&
	    ok "$be/dotdot: the safe member was extracted" ||
	    notok "$be/dotdot: the safe member was extracted"
	n=$(find "$T" -name escape.txt | wc -l)
	[ "$n" -eq 0 ] && ok "$be/dotdot: no escape.txt anywhere" ||
	    notok "$be/dotdot: no escape.txt anywhere"

	loc=$(place "$be" "$T/h/absolute.zip")
	check_out "$be/absolute: shown relative, flagged" \
	    'tmp/ferry-abs-escape\.txt +\(unsafe name: /tmp/' \
	    "$F" zip ls -r "$loc"
	refused "$be" absolute tmp/ferry-abs-escape.txt "an absolute path" \
	    "extraction refused"
	[ ! -e /tmp/ferry-abs-escape.txt ] && ok "$be/absolute: /tmp untouched" ||
	    notok "$be/absolute: /tmp untouched"

	loc=$(place "$be" "$T/h/backslash.zip")
	check_out "$be/backslash: shown with %5C" '\.\.%5C\.\.%5Cwin\.txt' \
	    "$F" zip ls "$loc"
	refused "$be" backslash '..%5C..%5Cwin.txt' "a backslash" \
	    "extraction refused"

	loc=$(place "$be" "$T/h/control.zip")
	"$F" zip ls "$loc" >"$T/ls.out" 2>&1
	if grep -q 'evil%1B\[2J%07name\.txt' "$T/ls.out" &&
	    ! grep -q "$(printf '\033')" "$T/ls.out"; then
		ok "$be/control: shown escaped, no raw escape reaches stdout"
	else
		notok "$be/control: shown escaped"; cat -v "$T/ls.out"; fi
	refused "$be" control 'evil%1B[2J%07name.txt' "a control character" \
	    "extraction refused"

	loc=$(place "$be" "$T/h/symlink.zip")
	check_out "$be/symlink: listed as a link" '^l .* link$' \
	    "$F" zip ls "$loc"
	refused "$be" symlink link "symbolic link" "never created"
	check_out "$be/symlink: cat shows the target text" '^/etc/passwd$' \
	    "$F" zip cat "$loc" link

	loc=$(place "$be" "$T/h/dup.zip")
	check_out "$be/dup: the second is shown as same (2).txt" \
	    'same \(2\)\.txt' "$F" zip ls "$loc"
	check_out "$be/dup: each reads its own bytes" '^second$' \
	    "$F" zip cat "$loc" "same (2).txt"

	loc=$(place "$be" "$T/h/overlap.zip")
	check_out "$be/overlap: info counts the overlapping members" \
	    '51 overlapping' "$F" zip info "$loc"
	refused "$be" overlap b07.txt "overlaps another member" \
	    "refused as a bomb pattern"

	loc=$(place "$be" "$T/h/bomb.zip")
	refused "$be" bomb bomb.bin "inflates past its declared size" \
	    "stops at the declared size"
	loc=$(place "$be" "$T/h/ratio.zip")
	refused "$be" ratio ratio.bin "ratio limit 1100:1" \
	    "a ratio deflate cannot give"
	loc=$(place "$be" "$T/h/lie-short.zip")
	refused "$be" lie-short short.txt "inflates to only 5000 of its" \
	    "a size that lies"
	loc=$(place "$be" "$T/h/crc.zip")
	refused "$be" crc crc.txt "CRC-32 mismatch" "a CRC that lies"
	check_err 1 "$be/crc: cat fails too" "CRC-32 mismatch" \
	    "$F" zip cat "$loc" crc.txt
	loc=$(place "$be" "$T/h/encrypted.zip")
	refused "$be" encrypted secret.txt "encrypted" "encryption"

	loc=$(place "$be" "$T/h/truncated.zip")
	check_err 1 "$be/truncated: a clear error" \
	    'truncated\.zip: not a ZIP archive, or a truncated one' \
	    "$F" zip ls "$loc"
	loc=$(place "$be" "$T/h/cd-past-end.zip")
	check_err 1 "$be/cd-past-end: a clear error" \
	    'central directory \(offset 1000000000, [0-9]+ bytes\) runs past the end of the archive' \
	    "$F" zip ls "$loc"
	loc=$(place "$be" "$T/h/deep.zip")
	check_out "$be/deep: 20,000 levels listed" '^members +1 \(1 items, 20000 folders\)' \
	    "$F" zip info "$loc"
	check_out "$be/deep: the leaf found" 'leaf\.txt' "$F" zip ls "$loc" \
	    "$($PY -c "print('/'.join(['d'] * 20000))")"
	check_err 1 "$be/not a zip: a clear error" "not a ZIP archive" \
	    "$F" zip ls "$(place "$be" "$CRAFT")"
done

# A million members: listed, with memory bounded (a count, not a time).
$PY "$CRAFT" many "$T/million.zip" 1000000 >"$T/m.facts"
cd_size=$(sed -n 's/^cd_size=//p' "$T/m.facts")
$PY -c '
import resource, subprocess, sys
r = subprocess.run(sys.argv[1:], stdout=open(sys.argv[-1] + ".out", "w"))
print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
' "$F" zip info "$T/million.zip" >"$T/rss" 2>&1
read -r rc rss <"$T/rss"
grep -Eq '^members +1000000 ' "$T/million.zip.out" &&
    ok "million: 1,000,000 members listed" ||
    { notok "million: 1,000,000 members listed (exit $rc)";
      sed 's/^/#   /' "$T/million.zip.out"; }
# The directory is $cd_size bytes; the tree must stay within a small
# multiple of it (sanitizers double what malloc costs).
limit=$(( (cd_size * 3 + 64 * 1048576) / 1024 ))
[ "$FERRY_VARIANT" = release ] || limit=$((limit * 4))
[ "$rss" -le "$limit" ] && ok "million: peak memory ${rss} KiB <= ${limit} KiB" ||
    notok "million: peak memory ${rss} KiB > ${limit} KiB"
check_out "million: a folder of 10,000 lists" '^10000$' \
    sh -c "'$F' zip ls '$T/million.zip' d042 | wc -l"
printf '[zip]\nmax_directory_bytes = 16M\n' >"$XDG_CONFIG_HOME/ferry.cfg"
check_err 1 "million: over a configured cap, a clear limit error" \
    "central directory is $cd_size bytes, more than the limit of 16777216 \(\[zip\] max_directory_bytes" \
    "$F" --config "$XDG_CONFIG_HOME/ferry.cfg" zip ls "$T/million.zip"

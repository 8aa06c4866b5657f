#!/bin/sh
# SPDX-License-Identifier: MIT
#
# A local folder is drawn from its names first, and the sizes and dates
# of the rows on screen are filled in after (bench/ has the numbers):
# with a slow worker (FERRY_TEST_PAGE_DELAY_MS) the names show before
# their sizes; the rows reached by scrolling get theirs; marks count the
# bytes of rows whose size came later; a file removed after the listing
# stays without a size and the screen settles (no endless asking); an
# order by size lists again with every size; the filter's rows get their
# sizes too; marked bytes are shown as a floor ("1.2M+") while some
# marked sizes are unread.
. "$(dirname "$0")/../lib/e2e.sh"
. "$(dirname "$0")/../lib/tui-e2e.sh"

big="$T/big"
mkdir -p "$big/adir"
# f0000.dat .. f1999.dat, of 1999 .. 0 bytes: by size the order reverses.
python3 - "$big" <<'PY'
import os, sys
for i in range(2000):
    with open(os.path.join(sys.argv[1], "f%04d.dat" % i), "wb") as f:
        f.write(b"x" * (1999 - i))
PY
TUI_CWD=$T

tui_start 100 30 FERRY_TEST_PAGE_DELAY_MS=1500 -- "$big" "$T"
tui_wait 'f0000\.dat' 10 || notok "the names did not come"
tui_check "names first: the first rows are drawn" 'f0005\.dat'
tui_check_not "... before their sizes" 'f0005\.dat +[0-9]'
tui_check "the footer counts every entry" '2001 entries'
if tui_wait 'f0005\.dat +1\.9K ' 10; then ok "then the sizes of the rows on screen"
else notok "the sizes of the rows on screen did not come"; tui_dump; fi
tui_check "and their dates" 'f0005\.dat +1\.9K [0-9][0-9]-[0-9][0-9] '
tui_check "folders show <dir>" 'adir/? +<dir>'

# Marks: the bytes of rows whose sizes came after the listing.
tui_keys Down Space Space
tui_check "two marks, their bytes counted" '2 marked \(3\.9K\)'

# Far down: those rows get their sizes as they come on screen.
rm -f "$big/f1990.dat"
tui_keys End
if tui_wait 'f1999\.dat +0 ' 10; then ok "the last rows get their sizes"
else notok "the last rows got no sizes"; tui_dump; fi
tui_check "f1995.dat: 4 bytes" 'f1995\.dat +4 '
tui_settle
tui_check_not "a file removed meanwhile gets none" 'f1990\.dat +[0-9]'
tui_check "... and stays listed" 'f1990\.dat'

# By size: listed again, with every size, in size order.
tui_keys Home s
if tui_wait 'sort:size' 10 && tui_wait_not 'loading' 10; then
	ok "s: sorted by size (listed again)"
else notok "sorting by size did not finish"; tui_dump; fi
rows=$(tui_screen | sed -n '3,8p' | sed 's/│.*//' | grep -o 'f[0-9]*\.dat' |
    tr '\n' ' ')
case "$rows" in
"f1999.dat f1998.dat f1997.dat "*) ok "the smallest first: $rows" ;;
*) notok "by size the rows are '$rows'"; tui_dump ;;
esac
tui_check "with their sizes at once" 'f1998\.dat +1 '
tui_check "the marks came back with the new listing" '2 marked'

# Back to names, then a filter: the matching rows get sizes too.
tui_keys s s s
tui_wait 'sort:name' 10
tui_keys /
tui_type "f15"
tui_keys Enter
tui_check "the filter keeps 100 of 2000 (f1990.dat is gone now)" \
    '100/2000 entries'
if tui_wait 'f1510\.dat +489 ' 10; then ok "filtered rows get their sizes"
else notok "filtered rows got no sizes"; tui_dump; fi

# Marks on rows whose sizes were never read: the bytes are a floor.
tui_keys Escape
tui_wait_not 'filter:' 5
tui_keys C-r
tui_wait_not 'loading' 10
tui_check "reloaded names first: the marks kept, their sizes unread" \
    '2 marked \(0\+\)'
tui_keys '*'
tui_check "inverted: every other row marked, the bytes 'at least'" \
    '1998 marked \([0-9.]+[KM]?\+\)'

tui_quit q
[ "$TUI_STATUS" = 0 ] && ok "q quits cleanly" ||
    notok "exit status $TUI_STATUS"

#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Marking (Space, Insert, * to invert) with the count and bytes in the
# footer; sorting by name, size, date and type, ascending and descending
# ('s' cycles, 'r' reverses), shown in the footer and in the row order;
# the filter as you type ('/', Enter keeps it, Esc clears it).
. "$(dirname "$0")/../lib/e2e.sh"
. "$(dirname "$0")/../lib/tui-e2e.sh"

top="$T/top"
mkdir -p "$top/zdir"
head -c 300 /dev/zero >"$top/a.txt"
head -c 10 /dev/zero >"$top/b.txt"
head -c 2000 /dev/zero >"$top/c.log"
head -c 5 /dev/zero >"$top/d.txt"
head -c 50 /dev/zero >"$top/e.png"
touch -d "2020-01-01 10:00" "$top/a.txt"
touch -d "2021-01-01 10:00" "$top/b.txt"
touch -d "2019-01-01 10:00" "$top/c.log"
touch -d "2022-01-01 10:00" "$top/d.txt"
touch -d "2023-01-01 10:00" "$top/e.png"
TUI_CWD=$top

# The names of the left pane's rows, top to bottom, on one line.
order() {
	tui_screen | sed -n "3,$((TUI_H - 3))p" | sed 's/│.*//' |
	    sed -n 's/^..\([a-z][a-z.]*\) .*/\1/p' | tr '\n' ' '
}

check_order() {
	got=$(order)
	if [ "$got" = "$2" ]; then ok "$1"; else
		notok "$1 (rows '$got', wanted '$2')"; tui_dump; fi
}

tui_start 120 20
check_order "sorted by name" "zdir a.txt b.txt c.log d.txt e.png "
tui_check "the footer shows the sort" "sort:name↑"

tui_keys s
tui_check "s: by size, ascending" "sort:size↑"
tui_check "the message says so" "Sorted by size, ascending\."
check_order "rows by size, folders first" \
    "zdir d.txt b.txt e.png a.txt c.log "
tui_keys r
tui_check "r: descending" "sort:size↓"
check_order "rows by size, descending" "zdir c.log a.txt e.png b.txt d.txt "
tui_keys r s
tui_check "s: by date" "sort:date↑"
check_order "rows by date" "zdir c.log a.txt b.txt d.txt e.png "
tui_keys s
tui_check "s: by type" "sort:type↑"
check_order "rows by type class (image before text)" \
    "zdir e.png a.txt b.txt c.log d.txt "
tui_keys s
tui_check "s: back to name" "sort:name↑"
check_order "rows by name again" "zdir a.txt b.txt c.log d.txt e.png "

# Marks: Space on a.txt and b.txt (the cursor advances), Insert on c.log.
tui_keys Down Space
tui_check "Space marks" "^\* a\.txt "
tui_check_cursor "Space moves the cursor down" "b\.txt"
tui_keys Space IC
tui_check "Insert marks too" "^\* c\.log "
tui_check "the footer counts marks and bytes" "3 marked \(2\.3K\)"
tui_keys Up Space
tui_check "Space again unmarks" "2 marked \(310\)"
tui_check_not "c.log is no longer marked" "^\* c\.log "
tui_keys '*'
tui_check "* inverts the marks" "4 marked \(2\.0K\)"
tui_check "the folder is marked now" "^\*/zdir "
tui_check "a.txt is unmarked now" "^  a\.txt "

# The filter.
tui_keys /
tui_check "/ opens the filter prompt" "^Filter:"
tui_type "TXT"
tui_check "the filter applies as typed (case-insensitive)" \
    "3/6 entries.*filter:TXT"
check_order "only the matching rows" "a.txt b.txt d.txt "
tui_keys Enter
tui_check "Enter keeps the filter" "Filter: 3 of 6 entries match\."
tui_check "the footer shows it" "filter:TXT +sort:name"
tui_keys Home Down
tui_check_cursor "keys move within the filtered rows" "b\.txt"
tui_keys Escape
tui_check "Esc clears a kept filter" "Filter cleared\."
check_order "all rows again" "zdir a.txt b.txt c.log d.txt e.png "
tui_keys / q z z
tui_check "no match says so" "No entries match the filter\."
tui_keys Escape
tui_check "Esc in the prompt clears it" " 6 entries"
check_order "all rows after Esc" "zdir a.txt b.txt c.log d.txt e.png "

tui_quit F10
check "F10 quits with status 0" test "$TUI_STATUS" = 0

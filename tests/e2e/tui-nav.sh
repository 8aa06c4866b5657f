#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The browser opens on the current directory (left) and store:/ (right),
# the empty store says how to fill it, and the navigation keys work:
# Up/Down/j/k, Home/End/g/G, PgDn, Enter/l/Right into a folder,
# Backspace/Left/h back to the parent with the cursor on the folder we
# came from, Tab to the other pane, Enter on an item opens the viewer, F3
# on a folder says what F3 is for, F1 and ? show the bindings; q quits
# with status 0 and the terminal leaves the alternate screen.
. "$(dirname "$0")/../lib/e2e.sh"
. "$(dirname "$0")/../lib/tui-e2e.sh"

top="$T/top"
mkdir -p "$top/alpha/inner" "$top/beta" "$top/gamma"
i=0
while [ $i -lt 30 ]; do
	printf 'x' >"$top/file$(printf %02d $i).txt"
	i=$((i + 1))
done
echo hello >"$top/alpha/inner/deep.txt"
TUI_CWD=$top

tui_start 120 24
tui_check "left pane shows the current directory" "^ $top +│"
tui_check "right pane shows the store" "│ store:/"
tui_check "the empty store says how to fill it" \
    "Empty\. Mark items in the other pane and press F5"
tui_check "the function-key bar" \
    "1Help +2Rename +3View +4Edit +5Copy +6Move +7Mkdir +8Delete +9Jobs +10Quit"
tui_check "the footer counts entries" " 33 entries +sort:name"
tui_check "folders first, with a /" "^ /alpha +<dir>"
tui_check "items with their size" "^  file00\.txt +1 "
tui_check_cursor "the cursor starts on the first entry" "^ /alpha "

tui_keys Down Down
tui_check_cursor "Down moves the cursor" "^ /gamma "
tui_keys k
tui_check_cursor "k moves up" "^ /beta "
tui_keys j
tui_check_cursor "j moves down" "^ /gamma "
tui_keys End
tui_check_cursor "End goes to the last entry" "file29\.txt"
tui_keys Home
tui_check_cursor "Home goes to the first entry" "^ /alpha "
tui_keys G
tui_check_cursor "G goes to the last entry" "file29\.txt"
tui_keys g
tui_check_cursor "g goes to the first entry" "^ /alpha "
tui_keys NPage
tui_check_cursor "PgDn moves a page down" "file1[0-9]\.txt"
tui_keys PPage
tui_check_cursor "PgUp moves back up" "^ /alpha "

tui_keys Enter
tui_wait "^ $top/alpha +│" 5
tui_check "Enter opens the folder (breadcrumb)" "^ $top/alpha +│"
tui_check "the folder's entries" "^ /inner +<dir>"
tui_keys l
tui_wait "deep\.txt" 5
tui_check "l opens a folder too" "^ $top/alpha/inner +│"
tui_keys Enter
tui_wait "^hello" 5
tui_check "Enter on an item opens the viewer" "$top/alpha/inner/deep\.txt"
tui_keys q
tui_wait "^ $top/alpha/inner +│" 5
tui_check "q closes the viewer" "^ $top/alpha/inner +│"
tui_keys BSpace
tui_wait "^ $top/alpha +│" 5
tui_check "Backspace goes to the parent" "^ $top/alpha +│"
tui_check_cursor "the cursor is on the folder we came from" "^ /inner "
tui_keys h
tui_wait "^ $top +│" 5
tui_check_cursor "h goes up, onto alpha" "^ /alpha "
tui_keys Down Right
tui_wait "^ $top/beta +│" 5
tui_check "Right opens a folder" "Empty folder\."
tui_keys Left
tui_wait "^ $top +│" 5
tui_check_cursor "Left goes up, onto beta" "^ /beta "

tui_keys F3
tui_check "F3 on a folder says what it is for" \
    "beta is a folder: F3 views items"
tui_keys F9
tui_check "a key not implemented says so" "F9 Jobs is not implemented yet\."

tui_keys F1
tui_check "F1 shows the bindings" "Keys.*"
tui_check "with the moves" "Backspace, Left, h +parent folder"
tui_keys End
tui_check "the help scrolls to its end" "e\.g\. \"down = j, Down, C-n\""
tui_keys Escape
tui_check_not "Esc closes it" "parent folder"
tui_keys '?'
tui_check "? shows them too" "Backspace, Left, h +parent folder"
tui_keys q
tui_check_not "q closes the help (and does not quit)" "parent folder"
tui_check "still running" "10Quit"

tui_keys Tab
tui_check_cursor "Tab: the store pane is empty, no cursor row" "^$"
esc=$(printf '\033')
if tmux_ capture-pane -p -e -t t | head -1 |
    grep -q "${esc}\[[0-9;]*7m store:/"; then
	ok "Tab makes the store pane's header the active one"
else
	notok "Tab makes the store pane's header the active one"; tui_dump
fi
tui_keys Tab
tui_check_cursor "Tab again: back on the left, cursor kept" "^ /beta "

tui_quit q
check "q quits with status 0" test "$TUI_STATUS" = 0
alt=$(tmux_ display-message -p -t t '#{alternate_on}')
check "the terminal left the alternate screen" test "$alt" = 0

#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Layouts and resizing: 60x20 shows one pane at a time (Tab flips), 200x60
# shows both with every column; a listing that arrives in slow pages
# (FERRY_TEST_PAGE_SIZE / FERRY_TEST_PAGE_DELAY_MS) draws its first page
# before the rest, survives resizes in the middle (one pane, then two),
# keeps the keys working meanwhile, and Esc cancels it.
. "$(dirname "$0")/../lib/e2e.sh"
. "$(dirname "$0")/../lib/tui-e2e.sh"

top="$T/top"
mkdir -p "$top/sub"
i=0
while [ $i -lt 60 ]; do
	printf 'x' >"$top/item$(printf %02d $i)"
	i=$((i + 1))
done
TUI_CWD=$top

# 60x20: one pane.
tui_start 60 20
tui_check "60x20: the left pane" "^ $top"
tui_check_not "60x20: no second pane" "│"
tui_check "60x20: name, size and date columns" "Name +Size Modified"
tui_check "60x20: the function keys fit" "^1Help.*10Quit"
tui_keys Tab
tui_check "Tab flips to the store pane" "^ store:/"
tui_check "the store hint wraps in the narrow pane" "press F5 to copy"
tui_keys Tab
tui_check "Tab flips back" "^ $top"
tui_quit q
check "60x20: quits with status 0" test "$TUI_STATUS" = 0
tui_stop

# 200x60: both panes with the type column.
TUI_SOCK="$TUI_SOCK-b"
tui_start 200 60
tui_check "200x60: both panes" "^ $top +│ store:/"
tui_check "200x60: the type column" "Name +Size Modified +Type"
tui_check "200x60: long dates" "item00 +1 [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{5} +other"
tui_check "200x60: all 61 entries" " 61 entries"
tui_quit q
check "200x60: quits with status 0" test "$TUI_STATUS" = 0
tui_stop

# A slow, paged listing: 61 entries by 10, 400 ms a page (~2.8 s).
TUI_SOCK="$TUI_SOCK-c"
tui_start 120 30 FERRY_TEST_PAGE_SIZE=10 FERRY_TEST_PAGE_DELAY_MS=400
tui_wait " 10 entries, loading" 5
tui_check "the first page shows while the rest loads" \
    " 10 entries, loading\.\.\."
tui_check "the spinner shows in the loading pane's header" "^ $top +\* │"
tui_resize 70 20
tui_wait "^ $top +\*$" 5
tui_check "resized to 70x20 mid-listing: one pane" "^ $top +\*$"
tui_check_not "no separator in one-pane mode" "│"
tui_keys Down Down
tui_check_cursor "keys work while the listing arrives" "item01"
tui_resize 150 40
tui_wait "^ $top .*│ store:/" 5
tui_check "resized to 150x40: two panes again" "^ $top .*│ store:/"
tui_wait " 61 entries +sort" 10
tui_check "the listing completes after the resizes" " 61 entries +sort"
tui_check_not "no spinner when done" "\* │"
tui_check_cursor "the cursor stayed where the keys put it" "item01"

# Ctrl-R reloads (slowly again); Esc cancels the reload.
tui_keys C-r
tui_wait "loading" 5
tui_keys Escape
tui_wait "cancelled" 5
tui_check "Esc cancels the listing" "Listing of $top cancelled"
tui_check "what had arrived stays" "61 entries \(cancelled\)|[0-9]+ entries \(cancelled\)"
tui_check_not "the spinner stops" "\* │"
tui_quit q
check "quits with status 0" test "$TUI_STATUS" = 0

#!/bin/sh
# SPDX-License-Identifier: MIT
#
# y copies the location of the entry under the cursor to the terminal's
# clipboard with OSC 52.  tmux with set-clipboard on turns the sequence
# into a paste buffer, so show-buffer says what the terminal received:
# a local path, a store location ("store:/proj/notes"), the folder's own
# location in an empty folder, and a hostile name (escape sequence, BEL,
# newline) byte for byte, which the message line shows escaped.  With
# set-clipboard off, no buffer appears (the sequence goes nowhere else).
. "$(dirname "$0")/../lib/e2e.sh"
. "$(dirname "$0")/../lib/tui-e2e.sh"

top="$T/top"
mkdir -p "$top"
echo a >"$top/a.txt"
evil=$(printf 'ev\033]0;pwned\007il\nname')
printf 'x' >"$top/$evil"
"$FERRY" -q mkdir store:/proj store:/proj/notes store:/empty \
    >"$T/mk.out" 2>&1 || notok "ferry mkdir failed: $(cat "$T/mk.out")"
TUI_CWD=$top

# The paste buffer, or "" when there is none.
buffer() {
	tmux_ show-buffer 2>/dev/null
}

tui_start 120 20
tmux_ set -s set-clipboard on
tui_wait "a\.txt" 5

tui_keys Home
tui_check_cursor "the cursor is on a.txt" "a\.txt"
tui_keys y
tui_check "the message says what was copied" "^copied $top/a\.txt"
check "the clipboard has the local path" test "$(buffer)" = "$top/a.txt"

# The hostile name: sorted after a.txt.
tui_keys Down
tui_keys y
buffer >"$T/got"
printf '%s' "$top/$evil" >"$T/want"
check "the hostile name reaches the clipboard byte for byte" \
    cmp -s "$T/got" "$T/want"
tui_check "the message shows it escaped" \
    'copied .*/ev\\e\]0;pwned\\x07il\\nname'
tui_check_not "and the title sequence did not act (the screen is whole)" \
    "pwned[^\\]"

# The store pane: a folder, then inside it.
tui_keys Tab
tui_wait "proj" 5
tui_keys Home y
check "a store folder's location" test "$(buffer)" = "store:/empty"
tui_keys Down y
check "the next one" test "$(buffer)" = "store:/proj"
tui_keys Enter
tui_wait "notes" 5
tui_keys y
check "a store location one level down" \
    test "$(buffer)" = "store:/proj/notes"

# An empty folder: its own location.
tui_keys BSpace
tui_wait "proj" 5
tui_keys Home Enter
tui_wait "store:/empty" 5
tui_keys y
check "in an empty folder, the folder's location" \
    test "$(buffer)" = "store:/empty"

# set-clipboard off: tmux ignores the sequence, no new buffer.
tmux_ delete-buffer 2>/dev/null
while tmux_ delete-buffer 2>/dev/null; do :; done
tmux_ set -s set-clipboard off
tui_keys y
tui_check "y still says copied" "^copied store:/empty"
check "set-clipboard off: no buffer" test -z "$(buffer)"

# The key is in the help, so it can be found and rebound.
tui_keys F1
tries=0
while [ $tries -lt 6 ] && ! tui_screen | grep -q "  y  *copy the entry"; do
	tui_keys PgDn
	tries=$((tries + 1))
done
tui_check "the help lists y" "  y +copy the entry's location"
tui_keys Escape
tui_quit F10
check "F10 quits with status 0" test "$TUI_STATUS" = 0

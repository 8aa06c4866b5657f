#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Bookmarks: B saves the active pane's folder under a name (the folder's
# own name offered), b lists them; Enter (or a double click) takes the
# active pane there, across kinds of location (local to store), and d
# deletes one.  They live in $XDG_DATA_HOME/ferry/bookmarks and so
# survive a restart.  A folder whose name holds a newline and an escape
# sequence round-trips (escaped in the file, shown escaped, jumped to);
# a broken file is reported with its name and line.
. "$(dirname "$0")/../lib/e2e.sh"
. "$(dirname "$0")/../lib/tui-e2e.sh"

top="$T/top"
evil=$(printf 'ev\033[2Jil\nline')
mkdir -p "$top/projects/deep" "$top/$evil"
echo x >"$top/projects/deep/here.txt"
echo y >"$top/$evil/inside.txt"
"$FERRY" -q mkdir store:/stuff store:/stuff/thing >"$T/mk.out" 2>&1 ||
    notok "ferry mkdir failed: $(cat "$T/mk.out")"
TUI_CWD=$top
bm="$XDG_DATA_HOME/ferry/bookmarks"
esc=$(printf '\033')

tui_start 120 24
tui_wait "projects" 5

tui_keys b
tui_check "with none saved, b says how to save one" \
    "No bookmarks yet: B bookmarks the folder shown\."

# --- Save the local folder projects/deep with the name offered.
tui_keys Home
tui_keys End
tui_check_cursor "the cursor is on projects" "projects"
tui_keys Enter
tui_wait "deep" 5
tui_keys Enter
tui_wait "here\.txt" 5
tui_keys B
tui_check "B asks for a name" "Bookmark $top/projects/deep as:"
tui_check "offering the folder's name" "│ deep +│"
tui_keys Enter
tui_check "the message says it is saved" \
    "Bookmarked $top/projects/deep as deep\."
check "the file exists" test -f "$bm"
check "and holds it" grep -q "^deep	$top/projects/deep\$" "$bm"

# --- Save a store folder under a typed name.
tui_keys Tab
tui_wait "stuff" 5
tui_keys Home Enter
tui_wait "thing" 5
tui_keys B C-u
tui_type "my stuff"
tui_keys Enter
tui_check "a typed name" "Bookmarked store:/stuff as my stuff\."

# --- Save the hostile folder.
tui_keys Tab BSpace BSpace
tui_wait "projects" 5
tui_keys Home
tui_check_cursor "the cursor is on the hostile folder" 'ev\\e\[2Jil\\nline'
tui_keys Enter
tui_wait "inside\.txt" 5
tui_keys B
tui_check "its name is offered, escaped" 'ev\\e\[2Jil\\nline'
tui_keys Enter
tui_check "and saved" 'Bookmarked .*as ev\\e\[2Jil\\nline\.'
check "the file escapes the newline and the ESC" \
    grep -q 'ev\\x1b\[2Jil\\nline	.*/ev\\x1b\[2Jil\\nline$' "$bm"
check "the file has one line per bookmark (and a header)" \
    test "$(wc -l <"$bm")" -eq 4
tui_quit F10
check "F10 quits with status 0" test "$TUI_STATUS" = 0
tui_stop

# --- After a restart: the list, and a jump into the store.
TUI_SOCK="ferry-tui-$$-two"
tui_start 120 24
tui_wait "projects" 5
tui_keys b
tui_check "b lists the bookmarks" "Bookmarks"
tui_check "deep is there" "│ deep +$top/projects/deep"
tui_check "my stuff is there" "│ my stuff +store:/stuff"
tui_check "the hostile one, escaped" 'ev\\e\[2Jil\\nline +/'
tui_keys Down Enter
tui_wait "thing" 5
tui_check "Enter took the left pane to the store" "^ store:/stuff +│"
tui_check "the message names the bookmark" "Bookmark my stuff: store:/stuff"
tui_keys y
tui_check "the pane is a store pane now (y copies a store location)" \
    "copied store:/stuff/thing"

# --- Jump to the hostile folder: its content shows.
tui_keys b End Enter
tui_wait "inside\.txt" 5
tui_check "the jump reached the folder named with a newline" "inside\.txt"
tui_check "whose header shows it escaped" 'ev\\e\[2Jil\\nline +│'

# --- A double click on a line jumps too.
tui_keys b
y=$(tui_screen | grep -n "│ deep " | cut -d: -f1)
tmux_ send-keys -t t -l "${esc}[<0;40;${y}M${esc}[<0;40;${y}m"
tmux_ send-keys -t t -l "${esc}[<0;40;${y}M${esc}[<0;40;${y}m"
tui_wait "here\.txt" 5
tui_check "a double click on deep jumped there" "^ $top/projects/deep +│"

# --- d deletes the one picked.
tui_keys b Down
tui_keys d
tui_check "d deletes it" "Deleted the bookmark my stuff\."
tui_check_not "it is gone from the list" "│ my stuff "
tui_check "the others stay" "│ deep "
check "and from the file" sh -c "! grep -q '^my stuff' '$bm'"
tui_keys Escape
tui_check_not "Esc closes the list" "│ deep "

# --- Saving under a name in use points it elsewhere.
tui_keys BSpace
tui_wait "deep" 5
tui_keys B C-u
tui_type "deep"
tui_keys Enter
tui_check "the same name is moved" \
    "Bookmark deep now points to $top/projects\."
check "the file has it once" test "$(grep -c '^deep	' "$bm")" -eq 1

# --- A broken file is reported with its name and line.
printf '# x\nno tab here\n' >"$bm"
tui_keys b
tui_check "a broken file is named with its line" \
    "Bookmarks: $bm:2: no TAB between the name and the location"
tui_quit F10
check "F10 quits with status 0" test "$TUI_STATUS" = 0

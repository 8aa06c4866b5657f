#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The dialogs, each run on the worker with the result on the message line
# and the pane reloaded: F7 mkdir (local and store), F2 and Shift-F6
# rename (and a rename onto a taken name, which fails with a message),
# F8 delete with a confirmation (n keeps, y deletes), a non-empty folder
# asked about again with what it holds, and several marked entries at
# once.  Esc cancels a dialog.
. "$(dirname "$0")/../lib/e2e.sh"
. "$(dirname "$0")/../lib/tui-e2e.sh"

top="$T/top"
mkdir -p "$top/full/sub"
printf 'abcdefghij' >"$top/full/one"
printf 'abcdefghij' >"$top/full/sub/two"
echo a >"$top/keep.txt"
echo b >"$top/gone1.txt"
echo c >"$top/gone2.txt"
echo d >"$top/victim.txt"
TUI_CWD=$top

tui_start 120 24

# mkdir
tui_keys F7
tui_check "F7 opens the mkdir dialog" "Make folder"
tui_check "it names the folder" "New folder in $top:"
tui_type "newdir"
tui_keys Enter
tui_wait "Made the folder newdir\." 5
tui_check "mkdir reports on the message line" "Made the folder newdir\."
check "the folder exists" test -d "$top/newdir"
tui_wait "^ /newdir" 5
tui_check_cursor "the cursor is on the new folder" "^ /newdir "
tui_keys F7
tui_type "newdir"
tui_keys Enter
tui_wait "newdir.*(exists|taken)" 5
tui_check "mkdir of a taken name fails with a message" "newdir.*(exists|taken)"
tui_keys F7
tui_type "never"
tui_keys Escape
tui_check_not "Esc closes the dialog" "Make folder"
check "Esc made nothing" test ! -e "$top/never"

# rename (the cursor is on newdir)
tui_keys F2
tui_check "F2 opens the rename dialog" "Rename newdir to:"
tui_keys C-u
tui_type "renamed"
tui_keys Enter
tui_wait "Renamed newdir to renamed\." 5
tui_check "rename reports" "Renamed newdir to renamed\."
check "renamed on disk" test -d "$top/renamed"
check "the old name is gone" test ! -e "$top/newdir"
tui_wait "^ /renamed" 5
tui_check_cursor "the cursor follows the new name" "^ /renamed "
tui_keys S-F6
tui_check "Shift-F6 renames too" "Rename renamed to:"
tui_keys C-u
tui_type "keep.txt"
tui_keys Enter
tui_wait "keep\.txt.*(exists|taken)" 5
tui_check "renaming onto a taken name fails" "keep\.txt.*(exists|taken)"
check "nothing was replaced" test -d "$top/renamed"

# delete one item: n keeps it, y deletes it
tui_keys End
tui_check_cursor "on victim.txt" "victim\.txt"
tui_keys F8
tui_check "F8 asks first" "Delete the item victim\.txt\?"
tui_keys n
check "n keeps it" test -e "$top/victim.txt"
tui_keys F8 y
tui_wait "Deleted victim\.txt\." 5
tui_check "y deletes it and says so" "Deleted victim\.txt\."
check "gone from disk" test ! -e "$top/victim.txt"
tui_wait_not "victim\.txt +[0-9]" 5
tui_check_not "gone from the pane" "victim\.txt +[0-9]"

# a non-empty folder is asked about again
tui_keys Home
tui_check_cursor "on the folder full" "^ /full "
tui_keys F8
tui_check "F8 on a folder" "Delete the folder full\?"
tui_keys Enter
tui_wait "not empty" 5
tui_check "a non-empty folder asks again" \
    "The folder full is not empty\. Delete it and everything"
tui_check "and says what it holds" "It holds 2 items, 1 folder, 20 bytes\."
tui_keys n
tui_wait "kept 1 folder" 5
tui_check "n keeps it" "Deleted 0 of 1; kept 1 folder that was not empty\."
check "still on disk" test -d "$top/full/sub"
tui_keys F8 y
tui_wait "not empty" 5
tui_keys y
tui_wait "Deleted full\." 5
tui_check "y twice deletes it" "Deleted full\."
check "gone from disk" test ! -e "$top/full"

# several marked entries at once
tui_wait "gone1\.txt" 5
tui_keys End Up Up Space Space
tui_check "two marked" "2 marked"
tui_keys F8
tui_check "the question counts them" "Delete 2 marked entries"
tui_keys y
tui_wait "Deleted 2 entries\." 5
tui_check "both deleted" "Deleted 2 entries\."
check "gone1 gone" test ! -e "$top/gone1.txt"
check "gone2 gone" test ! -e "$top/gone2.txt"
check "keep.txt kept" test -e "$top/keep.txt"

# mkdir in the store pane
tui_keys Tab F7
tui_check "the dialog names the store" "New folder in store:/:"
tui_type "proj"
tui_keys Enter
tui_wait "Made the folder proj\." 5
tui_wait "│ /proj +<dir>" 5
tui_check "the store pane shows it" "│ /proj +<dir>"
tui_check_not "the empty-store hint is gone" "press F5"
tui_keys F8 y
tui_wait "Deleted proj\." 5
tui_wait "press F5" 5
tui_check "deleting it brings the hint back" "Empty\. Mark items"

tui_quit q
check "quits with status 0" test "$TUI_STATUS" = 0

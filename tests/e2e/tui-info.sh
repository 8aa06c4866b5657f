#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The info view (i or Ctrl-L): the other pane shows the entry under the
# cursor in full and follows the cursor.  A store folder made with the
# CLI shows its breadcrumb, id, description, tags, starred, and its
# client_metadata as indented JSON (a value with an escape sequence in it
# stays escaped); S counts its summary (bytes, items, folders, by type);
# an item shows its size, MIME type, type class and sha256; a local file
# shows its mode; after a burst of moves the info is the cursor's entry;
# J/K scroll the view when it is taller than the pane; below 80 columns
# it takes the screen; i closes it.
. "$(dirname "$0")/../lib/e2e.sh"
. "$(dirname "$0")/../lib/tui-e2e.sh"

top="$T/top"
mkdir -p "$top"
printf 'hello info\n' >"$top/alpha.txt"
printf 'second file\n' >"$top/beta.txt"
chmod 0640 "$top/beta.txt"
seq 1 500 >"$top/numbers.txt"
mkdir -p "$top/zmany"
i=0
while [ $i -lt 300 ]; do
	printf '%d' $i >"$top/zmany/f$(printf %03d $i)"
	i=$((i + 1))
done
TUI_CWD=$top

check "mkdir with description, metadata and tags" $FERRY mkdir \
    --description 'A CT series of scans' \
    --meta '{"patient": 7, "site": {"name": "north"}, "evil": "\u001b[2J"}' \
    --tag ct --tag raw store:/scans
check "an item in it" $FERRY cp "$top/numbers.txt" store:/scans/
sum=$(sha256sum "$top/numbers.txt" | cut -d' ' -f1)
bytes=$(wc -c <"$top/numbers.txt" | tr -d ' ')

tui_start 160 40
tui_keys Tab i
tui_wait "Info: store:/scans" 5
tui_check "i opens the info of the store folder in the other pane" \
    "^ Info: store:/scans +│ store:/"
tui_wait "^ id +[0-9a-f]{8}-" 5
tui_check "its breadcrumb" "^ path +/ > scans "
tui_check "its id" "^ id +[0-9a-f]{8}-[0-9a-f]{4}-"
tui_check "its description" "^ description A CT series of scans "
tui_check "its tags" "^ tags +ct, raw "
tui_check "starred" "^ starred +no "
tui_check "ttl" "^ ttl +none "
tui_check "metadata as indented JSON" '^ metadata +\{ '
tui_check "  a key one level in" '^ +"patient": 7,'
tui_check "  a key two levels in" '^ +"name": "north"'
tui_check "  an escape sequence in a value stays escaped" \
    '"evil": "\\u001b\[2J"'
tui_check "the summary waits for its key" "^ summary +press S to count"

tui_keys S
tui_wait "^ items +1 " 5
tui_check "S counts the items" "^ items +1 "
tui_check "  and the bytes" "^ bytes +$bytes "
tui_check "  and the folders" "^ folders +0 "
tui_check "  and by type" "^ +text +1 item, "

# Into the folder: the info follows the cursor onto the item.
tui_keys Enter
tui_wait "Info: store:/scans/numbers\.txt" 5
tui_wait "^ sha256 " 5
tui_check "the item's checksum" "^ sha256 +$sum "
tui_check "its size" "^ size +$bytes bytes "
tui_check "its MIME type" "^ mime +text/plain "
tui_check "its type class" "^ type +text "
tui_check "its breadcrumb" "^ path +/ > scans > numbers\.txt "

# The local pane: the info moves to the right and follows the cursor.
tui_keys Tab
tui_wait "Info: $top/zmany" 5
tui_check "Tab: the info shows the other pane's entry" \
    "│ Info: $top/zmany"
tui_keys Down Down
tui_wait "Info: $top/beta\.txt" 5
tui_wait "mode +-rw-r-----" 5
tui_check "it follows the cursor; a local file shows its mode" \
    "mode +-rw-r----- \(0640\)"

# A burst of moves: the info ends on the entry the cursor ends on.
tui_keys Home Enter
tui_wait "Info: $top/zmany/f000" 5
keys=""
i=0
while [ $i -lt 150 ]; do keys="$keys Down"; i=$((i + 1)); done
tmux_ send-keys -t t $keys
tui_wait "Info: $top/zmany/f150" 5
tui_wait "> zmany > f150 *$" 5
tui_wait_not "loading the full entry" 5
tui_check "after 150 quick moves the info shows where the cursor is" \
    "│ Info: $top/zmany/f150"
tui_check "  in full (its breadcrumb came)" "│ path +/ > .* > zmany > f150 *$"
tui_check_not "  (and the stat)" "loading the full entry"
tui_keys BSpace

# A short terminal: the folder's info is taller than the pane.
tui_keys Tab
tui_keys BSpace
tui_wait "Info: store:/scans" 5
tui_resize 160 14
tui_wait "J/K scroll" 5
tui_check "a tall info says it scrolls" "S summary  J/K scroll  i close"
tui_check_not "the end is below the fold" '^ +"evil"'
tui_keys J J J J J J J J J J J J
tui_check "J scrolls it" '"evil": "\\u001b\[2J"'
tui_check_not "the top went up" "^ name +scans "
tui_keys K K K K K K K K K K K K
tui_check "K scrolls back" "^ name +scans "

tui_resize 70 20
tui_wait "^ Info: store:/scans" 5
tui_check "below 80 columns the info takes the screen" "^ Info: store:/scans"
tui_resize 160 40
tui_wait "│ store:/" 5

tui_keys i
tui_check_not "i closes it" "Info: "
tui_check "the pane is back" "│ store:/ *$"
tui_keys C-l
tui_check "Ctrl-L opens it too" "Info: store:/scans"
tui_keys C-l
tui_check_not "and closes it" "Info: "

tui_quit q
check "quits with status 0" test "$TUI_STATUS" = 0

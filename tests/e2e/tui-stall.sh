#!/bin/sh
# SPDX-License-Identifier: MIT
#
# A stalled backend does not stall the browser: while another process
# holds the store's database locked (sqlite3 with an exclusive lock for a
# few seconds), the store pane shows its spinner and the other pane keeps
# answering keys (cursor moves, folders open and close); Esc and Ctrl-C
# cancel the stuck listing at once; a reload queued behind it completes
# once the lock is gone; Ctrl-C with nothing running quits.
. "$(dirname "$0")/../lib/e2e.sh"
. "$(dirname "$0")/../lib/tui-e2e.sh"

command -v sqlite3 >/dev/null 2>&1 || { ok "# SKIP no sqlite3"; exit 0; }
top="$T/top"
mkdir -p "$top/folder"
i=0
while [ $i -lt 20 ]; do
	printf 'x' >"$top/f$(printf %02d $i)"
	i=$((i + 1))
done
echo inside >"$top/folder/inside.txt"
TUI_CWD=$top

# A first run creates the store.
tui_start 120 24
tui_wait "Empty\. Mark items" 10
tui_quit q
check "the store was created" test -f "$FERRY_STORE/ferry.db"
tui_stop

# Lock it for 9 seconds (the store waits up to 10 s for a lock).
lockout="$T/lock.out"
(echo "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE;"
 echo "SELECT 'locked', count(*) FROM sqlite_master;"
 sleep 9; echo "COMMIT;") | sqlite3 "$FERRY_STORE/ferry.db" >"$lockout" 2>&1 &
PIDS="$PIDS $!"
n=0
while ! grep -q locked "$lockout" 2>/dev/null && [ $n -lt 100 ]; do
	sleep 0.05; n=$((n + 1))
done
check "another process holds the store locked" grep -q locked "$lockout"
locked_at=$(date +%s)

TUI_SOCK="$TUI_SOCK-b"
tui_start 120 24
tui_wait " 21 entries" 5
tui_check "the local pane lists at once" " 21 entries +sort"
tui_check "the store pane spins" "│ store:/ +\*$"
tui_check "the store pane says it is loading" "0 entries, loading\.\.\."
tui_keys Down Down Down
tui_check_cursor "keys move the cursor in the other pane" "f02"
tui_keys Home Enter
tui_wait "inside\.txt" 5
tui_check "a folder opens in the other pane" "inside\.txt"
tui_keys BSpace
tui_wait " 21 entries" 5
tui_check_cursor "and closes, back on the folder" "^ /folder "
tui_check "the store pane still spins" "│ store:/ +\*$"

tui_keys Tab Escape
tui_check "Esc cancels the stuck listing at once" \
    "Listing of store:/ cancelled"
tui_check_not "no spinner after Esc" "\*$"
tui_keys C-r
tui_check "Ctrl-R starts it again" "│ store:/ +\*$"
tui_keys C-c
tui_check "Ctrl-C cancels a listing too" "0 entries \(cancelled\)"
tui_check "and does not quit" "10Quit"
tui_keys C-r
elapsed=$(($(date +%s) - locked_at))
if [ "$elapsed" -lt 9 ]; then
	ok "all that happened while the store was locked (${elapsed}s)"
else
	notok "the lock ended before the checks (${elapsed}s): too slow"
fi
tui_wait "Empty\. Mark items" 15
tui_check "once the lock is gone the listing completes" "Empty\. Mark items"
tui_check_not "no spinner at the end" "\*$"
tui_quit C-c
check "Ctrl-C with nothing running quits, status 0" test "$TUI_STATUS" = 0

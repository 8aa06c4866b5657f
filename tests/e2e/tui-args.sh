#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The browser's arguments and the errors it shows: two locations give the
# two panes (a store path on the left, a local folder on the right); a
# folder that does not exist shows the error in its pane and on the
# message line, naming it; too many locations, or no terminal, are
# refused with a clear message and a status.  A long path in a narrow
# pane is shortened from the left with an ellipsis.
. "$(dirname "$0")/../lib/e2e.sh"
. "$(dirname "$0")/../lib/tui-e2e.sh"

run="$TUI_BIN"
mkdir -p "$T/top/x"
deep="$T/top/a-rather-long-folder-name/and-another-long-folder-name"
mkdir -p "$deep/final-folder"

check_err 2 "three locations are refused" "too many locations \(3\)" \
    "$run" ./a ./b store:/c
check_err 1 "no terminal is refused" "needs a terminal" \
    sh -c "'$run' </dev/null >/dev/null"
check_err 2 "a malformed location is refused" "ferry: .+" "$run" "s3://"

tui_start 120 24 -- store:/ "$T/top"
tui_check "store on the left, the folder on the right" \
    "^ store:/ +│ $T/top"
tui_check "the right pane lists the folder" "│ /x +<dir>"
tui_quit q
check "quits with status 0" test "$TUI_STATUS" = 0
tui_stop

TUI_SOCK="$TUI_SOCK-b"
tui_start 120 24 -- "$T/missing"
tui_wait "Cannot list" 5
tui_check "the message line names the missing folder" \
    "^Cannot list: $T/missing: No such file"
tui_check "the pane shows the error too" "^  .*missing.*│"
tui_keys BSpace
tui_wait "^ $T +│" 5
tui_check "Backspace leaves the missing folder for its parent" "│ store:/"
tui_check "the parent lists" " /top +<dir>"
tui_quit q
check "quits with status 0" test "$TUI_STATUS" = 0
tui_stop

TUI_SOCK="$TUI_SOCK-c"
tui_start 60 20 -- "$deep"
tui_check "a long path is cut from the left" \
    "^ …[^ ]*/and-another-long-folder-name *$"
tui_keys Enter
tui_wait "final-folder *$" 5
tui_check "and stays cut, ending with the folder" \
    "^ …[^ ]*/and-another-long-folder-name/final-folder *$"
tui_quit q
check "quits with status 0" test "$TUI_STATUS" = 0

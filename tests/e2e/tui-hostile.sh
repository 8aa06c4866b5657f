#!/bin/sh
# SPDX-License-Identifier: MIT
#
# A folder of hostile names: escape sequences that would clear the screen
# or set the window title, CR, BS, LF, TAB, a C1 CSI, a right-to-left
# override, invalid UTF-8, CJK and a combining accent.  The screen shows
# visible escapes (\e[2J, \x07, \r, \u{202E}, \xff ...), nothing reaches
# the terminal raw (the title is unchanged, every row is still there),
# and the columns stay aligned: the size column of every row ends at the
# same screen column, at 200 columns and cut to fit at 60.
. "$(dirname "$0")/../lib/e2e.sh"
. "$(dirname "$0")/../lib/tui-e2e.sh"

top="$T/hostile"
mkdir -p "$top"
mk() {	# printf-format name
	n=$(printf "$1")
	printf 'abc' >"$top/$n"
}
mk 'clear\033[2Jscreen'
mk 'title\033]0;pwned\007end'
mk 'cr\rname'
mk 'bs\bname'
mk 'nl\nname'
mk 'tab\tname'
mk 'c1\302\233csi'
mk 'rlo\342\200\256txt.exe'
mk 'bad\377utf8'
mk '漢字wide'
mk 'e\314\201combining'
mk '長い名前長い名前長い名前長い名前長い名前長い名前長い名前長い名前end'
nfiles=12
check "the hostile names were made" test "$(ls "$top" | wc -l)" -ge "$nfiles"
TUI_CWD=$top

# The display width, up to the end of the size field, of each entry row
# of the left pane (rows 3 .. H-3), one per line.
size_ends() {
	tui_screen | sed -n "3,$((TUI_H - 3))p" | sed 's/│.*//' |
	    grep -E ' [0-9]+ [0-9]{2,4}-[0-9]{2}' |
	    sed -E 's/ [0-9]{2,4}-[0-9]{2}(-[0-9]{2})? [0-9:]{5}.*$//' |
	    while IFS= read -r line; do
		printf '%s\n' "$line" | wc -L
	    done
}

check_aligned() {	# desc
	ends=$(size_ends)
	rows=$(printf '%s\n' "$ends" | grep -c .)
	distinct=$(printf '%s\n' "$ends" | sort -u | grep -c .)
	if [ "$rows" -eq "$nfiles" ] && [ "$distinct" -eq 1 ]; then
		ok "$1 (size column ends at $(printf '%s\n' "$ends" | head -1))"
	else
		notok "$1 ($rows rows, size ends at: $(echo $ends))"
		tui_dump
	fi
}

tui_start 200 30
tui_check "ESC [2J shown as text" "clear\\\\e\[2Jscreen"
tui_check "OSC title shown as text, BEL as \\x07" \
    "title\\\\e\]0;pwned\\\\x07end"
tui_check "CR shown" "cr\\\\rname"
tui_check "BS shown" "bs\\\\bname"
tui_check "LF shown" "nl\\\\nname"
tui_check "TAB shown" "tab\\\\tname"
tui_check "C1 CSI shown" "c1\\\\u\{009B\}csi"
tui_check "right-to-left override shown" "rlo\\\\u\{202E\}txt\.exe"
tui_check "invalid UTF-8 shown" "bad\\\\xffutf8"
tui_check "CJK drawn" "漢字wide"
tui_check "the combining accent rides on its letter" "$(printf 'e\314\201combining')"
tui_check "the footer counts every entry" " $nfiles entries"
title=$(tmux_ display-message -p -t t '#{pane_title}')
case "$title" in
*pwned*) notok "the window title is unchanged (it is '$title')" ;;
*) ok "the window title is unchanged" ;;
esac
check_aligned "200 columns: columns aligned"

# Rename dialog: the name in the prompt is escaped too.
tui_keys Home
tui_check_cursor "the cursor on the first name" "bad\\\\xffutf8"
tui_keys F2
tui_check "the dialog shows the name escaped" "Rename bad\\\\xffutf8 to:"
tui_keys Escape
tui_quit q
check "quits with status 0" test "$TUI_STATUS" = 0
tui_stop

# 60 columns: one pane, long names cut with an ellipsis, still aligned.
TUI_SOCK="$TUI_SOCK-b"
tui_start 60 20
tui_check "the long CJK name is cut with an ellipsis" "長い名前.*…"
check_aligned "60 columns: columns aligned"
tui_quit q
check "quits with status 0" test "$TUI_STATUS" = 0

#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The viewer (F3).  A text file scrolls (Down, PgDn, G, g) and searches
# (/ with the match highlighted, n and N, a pattern that is not there);
# a long line wraps (again after a resize), and without wrap (w) a
# search scrolls sideways to its match; binary content opens as a hex dump (offset, hex, ASCII) and
# h/F4 toggle text and hex; on a 200 MB sparse file G shows the tail at
# once and the process stays small (VmHWM, which would be ~200 MB had it
# read the file), and a search finds the marker at its end; a file of
# hostile bytes shows escapes only (no control byte reaches the
# terminal, the title stays); q, F3, F10 and Esc close it, F1 helps.
. "$(dirname "$0")/../lib/e2e.sh"
. "$(dirname "$0")/../lib/tui-e2e.sh"

top="$T/top"
mkdir -p "$top"
seq 1 2000 | sed 's/^/line number /' >"$top/text.txt"
{ i=0; while [ $i -lt 30 ]; do printf 'AAAAAAAAAA'; i=$((i + 1)); done
  printf 'TAILMARK\n'; } >"$top/long.txt"
printf 'BINARY\000\001\002\377rest' >"$top/bin.dat"
printf 'plain start\n\033[2J\033]0;pwned\007title\r\bback\177\n' \
    >"$top/hostile.txt"
printf '\342\200\256evil\342\200\254 bidi\n\302\233 C1 csi\n' \
    >>"$top/hostile.txt"
printf '\tTabbed\n\346\227\245\346\234\254 CJK e\314\201 combining\nend\n' \
    >>"$top/hostile.txt"
printf 'bad \377\376 utf8\n' >"$top/badutf.txt"
truncate -s 200M "$top/big.bin"
printf 'THE-END-MARKER line\n' >>"$top/big.bin"
TUI_CWD=$top

# Screen row N (1 is the header).
row() {
	tui_screen | sed -n "${1}p"
}

check_row() {	# desc N pattern
	r=$(row "$2")
	if printf '%s\n' "$r" | grep -Eq -- "$3"; then ok "$1"; else
		notok "$1 (row $2 is '$r', wanted /$3/)"; tui_dump; fi
}

# The reverse-video runs of the screen, as <R>text</R>.
reverse_runs() {
	esc=$(printf '\033')
	tmux_ capture-pane -p -e -t t |
	    sed -e "s/$esc\[\([0-9]*;\)*7\(;[0-9]*\)*m/<R>/g" \
		-e "s/$esc\[0\{0,1\}\(;[0-9]*\)*m/<\/R>/g" \
		-e "s/$esc\[[0-9;]*m//g"
}

# Open the file NAME through the filter, in the viewer.
view() {
	tui_keys /
	tui_type "$1"
	tui_keys Enter F3
}

close_view() {	# key
	tui_keys "$1"
	tui_keys Escape		# clears the filter
}

tui_start 120 30

# Text: scrolling.
view text.txt
tui_wait "^line number 1$" 5
tui_check "F3 opens the viewer on the file" "^ $top/text\.txt +text wrap"
check_row "the first line on top" 2 "^line number 1$"
tui_keys Down
check_row "Down scrolls a line" 2 "^line number 2$"
tui_keys NPage
check_row "PgDn scrolls a page (less one line)" 2 "^line number 28$"
tui_keys G
tui_wait "100%" 5
check_row "G: the last line at the bottom" 28 "^line number 2000$"
check_row "  and a full screen above it" 2 "^line number 1974$"
tui_keys Up
check_row "Up from the end" 28 "^line number 1999$"
tui_keys g
check_row "g: back to the start" 2 "^line number 1$"

# Text: search.
tui_keys /
tui_check "/ prompts" "^Search:"
tui_type "number 15"
tui_keys Enter
tui_wait '"number 15" at offset' 5
check_row "the first match on top" 2 "^line number 15$"
if reverse_runs | sed -n 2p | grep -q '<R>number 15</R>'; then
	ok "the match is highlighted"
else
	notok "the match is highlighted"; reverse_runs | sed -n 2p
fi
tui_keys n
tui_wait "^line number 150$" 5
check_row "n: the next match" 2 "^line number 150$"
tui_keys n
tui_wait "^line number 151$" 5
check_row "n again" 2 "^line number 151$"
tui_keys N
tui_wait "^line number 150$" 5
check_row "N: the previous one" 2 "^line number 150$"
tui_keys /
tui_type "no such thing"
tui_keys Enter
tui_wait "Not found" 5
tui_check "a pattern that is not there says so" \
    'Not found: "no such thing" \(to the end\)\.'
tui_keys F1
tui_check "F1 shows the viewer's keys" "Viewer keys"
tui_keys Escape
tui_check_not "Esc closes the help" "Viewer keys"
tui_check "the viewer stays" "^ $top/text\.txt"
close_view q
tui_check "q closes the viewer" "8Delete"

# Long lines: wrapped by default; without wrap, a search scrolls sideways.
view long.txt
tui_wait "TAILMARK" 5
check_row "a long line wraps" 4 "^A{60}TAILMARK$"
tui_resize 60 20
tui_wait "^TAILMARK$" 5
check_row "a resize wraps it again" 7 "^TAILMARK$"
check_row "  at the new width" 2 "^A{60}$"
tui_resize 120 30
tui_wait "^A{60}TAILMARK$" 5
tui_keys w
tui_check "w: no wrap" "Wrap off\."
tui_check_not "the end of the line is off screen" "TAILMARK"
tui_keys /
tui_type "TAILMARK"
tui_keys Enter
tui_wait "A+TAILMARK" 5
tui_check "the search scrolled sideways to the match" "^A+TAILMARK$"
close_view F3
tui_check "F3 closes the viewer" "8Delete"

# Binary: hex, toggled with h and F4.
view bin.dat
tui_wait "^00000000" 5
tui_check "binary content opens as hex" "^ $top/bin\.dat +hex "
check_row "offset, hex bytes and ASCII" 2 \
    "^00000000  42 49 4e 41 52 59 00 01  02 ff 72 65 73 74 +BINARY\.\.\.\.rest$"
tui_check "it says why" "Binary content: shown as hex"
tui_keys h
check_row "h shows it as text, with escapes" 2 \
    '^BINARY\\x00\\x01\\x02\\xffrest$'
tui_keys F4
check_row "F4 goes back to hex" 2 "^00000000  42 49"
close_view F10
tui_check "F10 closes the viewer (and does not quit)" "8Delete"

# A 200 MB sparse file: G reads the tail only.
view big.bin
tui_wait "^00000000  00 00" 5
start=$(date +%s%N)
tui_keys G
tui_wait "THE-END-MARKER l" 5
end=$(date +%s%N)
check_row "G shows the tail" 27 \
    "^0c800000  54 48 45 2d 45 4e 44 2d  4d 41 52 4b 45 52 20 6c  THE-END-MARKER l$"
check_row "  and the last bytes" 28 "^0c800010  69 6e 65 0a +ine\.$"
ms=$(( (end - start) / 1000000 ))
if [ "$ms" -lt 3000 ]; then ok "G took ${ms} ms"; else
	notok "G took ${ms} ms (wanted under 3000)"; fi
tui_keys h G
tui_wait "^THE-END-MARKER line$" 5
check_row "as text, G shows the marker line last" 28 "^THE-END-MARKER line$"
tui_keys g /
tui_type "END-MARK"
tui_keys Enter
tui_wait '"END-MARK" at offset 209715204\.' 10
tui_check "a search finds the marker 200 MB on" \
    '"END-MARK" at offset 209715204\.'
pane_pid=$(tmux_ display-message -p -t t '#{pane_pid}')
fpid=$(pgrep -P "$pane_pid" | head -1)
hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$fpid/status" 2>/dev/null)
if [ -n "$hwm" ] && [ "$hwm" -lt 102400 ]; then
	ok "the process stays small (VmHWM $hwm kB)"
else
	notok "the process stays small (VmHWM '${hwm}' kB, pid '$fpid')"
fi
close_view Escape
tui_check "Esc closes the viewer" "8Delete"

# Hostile bytes: escapes only.
view hostile.txt
tui_wait "^plain start$" 5
tui_check "ESC sequences and BEL, CR, BS, DEL shown as escapes" \
    '^\\e\[2J\\e\]0;pwned\\x07title\\r\\bback\\x7f$'
tui_check "bidi overrides shown" '^\\u\{202E\}evil\\u\{202C\} bidi$'
tui_check "a C1 control shown" '^\\u\{009B\} C1 csi$'
tui_check "a tab expanded" '^        Tabbed$'
tui_check "CJK and a combining accent drawn" \
    "^日本 CJK $(printf 'e\314\201') combining$"
check_row "the screen was not cleared (the header is there)" 1 \
    "hostile\.txt +text"
title=$(tmux_ display-message -p -t t '#{pane_title}')
case "$title" in
*pwned*) notok "the window title is unchanged (it is '$title')" ;;
*) ok "the window title is unchanged" ;;
esac
if tui_screen | LC_ALL=C grep -q '[[:cntrl:]]'; then
	notok "no control byte on the screen"; tui_screen | cat -v
else
	ok "no control byte on the screen"
fi
bad=$(tmux_ capture-pane -p -e -t t | LC_ALL=C grep -o "$(printf '\033')[^m]*m\{0,1\}" |
    LC_ALL=C grep -v "^$(printf '\033')\[[0-9;]*m$" | head -3)
if [ -z "$bad" ]; then ok "only colour sequences reach the terminal"; else
	notok "only colour sequences reach the terminal: $(printf '%s' "$bad" | cat -v)"
fi
close_view q
view badutf.txt
tui_wait "^00000000" 5
tui_check "invalid UTF-8 opens as hex" "^ $top/badutf\.txt +hex "
tui_keys h
check_row "as text, the bad bytes are escapes" 2 '^bad \\xff\\xfe utf8$'
close_view q

tui_quit q
check "quits with status 0" test "$TUI_STATUS" = 0

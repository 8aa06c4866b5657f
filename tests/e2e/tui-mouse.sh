#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The mouse in the browser: a click selects the row under the pointer (and
# focuses its pane), a double click opens a folder, the wheel scrolls the
# pane under the pointer, a drag from one pane released over the other
# runs the copy action (F5) on the marked entries or the one dragged,
# clicks on the function-key bar run that key (7Mkdir, 8Delete, 1Help,
# 10Quit), clicks on dialog buttons answer them, and [ferry] mouse = off
# leaves the mouse alone.
#
# How the mouse is driven.  tmux's send-keys -M only relays a mouse event
# that tmux itself received, so the test writes the terminal's reports
# as text: send-keys -l $'\e[<0;X;YM' (press) and $'\e[<0;X;Ym'
# (release), 1-based cells, SGR encoding (mode 1006).  The pane keeps
# TERM=tmux-256color: with it ncurses 6.4 would ask for X10 reports and
# could not decode SGR ones, which is why ferry asks for modes 1000,
# 1002 and 1006 itself and decodes the reports (src/tui/mouse.h); the
# test checks that tmux sees those modes on.
#
# Today F5 says it is not implemented yet, naming what it would copy and
# where: the drag checks reach it with the right count and destination.
. "$(dirname "$0")/../lib/e2e.sh"
. "$(dirname "$0")/../lib/tui-e2e.sh"

top="$T/top"
mkdir -p "$top/alpha" "$top/beta"
echo inside >"$top/alpha/inner.txt"
i=1
while [ $i -le 40 ]; do
	printf '%s\n' "$i" >"$top/$(printf 'f%02d.txt' $i)"
	i=$((i + 1))
done
TUI_CWD=$top
esc=$(printf '\033')

# Send mouse reports: KIND (press/release/drag/up/down) X Y, 1-based.
mouse() {
	case $1 in
	press)	 s="${esc}[<0;$2;$3M" ;;
	release) s="${esc}[<0;$2;$3m" ;;
	drag)	 s="${esc}[<32;$2;$3M" ;;
	up)	 s="${esc}[<64;$2;$3M" ;;
	down)	 s="${esc}[<65;$2;$3M" ;;
	esac
	tmux_ send-keys -t t -l "$s"
}

click() {
	mouse press "$1" "$2"
	mouse release "$1" "$2"
	tui_settle
}

# The 1-based screen line showing NAME in the left pane (first match).
line_of() {
	tui_screen | sed 's/│.*//' | grep -n -- "^..$1 " | head -1 |
	    cut -d: -f1
}

# The name on the first row of the left pane.
first_row() {
	tui_screen | sed -n 3p | sed 's/│.*//' | awk '{print $1}'
}

tui_start 120 30
tui_wait "f01\.txt" 5
check "the browser asks for SGR mouse reports (1006)" \
    test "$(tmux_ display -p -t t '#{mouse_sgr_flag}')" = 1
check "and for button and drag reports (1000, 1002)" \
    test "$(tmux_ display -p -t t '#{mouse_button_flag}')" = 1

# --- A click selects the row under the pointer.
y=$(line_of f03.txt)
click 10 "$y"
tui_check_cursor "a click puts the cursor on f03.txt" "f03\.txt"
y=$(line_of f05.txt)
click 30 "$y"
tui_check_cursor "another click moves it to f05.txt" "f05\.txt"
tui_keys Down
tui_check_cursor "the keys go on from there" "f06\.txt"

# --- A click in the other pane focuses it: F7 then makes a folder there.
click 80 10
tui_keys F7
tui_check "the click focused the store pane" "New folder in store:/"
tui_keys Escape
click 10 "$(line_of f06.txt)"

# --- A double click opens a folder.
y=$(line_of alpha)
click 10 "$y"
click 10 "$y"
tui_wait "inner\.txt" 5
tui_check "a double click entered alpha" "^ $top/alpha "
tui_check "and shows what is in it" "inner\.txt"
tui_keys BSpace
tui_wait "f01\.txt" 5

# --- Two single clicks far apart in time are not a double click.
y=$(line_of beta)
click 10 "$y"
sleep 0.6
click 10 "$y"
tui_check "two slow clicks do not open" "^ $top "
tui_check_cursor "they select" "beta"

# --- The wheel scrolls the pane under the pointer.
tui_keys Home
check "the pane starts at its top" test "$(first_row)" = /alpha
mouse down 10 10
mouse down 10 10
tui_settle
check "two wheel steps down scroll six rows" test "$(first_row)" = f05.txt
tui_check_cursor "the cursor stays on screen" "f05\.txt"
mouse up 10 10
mouse up 10 10
tui_settle
check "two steps up scroll back" test "$(first_row)" = /alpha
tui_check_cursor "the cursor stayed on f05.txt" "f05\.txt"

# --- Drag marked entries to the store pane: the copy action, with two.
tui_keys Home Down Down Space Space
tui_check "two items marked" "2 marked"
y=$(line_of f01.txt)
mouse press 10 "$y"
mouse drag 30 "$y"
mouse drag 80 12
tui_settle
tui_check "over the other pane, the message says what a drop does" \
    "Release to copy 2 marked entries to store:/\."
mouse release 80 12
tui_settle
tui_check "the drop runs the copy action with the two marked entries" \
    "F5 Copy of 2 entries to store:/ is not implemented yet\."
tui_keys F5
tui_check "F5 says the same (the drag went through its action)" \
    "F5 Copy of 2 entries to store:/ is not implemented yet\."

# --- Without marks, the entry dragged goes.
tui_keys - Enter
tui_check "- with * unmarks the two" "Unmarked 2 entries matching \*"
tui_check_not "the footer counts no marks" "marked \("
y=$(line_of f07.txt)
mouse press 10 "$y"
mouse release 90 5
tui_settle
tui_check "a drag of an unmarked entry copies that one" \
    "F5 Copy of f07\.txt to store:/ is not implemented yet\."
tui_check_cursor "the left pane is active, on the dragged entry" "f07\.txt"

# --- A drag that ends in the same pane does nothing.
tui_keys Escape
y=$(line_of f09.txt)
mouse press 10 "$y"
mouse release 10 5
tui_settle
tui_check_not "a drop in the same pane does not copy" "F5 Copy of f09"

# --- The function-key bar: 7Mkdir opens its dialog, the dialog's
# "Esc: cancel" closes it.
click 75 30
tui_check "a click on 7Mkdir opens the mkdir dialog" "Make folder"
x=$(tui_screen | grep -n "Esc: cancel" | head -1)
yl=${x%%:*}
xc=$(tui_screen | sed -n "${yl}p" | awk '{ print index($0, "Esc: cancel") }')
# index() counts characters; the frame's "│" is one, as on screen.
click "$((xc + 2))" "$yl"
tui_check_not "a click on Esc: cancel closes it" "Make folder"

# --- 8Delete on f40.txt, then a click on Yes deletes it.
tui_keys End
tui_check_cursor "the cursor is on f40.txt" "f40\.txt"
click 85 30
tui_check "a click on 8Delete asks" "Delete the item f40\.txt\?"
yl=$(tui_screen | grep -n "Yes: y/Enter" | cut -d: -f1)
xc=$(tui_screen | sed -n "${yl}p" | awk '{ print index($0, "[ Yes") }')
click "$((xc + 3))" "$yl"
tui_wait_not "Delete the item" 5
tui_wait "Deleted f40\.txt\." 5
check "the click on Yes deleted f40.txt" test ! -e "$top/f40.txt"

# --- A click on No keeps the file.
tui_keys End
click 85 30
yl=$(tui_screen | grep -n "No: n/Esc" | cut -d: -f1)
xc=$(tui_screen | sed -n "${yl}p" | awk '{ print index($0, "[ No") }')
click "$((xc + 3))" "$yl"
tui_check_not "a click on No closes the question" "Delete the item"
check "and f39.txt is still there" test -e "$top/f39.txt"

# --- 1Help shows the keys, the wheel scrolls them, the mouse is listed.
click 3 30
tui_check "a click on 1Help shows the keys" "Keys"
tui_check "it starts at the top" "│ Moving "
mouse down 40 15
mouse down 40 15
tui_settle
tui_check_not "the wheel scrolls it" "│ Moving "
tui_keys End
tui_check "the help lists the mouse" "double-click +open the folder"
tui_keys Escape

# --- A broken report is not a click, and the keys after it still work.
tmux_ send-keys -t t -l "${esc}[<0;1x"
tui_settle
tui_keys Home
tui_check_cursor "keys work after a malformed report" "alpha"

# --- A terminal without mode 1006 sends X10 reports: button, column and
# row, each plus 32 (so column 10 is '*').  They work too.
y=$(line_of f04.txt)
yc=$(printf "\\$(printf '%03o' $((y + 32)))")
tmux_ send-keys -t t -l "${esc}[M *$yc${esc}[M#*$yc"
tui_settle
tui_check_cursor "an X10 click selects the row" "f04\.txt"

# --- 10Quit quits.
mouse press 115 30
mouse release 115 30
tui_quit
check "a click on 10Quit quits with status 0" test "$TUI_STATUS" = 0
check "the mouse reports are off after the exit" \
    test "$(tmux_ display -p -t t '#{mouse_any_flag}')" = 0
tui_stop

# --- [ferry] mouse = off: no reports asked for, a report is no click.
mkdir -p "$XDG_CONFIG_HOME/ferry"
printf '[ferry]\nmouse = off\n' >"$XDG_CONFIG_HOME/ferry/config"
TUI_SOCK="ferry-tui-$$-off"
tui_start 120 30
tui_wait "f01\.txt" 5
check "mouse = off asks for no reports" \
    test "$(tmux_ display -p -t t '#{mouse_any_flag}')" = 0
click 10 "$(line_of f05.txt)"
tui_check_cursor "and a report does not move the cursor" "alpha"
tui_quit F10
check "F10 quits with status 0" test "$TUI_STATUS" = 0

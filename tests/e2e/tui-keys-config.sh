#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Key bindings from the [keys] section of the config: remapped keys work
# (down = C-n, j; mkdir = m; quit = x), the keys they replace no longer
# do what they did (q no longer quits, F7 no longer makes a folder), a
# default key taken by another action moves with it (reload = s leaves
# sort with no key), and F1 lists the keys as configured.  A bad binding
# (an unknown action, an unknown key name, one key for two actions, C-c)
# stops ferry with status 2 and a message naming the config file, the
# action and the key, before the screen is touched.
. "$(dirname "$0")/../lib/e2e.sh"
. "$(dirname "$0")/../lib/tui-e2e.sh"

mkdir -p "$T/d/one" "$T/d/two" "$T/d/three"
TUI_CWD=$T/d
cfg=$XDG_CONFIG_HOME/ferry/config
mkdir -p "$XDG_CONFIG_HOME/ferry"
cat >"$cfg" <<'EOF'
[keys]
down = C-n, j
mkdir = m
quit = x
reload = s
EOF

tui_start 100 30
tui_wait "/two" 5
tui_check_cursor "the cursor starts on the first folder" "^ /one "
tui_keys C-n
tui_check_cursor "C-n (down = C-n, j) moves down" "^ /three "
tui_keys j
tui_check_cursor "j still moves down (it is listed too)" "^ /two "
tui_keys Down
tui_check_cursor "Down no longer moves (not listed)" "^ /two "

tui_keys m
tui_check "m (mkdir = m) opens the mkdir dialog" "Make folder"
tui_keys Escape
tui_check_not "Esc closes it" "Make folder"
tui_keys F7
tui_check_not "F7 no longer makes a folder" "Make folder"

tui_keys s
tui_check_not "s reloads now instead of sorting" "Sorted by"

tui_keys q
tui_check "q no longer quits (quit = x)" "10Quit"

tui_keys F1
tui_check "F1 still shows the keys" "Keys"
tui_check "the help lists down as configured" "C-n, j +next entry"
tui_check "and reload on s" "  s +reload the folder"
tui_check "sort lost its only key" "\(no key\) +sort by name"
tui_keys End
tui_check "and mkdir (further down)" "  m +make a folder"
tui_check "and quit on x" "  x +quit"
tui_keys Escape
tui_quit x
check "x quits with status 0" test "$TUI_STATUS" = 0
tui_stop

# --- Bad bindings: status 2, the file, the action and the key.
bad() {	# DESC PATTERN LINE...
	desc=$1; pat=$2; shift 2
	printf '[keys]\n' >"$cfg"
	for l in "$@"; do printf '%s\n' "$l" >>"$cfg"; done
	check_err 2 "$desc" "$pat" "$FERRY" .
}
bad "an unknown action is named" \
    "^ferry: $cfg: \[keys\] unknown action 'cpy'" "cpy = F5"
bad "an unknown key is named with its action" \
    "^ferry: $cfg: \[keys\] copy: unknown key 'F55'" "copy = c, F55"
bad "Alt keys are refused by name" \
    "^ferry: $cfg: \[keys\] move: unknown key 'M-m'" "move = M-m"
bad "one key for two actions is refused" \
    "^ferry: $cfg: \[keys\] key 'x' is bound to both copy and quit" \
    "copy = x" "quit = F10, x"
bad "an empty key in a list is refused" \
    "^ferry: $cfg: \[keys\] copy: an empty key name in 'a,,b'" \
    "copy = a,,b"
bad "C-c cannot be bound (it is a signal first)" \
    "^ferry: $cfg: \[keys\] quit: C-c cannot be bound" "quit = q, C-c"
bad "a hostile key name is shown escaped" \
    "^ferry: $cfg: \[keys\] copy: unknown key '\\\\e\[2J'" \
    "$(printf 'copy = \033[2J')"

# In a terminal: nothing drawn, status 2.
printf '[keys]\ncpy = F5\n' >"$cfg"
TUI_SOCK="$TUI_SOCK-z"
tmux_ -f /dev/null new-session -d -s t -x 80 -y 10 \
    "cd '$T/d' && env LANG=C.UTF-8 HOME='$HOME' XDG_CONFIG_HOME='$XDG_CONFIG_HOME' FERRY_STORE='$FERRY_STORE' '$FERRY' 2>'$T/b.err'; echo \$? >'$T/b.status'; tmux -L $TUI_SOCK wait-for -S done; sleep 5"
tmux_ set-option -t t remain-on-exit on >/dev/null
if timeout 10 tmux -L "$TUI_SOCK" wait-for done; then
	check "in a terminal: status 2" test "$(cat "$T/b.status")" = 2
	check "in a terminal: the message names the action" \
	    grep -q "unknown action 'cpy'" "$T/b.err"
	check "in a terminal: the screen was not touched" \
	    test -z "$(tmux_ capture-pane -p -t t | tr -d ' \n')"
else
	notok "in a terminal: ferry did not exit"
fi

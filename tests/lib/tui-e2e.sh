# SPDX-License-Identifier: MIT
#
# Sourced by tests/e2e/tui-*.sh after tests/lib/e2e.sh: run the browser in
# a private tmux server and read its screen (tech-notes section 7).
#
#   tui_start W H [ENV=VALUE ...] [-- LOCATION ...]
#                       start it in a W x H window (the current directory
#                       is $TUI_CWD, default $T); NO_COLOR=1 and
#                       FERRY_TEST_FREEZE=1 are set so screens settle and
#                       the cursor row is reverse video
#   tui_screen          the screen as text
#   tui_wait PATTERN [SECONDS]      wait until the screen matches grep -E
#   tui_wait_not PATTERN [SECONDS]  wait until it no longer matches
#   tui_settle          wait until three snapshots 50 ms apart agree
#   tui_keys KEY...     send-keys, then settle (tmux key names)
#   tui_type TEXT       send literal text, then settle
#   tui_cursor          the text of the cursor row (reverse video)
#   tui_resize W H      resize the window (the app gets SIGWINCH)
#   tui_quit KEY...     send keys that should quit; wait for the exit and
#                       set TUI_STATUS to the exit status
#   tui_check DESC PATTERN          ok when the screen matches
#   tui_check_not DESC PATTERN      ok when it does not
#
# The browser runs as $TUI_BIN, the real ferry with no subcommand (or
# with location arguments).  Every test gets its own -L
# socket; the server is killed in the EXIT trap, and on a failure the
# last screen is printed as a "#" comment.

: "${TUI_BIN:=$FERRY}"
TUI_SOCK="ferry-tui-$$-$(date +%s)"
TUI_CWD="$T"
TUI_STATUS=""
TUI_W=0
TUI_H=0

tui_stop() {
	tmux -L "$TUI_SOCK" kill-server 2>/dev/null
}
trap 'tui_stop; e2e_cleanup' EXIT

tmux_() {
	tmux -L "$TUI_SOCK" "$@"
}

# Single-quote $1 for sh.
tui_q() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

tui_start() {
	TUI_W=$1; TUI_H=$2; shift 2
	envs="LANG=C.UTF-8 NO_COLOR=1 FERRY_TEST_FREEZE=1"
	envs="$envs HOME=$(tui_q "$HOME") FERRY_STORE=$(tui_q "$FERRY_STORE")"
	envs="$envs XDG_CONFIG_HOME=$(tui_q "$XDG_CONFIG_HOME")"
	envs="$envs XDG_DATA_HOME=$(tui_q "$XDG_DATA_HOME")"
	envs="$envs ASAN_OPTIONS=${ASAN_OPTIONS:-} UBSAN_OPTIONS=${UBSAN_OPTIONS:-}"
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		envs="$envs $(tui_q "$1")"; shift
	done
	[ "${1:-}" = "--" ] && shift
	args=""
	for a in "$@"; do args="$args $(tui_q "$a")"; done
	cmd="cd $(tui_q "$TUI_CWD") && env $envs $(tui_q "$TUI_BIN")$args"
	cmd="$cmd 2>$(tui_q "$T/tui.stderr"); echo \$? >$(tui_q "$T/tui.status")"
	# Stay alive a little: a dead pane's flags (cursor) mean nothing.
	cmd="$cmd; tmux -L $TUI_SOCK wait-for -S done; sleep 5"
	tmux_ -f /dev/null new-session -d -s t -x "$TUI_W" -y "$TUI_H" "$cmd"
	tmux_ set-option -t t remain-on-exit on >/dev/null
	pid=$(tmux_ display-message -p -t t '#{pid}' 2>/dev/null)
	[ -n "$pid" ] && PIDS="$PIDS $pid"
	# The first screen: both function-key bar and a footer.
	tui_wait '10Quit|Quit' 10 || notok "the browser did not start"
}

tui_screen() {
	tmux_ capture-pane -p -t t
}

tui_dump() {
	echo "# --- screen ---"
	tui_screen | sed 's/^/#|/'
	[ -s "$T/tui.stderr" ] && sed 's/^/# stderr: /' "$T/tui.stderr"
	return 0
}

# Seconds as tenths of 50 ms polls.
tui_wait() {
	pat=$1; secs=${2:-10}; n=$((secs * 20))
	while [ "$n" -gt 0 ]; do
		tui_screen | grep -Eq -- "$pat" && return 0
		sleep 0.05
		n=$((n - 1))
	done
	return 1
}

tui_wait_not() {
	pat=$1; secs=${2:-10}; n=$((secs * 20))
	while [ "$n" -gt 0 ]; do
		tui_screen | grep -Eq -- "$pat" || return 0
		sleep 0.05
		n=$((n - 1))
	done
	return 1
}

tui_settle() {
	prev=""; same=0; n=200
	while [ "$n" -gt 0 ]; do
		cur=$(tmux_ capture-pane -p -e -t t)
		if [ "$cur" = "$prev" ]; then
			same=$((same + 1))
			[ "$same" -ge 2 ] && return 0
		else
			same=0
		fi
		prev=$cur
		sleep 0.05
		n=$((n - 1))
	done
	return 1
}

tui_keys() {
	for k in "$@"; do
		tmux_ send-keys -t t "$k"
		tui_settle
	done
}

tui_type() {
	tmux_ send-keys -t t -l "$1"
	tui_settle
}

tui_resize() {
	tmux_ resize-window -t t -x "$1" -y "$2"
	TUI_W=$1; TUI_H=$2
}

# The reverse-video run on the pane rows (lines 3 .. H-3): the cursor row
# of the active pane, escapes inside it included (they are drawn reverse
# and underlined).  Needs NO_COLOR (reverse is the cursor's mark).
tui_cursor() {
	esc=$(printf '\033')
	tmux_ capture-pane -p -e -t t | sed -n "3,$((TUI_H - 3))p" |
	    sed -e "s/$esc\[\([0-9]*;\)*7\(;[0-9]*\)*m/<R>/g" \
		-e "s/$esc\[0\{0,1\}\(;[0-9]*\)*m/<\/R>/g" \
		-e "s/$esc\[[0-9;]*m//g" |
	    sed -n '/<R>/{s/^[^<]*<R>//;s/<\/R>.*//;s/<R>//g;p;}' | head -1
}

tui_quit() {
	for k in "$@"; do tmux_ send-keys -t t "$k"; done
	if timeout 10 tmux -L "$TUI_SOCK" wait-for done; then
		TUI_STATUS=$(cat "$T/tui.status" 2>/dev/null)
	else
		TUI_STATUS="timeout"
	fi
}

tui_check() {
	if tui_screen | grep -Eq -- "$2"; then ok "$1"; else
		notok "$1 (wanted /$2/)"; tui_dump; fi
}

tui_check_not() {
	if tui_screen | grep -Eq -- "$2"; then
		notok "$1 (did not want /$2/)"; tui_dump; else ok "$1"; fi
}

# ok when the cursor row matches PATTERN.
tui_check_cursor() {
	c=$(tui_cursor)
	if printf '%s\n' "$c" | grep -Eq -- "$2"; then ok "$1"; else
		notok "$1 (cursor row is '$c', wanted /$2/)"; tui_dump; fi
}

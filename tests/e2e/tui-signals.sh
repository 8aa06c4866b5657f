#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Every way out restores the terminal: after SIGTERM, SIGHUP and a fatal
# SIGSEGV the browser dies of that signal with the terminal back on the
# normal screen (tmux's alternate_on is 0) and the cursor visible.
. "$(dirname "$0")/../lib/e2e.sh"
. "$(dirname "$0")/../lib/tui-e2e.sh"

mkdir -p "$T/top/sub"
TUI_CWD="$T/top"

# The browser's pid: the child of the pane's shell.
app_pid() {
	sh_pid=$(tmux_ display-message -p -t t '#{pane_pid}')
	ps -o pid= --ppid "$sh_pid" | tr -d ' ' | head -1
}

# Wait up to 2 s for a pane flag to take a value.
pane_flag() {
	k=0
	while [ $k -lt 40 ]; do
		[ "$(tmux_ display-message -p -t t "#{$1}")" = "$2" ] &&
		    return 0
		sleep 0.05; k=$((k + 1))
	done
	return 1
}

n=0
for sig in TERM HUP SEGV; do
	case $sig in TERM) num=15 ;; HUP) num=1 ;; SEGV) num=11 ;; esac
	n=$((n + 1))
	TUI_SOCK="$TUI_SOCK-$n"
	tui_start 100 20
	tui_wait "1 entries" 5
	alt=$(tmux_ display-message -p -t t '#{alternate_on}')
	check "SIG$sig: the browser uses the alternate screen" test "$alt" = 1
	pid=$(app_pid)
	if [ -z "$pid" ]; then
		notok "SIG$sig: found the browser's pid"
		continue
	fi
	kill -s "$sig" "$pid"
	if timeout 10 tmux -L "$TUI_SOCK" wait-for done; then
		st=$(cat "$T/tui.status")
		check "SIG$sig: it died of the signal (status $st)" \
		    test "$st" = $((128 + num))
	else
		notok "SIG$sig: it exited"
	fi
	# The pane's last output may reach tmux after the wait-for.
	check "SIG$sig: the terminal is back on the normal screen" \
	    pane_flag alternate_on 0
	check "SIG$sig: the cursor is visible again" pane_flag cursor_flag 1
	tui_stop
done

# SPDX-License-Identifier: MIT
#
# Sourced by tests/e2e/ferryd-*.sh after tests/lib/e2e.sh: start ferryd on
# a loopback port, make tokens, drive it with curl, read JSON with python3,
# stop it by PID and check its stderr for sanitizer reports.
#   fd_start [ferryd flags...]    start on 127.0.0.1:0; sets FD_URL, FD_PID
#   fd_stop                       SIGTERM, wait; ok when it exits 0 and its
#                                 stderr has no sanitizer report
#   fd_kill9                      SIGKILL (no checks)
#   fd_token USER [--admin]       print a new token (the command's last line)
#   req TOKEN METHOD PATH [curl args...]
#                                 status code on stdout; body in $T/body,
#                                 headers in $T/headers ("-" TOKEN: none)
#   expect "desc" STATUS TOKEN METHOD PATH [curl args...]
#                                 ok when the status is STATUS; on a JSON
#                                 error the body must have error.code and
#                                 error.message
#   jget EXPR                     evaluate a python expression on the last
#                                 body (as `d`), print the result
#   jcheck "desc" EXPR            ok when EXPR is true on the last body
: "${FERRYD:=$FERRY_BUILD/ferryd}"
# The system python (a pyenv shim in PATH costs most of a second a call).
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
FD_STORE=$T/fstore
FD_PID=""
FD_URL=""
FD_N=0

fd_start() {
	FD_N=$((FD_N + 1))
	rm -f "$T/port"
	"$FERRYD" --store "$FD_STORE" --listen 127.0.0.1:0 \
	    --port-file "$T/port" "$@" 2>>"$T/ferryd.err" &
	FD_PID=$!
	PIDS="$PIDS $FD_PID"
	i=0
	while [ ! -s "$T/port" ] && [ $i -lt 200 ]; do
		if ! kill -0 "$FD_PID" 2>/dev/null; then break; fi
		sleep 0.05; i=$((i + 1))
	done
	if [ ! -s "$T/port" ]; then
		notok "ferryd started (run $FD_N)"
		sed 's/^/#   /' "$T/ferryd.err" | tail -20
		return 1
	fi
	FD_URL="http://127.0.0.1:$(cat "$T/port")"
	return 0
}

fd_sanitizer_clean() {
	! grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer|ThreadSanitizer' \
	    "$T/ferryd.err"
}

fd_stop() {
	[ -n "$FD_PID" ] || return 0
	kill -TERM "$FD_PID" 2>/dev/null
	wait "$FD_PID"
	rc=$?
	FD_PID=""
	if [ "$rc" -eq 0 ] && fd_sanitizer_clean; then
		ok "ferryd run $FD_N stopped cleanly on SIGTERM"
	else
		notok "ferryd run $FD_N stopped cleanly on SIGTERM (exit $rc)"
		grep -E -A30 'Sanitizer|runtime error' "$T/ferryd.err" |
		    head -60 | sed 's/^/#   /'
	fi
}

fd_kill9() {
	[ -n "$FD_PID" ] || return 0
	kill -9 "$FD_PID" 2>/dev/null
	wait "$FD_PID" 2>/dev/null
	FD_PID=""
}

fd_token() {
	"$FERRYD" --store "$FD_STORE" token add "$@" 2>>"$T/ferryd.err" |
	    tail -n 1
}

req() {
	tok=$1; method=$2; path=$3; shift 3
	if [ "$tok" = "-" ]; then
		set -- -H "X-None: 1" "$@"
	else
		set -- -H "Authorization: Bearer $tok" "$@"
	fi
	case "$method" in
	HEAD) set -- -I "$@" ;;
	*) set -- -X "$method" "$@" ;;
	esac
	rm -f "$T/body"
	curl -s -g -o "$T/body" -D "$T/headers" -w '%{http_code}' \
	    --max-time 60 "$@" "$FD_URL$path"
}

jget() {
	$PY -c '
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception as e:
    print("<not json: %s>" % e); sys.exit(0)
r = eval("(" + sys.argv[2] + ")")
print(r if not isinstance(r, (dict, list)) else json.dumps(r))
' "$T/body" "$1"
}

jcheck() {
	desc=$1; expr=$2
	if $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)
' "$T/body" "$expr" 2>/dev/null; then ok "$desc"; else
		notok "$desc (wanted $expr)"
		head -c 600 "$T/body" | sed 's/^/#   /'; echo
	fi
}

# An error body has the agreed shape.
fd_error_shape() {
	$PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
e = d["error"]
sys.exit(0 if isinstance(e["code"], str) and isinstance(e["message"], str)
    and e["message"] else 1)
' "$T/body" 2>/dev/null
}

expect() {
	desc=$1; want=$2; shift 2
	got=$(req "$@")
	if [ "$got" != "$want" ]; then
		notok "$desc (status $got, wanted $want)"
		head -c 600 "$T/body" | sed 's/^/#   /'; echo
		return 1
	fi
	case "$want" in
	4*|5*)
		if [ "$1" != HEAD ] && ! fd_error_shape; then
			notok "$desc (status $want but no JSON error body)"
			head -c 300 "$T/body" | sed 's/^/#   /'; echo
			return 1
		fi ;;
	esac
	ok "$desc"
	return 0
}

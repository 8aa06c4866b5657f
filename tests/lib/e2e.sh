# SPDX-License-Identifier: MIT
#
# Sourced by tests/e2e/*.sh.  Gives each script a private directory with
# its own store, config, data and state homes, a cleanup trap that kills
# the processes it started (by PID) and removes the directory, and
# TAP-like helpers whose lines tests/run.sh counts.
#   ok "desc" / notok "desc"
#   check "desc" cmd...              ok when cmd exits 0
#   check_fails CODE "desc" cmd...   ok when cmd exits CODE
#   check_out "desc" PATTERN cmd...  ok when cmd exits 0 and its output
#                                    (stdout+stderr) matches grep -E PATTERN
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
: "${FERRY:=$top/build/release/ferry}"
: "${FERRY_BUILD:=$(dirname "$FERRY")}"
: "${FERRY_VARIANT:=release}"
T=$(mktemp -d "${TMPDIR:-/tmp}/ferry-e2e.XXXXXX")
export FERRY_STORE="$T/store"
export XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/data"
export XDG_STATE_HOME="$T/state" XDG_CACHE_HOME="$T/cache"
export HOME="$T/home"
export LANG=C.UTF-8
mkdir -p "$HOME" "$XDG_CONFIG_HOME"
PIDS=""

e2e_cleanup() {
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	if [ -n "${KEEP:-}" ]; then echo "# kept $T"; else rm -rf "$T"; fi
}
trap e2e_cleanup EXIT
trap 'exit 130' INT TERM

ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; }

check() {
	desc=$1; shift
	if "$@" >"$T/.out" 2>&1; then ok "$desc"; else
		notok "$desc"; sed 's/^/#   /' "$T/.out" | head -20; fi
}

check_fails() {
	want=$1; desc=$2; shift 2
	"$@" >"$T/.out" 2>&1
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$desc"; else
		notok "$desc (exit $rc, wanted $want)"
		sed 's/^/#   /' "$T/.out" | head -20; fi
}

check_out() {
	desc=$1; pat=$2; shift 2
	if "$@" >"$T/.out" 2>&1 && grep -Eq -- "$pat" "$T/.out"; then
		ok "$desc"; else notok "$desc (wanted /$pat/)"
		sed 's/^/#   /' "$T/.out" | head -20; fi
}

# Error output must match PATTERN and exit with CODE.
check_err() {
	want=$1; desc=$2; pat=$3; shift 3
	"$@" >"$T/.out" 2>&1
	rc=$?
	if [ "$rc" -eq "$want" ] && grep -Eq -- "$pat" "$T/.out"; then
		ok "$desc"; else notok "$desc (exit $rc, wanted $want and /$pat/)"
		sed 's/^/#   /' "$T/.out" | head -20; fi
}

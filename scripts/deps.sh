#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Install the Debian packages ferry needs, if any are missing.
#   scripts/deps.sh build   compiler and libraries
#   scripts/deps.sh test    also what the test suite runs (tmux, zip, ...)
#   scripts/deps.sh bench   also what bench/ compares with (nnn, mc,
#                           valgrind for callgrind)
# As root it runs apt-get; otherwise sudo when it works without asking;
# otherwise it prints the exact command and fails.
set -eu

BUILD_PKGS="gcc make pkg-config libsqlite3-dev libmagic-dev libmagic-mgc
uuid-dev libcjson-dev libinih-dev libssl-dev zlib1g-dev libncurses-dev
ncurses-base libmicrohttpd-dev"
TEST_PKGS="tmux zip unzip python3 sqlite3 procps psmisc coreutils file curl
p7zip-full libarchive-tools"

BENCH_PKGS="nnn mc valgrind tmux procps python3"

want=$BUILD_PKGS
case "${1:-build}" in
build) ;;
test) want="$BUILD_PKGS $TEST_PKGS" ;;
bench) want="$BUILD_PKGS $BENCH_PKGS" ;;
*)
	echo "ferry: scripts/deps.sh: unknown mode '$1' (build, test, bench)" >&2
	exit 2
	;;
esac

missing=""
for p in $want; do
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$s" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

echo "ferry: installing missing packages:$missing" >&2
if [ "$(id -u)" = 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	SUDO="sudo -n"
else
	echo "ferry: these Debian packages are missing:$missing" >&2
	echo "ferry: install them with:" >&2
	echo "    sudo apt-get update && sudo apt-get install -y$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# An old or empty package list makes installs fail; refresh it first.
$SUDO apt-get update -qq >&2 || true
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2

# SPDX-License-Identifier: MIT
#
# Sourced by bench/tui-*.sh: folders of N empty files, made once and kept
# under $BENCH_DATA (default build/bench-data) for the next run.
#
#   bench_folder N     prints the folder's path, making it when needed
#
# A folder holds N empty files named file-0000000.dat, file-0000001.dat,
# ... (seven digits, so every tool sorts them alike and the first screen
# starts with file-0000000.dat) and nothing else.  It counts as made only
# when its stamp DIR.ok (beside it, not in it) says N; a folder left half
# made by an interrupted run is finished, not trusted.  Before making one
# the disk is checked: N inodes and about 4 KiB of directory per 16
# entries, with a margin.

: "${BENCH_DATA:=$top/build/bench-data}"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

bench_folder() {
	_n=$1
	_d=$BENCH_DATA/files-$_n
	if [ -f "$_d.ok" ] && [ "$(cat "$_d.ok")" = "$_n" ]; then
		echo "$_d"
		return 0
	fi
	mkdir -p "$BENCH_DATA"
	# df -P: 1K blocks available; df -iP: inodes available.
	_kb=$(df -P "$BENCH_DATA" | awk 'NR == 2 { print $4 }')
	_ino=$(df -iP "$BENCH_DATA" | awk 'NR == 2 { print $4 }')
	_need_kb=$((_n / 4 + 65536))
	if [ "$_kb" -lt "$_need_kb" ]; then
		echo "bench: $BENCH_DATA: ${_kb} KiB free, $_n entries need" \
		    "about $_need_kb KiB" >&2
		return 1
	fi
	case "$_ino" in
	''|*[!0-9]*) ;;	# no inode count (btrfs says "-"): nothing to check
	*)
		if [ "$_ino" -lt $((_n + 10000)) ]; then
			echo "bench: $BENCH_DATA: $_ino inodes free, $_n" \
			    "entries need as many" >&2
			return 1
		fi
		;;
	esac
	echo "bench: making $_d ($_n empty files) ..." >&2
	rm -f "$_d.ok"
	mkdir -p "$_d"
	$PY - "$_d" "$_n" <<'EOF' >&2 || return 1
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
fd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
have = set(os.listdir(fd))
want = {"file-%07d.dat" % i for i in range(n)}
for name in have - want:		# an older run's leftovers
    os.unlink(name, dir_fd=fd)
for name in want - have:
    os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644,
                     dir_fd=fd))
os.close(fd)
EOF
	echo "$_n" >"$_d.ok"
	echo "$_d"
}

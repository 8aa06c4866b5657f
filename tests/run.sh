#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Run the whole suite once per build directory given (build/release,
# build/asan): every unit test binary, then every end-to-end script in
# tests/e2e/.  Each prints TAP-like "ok - name" / "not ok - name" lines;
# a binary or script that exits non-zero without a "not ok" line (a crash,
# a sanitizer report) counts as one more failure.  Logs of each run stay in
# build/test-logs/.  The last line is "N passed, N failed".
#
# TESTS=pattern limits the run to unit binaries and scripts whose name
# contains the pattern.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
logs="$top/build/test-logs"
mkdir -p "$logs"	# each log is rewritten by its own test; never wiped
passed=0
failed=0
failures=""

run_one() {	# variant name log command...
	variant=$1; name=$2; log=$3; shift 3
	start=$(date +%s)
	"$@" >"$log" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name exited $rc" >>"$log"
		f=1
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name ran no check" >>"$log"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	end=$(date +%s)
	printf '%-8s %-34s %4d passed %3d failed %4ss\n' "$variant" "$name" \
	    "$p" "$f" "$((end - start))"
	if [ "$f" -ne 0 ]; then
		grep -E '^(not ok|#)' "$log" | head -40 | sed 's/^/    /'
		failures="$failures $variant/$name"
	fi
}

for b in "$@"; do
	variant=$(basename "$b")
	export FERRY_BUILD="$top/$b"
	export FERRY="$top/$b/ferry"
	export FERRY_VARIANT="$variant"
	export ASAN_OPTIONS="abort_on_error=0:detect_leaks=1:exitcode=86"
	export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=87"
	export LANG=C.UTF-8
	for t in "$b"/tests/*-test; do
		[ -x "$t" ] || continue
		n=$(basename "$t")
		case "$n" in *"${TESTS:-}"*) ;; *) continue ;; esac
		run_one "$variant" "$n" "$logs/$variant-$n.log" \
		    timeout 900 "$t"
	done
	for s in tests/e2e/*.sh; do
		[ -f "$s" ] || continue
		n=$(basename "$s" .sh)
		case "$n" in *"${TESTS:-}"*) ;; *) continue ;; esac
		run_one "$variant" "$n" "$logs/$variant-$n.log" \
		    timeout 1800 sh "$s"
	done
done
[ -n "$failures" ] && echo "failed:$failures (logs in build/test-logs/)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

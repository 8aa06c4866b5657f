#!/bin/sh
# SPDX-License-Identifier: MIT
#
# ferryd killed with SIGKILL during many parallel uploads, several times:
# after each kill the store has no row without its blob, no blob of the
# wrong size and no orphan row (`ferryd check`), every item present is
# whole (its sha256 is the file's), and once `ferryd gc` has run the check
# is clean.  The uploads cut by a kill are then retried (overwrite, with
# the expected sha256) and all of them end up stored and downloadable
# with matching checksums.
. "$(dirname "$0")/../lib/e2e.sh"
. "$(dirname "$0")/../lib/ferryd.sh"

N=50
[ "$FERRY_VARIANT" = asan ] && N=16
TOK=$(fd_token alice)
mkdir -p "$T/files"
i=1
while [ $i -le $N ]; do
	head -c $((1048576 + i * 1000)) /dev/urandom >"$T/files/f$i"
	i=$((i + 1))
done
(cd "$T/files" && sha256sum f* >"$T/sums")

# Rows consistent: no missing or bad blob, no orphan row.
rows_ok() {
	"$FERRYD" --store "$FD_STORE" check >"$T/check.out" 2>&1
	grep -q 'missing_blobs 0 bad_blobs 0 orphan_rows 0' "$T/check.out"
}

# Every item present has the sha256 of its file.
items_whole() {
	req "$TOK" GET '/v1/folders/root/children?limit=1000' >/dev/null
	$PY - "$T/body" "$T/sums" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
sums = dict(l.split()[::-1] for l in open(sys.argv[2]))
bad = [e["name"] for e in d["entries"] if sums.get(e["name"]) != e["sha256"]]
print("bad:", bad) if bad else None
sys.exit(1 if bad else 0)
EOF
}

for round in 1 2 3; do
	fd_start --no-fsync --threads 8 || exit 1
	pids=""
	i=1
	while [ $i -le $N ]; do
		curl -s -o /dev/null --limit-rate 2M -H "Authorization: Bearer $TOK" \
		    -H "X-Ferry-Sha256: $(grep " f$i\$" "$T/sums" | cut -d' ' -f1)" \
		    -T "$T/files/f$i" \
		    "$FD_URL/v1/folders/root/items/f$i?overwrite=true" &
		pids="$pids $!"
		i=$((i + 1))
	done
	PIDS="$PIDS $pids"
	sleep "0.$((round * 2))"
	fd_kill9
	for p in $pids; do wait "$p" 2>/dev/null; done
	check "round $round: no missing blob or orphan row after SIGKILL" rows_ok
	fd_start --no-fsync || exit 1
	check "round $round: every item present is whole" items_whole
	fd_stop
done
check "ferryd gc" "$FERRYD" --store "$FD_STORE" gc
check "after gc the store is clean" "$FERRYD" --store "$FD_STORE" check

fd_start || exit 1
fails=0
i=1
while [ $i -le $N ]; do
	code=$(req "$TOK" PUT "/v1/folders/root/items/f$i?overwrite=true" \
	    -T "$T/files/f$i" \
	    -H "X-Ferry-Sha256: $(grep " f$i\$" "$T/sums" | cut -d' ' -f1)")
	case "$code" in 200|201) ;; *) fails=$((fails + 1)) ;; esac
	i=$((i + 1))
done
check "every upload retried successfully" test "$fails" -eq 0
check "all $N items whole" items_whole
req "$TOK" GET '/v1/folders/root/children?limit=1000' >/dev/null
check "exactly $N items" test "$(jget 'd["total"]')" -eq "$N"
expect "download one" 200 "$TOK" GET "/v1/paths/f7"
expect "...its content" 200 "$TOK" GET "/v1/items/$(jget 'd["id"]')/content"
check "...identical" cmp -s "$T/body" "$T/files/f7"
fd_stop
check "the store is clean" "$FERRYD" --store "$FD_STORE" check

#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Many clients on one folder at once: 40 parallel creates of the same
# name give exactly one 201 and 39 409s (never a 5xx); 60 parallel
# uploads of distinct names all succeed; a client paging through the
# folder (limit 7) while 60 more items are added sees every item that was
# there before exactly once; 30 parallel renames of distinct items and
# 30 parallel metadata updates all succeed; the store stays consistent.
. "$(dirname "$0")/../lib/e2e.sh"
. "$(dirname "$0")/../lib/ferryd.sh"

TOK=$(fd_token alice)
fd_start --threads 4 || exit 1
J='-H Content-Type:application/json'
expect "a shared folder" 201 "$TOK" POST /v1/folders $J -d '{"name": "shared"}'
S=$(jget 'd["id"]')

mkdir -p "$T/out"
JOBS=""
# Wait for the curls started since the last call (not for ferryd).
waitjobs() {
	for p in $JOBS; do wait "$p"; done
	JOBS=""
}
i=1
while [ $i -le 40 ]; do
	curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $TOK" \
	    -X POST -d "{\"parent_id\": \"$S\", \"name\": \"same\"}" \
	    "$FD_URL/v1/folders" >"$T/out/c$i" &
	JOBS="$JOBS $!"
	i=$((i + 1))
done
waitjobs
check "40 creates of one name: exactly one 201" \
    test "$(cat "$T/out"/c* | grep -c '^201$')" -eq 1
check "...and 39 409s" test "$(cat "$T/out"/c* | grep -c '^409$')" -eq 39

printf 'x\n' >"$T/x"
i=1
while [ $i -le 60 ]; do
	curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $TOK" \
	    -T "$T/x" "$FD_URL/v1/folders/$S/items/a$i" >"$T/out/u$i" &
	JOBS="$JOBS $!"
	i=$((i + 1))
done
waitjobs
check "60 parallel uploads: all 201" \
    test "$(cat "$T/out"/u* | grep -c '^201$')" -eq 60

# page through while others add items
i=1
while [ $i -le 60 ]; do
	curl -s -o /dev/null -H "Authorization: Bearer $TOK" -T "$T/x" \
	    "$FD_URL/v1/folders/$S/items/b$i" &
	JOBS="$JOBS $!"
	i=$((i + 1))
done
: >"$T/seen"
cursor=""
while :; do
	if [ -n "$cursor" ]; then
		req "$TOK" GET "/v1/folders/$S/children?limit=7&type=item" -G \
		    --data-urlencode "cursor=$cursor" >/dev/null
	else
		req "$TOK" GET "/v1/folders/$S/children?limit=7&type=item" >/dev/null
	fi
	jget '"\n".join(e["name"] for e in d["entries"])' >>"$T/seen"
	cursor=$(jget 'd["next_cursor"] or ""')
	[ -z "$cursor" ] && break
done
waitjobs
check "every earlier item seen exactly once while others were added" \
    sh -c "[ \"\$(grep -c '^a' '$T/seen')\" -eq 60 ] &&
        [ -z \"\$(sort '$T/seen' | uniq -d)\" ]"
req "$TOK" GET "/v1/folders/$S/children?limit=1000&type=item" >/dev/null
check "120 items in the end" test "$(jget 'd["total"]')" -eq 120

i=1
while [ $i -le 30 ]; do
	id=$(req "$TOK" GET "/v1/paths/shared/a$i" >/dev/null; jget 'd["id"]')
	curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $TOK" \
	    -X PATCH -d "{\"name\": \"r$i\"}" "$FD_URL/v1/items/$id" \
	    >"$T/out/r$i" &
	JOBS="$JOBS $!"
	id2=$(req "$TOK" GET "/v1/paths/shared/b$i" >/dev/null; jget 'd["id"]')
	curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $TOK" \
	    -X PATCH -d "{\"client_metadata\": {\"n\": $i}}" \
	    "$FD_URL/v1/items/$id2" >"$T/out/m$i" &
	JOBS="$JOBS $!"
	i=$((i + 1))
done
waitjobs
check "30 parallel renames: all 200" \
    test "$(cat "$T/out"/r* | grep -c '^200$')" -eq 30
check "30 parallel metadata updates: all 200" \
    test "$(cat "$T/out"/m* | grep -c '^200$')" -eq 30
check "no 5xx anywhere" sh -c "! grep -Eq '\" 5[0-9][0-9] ' '$T/ferryd.err'"
fd_stop
check "the store is consistent" "$FERRYD" --store "$FD_STORE" check

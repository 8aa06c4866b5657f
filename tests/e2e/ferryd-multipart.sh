#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Resumable multipart upload: start (declared size and sha256), parts in
# random order, a part sent twice (the later wins), the list of parts that
# arrived, completion refused while a part is missing (409 naming it),
# ferryd killed with SIGKILL in the middle of a part and restarted: the
# parts acknowledged before are still there, the cut part is not, the
# client resends it and completes; the item has the declared sha256 and
# downloads identical.  Also: abort, ownership (403 for another user),
# bad part numbers, a part past --max-upload (413), a declared size or
# sha256 that does not match (nothing stored), and a target name taken
# meanwhile (409, the upload kept).
. "$(dirname "$0")/../lib/e2e.sh"
. "$(dirname "$0")/../lib/ferryd.sh"

TOK=$(fd_token alice)
BOB=$(fd_token bob)
fd_start --max-upload 2M || exit 1
J='-H Content-Type:application/json'

part=1048576
head -c $((5 * part + 12345)) /dev/urandom >"$T/file"
SIZE=$(wc -c <"$T/file")
SHA=$(sha256sum "$T/file" | cut -d' ' -f1)
i=1
while [ $i -le 6 ]; do
	dd if="$T/file" of="$T/p$i" bs=$part skip=$((i - 1)) count=1 2>/dev/null
	i=$((i + 1))
done

expect "start a multipart upload" 201 "$TOK" POST /v1/folders/root/uploads $J \
    -d "{\"name\": \"big.bin\", \"size\": $SIZE, \"sha256\": \"$SHA\",
    \"client_metadata\": {\"from\": \"mp\"}}"
U=$(jget 'd["upload_id"]')
jcheck "the upload describes itself" "d['name'] == 'big.bin' and d['size'] == $SIZE
    and d['parts'] == [] and d['bytes_received'] == 0 and d['parts_max'] == 10000"
for n in 3 1 6 2; do
	expect "part $n (out of order)" 200 "$TOK" PUT "/v1/uploads/$U/parts/$n" \
	    -T "$T/p$n"
done
jcheck "part 2 has its sha256" "d['number'] == 2 and d['sha256'] ==
    '$(sha256sum "$T/p2" | cut -d' ' -f1)'"
expect "part 5 with wrong bytes" 200 "$TOK" PUT "/v1/uploads/$U/parts/5" -T "$T/p1"
expect "part 5 again, right (the later wins)" 200 "$TOK" PUT "/v1/uploads/$U/parts/5" \
    -T "$T/p5"
expect "list the parts" 200 "$TOK" GET "/v1/uploads/$U"
jcheck "1 2 3 5 6 arrived" "[p['number'] for p in d['parts']] == [1, 2, 3, 5, 6]
    and d['parts'][3]['sha256'] == '$(sha256sum "$T/p5" | cut -d' ' -f1)'"
expect "complete with part 4 missing: 409" 409 "$TOK" POST "/v1/uploads/$U/complete"
jcheck "the gap is named" '"part 4 is missing" in d["error"]["message"]'
expect "part 0: 400" 400 "$TOK" PUT "/v1/uploads/$U/parts/0" -T "$T/p1"
expect "part 10001: 400" 400 "$TOK" PUT "/v1/uploads/$U/parts/10001" -T "$T/p1"
expect "part x: 400" 400 "$TOK" PUT "/v1/uploads/$U/parts/x" -T "$T/p1"
head -c $((3 * part)) /dev/zero >"$T/3m"
expect "a part past --max-upload: 413" 413 "$TOK" PUT "/v1/uploads/$U/parts/4" -T "$T/3m"
expect "bob cannot see alice's upload" 403 "$BOB" GET "/v1/uploads/$U"
expect "...nor add a part" 403 "$BOB" PUT "/v1/uploads/$U/parts/4" -T "$T/p4"
expect "unknown upload: 404" 404 "$TOK" GET /v1/uploads/00000000-0000-0000-0000-000000000000

# -------- SIGKILL in the middle of part 4 --------
curl -s --limit-rate 200K -H "Authorization: Bearer $TOK" -T "$T/p4" \
    "$FD_URL/v1/uploads/$U/parts/4" >/dev/null 2>&1 &
CURL=$!
sleep 1
fd_kill9
wait "$CURL" 2>/dev/null
check "a part tmp file was left by the kill" \
    sh -c "ls '$FD_STORE/uploads/$U/' | grep -q '^4\\..*\\.tmp\$'"
fd_start --max-upload 2M || exit 1
check "the restart removed the dead part tmp file" \
    sh -c "! ls '$FD_STORE/uploads/$U/' | grep -q tmp"
expect "after the restart the upload is there" 200 "$TOK" GET "/v1/uploads/$U"
jcheck "parts 1 2 3 5 6, not the cut 4" "[p['number'] for p in d['parts']] ==
    [1, 2, 3, 5, 6] and d['bytes_received'] == $((4 * part + 12345))"
expect "resend part 4" 200 "$TOK" PUT "/v1/uploads/$U/parts/4" -T "$T/p4"
expect "complete" 201 "$TOK" POST "/v1/uploads/$U/complete"
jcheck "the item: size, sha256, metadata" "d['size'] == $SIZE and d['sha256'] == '$SHA'
    and d['client_metadata'] == {'from': 'mp'} and d['path'] == '/big.bin'"
ITEM=$(jget 'd["id"]')
expect "the upload is gone" 404 "$TOK" GET "/v1/uploads/$U"
check "...with its directory" test ! -e "$FD_STORE/uploads/$U"
expect "download" 200 "$TOK" GET "/v1/items/$ITEM/content"
check "identical bytes" cmp -s "$T/body" "$T/file"

# -------- mismatches, conflicts, abort --------
expect "start: declared size 10" 201 "$TOK" POST /v1/folders/root/uploads $J \
    -d '{"name": "s.bin", "size": 10}'
U2=$(jget 'd["upload_id"]')
expect "one part of 1 MiB" 200 "$TOK" PUT "/v1/uploads/$U2/parts/1" -T "$T/p1"
expect "complete: size mismatch 409" 409 "$TOK" POST "/v1/uploads/$U2/complete"
jcheck "names both sizes" '"1048576" in d["error"]["message"] and "10" in d["error"]["message"]'
expect "abort" 204 "$TOK" DELETE "/v1/uploads/$U2"
expect "abort again: 404" 404 "$TOK" DELETE "/v1/uploads/$U2"
expect "start: wrong sha256" 201 "$TOK" POST /v1/folders/root/uploads $J \
    -d "{\"name\": \"w.bin\", \"sha256\": \"$SHA\"}"
U3=$(jget 'd["upload_id"]')
expect "a part" 200 "$TOK" PUT "/v1/uploads/$U3/parts/1" -T "$T/p1"
expect "complete: checksum mismatch, nothing stored" 500 "$TOK" \
    POST "/v1/uploads/$U3/complete"
jcheck "corrupt" 'd["error"]["code"] == "corrupt"'
expect "...w.bin does not exist" 404 "$TOK" GET /v1/paths/w.bin
expect "...the upload can still be aborted" 204 "$TOK" DELETE "/v1/uploads/$U3"
expect "start over a taken name: 409" 409 "$TOK" POST /v1/folders/root/uploads $J \
    -d '{"name": "big.bin"}'
expect "start with a bad sha256: 400" 400 "$TOK" POST /v1/folders/root/uploads $J \
    -d '{"name": "x", "sha256": "zz"}'
expect "start with a bad name: 400" 400 "$TOK" POST /v1/folders/root/uploads $J \
    -d '{"name": "a/b"}'
expect "start, then the name gets taken" 201 "$TOK" POST /v1/folders/root/uploads $J \
    -d '{"name": "late.bin"}'
U4=$(jget 'd["upload_id"]')
expect "a part" 200 "$TOK" PUT "/v1/uploads/$U4/parts/1" -T "$T/p2"
expect "someone puts late.bin" 201 "$TOK" PUT /v1/folders/root/items/late.bin -T "$T/p3"
expect "complete: 409, the upload kept" 409 "$TOK" POST "/v1/uploads/$U4/complete"
expect "...still listed" 200 "$TOK" GET "/v1/uploads/$U4"
expect "complete with no parts: 409" 201 "$TOK" POST /v1/folders/root/uploads $J \
    -d '{"name": "none.bin", "overwrite": true}'
expect "...409" 409 "$TOK" POST "/v1/uploads/$(jget 'd["upload_id"]')/complete"

fd_stop
check "two uploads are left" test "$(ls "$FD_STORE/uploads" | wc -l)" -eq 2
check_out "ferryd gc keeps uploads younger than the expiry" \
    'removed .* 0 idle upload' "$FERRYD" --store "$FD_STORE" gc
sleep 1.1
check_out "ferryd gc --upload-expiry 1 removes both" 'removed .* 2 idle upload' \
    "$FERRYD" --store "$FD_STORE" gc --upload-expiry 1
check "no upload directories left" sh -c "[ -z \"\$(ls '$FD_STORE/uploads')\" ]"
check "the store is consistent" "$FERRYD" --store "$FD_STORE" check

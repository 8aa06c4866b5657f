#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Long operations: a recursive copy or delete of a folder larger than
# --async-threshold (or asked with async) answers 202 with an operation
# and a Location header; polling GET /v1/operations/{id} shows it queued or
# running with progress, then done with done == total (copy: the new
# folder's id), or failed with the error (a copy into its own subtree);
# only its starter (or an admin) may poll it.  A smaller delete is a
# plain 204.  An operation cut by SIGTERM is failed, not lost, and after a
# restart the store is consistent.
. "$(dirname "$0")/../lib/e2e.sh"
. "$(dirname "$0")/../lib/ferryd.sh"

FILL=$FERRY_BUILD/tools/store-fill
n=3000
[ "$FERRY_VARIANT" = asan ] && n=1500
TOK=$(fd_token alice)
BOB=$(fd_token bob)
check "fill /big/a with $n items" "$FILL" --batch "$FD_STORE" /big/a $n
check "fill /big/b/c with $n items" "$FILL" --batch --distinct "$FD_STORE" /big/b/c $n
check "fill /small with 3 items" "$FILL" --batch "$FD_STORE" /small 3
fd_start --async-threshold 100 || exit 1
J='-H Content-Type:application/json'

# Poll operation $1 until it is no longer queued or running.
poll() {
	i=0
	while [ $i -lt 600 ]; do
		req "$TOK" GET "/v1/operations/$1" >/dev/null
		case "$(jget 'd["state"]')" in
		queued|running) sleep 0.1; i=$((i + 1)) ;;
		*) return 0 ;;
		esac
	done
	return 1
}

req "$TOK" GET /v1/paths/big >/dev/null
BIG=$(jget 'd["id"]')
req "$TOK" GET /v1/paths/small >/dev/null
SMALL=$(jget 'd["id"]')
TOTAL=$((2 * n + 4))

expect "copy a big folder: 202" 202 "$TOK" POST "/v1/folders/$BIG/copy" $J \
    -d '{"parent_id": null, "name": "big-copy"}'
OP=$(jget 'd["id"]')
jcheck "an operation: kind copy, total counted" "d['kind'] == 'copy' and
    d['state'] in ('queued', 'running', 'done') and d['total'] == $TOTAL and
    d['error'] is None"
check "Location names it" grep -qi "^Location: /v1/operations/$OP" "$T/headers"
expect "bob may not poll alice's operation" 403 "$BOB" GET "/v1/operations/$OP"
check "the copy finishes" poll "$OP"
jcheck "done, done == total, a result" "d['state'] == 'done' and
    d['done'] == d['total'] == $TOTAL and d['result_id']"
COPY=$(jget 'd["result_id"]')
expect "the copy's summary" 200 "$TOK" GET "/v1/folders/$COPY/summary"
jcheck "same counts as the original" "d['items'] == 2 * $n and d['folders'] == 3"
expect "the copy is /big-copy" 200 "$TOK" GET "/v1/folders/$COPY"
jcheck "path" 'd["path"] == "/big-copy"'

expect "copy into its own subtree (async): 202" 202 "$TOK" POST "/v1/folders/$BIG/copy" \
    $J -d "{\"parent_id\": \"$COPY\", \"name\": \"x\", \"async\": true}"
OP2=$(jget 'd["id"]')
check "it ends" poll "$OP2"
expect "...fine: the copy is not below the source" 200 "$TOK" GET "/v1/operations/$OP2"
jcheck "done" 'd["state"] == "done"'
req "$TOK" GET /v1/paths/big/b >/dev/null
BB=$(jget 'd["id"]')
expect "copy /big into /big/b: 202" 202 "$TOK" POST "/v1/folders/$BIG/copy" $J \
    -d "{\"parent_id\": \"$BB\", \"async\": true}"
OP3=$(jget 'd["id"]')
check "it ends" poll "$OP3"
jcheck "failed with conflict" 'd["state"] == "failed" and
    d["error"]["code"] == "conflict" and "subtree" in d["error"]["message"]'
expect "...and left nothing" 404 "$TOK" GET /v1/paths/big/b/big

expect "delete the big copy: 202 (above the threshold)" 202 "$TOK" \
    DELETE "/v1/folders/$COPY?recursive=true"
OP4=$(jget 'd["id"]')
check "the delete finishes" poll "$OP4"
jcheck "done, done == total" 'd["state"] == "done" and d["done"] == d["total"] and
    d["kind"] == "delete"'
expect "the copy is gone" 404 "$TOK" GET "/v1/folders/$COPY"
expect "a small recursive delete is synchronous: 204" 204 "$TOK" \
    DELETE "/v1/folders/$SMALL?recursive=true"
expect "async=true forces an operation" 201 "$TOK" POST /v1/folders $J -d '{"name": "tiny"}'
TINY=$(jget 'd["id"]')
expect "...202" 202 "$TOK" DELETE "/v1/folders/$TINY?recursive=true&async=true"
check "...which finishes" poll "$(jget 'd["id"]')"
expect "unknown operation: 404" 404 "$TOK" GET /v1/operations/00000000-0000-0000-0000-000000000000

# -------- SIGTERM while an operation runs --------
expect "start another big copy" 202 "$TOK" POST "/v1/folders/$BIG/copy" $J \
    -d '{"parent_id": null, "name": "cut"}'
OP5=$(jget 'd["id"]')
fd_stop
fd_start --async-threshold 100 || exit 1
expect "after the restart the operation is known" 200 "$TOK" GET "/v1/operations/$OP5"
jcheck "done, or failed as cancelled (never left running)" \
    'd["state"] == "done" or (d["state"] == "failed" and
     d["error"]["code"] == "cancelled")'
expect "a failed copy left nothing half made" 200 "$TOK" GET /v1/folders/root/children
state=$(req "$TOK" GET "/v1/operations/$OP5" >/dev/null; jget 'd["state"]')
req "$TOK" GET /v1/folders/root/children >/dev/null
if [ "$state" = failed ]; then
	jcheck "no /cut" '"cut" not in [e["name"] for e in d["entries"]]'
else
	jcheck "/cut whole" '"cut" in [e["name"] for e in d["entries"]]'
fi
fd_stop
check "the store is consistent" "$FERRYD" --store "$FD_STORE" check

#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Signed URLs: a download URL works without a token (GET and HEAD) and
# survives a restart (the secret is kept in DIR/ferryd.secret, 0600); any
# change to it (signature, expiry, user, item, operation) is 403, so is
# an expired one and one whose signer lost the role; an upload URL puts
# exactly one name into one folder; signatures are accepted only on the
# content routes, and never written to the log; a secret readable by
# others stops ferryd from starting.
. "$(dirname "$0")/../lib/e2e.sh"
. "$(dirname "$0")/../lib/ferryd.sh"

TOK=$(fd_token alice)
BOB=$(fd_token bob)
fd_start --signed-url-max 3600 || exit 1
J='-H Content-Type:application/json'
printf 'signed content\n' >"$T/f"
expect "upload" 201 "$TOK" PUT /v1/folders/root/items/f.txt -T "$T/f"
F=$(jget 'd["id"]')
expect "another item" 201 "$TOK" PUT /v1/folders/root/items/g.txt -T "$T/f"
G=$(jget 'd["id"]')
check "the secret is 0600" test "$(stat -c %a "$FD_STORE/ferryd.secret")" = 600

expect "sign a download" 200 "$TOK" POST "/v1/items/$F/signed-url" $J \
    -d '{"expires_in": 600}'
jcheck "method, path, url, expiry" 'd["method"] == "GET" and
    d["path"].startswith("/v1/items/") and "signature=" in d["path"] and
    d["url"].startswith("http://127.0.0.1:") and d["expires_at"].endswith("Z")'
URL=$(jget 'd["path"]')
expect "the signed URL without a token" 200 - GET "$URL"
check "...gives the content" cmp -s "$T/body" "$T/f"
expect "HEAD with it" 200 - HEAD "$URL"
expect "an empty body signs with the default expiry" 200 "$TOK" \
    POST "/v1/items/$F/signed-url"
expect "expires_in 0: 400" 400 "$TOK" POST "/v1/items/$F/signed-url" $J \
    -d '{"expires_in": 0}'
expect "expires_in past the maximum: 400" 400 "$TOK" POST "/v1/items/$F/signed-url" \
    $J -d '{"expires_in": 999999}'
expect "a folder cannot be signed for download: 409" 409 "$TOK" \
    POST /v1/items/root/signed-url
sig=$(echo "$URL" | sed 's/.*signature=//')
flip=$(echo "$sig" | cut -c1 | tr 'A-Za-z0-9_-' 'B-Za-z0-9_-A')$(echo "$sig" | cut -c2-)
expect "tampered signature: 403" 403 - GET "$(echo "$URL" | sed "s/signature=.*/signature=$flip/")"
jcheck "says it does not match" '"does not match" in d["error"]["message"]'
expect "tampered expiry: 403" 403 - GET "$(echo "$URL" | sed 's/expires=\([0-9]*\)/expires=9\1/')"
expect "tampered user: 403" 403 - GET "$(echo "$URL" | sed 's/user=alice/user=bob/')"
expect "another item: 403" 403 - GET "$(echo "$URL" | sed "s/$F/$G/")"
expect "missing user: 403" 403 - GET "$(echo "$URL" | sed 's/user=alice&//')"
expect "as a put: 403 (op)" 403 - PUT \
    "/v1/folders/root/items/f.txt?$(echo "$URL" | sed 's/.*?//')" -T "$T/f"
jcheck "names the operation" '"signed for" in d["error"]["message"]'
expect "a signature on another route: 403" 403 - GET "/v1/me?$(echo "$URL" | sed 's/.*?//')"

expect "sign with 1 s" 200 "$TOK" POST "/v1/items/$F/signed-url" $J -d '{"expires_in": 1}'
SHORT=$(jget 'd["path"]')
sleep 2.2
expect "expired: 403" 403 - GET "$SHORT"
jcheck "says it expired" '"expired" in d["error"]["message"]'

# -------- upload URLs --------
expect "sign an upload of up.txt into the root" 200 "$TOK" \
    POST /v1/folders/root/signed-url $J -d '{"name": "up.txt", "expires_in": 600}'
jcheck "PUT" 'd["method"] == "PUT"'
PUTURL=$(jget 'd["path"]')
expect "upload with it, no token" 201 - PUT "$PUTURL" -T "$T/f"
jcheck "recorded as alice's" 'd["user"] == "alice" and d["name"] == "up.txt"'
expect "again: replaces (200)" 200 - PUT "$PUTURL" -T "$T/f"
expect "another name with it: 403" 403 - PUT "$(echo "$PUTURL" | sed 's/up.txt/other.txt/')" \
    -T "$T/f"
expect "as a download: 405 (no such GET route)" 405 - GET "$PUTURL"
expect "sign an upload with a bad name: 400" 400 "$TOK" POST /v1/folders/root/signed-url \
    $J -d '{"name": "a/b"}'

# -------- the signer's role is checked when used --------
expect "a folder for bob" 201 "$TOK" POST /v1/folders $J -d '{"name": "b"}'
B=$(jget 'd["id"]')
expect "bob's item" 201 "$TOK" PUT "/v1/folders/$B/items/x" -T "$T/f"
X=$(jget 'd["id"]')
expect "grant bob viewer" 200 "$TOK" PUT "/v1/folders/$B/grants" $J \
    -d '{"principal": "user", "name": "bob", "role": "viewer"}'
expect "bob signs a download" 200 "$BOB" POST "/v1/items/$X/signed-url"
BURL=$(jget 'd["path"]')
expect "bob's URL works" 200 - GET "$BURL"
expect "bob cannot sign for f.txt" 403 "$BOB" POST "/v1/items/$F/signed-url"
expect "remove bob's grant" 204 "$TOK" DELETE "/v1/folders/$B/grants/user/bob"
expect "bob's URL is now 403" 403 - GET "$BURL"

# -------- restart keeps the secret; the log hides signatures --------
fd_stop
fd_start || exit 1
expect "the first URL still works after a restart" 200 - GET "$URL"
fd_stop
check "signatures are redacted in the log" grep -q 'signature=REDACTED' "$T/ferryd.err"
check "no signature in the log" sh -c "! grep -qF '$sig' '$T/ferryd.err'"
chmod 644 "$FD_STORE/ferryd.secret"
check_err 1 "a secret readable by others is refused" 'chmod 600' \
    "$FERRYD" --store "$FD_STORE" --listen 127.0.0.1:0

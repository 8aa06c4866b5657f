#!/bin/sh
# SPDX-License-Identifier: MIT
#
# ferryd's access control: tokens (made, listed, revoked: 401 after),
# groups, and roles granted on folders and inherited down the tree.  A
# matrix of role (none, viewer, editor, owner; granted directly, through
# a group, or inherited from a folder above) by operation (read, list,
# download, create, upload, update, move, delete, grant) checks 200/201/
# 204 against 403; a listing shows only what the caller may see (folders
# passed through on the way to a grant, in brief); the grants API lists,
# sets and removes grants (404 for unknown users, 400 for bad roles).
. "$(dirname "$0")/../lib/e2e.sh"
. "$(dirname "$0")/../lib/ferryd.sh"

ALICE=$(fd_token alice)
VIEWER=$(fd_token vic)
EDITOR=$(fd_token eddie)
OWNER=$(fd_token olga)
NOBODY=$(fd_token nora)
GROUPIE=$(fd_token gina)
check "group add" "$FERRYD" --store "$FD_STORE" group add team
check "group member add" "$FERRYD" --store "$FD_STORE" group member add team gina
check_err 1 "member of an unknown group" 'no group "nope"' \
    "$FERRYD" --store "$FD_STORE" group member add nope gina
check_err 1 "a bad group name" 'group name' \
    "$FERRYD" --store "$FD_STORE" group add 'bad name'
check_out "token list names every user" 'gina' \
    "$FERRYD" --store "$FD_STORE" token list
fd_start || exit 1
J='-H Content-Type:application/json'

mk() {	# PARENT NAME -> id (as alice)
	req "$ALICE" POST /v1/folders $J \
	    -d "{\"parent_id\": \"$1\", \"name\": \"$2\"}" >/dev/null
	jget 'd["id"]'
}
grant() {	# FOLDER KIND NAME ROLE
	req "$ALICE" PUT "/v1/folders/$1/grants" $J \
	    -d "{\"principal\": \"$2\", \"name\": \"$3\", \"role\": \"$4\"}"
}

P=$(mk root p)
S=$(mk "$P" shared)
INNER=$(mk "$S" inner)
PRIV=$(mk "$P" private)
OTHER=$(mk root other)
printf 'data\n' >"$T/f"
req "$ALICE" PUT "/v1/folders/$INNER/items/f.txt" -T "$T/f" >/dev/null
ITEM=$(jget 'd["id"]')
req "$ALICE" PUT "/v1/folders/$PRIV/items/secret.txt" -T "$T/f" >/dev/null
SECRET=$(jget 'd["id"]')

check "grant vic viewer on /p/shared" test "$(grant "$S" user vic viewer)" = 200
check "grant eddie editor on /p/shared" test "$(grant "$S" user eddie editor)" = 200
check "grant olga owner on /p/shared" test "$(grant "$S" user olga owner)" = 200
check "grant group team editor on /p/shared" test "$(grant "$S" group team editor)" = 200
jcheck "the grants list has all four" 'sorted((g["principal"], g["name"], g["role"])
    for g in d["grants"]) == [("group", "team", "editor"), ("user", "eddie", "editor"),
    ("user", "olga", "owner"), ("user", "vic", "viewer")]'
check "grant to an unknown user: 404" test "$(grant "$S" user ghost viewer)" = 404
check "grant an unknown role: 400" test "$(grant "$S" user vic admin)" = 400
check "grant to a bad principal kind: 400" test "$(grant "$S" robot vic viewer)" = 400
check "grant on an item: 409" test "$(grant "$ITEM" user vic viewer)" = 409

# -------- the matrix, on /p/shared/inner (every role inherited) --------
# op: name method path-suffix body -> expected per role none viewer editor owner
matrix() {	# TOKEN ROLE WANT_READ WANT_WRITE WANT_GRANT
	tok=$1; role=$2; r=$3; w=$4; g=$5
	n=$(date +%s%N)
	expect "$role: get folder" "$r" "$tok" GET "/v1/folders/$INNER"
	expect "$role: list children" "$r" "$tok" GET "/v1/folders/$INNER/children"
	expect "$role: get item" "$r" "$tok" GET "/v1/items/$ITEM"
	expect "$role: download" "$r" "$tok" GET "/v1/items/$ITEM/content"
	expect "$role: summary" "$r" "$tok" GET "/v1/folders/$INNER/summary"
	expect "$role: find" "$r" "$tok" GET "/v1/folders/$INNER/find"
	expect "$role: list grants" "$r" "$tok" GET "/v1/folders/$INNER/grants"
	wc=201; [ "$w" = 403 ] && wc=403
	expect "$role: create folder" "$wc" "$tok" POST /v1/folders $J \
	    -d "{\"parent_id\": \"$INNER\", \"name\": \"c$n\"}"
	expect "$role: upload" "$wc" "$tok" PUT "/v1/folders/$INNER/items/u$n" \
	    -T "$T/f"
	expect "$role: update item" "$w" "$tok" PATCH "/v1/items/$ITEM" $J \
	    -d '{"client_metadata": {"by": "x"}}'
	expect "$role: update folder" "$w" "$tok" PATCH "/v1/folders/$INNER" $J \
	    -d '{"description": "x"}'
	expect "$role: copy item" "$wc" "$tok" POST "/v1/items/$ITEM/copy" $J \
	    -d "{\"folder_id\": \"$INNER\", \"name\": \"k$n\"}"
	if [ "$w" = 200 ]; then
		expect "$role: delete the copy" 204 "$tok" DELETE \
		    "/v1/items/$(jget 'd["id"]')"
	else
		expect "$role: delete item" 403 "$tok" DELETE "/v1/items/$ITEM"
	fi
	expect "$role: grant" "$g" "$tok" PUT "/v1/folders/$INNER/grants" $J \
	    -d '{"principal": "user", "name": "nora", "role": "viewer"}'
	if [ "$g" = 200 ]; then
		expect "$role: remove the grant" 204 "$tok" DELETE \
		    "/v1/folders/$INNER/grants/user/nora"
	fi
}
matrix "$NOBODY" none 403 403 403
matrix "$VIEWER" viewer 200 403 403
matrix "$EDITOR" editor 200 200 403
matrix "$GROUPIE" "editor (group)" 200 200 403
matrix "$OWNER" owner 200 200 200
matrix "$ALICE" admin 200 200 200

expect "viewer: signed download URL" 200 "$VIEWER" POST "/v1/items/$ITEM/signed-url"
expect "viewer: no signed upload URL" 403 "$VIEWER" POST "/v1/folders/$INNER/signed-url" \
    $J -d '{"name": "x"}'
expect "editor: move an item out of shared into private: 403" 403 "$EDITOR" \
    POST "/v1/items/$ITEM/move" $J -d "{\"folder_id\": \"$PRIV\"}"
expect "editor: batch delete with an item outside: 403" 403 "$EDITOR" \
    POST /v1/items/batch-delete $J -d "{\"ids\": [\"$ITEM\", \"$SECRET\"]}"
expect "...nothing deleted" 200 "$ALICE" GET "/v1/items/$ITEM"
expect "owner of shared: cannot delete shared itself (needs editor on /p)" 403 \
    "$OWNER" DELETE "/v1/folders/$S?recursive=true"
expect "owner of shared: can delete inner" 409 "$OWNER" DELETE "/v1/folders/$INNER"

# -------- what a listing shows --------
expect "viewer: root lists only p" 200 "$VIEWER" GET /v1/folders/root/children
jcheck "p only, in brief" '[e["name"] for e in d["entries"]] == ["p"] and
    "description" not in d["entries"][0] and d["total"] == 1'
expect "viewer: /p lists only shared" 200 "$VIEWER" GET "/v1/folders/$P/children"
jcheck "shared only (not private)" '[e["name"] for e in d["entries"]] == ["shared"]'
expect "viewer: get /p (passed through)" 200 "$VIEWER" GET "/v1/folders/$P"
jcheck "brief, role null" 'd["role"] is None and d["name"] == "p" and
    "client_metadata" not in d'
expect "viewer: get shared" 200 "$VIEWER" GET "/v1/folders/$S"
jcheck "full, role viewer" 'd["role"] == "viewer" and "client_metadata" in d'
expect "viewer: path_to_root of inner" 200 "$VIEWER" GET "/v1/folders/$INNER/path_to_root"
jcheck "root, p, shared, inner" '[e["name"] for e in d["entries"]] ==
    ["", "p", "shared", "inner"]'
expect "viewer: /p/private: 403" 403 "$VIEWER" GET "/v1/folders/$PRIV"
expect "viewer: its children: 403" 403 "$VIEWER" GET "/v1/folders/$PRIV/children"
expect "viewer: the secret item: 403" 403 "$VIEWER" GET "/v1/items/$SECRET"
expect "viewer: by path: 403" 403 "$VIEWER" GET /v1/paths/p/private/secret.txt
expect "viewer: /other: 403" 403 "$VIEWER" GET "/v1/folders/$OTHER"
expect "viewer: find from the root: 403" 403 "$VIEWER" GET /v1/folders/root/find
expect "viewer: space of the store: 403" 403 "$VIEWER" GET /v1/space
expect "nobody: root lists nothing" 200 "$NOBODY" GET /v1/folders/root/children
jcheck "empty" 'd["entries"] == [] and d["total"] == 0'
expect "admin: root lists everything" 200 "$ALICE" GET /v1/folders/root/children
jcheck "other and p" '[e["name"] for e in d["entries"]] == ["other", "p"]'
# paging through a passed-through folder
for i in 1 2 3; do
	Q=$(mk "$OTHER" "q$i")
	grant "$Q" user nora viewer >/dev/null
done
mk "$OTHER" hidden >/dev/null
expect "nobody: /other shows q1..q3, paged" 200 "$NOBODY" \
    GET "/v1/folders/$OTHER/children?limit=2"
jcheck "q1, q2 and a cursor; total 3" '[e["name"] for e in d["entries"]] ==
    ["q1", "q2"] and d["next_cursor"] and d["total"] == 3'
c=$(jget 'd["next_cursor"]')
expect "...next page" 200 "$NOBODY" GET "/v1/folders/$OTHER/children?limit=2" \
    -G --data-urlencode "cursor=$c"
jcheck "q3, last" '[e["name"] for e in d["entries"]] == ["q3"] and
    d["next_cursor"] is None'
expect "...search applies" 200 "$NOBODY" GET "/v1/folders/$OTHER/children?search=2"
jcheck "q2" '[e["name"] for e in d["entries"]] == ["q2"]'

# -------- grants listing, inheritance, removal --------
expect "olga grants vic editor on inner" 200 "$OWNER" PUT "/v1/folders/$INNER/grants" \
    $J -d '{"principal": "user", "name": "vic", "role": "editor"}'
jcheck "inner lists its own and inherited grants" \
    'any(g["name"] == "vic" and g["role"] == "editor" and not g["inherited"]
         for g in d["grants"]) and
     any(g["name"] == "vic" and g["role"] == "viewer" and g["inherited"]
         for g in d["grants"])'
expect "vic can now upload into inner (highest role wins)" 201 "$VIEWER" \
    PUT "/v1/folders/$INNER/items/by-vic" -T "$T/f"
expect "...but not into shared" 403 "$VIEWER" \
    PUT "/v1/folders/$S/items/by-vic" -T "$T/f"
expect "remove vic's grant on shared" 204 "$ALICE" DELETE "/v1/folders/$S/grants/user/vic"
expect "...again: 404" 404 "$ALICE" DELETE "/v1/folders/$S/grants/user/vic"
expect "an inherited grant is removed where granted: 404 on inner" 404 "$ALICE" \
    DELETE "/v1/folders/$INNER/grants/group/team"
expect "vic: shared is now passed through" 200 "$VIEWER" GET "/v1/folders/$S"
jcheck "role null" 'd["role"] is None'
expect "bad principal kind in the path: 400" 400 "$ALICE" \
    DELETE "/v1/folders/$S/grants/robot/x"
expect "me shows gina's groups" 200 "$GROUPIE" GET /v1/me
jcheck "team" 'd["groups"] == ["team"] and d["admin"] is False'
check "group member remove" "$FERRYD" --store "$FD_STORE" group member remove team gina
expect "gina lost the group's role" 403 "$GROUPIE" POST /v1/folders $J \
    -d "{\"parent_id\": \"$INNER\", \"name\": \"late\"}"
id=$("$FERRYD" --store "$FD_STORE" token list | awk '$2 == "eddie" {print $1}')
check "token revoke" "$FERRYD" --store "$FD_STORE" token revoke "$id"
expect "a revoked token: 401" 401 "$EDITOR" GET /v1/me
check_err 1 "revoke an unknown token" 'no token' \
    "$FERRYD" --store "$FD_STORE" token revoke 0123456789abcdef
check "user admin on" "$FERRYD" --store "$FD_STORE" user admin nora on
expect "nora, now admin, sees /p/private" 200 "$NOBODY" GET "/v1/folders/$PRIV"
check "CLI grant by path" "$FERRYD" --store "$FD_STORE" grant /other user gina viewer
expect "gina reads /other" 200 "$GROUPIE" GET "/v1/folders/$OTHER/children"
expect "a deleted folder takes its grants along" 204 "$ALICE" \
    DELETE "/v1/folders/$OTHER?recursive=true"
check "no grant rows are left for deleted folders" sh -c \
    "[ \"\$(sqlite3 '$FD_STORE/ferry.db' 'SELECT count(*) FROM grants WHERE nid NOT IN (SELECT nid FROM nodes)')\" = 0 ]"

fd_stop
check "the store is consistent" "$FERRYD" --store "$FD_STORE" check

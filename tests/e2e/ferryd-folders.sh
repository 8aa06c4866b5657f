#!/bin/sh
# SPDX-License-Identifier: MIT
#
# ferryd's folders and items through curl: create (201, 400, 409, 406
# past the entry limit), get by id and by path, children with search, type
# filter, order, desc and cursor paging (every child exactly once, total on
# the first page, bad cursors refused), path_to_root, update of every
# field (and null to clear), move (into the root, never into its own
# subtree), delete (409 when not empty unless recursive), recursive find
# with paging, summary and space used, item metadata, server-side copy
# and move of items, batch move and delete (all or nothing), 507 past the
# byte limit, and a sync folder copy.
. "$(dirname "$0")/../lib/e2e.sh"
. "$(dirname "$0")/../lib/ferryd.sh"

TOK=$(fd_token alice)
fd_start --max-items-per-folder 6 --max-bytes-per-folder 1M || exit 1
J='-H Content-Type:application/json'

mkfolder() {	# PARENT_ID NAME [extra json] -> id
	extra=${3:-}
	req "$TOK" POST /v1/folders $J \
	    -d "{\"parent_id\": \"$1\", \"name\": \"$2\"$extra}" >/dev/null
	jget 'd.get("id", "")'
}

upload() {	# FOLDER_ID NAME FILE [curl args] -> status
	f=$1; n=$2; file=$3; shift 3
	req "$TOK" PUT "/v1/folders/$f/items/$n" -T "$file" "$@"
}

expect "root by alias" 200 "$TOK" GET /v1/folders/root
ROOT=$(jget 'd["id"]')
jcheck "root: path /, no parent, owner" \
    'd["path"] == "/" and d["parent_id"] is None and d["role"] == "owner"'

expect "create /proj with attributes" 201 "$TOK" POST /v1/folders $J -d '{
    "name": "proj", "description": "the project",
    "client_metadata": {"k": [1, 2]}, "tags": ["a", "b"]}'
PROJ=$(jget 'd["id"]')
jcheck "create returns every field" 'd["name"] == "proj" and
    d["description"] == "the project" and d["client_metadata"] == {"k": [1, 2]}
    and d["tags"] == ["a", "b"] and d["path"] == "/proj" and
    d["kind"] == "folder" and d["user"] == "alice" and
    d["created"].endswith("Z") and isinstance(d["created_ms"], int)'
expect "client_metadata must be an object" 400 "$TOK" POST /v1/folders $J \
    -d '{"name": "x", "client_metadata": [1]}'
expect "tags must be strings" 400 "$TOK" POST /v1/folders $J \
    -d '{"name": "x", "tags": ["a", 1]}'
jcheck "...naming the element" '"element 1" in d["error"]["message"]'
expect "parent not found: 404" 404 "$TOK" POST /v1/folders $J \
    -d '{"parent_id": "00000000-0000-0000-0000-000000000000", "name": "x"}'

SUB=$(mkfolder "$PROJ" sub)
DEEP=$(mkfolder "$SUB" deep)
printf 'hello world\n' >"$T/hello.txt"
head -c 3000 /dev/urandom >"$T/rand.bin"
$PY -c '
import struct, sys, zlib
def chunk(t, b):
    return struct.pack(">I", len(b)) + t + b + struct.pack(">I", zlib.crc32(t + b))
raw = b"".join(b"\0" + b"\xff" * 12 for _ in range(4))
sys.stdout.buffer.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR",
    struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)) +
    chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))' >"$T/img.png"
PNG_SIZE=$(wc -c <"$T/img.png")
check "upload a text item (201)" test "$(upload "$PROJ" a.txt "$T/hello.txt")" = 201
A_ID=$(jget 'd["id"]')
jcheck "item: size, sha256, MIME detected, type" \
    'd["size"] == 12 and d["type"] == "text" and d["mime"].startswith("text/plain")
     and len(d["sha256"]) == 64'
check "upload a binary item" test "$(upload "$PROJ" b.bin "$T/rand.bin")" = 201
B_ID=$(jget 'd["id"]')
check "upload an image" test "$(upload "$PROJ" c.png "$T/img.png")" = 201
C_ID=$(jget 'd["id"]')
jcheck "image type class, MIME detected" 'd["type"] == "image" and d["mime"] == "image/png"'
check "upload into a subfolder" test "$(upload "$DEEP" d.txt "$T/hello.txt")" = 201
D_ID=$(jget 'd["id"]')

# -------- get --------
expect "folder by id" 200 "$TOK" GET "/v1/folders/$SUB"
jcheck "sub path and parent" "d['path'] == '/proj/sub' and d['parent_id'] == '$PROJ'"
expect "folder by path" 200 "$TOK" GET /v1/paths/proj/sub/deep
jcheck "deep resolved" "d['id'] == '$DEEP'"
expect "item by path" 200 "$TOK" GET /v1/paths/proj/a.txt
jcheck "a.txt resolved" "d['id'] == '$A_ID' and d['kind'] == 'item'"
expect "root by path" 200 "$TOK" GET /v1/paths
expect "an item is not a folder: 409" 409 "$TOK" GET "/v1/folders/$A_ID"
jcheck "not_folder code" 'd["error"]["code"] == "not_folder"'
expect "a folder is not an item: 409" 409 "$TOK" GET "/v1/items/$SUB"
expect "item metadata" 200 "$TOK" GET "/v1/items/$B_ID"
jcheck "b.bin metadata" 'd["size"] == 3000 and d["path"] == "/proj/b.bin"'
expect "item through a folder path: 409" 409 "$TOK" GET /v1/paths/proj/a.txt/x

# -------- children --------
expect "children of proj" 200 "$TOK" GET "/v1/folders/$PROJ/children"
jcheck "folders first, then items by name; total" \
    '[e["name"] for e in d["entries"]] == ["sub", "a.txt", "b.bin", "c.png"]
     and d["total"] == 4 and d["next_cursor"] is None'
expect "order by size, desc" 200 "$TOK" GET "/v1/folders/$PROJ/children?order=size&desc=true"
jcheck "size order (folders first)" \
    '[e["name"] for e in d["entries"]] == ["sub", "b.bin", "c.png", "a.txt"]'
expect "type filter image" 200 "$TOK" GET "/v1/folders/$PROJ/children?type=image"
jcheck "only c.png" '[e["name"] for e in d["entries"]] == ["c.png"] and d["total"] == 1'
expect "type filter folder,text" 200 "$TOK" GET "/v1/folders/$PROJ/children?type=folder,text"
jcheck "sub and a.txt" '[e["name"] for e in d["entries"]] == ["sub", "a.txt"]'
expect "bad type: 400" 400 "$TOK" GET "/v1/folders/$PROJ/children?type=pictures"
expect "bad order: 400" 400 "$TOK" GET "/v1/folders/$PROJ/children?order=colour"
expect "search is a case-insensitive substring" 200 "$TOK" \
    GET "/v1/folders/$PROJ/children?search=B.B"
jcheck "b.bin found" '[e["name"] for e in d["entries"]] == ["b.bin"]'
expect "children of an item: 409" 409 "$TOK" GET "/v1/folders/$A_ID/children"
# paging: every child exactly once
seen=""
cursor=""
pages=0
while :; do
	if [ -n "$cursor" ]; then
		req "$TOK" GET "/v1/folders/$PROJ/children?limit=1&order=created" \
		    --data-urlencode "cursor=$cursor" -G >/dev/null
	else
		req "$TOK" GET "/v1/folders/$PROJ/children?limit=1&order=created" >/dev/null
	fi
	seen="$seen $(jget '",".join(e["name"] for e in d["entries"])')"
	cursor=$(jget 'd["next_cursor"] or ""')
	pages=$((pages + 1))
	[ -z "$cursor" ] || [ $pages -gt 10 ] && break
done
check "paging with limit=1 returns each child once" \
    test "$seen" = " sub a.txt b.bin c.png"
expect "bad cursor: 400" 400 "$TOK" GET "/v1/folders/$PROJ/children?cursor=zzz"
req "$TOK" GET "/v1/folders/$PROJ/children?limit=1" >/dev/null
c=$(jget 'd["next_cursor"]')
expect "cursor of another order: 400" 400 "$TOK" \
    GET "/v1/folders/$PROJ/children?order=size" --data-urlencode "cursor=$c" -G

expect "path_to_root" 200 "$TOK" GET "/v1/folders/$DEEP/path_to_root"
jcheck "root first, paths built" '[e["path"] for e in d["entries"]] ==
    ["/", "/proj", "/proj/sub", "/proj/sub/deep"]'

# -------- update --------
expect "update every field" 200 "$TOK" PATCH "/v1/folders/$SUB" $J -d '{
    "name": "sub2", "description": "d", "client_metadata": {"a": 1},
    "tags": ["t"], "starred": true, "ttl": 3600}'
jcheck "fields changed" 'd["name"] == "sub2" and d["description"] == "d" and
    d["client_metadata"] == {"a": 1} and d["tags"] == ["t"] and
    d["starred"] is True and d["ttl"] == 3600 and d["path"] == "/proj/sub2"'
expect "null clears" 200 "$TOK" PATCH "/v1/folders/$SUB" $J -d '{
    "description": null, "client_metadata": null, "tags": null, "ttl": null}'
jcheck "cleared" 'd["description"] is None and d["client_metadata"] is None
    and d["tags"] == [] and d["ttl"] is None and d["starred"] is True'
expect "nothing to change: 400" 400 "$TOK" PATCH "/v1/folders/$SUB" $J -d '{}'
expect "rename onto a taken name: 409" 409 "$TOK" PATCH "/v1/folders/$SUB" $J \
    -d '{"name": "a.txt"}'
expect "root cannot be renamed: 400" 400 "$TOK" PATCH /v1/folders/root $J \
    -d '{"name": "x"}'
expect "item metadata update" 200 "$TOK" PATCH "/v1/items/$A_ID" $J \
    -d '{"client_metadata": {"seen": true}}'
jcheck "item metadata set" 'd["client_metadata"] == {"seen": True}'
expect "items have no description: 400" 400 "$TOK" PATCH "/v1/items/$A_ID" $J \
    -d '{"description": "x"}'

# -------- move --------
expect "move a folder to the root" 200 "$TOK" POST "/v1/folders/$DEEP/move" $J \
    -d '{"parent_id": null}'
jcheck "now /deep" 'd["path"] == "/deep"'
expect "move it back, renamed" 200 "$TOK" POST "/v1/folders/$DEEP/move" $J \
    -d "{\"parent_id\": \"$SUB\", \"name\": \"deeper\"}"
jcheck "now /proj/sub2/deeper" 'd["path"] == "/proj/sub2/deeper"'
expect "move into its own subtree: 409" 409 "$TOK" POST "/v1/folders/$PROJ/move" $J \
    -d "{\"parent_id\": \"$DEEP\"}"
jcheck "conflict code" 'd["error"]["code"] == "conflict"'
expect "move needs parent_id: 400" 400 "$TOK" POST "/v1/folders/$DEEP/move" $J -d '{}'
expect "the root cannot move: 400" 400 "$TOK" POST /v1/folders/root/move $J \
    -d "{\"parent_id\": \"$PROJ\"}"
expect "move an item" 200 "$TOK" POST "/v1/items/$D_ID/move" $J \
    -d "{\"folder_id\": \"$SUB\", \"name\": \"moved.txt\"}"
jcheck "moved.txt in sub2" 'd["path"] == "/proj/sub2/moved.txt"'

# -------- copy --------
expect "server-side copy of an item" 201 "$TOK" POST "/v1/items/$B_ID/copy" $J \
    -d "{\"folder_id\": \"$SUB\"}"
jcheck "copy shares the content" 'd["path"] == "/proj/sub2/b.bin" and d["size"] == 3000'
COPY_ID=$(jget 'd["id"]')
check "copy has a new id" test "$COPY_ID" != "$B_ID"
expect "copy onto a taken name: 409" 409 "$TOK" POST "/v1/items/$B_ID/copy" $J \
    -d "{\"folder_id\": \"$SUB\"}"
expect "copy with overwrite" 201 "$TOK" POST "/v1/items/$A_ID/copy" $J \
    -d "{\"folder_id\": \"$SUB\", \"name\": \"b.bin\", \"overwrite\": true}"
jcheck "replaced by a.txt's content" 'd["size"] == 12'
expect "copy a folder (sync)" 201 "$TOK" POST "/v1/folders/$SUB/copy" $J \
    -d '{"parent_id": null, "name": "sub-copy"}'
SUBCOPY=$(jget 'd["id"]')
expect "the copy has the children" 200 "$TOK" GET "/v1/folders/$SUBCOPY/children"
jcheck "deeper, b.bin, moved.txt" \
    '[e["name"] for e in d["entries"]] == ["deeper", "b.bin", "moved.txt"]'

# -------- find, summary, space --------
expect "find *.txt under proj" 200 "$TOK" GET "/v1/folders/$PROJ/find?name=*.txt"
jcheck "a.txt and moved.txt with paths" 'sorted(e["path"] for e in d["entries"]) ==
    ["/proj/a.txt", "/proj/sub2/moved.txt"]'
expect "find folders only, depth 1" 200 "$TOK" \
    GET "/v1/folders/$PROJ/find?type=folder&max_depth=1"
jcheck "sub2 only" '[e["relative_path"] for e in d["entries"]] == ["sub2"]'
expect "find paged" 200 "$TOK" GET "/v1/folders/$PROJ/find?limit=2"
jcheck "two, and a cursor" 'len(d["entries"]) == 2 and d["next_cursor"] == "f1.2"'
expect "find next page" 200 "$TOK" GET "/v1/folders/$PROJ/find?limit=100&cursor=f1.2"
n2=$(jget 'len(d["entries"])')
expect "find all" 200 "$TOK" GET "/v1/folders/$PROJ/find"
check "pages add up" test "$(jget 'len(d["entries"])')" -eq $((n2 + 2))
expect "bad find cursor: 400" 400 "$TOK" GET "/v1/folders/$PROJ/find?cursor=x"
expect "summary of proj" 200 "$TOK" GET "/v1/folders/$PROJ/summary"
jcheck "summary counts" "d['items'] == 5 and d['folders'] == 2 and
    d['bytes'] == 12 + 3000 + $PNG_SIZE + 12 + 12 and
    d['types']['image']['items'] == 1 and d['types']['text']['items'] == 3 and
    d['stored_bytes'] == 12 + 3000 + $PNG_SIZE"
expect "space used" 200 "$TOK" GET /v1/space
jcheck "space fields" "d['used_bytes'] == 3012 + $PNG_SIZE and d['items'] == 7 and
    d['folders'] == 5 and d['disk_free_bytes'] > 0"

# -------- batches --------
expect "batch move with one unknown id: 404" 404 "$TOK" POST /v1/items/batch-move $J \
    -d "{\"ids\": [\"$A_ID\", \"00000000-0000-0000-0000-000000000000\"], \"folder_id\": \"$DEEP\"}"
expect "...nothing moved" 200 "$TOK" GET "/v1/items/$A_ID"
jcheck "a.txt still in /proj" 'd["path"] == "/proj/a.txt"'
expect "batch move" 200 "$TOK" POST /v1/items/batch-move $J \
    -d "{\"ids\": [\"$A_ID\", \"$C_ID\"], \"folder_id\": \"$DEEP\"}"
jcheck "moved 2" 'd["moved"] == 2'
expect "batch delete with a folder: 409" 409 "$TOK" POST /v1/items/batch-delete $J \
    -d "{\"ids\": [\"$A_ID\", \"$SUB\"]}"
expect "...nothing deleted" 200 "$TOK" GET "/v1/items/$A_ID"
expect "batch delete needs ids: 400" 400 "$TOK" POST /v1/items/batch-delete $J -d '{}'
expect "batch delete empty: 400" 400 "$TOK" POST /v1/items/batch-delete $J -d '{"ids": []}'
expect "batch delete" 200 "$TOK" POST /v1/items/batch-delete $J \
    -d "{\"ids\": [\"$A_ID\", \"$C_ID\"]}"
expect "...gone" 404 "$TOK" GET "/v1/items/$A_ID"

# -------- delete --------
expect "delete a non-empty folder: 409" 409 "$TOK" DELETE "/v1/folders/$SUB"
jcheck "not_empty" 'd["error"]["code"] == "not_empty"'
expect "recursive delete" 204 "$TOK" DELETE "/v1/folders/$SUB?recursive=true"
expect "...gone" 404 "$TOK" GET "/v1/folders/$SUB"
expect "delete the root: 400" 400 "$TOK" DELETE "/v1/folders/root?recursive=true"
expect "delete an item" 204 "$TOK" DELETE "/v1/items/$B_ID"
expect "delete it again: 404" 404 "$TOK" DELETE "/v1/items/$B_ID"

# -------- limits --------
L=$(mkfolder "$ROOT" lim)
for i in 1 2 3 4 5 6; do mkfolder "$L" "f$i" >/dev/null; done
expect "7th entry past the limit of 6: 406" 406 "$TOK" POST /v1/folders $J \
    -d "{\"parent_id\": \"$L\", \"name\": \"f7\"}"
jcheck "limit code, message names the limit" \
    'd["error"]["code"] == "limit" and "6" in d["error"]["message"]'
head -c 700000 /dev/urandom >"$T/700k"
check "700 KB upload fits" test "$(upload "$PROJ" big1 "$T/700k")" = 201
head -c 400000 /dev/urandom >"$T/400k"
check "another 400 KB passes the 1 MiB folder limit: 507" \
    test "$(upload "$PROJ" big2 "$T/400k")" = 507
jcheck "limit code" 'd["error"]["code"] == "limit"'

fd_stop
check "the store is consistent" "$FERRYD" --store "$FD_STORE" check

#!/bin/sh
# SPDX-License-Identifier: MIT
#
# ferryd's content endpoints through curl: an upload is streamed to disk
# (a large one leaves the server's memory small), keeps its sha256, takes
# a declared MIME type, client metadata and an expected checksum
# (mismatch: nothing stored), refuses a taken name unless overwriting,
# and past --max-upload is 413 before the body is sent (and cut off when
# chunked).  A download gives the same bytes with an ETag (the sha256),
# answers If-None-Match with 304, serves one byte range (206, suffix and
# open ranges, 416 past the end with Content-Range bytes */size), and
# compresses with gzip when asked.  SIGTERM lets an in-flight download
# finish, then ferryd exits 0.
. "$(dirname "$0")/../lib/e2e.sh"
. "$(dirname "$0")/../lib/ferryd.sh"

TOK=$(fd_token alice)
fd_start --max-upload 8M || exit 1
J='-H Content-Type:application/json'
req "$TOK" GET /v1/folders/root >/dev/null
ROOT=$(jget 'd["id"]')

mb=6
head -c $((mb * 1048576)) /dev/urandom >"$T/big.bin"
SHA=$(sha256sum "$T/big.bin" | cut -d' ' -f1)
expect "upload 6 MiB (streamed)" 201 "$TOK" PUT /v1/folders/root/items/big.bin \
    -T "$T/big.bin"
BIG=$(jget 'd["id"]')
jcheck "size and sha256 as sent" "d['size'] == $((mb * 1048576)) and d['sha256'] == '$SHA'"
printf 'hello\n' >"$T/hello"
expect "the same name again: 409" 409 "$TOK" PUT /v1/folders/root/items/big.bin \
    -T "$T/hello"
expect "overwrite=true replaces it: 200" 200 "$TOK" \
    PUT '/v1/folders/root/items/big.bin?overwrite=true' -T "$T/hello"
jcheck "replaced, same id" "d['size'] == 6 and d['id'] == '$BIG'"
expect "upload it back" 200 "$TOK" PUT '/v1/folders/root/items/big.bin?overwrite=true' \
    -T "$T/big.bin"

expect "declared MIME type and metadata (header)" 201 "$TOK" \
    PUT /v1/folders/root/items/doc -T "$T/hello" \
    -H 'Content-Type: application/x-thing; charset=x' \
    -H 'X-Ferry-Metadata: {"source": "test", "n": 3}'
jcheck "MIME without parameters, metadata kept" \
    'd["mime"] == "application/x-thing" and d["client_metadata"] == {"source": "test", "n": 3}'
expect "metadata as a query parameter" 201 "$TOK" \
    PUT '/v1/folders/root/items/doc2?client_metadata=%7B%22q%22%3A%20true%7D' \
    -T "$T/hello"
jcheck "query metadata kept" 'd["client_metadata"] == {"q": True}'
expect "metadata that is not an object: 400" 400 "$TOK" \
    PUT /v1/folders/root/items/doc3 -T "$T/hello" -H 'X-Ferry-Metadata: [1]'
expect "form uploads are refused: 400" 400 "$TOK" \
    PUT /v1/folders/root/items/doc3 -F "f=@$T/hello"
expect "matching X-Ferry-Sha256: 201" 201 "$TOK" PUT /v1/folders/root/items/sum \
    -T "$T/hello" -H "X-Ferry-Sha256: $(sha256sum "$T/hello" | cut -d' ' -f1)"
expect "wrong X-Ferry-Sha256: corrupt, nothing stored" 500 "$TOK" \
    PUT /v1/folders/root/items/sum2 -T "$T/hello" -H "X-Ferry-Sha256: $SHA"
jcheck "corrupt code names both sums" \
    "d['error']['code'] == 'corrupt' and '$SHA' in d['error']['message']"
expect "...sum2 does not exist" 404 "$TOK" GET /v1/paths/sum2
expect "bad sha256 text: 400" 400 "$TOK" PUT /v1/folders/root/items/sum3 \
    -T "$T/hello" -H "X-Ferry-Sha256: xyz"
expect "invalid item name: 400" 400 "$TOK" PUT '/v1/folders/root/items/a%01b' \
    -T "$T/hello"
expect "upload into a missing folder: 404" 404 "$TOK" \
    PUT /v1/folders/00000000-0000-0000-0000-000000000000/items/x -T "$T/hello"
: >"$T/empty"
expect "empty upload" 201 "$TOK" PUT /v1/folders/root/items/empty -T "$T/empty"
EMPTY=$(jget 'd["id"]')

# -------- the size limit --------
head -c $((40 * 1048576)) /dev/zero >"$T/40m"
t0=$(date +%s%N)
code=$(curl -s -o "$T/body" -w '%{http_code} %{size_upload}' -H "Authorization: Bearer $TOK" \
    -T "$T/40m" "$FD_URL/v1/folders/root/items/toobig")
t1=$(date +%s%N)
check "40 MiB past --max-upload 8M: 413" test "${code% *}" = 413
check "...before the body was sent (<1 MiB sent)" test "${code#* }" -lt 1048576
check "...at once (under 1 s)" test $(((t1 - t0) / 1000000)) -lt 1000
jcheck "413 names the limit" '"8388608" in d["error"]["message"]'
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOK" \
    -H 'Transfer-Encoding: chunked' -T "$T/40m" \
    "$FD_URL/v1/folders/root/items/toobig2" 2>/dev/null)
check "chunked past the limit: 413 or cut off (got $code)" \
    sh -c "[ '$code' = 413 ] || [ '$code' = 000 ] || [ '$code' = 100 ]"
expect "...nothing stored" 404 "$TOK" GET /v1/paths/toobig2
expect "the server still answers" 200 "$TOK" GET /v1/me

# -------- download --------
expect "download" 200 "$TOK" GET "/v1/items/$BIG/content"
check "same bytes" cmp -s "$T/body" "$T/big.bin"
check "ETag is the quoted sha256" grep -qi "^ETag: \"$SHA\"" "$T/headers"
check "Accept-Ranges: bytes" grep -qi '^Accept-Ranges: bytes' "$T/headers"
check "Content-Disposition names the file" \
    grep -qi "^Content-Disposition: attachment; filename\*=UTF-8''big.bin" "$T/headers"
check "X-Ferry-Sha256" grep -qi "^X-Ferry-Sha256: $SHA" "$T/headers"
expect "HEAD" 200 "$TOK" HEAD "/v1/items/$BIG/content"
check "HEAD gives Content-Length" \
    grep -qi "^Content-Length: $((mb * 1048576))" "$T/headers"
expect "If-None-Match with the ETag: 304" 304 "$TOK" GET "/v1/items/$BIG/content" \
    -H "If-None-Match: \"$SHA\""
check "304 has no body" test ! -s "$T/body"
expect "If-None-Match, weak and in a list: 304" 304 "$TOK" \
    GET "/v1/items/$BIG/content" -H "If-None-Match: \"x\", W/\"$SHA\""
expect "If-None-Match another tag: 200" 200 "$TOK" GET "/v1/items/$BIG/content" \
    -H 'If-None-Match: "other"'
expect "Range 100-199: 206" 206 "$TOK" GET "/v1/items/$BIG/content" -r 100-199
dd if="$T/big.bin" of="$T/want" bs=1 skip=100 count=100 2>/dev/null
check "the 100 bytes" cmp -s "$T/body" "$T/want"
check "Content-Range 100-199/size" \
    grep -qi "^Content-Range: bytes 100-199/$((mb * 1048576))" "$T/headers"
expect "suffix range -10: 206" 206 "$TOK" GET "/v1/items/$BIG/content" -H 'Range: bytes=-10'
tail -c 10 "$T/big.bin" >"$T/want"
check "the last 10 bytes" cmp -s "$T/body" "$T/want"
expect "open range 6291000-: 206" 206 "$TOK" GET "/v1/items/$BIG/content" -r 6291000-
check "456 bytes" test "$(wc -c <"$T/body")" -eq $((mb * 1048576 - 6291000))
expect "range past the end: 416" 416 "$TOK" GET "/v1/items/$BIG/content" \
    -r 99999999-
check "416 gives bytes */size" \
    grep -qi "^Content-Range: bytes \*/$((mb * 1048576))" "$T/headers"
expect "If-Range with the ETag keeps the range: 206" 206 "$TOK" \
    GET "/v1/items/$BIG/content" -r 0-9 -H "If-Range: \"$SHA\""
expect "If-Range with another ETag sends it all: 200" 200 "$TOK" \
    GET "/v1/items/$BIG/content" -r 0-9 -H 'If-Range: "old"'
check "...every byte" cmp -s "$T/body" "$T/big.bin"
expect "two ranges: the whole content" 200 "$TOK" GET "/v1/items/$BIG/content" \
    -r 0-1,5-6
expect "range on an empty item: 416" 416 "$TOK" GET "/v1/items/$EMPTY/content" -r 0-
expect "empty item downloads" 200 "$TOK" GET "/v1/items/$EMPTY/content"
check "...empty" test ! -s "$T/body"
expect "a folder has no content: 409" 409 "$TOK" GET "/v1/items/$ROOT/content"
head -c 300000 /dev/zero >"$T/zeros"
expect "upload zeros" 201 "$TOK" PUT /v1/folders/root/items/zeros -T "$T/zeros"
Z=$(jget 'd["id"]')
expect "gzip when asked" 200 "$TOK" GET "/v1/items/$Z/content" --compressed
check "Content-Encoding: gzip" grep -qi '^Content-Encoding: gzip' "$T/headers"
check "decompressed bytes match" cmp -s "$T/body" "$T/zeros"
curl -s -H "Authorization: Bearer $TOK" -H 'Accept-Encoding: gzip' \
    "$FD_URL/v1/items/$Z/content" >"$T/z.gz"
check "the wire is compressed (300000 zeros < 2000 bytes)" \
    test "$(wc -c <"$T/z.gz")" -lt 2000
check "gzip -t accepts it" gzip -t "$T/z.gz"
expect "gzip;q=0 is not gzip" 200 "$TOK" GET "/v1/items/$Z/content" \
    -H 'Accept-Encoding: gzip;q=0'
check "...identity" sh -c "! grep -qi '^Content-Encoding' '$T/headers'"
expect "Range wins over gzip" 206 "$TOK" GET "/v1/items/$Z/content" \
    -H 'Accept-Encoding: gzip' -r 0-99
check "...identity" sh -c "! grep -qi '^Content-Encoding' '$T/headers'"

# -------- a large upload stays out of memory --------
big=120
[ "$FERRY_VARIANT" = asan ] && big=40
fd_stop
fd_start --max-upload 1G || exit 1
head -c $((big * 1048576)) /dev/urandom >"$T/huge"
expect "upload ${big} MiB" 201 "$TOK" PUT /v1/folders/root/items/huge -T "$T/huge"
HUGE=$(jget 'd["id"]')
jcheck "its sha256" "d['sha256'] == '$(sha256sum "$T/huge" | cut -d' ' -f1)'"
hwm=$(awk '/VmHWM/ {print $2}' /proc/"$FD_PID"/status)
lim=65536
[ "$FERRY_VARIANT" = asan ] && lim=262144
check "peak memory ${hwm} KiB stays under $lim KiB (streamed)" test "$hwm" -lt "$lim"

# -------- SIGTERM drains an in-flight download --------
curl -s --limit-rate 20M -H "Authorization: Bearer $TOK" \
    -o "$T/drained" "$FD_URL/v1/items/$HUGE/content" &
CURL=$!
sleep 0.5
t0=$(date +%s%N)
kill -TERM "$FD_PID"
wait "$CURL"
crc=$?
wait "$FD_PID"
frc=$?
t1=$(date +%s%N)
FD_PID=""
check "the download finished after SIGTERM (curl exit $crc)" test "$crc" -eq 0
check "...with every byte" cmp -s "$T/drained" "$T/huge"
check "ferryd waited for it and exited 0 (exit $frc)" test "$frc" -eq 0
check "...which took a while ($(((t1 - t0) / 1000000)) ms)" \
    test $(((t1 - t0) / 1000000)) -gt 500
check "no sanitizer report" fd_sanitizer_clean
check_out "the drain is logged" 'SIGTERM: draining 1 request' cat "$T/ferryd.err"
check "the store is consistent" "$FERRYD" --store "$FD_STORE" check

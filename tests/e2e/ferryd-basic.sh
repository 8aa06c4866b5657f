#!/bin/sh
# SPDX-License-Identifier: MIT
#
# ferryd's foundation: it starts on a loopback port and prints it, answers
# GET /v1 without a token, refuses requests without a valid bearer token
# (401 + WWW-Authenticate), gives JSON errors with the right status for
# unknown endpoints (404), wrong methods (405 + Allow), hostile paths (..,
# %2e%2e, //, %00, %2F, bad escapes), hostile JSON (malformed, wrong
# types, unknown or repeated fields, NUL escapes, huge numbers, deep
# nesting, too large: 413 before the body is sent), overlong and control
# character names; a stalled client is cut off by the timeout without
# stalling others; the config file and flags are read strictly; the log
# has one line per request and never a token; SIGTERM exits 0.
. "$(dirname "$0")/../lib/e2e.sh"
. "$(dirname "$0")/../lib/ferryd.sh"

# -------- command line and config --------
check_err 2 "unknown flag is a usage error" 'usage' \
    "$FERRYD" --store "$FD_STORE" --bogus
check_err 2 "no store is an error naming --store" 'store' "$FERRYD"
printf '[ferryd]\nthreads = 4\nmax_jsn = 3\n' >"$T/bad.conf"
check_err 2 "unknown config key names file and line" 'bad.conf:3: unknown key' \
    "$FERRYD" --config "$T/bad.conf" --store "$FD_STORE"
printf '[ferryd]\nmax_json = lots\n' >"$T/bad2.conf"
check_err 2 "bad config value names file and line" 'bad2.conf:2: max_json' \
    "$FERRYD" --config "$T/bad2.conf" --store "$FD_STORE"
check_err 2 "bad numeric flag names the flag" '--threads' \
    "$FERRYD" --store "$FD_STORE" --threads 0

TOK=$(fd_token alice)
check "token text is 43 base64url characters" \
    sh -c "echo '$TOK' | grep -Eq '^[A-Za-z0-9_-]{43}\$'"
check_out "token list shows alice as admin (first user)" 'alice +admin' \
    "$FERRYD" --store "$FD_STORE" token list
check "the token text is not stored" \
    sh -c "! grep -q '$TOK' '$FD_STORE/ferry.db'"

printf '[ferryd]\nmax_json = 4K\ntimeout = 2\n' >"$T/bad3.conf"
check_err 2 "config key typo (timeout) is refused" 'unknown key "timeout"' \
    "$FERRYD" --config "$T/bad3.conf" --store "$FD_STORE"
printf '[ferryd]\nmax_json = 4K\nconnection_timeout = 2\n' >"$T/ok.conf"
fd_start --config "$T/ok.conf" || exit 1
check_out "stderr names the port bound" \
    "ferryd: listening on 127.0.0.1:$(cat "$T/port")" cat "$T/ferryd.err"

# -------- authentication --------
expect "GET /v1 needs no token" 200 - GET /v1
jcheck "GET /v1 describes the service" 'd["api"] == "v1" and d["page_max"] == 1000'
expect "no token: 401" 401 - GET /v1/me
check "401 carries WWW-Authenticate: Bearer" \
    grep -qi '^WWW-Authenticate: Bearer' "$T/headers"
expect "malformed token: 401" 401 short GET /v1/me
expect "unknown token: 401" 401 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA GET /v1/me
check "unknown token: error=invalid_token" \
    grep -qi 'invalid_token' "$T/headers"
expect "Basic auth is not accepted" 401 - GET /v1/me -u alice:x
expect "valid token: 200" 200 "$TOK" GET /v1/me
jcheck "/v1/me names the user and admin flag" \
    'd["user"] == "alice" and d["admin"] is True and len(d["root_id"]) == 36'

# -------- routing --------
expect "unknown endpoint: 404" 404 "$TOK" GET /v1/nothing
expect "wrong method: 405" 405 "$TOK" DELETE /v1/me
check "405 carries Allow" grep -qi '^Allow: GET' "$T/headers"
expect "HEAD on a GET route works" 200 "$TOK" HEAD /v1/me

# -------- hostile paths --------
expect "..: 400" 400 "$TOK" GET /v1/paths/a/../b --path-as-is
expect "%2e%2e: 400" 400 "$TOK" GET /v1/paths/a/%2e%2e/b --path-as-is
jcheck "the error names the segment" '"not allowed" in d["error"]["message"]'
expect "//: 400" 400 "$TOK" GET /v1/folders//children --path-as-is
expect "%00: 400" 400 "$TOK" GET /v1/paths/a%00b
jcheck "the error names the NUL byte" '"NUL" in d["error"]["message"]'
expect "%2F in a segment: 400" 400 "$TOK" GET /v1/paths/a%2Fb
expect "bad escape: 400" 400 "$TOK" GET /v1/paths/a%zzb
expect "control character: 400" 400 "$TOK" GET /v1/paths/a%01b
expect "duplicate query parameter: 400" 400 "$TOK" \
    GET '/v1/folders/root/children?limit=1&limit=2'
expect "limit above 1000: 400" 400 "$TOK" \
    GET '/v1/folders/root/children?limit=5000'
expect "limit not a number: 400" 400 "$TOK" \
    GET '/v1/folders/root/children?limit=1e3'
expect "missing path: 404" 404 "$TOK" GET /v1/paths/nope/deeper
expect "unknown id: 404" 404 "$TOK" GET "/v1/folders/$(printf 'x%.0s' $(seq 1 300))"

# -------- hostile JSON --------
J='-H Content-Type:application/json'
expect "malformed JSON: 400" 400 "$TOK" POST /v1/folders $J -d '{"name": }'
jcheck "malformed JSON names the byte" '"at byte" in d["error"]["message"]'
expect "trailing garbage: 400" 400 "$TOK" POST /v1/folders $J -d '{"name":"a"} x'
expect "not an object: 400" 400 "$TOK" POST /v1/folders $J -d '["a"]'
expect "empty body: 400" 400 "$TOK" POST /v1/folders $J
expect "wrong type: 400" 400 "$TOK" POST /v1/folders $J -d '{"name": 7}'
jcheck "wrong type names the field" '"\"name\"" in d["error"]["message"] and "string" in d["error"]["message"]'
expect "unknown field: 400" 400 "$TOK" POST /v1/folders $J -d '{"nmae": "a"}'
jcheck "unknown field is named" '"nmae" in d["error"]["message"]'
expect "repeated field: 400" 400 "$TOK" POST /v1/folders $J \
    -d '{"name": "a", "name": "b"}'
expect "NUL escape: 400" 400 "$TOK" POST /v1/folders $J -d '{"name": "a\u0000b"}'
expect "escaped backslash before u0000 is fine" 201 "$TOK" POST /v1/folders $J \
    -d '{"name": "bs\\u0000"}'
expect "a folder t is created" 201 "$TOK" POST /v1/folders $J -d '{"name":"t"}'
T_ID=$(jget 'd["id"]')
expect "ttl 1e300: 400" 400 "$TOK" PATCH "/v1/folders/$T_ID" $J -d '{"ttl": 1e300}'
expect "ttl 1.5: 400" 400 "$TOK" PATCH "/v1/folders/$T_ID" $J -d '{"ttl": 1.5}'
expect "ttl -1: 400" 400 "$TOK" PATCH "/v1/folders/$T_ID" $J -d '{"ttl": -1}'
expect "ttl as string: 400" 400 "$TOK" PATCH "/v1/folders/$T_ID" $J -d '{"ttl": "5"}'
jcheck "ttl type error names the field" '"ttl" in d["error"]["message"]'
python3 -c 'print("[" * 1500 + "]" * 1500)' >"$T/deep.json"
expect "deep nesting: 400" 400 "$TOK" POST /v1/folders $J --data-binary @"$T/deep.json"
head -c 8000 /dev/zero | tr '\0' 'a' | sed 's/^/{"name":"/; s/$/"}/' >"$T/big.json"
expect "body over max_json (Content-Length): 413" 413 "$TOK" POST /v1/folders $J \
    --data-binary @"$T/big.json"
expect "body over max_json (chunked): 413" 413 "$TOK" POST /v1/folders $J \
    -H 'Transfer-Encoding: chunked' --data-binary @"$T/big.json"
expect "the server still answers" 200 "$TOK" GET /v1/me

# -------- names --------
LONG=$(printf 'n%.0s' $(seq 1 256))
expect "256-byte name: 400" 400 "$TOK" POST /v1/folders $J -d "{\"name\": \"$LONG\"}"
jcheck "invalid_name code" 'd["error"]["code"] == "invalid_name"'
expect "control character in a name: 400" 400 "$TOK" POST /v1/folders $J \
    -d '{"name": "a\u0007b"}'
expect "name ..: 400" 400 "$TOK" POST /v1/folders $J -d '{"name": ".."}'
expect "name with /: 400" 400 "$TOK" POST /v1/folders $J -d '{"name": "a/b"}'
expect "UTF-8 name: 201" 201 "$TOK" POST /v1/folders $J -d '{"name": "été 日本"}'
expect "duplicate name: 409" 409 "$TOK" POST /v1/folders $J -d '{"name": "été 日本"}'
jcheck "exists code" 'd["error"]["code"] == "exists"'

# -------- slow and stalled clients --------
$PY - "$(cat "$T/port")" >"$T/slow.out" 2>&1 <<'EOF' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /v1 HTTP/1.1\r\nHost: x\r\n")     # never finished
t0 = time.time()
s.settimeout(20)
data = s.recv(100)
print("closed after %.1f s, got %r" % (time.time() - t0, data))
EOF
SLOW=$!
PIDS="$PIDS $SLOW"
sleep 0.3
t0=$(date +%s%N)
expect "others are served while a client stalls" 200 "$TOK" GET /v1/me
t1=$(date +%s%N)
check "...quickly (under 1 s)" test $(((t1 - t0) / 1000000)) -lt 1000
wait "$SLOW"
check_out "the stalled client is cut off by the 2 s timeout" \
    'closed after [2-5]\.[0-9] s' cat "$T/slow.out"
$PY - "$(cat "$T/port")" "$TOK" >"$T/trickle.out" 2>&1 <<'EOF'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
req = ("GET /v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
       "Connection: close\r\n\r\n" % sys.argv[2]).encode()
for b in req:
    s.send(bytes([b]))
    time.sleep(0.005)
data = b""
while True:
    c = s.recv(4096)
    if not c:
        break
    data += c
print(data.split(b"\r\n")[0].decode())
EOF
check_out "a request sent byte by byte is served" 'HTTP/1.1 200' cat "$T/trickle.out"

fd_stop
check "one log line per request with method, path, status" \
    grep -Eq '127\.0\.0\.1 alice "GET /v1/me" 200 [0-9]+ [0-9.]+ms' "$T/ferryd.err"
check "no token in the log" sh -c "! grep -q '$TOK' '$T/ferryd.err'"
check "the store is consistent" "$FERRYD" --store "$FD_STORE" check

#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Hostile clients against ferryd (a seeded random walk, so a failure
# repeats): garbage request lines, random bytes and escapes in paths and
# queries, random methods, random Range and If-None-Match headers, mutated
# JSON bodies on every JSON endpoint, huge and numerous headers, bodies
# that lie about their length, connections dropped mid-request.  ferryd
# must answer each with a 4xx (never a 5xx other than for a body it
# refused to finish), keep serving others, keep its memory bounded, and
# stop cleanly with no sanitizer report; the store stays consistent.
. "$(dirname "$0")/../lib/e2e.sh"
. "$(dirname "$0")/../lib/ferryd.sh"

N=1500
[ "$FERRY_VARIANT" = asan ] && N=600
TOK=$(fd_token alice)
fd_start --timeout 3 --max-json 64K || exit 1
J='-H Content-Type:application/json'
expect "a folder to aim at" 201 "$TOK" POST /v1/folders $J -d '{"name": "f"}'
F=$(jget 'd["id"]')
printf 'content\n' >"$T/c"
expect "an item to aim at" 201 "$TOK" PUT "/v1/folders/$F/items/i" -T "$T/c"
I=$(jget 'd["id"]')
expect "a control item, never aimed at" 201 "$TOK" PUT /v1/folders/root/items/keep -T "$T/c"
K=$(jget 'd["id"]')

$PY - "$(cat "$T/port")" "$TOK" "$F" "$I" "$N" >"$T/hostile.out" 2>&1 <<'EOF'
import json, random, socket, sys
port, tok, folder, item, n = int(sys.argv[1]), sys.argv[2], sys.argv[3], \
    sys.argv[4], int(sys.argv[5])
rnd = random.Random(1234)
paths = ["/v1/folders/%s" % folder, "/v1/folders/%s/children" % folder,
         "/v1/folders", "/v1/items/%s" % item, "/v1/items/%s/content" % item,
         "/v1/folders/%s/items/x" % folder, "/v1/items/batch-move",
         "/v1/items/batch-delete", "/v1/folders/%s/grants" % folder,
         "/v1/folders/%s/uploads" % folder, "/v1/paths/f/i",
         "/v1/folders/%s/find" % folder, "/v1/folders/%s/move" % folder,
         "/v1/items/%s/copy" % item, "/v1/items/%s/signed-url" % item,
         "/v1/uploads/x/parts/1", "/v1/operations/x", "/v1/me"]
methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS",
           "FOO", "G\x01T"]
nasty = ["%00", "%2e%2e", "..", "%", "%zz", "//", "%2F", "\xff", "%C0%AF",
         "a" * 400, "%e2%80%ae", "?", "#", ";", "\\", "%0a"]
bodies = ['{', '[', '{"name": }', '{"name": "\\u0000"}', '"x"', '1e999',
          '{"name": 1e308}', '{"ids": ' + '[' * 800 + ']' * 800 + '}',
          '{"ids": [' + ','.join('"%d"' % i for i in range(12000)) + ']}',
          '{"name": "' + 'x' * 70000 + '"}', '\x00\x01\x02',
          '{"name": "a", "name": "b"}', '{"parent_id": {}, "name": []}',
          '{"ttl": -9223372036854775809}', '{"starred": "yes"}',
          '{"principal": "user", "name": "' + 'u' * 100 + '", "role": "x"}',
          '{"expires_in": 1.5}', '{"folder_id": null, "ids": [null]}']
queries = ["limit=0", "limit=-1", "limit=99999999999999999999", "limit=",
           "cursor=%00", "cursor=v1.zz", "type=,,,", "order=%ff",
           "desc=maybe", "search=" + "%41" * 2000, "a=1&a=2",
           "&".join("k%d=v" % i for i in range(40)), "recursive=2",
           "name=[", "max_depth=99999", "newer=-5", "signature=x&op=get"]

def mutate(s):
    s = list(s)
    for _ in range(rnd.randint(0, 4)):
        if s and rnd.random() < 0.5:
            s[rnd.randrange(len(s))] = chr(rnd.randrange(256))
        else:
            s.insert(rnd.randrange(len(s) + 1), rnd.choice('{}[]",:\\0e-'))
    return "".join(s)

def one():
    path = rnd.choice(paths)
    if rnd.random() < 0.4:
        parts = path.split("/")
        k = rnd.randrange(1, len(parts))
        parts[k] = rnd.choice(nasty) + parts[k][:rnd.randrange(1, 40)]
        path = "/".join(parts)
    if rnd.random() < 0.4:
        path += "?" + rnd.choice(queries)
    m = rnd.choice(methods)
    body = b""
    if rnd.random() < 0.5:
        body = mutate(rnd.choice(bodies)).encode("latin-1")
    hdrs = ["Host: x", "Connection: close"]
    if rnd.random() < 0.9:
        hdrs.append("Authorization: Bearer " + (tok if rnd.random() < 0.8
            else mutate(tok)))
    if rnd.random() < 0.3:
        hdrs.append("Range: bytes=%s" % rnd.choice(["-", "0-", "-0",
            "5-1", "0-1,2-3", "99999999999999999999-", "x", "1-2-3"]))
    if rnd.random() < 0.2:
        hdrs.append('If-None-Match: %s' % rnd.choice(['*', '"', 'W/', ',,']))
    if rnd.random() < 0.2:
        hdrs.append("X-Ferry-Metadata: " + mutate('{"a": [1, {"b": null}]}'))
    lie = rnd.random() < 0.1
    if body or m in ("POST", "PUT", "PATCH"):
        hdrs.append("Content-Length: %d" % (len(body) + (rnd.randint(1, 50)
            if lie else 0)))
    req = ("%s %s HTTP/1.1\r\n%s\r\n\r\n" % (m, path, "\r\n".join(hdrs))
           ).encode("latin-1", "replace") + body
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(10)
    try:
        if rnd.random() < 0.05:
            s.sendall(req[:rnd.randrange(1, len(req))])   # drop mid-request
            return None
        s.sendall(req)
        data = b""
        while True:
            c = s.recv(65536)
            if not c:
                break
            data += c
        return data
    except (socket.timeout, ConnectionError):
        return None
    finally:
        s.close()

bad = 0
statuses = {}
for i in range(n):
    data = one()
    if not data:
        continue
    line = data.split(b"\r\n", 1)[0].decode("latin-1")
    try:
        st = int(line.split()[1])
    except (IndexError, ValueError):
        print("not HTTP:", repr(line)); bad += 1; continue
    statuses[st] = statuses.get(st, 0) + 1
    if st >= 500 and st not in (501,):
        print("5xx:", repr(data[:300])); bad += 1
print("statuses:", sorted(statuses.items()))
print("bad:", bad)
EOF
check_out "$N hostile requests: no 5xx, all answered as HTTP" '^bad: 0$' cat "$T/hostile.out"
check_out "...mostly refused with 4xx" 'statuses: .*\(40[0-9]' cat "$T/hostile.out"
expect "the server still answers" 200 "$TOK" GET /v1/me
expect "...and the control item is intact" 200 "$TOK" GET "/v1/items/$K/content"
check "...its bytes" cmp -s "$T/body" "$T/c"

# huge and numerous headers, a huge URL
$PY - "$(cat "$T/port")" "$TOK" >"$T/big.out" 2>&1 <<'EOF'
import socket, sys
port, tok = int(sys.argv[1]), sys.argv[2]
def status(req):
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(10)
    try:
        s.sendall(req)
        data = s.recv(200)
    except (ConnectionError, socket.timeout):
        data = b""
    s.close()
    return data.split(b"\r\n", 1)[0].decode("latin-1") or "closed"
print("header:", status(b"GET /v1 HTTP/1.1\r\nHost: x\r\nX-Big: " +
    b"a" * 300000 + b"\r\n\r\n"))
print("url:", status(b"GET /v1/paths/" + b"a" * 200000 +
    b" HTTP/1.1\r\nHost: x\r\n\r\n"))
print("many:", status(b"GET /v1/me HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
    b"Authorization: Bearer " + tok.encode() + b"\r\n" +
    b"".join(b"X-H%d: v\r\n" % i for i in range(500)) + b"\r\n"))
EOF
check_out "a 300 KB header is refused" '^header: (HTTP/1.1 4[0-9][0-9]|closed)' cat "$T/big.out"
check_out "a 200 KB URL is refused" '^url: (HTTP/1.1 4[0-9][0-9]|closed)' cat "$T/big.out"
check_out "500 small headers are served" '^many: HTTP/1.1 200' cat "$T/big.out"
expect "the server still answers" 200 "$TOK" GET /v1/me
hwm=$(awk '/VmHWM/ {print $2}' /proc/"$FD_PID"/status)
lim=131072
[ "$FERRY_VARIANT" = asan ] && lim=524288
check "peak memory ${hwm} KiB under $lim KiB" test "$hwm" -lt "$lim"
fd_stop
check "the store is consistent" "$FERRYD" --store "$FD_STORE" check

#!/bin/sh
# SPDX-License-Identifier: MIT
#
# ferryd over TLS (--tls-cert/--tls-key, a self-signed certificate made
# with openssl) and on IPv6 loopback: the API, uploads, ranged and gzip
# downloads and signed URLs (built with https) work the same; plain HTTP
# to the TLS port gets no answer; a certificate without its key, an
# unreadable key and a bad listen address are refused at start with a
# message naming them.
. "$(dirname "$0")/../lib/e2e.sh"
. "$(dirname "$0")/../lib/ferryd.sh"

if ! command -v openssl >/dev/null 2>&1; then
	ok "openssl not installed: TLS not tested"
	exit 0
fi
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" \
    -out "$T/cert.pem" -days 2 -subj /CN=127.0.0.1 >/dev/null 2>&1
check "a self-signed certificate was made" test -s "$T/cert.pem"

check_err 1 "a certificate without a key is refused" 'both --tls-cert and --tls-key' \
    "$FERRYD" --store "$FD_STORE" --listen 127.0.0.1:0 --tls-cert "$T/cert.pem"
check_err 1 "a missing key file is named" 'nokey.pem' \
    "$FERRYD" --store "$FD_STORE" --listen 127.0.0.1:0 --tls-cert "$T/cert.pem" \
    --tls-key "$T/nokey.pem"
check_err 1 "a bad listen address is named" 'listen address "nowhere:1"' \
    "$FERRYD" --store "$FD_STORE" --listen nowhere:1
check_err 1 "a port out of range is refused" 'ADDR:PORT' \
    "$FERRYD" --store "$FD_STORE" --listen 127.0.0.1:70000

TOK=$(fd_token alice)
fd_start --tls-cert "$T/cert.pem" --tls-key "$T/key.pem" || exit 1
check_out "the start line says TLS" 'listening on 127.0.0.1:[0-9]+ \(TLS\)' \
    cat "$T/ferryd.err"
FD_URL="https://127.0.0.1:$(cat "$T/port")"
K="--cacert $T/cert.pem"
expect "GET /v1 over TLS (certificate verified)" 200 - GET /v1 $K
expect "a token over TLS" 200 "$TOK" GET /v1/me $K
head -c 3000000 /dev/urandom >"$T/f"
expect "upload over TLS" 201 "$TOK" PUT /v1/folders/root/items/f -T "$T/f" $K
ID=$(jget 'd["id"]')
jcheck "its sha256" "d['sha256'] == '$(sha256sum "$T/f" | cut -d' ' -f1)'"
expect "download over TLS" 200 "$TOK" GET "/v1/items/$ID/content" $K
check "same bytes" cmp -s "$T/body" "$T/f"
expect "a range over TLS" 206 "$TOK" GET "/v1/items/$ID/content" -r 1000-1999 $K
dd if="$T/f" of="$T/want" bs=1000 skip=1 count=1 2>/dev/null
check "the range's bytes" cmp -s "$T/body" "$T/want"
expect "gzip over TLS" 200 "$TOK" GET "/v1/items/$ID/content" --compressed $K
check "same bytes" cmp -s "$T/body" "$T/f"
expect "sign a download" 200 "$TOK" POST "/v1/items/$ID/signed-url" $K
jcheck "the url is https" 'd["url"].startswith("https://127.0.0.1:")'
expect "the signed URL over TLS" 200 - GET "$(jget 'd["path"]')" $K
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 \
    "http://127.0.0.1:$(cat "$T/port")/v1")
check "plain HTTP to the TLS port gets no HTTP answer (got $code)" \
    test "$code" = 000
fd_stop

if ip -6 addr show lo 2>/dev/null | grep -q '::1'; then
	FD_STORE6=$FD_STORE
	rm -f "$T/port"
	"$FERRYD" --store "$FD_STORE6" --listen '[::1]:0' --port-file "$T/port" \
	    2>>"$T/ferryd.err" &
	FD_PID=$!
	PIDS="$PIDS $FD_PID"
	i=0; while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	FD_URL="http://[::1]:$(cat "$T/port")"
	expect "IPv6 loopback" 200 "$TOK" GET /v1/me
	check_out "the start line shows [::1]" 'listening on \[::1\]:' cat "$T/ferryd.err"
	fd_stop
else
	ok "no IPv6 loopback here: not tested"
fi

#!/bin/sh
# SPDX-License-Identifier: MIT
#
# ferryd on loopback, measured with curl (and wrk when installed):
#   - a 100,000-item folder: latency of the first page (with its total)
#     and of a later page (cursor), limit 100, median of 11 runs;
#   - listing throughput: requests/s for a 100-entry page with 16
#     connections (wrk -t2 -c16 -d5s, else curl --parallel, 3000 requests);
#   - one SIZE_MB upload and download (default 1024), MB/s, with fsync on.
# Usage: bench/ferryd-bench.sh [BUILD_DIR]   (default build/release)
# Prints one line per measurement; nothing is compared against a target
# here (the issue's targets need nginx and rclone beside it).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
B=${1:-$top/build/release}
FERRYD=$B/ferryd
FILL=$B/tools/store-fill
SIZE_MB=${SIZE_MB:-1024}
T=$(mktemp -d "${TMPDIR:-/tmp}/ferryd-bench.XXXXXX")
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT INT TERM

"$FILL" --batch "$T/store" /big 100000 >/dev/null
TOK=$("$FERRYD" --store "$T/store" token add bench | tail -n 1)
"$FERRYD" --store "$T/store" --listen 127.0.0.1:0 --port-file "$T/port" \
    --log /dev/null --max-upload 64G 2>"$T/err" &
PID=$!
i=0
while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
URL="http://127.0.0.1:$(cat "$T/port")"
A="Authorization: Bearer $TOK"
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

ID=$(curl -s -H "$A" "$URL/v1/paths/big" | json '["id"]')
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
first=$(for i in $(seq 11); do
	curl -s -o /dev/null -w '%{time_total}\n' -H "$A" \
	    "$URL/v1/folders/$ID/children?limit=100"; done | median)
CUR=$(curl -s -H "$A" "$URL/v1/folders/$ID/children?limit=100" |
    json '["next_cursor"]' | python3 -c \
    'import sys, urllib.parse; print(urllib.parse.quote(sys.stdin.read().strip()))')
PAGE="$URL/v1/folders/$ID/children?limit=100&cursor=$CUR"
later=$(for i in $(seq 11); do
	curl -s -o /dev/null -w '%{time_total}\n' -H "$A" "$PAGE"; done | median)
ms() { awk -v s="$1" 'BEGIN { printf "%.1f", s * 1000 }'; }
echo "first page of 100,000 (limit 100, with total): $(ms "$first") ms"
echo "later page (cursor, limit 100):                $(ms "$later") ms"

if command -v wrk >/dev/null 2>&1; then
	rps=$(wrk -t2 -c16 -d5s -H "$A" "$PAGE" | awk '/Requests\/sec/ {print $2}')
	echo "listing, 100 entries per page (wrk -c16):      $rps req/s"
else
	for i in $(seq 3000); do echo "url = \"$PAGE\""; echo "output = /dev/null"; done \
	    >"$T/curl.cfg"
	t0=$(date +%s%N)
	curl -s --parallel --parallel-max 16 -H "$A" -K "$T/curl.cfg" 2>/dev/null
	t1=$(date +%s%N)
	echo "listing, 100 entries per page (curl -Z 16):    $((3000 * 1000000000 / (t1 - t0))) req/s"
fi

head -c $((SIZE_MB * 1048576)) /dev/urandom >"$T/blob"
up=$(curl -s -o /dev/null -w '%{speed_upload}' -H "$A" -T "$T/blob" \
    "$URL/v1/folders/root/items/blob")
BID=$(curl -s -H "$A" "$URL/v1/paths/blob" | json '["id"]')
down=$(curl -s -o /dev/null -w '%{speed_download}' -H "$A" \
    "$URL/v1/items/$BID/content")
echo "upload ${SIZE_MB} MiB:                               $((${up%.*} / 1000000)) MB/s"
echo "download ${SIZE_MB} MiB:                             $((${down%.*} / 1000000)) MB/s"
kill -TERM "$PID"
wait "$PID" || true
PID=""

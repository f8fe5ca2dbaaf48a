#!/usr/bin/env bash
# Records a real httpd trace for the parse benchmark (scripts/bench-parse.sh HTTPD_TRACE=...).
#
#   scripts/record-httpd-trace.sh OUT [REQUESTS]        (default 60000 static requests, about 240 MB)
#
# A prefork apache2 from native/apache/live-apache.sh on 127.0.0.1:18390 (mod_php when installed), traced by
#   strace -f -tt -T -yy -s 256 -o OUT -p PARENT -p CHILD...
# while ab sends REQUESTS requests for /index.html (-c 8), 3000 for /ok.php (-c 4), then one request each for
# /typo/ (a 500) and /crash/ (a child crashes): a busy server's shape, with an incident at the end. Needs root,
# apache2, strace, ab and curl. The server is stopped afterwards.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:?usage: record-httpd-trace.sh OUT [REQUESTS]}"
REQUESTS="${2:-60000}"
PORT="${PORT:-18390}"
srv="$(mktemp -d /tmp/faultline-httpd-trace.XXXXXX)"
trap '"$here/native/apache/live-apache.sh" stop "$srv" >/dev/null 2>&1 || true; rm -rf "$srv"' EXIT
make -s -C "$here/native" >/dev/null
"$here/native/apache/live-apache.sh" start "$srv" "$PORT" prefork >/dev/null
args=()
for p in $(pgrep -f -- "$srv/conf/httpd.conf"); do args+=(-p "$p"); done
strace -f -qq -tt -T -yy -s 256 -o "$OUT" "${args[@]}" &
tracer=$!
sleep 2
ab -q -n "$REQUESTS" -c 8 "http://127.0.0.1:$PORT/index.html" | grep -E "Requests per second|Failed" >&2
ab -q -n 3000 -c 4 "http://127.0.0.1:$PORT/ok.php" | grep -E "Requests per second" >&2 || true
curl -s -o /dev/null "http://127.0.0.1:$PORT/typo/" || true
curl -s -o /dev/null "http://127.0.0.1:$PORT/crash/" || true
sleep 1
kill -INT "$tracer"
wait "$tracer" || true
echo "record-httpd-trace: $(stat -c %s "$OUT") bytes, $(wc -l < "$OUT") lines in $OUT" >&2

#!/usr/bin/env bash
# Instructions per proxied request, measured with callgrind (repeatable on a noisy machine:
# it counts instructions, not time). Starts a mock upstream and the router (1 worker, no
# access log), warms up, then collects only while wrk runs a fixed-length load.
#   bench/callgrind-per-request.sh [seconds]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SR_BUILD_DIR:-$root/build}"
secs="${1:-3}"
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT
"$build/mock-upstream" --name bench --listen 127.0.0.1:0 --port-file "$tmp/up.port" >/dev/null &
for _ in $(seq 1 100); do [ -s "$tmp/up.port" ] && break; sleep 0.05; done
up=$(cat "$tmp/up.port")
port=$(( 20000 + RANDOM % 9000 ))
sed -e "s/@PORT@/$port/" -e "s/@UPSTREAM@/127.0.0.1:$up/" "$root/bench/router.yaml.in" >"$tmp/r.yaml"
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$tmp/cg.out" \
  "$build/smart-router" --config "$tmp/r.yaml" >/dev/null 2>&1 &
vg=$!
for _ in $(seq 1 200); do curl -fs -o /dev/null "http://127.0.0.1:$port/health" && break; sleep 0.1; done
wrk -t1 -c10 -d2s "http://127.0.0.1:$port/" >/dev/null
callgrind_control -i on "$vg" >/dev/null
requests=$(wrk -t1 -c10 -d"${secs}s" "http://127.0.0.1:$port/" | awk '/requests in/{print $1}')
callgrind_control -i off "$vg" >/dev/null
callgrind_control -d "$vg" >/dev/null
kill -INT "$vg"; wait "$vg" || true
total=$(for f in "$tmp"/cg.out*; do callgrind_annotate "$f" 2>/dev/null | awk '/PROGRAM TOTALS/ && $1 ~ /^[0-9,]+$/ {gsub(",","",$1); print $1}'; done | sort -n | tail -1)
echo "requests: $requests  instructions: $total  per request: $(( total / requests ))"
if [ -n "${KEEP:-}" ]; then cp "$tmp"/cg.out* "$KEEP"/; fi

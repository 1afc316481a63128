#!/usr/bin/env bash
# Instructions per REFUSED request (503 overloaded), counted with callgrind: the shipped config
# with the shared pool's concurrency limit at 1 and no queue, and wrk asking for answers the
# mock upstream holds 5 s, so every request but the one in flight is refused at once. What a
# flood of refused clients costs the router (bench/tier-flood's flood scenario).
#   bench/callgrind-refusal.sh [seconds]     (KEEP=DIR keeps the callgrind output)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
secs="${1:-3}"
SR_BENCH_SHAPE=production bench_configure
sed -i -E 's/concurrency: \{limit: 256, adaptive: false, min_limit: 8, tolerance_percent: 150,/concurrency: {limit: 1, adaptive: false, min_limit: 1, tolerance_percent: 150,/; s/queue_length: 1000\}/queue_length: 0}/' "$tmp/r.yaml"
grep -q "limit: 1," "$tmp/r.yaml" || { echo "config/router.yaml changed shape" >&2; exit 1; }
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$tmp/cg.out" \
  "$build/smart-router" --config "$tmp/r.yaml" >/dev/null 2>&1 &
vg=$!
for _ in $(seq 1 200); do curl -fs -o /dev/null "http://127.0.0.1:$port/health" && break; sleep 0.1; done
wrk -t1 -c10 -d2s "http://127.0.0.1:$port/?delay_ms=5000" >/dev/null
callgrind_control -i on "$vg" >/dev/null
out=$(wrk -t1 -c10 -d"${secs}s" "http://127.0.0.1:$port/?delay_ms=5000")
requests=$(echo "$out" | awk '/requests in/{print $1}')
echo "$out" | grep -i "non-2xx"
callgrind_report "$vg" "$requests"

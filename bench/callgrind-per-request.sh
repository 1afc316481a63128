#!/usr/bin/env bash
# Instructions per proxied request, measured with callgrind (repeatable on a noisy machine:
# it counts instructions, not time). Starts a mock upstream and the router (1 worker, no
# access log), warms up, then collects only while wrk runs a fixed-length load.
#   bench/callgrind-per-request.sh [seconds]     (SR_BENCH_CONNS=1000: wrk connections, default 10)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
secs="${1:-3}"
bench_configure
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$tmp/cg.out" \
  "$build/smart-router" --config "$tmp/r.yaml" >/dev/null 2>&1 &
vg=$!
bench_wait_and_warm 10
callgrind_control -i on "$vg" >/dev/null
requests=$(wrk -t1 -c"${SR_BENCH_CONNS:-10}" -d"${secs}s" "http://127.0.0.1:$port/" | awk '/requests in/{print $1}')
callgrind_report "$vg" "$requests"

#!/usr/bin/env bash
# Multi-core scaling on a 2-core machine, as far as it can be measured here: the shipped config
# (config/router.yaml, SR_BENCH_SHAPE=production in lib.sh) with workers: 1 and then 2, wrk
# niced (nice -n 10) so the router's workers get the cores first, unpinned. Prints req/s, the
# router's CPU per request and its CPU share for each, alternating rounds.
#   bench/two-workers.sh [seconds] [rounds]      (SR_BENCH_CONNS, default 200)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
secs="${1:-10}"
rounds="${2:-3}"
conns="${SR_BENCH_CONNS:-200}"
SR_BENCH_SHAPE=production bench_configure
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
for round in $(seq 1 "$rounds"); do
  for workers in 1 2; do
    sed -E "s|^  workers: [0-9]+ |  workers: $workers |" "$tmp/r.yaml" >"$tmp/w$workers.yaml"
    "$build/smart-router" --config "$tmp/w$workers.yaml" >/dev/null 2>&1 &
    router=$!
    bench_wait_and_warm "$conns"
    before=$(cpu_ticks "$router")
    rps=$(nice -n 10 wrk -t2 -c"$conns" -d"${secs}s" "http://127.0.0.1:$port/" |
      awk '/Requests\/sec/{print $2}')
    after=$(cpu_ticks "$router")
    kill "$router"; wait "$router" 2>/dev/null || true
    awk -v r="$round" -v w="$workers" -v rps="$rps" -v t=$((after - before)) -v s="$secs" \
      -v hz="$(getconf CLK_TCK)" 'BEGIN {
        printf "round %d  workers %d  %9.0f req/s  router CPU %5.1f%%  %6.2f us/req\n",
          r, w, rps, 100 * t / hz / s, 1e6 * t / hz / (rps * s) }'
  done
done

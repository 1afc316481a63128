#!/usr/bin/env bash
# RSS of an idle keep-alive connection: a mock upstream and the router (one worker, no access
# log: bench/router.yaml.in), N keep-alive clients on loopback that each send one request, read
# the answer and stay open; the router's VmRSS before and after, per connection.
#   bench/idle-connections.sh [N=10000]
# N is at most the fd hard limit minus a margin (client and router are separate processes).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
n="${1:-10000}"
ulimit -n "$(ulimit -Hn)"
bench_configure
"$build/smart-router" --config "$tmp/r.yaml" >/dev/null 2>&1 &
router=$!
for _ in $(seq 1 200); do curl -fs -o /dev/null "http://127.0.0.1:$port/health" && break; sleep 0.1; done
timeout 120 /usr/bin/python3 "$root/bench/idle_clients.py" 127.0.0.1 "$port" "$router" "$n"

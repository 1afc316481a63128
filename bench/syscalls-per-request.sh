#!/usr/bin/env bash
# System calls per proxied request, counted by the kernel's tracepoints (perf stat): which calls
# the router makes, not how long they take, so it compares builds on a noisy machine. Starts a
# mock upstream and the router (1 worker, no access log) and runs wrk -c50 against it.
#   bench/syscalls-per-request.sh [seconds]       (needs perf and root)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SR_BUILD_DIR:-$root/build}"
secs="${1:-3}"
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT
"$build/mock-upstream" --name bench --listen 127.0.0.1:0 --port-file "$tmp/up.port" >/dev/null &
for _ in $(seq 1 100); do [ -s "$tmp/up.port" ] && break; sleep 0.05; done
port=$(( 20000 + RANDOM % 9000 ))
sed -e "s/@PORT@/$port/" -e "s/@UPSTREAM@/127.0.0.1:$(cat "$tmp/up.port")/" \
  "$root/bench/router.yaml.in" >"$tmp/r.yaml"
"$build/smart-router" --config "$tmp/r.yaml" >/dev/null 2>&1 &
router=$!
for _ in $(seq 1 200); do curl -fs -o /dev/null "http://127.0.0.1:$port/health" && break; sleep 0.05; done
wrk -t1 -c50 -d1s "http://127.0.0.1:$port/" >/dev/null
calls=(recvfrom sendto sendmsg writev readv epoll_wait epoll_ctl)
events=$(printf 'syscalls:sys_enter_%s,' "${calls[@]}")
perf stat -e "${events%,}" -p "$router" -o "$tmp/stat" -- sleep "$secs" &
stat=$!
requests=$(wrk -t1 -c50 -d"${secs}s" "http://127.0.0.1:$port/" | awk '/requests in/{print $1}')
wait "$stat"
echo "requests: $requests"
awk -v r="$requests" '/syscalls:/ {gsub(",", "", $1); sub("syscalls:sys_enter_", "", $2);
  printf "  %-12s %6.2f per request\n", $2, $1 / r}' "$tmp/stat"

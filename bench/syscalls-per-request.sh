#!/usr/bin/env bash
# System calls per proxied request, counted by the kernel's tracepoints (perf stat): which calls
# the router makes, not how long they take, so it compares builds on a noisy machine. Starts a
# mock upstream and the router (1 worker, no access log) and runs wrk -c50 against it.
#   bench/syscalls-per-request.sh [seconds]       (needs perf and root; SR_BENCH_CONNS, default 50;
#                                                  SR_BENCH_SHAPE=production: the shipped config)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
secs="${1:-3}"
bench_configure
"$build/smart-router" --config "$tmp/r.yaml" >/dev/null 2>&1 &
router=$!
bench_wait_and_warm "${SR_BENCH_CONNS:-50}"
calls=(recvfrom sendto sendmsg writev readv epoll_wait epoll_ctl timerfd_settime accept4 connect close)
events=$(printf 'syscalls:sys_enter_%s,' "${calls[@]}")
perf stat -e "${events%,}" -p "$router" -o "$tmp/stat" -- sleep "$secs" &
stat=$!
requests=$(wrk -t1 -c"${SR_BENCH_CONNS:-50}" -d"${secs}s" "http://127.0.0.1:$port/" | awk '/requests in/{print $1}')
wait "$stat"
echo "requests: $requests"
awk -v r="$requests" '/syscalls:/ {gsub(",", "", $1); sub("syscalls:sys_enter_", "", $2);
  printf "  %-12s %6.2f per request\n", $2, $1 / r}' "$tmp/stat"

#!/usr/bin/env bash
# Fleet quotas under a flood: N routers (1 worker each) on config/examples/fleet-quota.yaml
# (LITE 1,000 req/s, burst 1,000 across the fleet) share one Redis; wrk floods each with LITE
# requests for SECONDS; prints what the fleet admitted against what the bucket allows
# (burst + rate x seconds) and the routers' CPU per request. Needs redis-server and wrk.
#   bench/fleet-quota.sh [seconds] [routers]      (defaults 5 and 2)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
secs="${1:-5}"
routers="${2:-2}"
redis_port=$(( 30000 + RANDOM % 5000 ))
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
  >"$tmp/redis.log" 2>&1 &
"$build/mock-upstream" --name bench --listen 127.0.0.1:0 --port-file "$tmp/up.port" >/dev/null &
for _ in $(seq 1 100); do [ -s "$tmp/up.port" ] && break; sleep 0.05; done
up="127.0.0.1:$(cat "$tmp/up.port")"
pids=()
ports=()
for i in $(seq 1 "$routers"); do
  port=$(( 20000 + RANDOM % 9000 ))
  sed -e "s|^rate_limits:|server: {listen: \"127.0.0.1:$port\", workers: 1}\nlogging: {access_log: \"off\"}\nrate_limits:|" \
    "$root/config/examples/fleet-quota.yaml" >"$tmp/r$i.yaml"
  SHARED_ENDPOINT=$up PREMIUM_ENDPOINT=$up REDIS_URL="redis://127.0.0.1:$redis_port/0" \
    "$build/smart-router" --config "$tmp/r$i.yaml" >"$tmp/r$i.log" 2>&1 &
  pids+=($!)
  ports+=("$port")
done
metric() { curl -fs "http://127.0.0.1:$1/metrics" | awk -v m="$2" '$1 == m {print $2}'; }
for port in "${ports[@]}"; do
  for _ in $(seq 1 100); do [ "$(metric "$port" smart_router_fleet_quota_connected)" = 1 ] && break; sleep 0.1; done
done
ok_metric='http_requests_total{route="by-tier",status="200",tier="shared",user_tier="LITE"}'
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
declare -A before cpu0
for i in "${!ports[@]}"; do before[$i]=$(metric "${ports[$i]}" "$ok_metric"); cpu0[$i]=$(cpu "${pids[$i]}"); done
for i in "${!ports[@]}"; do
  wrk -t1 -c20 -d"${secs}s" "http://127.0.0.1:${ports[$i]}/api/v1/orders" >"$tmp/wrk$i.txt" &
done
wait $(jobs -p | tail -n "$routers")
admitted=0
sent=0
ticks=0
for i in "${!ports[@]}"; do
  after=$(metric "${ports[$i]}" "$ok_metric")
  admitted=$(( admitted + ${after:-0} - ${before[$i]:-0} ))
  sent=$(( sent + $(awk '/requests in/{print $1}' "$tmp/wrk$i.txt") ))
  ticks=$(( ticks + $(cpu "${pids[$i]}") - ${cpu0[$i]} ))
done
hz=$(getconf CLK_TCK)
failures=0
for port in "${ports[@]}"; do
  f=$(metric "$port" 'smart_router_fleet_quota_syncs_total{result="failure"}')
  failures=$(( failures + ${f:-0} ))
done
awk -v a="$admitted" -v s="$sent" -v secs="$secs" -v n="$routers" -v t="$ticks" -v hz="$hz" -v f="$failures" 'BEGIN {
  bound = 1000 + 1000 * secs
  printf "routers %d, %d s: %d requests sent, %d admitted; the bucket allows %d (%.3fx); %d failed exchanges\n", n, secs, s, a, bound, a / bound, f
  printf "router CPU per request (admitted or refused): %.2f us\n", t / hz / s * 1e6
}'

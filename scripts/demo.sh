#!/usr/bin/env bash
# The demo: installs what is missing, builds, starts two mock upstreams per pool (shared on
# 9001/9002, premium on 9101/9102) and the router on config/router.yaml (:8080), in the
# background, then prints curl lines to try.
#   scripts/demo.sh          start (restarts a running demo)
#   scripts/demo.sh stop     stop everything it started
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
run="$root/.demo"
build="${SR_BUILD_DIR:-$root/build}"

stop() {
  if [ -d "$run" ]; then
    for pidfile in "$run"/*.pid; do
      [ -e "$pidfile" ] || continue
      kill "$(cat "$pidfile")" 2>/dev/null || true
      rm -f "$pidfile"
    done
  fi
}

if [ "${1:-}" = "stop" ]; then
  stop
  echo "demo stopped"
  exit 0
fi

"$root/scripts/bootstrap.sh"
"$root/scripts/build.sh" smart-router mock-upstream
stop
mkdir -p "$run"

start() {  # name, log, command...
  local name=$1 log=$2
  shift 2
  nohup "$@" >"$run/$log" 2>&1 &
  echo $! >"$run/$name.pid"
}
for u in shared-1:9001 shared-2:9002 premium-1:9101 premium-2:9102; do
  start "${u%%:*}" "${u%%:*}.log" "$build/mock-upstream" --name "${u%%:*}" --listen "127.0.0.1:${u##*:}"
done
start router router.log "$build/smart-router" --config "$root/config/router.yaml"
sleep 0.5
for name in shared-1 shared-2 premium-1 premium-2 router; do
  if ! kill -0 "$(cat "$run/$name.pid")" 2>/dev/null; then
    echo "$name did not start (a port already in use?):" >&2
    tail -5 "$run/$name.log" >&2
    stop
    exit 1
  fi
done

# Wait until the router is ready (every pool has a healthy endpoint), at most 20 s.
for _ in $(seq 1 100); do
  curl -fs -o /dev/null http://127.0.0.1:8080/ready && break
  sleep 0.2
done
if ! curl -fs -o /dev/null http://127.0.0.1:8080/ready; then
  echo "the router did not become ready; see $run/router.log" >&2
  tail -20 "$run/router.log" >&2
  exit 1
fi

cat <<MSG

smart-router is running on :8080 (logs: .demo/router.log; stop: scripts/demo.sh stop)

Try:
  curl -s localhost:8080/api/v1/orders -H 'X-User-Tier: LITE'          # -> shared pool
  curl -s localhost:8080/api/v1/orders -H 'X-User-Tier: ELITE'         # -> premium pool
  curl -s localhost:8080/api/v1/premium/quotes -H 'X-User-Tier: BLACK' # premium path -> premium
  curl -s localhost:8080/api/v1/premium/quotes -H 'X-User-Tier: PRO'   # premium path -> 403
  curl -s localhost:8080/health ; curl -s localhost:8080/ready
  curl -s localhost:8080/metrics | grep http_requests_total

MSG
echo "LITE request answered by:"
curl -s localhost:8080/api/v1/orders -H 'X-User-Tier: LITE'
echo
echo "ELITE request answered by:"
curl -s localhost:8080/api/v1/orders -H 'X-User-Tier: ELITE'
echo
echo "premium path with BLACK:"
curl -s localhost:8080/api/v1/premium/quotes -H 'X-User-Tier: BLACK'
echo

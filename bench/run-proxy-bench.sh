#!/usr/bin/env bash
# Runs ../shared/bench/proxy-bench (or $PROXY_BENCH) with smart-router as the candidate, one
# worker each, side by side with nginx and HAProxy. Extra arguments go to proxy-bench.
#   bench/run-proxy-bench.sh --conns 50,500 --duration 10
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="${PROXY_BENCH:-$root/../shared/bench/proxy-bench}"
bin="${SMART_ROUTER_BIN:-$root/build/smart-router}"
[ -x "$bin" ] || { echo "build the router first: $bin not found" >&2; exit 1; }
exec "$bench" --candidate-name smart-router --candidate \
  "sed -e s/@PORT@/{PORT}/ -e s/@UPSTREAM@/{UPSTREAM}/ $root/bench/router.yaml.in >{TMP}/r.yaml && exec $bin --config {TMP}/r.yaml" \
  "$@"

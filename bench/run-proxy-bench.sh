#!/usr/bin/env bash
# Runs ../shared/bench/proxy-bench (or $PROXY_BENCH) with smart-router as the candidate, one
# worker each, side by side with nginx and HAProxy. Extra arguments go to proxy-bench.
#   bench/run-proxy-bench.sh --conns 50,1000 --rounds 5 --rotate
# SR_BENCH_SHAPE=production (default): the router runs the shipped config/router.yaml (three
#   routes with path prefixes, active health checks, least_request, retries, pool limits) with
#   one worker and both pools on the bench's upstream; nginx and HAProxy run the same shape
#   (bench/anchors/*.tmpl: tier routing, the 403 for premium paths, health checks).
# SR_BENCH_SHAPE=minimal: bench/router.yaml.in (one route, no health checks) against
#   proxy-bench's own one-location anchors.
# SR_BENCH_ANCHORS=plain: the production-shaped router against proxy-bench's own one-location
#   anchors (what a bare nginx or HAProxy in front of one upstream does).
# SR_BENCH_ACCESS_LOG=file: all three write a JSON access log line per request to a file:
#   the router's writer thread writes what gathered every 5 ms, nginx likewise (buffer=64k
#   flush=5ms), HAProxy a line at a time to its stdout (it has no file buffering); default off.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="${PROXY_BENCH:-$root/../shared/bench/proxy-bench}"
bin="${SMART_ROUTER_BIN:-$root/build/smart-router}"
shape="${SR_BENCH_SHAPE:-production}"
access_log="${SR_BENCH_ACCESS_LOG:-off}"
anchors="${SR_BENCH_ANCHORS:-production}"
[ -x "$bin" ] || { echo "build the router first: $bin not found" >&2; exit 1; }
case "$access_log" in off|file) ;; *) echo "SR_BENCH_ACCESS_LOG: off or file" >&2; exit 2 ;; esac

if [ "$shape" = minimal ]; then
  [ "$access_log" = off ] || { echo "the minimal shape has no access log" >&2; exit 2; }
  exec "$bench" --candidate-name smart-router --candidate \
    "sed -e s/@PORT@/{PORT}/ -e s/@UPSTREAM@/{UPSTREAM}/ $root/bench/router.yaml.in >{TMP}/r.yaml && exec $bin --config {TMP}/r.yaml" \
    "$@"
fi
[ "$shape" = production ] || { echo "SR_BENCH_SHAPE: production or minimal" >&2; exit 2; }

# proxy-bench reads its anchors' templates beside itself: run a copy beside ours.
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp "$bench" "$(dirname "$bench")/upstream-nginx.conf.tmpl" "$dir/"
if [ "$access_log" = file ]; then
  nginx_log='access_log {TMP}/nginx-access.log json buffer=64k flush=5ms;'
  haproxy_log='log stdout format raw local0'  # proxy-bench sends HAProxy's stdout to a file
  router_log='{TMP}/access.log'
else
  nginx_log='access_log off;'
  haproxy_log=''
  router_log='off'
fi
if [ "$anchors" = plain ]; then
  [ "$access_log" = off ] || { echo "plain anchors have no access log" >&2; exit 2; }
  cp "$(dirname "$bench")/nginx.conf.tmpl" "$(dirname "$bench")/haproxy.cfg.tmpl" "$dir/"
else
  [ "$anchors" = production ] || { echo "SR_BENCH_ANCHORS: production or plain" >&2; exit 2; }
  sed "s|@ACCESS_LOG@|$nginx_log|" "$root/bench/anchors/nginx.conf.tmpl" >"$dir/nginx.conf.tmpl"
  sed "s|@ACCESS_LOG@|$haproxy_log|" "$root/bench/anchors/haproxy.cfg.tmpl" >"$dir/haproxy.cfg.tmpl"
fi

# The shipped config with the bench's listener, one worker and the access log choice; both
# pools' endpoints come from the documented environment overrides.
router_cfg="sed -e 's|^  listen: \"0.0.0.0:8080\"|  listen: \"127.0.0.1:{PORT}\"|' -e 's|^  workers: 0 |  workers: 1 |'"
router_cfg+=" -e 's|^  access_log: stdout |  access_log: \"$router_log\" |' $root/config/router.yaml >{TMP}/r.yaml"
router_cfg+=" && grep -q '127.0.0.1:{PORT}' {TMP}/r.yaml && grep -q 'workers: 1 ' {TMP}/r.yaml"
"$dir/proxy-bench" --candidate-name smart-router --candidate \
  "$router_cfg && SHARED_ENDPOINT={UPSTREAM} PREMIUM_ENDPOINT={UPSTREAM} exec $bin --config {TMP}/r.yaml" \
  "$@"

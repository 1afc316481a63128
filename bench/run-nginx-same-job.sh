#!/usr/bin/env bash
# Runs ../shared/bench/proxy-bench (or $PROXY_BENCH) with, as the candidate, nginx set up to do
# the router's per-request header work (bench/nginx-same-job.conf.in): what plain nginx would
# cost if it did the same job. Compare its /nginx ratio with the router's
# (bench/run-proxy-bench.sh). Extra arguments go to proxy-bench.
#   bench/run-nginx-same-job.sh --conns 50 --rounds 4 --rotate
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="${PROXY_BENCH:-$root/../shared/bench/proxy-bench}"
exec "$bench" --candidate-name nginx-same-job --candidate \
  "sed -e s/@PORT@/{PORT}/ -e s/@UPSTREAM@/{UPSTREAM}/ -e s#@TMP@#{TMP}# $root/bench/nginx-same-job.conf.in >{TMP}/same-job.conf && exec nginx -p {TMP}/ -c {TMP}/same-job.conf" \
  "$@"

# Sourced by the bench scripts: a mock upstream and the router in front of it (one worker, no
# access log: bench/router.yaml.in; SR_BENCH_SHAPE=production: the shipped config/router.yaml;
# in both, SR_BENCH_ACCESS_LOG_TARGET=FILE to log), on loopback ports. After bench_configure,
# $port is the router's port and $tmp/r.yaml its config; the caller starts the router (plain or
# under a tool).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SR_BUILD_DIR:-$root/build}"
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT

bench_configure() {
  "$build/mock-upstream" --name bench --listen 127.0.0.1:0 --port-file "$tmp/up.port" >/dev/null &
  for _ in $(seq 1 100); do [ -s "$tmp/up.port" ] && break; sleep 0.05; done
  port=$(( 20000 + RANDOM % 9000 ))
  local upstream="127.0.0.1:$(cat "$tmp/up.port")"
  if [ "${SR_BENCH_SHAPE:-minimal}" = production ]; then
    # The shipped config: its three routes, health checks, limits; one worker, no access log.
    sed -E -e "s|^  listen: \"0.0.0.0:8080\"|  listen: \"127.0.0.1:$port\"|" -e 's|^  workers: 0 |  workers: 1 |' \
      -e "s|^  access_log: stdout |  access_log: \"${SR_BENCH_ACCESS_LOG_TARGET:-off}\" |" \
      -e "s|endpoints: \[\"127.0.0.1:9[0-9]+\", \"127.0.0.1:9[0-9]+\"\]|endpoints: [\"$upstream\"]|" \
      "$root/config/router.yaml" >"$tmp/r.yaml"
    [ "$(grep -c "$upstream" "$tmp/r.yaml")" = 2 ] || { echo "config/router.yaml changed shape" >&2; exit 1; }
  else
    sed -e "s/@PORT@/$port/" -e "s/@UPSTREAM@/$upstream/" \
      -e "s|access_log: \"off\"|access_log: \"${SR_BENCH_ACCESS_LOG_TARGET:-off}\"|" \
      "$root/bench/router.yaml.in" >"$tmp/r.yaml"
  fi
}

# Waits until the router answers /health, then warms it up.
bench_wait_and_warm() {
  for _ in $(seq 1 200); do curl -fs -o /dev/null "http://127.0.0.1:$port/health" && break; sleep 0.1; done
  wrk -t1 -c"$1" -d2s "http://127.0.0.1:$port/" >/dev/null
}

# After a callgrind run of the router (pid $1) that served $2 requests while instrumented:
# stops it and prints the instructions per request (KEEP=DIR keeps the callgrind output).
callgrind_report() {
  callgrind_control -i off "$1" >/dev/null
  callgrind_control -d "$1" >/dev/null
  kill -INT "$1"; wait "$1" || true
  local total
  total=$(for f in "$tmp"/cg.out*; do callgrind_annotate "$f" 2>/dev/null |
    awk '/PROGRAM TOTALS/ && $1 ~ /^[0-9,]+$/ {gsub(",","",$1); print $1}'; done | sort -n | tail -1)
  echo "requests: $2  instructions: $total  per request: $(( total / $2 ))"
  if [ -n "${KEEP:-}" ]; then cp "$tmp"/cg.out* "$KEEP"/; fi
}

#!/usr/bin/env bash
# Installs, from Debian 12 packages, whatever the build, the demo and the tests need and is
# missing. Idempotent; needs root (or sudo) only when something is missing.
#   scripts/bootstrap.sh            build + demo + tests
#   scripts/bootstrap.sh --bench    also nginx and HAProxy for the benchmarks
set -euo pipefail

packages=(
  # build
  g++ cmake ninja-build pkg-config git ca-certificates
  libboost1.81-dev libssl-dev nlohmann-json3-dev libspdlog-dev prometheus-cpp-dev
  libyaml-cpp-dev libcpp-jwt-dev libgtest-dev libjemalloc-dev libhiredis-dev
  # demo and tests (redis-server: the fleet quotas' tests run a real one)
  curl procps python3 python3-pytest clang-format-14 redis-server
  # deploy validation: promtool, and node for the offline schema checks
  prometheus nodejs npm
)
[ "${1:-}" = "--bench" ] && packages+=(wrk nginx-light haproxy linux-perf)

missing=()
for p in "${packages[@]}"; do
  # A Node.js from elsewhere (with its own npm) serves as well as Debian's packages.
  case "$p" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "bootstrap: all packages present"
  exit 0
fi
echo "bootstrap: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
# Debian's prometheus package starts a server on :9090; the tests only need promtool.
if [ -d /run/systemd/system ] && systemctl is-active -q prometheus 2>/dev/null; then
  $sudo systemctl stop prometheus || true
fi

#!/usr/bin/env bash
# Configures and builds into $SR_BUILD_DIR (default build/). SR_SANITIZE=ON builds with
# ASan+UBSan; SR_PORTABLE_RECEIVE=ON the portable socket read (drained_receive.hpp). Extra arguments go to ninja (targets).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SR_BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${SR_BUILD_TYPE:-RelWithDebInfo}" \
  -DSR_SANITIZE="${SR_SANITIZE:-OFF}" -DSR_PORTABLE_RECEIVE="${SR_PORTABLE_RECEIVE:-OFF}" >/dev/null
ninja -C "$build" "$@"

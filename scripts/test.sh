#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test with ctest
# (unit, integration, deploy). Extra arguments go to ctest, e.g. `-L unit`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/bootstrap.sh"
"$root/scripts/build.sh"
build="${SR_BUILD_DIR:-$root/build}"
cd "$build"
ctest --output-on-failure --timeout 1500 -j2 "$@"

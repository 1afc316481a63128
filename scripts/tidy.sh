#!/usr/bin/env bash
# clang-tidy-14 over the router's, the mock upstream's and the fuzz targets' sources (checks in .clang-tidy; any
# finding fails). Needs a configured build for compile_commands.json: SR_BUILD_DIR (default build).
#   scripts/tidy.sh [files...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SR_BUILD_DIR:-$root/build}"
cd "$root"
[ -f "$build/compile_commands.json" ] || { echo "tidy: configure $build first (scripts/build.sh)" >&2; exit 2; }
tidy=$(command -v clang-tidy-14 || command -v clang-tidy) || { echo "tidy: clang-tidy-14 not installed" >&2; exit 2; }
if [ $# -gt 0 ]; then files=("$@"); else mapfile -t files < <(find src tools fuzz -name '*.cpp' | sort); fi
jobs=$(nproc)
printf "%s\n" "${files[@]}" |
  xargs -P "$jobs" -n 2 "$tidy" -p "$build" --quiet 2> >(grep -v "warnings\? generated" >&2)
echo "tidy: ${#files[@]} files clean"

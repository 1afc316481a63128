#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/: clang 14, ASan+UBSan, SR_FUZZ=ON) into $SR_FUZZ_BUILD_DIR
# (default build-fuzz/) and runs each for a bounded time, from its seed corpus (fuzz/corpus/
# <target>/, read only) and what earlier runs found (build-fuzz/corpus/<target>/).
#   scripts/fuzz.sh [seconds-per-target] [target...]      (default 60 s, every target)
# A crash, sanitizer report, leak or timeout fails the script; the input is kept in
# build-fuzz/crashes/<target>/ (add it to fuzz/corpus/<target>/ with the fix: the corpus replays
# as the ctest fuzz_replay.<target>). Needs clang-14 and libclang-rt-14-dev (libFuzzer).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SR_FUZZ_BUILD_DIR:-$root/build-fuzz}"
secs="${1:-60}"
[ $# -gt 0 ] && shift
if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(sed -n 's/^sr_fuzz_target(\([a-z_]*\) .*/\1/p' "$root/fuzz/CMakeLists.txt")
fi
# clang 14 builds the coroutine sources only without -fsanitize=function (cmake/Options.cmake).
cxx=$(command -v clang++-14 || command -v clang++) || { echo "fuzz: clang++-14 not installed" >&2; exit 2; }
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$cxx" \
  -DSR_FUZZ=ON -DSR_BUILD_TESTS=OFF >/dev/null
jobs="${SR_FUZZ_JOBS:-$(nproc)}"  # build jobs, then targets fuzzing at once
ninja -C "$build" -j "$jobs" fuzzers
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# One target a core at a time (each fuzzes on one thread): the same time per target, the run
# as long as the targets divided by the cores.
fuzz_one() {
  local t="$1" log="$build/logs/$1.log"
  mkdir -p "$build/corpus/$t" "$build/crashes/$t"
  if "$build/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$build/crashes/$t/" "$build/corpus/$t" "$root/fuzz/corpus/$t" >"$log" 2>&1; then
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "fuzz: $t: ${execs:-?} execs in ${secs} s, no failure"
  else
    echo "fuzz: $t FAILED (log: $log, input: $build/crashes/$t/)" >&2
    grep -E "ERROR|SUMMARY|runtime error|deadly signal" "$log" | head -5 >&2 || true
    return 1
  fi
}
mkdir -p "$build/logs"
rm -f "$build"/logs/*.failed
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  fuzz_one "$t" || touch "$build/logs/$t.failed" &
done
wait
failed=()
for t in "${targets[@]}"; do if [ -e "$build/logs/$t.failed" ]; then failed+=("$t"); fi; done
[ ${#failed[@]} -eq 0 ] || { echo "fuzz: failed: ${failed[*]}" >&2; exit 1; }

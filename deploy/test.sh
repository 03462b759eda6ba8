#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, runs every test with ctest.
# Extra arguments go to ctest, e.g.  ./deploy/test.sh -R EndToEnd  or  -L integration
#
# --sanitize: the CI sanitizer stage instead. Builds with clang, ASan+UBSan (every finding
# fatal), -O1 and no benchmarks into build-san/, where the libFuzzer targets build too, so
# fuzz_run_5s runs each fuzzer there. The 2-minute chaos test runs only in the normal stage
# (it is timed: under ASan it would measure the sanitizer, and it alone would double the stage).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jobs="${TITIP_TEST_JOBS:-2}"
if [[ ${1:-} == --sanitize ]]; then
  shift
  "$root/deploy/install-deps.sh"
  build="$root/build-san"
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DTITIP_SANITIZE=ON \
    -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" >/dev/null
  cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)"
  # halt_on_error: the first report fails the test. Leaks are checked (LSan), with the
  # suppressions of third-party leaks in deploy/lsan.supp.
  export ASAN_SYMBOLIZER_PATH="${ASAN_SYMBOLIZER_PATH:-$(command -v llvm-symbolizer || true)}"
  export ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:detect_leaks=1"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
  export LSAN_OPTIONS="suppressions=$root/deploy/lsan.supp:print_suppressions=0"
  cd "$build"
  ctest --output-on-failure --timeout 900 -j"$jobs" -LE chaos "$@"
  exit
fi
"$root/deploy/build.sh"
cd "$root/build"
ctest --output-on-failure --timeout 600 -j"$jobs" "$@"

#!/usr/bin/env bash
# The README's test command, and what CI (.ci/run) runs. Installs what is missing, then:
#  1. builds the five shipped binaries with g++ -O2 into build-gcc/ (the compiler and the
#     optimisation of deploy/build.sh and the packages, without debug info, which costs a
#     quarter of the time and changes no warning), so a g++-only warning, an error under
#     -Werror, cannot break the README's main command unseen;
#  2. builds everything with clang, ASan+UBSan (every finding fatal, -O1) into build-san/,
#     where the libFuzzer targets build too, and runs every test there with ctest.
# Extra arguments go to ctest, e.g.  ./deploy/test.sh -R EndToEnd  or  -L integration
#
# --plain: no sanitizers: the whole tree (tests too) with g++ RelWithDebInfo into build/ and
# every test there; the libFuzzer runs are skipped (no clang build). Faster to build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jobs="${TITIP_TEST_JOBS:-2}"
cores="$(nproc 2>/dev/null || echo 2)"
"$root/deploy/install-deps.sh"

if [[ ${1:-} == --plain ]]; then
  shift
  "$root/deploy/build.sh"
  cd "$root/build"
  exec ctest --output-on-failure --timeout 600 -j"$jobs" "$@"
fi

cmake -G Ninja -S "$root" -B "$root/build-gcc" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -DNDEBUG" >/dev/null
cmake --build "$root/build-gcc" -j"$cores" --target titip-gateway titip-relay \
  titip-aggregator titipctl titip-termsim

build="$root/build-san"
CC=clang CXX=clang++ cmake -G Ninja -S "$root" -B "$build" -DTITIP_SANITIZE=ON \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" >/dev/null
cmake --build "$build" -j"$cores"
# halt_on_error: the first report fails the test. Leaks are checked (LSan), with the
# suppressions of third-party leaks in deploy/lsan.supp.
export ASAN_SYMBOLIZER_PATH="${ASAN_SYMBOLIZER_PATH:-$(command -v llvm-symbolizer || true)}"
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:detect_leaks=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export LSAN_OPTIONS="suppressions=$root/deploy/lsan.supp:print_suppressions=0"
cd "$build"
ctest --output-on-failure --timeout 900 -j"$jobs" "$@"

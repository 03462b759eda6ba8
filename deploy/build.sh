#!/usr/bin/env bash
# Configures and builds titip into build/ at the repository root (binaries in build/bin/).
# Usage: deploy/build.sh [cmake --build args...]   e.g. deploy/build.sh --target titipctl
# TITIP_TESTS=OFF leaves the tests out (deploy/test.sh builds and runs them under sanitizers
# in build-san/); unset, the setting of an existing build/ stays (ON in a new one).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/deploy/install-deps.sh"
jobs="$(nproc 2>/dev/null || echo 2)"
opts=(-DCMAKE_BUILD_TYPE="${TITIP_BUILD_TYPE:-RelWithDebInfo}")
[ -n "${TITIP_TESTS:-}" ] && opts+=(-DTITIP_TESTS="$TITIP_TESTS")
cmake -S "$root" -B "$root/build" "${opts[@]}" >/dev/null
cmake --build "$root/build" -j"$jobs" "$@"

#!/usr/bin/env bash
# Configures and builds titip into build/ at the repository root (binaries in build/bin/).
# Usage: deploy/build.sh [cmake --build args...]   e.g. deploy/build.sh --target titipctl
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/deploy/install-deps.sh"
jobs="$(nproc 2>/dev/null || echo 2)"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE="${TITIP_BUILD_TYPE:-RelWithDebInfo}" >/dev/null
cmake --build "$root/build" -j"$jobs" "$@"

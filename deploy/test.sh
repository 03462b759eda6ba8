#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, runs every test with ctest.
# Extra arguments go to ctest, e.g.  ./deploy/test.sh -R EndToEnd  or  -L integration
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/deploy/build.sh"
cd "$root/build"
ctest --output-on-failure --timeout 600 -j"${TITIP_TEST_JOBS:-2}" "$@"

#!/usr/bin/env bash
# Installs every build and test dependency of titip from Debian 12's packages.
# Idempotent: when everything is present it installs nothing and touches no network.
set -euo pipefail

PKGS=(
  build-essential cmake pkg-config git
  libzmq3-dev cppzmq-dev
  libprotobuf-dev protobuf-compiler
  liblmdb-dev lmdb-utils
  libboost-dev
  libtomlplusplus-dev libcli11-dev libspdlog-dev libfmt-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev
  libzstd-dev libsystemd-dev
  procps iproute2 jq
  help2man  # ops: man pages generated from titipctl --help
  nodejs  # zk: conformance test runs the real npm ZK clients (npm: see below)
  mosquitto mosquitto-clients  # bench: Mosquitto bridge baseline (tests/bench/run.sh)
  clang  # fuzz: libFuzzer targets (tests/fuzz/, built in a clang build dir)
  nats-server  # bench: NATS leaf node + JetStream baseline (tests/bench/bench_nats.sh)
  libpqxx-dev  # pg: aggregator PostgreSQL export ([export.postgres])
  postgresql  # pg: real server for the export's integration test (tests/integration/pg_export_test)
  chromium  # web: the status board's browser test (playwright-core from npm drives it)
  libsodium-dev  # security: end-to-end origin signatures (Ed25519 seals)
  libclang-rt-14-dev llvm  # sanitizers: ASan/UBSan/libFuzzer runtimes (only Recommended by clang), llvm-symbolizer
  ninja-build lld  # sanitizers: the clang test build (build-san/) uses Ninja and links with lld
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# Debian's nodejs needs the separate npm package; NodeSource's nodejs ships npm inside and
# conflicts with Debian's npm, so ask for the package only when the command is missing.
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PKGS[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

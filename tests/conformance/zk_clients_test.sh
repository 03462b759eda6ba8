#!/usr/bin/env bash
# Conformance of `titip-termsim zk` against real third-party ZK clients from npm
# (node-zklib 1.3.0, zkteco-js 1.7.2): each must read exactly the attendance set termsim
# serves (its --dump), in direct, chunked and 1008-byte-frame replies (terminal-protocols.md
# §1.5, §1.11). Exit 77 (ctest SKIP) only when the npm registry cannot be reached.
# Usage: zk_clients_test.sh TERMSIM CACHE_DIR
set -u
TERMSIM=$1
CACHE=$2
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/zk-conf.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT

command -v node >/dev/null && command -v npm >/dev/null || {
  echo "FAIL: node and npm are required (deploy/install-deps.sh installs nodejs, npm)"; exit 1; }

mkdir -p "$CACHE"
if [ ! -f "$CACHE/node_modules/node-zklib/package.json" ] ||
   [ ! -f "$CACHE/node_modules/zkteco-js/package.json" ]; then
  if ! timeout 180 npm install --prefix "$CACHE" --no-audit --no-fund --no-save \
       node-zklib@1.3.0 zkteco-js@1.7.2 >"$WORK/npm.log" 2>&1; then
    if ! timeout 30 npm ping >/dev/null 2>&1; then
      echo "SKIP: the npm registry is unreachable; cannot install node-zklib/zkteco-js"
      cat "$WORK/npm.log"
      exit 77
    fi
    echo "FAIL: npm install failed with the registry reachable:"; cat "$WORK/npm.log"; exit 1
  fi
fi

failures=0
# run_case NAME TERMSIM-ARGS...
run_case() {
  local name=$1; shift
  local out="$WORK/$name.out"
  "$TERMSIM" zk --listen 127.0.0.1:0 --serial "CONF$name" --seed 11 --dump "$WORK/$name.dump" \
    "$@" >"$out" 2>"$WORK/$name.err" &
  local pid=$!
  PIDS+=("$pid")
  local port=""
  for _ in $(seq 100); do
    port=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$out")
    [ -n "$port" ] && break
    sleep 0.05
  done
  if [ -z "$port" ]; then
    echo "FAIL $name: termsim did not start"; cat "$WORK/$name.err"; failures=$((failures + 1))
    return
  fi
  cut -f1,2 "$WORK/$name.dump" | sort >"$WORK/$name.want"
  local want
  want=$(wc -l <"$WORK/$name.want")
  for lib in node-zklib zkteco-js; do
    if ! TZ=UTC NODE_PATH="$CACHE/node_modules" timeout 60 node "$HERE/zk_read_attendance.js" \
         "$lib" "$port" >"$WORK/$name.$lib" 2>"$WORK/$name.$lib.err"; then
      echo "FAIL $name/$lib: client error"; tail -5 "$WORK/$name.$lib.err"
      failures=$((failures + 1)); continue
    fi
    if diff -q "$WORK/$name.want" "$WORK/$name.$lib" >/dev/null; then
      echo "ok   $name/$lib: read all $want records"
    else
      echo "FAIL $name/$lib: read $(wc -l <"$WORK/$name.$lib") records, termsim serves $want"
      diff "$WORK/$name.want" "$WORK/$name.$lib" | head -5
      failures=$((failures + 1))
    fi
  done
  kill "$pid" 2>/dev/null
}

run_case direct --users 40 --days 3                              # ~13 KB: one CMD_DATA
run_case chunked --users 620 --days 3                            # ~5,000 records, 4 chunks
run_case frames --users 80 --days 3 --direct-max 0 --frame-max 1008 --frame-gap-ms 20

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all ZK client conformance cases passed"

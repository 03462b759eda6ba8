#!/usr/bin/env bash
# The status board in a real browser: board_seed fills an aggregator store (the example roster's
# 41 units in known states), titip-aggregator serves it on a free loopback port with [web]
# listen, and status_board.js drives Debian's headless Chromium through playwright-core
# (pinned in package-lock.json, installed with `npm ci` into the build tree). The screenshot is
# left in OUTPUT_DIR/status-board.png. Exit 77 (ctest SKIP) only when /usr/bin/chromium is
# missing (deploy/install-deps.sh installs it) or the npm registry is unreachable.
# Usage: status_board_test.sh AGGREGATOR BOARD_SEED ROSTER NPM_DIR OUTPUT_DIR
set -u
AGG=$1 SEED=$2 ROSTER=$3 NPM_DIR=$4 OUT=$5
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/board-test.XXXXXX)
AGG_PID=""
cleanup() {
  [ -n "$AGG_PID" ] && kill "$AGG_PID" 2>/dev/null && wait "$AGG_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ ! -x /usr/bin/chromium ]; then
  echo "SKIP: /usr/bin/chromium is not installed (deploy/install-deps.sh installs Debian's chromium)"
  exit 77
fi
command -v node >/dev/null && command -v npm >/dev/null || {
  echo "FAIL: node and npm are required (deploy/install-deps.sh installs nodejs, npm)"; exit 1; }

# npm ci again only when the lock file changed.
mkdir -p "$NPM_DIR" "$OUT"
if ! cmp -s "$HERE/package-lock.json" "$NPM_DIR/package-lock.json" ||
   [ ! -f "$NPM_DIR/node_modules/playwright-core/package.json" ]; then
  cp "$HERE/package.json" "$HERE/package-lock.json" "$NPM_DIR/"
  if ! (cd "$NPM_DIR" && timeout 180 npm ci --no-audit --no-fund >"$WORK/npm.log" 2>&1); then
    if ! timeout 30 npm ping >/dev/null 2>&1; then
      echo "SKIP: the npm registry is unreachable; cannot install playwright-core"
      cat "$WORK/npm.log"; exit 77
    fi
    echo "FAIL: npm ci failed with the registry reachable:"; cat "$WORK/npm.log"; exit 1
  fi
fi

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
ZMQ_PORT=$(free_port)
WEB_PORT=$(free_port)
[ "$ZMQ_PORT" != "$WEB_PORT" ] || WEB_PORT=$(free_port)
# The warn tile needs the afternoon (D+2 12:00 <= now < D+3 00:00, board_seed.cc): use WIB when
# it is 13:00-21:59 there, otherwise the UTC offset that makes it about 16:00 now.
read -r OFFSET_MIN OFFSET <<<"$(node -e '
  const h=new Date().getUTCHours(); let o=(h+7)%24>=13&&(h+7)%24<=21?7:(16-h+48)%24;
  if(o>14)o-=24; const s=o<0?"-":"+";
  console.log(o*60, s+String(Math.abs(o)).padStart(2,"0")+":00");')"

STATE="$WORK/state"
"$SEED" seed --state-dir "$STATE" --roster "$ROSTER" --utc-offset-min "$OFFSET_MIN" \
  --expected "$WORK/expected.json" || { echo "FAIL: board_seed"; exit 1; }
cat >"$WORK/aggregator.toml" <<EOF
[node]
id = "bkpsdm"
state_dir = "$STATE"
listen = "tcp://127.0.0.1:$ZMQ_PORT"
utc_offset = "$OFFSET"
[aggregator]
roster_file = "$ROSTER"
[web]
listen = "127.0.0.1:$WEB_PORT"
EOF
"$AGG" --config "$WORK/aggregator.toml" >"$WORK/aggregator.log" 2>&1 &
AGG_PID=$!

SHOT="$OUT/status-board.png"
rm -f "$SHOT"
timeout 90 node "$HERE/status_board.js" "$NPM_DIR/node_modules" "http://127.0.0.1:$WEB_PORT/" \
  "$WORK/expected.json" "$SHOT" \
  "$SEED" add --state-dir "$STATE" --node gw-uji-baru --unit uji-baru
rc=$?
if [ $rc -ne 0 ]; then
  echo "--- aggregator log"; tail -30 "$WORK/aggregator.log"; exit 1
fi
# A PNG: the 8-byte signature and more than a header's worth of image.
if [ "$(head -c 8 "$SHOT" | od -An -tx1 | tr -d ' \n')" != "89504e470d0a1a0a" ] ||
   [ "$(stat -c %s "$SHOT")" -lt 10000 ]; then
  echo "FAIL: $SHOT is not a non-empty PNG"; exit 1
fi
echo "screenshot: $SHOT ($(stat -c %s "$SHOT") bytes)"

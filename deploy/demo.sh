#!/usr/bin/env bash
# The README's main command: a local titip mesh on loopback, from nothing.
#  1. installs dependencies if missing and builds into build/;
#  2. starts a gateway (Kecamatan Sekernan) whose uplink to Sengeti is down: the aggregator
#     is not running yet;
#  3. imports a generated USB attlog.dat: the punches wait safely in the gateway's queue;
#  4. starts the aggregator (the link comes back) and shows the queue draining;
#  5. shows the punches at the aggregator and the operator's status, then stops everything
#     it started — or, with --follow, keeps running until Ctrl-C.
# Options: --follow, --users N (default 300), --days D (default 10)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
follow=0 users=300 days=10
while [ $# -gt 0 ]; do
  case "$1" in
    --follow) follow=1 ;;
    --users) users="$2"; shift ;;
    --days) days="$2"; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "demo: unknown option $1" >&2; exit 64 ;;
  esac
  shift
done

echo "demo: installing dependencies if missing and building (log: build/demo-build.log)"
mkdir -p "$root/build"
"$root/deploy/build.sh" --target titip-gateway titip-aggregator titipctl titip-termsim \
  >"$root/build/demo-build.log" 2>&1 || { tail -30 "$root/build/demo-build.log"; exit 1; }
bin="$root/build/bin"
demo="$(mktemp -d /tmp/titip-demo-XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  echo "demo: stopped; state and logs kept in $demo"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=7450
while ss -ltn | grep -q "127.0.0.1:$port "; do port=$((port + 1)); done
cat > "$demo/aggregator.toml" <<TOML
[node]
id = "bkpsdm"
unit = "bkpsdm"
state_dir = "$demo/aggregator"
listen = "tcp://127.0.0.1:$port"
TOML
cat > "$demo/gateway.toml" <<TOML
[node]
id = "kec-sekernan"
unit = "kec-sekernan"
state_dir = "$demo/gateway"
[[upstream]]
id = "bkpsdm"
endpoint = "tcp://127.0.0.1:$port"
[[terminal]]
serial = "A6F1190360012"
kind = "usb"
[link]
heartbeat_ms = 500
bundle_max_punches = 250
window = 2
TOML

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
queue_line() {
  "$bin/titipctl" --config "$demo/gateway.toml" queue --json | jq -r \
    '"  gateway queue: \(.queued) queued, \(.undelivered) undelivered; link to \(.upstreams[0].id): \(.upstreams[0].state)"'
}
agg_count() { "$bin/titipctl" --config "$demo/aggregator.toml" punches --json | wc -l; }

say "Gateway kec-sekernan starts; Sengeti (aggregator bkpsdm) is not reachable yet"
"$bin/titip-gateway" --config "$demo/gateway.toml" >"$demo/gateway.log" 2>&1 &
pids+=($!)
sleep 1
say "An operator plugs in the USB stick: $users staff, $days days of punches"
"$bin/titip-termsim" attlog --out "$demo/1_attlog.dat" --users "$users" --days "$days" \
  --start "$(date -d "-$days days" +%F)" --seed 1
"$bin/titipctl" --config "$demo/gateway.toml" import "$demo/1_attlog.dat" --terminal A6F1190360012
queue_line
"$bin/titipctl" --config "$demo/gateway.toml" status | sed 's/^/  /'

say "The link to Sengeti comes back: the aggregator starts"
"$bin/titip-aggregator" --config "$demo/aggregator.toml" >"$demo/aggregator.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do
  line="$(queue_line)"
  echo "$line   aggregator holds $(agg_count)"
  case "$line" in *" 0 queued, 0 undelivered"*) break ;; esac
  sleep 0.5
done

say "At the aggregator: $(agg_count) punches, each stored once. The first three:"
"$bin/titipctl" --config "$demo/aggregator.toml" punches --json | head -3 | sed 's/^/  /' || true
say "What the operator sees (titipctl status)"
"$bin/titipctl" --config "$demo/gateway.toml" status | sed 's/^/  /'

if [ "$follow" = 1 ]; then
  say "Running; import more with: $bin/titipctl --config $demo/gateway.toml import FILE --terminal A6F1190360012   (Ctrl-C stops)"
  while true; do echo "$(queue_line)   aggregator holds $(agg_count)"; sleep 2; done
fi

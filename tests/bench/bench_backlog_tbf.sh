#!/usr/bin/env bash
# Backlog drain through a slow uplink (issue 8, benchmark 5): one gateway holding a week of
# the district's punches drains them to the aggregator over a veth pair throttled with
# `tc tbf` (256 kbit/s by default), each daemon in a network namespace this script makes.
# Reports the drain time (gateway start → every punch acknowledged by the aggregator), the
# bytes that crossed the link, and the link's theoretical minimum for those same bytes.
# Not run by ctest; needs root and iproute2.
#   tests/bench/bench_backlog_tbf.sh [--bin DIR] [--users U] [--days D] [--rate-kbit K]
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BIN="$HERE/../../build/bin" USERS=5400 DAYS=7 RATE=256
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) BIN=$2; shift 2 ;;
    --users) USERS=$2; shift 2 ;;
    --days) DAYS=$2; shift 2 ;;
    --rate-kbit) RATE=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 64 ;;
  esac
done
BIN=$(cd "$BIN" && pwd)
W=$(mktemp -d /var/tmp/titip-tbf-XXXXXX)
A="tbfgw$$" B="tbfagg$$"
cleanup() {
  [ -n "${GW:-}" ] && kill "$GW" 2>/dev/null; [ -n "${AGG:-}" ] && kill "$AGG" 2>/dev/null
  wait 2>/dev/null || true
  ip netns del "$A" 2>/dev/null || true; ip netns del "$B" 2>/dev/null || true
  rm -rf "$W"
}
trap cleanup EXIT
ip netns add "$A" && ip netns add "$B"
ip link add vgw netns "$A" type veth peer name vagg netns "$B"
ip -n "$A" addr add 10.201.0.1/30 dev vgw && ip -n "$B" addr add 10.201.0.2/30 dev vagg
for ns in "$A" "$B"; do ip -n "$ns" link set lo up; done
ip -n "$A" link set vgw up && ip -n "$B" link set vagg up
# Both directions throttled, as a modem's uplink and downlink would be.
ip netns exec "$A" tc qdisc add dev vgw root tbf rate "${RATE}kbit" burst 4kb latency 400ms
ip netns exec "$B" tc qdisc add dev vagg root tbf rate "${RATE}kbit" burst 4kb latency 400ms

printf '[node]\nid = "bkpsdm"\nstate_dir = "%s/agg"\nlisten = "tcp://10.201.0.2:7450"\n' "$W" >"$W/agg.toml"
printf '[node]\nid = "kec-kumpeh"\nunit = "kec-kumpeh"\nstate_dir = "%s/gw"\n[[upstream]]\nid = "bkpsdm"\nendpoint = "tcp://10.201.0.2:7450"\n[[terminal]]\nserial = "SN1"\nkind = "usb"\n' "$W" >"$W/gw.toml"
"$BIN/titip-termsim" attlog --out "$W/week.dat" --users "$USERS" --days "$DAYS" \
  --start 2026-11-02 --seed 5 >/dev/null
"$BIN/titipctl" -c "$W/gw.toml" --json import "$W/week.dat" --terminal SN1 >"$W/import.json"
N=$(jq .added "$W/import.json")

ip netns exec "$B" "$BIN/titip-aggregator" --config "$W/agg.toml" >"$W/agg.log" 2>&1 &
AGG=$!
sleep 1
tx0=$(ip netns exec "$A" cat /sys/class/net/vgw/statistics/tx_bytes)
rx0=$(ip netns exec "$A" cat /sys/class/net/vgw/statistics/rx_bytes)
t0=$(date +%s.%N)
ip netns exec "$A" "$BIN/titip-gateway" --config "$W/gw.toml" >"$W/gw.log" 2>&1 &
GW=$!
while :; do
  u=$("$BIN/titipctl" -c "$W/gw.toml" --json queue 2>/dev/null | jq -r .undelivered) || u=x
  [ "$u" = 0 ] && break
  sleep 0.2
done
t1=$(date +%s.%N)
tx=$(( $(ip netns exec "$A" cat /sys/class/net/vgw/statistics/tx_bytes) - tx0 ))
rx=$(( $(ip netns exec "$A" cat /sys/class/net/vgw/statistics/rx_bytes) - rx0 ))
awk -v n="$N" -v t0="$t0" -v t1="$t1" -v tx="$tx" -v rx="$rx" -v k="$RATE" 'BEGIN {
  d = t1 - t0; min = tx * 8 / (k * 1000)
  printf "backlog: %d punches, drained in %.1f s over %d kbit/s; uplink %d B (%.2f B/punch), " \
         "downlink %d B; theoretical minimum for the uplink bytes %.1f s; ratio %.2f\n",
         n, d, k, tx, tx / n, rx, min, d / min }'

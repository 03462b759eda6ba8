#!/usr/bin/env bash
# Chaos run on real daemons, real ZeroMQ, real LMDB and real (namespaced) networks: an
# aggregator, two relays and G gateways, each in its own network namespace; USB imports, a ZK
# terminal (pulled by gw2) and an ADMS terminal (pushing to gw3) feed the gateways while faults
# scheduled by the seed hit links and processes; then every fault is repaired and the checker
# demands every punch at the aggregator exactly once, every queue empty and every receipt home.
#
#   tests/chaos/run.sh [--minutes M] [--seed S] [--gateways G] [--users U] [--bin DIR] [--keep]
#
# Prints `chaos: N punches, lost L, duplicated D, faults F, drained in S s` and exits 1 on any
# loss, duplicate, crash or failure to drain; 77 (skip) when namespaces cannot be made here.
# Needs root (ip netns), iproute2 (ip, tc), jq.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
MINUTES=2 SEED=1 GATEWAYS=6 USERS=40 BIN="$here/../../build/bin" KEEP=0 DRAIN_S=240
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) MINUTES=$2; shift ;;
    --seed) SEED=$2; shift ;;
    --gateways) GATEWAYS=$2; shift ;;
    --users) USERS=$2; shift ;;
    --bin) BIN=$2; shift ;;
    --drain-s) DRAIN_S=$2; shift ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "chaos: unknown option $1" >&2; exit 64 ;;
  esac
  shift
done
BIN="$(cd "$BIN" && pwd)"
P="tchaos$$"
declare -A PORT_OF=() ADDR_OF=()
# shellcheck source=/dev/null
for f in topology daemons faults feed terminals check; do source "$here/lib/$f.sh"; done

if [ "$(id -u)" != 0 ] || ! topo_possible; then
  echo "chaos: SKIP: cannot create network namespaces and veth pairs here (needs root and" \
       "CAP_NET_ADMIN)" >&2
  exit 77
fi
W="$(mktemp -d /var/tmp/titip-chaos-XXXXXX)"
mkdir -p "$W/log" "$W/feed" "$W/state"
: >"$W/expected.keys"
cleanup() {
  stop_terminals
  stop_all
  topo_down
  if [ "$KEEP" = 1 ] || [ "${FAILED:-1}" = 1 ]; then
    echo "chaos: state, logs and key lists kept in $W" >&2
  else
    rm -rf "$W"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
RANDOM=$SEED

gws=()
for ((g = 0; g < GATEWAYS; g++)); do gws+=("gw$g"); done
nodes=(agg relay-a relay-b "${gws[@]}")
topo_up "${nodes[@]}"
write_listener aggregator agg
write_listener relay relay-a agg
write_listener relay relay-b agg
for ((g = 0; g < GATEWAYS; g++)); do
  # Half the gateways may also reach the aggregator directly (campus units); gw0's store is
  # tiny, so its imports hit the map cap until receipts let it prune.
  ups=(relay-a relay-b)
  [ $((g % 2)) = 0 ] && ups+=(agg)
  # The natural-key index is kept after delivery (a re-sent punch is still recognised), so
  # gw0's cap grows with the run's length or a long run would refuse its imports for good.
  cap=64
  [ "$g" = 0 ] && cap=$((2 + MINUTES / 4))
  write_gateway "gw$g" "SN-gw$g" "$cap" "${ups[@]}"
done
# A ZK terminal on gw2 and an ADMS terminal on gw3 (when there are that many gateways).
[ "$GATEWAYS" -ge 3 ] && add_zk_terminal gw2 SN-zk-gw2
[ "$GATEWAYS" -ge 4 ] && add_adms_terminal gw3 SN-adms-gw3
for n in "${nodes[@]}"; do start_node "$n"; done
[ "$GATEWAYS" -ge 3 ] && start_zk_terminal gw2 SN-zk-gw2 "$USERS" $((2 + MINUTES)) $((SEED * 7 + 1))
[ "$GATEWAYS" -ge 4 ] &&
  start_adms_terminal gw3 SN-adms-gw3 "$USERS" $((2 + MINUTES)) $((SEED * 7 + 2)) "$MINUTES"
echo "chaos: seed $SEED, $MINUTES min, ${#nodes[@]} daemons in namespaces $P-*, work dir $W"

end=$((SECONDS + MINUTES * 60))
round=0
next_feed=$SECONDS
while [ "$SECONDS" -lt "$end" ]; do
  if [ "$SECONDS" -ge "$next_feed" ]; then
    feed_round "$round" "$USERS" "${gws[@]}"
    round=$((round + 1))
    next_feed=$((SECONDS + 4))
  fi
  [ $((RANDOM % 3)) = 0 ] && inject_fault "${nodes[@]}"
  run_repairs due
  check_crashes
  sleep 1
done

echo "chaos: faults stop; repairing everything and draining"
run_repairs all
for n in "${nodes[@]}"; do
  link_set "$n" up
  throttle_off "$n"
  kill -CONT "${PID_OF[$n]}" 2>/dev/null || true
  PAUSED[$n]=0
  alive "$n" || start_node "$n"
done
drain_start=$SECONDS
while [ ${#PENDING[@]} -gt 0 ] && [ $((SECONDS - drain_start)) -lt "$DRAIN_S" ]; do
  import_pending
  sleep 1
done
ok_drained=0
while [ $((SECONDS - drain_start)) -lt "$DRAIN_S" ]; do
  check_crashes
  if drained relay-a relay-b "${gws[@]}"; then ok_drained=1; break; fi
  sleep 2
done
drain_s=$((SECONDS - drain_start))
verdict
echo "chaos: rounds $round, not imported ${#PENDING[@]}, crashes $CRASHES, drained $ok_drained"
echo "chaos: $EXPECTED punches, lost $LOST, duplicated $DUPLICATED, faults $FAULTS, drained in $drain_s s"
FAILED=0
if [ "$LOST" != 0 ] || [ "$DUPLICATED" != 0 ] || [ "$UNKNOWN" != 0 ] || [ "$CRASHES" != 0 ] ||
   [ "$ok_drained" != 1 ] || [ ${#PENDING[@]} != 0 ] || [ "$EXPECTED" = 0 ]; then
  FAILED=1
  [ "$LOST" != 0 ] && { echo "chaos: first lost keys:" >&2; head -5 "$W/lost.keys" >&2; }
  [ "$UNKNOWN" != 0 ] && echo "chaos: $UNKNOWN stored punches were never produced" >&2
  for n in "${nodes[@]}"; do echo "  $n: $(ctl "$n" queue --json 2>/dev/null | jq -c '{queued,undelivered}')" >&2; done
  exit 1
fi

#!/usr/bin/env bash
# The README's main command: the district mesh in miniature on this machine, from nothing.
#  1. installs dependencies if missing and builds into build/ (skipped with --bin DIR);
#  2. starts the aggregator (bkpsdm, Sengeti), two relays (diskominfo and its backup
#     diskominfo-cadangan) and four kecamatan gateways, each with a titip-termsim terminal: two
#     ZK terminals their gateway pulls, two ADMS terminals that push to theirs;
#  3. shows a live view refreshed every second: per node queued and undelivered punches, the
#     punches/s the gateways take from their terminals and what the aggregator holds;
#  4. meanwhile cuts one gateway's link and restores it, then kill -9's a relay and restarts it;
#  5. waits for every queue to drain, prints the day's recap for the four units and checks what
#     the aggregator holds against what the terminals produced; the last line reads
#     `demo: N punches from the terminals, at the aggregator: lost 0 / duplicated 0`.
# As root every node runs in its own network namespace joined to a private bridge by a veth pair
# (tests/chaos/lib) and a cut is that gateway's veth going down; without namespaces every node
# gets its own 127.x address and a cut is a SIGSTOP of the gateway's upstream relay.
# Everything it started is stopped on exit, Ctrl-C included. Exit 1 on any loss or duplicate.
# Options: --follow (keep running after the check, until Ctrl-C), --quick (under a minute:
# fewer punches, shorter phases; run by ctest), --bin DIR (use built binaries, no build),
# --no-netns (the 127.x fallback even as root), --keep (keep the work dir)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
follow=0 quick=0 keep=0 BIN="" NETNS=auto
while [ $# -gt 0 ]; do
  case "$1" in
    --follow) follow=1 ;;
    --quick) quick=1 ;;
    --keep) keep=1 ;;
    --bin) BIN="$2"; shift ;;
    --no-netns) NETNS=0 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "demo: unknown option $1" >&2; exit 64 ;;
  esac
  shift
done

if [ -z "$BIN" ]; then
  echo "demo: installing dependencies if missing and building (log: build/demo-build.log)"
  mkdir -p "$root/build"
  "$root/deploy/build.sh" --target titip-gateway titip-relay titip-aggregator titipctl \
    titip-termsim >"$root/build/demo-build.log" 2>&1 ||
    { tail -30 "$root/build/demo-build.log"; exit 1; }
  BIN="$root/build/bin"
fi
BIN="$(cd "$BIN" && pwd)"
for t in ip jq ss awk; do
  command -v "$t" >/dev/null || { echo "demo: needs $t (deploy/install-deps.sh)" >&2; exit 69; }
done

# Phases in seconds: traffic before the first fault, the cut, the pause between faults, the
# relay's time dead, the longest wait for the queues to drain. ADMS terminals spread their
# upload over ADMS_MIN minutes so the faults land while punches are flowing.
if [ "$quick" = 1 ]; then
  USERS=12 DAYS=4 WARM=4 CUT=8 GAP=3 DEAD=6 DRAIN_S=40 ADMS_MIN=0.6
else
  USERS=40 DAYS=5 WARM=12 CUT=20 GAP=8 DEAD=15 DRAIN_S=120 ADMS_MIN=1.2
fi

# shellcheck disable=SC2034  # P, TAG, PORT_OF, TERM_HOST_OF: read by tests/chaos/lib
P="tdemo$$" AGG=bkpsdm TAG=demo
# shellcheck disable=SC2034
declare -A PORT_OF=() ADDR_OF=()
# shellcheck source=/dev/null
for f in topology daemons terminals check; do source "$root/tests/chaos/lib/$f.sh"; done
# shellcheck source=/dev/null
source "$root/deploy/demo-view.sh"

if [ "$NETNS" = auto ]; then
  NETNS=0
  [ "$(id -u)" = 0 ] && topo_possible && NETNS=1
fi
W="$(mktemp -d /tmp/titip-demo-XXXXXX)"
mkdir -p "$W/log" "$W/feed" "$W/state"
: >"$W/expected.keys"
cleanup() {
  [ "${CLEANED:-0}" = 1 ] && return
  CLEANED=1
  stop_terminals
  stop_all
  [ "$NETNS" = 1 ] && topo_down
  if [ "$keep" = 1 ] || [ "${FAILED:-1}" = 1 ]; then
    echo "demo: stopped everything; state and logs kept in $W"
  else
    rm -rf "$W"
    echo "demo: stopped everything it started"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Four kecamatan from /work/shared/data, with the terminal serials of deploy/examples/roster.csv
# (so the recap names its people) and their terminal kinds.
gws=(kec-sekernan kec-mestong kec-jambi-luar-kota kec-kumpeh-ulu)
declare -A SERIAL_OF=([kec-sekernan]=A6F1190360012 [kec-mestong]=MJ0330190032
  [kec-jambi-luar-kota]=MJ0320190031 [kec-kumpeh-ulu]=MJ0340190033)
declare -A KIND_OF=([kec-sekernan]=adms [kec-mestong]=zk [kec-jambi-luar-kota]=adms
  [kec-kumpeh-ulu]=zk)
relays=(diskominfo diskominfo-cadangan)
nodes=("$AGG" "${relays[@]}" "${gws[@]}")

if [ "$NETNS" = 1 ]; then
  topo_up "${nodes[@]}"
  WHERE="each node in its own network namespace ($P-*, 10.200.0.0/24 on a private bridge)"
else
  # A random 127.a.b.0/24 that nothing listens on, so two demos (or ctest runs) never collide.
  for _ in $(seq 1 20); do
    net="127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1))"
    ss -ltnH | awk '{print $4}' | grep -q "^$net\." || break
  done
  i=0
  for n in "${nodes[@]}"; do
    ADDR_OF[$n]="$net.$((10 + i))"
    i=$((i + 1))
  done
  # shellcheck disable=SC2034
  for g in "${gws[@]}"; do TERM_HOST_OF[$g]=${ADDR_OF[$g]}; done
  WHERE="on loopback, each node on its own address in $net.0/24 (no network namespaces here)"
fi

# The recap day: the last weekday before today; the terminals' logs end on it.
day=$(date -d yesterday +%F)
while [ "$(date -d "$day" +%u)" -gt 5 ]; do day=$(date -d "$day - 1 day" +%F); done
TERM_START=$(date -d "$day - $((DAYS - 1)) days" +%F)

write_listener aggregator "$AGG"
printf '[aggregator]\nroster_file = "%s"\nschedule_file = "%s"\n' \
  "$root/deploy/examples/roster.csv" "$root/deploy/examples/schedule.toml" >>"$W/$AGG.toml"
write_listener relay diskominfo "$AGG"
write_listener relay diskominfo-cadangan "$AGG"
i=0
for g in "${gws[@]}"; do
  # Half prefer each relay, so killing one moves two gateways to the other.
  if [ $((i % 2)) = 0 ]; then ups=(diskominfo diskominfo-cadangan); else ups=(diskominfo-cadangan diskominfo); fi
  write_gateway "$g" "USB-$g" 64 "${ups[@]}"
  "add_${KIND_OF[$g]}_terminal" "$g" "${SERIAL_OF[$g]}"
  i=$((i + 1))
done

say "Starting the mesh $WHERE"
echo "demo: node configs, stores and logs in $W"
for n in "$AGG" "${relays[@]}"; do start_node "$n"; done
# ZK terminals first (the gateway polls at start); PINs from 1, as in the example roster.
seed=1
for g in "${gws[@]}"; do
  if [ "${KIND_OF[$g]}" = zk ]; then
    start_zk_terminal "$g" "${SERIAL_OF[$g]}" "$USERS" "$DAYS" "$seed" 1
  else
    start_adms_terminal "$g" "${SERIAL_OF[$g]}" "$USERS" "$DAYS" "$seed" "$ADMS_MIN" 1
  fi
  seed=$((seed + 1))
done
for g in "${gws[@]}"; do start_node "$g"; done
EXPECTED_ALL=$(sort -u "$W/expected.keys" | wc -l)
echo "demo: the terminals hold $EXPECTED_ALL punches of $DAYS days ($TERM_START .. $day)"

# The faults. The cut hits kec-sekernan, whose ADMS terminal keeps pushing: its queue grows.
cut_gw=kec-sekernan ups_of_cut=diskominfo dead_relay=diskominfo
cut_link() {
  if [ "$NETNS" = 1 ]; then
    link_set "$cut_gw" down
    event "CUT: $cut_gw's uplink (its veth to the bridge is down); its terminal keeps pushing"
  else
    kill -STOP "${PID_OF[$ups_of_cut]}"
    event "CUT: $cut_gw's link to $ups_of_cut (SIGSTOP of $ups_of_cut: no namespaces here, so" \
      "every link into $ups_of_cut is cut)"
  fi
}
restore_link() {
  if [ "$NETNS" = 1 ]; then link_set "$cut_gw" up; else kill -CONT "${PID_OF[$ups_of_cut]}"; fi
  event "RESTORED: $cut_gw's link"
}

run_for() {  # seconds: live view refreshed every second
  local until=$((SECONDS + $1))
  while [ "$SECONDS" -lt "$until" ]; do view_tick; check_crashes; view_sleep; done
}
say "Live view (every second); Ctrl-C stops everything"
view_begin
run_for "$WARM"
cut_link
run_for "$CUT"
restore_link
run_for "$GAP"
kill9_node "$dead_relay"
event "KILLED: relay $dead_relay (kill -9); its gateways fail over to diskominfo-cadangan"
run_for "$DEAD"
start_node "$dead_relay"
event "RESTARTED: relay $dead_relay; what it held in custody goes on from its store"

drain_start=$SECONDS ok_drained=0
while [ $((SECONDS - drain_start)) -lt "$DRAIN_S" ]; do
  view_tick
  check_crashes
  if drained "${relays[@]}" "${gws[@]}"; then ok_drained=1; break; fi
  view_sleep
done
view_tick
view_end
[ "$ok_drained" = 1 ] && echo "demo: every queue empty and every receipt home $((SECONDS - drain_start)) s after the last fault" ||
  echo "demo: NOT drained after $DRAIN_S s" >&2

say "Recap of $day at the aggregator (titipctl recap --date $day --unit U)"
show_recap "$day" "${gws[@]}"

verdict
FAILED=0
if [ "$LOST" != 0 ] || [ "$DUPLICATED" != 0 ] || [ "$UNKNOWN" != 0 ] || [ "$CRASHES" != 0 ] ||
   [ "$ok_drained" != 1 ] || [ "$EXPECTED" = 0 ]; then
  FAILED=1
  echo "demo: crashes $CRASHES, punches never produced but stored $UNKNOWN, drained $ok_drained" >&2
fi
final="demo: $EXPECTED punches from the terminals, at the aggregator: lost $LOST / duplicated $DUPLICATED"
if [ "$follow" = 1 ]; then
  echo "$final"
  say "Running until Ctrl-C; node configs and logs in $W"
  view_begin
  while true; do view_tick; check_crashes; view_sleep; done
fi
cleanup
echo "$final"
exit "$FAILED"

#!/usr/bin/env bash
# Baselines side by side (issue 8, BENCHMARKS.md "Baselines"): titip vs a Mosquitto bridge.
# Not run by ctest. In one run, on this machine:
#  1. throughput over 2 hops: titip gateway → relay → aggregator (run_mesh_bench.sh's e2e,
#     one run at a time) interleaved with Mosquitto edge broker ─bridge→ central broker
#     (bench_mosquitto.sh) carrying the same punches, with 1 and with 4 publishers; medians.
#  2. loss under a crash: kill -9 of the middle hop mid-transfer, and the field case (uplink
#     down, edge queues, edge killed -9 and restarted, uplink back), for both; Mosquitto also
#     with a clean stop instead of the kill (control: shows the harness counts deliveries).
#  3. bytes on the wire per punch: Mosquitto per hop (ss counters of the bridge's and the
#     subscriber's sockets during part 1), titip (run_mesh_bench.sh's wire part), ADMS HTTP
#     computed from the protocol (bench_adms.sh).
#  4. latency under a paced load (bench_latency.sh): LAT_RATE punches/s (1000) for LAT_SECS s
#     (30), p50/p99 per punch over the 2 hops, titip and Mosquitto.
#  5. optional NATS baseline (bench_nats.sh, part `nats`): leaf node + JetStream sourced by a
#     hub stream, rounds interleaved with titip; skipped with a message without nats-server.
# Prints the tables and replaces the text between the markers in BENCHMARKS.md (--no-update
# to leave it alone).
# Usage: tests/bench/run.sh [--bin DIR] [--runs R] [--crash-runs C] [--only "tput lat crash wire foot nats"]
#          [--no-update] [--keep]
# Needs mosquitto + mosquitto-clients, jq, iproute2, procps, coreutils (deploy/install-deps.sh).
set -euo pipefail
export LC_ALL=C
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ARGS=()
CRASH_RUNS=1
PARTS="tput lat crash wire foot nats"
UPDATE=1
while [ $# -gt 0 ]; do
  case "$1" in
    --bin | --runs) ARGS+=("$1" "$2"); shift 2 ;;
    --keep) ARGS+=("$1"); shift ;;
    --crash-runs) CRASH_RUNS=$2; shift 2 ;;
    --only) PARTS=$2; shift 2 ;;
    --no-update) UPDATE=0; shift ;;
    -h | --help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 64 ;;
  esac
done
for t in mosquitto mosquitto_pub mosquitto_sub stdbuf comm; do
  command -v "$t" >/dev/null || { echo "missing $t (deploy/install-deps.sh)" >&2; exit 69; }
done
# shellcheck source=run_mesh_bench.sh
source "$HERE/run_mesh_bench.sh" "${ARGS[@]}"
source "$HERE/bench_mosquitto.sh"
source "$HERE/bench_titip_crash.sh"
source "$HERE/bench_adms.sh"
source "$HERE/bench_nats.sh"
source "$HERE/bench_latency.sh"

log "work dir $WORK, binaries $BIN"
ATT=$WORK/attlog.dat
"$BIN/titip-termsim" attlog --out "$ATT" --users "$USERS" --days 84 --start 2026-09-07 --seed 7 >/dev/null
PAYLOAD=$WORK/payload.txt  # one MQTT message per punch: the attlog line without blanks and CR
sed 's/^ *//; s/\r$//' "$ATT" >"$PAYLOAD"
N=$(lines "$PAYLOAD")
OUT=$WORK/baselines.md
LOADS=("$(cut -d' ' -f1 /proc/loadavg)")
T_START=$(now)

# median of the non-zero values (0 when there are none).
median_ok() {
  local v ok=()
  for v in "$@"; do [ "$v" != 0 ] && ok+=("$v"); done
  if [ ${#ok[@]} -gt 0 ]; then median "${ok[@]}"; else echo 0; fi
}

# ---------------------------------------------------------------------------------------------
part_tput() {
  local r saved=$RUNS tt=() ts=() rt=() rs=() m1=() m4=() p1=() p4=() w1=() m60=() line
  # Mosquitto 2.0.11 gives a QoS 1 message its 16-bit packet id when it is queued for a
  # client: a bridge backlog above 65,535 reuses ids and stalls (one publisher outruns the
  # bridge). The same single publisher below that limit shows what the bridge does otherwise.
  local p60=$WORK/payload-60000.txt
  head -n 60000 "$PAYLOAD" >"$p60"
  for r in $(seq "$saved"); do
    RUNS=1
    e2e >>"$WORK/e2e-tables.md"
    tt+=("${E2E_RATES[0]}"); ts+=("${E2E_SINK_RATES[0]}")
    E2E_RUNNING=1 e2e >>"$WORK/e2e-running-tables.md"
    RUNS=$saved
    rt+=("${E2E_RATES[0]}"); rs+=("${E2E_SINK_RATES[0]}")
    mq_throughput "$PAYLOAD" 1; line=$RESULT
    m1+=("$(cut -d' ' -f1 <<<"$line")"); p1+=("$(cut -d' ' -f2,3 <<<"$line")")
    w1+=("$(cut -d' ' -f4- <<<"$line")")  # got, then the wire counters
    mq_throughput "$p60" 1; m60+=("$(cut -d' ' -f1 <<<"$RESULT")")
    mq_throughput "$PAYLOAD" 4; line=$RESULT
    m4+=("$(cut -d' ' -f1 <<<"$line")"); p4+=("$(cut -d' ' -f2,3 <<<"$line")")
    LOADS+=("$(cut -d' ' -f1 /proc/loadavg)")
    log "round $r: titip ${ts[-1]}/s to the aggregator, ${tt[-1]}/s to the last receipt (running mesh ${rs[-1]}/s, ${rt[-1]}/s), mosquitto 1 publisher ${m1[-1]}/s (pub s, all s: ${p1[-1]})," \
        "4 publishers ${m4[-1]}/s (${p4[-1]})"
  done
  local mt mts mm1 mm4 mm60 best
  # Stalled Mosquitto runs (rate 0, see bench_mosquitto.sh) are listed but not in the median.
  local mrt mrs
  mrt=$(median "${rt[@]}"); mrs=$(median "${rs[@]}")
  mt=$(median "${tt[@]}"); mts=$(median "${ts[@]}"); mm1=$(median_ok "${m1[@]}"); mm4=$(median_ok "${m4[@]}")
  mm60=$(median_ok "${m60[@]}")
  best=$mm1; [ "$mm4" -gt "$best" ] && best=$mm4
  [ "$mm60" -gt "$best" ] && best=$mm60
  TPUT_RATIO=$(div "$mt" "$best" 1)
  TPUT_SINK_RATIO=$(div "$mts" "$best" 1)
  {
    echo "#### Throughput over 2 hops ($N punches, $saved rounds, each round titip then Mosquitto)"
    echo
    echo "| what | punches/s (median) | runs (punches/s) | titip (to the last receipt) ÷ this |"
    echo "|---|---:|---|---:|"
    echo "| titip gateway → relay → aggregator, fsync at every hop, until the aggregator has every punch (the end comparable to Mosquitto's) | $mts | $(join_list "${ts[@]}") | – |"
    echo "| titip gateway → relay → aggregator, fsync at every hop, until every receipt is back | $mt | $(join_list "${tt[@]}") | 1× |"
    echo "| titip, running mesh (daemons up and linked, as Mosquitto's brokers are), clock from the start of \`titipctl import\` into the gateway, until the aggregator has every punch | $mrs | $(join_list "${rs[@]}") | – |"
    echo "| titip, running mesh, the same until every receipt is back | $mrt | $(join_list "${rt[@]}") | – |"
    echo "| Mosquitto edge ─bridge→ central, 1 × mosquitto_pub -l -q 1, until the subscriber has all | $mm1 | $(join_list "${m1[@]}") | $(div "$mt" "$mm1" 1)× |"
    echo "| Mosquitto, the same with 4 publishers in parallel | $mm4 | $(join_list "${m4[@]}") | $(div "$mt" "$mm4" 1)× |"
    echo "| Mosquitto, 1 publisher, only the first 60,000 punches (bridge backlog below 65,535) | $mm60 | $(join_list "${m60[@]}") | $(div "$mt" "$mm60" 1)× |"
    echo
    echo "A run of 0 stalled: the subscriber did not have every punch after ${MQ_TIMEOUT:-60} s" \
         "(see the log line; such runs are left out of the median)."
    echo
    echo "**titip ÷ Mosquitto (the fastest of its rows): ${TPUT_SINK_RATIO}× until the aggregator" \
         "has every punch (Mosquitto's clock stops when its subscriber has every message)," \
         "${TPUT_RATIO}× until every receipt is back at the gateway.** Seconds until the" \
         "publishers had all their PUBACKs / until the subscriber had every punch, per run:" \
         "1 publisher $(join_list "${p1[@]// //}"); 4 publishers $(join_list "${p4[@]// //}")."
    echo
    echo "Running mesh, the start-up (store check, open, link up: ~0.5 s) left out as it is for" \
         "Mosquitto's brokers, the import's own parse and commit counted as the publisher's" \
         "work is: **$(div "$mrs" "$best" 1)× until the aggregator has every punch," \
         "$(div "$mrt" "$best" 1)× until every receipt is back.**"
    echo
  } >>"$OUT"
  MQ_WIRE=("${w1[@]}")
}

# ---------------------------------------------------------------------------------------------
part_lat() {
  local rate=${LAT_RATE:-1000} secs=${LAT_SECS:-30} t m
  titip_latency "$ATT" "$rate" "$secs"; t=($RESULT)
  mq_latency "$PAYLOAD" "$rate" "$secs"; m=($RESULT)
  LOADS+=("$(cut -d' ' -f1 /proc/loadavg)")
  {
    echo "#### Latency per punch under a steady load ($rate punches/s offered for $secs s)"
    echo
    echo "| system | punches | offered punches/s | p50 ms | p99 ms | max ms |"
    echo "|---|---:|---:|---:|---:|---:|"
    echo "| titip, gateway intake commit → aggregator commit (2 hops, fsync at each) | ${t[0]} | ${t[4]} | ${t[1]} | ${t[2]} | ${t[3]} |"
    echo "| Mosquitto, written to the publisher → printed by the subscriber (bridge, no fsync) | ${m[0]} | ${m[4]} | ${m[1]} | ${m[2]} | ${m[3]} |"
    echo
  } >>"$OUT"
}

# ---------------------------------------------------------------------------------------------
part_crash() {
  local r rows=() x
  for r in $(seq "$CRASH_RUNS"); do
    mq_crash "$PAYLOAD" kill; read -r -a x <<<"$RESULT"
    rows+=("| Mosquitto | kill -9 of the edge broker mid-transfer, restarted | ${x[0]} | ${x[1]} acknowledged by the edge | ${x[2]} (${x[3]} distinct) | **${x[4]}** | ${x[5]} | – |")
    titip_crash "$ATT" kill; read -r -a x <<<"$RESULT"
    rows+=("| titip | kill -9 of the relay mid-transfer, restarted | ${x[0]} | ${x[0]} in the gateway's store | ${x[1]} (${x[2]} distinct) | **${x[3]}** | ${x[4]} | ${x[5]} |")
    mq_crash "$PAYLOAD" outage; read -r -a x <<<"$RESULT"
    rows+=("| Mosquitto | central down; edge queues all, killed -9, restarted; central back | ${x[0]} | ${x[1]} acknowledged by the edge | ${x[2]} (${x[3]} distinct) | **${x[4]}** | ${x[5]} | – |")
    titip_crash "$ATT" outage; read -r -a x <<<"$RESULT"
    rows+=("| titip | aggregator down; the gateway queues all (the relay has no route, so it takes nothing); relay and gateway killed -9, restarted; aggregator back | ${x[0]} | $CRASH_HELD | ${x[1]} (${x[2]} distinct) | **${x[3]}** | ${x[4]} | ${x[5]} |")
    mq_crash "$PAYLOAD" outage-clean; read -r -a x <<<"$RESULT"
    rows+=("| Mosquitto (control) | as above but the edge stopped cleanly (SIGTERM) instead of killed | ${x[0]} | ${x[1]} acknowledged by the edge | ${x[2]} (${x[3]} distinct) | ${x[4]} | ${x[5]} | – |")
    LOADS+=("$(cut -d' ' -f1 /proc/loadavg)")
  done
  {
    echo "#### Loss under a crash ($CRASH_RUNS run(s) each)"
    echo
    echo "| system | case | punches offered | held by the first hop before the crash | received at the sink | lost | duplicated at the sink | re-offers absorbed by the sink |"
    echo "|---|---|---:|---|---|---:|---:|---:|"
    printf '%s\n' "${rows[@]}"
    echo
  } >>"$OUT"
}

# ---------------------------------------------------------------------------------------------
part_wire() {
  local rows=() w bu bd sd su segs ssegs g i=1
  for w in "${MQ_WIRE[@]}"; do
    read -r g bu bd segs sd su ssegs <<<"$w"
    [ "$g" -gt 0 ] || continue
    rows+=("| Mosquitto run $i ($g punches delivered), edge → central (the bridge) | $(div $((bu + bd)) "$g" 2) | $(div "$bu" "$g" 2) / $(div "$bd" "$g" 2) | $(div $((bu + bd + 52 * segs)) "$g" 2) |")
    rows+=("| Mosquitto run $i, central → subscriber | $(div $((sd + su)) "$g" 2) | $(div "$sd" "$g" 2) / $(div "$su" "$g" 2) | $(div $((sd + su + 52 * ssegs)) "$g" 2) |")
    i=$((i + 1))
  done
  local a128 a1 idle
  read -r -a a128 <<<"$(adms_bytes "$ATT" 128)"
  read -r -a a1 <<<"$(adms_bytes "$ATT" 1)"
  idle=$(adms_idle 10)
  {
    echo "#### Bytes on the wire per punch (TCP payload; framing, acks and replies included)"
    echo
    echo "| system, hop | bytes/punch | forward / back | with IPv4+TCP headers (52 B a segment, loopback MSS) |"
    echo "|---|---:|---|---:|"
    printf '%s\n' "${rows[@]}"
    echo "| ADMS HTTP, one POST of 128 punches + \`OK: 128\` | $(div $((a128[0] + a128[1])) 128 2) | $(div "${a128[0]}" 128 2) / $(div "${a128[1]}" 128 2) | |"
    echo "| ADMS HTTP, Realtime=1: one POST per punch | $((a1[0] + a1[1])) | ${a1[0]} / ${a1[1]} | |"
    echo "| titip, gateway → aggregator (1 hop) | see the next table (same run) | | |"
    echo
    echo "ADMS idle: a \`getrequest\` poll every Delay = 10 s costs $idle B/s of payload (plus a TCP" \
         "connection each time: the captured request says \`Connection: close\`)."
    echo
  } >>"$OUT"
  wire >"$WORK/wire.md"  # not in a pipe: its daemons must stay in this shell's PIDS
  sed 's/^## 2\. /#### titip: /' "$WORK/wire.md" >>"$OUT"
}

# ---------------------------------------------------------------------------------------------
# Footprint: binary sizes; a gateway's RSS idle (empty store) and with FOOT_USERS × 84 days of
# punches queued (~1,000,000 at 6000), its upstream down (nothing listens on the port).
part_foot() {
  local b sizes=()
  for b in titip-gateway titip-relay titip-aggregator titipctl; do
    strip --strip-all -o "$WORK/stripped" "$BIN/$b"
    sizes+=("\`$b\` $(div "$(stat -L -c %s "$BIN/$b")" 1048576 1) MiB ($(div "$(stat -c %s "$WORK/stripped")" 1048576 1) stripped)")
  done
  sizes+=("\`mosquitto\` $(div "$(stat -L -c %s "$(command -v mosquitto)")" 1024 0) KiB (stripped by Debian; plus libmosquitto and libssl)")
  local d=$WORK/foot att=$WORK/foot.dat rows=() k n g up
  mkdir -p "$d"; up=$(free_port)
  "$BIN/titip-termsim" attlog --out "$att" --users "${FOOT_USERS:-6000}" --days 84 --start 2026-09-07 --seed 9 >/dev/null
  for k in empty full; do
    { node_toml kec-foot "$d/$k" "" diskominfo "$up"; terminal_toml FOOT000000001; } >"$d/$k.toml"
    n=0
    [ $k = full ] && n=$(import "$d/$k.toml" "$att" FOOT000000001)
    start foot-$k titip-gateway "$d/$k.toml"; g=$LAST
    wait_file "$d/$k/runtime.json"; nap 5
    rows+=("| gateway, $n punches queued, upstream down, after 5 s | $(div "$(rss_kb "$g" VmRSS)" 1024 1) | $(div "$(rss_kb "$g" RssAnon)" 1024 1) | $(div "$(rss_kb "$g" RssFile)" 1024 1) | $(div "$(hwm_kb "$g")" 1024 1) | $(div "$(du -sk "$d/$k" | cut -f1)" 1024 0) |")
    stop "$g"
  done
  rm -f "$att"
  {
    echo "#### Footprint"
    echo
    echo "| process | VmRSS MiB | anonymous | file-backed (LMDB pages) | VmHWM | store on disk MiB |"
    echo "|---|---:|---:|---:|---:|---:|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "Binary sizes (RelWithDebInfo with debug info; stripped in brackets): $(join_list "${sizes[@]}")."
    echo
  } >>"$OUT"
}

# ---------------------------------------------------------------------------------------------
{
  echo "### Run of $(date -u +%Y-%m-%dT%H:%MZ): \`tests/bench/run.sh ${ARGS[*]:-}\`"
  echo
  machine | sed 's/^## Machine/#### Machine/'
  echo "Mosquitto $(dpkg-query -W -f='${Version}' mosquitto 2>/dev/null || echo '?')," \
       "payload: one attlog line per message ($(div "$(wc -c <"$PAYLOAD")" "$N" 1) bytes with" \
       "its newline), topic \`$MQ_TOPIC\`."
  echo
} >"$OUT"
[[ " $PARTS " == *" tput "* ]] && part_tput
[[ " $PARTS " == *" lat "* ]] && part_lat
[[ " $PARTS " == *" crash "* ]] && part_crash
if [[ " $PARTS " == *" wire "* ]]; then
  if [ -z "${MQ_WIRE+x}" ]; then
    mq_throughput "$PAYLOAD" 1
    MQ_WIRE=("$(cut -d' ' -f4- <<<"$RESULT")")
  fi
  part_wire
fi
[[ " $PARTS " == *" foot "* ]] && part_foot
[[ " $PARTS " == *" nats "* ]] && part_nats
LOADS+=("$(cut -d' ' -f1 /proc/loadavg)")
echo "Total $(sub "$(now)" "$T_START") s; load average (1 min) sampled through the run:" \
     "$(join_list "${LOADS[@]}") on $(nproc) cores." >>"$OUT"
cat "$OUT"

if [ "$UPDATE" = 1 ]; then
  MD=$REPO/BENCHMARKS.md B='<!-- run.sh: begin -->' E='<!-- run.sh: end -->'
  if ! grep -qF "$B" "$MD"; then printf '\n%s\n%s\n' "$B" "$E" >>"$MD"; fi
  awk -v b="$B" -v e="$E" -v f="$OUT" '
    $0 == b { print; while ((getline l < f) > 0) print l; skip = 1; next }
    $0 == e { skip = 0 }
    !skip' "$MD" >"$MD.new" && mv "$MD.new" "$MD"
  log "updated $MD between the run.sh markers"
fi

#!/usr/bin/env bash
# Security on vs off, end to end over 2 hops (BENCHMARKS.md "Security", issue 6): plaintext,
# CURVE, and CURVE + origin signatures (the gateway seals, the aggregator verifies against its
# origin_keys_file). Real daemons on loopback TCP, every hop durable, default [link] (bundles
# of <= 1000 punches, window 4).
# N punches are imported into a stopped gateway; aggregator and relay start; the clock runs
# from gateway start until `titipctl queue --json` on the gateway shows queued == 0 and
# undelivered == 0 (every receipt home). Runs alternate off/CURVE/CURVE+signatures so all see
# the same machine load; medians are printed, with the TCP payload bytes per punch the relay
# sent the aggregator (`ss -tin` bytes_received at the aggregator's port, heartbeats
# included). Keys come from `titipctl keygen` (--signing for the gateway). Not run by ctest.
# Usage: tests/bench/run_security_bench.sh [--bin DIR] [--runs R] [--users U] [--keep]
set -euo pipefail
export LC_ALL=C
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${TITIP_BIN:-$REPO/build/bin}
RUNS=3
USERS=600
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) BIN=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --users) USERS=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 64 ;;
  esac
done
CTL=$BIN/titipctl
TMPBASE=/tmp
[ "$(stat -f -c %T /tmp)" = tmpfs ] && TMPBASE=/var/tmp
WORK=$(mktemp -d "$TMPBASE/titip-sec-bench.XXXXXX")
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$KEEP" = 1 ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { echo "[$(date +%T)] $*" >&2; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b == 0 ? 0 : a / b) }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
start() { "$BIN/$2" --config "$3" >"$WORK/$1.log" 2>&1 & LAST=$!; PIDS+=("$LAST"); }
wait_for() { for _ in $(seq 300); do eval "$1" && return 0; sleep 0.1; done; log "timeout: $1"; return 1; }

# node_toml ID DIR LISTEN_PORT|"" UPSTREAM_ID|"" UPSTREAM_PORT|"" MODE(0/1/2) KEYDIR
# MODE 0 plaintext, 1 CURVE, 2 CURVE + origin signatures (gateway signs, aggregator verifies).
node_toml() {
  printf '[node]\nid = "%s"\nunit = "%s"\nstate_dir = "%s"\n' "$1" "$1" "$2"
  [ -n "$3" ] && printf 'listen = "tcp://127.0.0.1:%s"\n' "$3"
  if [ "$6" -ge 1 ]; then
    printf '[security]\nsecret_key_file = "%s/%s.key"\n' "$7" "$1"
    [ -n "$3" ] && printf 'allowed_keys_file = "%s/allowed"\n' "$7"
    if [ "$6" = 2 ] && [ "$1" = kec-sekernan ]; then
      printf 'signing_key_file = "%s/%s.sign"\n' "$7" "$1"
    fi
    if [ "$6" = 2 ] && [ "$1" = bkpsdm ]; then
      printf 'origin_keys_file = "%s/origin_keys"\n' "$7"
    fi
  fi
  if [ -n "$4" ]; then
    printf '[[upstream]]\nid = "%s"\nendpoint = "tcp://127.0.0.1:%s"\n' "$4" "$5"
    [ "$6" -ge 1 ] && printf 'public_key = "%s"\n' "$(cat "$7/$4.key.pub")"
  fi
  return 0
}
# Payload bytes the aggregator received on its listening port (all established sockets).
bytes_in() {
  ss -tinH state established "( sport = :$1 )" | awk '
    { for (i = 1; i <= NF; i++) { split($i, a, ":"); if (a[1] == "bytes_received") b += a[2] } }
    END { printf "%d\n", b }'
}

keys=$WORK/keys
mkdir -p "$keys"
for n in bkpsdm diskominfo kec-sekernan; do "$CTL" keygen --out "$keys/$n.key" >/dev/null 2>&1; done
"$CTL" keygen --signing --out "$keys/kec-sekernan.sign" >/dev/null 2>&1
echo "kec-sekernan $(cat "$keys/kec-sekernan.sign.pub")" >"$keys/origin_keys"
# One allowlist for both listeners; the relay is marked so it may hand over the gateway's punches.
{ echo "diskominfo $(cat "$keys/diskominfo.key.pub") relay"
  echo "kec-sekernan $(cat "$keys/kec-sekernan.key.pub")"; } >"$keys/allowed"
att=$WORK/attlog.dat
"$BIN/titip-termsim" attlog --out "$att" --users "$USERS" --days 84 --start 2026-09-07 --seed 7 >/dev/null

declare -A RATES BYTES
n=0
for r in $(seq "$RUNS"); do
  for secure in 0 1 2; do
    d=$WORK/run$r-$secure
    mkdir -p "$d"
    ap=$(free_port); rp=$(free_port)
    node_toml bkpsdm "$d/agg" "$ap" "" "" "$secure" "$keys" >"$d/agg.toml"
    node_toml diskominfo "$d/relay" "$rp" bkpsdm "$ap" "$secure" "$keys" >"$d/relay.toml"
    { node_toml kec-sekernan "$d/gw" "" diskominfo "$rp" "$secure" "$keys"
      printf '[[terminal]]\nserial = "SEC0000000001"\nkind = "usb"\n'; } >"$d/gw.toml"
    n=$("$CTL" --config "$d/gw.toml" --json import "$att" --terminal SEC0000000001 | jq -r .added)
    start agg$r$secure titip-aggregator "$d/agg.toml"; a=$LAST
    start relay$r$secure titip-relay "$d/relay.toml"; rl=$LAST
    wait_for "grep -q '\"state\":\"up\"' '$d/relay/runtime.json' 2>/dev/null"
    t0=$EPOCHREALTIME
    start gw$r$secure titip-gateway "$d/gw.toml"; g=$LAST
    wait_for_drain() {
      for _ in $(seq 3000); do
        "$CTL" --state-dir "$d/gw" --json queue 2>/dev/null |
          jq -e '.queued == 0 and .undelivered == 0' >/dev/null 2>&1 && return 0
        sleep 0.1
      done
      return 1
    }
    wait_for_drain || log "run $r secure=$secure timed out"
    secs=$(sub "$EPOCHREALTIME" "$t0")
    bin=$(bytes_in "$ap")
    kill -TERM "$g" "$rl" "$a"; wait "$g" "$rl" "$a" || true
    PIDS=()
    stored=$("$CTL" --state-dir "$d/agg" --json punches | wc -l)
    rate=$(div "$n" "$secs")
    RATES[$secure]="${RATES[$secure]:-} $rate"
    BYTES[$secure]="${BYTES[$secure]:-} $(awk -v b="$bin" -v n="$n" 'BEGIN { printf "%.2f", b / n }')"
    quarantined=$("$CTL" --state-dir "$d/agg" --json quarantine | wc -l)
    [ "$quarantined" = 0 ] || log "warning: $quarantined punches quarantined"
    log "run $r mode=$secure: $n punches in $secs s → $rate punches/s; stored $stored;" \
        "relay→aggregator $bin B"
    [ "$stored" = "$n" ] || log "warning: stored $stored of $n"
    rm -rf "$d"
  done
done
# shellcheck disable=SC2086
off=$(median ${RATES[0]}); on=$(median ${RATES[1]}); sig=$(median ${RATES[2]})
cost() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (a - b) * 100 / a }'; }
echo "| security | punches/s (median) | runs (punches/s) | relay→aggregator bytes/punch (median) |"
echo "|---|---:|---|---:|"
echo "| off (plaintext) | $off | ${RATES[0]# } | $(median ${BYTES[0]}) |"
echo "| CURVE + ZAP + identity binding | $on | ${RATES[1]# } | $(median ${BYTES[1]}) |"
echo "| CURVE + origin signatures (seal + verify) | $sig | ${RATES[2]# } | $(median ${BYTES[2]}) |"
echo
echo "$n punches, 2 durable hops, bundles of <= 1000; CURVE costs $(cost "$off" "$on")% of" \
     "throughput, CURVE + signatures $(cost "$off" "$sig")%." \
     "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg), nproc $(nproc)."

#!/usr/bin/env bash
# Custody mesh benchmark (BENCHMARKS.md "Custody mesh", SPEC §5 and §10.5). Real daemons on
# loopback TCP, plaintext, every hop durable (LMDB, default sync). Not run by ctest.
#
#  1. end to end over 2 hops: N punches imported into a stopped gateway; aggregator + relay
#     started; clock from gateway start until the aggregator's store holds all N (comparable
#     to a subscriber having every message) and until the gateway's store shows queued == 0
#     and undelivered == 0 (every receipt home); mesh_watch polls both stores read-only every
#     2 ms. Also CPU s, bytes written and group commits per daemon. Side by side in the same
#     run: zmq_ceiling_bench (raw DEALER→ROUTER, windowed ack, no persistence) with the same
#     number of 90-byte messages, and with 1,000 punches per message. --runs runs, median.
#     Environment: MESH_TRACE_MS=T prints a timeline every T ms; E2E_LINK='k = v' adds
#     [link] keys to the three nodes; E2E_RUNNING=1 measures a running mesh instead: all
#     three daemons up and linked, an empty gateway store, the clock from the start of
#     `titipctl import` into the running gateway (as Mosquitto's runs start with the brokers
#     up and the clock at the publisher's start).
#  2. bytes on the wire per punch, gateway → aggregator (one hop), bundle_max_punches 1, 100,
#     1000: TCP payload bytes of the aggregator's socket, both directions (`ss -tin`
#     bytes_received + bytes_acked), sampled before and after importing into the running
#     gateway. Heartbeat bytes/s are measured on the idle link first and reported separately;
#     the "net" column subtracts them for the duration of the transfer.
#  3. district backlog: G gateways (default 41), each with its own ~5,000-punch week imported,
#     all → one relay → aggregator; seconds until the aggregator has everything and until
#     every gateway has its receipts; peak RSS (VmHWM) per process kind; idle CPU afterwards.
#
# Needs: bash ≥ 5, jq, ss (iproute2), procps — all in deploy/install-deps.sh. No extra tools.
# Usage: tests/bench/run_mesh_bench.sh [--bin DIR] [--runs R] [--users U] [--gateways G]
#          [--gw-users U] [--idle-s S] [--only e2e|wire|district] [--keep]
#   --bin DIR     binaries (default: $TITIP_BIN, else <repo>/build/bin)
#   --users U     people in the end-to-end attlog, 84 days (default 600: ~100,000 punches)
#   --gw-users U  people per district gateway, 7 days (default 360: ~5,000 punches)
# Every process it starts is stopped on exit (also on Ctrl-C); temp dirs are removed unless
# --keep. Free ports are picked at run time. Progress goes to stderr, tables to stdout.
# Binaries: the daemons, titipctl, titip-termsim, zmq_ceiling_bench and mesh_watch.
set -euo pipefail
export LC_ALL=C

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${TITIP_BIN:-$REPO/build/bin}
RUNS=3
USERS=600
GATEWAYS=41
GW_USERS=360
IDLE_S=10
ONLY=""
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) BIN=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --users) USERS=$2; shift 2 ;;
    --gateways) GATEWAYS=$2; shift 2 ;;
    --gw-users) GW_USERS=$2; shift 2 ;;
    --idle-s) IDLE_S=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,31p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 64 ;;
  esac
done
for b in titip-gateway titip-relay titip-aggregator titipctl titip-termsim zmq_ceiling_bench mesh_watch; do
  [ -x "$BIN/$b" ] || { echo "missing $BIN/$b (build all targets first)" >&2; exit 69; }
done
for t in jq ss awk; do
  command -v "$t" >/dev/null || { echo "missing $t (deploy/install-deps.sh)" >&2; exit 69; }
done
CTL=$BIN/titipctl

# A durable benchmark must not run on tmpfs.
TMPBASE=/tmp
[ "$(stat -f -c %T /tmp)" = tmpfs ] && TMPBASE=/var/tmp
WORK=$(mktemp -d "$TMPBASE/titip-mesh-bench.XXXXXX")

PIDS=()
cleanup() {
  local p alive=()
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null && alive+=("$p"); done
  for _ in $(seq 50); do
    local any=0
    for p in "${alive[@]}"; do kill -0 "$p" 2>/dev/null && any=1; done
    [ $any = 0 ] && break
    sleep 0.1
  done
  for p in "${alive[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$KEEP" = 1 ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A long sleep that a signal interrupts (bash runs traps only between foreground commands).
nap() { sleep "$1" & wait $!; }
log() { echo "[$(date +%T)] $*" >&2; }
now() { echo "$EPOCHREALTIME"; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.'"${3:-0}"'f", (b == 0 ? 0 : a / b) }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
join_list() { local IFS=,; local s="$*"; echo "${s//,/, }"; }

USED_PORTS=" "
free_port() {
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 40000))
    [[ $USED_PORTS == *" $p "* ]] && continue
    if [ -z "$(ss -Htan "( sport = :$p or dport = :$p )")" ]; then
      USED_PORTS+="$p "
      echo "$p"
      return
    fi
  done
  echo "no free port" >&2
  exit 69
}

# start NAME BIN CONFIG: starts a daemon in the background, logs to $WORK/NAME.log; sets LAST.
start() {
  "$BIN/$2" --config "$3" >"$WORK/$1.log" 2>&1 &
  LAST=$!
  PIDS+=("$LAST")
}
# stop PID...: SIGTERM, wait, and complain about a non-zero exit.
stop() {
  local p rc keep=()
  for p in "$@"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "$@"; do
    rc=0
    wait "$p" || rc=$?
    [ $rc = 0 ] || log "warning: pid $p exited with $rc"
  done
  for p in "${PIDS[@]}"; do
    [[ " $* " == *" $p "* ]] || keep+=("$p")
  done
  PIDS=("${keep[@]}")
}
hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }
rss_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
io_mib() { awk '$1 == "write_bytes:" { printf "%.0f", $2 / 1048576 }' "/proc/$1/io"; }
cpu_ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat"))); done; echo $t; }

# node_toml ID DIR LISTEN_PORT|"" UPSTREAM_ID|"" UPSTREAM_PORT|"" [EXTRA]
node_toml() {
  echo "[node]"
  echo "id = \"$1\""
  echo "unit = \"$1\""
  echo "state_dir = \"$2\""
  if [ -n "${3:-}" ]; then echo "listen = \"tcp://127.0.0.1:$3\""; fi
  if [ -n "${4:-}" ]; then
    printf '[[upstream]]\nid = "%s"\nendpoint = "tcp://127.0.0.1:%s"\npriority = 1\n' "$4" "$5"
  fi
  printf '%s\n' "${6:-}"
}
# E2E_LINK (environment): extra [link] keys for the end-to-end nodes, e.g.
# E2E_LINK='bundle_max_punches = 4000' to compare settings; empty: the defaults.
metrics_toml() {
  printf '[metrics]\nlisten = "127.0.0.1:%s"' "$1"
  if [ -n "${E2E_LINK:-}" ]; then printf '\n[link]\n%s' "$E2E_LINK"; fi
}
# commits_of PORT: titip_store_commits_total from a daemon's metrics endpoint ("?" if none).
commits_of() {
  local v
  v=$(exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET /metrics HTTP/1.0\r\n\r\n' >&3 &&
      awk '$1 == "titip_store_commits_total" { print $2 }' <&3) 2>/dev/null || true
  echo "${v:-?}"
}
terminal_toml() { printf '[[terminal]]\nserial = "%s"\nkind = "usb"\n' "$1"; }

# Reads "queued undelivered" of a store with titipctl; "x x" when it cannot.
queue_of() {
  local j
  j=$("$CTL" --state-dir "$1" --json queue 2>/dev/null) || { echo "x x"; return; }
  local q=x u=x
  if [[ $j =~ \"queued\":([0-9]+) ]]; then q=${BASH_REMATCH[1]}; fi
  if [[ $j =~ \"undelivered\":([0-9]+) ]]; then u=${BASH_REMATCH[1]}; fi
  echo "$q $u"
}
# counter DIR NAME: a counter from the daemon's runtime.json (0 if absent).
counter() {
  local j
  j=$(cat "$1/runtime.json" 2>/dev/null) || { echo 0; return; }
  if [[ $j =~ \"$2\":([0-9]+) ]]; then echo "${BASH_REMATCH[1]}"; else echo 0; fi
}
# wait_up DIR: until the daemon's runtime.json says its (first) upstream link is up.
wait_up() {
  local t
  for t in $(seq 300); do
    grep -q '"state":"up"' "$1/runtime.json" 2>/dev/null && return 0
    sleep 0.1
  done
  log "link of $1 did not come up"; return 1
}
wait_file() {
  for _ in $(seq 300); do [ -s "$1" ] && return 0; sleep 0.1; done
  log "$1 did not appear"; return 1
}
import() {  # import CONFIG FILE SERIAL → prints punches added
  "$CTL" --config "$1" --json import "$2" --terminal "$3" | jq -r .added
}

# ---------------------------------------------------------------------------------------------
machine() {
  echo "## Machine"
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| CPU | $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), nproc = $(nproc) |"
  echo "| memory | $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) |"
  echo "| kernel | $(uname -sr) |"
  echo "| work dir | $WORK on $(findmnt -no FSTYPE -T "$WORK") ($(findmnt -no SOURCE -T "$WORK")) |"
  echo "| libzmq | $(dpkg-query -W -f='${Version}' libzmq5 2>/dev/null || echo '?'), liblmdb $(dpkg-query -W -f='${Version}' liblmdb0 2>/dev/null || echo '?') |"
  echo "| load average at start | $(cut -d' ' -f1-3 /proc/loadavg) |"
  echo
}

# ---------------------------------------------------------------------------------------------
e2e() {
  local att=$WORK/e2e-attlog.dat
  "$BIN/titip-termsim" attlog --out "$att" --users "$USERS" --days 84 --start 2026-09-07 \
    --seed 7 >/dev/null
  local r n=0 rates=() srates=() cpu=() wio=() commits=() zs=() zb=() tq=() hw=() ok=()
  for r in $(seq "$RUNS"); do
    local d=$WORK/e2e$r ap rp
    mkdir -p "$d"
    ap=$(free_port); rp=$(free_port)
    # Metrics endpoints: the group commits each daemon made (titip_store_commits_total).
    local mg mr ma
    mg=$(free_port); mr=$(free_port); ma=$(free_port)
    node_toml bkpsdm "$d/agg" "$ap" "" "" "$(metrics_toml "$ma")" >"$d/agg.toml"
    node_toml diskominfo "$d/relay" "$rp" bkpsdm "$ap" "$(metrics_toml "$mr")" >"$d/relay.toml"
    { node_toml kec-sekernan "$d/gw" "" diskominfo "$rp" "$(metrics_toml "$mg")"
      terminal_toml E2E0000000001; } >"$d/gw.toml"
    local running=${E2E_RUNNING:-0} g
    if [ "$running" = 1 ]; then n=$(grep -c . "$att"); else n=$(import "$d/gw.toml" "$att" E2E0000000001); fi
    start e2e$r-agg titip-aggregator "$d/agg.toml"; local a=$LAST
    start e2e$r-relay titip-relay "$d/relay.toml"; local rl=$LAST
    wait_file "$d/agg/runtime.json"; wait_up "$d/relay"
    if [ "$running" = 1 ]; then
      start e2e$r-gw titip-gateway "$d/gw.toml"; g=$LAST
      wait_file "$d/gw/runtime.json"; wait_up "$d/gw"
    fi
    # End detection: mesh_watch polls both stores read-only every 2 ms (a titipctl poll is a
    # process start, tens of ms) and prints when the aggregator holds all N, when the gateway's
    # queue is empty and when its last receipt is home.
    local t0 tqueued="" tdone="" tsink="" ev at
    "$BIN/mesh_watch" --gateway "$d/gw" --aggregator "$d/agg" --punches "$n" --poll-ms 2 \
      --trace-ms "${MESH_TRACE_MS:-0}" >"$d/watch.out" 2>"$d/watch.err" &
    local wpid=$!
    PIDS+=("$wpid")
    sleep 0.2  # the watcher has opened both stores
    t0=$(now)
    if [ "$running" = 1 ]; then
      local added; added=$(import "$d/gw.toml" "$att" E2E0000000001)
      [ "$added" = "$n" ] || log "warning: imported $added punches, expected $n"
    else
      start e2e$r-gw titip-gateway "$d/gw.toml"; g=$LAST
    fi
    wait "$wpid" || log "e2e run $r: watcher failed: $(tail -1 "$d/watch.err")"
    [ "${MESH_TRACE_MS:-0}" = 0 ] || cat "$d/watch.err" >&2  # the timeline, on request
    local keep=() p; for p in "${PIDS[@]}"; do [ "$p" = "$wpid" ] || keep+=("$p"); done
    PIDS=("${keep[@]}")
    while read -r ev at; do
      case $ev in
        sink) tsink=$at ;;
        custody) tqueued=$at ;;
        done) tdone=$at ;;
      esac
    done <"$d/watch.out"
    [ -n "$tdone" ] || { log "e2e run $r timed out"; tdone=$(now); }
    [ -n "$tsink" ] || tsink=$tdone
    [ -n "$tqueued" ] || tqueued=$tdone
    local secs accepted
    secs=$(sub "$tdone" "$t0")
    accepted=$(counter "$d/agg" punches_accepted)
    sleep 1.1  # let the aggregator rewrite runtime.json once more
    accepted=$(counter "$d/agg" punches_accepted)
    hw+=("$(hwm_kb "$g")/$(hwm_kb "$rl")/$(hwm_kb "$a") (gateway anon $(rss_kb "$g" RssAnon), file $(rss_kb "$g" RssFile))")
    # CPU seconds each daemon used (user + system, all threads; the gateway's store check runs
    # in a child and is not counted; includes the ~1 s idle tail above).
    local tck; tck=$(getconf CLK_TCK)
    cpu+=("$(div "$(cpu_ticks "$g")" "$tck" 2)/$(div "$(cpu_ticks "$rl")" "$tck" 2)/$(div "$(cpu_ticks "$a")" "$tck" 2)")
    wio+=("$(io_mib "$g")/$(io_mib "$rl")/$(io_mib "$a")")
    commits+=("$(commits_of "$mg")/$(commits_of "$mr")/$(commits_of "$ma")")
    stop "$g" "$rl" "$a"
    local stored
    stored=$("$CTL" --state-dir "$d/agg" --json punches | wc -l)
    ok+=("$stored")
    rates+=("$(div "$n" "$secs")")
    srates+=("$(div "$n" "$(sub "$tsink" "$t0")")")
    tq+=("$(sub "$tqueued" "$t0")/$(sub "$tsink" "$t0")/$secs")
    log "e2e run $r: $n punches, custody at relay after $(sub "$tqueued" "$t0") s," \
        "all at the aggregator after $(sub "$tsink" "$t0") s → ${srates[-1]} punches/s," \
        "all receipts after $secs s → ${rates[-1]} punches/s; aggregator stored $stored" \
        "(accepted $accepted); VmHWM kB gw/relay/agg ${hw[-1]}; CPU s ${cpu[-1]}; written MiB ${wio[-1]}; commits ${commits[-1]}"
    [ "$stored" = "$n" ] || log "warning: aggregator stored $stored of $n"
    local z
    z=$("$BIN/zmq_ceiling_bench" --punches "$n" --batch 1 --window 1000 | awk -F'punches_per_s=' '/RESULT/ { split($2, a, " "); print a[1] }')
    zs+=("$z")
    z=$("$BIN/zmq_ceiling_bench" --punches "$n" --batch 1000 --window 4 | awk -F'punches_per_s=' '/RESULT/ { split($2, a, " "); print a[1] }')
    zb+=("$z")
    log "zmq ceiling run $r: ${zs[-1]} punches/s (1 a message), ${zb[-1]} (1000 a message)"
    rm -rf "$d"
  done
  local mt mz mb
  # For tests/bench/run.sh, which interleaves single e2e runs with its baselines.
  E2E_RATES=("${rates[@]}"); E2E_SINK_RATES=("${srates[@]}"); E2E_N=$n; E2E_ZMQ=("${zs[@]}")
  local ms
  mt=$(median "${rates[@]}"); ms=$(median "${srates[@]}"); mz=$(median "${zs[@]}"); mb=$(median "${zb[@]}")
  echo "## 1. End to end, gateway → relay → aggregator ($n punches, $RUNS runs)"
  echo
  echo "| what | punches/s (median) | runs (punches/s) | ceiling ÷ titip |"
  echo "|---|---:|---|---:|"
  echo "| titip, 2 durable hops, until the aggregator has every punch (synced) | $ms | $(join_list "${srates[@]}") | – |"
  echo "| titip, 2 durable hops, until every receipt is back at the gateway | $mt | $(join_list "${rates[@]}") | 1× |"
  echo "| raw ZeroMQ, 1 punch (90 B) a message, window 1000, cumulative ack | $mz | $(join_list "${zs[@]}") | $(div "$mz" "$mt" 0)× |"
  echo "| raw ZeroMQ, 1000 punches (90 kB) a message, window 4 | $mb | $(join_list "${zb[@]}") | $(div "$mb" "$mt" 0)× |"
  echo
  local from="gateway start"
  [ "${E2E_RUNNING:-0}" = 1 ] && from="the start of the import into the running gateway"
  echo "Per run, seconds from $from until queued == 0 at the gateway / until the" \
       "aggregator holds all / until undelivered == 0 (mesh_watch, 2 ms polls):" \
       "$(join_list "${tq[@]}"). Stored at the aggregator: $(join_list "${ok[@]}") of $n."
  echo "Peak RSS (VmHWM, kB) gateway/relay/aggregator per run: $(join_list "${hw[@]}")."
  echo "CPU seconds (user + system) gateway/relay/aggregator per run: $(join_list "${cpu[@]}")."
  echo "MiB written to disk (write_bytes) gateway/relay/aggregator per run: $(join_list "${wio[@]}")."
  echo "Group commits (each one LMDB transaction, synced) gateway/relay/aggregator per run: $(join_list "${commits[@]}")."
  echo
}

# ---------------------------------------------------------------------------------------------
# wire_bytes PORT → "up down segs sockets peers": payload bytes on the listener's established
# sockets (up = received by the listener = sent by the gateway; down = sent and acked), and
# TCP segments both ways (segs_in + segs_out, pure ACKs included) to estimate header bytes.
wire_bytes() {
  ss -tinH state established "( sport = :$1 )" | awk '
    /^[0-9]/ { n++; peers = peers $4 ";" }
    { for (i = 1; i <= NF; i++) {
        split($i, a, ":")
        if (a[1] == "bytes_received") up += a[2]
        if (a[1] == "bytes_acked") down += a[2]
        if (a[1] == "segs_in" || a[1] == "segs_out") segs += a[2] } }
    END { printf "%d %d %d %d %s\n", up, down, segs, n, peers }'
}

wire() {
  local full=$WORK/wire-attlog.dat small=$WORK/wire-attlog-5000.dat
  "$BIN/titip-termsim" attlog --out "$full" --users "$USERS" --days 84 --start 2026-09-07 \
    --seed 7 >/dev/null
  head -n 5000 "$full" >"$small"
  local b rows=() hbs=()
  for b in 1 100 1000; do
    local d=$WORK/wire$b port file
    mkdir -p "$d"
    port=$(free_port)
    file=$full; [ "$b" = 1 ] && file=$small
    node_toml bkpsdm "$d/agg" "$port" >"$d/agg.toml"
    { node_toml kec-sekernan "$d/gw" "" bkpsdm "$port" "$(printf '[link]\nbundle_max_punches = %s' "$b")"
      terminal_toml WIRE000000001; } >"$d/gw.toml"
    start wire$b-agg titip-aggregator "$d/agg.toml"; local a=$LAST
    wait_file "$d/agg/runtime.json"
    start wire$b-gw titip-gateway "$d/gw.toml"; local g=$LAST
    wait_up "$d/gw"
    sleep 1
    # Idle link: heartbeats only (ZMTP PING/PONG, hellos both ways, telemetry every 10 s).
    local s0 s1 s2 t0 t1 t2 c0 c1
    t0=$(now); s0=$(wire_bytes "$port"); c0=$(cpu_ticks "$g" "$a")
    nap "$IDLE_S"
    t1=$(now); s1=$(wire_bytes "$port"); c1=$(cpu_ticks "$g" "$a")
    local n qu bs0 bs1
    bs0=$(counter "$d/gw" bundles_sent)
    n=$(import "$d/gw.toml" "$file" WIRE000000001)
    while :; do
      qu=$(queue_of "$d/gw")
      [ "$qu" = "0 0" ] && break
      sleep 0.1
    done
    t2=$(now); s2=$(wire_bytes "$port")
    sleep 1.1  # one more runtime.json
    bs1=$(counter "$d/gw" bundles_sent)
    stop "$g" "$a"
    local u0 d0 g0 k0 p0 u1 d1 g1 k1 p1 u2 d2 g2 k2 p2
    read -r u0 d0 g0 k0 p0 <<<"$s0"; read -r u1 d1 g1 k1 p1 <<<"$s1"; read -r u2 d2 g2 k2 p2 <<<"$s2"
    if [ "$k0$k1$k2" != 111 ] || [ "$p0" != "$p1" ] || [ "$p0" != "$p2" ]; then
      log "warning: bundle $b: the connection changed during the measurement ($s0 / $s2)"
    fi
    local idle_s xfer_s hb gross net up down
    idle_s=$(sub "$t1" "$t0"); xfer_s=$(sub "$t2" "$t1")
    hb=$(div $((u1 - u0 + d1 - d0)) "$idle_s" 1)
    hbs+=("$hb")
    # With IPv4 + TCP headers (20 + 32 bytes with the timestamp option) on every segment.
    local hbh hbp withh
    hbp=$(div $((g1 - g0)) "$idle_s" 2)
    hbh=$(div $((u1 - u0 + d1 - d0 + 52 * (g1 - g0))) "$idle_s" 1)
    HB_HDR+=("$hbh B/s ($hbp segments/s)")
    withh=$(div $((u2 - u1 + d2 - d1 + 52 * (g2 - g1))) "$n" 2)
    up=$((u2 - u1)); down=$((d2 - d1))
    gross=$(div $((up + down)) "$n" 2)
    net=$(awk -v g=$((up + down)) -v h="$hb" -v s="$xfer_s" -v n="$n" 'BEGIN { printf "%.2f", (g - h * s) / n }')
    rows+=("| $b | $n | $((bs1 - bs0)) | $xfer_s | $up | $down | $gross | $net | $(div "$up" "$n" 2) / $(div "$down" "$n" 2) | $withh | $hb |")
    log "wire bundle $b: $n punches in $xfer_s s, up $up B, down $down B → $gross B/punch" \
        "(net of heartbeats $net); idle $hb B/s, idle CPU $((c1 - c0)) ticks in $idle_s s"
    IDLE_CPU+=("bundle $b: gateway+aggregator $((c1 - c0)) ticks ($(getconf CLK_TCK)/s) in $idle_s s idle")
    rm -rf "$d"
  done
  echo "## 2. Bytes on the wire per punch, gateway → aggregator (1 hop, plaintext)"
  echo
  echo "| bundle_max_punches | punches | bundles sent | import + transfer s | bytes up | bytes down | bytes/punch (all) | bytes/punch (net of heartbeats) | up / down per punch | bytes/punch incl. TCP/IP headers | idle heartbeat B/s |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Idle link heartbeat traffic (both directions, measured over $IDLE_S s before each" \
       "transfer): median $(median "${hbs[@]}") B/s of TCP payload; with IPv4/TCP headers" \
       "$(join_list "${HB_HDR[@]}")."
  echo
}
IDLE_CPU=()
HB_HDR=()

# ---------------------------------------------------------------------------------------------
district() {
  local gws=$GATEWAYS tpl=$WORK/district-template i total=0
  mkdir -p "$tpl"
  # Stores are imported once into a template and copied for each run (LMDB files copied while
  # no process has them open are a valid store; every run gets a fresh relay and aggregator).
  local ti; ti=$(now)
  for i in $(seq -w 1 "$gws"); do
    { node_toml "gw-$i" "$tpl/gw$i" "" diskominfo 1; terminal_toml "DST00000000$i"; } >"$tpl/gw$i.toml"
    "$BIN/titip-termsim" attlog --out "$tpl/gw$i.dat" --users "$GW_USERS" --days 7 \
      --start 2026-09-07 --seed $((1000 + 10#$i)) --first-pin $((1000 + 10#$i * 1000)) >/dev/null
    total=$((total + $(import "$tpl/gw$i.toml" "$tpl/gw$i.dat" "DST00000000$i")))
    rm -f "$tpl/gw$i.dat"
  done
  log "district: imported $total punches into $gws gateway stores in $(sub "$(now)" "$ti") s"
  local r rows=() tsinks=() tdones=() rates=() gmaxs=()
  for r in $(seq "$RUNS"); do
    local d=$WORK/district$r ap rp
    mkdir -p "$d"
    ap=$(free_port); rp=$(free_port)
    node_toml bkpsdm "$d/agg" "$ap" >"$d/agg.toml"
    node_toml diskominfo "$d/relay" "$rp" bkpsdm "$ap" >"$d/relay.toml"
    for i in $(seq -w 1 "$gws"); do
      { node_toml "gw-$i" "$d/gw$i" "" diskominfo "$rp"; terminal_toml "DST00000000$i"; } >"$d/gw$i.toml"
      cp -a "$tpl/gw$i" "$d/gw$i"
    done
    start district$r-agg titip-aggregator "$d/agg.toml"; local a=$LAST
    start district$r-relay titip-relay "$d/relay.toml"; local rl=$LAST
    wait_file "$d/agg/runtime.json"; wait_up "$d/relay"
    local gpids=() t0 tsink="" tdone="" last_log=0 acc el
    t0=$(now)
    for i in $(seq -w 1 "$gws"); do
      start district$r-gw$i titip-gateway "$d/gw$i.toml"; gpids+=("$LAST")
    done
    # Until the sink has everything: the aggregator's runtime.json (rewritten every second,
    # so this figure has 1 s resolution; read without starting a process).
    while :; do
      acc=$(counter "$d/agg" punches_accepted)
      el=$(sub "$(now)" "$t0")
      if [ "$acc" -ge "$total" ]; then tsink=$el; break; fi
      if [ "${el%.*}" -ge $((last_log + 15)) ]; then
        last_log=${el%.*}
        log "district run $r: $el s, aggregator has $acc of $total (relay queued/undelivered $(queue_of "$d/relay"))"
      fi
      if [ "${el%.*}" -gt 480 ]; then log "district: gave up at $el s with $acc of $total"; tsink=$el; break; fi
      sleep 0.5
    done
    # Then until every gateway has its receipts: titipctl queue on one gateway at a time, each
    # polled every 100 ms until it is done, then the next; the last one found done ends the
    # clock, so the resolution is one poll (not one sweep over all gateways).
    local calls=0 tr0
    tr0=$(now)
    for i in $(seq -w 1 "$gws"); do
      while calls=$((calls + 1)) && [ "$(queue_of "$d/gw$i")" != "0 0" ]; do
        el=$(sub "$(now)" "$t0")
        if [ "${el%.*}" -gt 540 ]; then log "district: gw-$i still waiting"; break; fi
        sleep 0.1
      done
    done
    tdone=$(sub "$(now)" "$t0")
    local round_s; round_s=$(div "$(sub "$(now)" "$tr0")" "$calls" 3)
    # Idle afterwards: CPU of every process over 5 s.
    local c0 c1 cg0 cg1 tck
    tck=$(getconf CLK_TCK)
    c0=$(cpu_ticks "$rl" "$a"); cg0=$(cpu_ticks "${gpids[@]}")
    nap 5
    c1=$(cpu_ticks "$rl" "$a"); cg1=$(cpu_ticks "${gpids[@]}")
    local hk=() anon=() file=() p
    for p in "${gpids[@]}"; do
      hk+=("$(hwm_kb "$p")"); anon+=("$(rss_kb "$p" RssAnon)"); file+=("$(rss_kb "$p" RssFile)")
    done
    local hr ha hr_anon ha_anon dup refused
    hr=$(hwm_kb "$rl"); ha=$(hwm_kb "$a")
    hr_anon=$(rss_kb "$rl" RssAnon); ha_anon=$(rss_kb "$a" RssAnon)
    acc=$(counter "$d/agg" punches_accepted); dup=$(counter "$d/agg" punches_duplicate)
    refused=$(counter "$d/relay" bundles_refused)
    stop "${gpids[@]}"
    stop "$rl" "$a"
    local stored gmax gmed amax fmax
    stored=$("$CTL" --state-dir "$d/agg" --json punches | wc -l)
    gmax=$(printf '%s\n' "${hk[@]}" | sort -n | tail -1); gmed=$(median "${hk[@]}")
    amax=$(printf '%s\n' "${anon[@]}" | sort -n | tail -1); fmax=$(printf '%s\n' "${file[@]}" | sort -n | tail -1)
    tsinks+=("$tsink"); tdones+=("$tdone"); rates+=("$(div "$total" "$tdone")"); gmaxs+=("$gmax")
    rows+=("| $r | $tsink | $tdone ($round_s s/poll) | ${rates[-1]} | $stored / $dup | $(div "$gmax" 1024 1) / $(div "$gmed" 1024 1) (anon $(div "$amax" 1024 1), file $(div "$fmax" 1024 1)) | $(div "$hr" 1024 1) (anon $(div "$hr_anon" 1024 1)) | $(div "$ha" 1024 1) (anon $(div "$ha_anon" 1024 1)) | $refused | $(div $(((cg1 - cg0) * 100)) $((5 * tck)) 1) % / $(div $(((c1 - c0) * 100)) $((5 * tck)) 1) % |")
    log "district run $r: sink complete after $tsink s, all receipts after $tdone s;" \
        "stored $stored, gateway VmHWM max $gmax kB, relay $hr kB, aggregator $ha kB"
    [ "$stored" = "$total" ] || log "warning: aggregator stored $stored of $total"
    rm -rf "$d"
  done
  echo "## 3. District backlog: $gws gateways → 1 relay → aggregator ($total punches, $RUNS runs)"
  echo
  echo "Each gateway holds ~$((total / gws)) punches (one week, $GW_USERS people); default [link] settings."
  echo "Median: aggregator complete after **$(median "${tsinks[@]}") s**, every receipt back after" \
       "**$(median "${tdones[@]}") s** ($(median "${rates[@]}") punches/s); gateway peak RSS (max of" \
       "$gws) median $(div "$(median "${gmaxs[@]}")" 1024 1) MiB."
  echo
  echo "| run | s until aggregator has all | s until all receipts at gateways | punches/s | stored / duplicates at sink | gateway VmHWM MiB max / median (RSS at end, max) | relay VmHWM MiB | aggregator VmHWM MiB | bundles refused by relay | idle CPU 5 s after: $gws gateways / relay+aggregator (% of one core) |"
  echo "|---:|---:|---:|---:|---|---|---|---|---:|---|"
  printf '%s\n' "${rows[@]}"
  echo
}

# ---------------------------------------------------------------------------------------------
# Sourced (by tests/bench/run.sh): provide the helpers and parts above, run nothing.
if [ "${BASH_SOURCE[0]}" != "$0" ]; then return 0; fi
log "work dir $WORK, binaries $BIN"
OUT=$WORK/report.md
{
  echo "# titip custody mesh benchmark ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  machine
} >"$OUT"
T_START=$(now)
if [ -z "$ONLY" ] || [ "$ONLY" = e2e ]; then e2e >>"$OUT"; fi
if [ -z "$ONLY" ] || [ "$ONLY" = wire ]; then
  wire >>"$OUT"
  { echo "Idle CPU while measuring heartbeats: $(join_list "${IDLE_CPU[@]}")."; echo; } >>"$OUT"
fi
if [ -z "$ONLY" ] || [ "$ONLY" = district ]; then district >>"$OUT"; fi
echo "Total run $(sub "$(now)" "$T_START") s; load average at the end $(cut -d' ' -f1-3 /proc/loadavg)." >>"$OUT"
cat "$OUT"

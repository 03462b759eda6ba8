# Mosquitto baseline for tests/bench/run.sh (sourced after run_mesh_bench.sh, whose helpers it
# uses: free_port, log, now, sub, div, median, nap, PIDS/cleanup, $WORK).
#
# Topology: publisher(s) → edge broker ─bridge→ central broker → subscriber, all on loopback.
# Both brokers: `persistence true` (default autosave_interval 1800 s: mosquitto never fsyncs,
# it snapshots its RAM at that interval and at a clean shutdown), max_queued_messages 0
# (unlimited, so a long outage is not cut by the queue limit). The bridge: QoS 1 out,
# cleansession false. Publishers QoS 1 (`mosquitto_pub -l`), subscriber QoS 1 with a
# persistent session (-c). Payload: one attlog line a message (leading blanks and CR removed,
# ~30 bytes), topic absen/kec-sekernan.

MQ_TOPIC=absen/kec-sekernan

# mq_conf NAME DIR PORT [BRIDGE_PORT] → writes DIR/NAME.conf
mq_conf() {
  mkdir -p "$2/$1"
  {
    echo "listener $3 127.0.0.1"
    echo "allow_anonymous true"
    # Started as root, mosquitto switches to the user `mosquitto`, which cannot write into our
    # mktemp dir: persistence would silently fail ("Error: Permission denied" at the save).
    echo "user $(id -un)"
    echo "persistence true"
    echo "persistence_location $2/$1/"
    echo "max_queued_messages 0"
    echo "log_type error"
    echo "log_type warning"
    echo "log_type notice"
    if [ -n "${4:-}" ]; then
      echo "connection central"
      echo "address 127.0.0.1:$4"
      echo "topic absen/# out 1"
      echo "cleansession false"
      echo "clientid edge-bridge"
      echo "restart_timeout 1 2"
    fi
  } >"$2/$1.conf"
}
# mq_start NAME DIR PORT: starts the broker of DIR/NAME.conf, waits for its listener; sets LAST.
mq_start() {
  mosquitto -c "$2/$1.conf" >>"$2/$1.log" 2>&1 &
  LAST=$!
  PIDS+=("$LAST")
  for _ in $(seq 100); do
    [ -n "$(ss -Hltn "( sport = :$3 )")" ] && return 0
    sleep 0.05
  done
  log "mosquitto $1 did not listen on $3"
  return 1
}
# mq_kill PID [SIG]: signal and reap one process we started.
mq_kill() {
  kill "-${2:-TERM}" "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  local p keep=()
  for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  PIDS=("${keep[@]}")
}
# mq_sub PORT OUT: a persistent-session QoS 1 subscriber writing one line per message (line
# buffered, so a count is right after any kill); sets LAST.
mq_sub() {
  stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$1" -q 1 -c -i bench-sub -t 'absen/#' >>"$2" 2>/dev/null &
  LAST=$!
  PIDS+=("$LAST")
}
mq_subscribed() {  # mq_subscribed LOG: until the central broker logged the subscriber's connect
  for _ in $(seq 100); do grep -q 'as bench-sub' "$1" 2>/dev/null && return 0; sleep 0.05; done
  log "subscriber did not connect"; return 1
}
lines() { local n; n=$(wc -l <"$1" 2>/dev/null) || n=0; echo "${n:-0}"; }
# wait_lines FILE N TIMEOUT_S: until FILE has N lines (polled every 50 ms); 1 on timeout.
wait_lines() {
  local t0; t0=$(now)
  while [ "$(lines "$1")" -lt "$2" ]; do
    [ "$(sub "$(now)" "$t0" | cut -d. -f1)" -ge "$3" ] && return 1
    sleep 0.05
  done
}
# wait_quiet FILE QUIET_S MAX_S: until FILE has not grown for QUIET_S seconds.
wait_quiet() {
  local t0 last=-1 since n; t0=$(now); since=$t0
  while :; do
    n=$(lines "$1")
    if [ "$n" != "$last" ]; then last=$n; since=$(now); fi
    [ "$(sub "$(now)" "$since" | cut -d. -f1)" -ge "$2" ] && return 0
    [ "$(sub "$(now)" "$t0" | cut -d. -f1)" -ge "$3" ] && return 1
    sleep 0.2
  done
}
# mq_wire PORT PID → "up down segs": payload bytes of PID's established sockets to PORT
# (bytes_acked = sent by PID, bytes_received = received by PID).
mq_wire() {
  ss -tinpH state established "( dport = :$1 )" | awk -v pid="pid=$2," '
    /^[^ \t]/ { mine = index($0, pid) > 0; next }
    mine { for (i = 1; i <= NF; i++) {
        split($i, a, ":")
        if (a[1] == "bytes_acked") up += a[2]
        if (a[1] == "bytes_received") down += a[2]
        if (a[1] == "segs_in" || a[1] == "segs_out") segs += a[2] } }
    END { printf "%d %d %d\n", up, down, segs }'
}

# mq_throughput PAYLOADS NPUB → sets RESULT to "rate pub_s all_s got wire", where wire is
# "bridge_up bridge_down bridge_segs sub_down sub_up sub_segs" over the whole transfer. If the
# subscriber does not have everything after MQ_TIMEOUT s (60), the run counts as stalled:
# rate 0 and got < n. Mosquitto 2.0.11 gives a QoS 1 message its 16-bit packet id when it is
# queued for a client, so a bridge backlog above 65,535 messages reuses ids and the bridge
# stops after n − 65,535 (measured: 70,000 punches, 1 publisher → 4,467 delivered; 60,000 →
# all). No setting avoids it (max_inflight_messages 1000 or 0 on both brokers: the same
# stall); a max_queued_messages limit would drop acknowledged punches instead.
mq_throughput() {
  local d; d=$(mktemp -d "$WORK/mq.XXXXXX")
  local pc pe n; pc=$(free_port); pe=$(free_port); n=$(lines "$1")
  mq_conf central "$d" "$pc"; mq_conf edge "$d" "$pe" "$pc"
  mq_start central "$d" "$pc"; local c=$LAST
  mq_sub "$pc" "$d/got.txt"; local s=$LAST
  mq_subscribed "$d/central.log"
  mq_start edge "$d" "$pe"; local e=$LAST
  for _ in $(seq 100); do grep -q 'as edge-bridge' "$d/central.log" && break; sleep 0.05; done
  split -n "l/$2" "$1" "$d/part."
  local w0 s0 t0 t1 t2 f pubs=()
  w0=$(mq_wire "$pc" "$e"); s0=$(mq_wire "$pc" "$s")
  t0=$(now)
  for f in "$d"/part.*; do
    mosquitto_pub -h 127.0.0.1 -p "$pe" -q 1 -t "$MQ_TOPIC" -l <"$f" &
    pubs+=("$!")
  done
  wait "${pubs[@]}"
  t1=$(now)
  wait_lines "$d/got.txt" "$n" "${MQ_TIMEOUT:-60}" ||
    log "mosquitto: stalled, only $(lines "$d/got.txt") of $n arrived in ${MQ_TIMEOUT:-60} s"
  t2=$(now)
  local w1 s1 got uniq
  w1=$(mq_wire "$pc" "$e"); s1=$(mq_wire "$pc" "$s")
  mq_kill "$s"; mq_kill "$e"; mq_kill "$c"
  got=$(lines "$d/got.txt"); uniq=$(sort -u "$d/got.txt" | wc -l)
  [ "$got" = "$n" ] && [ "$uniq" = "$n" ] || log "mosquitto: received $got ($uniq distinct) of $n"
  local a b g x y h
  read -r a b g <<<"$w0"; read -r x y h <<<"$w1"
  local wire="$((x - a)) $((y - b)) $((h - g))"
  read -r a b g <<<"$s0"; read -r x y h <<<"$s1"
  wire+=" $((y - b)) $((x - a)) $((h - g))"
  local rate=0
  [ "$got" -ge "$n" ] && rate=$(div "$n" "$(sub "$t2" "$t0")")
  RESULT="$rate $(sub "$t1" "$t0") $(sub "$t2" "$t0") $got $wire"
  rm -rf "$d"
}

# mq_crash PAYLOADS MODE → RESULT="sent acked received distinct lost dup" where MODE is
#  kill   : kill -9 of the edge broker once the subscriber has a third of the punches, then
#           the edge is restarted (same persistence dir);
#  outage : central broker down; every punch published and acknowledged by the edge; kill -9
#           of the edge; edge restarted; then the central broker comes back;
#  outage-clean : the same with a clean stop (SIGTERM) of the edge instead of kill -9 (a
#           control: mosquitto saves its queue at shutdown, so everything must arrive).
# The publishers (mosquitto_pub -d, to count PUBACKs) are killed with the edge.
# lost = acknowledged punches that never reached the subscriber; dup = extra deliveries.
mq_crash() {
  local d; d=$(mktemp -d "$WORK/mqc.XXXXXX")
  local pc pe n; pc=$(free_port); pe=$(free_port); n=$(lines "$1")
  mq_conf central "$d" "$pc"; mq_conf edge "$d" "$pe" "$pc"
  mq_start central "$d" "$pc"; local c=$LAST
  mq_sub "$pc" "$d/got.txt"; local s=$LAST
  mq_subscribed "$d/central.log"
  local outage=0 sig=KILL
  [[ $2 == outage* ]] && outage=1
  [ "$2" = outage-clean ] && sig=TERM
  if [ $outage = 1 ]; then
    # Clean stops: the subscriber's session (subscription + queue) is saved by the central
    # broker, which then stays down: the uplink is down.
    mq_kill "$s"; mq_kill "$c"
  fi
  mq_start edge "$d" "$pe"; local e=$LAST
  # MQ_CRASH_PUBS publishers (default 4, as in the faster throughput row, so that the bridge,
  # not the publisher, is the bottleneck and the edge holds a backlog when it dies).
  split -n "l/${MQ_CRASH_PUBS:-4}" "$1" "$d/part."
  local f pubs=()
  for f in "$d"/part.*; do
    stdbuf -oL mosquitto_pub -d -h 127.0.0.1 -p "$pe" -q 1 -t "$MQ_TOPIC" -l <"$f" >"$f.log" 2>&1 &
    pubs+=("$!")
    PIDS+=("$!")
  done
  local p
  if [ "$2" = kill ]; then
    wait_lines "$d/got.txt" $((n / 3)) 120 || log "mosquitto crash: subscriber stuck at $(lines "$d/got.txt")"
    mq_kill "$e" KILL
    for p in "${pubs[@]}"; do mq_kill "$p" KILL; done
  else
    for p in "${pubs[@]}"; do wait "$p" || log "mosquitto outage: a publisher exited with $?"; mq_kill "$p"; done
    nap 1
    mq_kill "$e" "$sig"
  fi
  # Each publisher has one connection and the broker acknowledges in order: the punches it
  # holds acknowledged are the first `k` lines of its part.
  local acked=0 k
  for f in "$d"/part.??; do
    k=$(grep -c 'received PUBACK' "$f.log" || true)
    acked=$((acked + k))
    head -n "$k" "$f" >>"$d/acked.txt"
  done
  local before; before=$(lines "$d/got.txt")
  mq_start edge "$d" "$pe"; e=$LAST
  if [ $outage = 1 ]; then
    mq_start central "$d" "$pc"; c=$LAST
    mq_sub "$pc" "$d/got.txt"; s=$LAST
  fi
  # The bridge reconnects within restart_timeout (1–2 s); then until the subscriber is quiet.
  nap 3
  wait_quiet "$d/got.txt" 4 120 || log "mosquitto crash: subscriber never went quiet"
  mq_kill "$s"; mq_kill "$e"; mq_kill "$c"
  local got uniq lost
  got=$(lines "$d/got.txt"); uniq=$(sort -u "$d/got.txt" | wc -l)
  lost=$(sort "$d/acked.txt" | comm -23 - <(sort -u "$d/got.txt") | wc -l)
  log "mosquitto $2: $n offered, $acked acknowledged by the edge, $before at the subscriber" \
      "before the restart, $got after ($uniq distinct): lost $lost, duplicated $((got - uniq))"
  RESULT="$n $acked $got $uniq $lost $((got - uniq))"
  rm -rf "$d"
}

# Per-punch latency under a steady paced load, for tests/bench/run.sh (sourced after
# run_mesh_bench.sh and bench_mosquitto.sh, whose helpers it uses). A backlog says how fast a
# queue drains; this says how long one punch takes when the mesh keeps up.
#
# titip: gateway → relay → aggregator as in the end-to-end part (plaintext, default [link],
# fsync at every hop). The gateway runs; every 100 ms the punches due by then (RATE a second)
# are imported into its store with `titipctl import`, so each punch's received_at_ms is its
# intake commit at the origin. After SECS s and the drain, the aggregator's stored_at_ms (its
# own commit) minus received_at_ms is the delay of every punch over the 2 hops.
# Mosquitto: the same edge ─bridge→ central pair as bench_mosquitto.sh; one `mosquitto_pub -l
# -q 1` fed RATE lines a second, each line stamped with the time it was written to the
# publisher's pipe; the subscriber prints its own receive time (`-F '%U %p'`). Both clocks
# are this machine's wall clock.

# lat_stats FILE (one delay in ms a line) → "n p50 p99 max"
lat_stats() {
  sort -g "$1" | awk '{ v[NR] = $1 }
    END { if (NR == 0) { print "0 0 0 0"; exit }
          i50 = int(NR * 0.50 + 0.5); i99 = int(NR * 0.99 + 0.5)
          if (i50 < 1) i50 = 1; if (i99 < 1) i99 = 1
          printf "%d %.0f %.0f %.0f\n", NR, v[i50], v[i99], v[NR] }'
}

# titip_latency ATTLOG RATE SECS → RESULT="n p50_ms p99_ms max_ms offered_per_s"
titip_latency() {
  local d=$WORK/lat ap rp total=$(($2 * $3))
  mkdir -p "$d"
  ap=$(free_port); rp=$(free_port)
  node_toml bkpsdm "$d/agg" "$ap" >"$d/agg.toml"
  node_toml diskominfo "$d/relay" "$rp" bkpsdm "$ap" >"$d/relay.toml"
  { node_toml kec-sekernan "$d/gw" "" diskominfo "$rp"; terminal_toml LAT0000000001; } >"$d/gw.toml"
  start lat-agg titip-aggregator "$d/agg.toml"; local a=$LAST
  start lat-relay titip-relay "$d/relay.toml"; local rl=$LAST
  wait_file "$d/agg/runtime.json"; wait_up "$d/relay"
  start lat-gw titip-gateway "$d/gw.toml"; local g=$LAST
  wait_up "$d/gw"
  local sent=0 due t0 tn
  t0=$(now)
  while [ "$sent" -lt "$total" ]; do
    tn=$(now)
    due=$(awk -v a="$tn" -v b="$t0" -v r="$2" -v m="$total" 'BEGIN { d = int((a - b) * r); print (d > m ? m : d) }')
    if [ "$due" -gt "$sent" ]; then
      sed -n "$((sent + 1)),${due}p" "$1" >"$d/chunk.dat"
      "$CTL" --config "$d/gw.toml" --json import "$d/chunk.dat" --terminal LAT0000000001 >/dev/null
      sent=$due
    fi
    sleep 0.1
  done
  local offered; offered=$(div "$total" "$(sub "$(now)" "$t0")")
  for _ in $(seq 1200); do [ "$(queue_of "$d/gw")" = "0 0" ] && break; sleep 0.1; done
  stop "$g" "$rl" "$a"
  "$CTL" --state-dir "$d/agg" --json punches | jq -r '.stored_at_ms - .received_at_ms' >"$d/ms.txt"
  RESULT="$(lat_stats "$d/ms.txt") $offered"
  log "titip latency: $RESULT (n p50 p99 max ms, offered punches/s)"
  rm -rf "$d"
}

# mq_latency PAYLOADS RATE SECS → RESULT="n p50_ms p99_ms max_ms offered_per_s"
mq_latency() {
  local d; d=$(mktemp -d "$WORK/mql.XXXXXX")
  local pc pe total=$(($2 * $3)); pc=$(free_port); pe=$(free_port)
  mq_conf central "$d" "$pc"; mq_conf edge "$d" "$pe" "$pc"
  mq_start central "$d" "$pc"; local c=$LAST
  stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$pc" -q 1 -c -i bench-sub -t 'absen/#' -F '%U %p' >"$d/got.txt" 2>/dev/null &
  local s=$!
  PIDS+=("$s")
  mq_subscribed "$d/central.log"
  mq_start edge "$d" "$pe"; local e=$LAST
  for _ in $(seq 100); do grep -q 'as edge-bridge' "$d/central.log" && break; sleep 0.05; done
  local lines_arr; mapfile -t -n "$total" lines_arr <"$1"
  local t0; t0=$(now)
  {
    local sent=0 due i
    while [ "$sent" -lt "$total" ]; do
      due=$(awk -v a="$EPOCHREALTIME" -v b="$t0" -v r="$2" -v m="$total" 'BEGIN { d = int((a - b) * r); print (d > m ? m : d) }')
      for ((i = sent; i < due; i++)); do printf '%s %s\n' "$EPOCHREALTIME" "${lines_arr[i]}"; done
      sent=$due
      sleep 0.1
    done
  } | mosquitto_pub -h 127.0.0.1 -p "$pe" -q 1 -t "$MQ_TOPIC" -l
  local offered; offered=$(div "$total" "$(sub "$(now)" "$t0")")
  wait_lines "$d/got.txt" "$total" 60 || log "mosquitto latency: only $(lines "$d/got.txt") of $total arrived"
  mq_kill "$s"; mq_kill "$e"; mq_kill "$c"
  awk '{ printf "%.3f\n", ($1 - $2) * 1000 }' "$d/got.txt" >"$d/ms.txt"
  RESULT="$(lat_stats "$d/ms.txt") $offered"
  log "mosquitto latency: $RESULT (n p50 p99 max ms, offered punches/s)"
  rm -rf "$d"
}

# titip side of the crash benchmark for tests/bench/run.sh (sourced after run_mesh_bench.sh and
# bench_mosquitto.sh: uses node_toml, terminal_toml, import, start, queue_of, counter, wait_up,
# wait_file, free_port, mq_kill, $CTL). Same shape as the Mosquitto runs:
#  kill   : gateway → relay → aggregator, N punches imported into the gateway; kill -9 of the
#           relay (the middle hop) once it holds a third of them (gateway's queued ≤ 2N/3),
#           relay restarted on the same store;
#  outage : aggregator not running; relay and gateway up 3 s (the relay has no route, so the
#           gateway keeps everything); kill -9 of the relay and of the gateway (the edge loses
#           power); both restarted, then the aggregator comes up.
# Done when the gateway has every end-to-end receipt (queue 0/0) or after 180 s. Sets RESULT to
# "n stored distinct lost dup absorbed secs": stored rows at the aggregator, distinct natural
# keys (terminal, pin, time, verify), lost = n − distinct, dup = stored − distinct, absorbed =
# the aggregator's punches_duplicate counter (re-offers it recognised and did not store).

# wait_queue DIR PRED MAX_S: polls `titipctl queue` of DIR until PRED "queued undelivered" holds.
wait_queue() {
  local t0 qu; t0=$(now)
  while :; do
    qu=$(queue_of "$1")
    if "$2" $qu; then return 0; fi
    [ "$(sub "$(now)" "$t0" | cut -d. -f1)" -ge "$3" ] && { log "queue of $1 stuck at $qu"; return 1; }
    sleep 0.1
  done
}
q_third() { [ "$1" != x ] && [ "$1" -le $((CRASH_N * 2 / 3)) ]; }
q_empty() { [ "$1" = 0 ]; }
q_done() { [ "$1" = 0 ] && [ "$2" = 0 ]; }

titip_crash() {
  local att=$1 mode=$2 d ap rp
  d=$(mktemp -d "$WORK/tc.XXXXXX")
  ap=$(free_port); rp=$(free_port)
  node_toml bkpsdm "$d/agg" "$ap" >"$d/agg.toml"
  node_toml diskominfo "$d/relay" "$rp" bkpsdm "$ap" >"$d/relay.toml"
  { node_toml kec-sekernan "$d/gw" "" diskominfo "$rp"; terminal_toml CRASH00000001; } >"$d/gw.toml"
  CRASH_N=$(import "$d/gw.toml" "$att" CRASH00000001)
  local a="" r g t0
  if [ "$mode" = kill ]; then
    start crash-agg titip-aggregator "$d/agg.toml"; a=$LAST
    wait_file "$d/agg/runtime.json"
  fi
  start crash-relay titip-relay "$d/relay.toml"; r=$LAST
  wait_file "$d/relay/runtime.json"
  [ "$mode" = kill ] && wait_up "$d/relay"
  t0=$(now)
  start crash-gw titip-gateway "$d/gw.toml"; g=$LAST
  if [ "$mode" = kill ]; then
    wait_queue "$d/gw" q_third 120 || true
    mq_kill "$r" KILL
    log "titip kill: relay killed -9 with gateway queue $(queue_of "$d/gw")," \
        "aggregator accepted ~$(counter "$d/agg" punches_accepted)"
    start crash-relay2 titip-relay "$d/relay.toml"; r=$LAST
  else
    # With no route to the aggregator the relay advertises no cost, so the gateway keeps
    # custody (its link is up but not active): the office box is the one queueing.
    wait_up "$d/gw" || true
    nap 3
    CRASH_HELD="gateway queue $(queue_of "$d/gw") (queued, undelivered)"
    mq_kill "$r" KILL; mq_kill "$g" KILL
    log "titip outage: relay and gateway killed -9; before the kill: $CRASH_HELD;" \
        "relay queue $(queue_of "$d/relay")"
    start crash-relay2 titip-relay "$d/relay.toml"; r=$LAST
    start crash-gw2 titip-gateway "$d/gw.toml"; g=$LAST
    start crash-agg titip-aggregator "$d/agg.toml"; a=$LAST
  fi
  wait_queue "$d/gw" q_done 180 || true
  local secs; secs=$(sub "$(now)" "$t0")
  sleep 1.1  # one more runtime.json from the aggregator
  local absorbed; absorbed=$(counter "$d/agg" punches_duplicate)
  stop "$g" "$r" "$a"
  local stored distinct
  "$CTL" --state-dir "$d/agg" --json punches >"$d/stored.jsonl"
  stored=$(wc -l <"$d/stored.jsonl")
  distinct=$(jq -r '[.terminal, .pin, .time, .verify] | @tsv' "$d/stored.jsonl" | sort -u | wc -l)
  log "titip $mode: $CRASH_N punches, aggregator stored $stored ($distinct distinct)," \
      "absorbed $absorbed re-offers; done after $secs s"
  RESULT="$CRASH_N $stored $distinct $((CRASH_N - distinct)) $((stored - distinct)) $absorbed $secs"
  rm -rf "$d"
}

# NATS baseline for tests/bench/run.sh (part `nats`; sourced after run_mesh_bench.sh, whose
# helpers it uses: free_port, log, now, sub, div, median, nap, join_list, e2e, PIDS, $WORK, and
# after bench_mosquitto.sh: lines, mq_kill, mq_wire).
#
# Topology, all on loopback: publisher(s) → leaf node "leaf" (the office box: JetStream domain
# `edge`, stream PUNCHES on absen.>, file storage) ─leaf node connection→ hub "hub" (Sengeti:
# JetStream domain `hub`, stream HUB with no subjects of its own, sourcing PUNCHES through
# $JS.edge.API) → durable pull consumer "bench" on HUB (explicit ack per message).
# Server settings (nats-server 2.9.10, Debian 12): everything default except what the configs
# below write. JetStream file store: each message is write()n to the block file before the
# publish is acknowledged (flush in place), and fsync'ed by a timer every 60 s
# (defaultSyncInterval in server/filestore.go of 2.9.10; `sync_interval`/`always` only exist
# from 2.10 — 2.9.10 rejects the key: 'unknown field "sync_interval"'). Streams: R1, limits
# retention, no limits, duplicate window 2 min (default, unused: no Nats-Msg-Id is sent).
# Leaf remote reconnect: default 1 s. Payload: one attlog line a message, as for Mosquitto.
# Client: npm `nats` 2.29.3 (tests/bench/nats/package-lock.json, installed with `npm ci`).

NATS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/nats
NATS_JS=$NATS_DIR/bench_nats.js
NATS_WINDOW=${NATS_WINDOW:-256}  # js.publish calls in flight per publisher
NATS_PUBS=${NATS_PUBS:-4}        # publishers in the parallel row and the crash cases

# nats_conf NAME DIR PORT LEAF_PORT: hub (NAME = hub) listens for leaf nodes on LEAF_PORT, the
# leaf (any other NAME) connects to it.
nats_conf() {
  mkdir -p "$2/$1"
  {
    echo "listen: 127.0.0.1:$3"
    echo "server_name: $1"
    if [ "$1" = hub ]; then
      echo "jetstream { store_dir: \"$2/$1\", domain: hub }"
      echo "leafnodes { listen: 127.0.0.1:$4 }"
    else
      echo "jetstream { store_dir: \"$2/$1\", domain: edge }"
      echo "leafnodes { remotes: [ { url: \"nats-leaf://127.0.0.1:$4\" } ] }"
    fi
  } >"$2/$1.conf"
}
# nats_start NAME DIR PORT: starts the server of DIR/NAME.conf, waits for its client port;
# sets LAST.
nats_start() {
  nats-server -c "$2/$1.conf" >>"$2/$1.log" 2>&1 &
  LAST=$!
  PIDS+=("$LAST")
  for _ in $(seq 200); do
    [ -n "$(ss -Hltn "( sport = :$3 )")" ] && return 0
    sleep 0.05
  done
  log "nats-server $1 did not listen on $3"
  return 1
}
# nats_linked LEAF_LOG: until the leaf logged its leaf node connection to the hub (count ≥ N).
nats_linked() {
  for _ in $(seq 200); do
    [ "$(grep -c 'Leafnode connection created' "$1" 2>/dev/null)" -ge "${2:-1}" ] && return 0
    sleep 0.05
  done
  log "nats: the leaf did not connect to the hub"; return 1
}
wire_delta() {  # wire_delta "a b c" "x y z" → "x-a y-b z-c"
  local a b c x y z
  read -r a b c <<<"$1"; read -r x y z <<<"$2"
  echo "$((x - a)) $((y - b)) $((z - c))"
}
wire_sum() {  # wire_sum "a b c" "x y z" → "a+x b+y c+z"
  local a b c x y z
  read -r a b c <<<"$1"; read -r x y z <<<"$2"
  echo "$((a + x)) $((b + y)) $((c + z))"
}
wait_done() {  # wait_done FILE TIMEOUT_S
  local i
  for i in $(seq $((${2} * 20))); do [ -s "$1" ] && return 0; sleep 0.05; done
  return 1
}
# nats_ready: nats-server and node present, the pinned client installed (npm ci) → 0.
nats_ready() {
  command -v nats-server >/dev/null || { NATS_SKIP="nats-server is not installed"; return 1; }
  command -v node >/dev/null && command -v npm >/dev/null || { NATS_SKIP="node/npm missing"; return 1; }
  if [ ! -d "$NATS_DIR/node_modules/nats" ]; then
    (cd "$NATS_DIR" && npm ci --no-audit --no-fund >"$WORK/npm-ci.log" 2>&1) ||
      { NATS_SKIP="npm ci in tests/bench/nats failed (see its log)"; return 1; }
  fi
}
# nats_pair DIR → starts hub and leaf in DIR, creates the streams; sets NH NL (pids), PH PL PE.
nats_pair() {
  PH=$(free_port); PL=$(free_port); PE=$(free_port)
  nats_conf hub "$1" "$PH" "$PL"; nats_conf leaf "$1" "$PE" "$PL"
  nats_start hub "$1" "$PH"; NH=$LAST
  nats_start leaf "$1" "$PE"; NL=$LAST
  nats_linked "$1/leaf.log"
  node "$NATS_JS" setup --leaf "nats://127.0.0.1:$PE" --hub "nats://127.0.0.1:$PH"
}

# nats_throughput PAYLOADS NPUB → RESULT="rate_stream rate_consumer pub_s stream_s cons_s p50_ms
# p99_ms got wire", wire = leaf↔hub "up down segs", hub→consumer "down up segs", publishers→leaf
# "up down segs". Clock from the first js.publish (node start-up excluded) until the HUB
# stream holds every punch / the consumer has received every punch. Stalled (not all after
# NATS_TIMEOUT s, 60): rates 0.
nats_throughput() {
  local d; d=$(mktemp -d "$WORK/nats.XXXXXX")
  local n; n=$(lines "$1")
  nats_pair "$d"
  node "$NATS_JS" sub --url "nats://127.0.0.1:$PH" --expect "$n" --out "$d/sub" \
    --timeout "${NATS_TIMEOUT:-60}" --linger &
  local s=$! w0 s0
  PIDS+=("$s")
  for _ in $(seq 200); do s0=$(mq_wire "$PH" "$s"); [ "${s0%% *}" -gt 0 ] && break; sleep 0.05; done
  nap 0.5  # its pull request is out
  w0=$(mq_wire "$PL" "$NL"); s0=$(mq_wire "$PH" "$s")
  split -n "l/$2" "$1" "$d/part."
  local f pubs=() p
  for f in "$d"/part.??; do
    node "$NATS_JS" pub --url "nats://127.0.0.1:$PE" --file "$f" --window "$NATS_WINDOW" \
      --out "$f" --linger &
    pubs+=("$!"); PIDS+=("$!")
  done
  for f in "$d"/part.??; do wait_done "$f.done" "${NATS_TIMEOUT:-60}" || log "nats: publisher $f not done"; done
  wait_done "$d/sub.done" "${NATS_TIMEOUT:-60}" || log "nats: the consumer is not done"
  local pw="0 0 0" w1 s1 x
  for p in "${pubs[@]}"; do x=$(mq_wire "$PE" "$p"); pw=$(wire_sum "$pw" "$x"); done
  w1=$(mq_wire "$PL" "$NL"); s1=$(mq_wire "$PH" "$s")
  for p in "${pubs[@]}"; do mq_kill "$p"; done
  mq_kill "$s"; mq_kill "$NL"; mq_kill "$NH"
  local acked=0 got=0 st
  for f in "$d"/part.??; do acked=$((acked + $(cut -d' ' -f1 "$f.done" 2>/dev/null || echo 0))); done
  got=$(cut -d' ' -f1 "$d/sub.done" 2>/dev/null || echo 0)
  st=$(node "$NATS_JS" stats --expect "$n" --sub "$d/sub" "$d"/part.??)
  local t0 ts tc tp p50 p99 uniq rs=0 rc=0
  read -r t0 ts tc tp p50 p99 uniq <<<"$st"
  [ "$acked" = "$n" ] || log "nats: publishers got $acked of $n acks ($(cat "$d"/part.??.done | cut -d' ' -f3- | sort -u | head -1))"
  if [ "$got" -ge "$n" ] && [ "$uniq" = "$n" ]; then
    rs=$(div "$n" "$ts"); rc=$(div "$n" "$tc")
  else
    log "nats: the consumer received $got ($uniq distinct) of $n"
  fi
  local ws; ws=$(wire_delta "$s0" "$s1"); read -r x p f <<<"$ws"
  RESULT="$rs $rc $tp $ts $tc $p50 $p99 $got $(wire_delta "$w0" "$w1") $p $x $f $pw"
  rm -rf "$d"
}

# nats_crash PAYLOADS MODE → RESULT="sent acked received distinct lost dup", MODE as mq_crash:
#  kill    : kill -9 of the leaf once the hub's consumer has received a third of the punches;
#            leaf restarted on its store;
#  outage  : hub down (stopped cleanly after the streams were made); every punch published to
#            and acknowledged by the leaf; kill -9 of the leaf; leaf restarted; hub back;
#  outage-clean : the same with SIGTERM instead of kill -9 (control).
# The publishers do not reconnect: they stop when the leaf dies. "received" is the HUB
# stream's content once its count has not changed for 4 s; lost = punches the leaf
# acknowledged that the HUB stream does not hold; dup = extra copies in the HUB stream.
nats_crash() {
  local d; d=$(mktemp -d "$WORK/natsc.XXXXXX")
  local n; n=$(lines "$1")
  nats_pair "$d"
  local outage=0 sig=KILL
  [[ $2 == outage* ]] && outage=1
  [ "$2" = outage-clean ] && sig=TERM
  [ $outage = 1 ] && mq_kill "$NH"
  split -n "l/$NATS_PUBS" "$1" "$d/part."
  local f pubs=() p
  for f in "$d"/part.??; do
    node "$NATS_JS" pub --url "nats://127.0.0.1:$PE" --file "$f" --window "$NATS_WINDOW" \
      --out "$f" >"$f.log" 2>&1 &
    pubs+=("$!"); PIDS+=("$!")
  done
  if [ "$2" = kill ]; then
    node "$NATS_JS" sub --url "nats://127.0.0.1:$PH" --expect $((n / 3)) --out "$d/sub" \
      --timeout 120 || log "nats crash: the consumer failed"
    mq_kill "$NL" KILL
    # They see the connection close, fail what is in flight, write what was acknowledged.
    for p in "${pubs[@]}"; do wait "$p" 2>/dev/null || true; done
  else
    for p in "${pubs[@]}"; do wait "$p" || log "nats outage: a publisher exited with $?"; done
    nap 1
    mq_kill "$NL" "$sig"
  fi
  for p in "${pubs[@]}"; do mq_kill "$p"; done
  local acked=0
  for f in "$d"/part.??; do
    acked=$((acked + $(cut -d' ' -f1 "$f.done" 2>/dev/null || echo 0)))
    cut -f3- "$f.times" >>"$d/acked.txt" 2>/dev/null || true
  done
  touch "$d/acked.txt"
  nats_start leaf "$d" "$PE"; NL=$LAST
  if [ $outage = 1 ]; then nats_start hub "$d" "$PH"; NH=$LAST; fi
  nats_linked "$d/leaf.log" 2
  nap 3
  local c
  c=$(node "$NATS_JS" quiet --url "nats://127.0.0.1:$PH" --stream HUB --quiet-s 4 --max-s 180)
  node "$NATS_JS" dump --url "nats://127.0.0.1:$PH" --stream HUB >"$d/got.txt"
  mq_kill "$NL"; mq_kill "$NH"
  local got uniq lost
  got=$(lines "$d/got.txt"); uniq=$(sort -u "$d/got.txt" | wc -l)
  lost=$(sort "$d/acked.txt" | comm -23 - <(sort -u "$d/got.txt") | wc -l)
  log "nats $2: $n offered, $acked acknowledged by the leaf, HUB holds $c ($got read, $uniq" \
      "distinct): lost $lost, duplicated $((got - uniq))"
  RESULT="$n $acked $got $uniq $lost $((got - uniq))"
  rm -rf "$d"
}

# ---------------------------------------------------------------------------------------------
# part_nats: RUNS rounds of (titip e2e, NATS 1 publisher, NATS NATS_PUBS publishers), then the
# crash cases (CRASH_RUNS each) and the bytes per hop of the 1-publisher runs; appends its
# tables to $OUT. Uses run.sh's $PAYLOAD, $N, $RUNS, $CRASH_RUNS, LOADS.
part_nats() {
  if ! nats_ready; then
    log "NATS baseline skipped: $NATS_SKIP"
    printf '#### NATS\n\nSkipped: %s (deploy/install-deps.sh installs nats-server).\n\n' "$NATS_SKIP" >>"$OUT"
    return 0
  fi
  local ver r saved=$RUNS tt=() res1=() res4=() x
  ver=$(nats-server --version | sed 's/^nats-server: v//')
  for r in $(seq "$saved"); do
    RUNS=1
    e2e >>"$WORK/e2e-nats-tables.md"
    RUNS=$saved
    tt+=("${E2E_RATES[0]}")
    nats_throughput "$PAYLOAD" 1; res1+=("$RESULT")
    nats_throughput "$PAYLOAD" "$NATS_PUBS"; res4+=("$RESULT")
    LOADS+=("$(cut -d' ' -f1 /proc/loadavg)")
    log "nats round $r: titip ${tt[-1]}/s; nats 1 publisher: ${res1[-1]}; $NATS_PUBS: ${res4[-1]}"
  done
  local mt; mt=$(median "${tt[@]}")
  # nats_row LABEL FIELD RESULTS... → a table row from field FIELD (1 = stream, 2 = consumer)
  nats_row() {
    local label=$1 f=$2 v=() p50=() p99=() res m; shift 2
    for res in "$@"; do
      read -r -a x <<<"$res"
      v+=("${x[$((f - 1))]}"); p50+=("${x[5]}"); p99+=("${x[6]}")
    done
    m=$(median_ok "${v[@]}")
    echo "| $label | $m | $(join_list "${v[@]}") | $(div "$mt" "$m" 1)× | $(median "${p50[@]}") / $(median "${p99[@]}") |"
  }
  local secs1=() secs4=() res
  for res in "${res1[@]}"; do read -r -a x <<<"$res"; secs1+=("${x[2]}/${x[3]}/${x[4]}"); done
  for res in "${res4[@]}"; do read -r -a x <<<"$res"; secs4+=("${x[2]}/${x[3]}/${x[4]}"); done
  {
    echo "#### NATS: leaf node with JetStream, its stream sourced by a stream on the hub ($N punches, $saved rounds, each round titip then NATS)"
    echo
    echo "nats-server $ver (Debian), client npm \`nats\` 2.29.3 (node $(node --version)). Leaf (the" \
         "office box, JetStream domain \`edge\`): stream PUNCHES on \`absen.>\`, file storage." \
         "Hub (Sengeti, domain \`hub\`): stream HUB, file storage, \`sources: PUNCHES\` through" \
         "\`\$JS.edge.API\` over the leaf node connection; a durable pull consumer on HUB with" \
         "explicit acks. Every JetStream publish is written to the block file before its ack," \
         "but **fsync'ed only every 60 s** (2.9.10's fixed sync interval; \`sync_interval: always\`" \
         "exists only from 2.10, 2.9.10 refuses the key). Publishers: \`js.publish\` with at most" \
         "$NATS_WINDOW unacknowledged each; the clock starts at the first publish."
    echo
    echo "| what | punches/s (median) | runs (punches/s) | titip ÷ this | latency publish → hub consumer, ms p50 / p99 (medians) |"
    echo "|---|---:|---|---:|---|"
    echo "| titip gateway → relay → aggregator, fsync at every hop, until every receipt is back | $mt | $(join_list "${tt[@]}") | 1× | |"
    nats_row "NATS, 1 publisher, until the hub's stream holds every punch" 1 "${res1[@]}"
    nats_row "NATS, 1 publisher, until the hub's durable consumer has received every punch" 2 "${res1[@]}"
    nats_row "NATS, $NATS_PUBS publishers in parallel, until the hub's stream holds every punch" 1 "${res4[@]}"
    nats_row "NATS, $NATS_PUBS publishers, until the hub's consumer has received every punch" 2 "${res4[@]}"
    echo
    echo "A rate of 0: not every punch arrived within ${NATS_TIMEOUT:-60} s (left out of the" \
         "median). Seconds from the first publish until the last ack / the hub's stream held all" \
         "/ the consumer had all, per run: 1 publisher $(join_list "${secs1[@]}");" \
         "$NATS_PUBS publishers $(join_list "${secs4[@]}")."
    echo
  } >>"$OUT"

  local rows=() c
  for r in $(seq "$CRASH_RUNS"); do
    for c in kill outage; do
      nats_crash "$PAYLOAD" "$c"; read -r -a x <<<"$RESULT"
      if [ "$c" = kill ]; then
        rows+=("| NATS | kill -9 of the leaf node mid-transfer (the hub's consumer had a third), restarted | ${x[0]} | ${x[1]} acknowledged by the leaf | ${x[2]} (${x[3]} distinct) in the hub's stream | **${x[4]}** | ${x[5]} |")
      else
        rows+=("| NATS | hub down; the leaf queues all, killed -9, restarted; hub back | ${x[0]} | ${x[1]} acknowledged by the leaf | ${x[2]} (${x[3]} distinct) in the hub's stream | **${x[4]}** | ${x[5]} |")
      fi
    done
    LOADS+=("$(cut -d' ' -f1 /proc/loadavg)")
  done
  {
    echo "#### NATS: loss under a crash ($CRASH_RUNS run(s) each; titip's rows are in the crash table of this run)"
    echo
    echo "| system | case | punches offered | held by the first hop before the crash | received at the sink | lost | duplicated at the sink |"
    echo "|---|---|---:|---|---|---:|---:|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "$NATS_PUBS publishers; they do not reconnect, so they stop when the leaf dies. A kill -9" \
         "loses nothing the leaf acknowledged because the data is already in the kernel's page" \
         "cache; a power cut could lose up to the last 60 s (no fsync before that)."
    echo
  } >>"$OUT"

  rows=()
  local i=1 g lu ld lsg sd su ssg pu pd psg
  for res in "${res1[@]}"; do
    read -r -a x <<<"$res"
    g=${x[7]}; lu=${x[8]}; ld=${x[9]}; lsg=${x[10]}; sd=${x[11]}; su=${x[12]}; ssg=${x[13]}
    pu=${x[14]}; pd=${x[15]}; psg=${x[16]}
    [ "$g" -gt 0 ] || continue
    rows+=("| NATS run $i ($g punches), publisher → leaf (\`js.publish\` + its ack) | $(div $((pu + pd)) "$g" 2) | $(div "$pu" "$g" 2) / $(div "$pd" "$g" 2) | $(div $((pu + pd + 52 * psg)) "$g" 2) |")
    rows+=("| NATS run $i, leaf → hub (leaf node connection: the source's deliveries, flow control) | $(div $((lu + ld)) "$g" 2) | $(div "$lu" "$g" 2) / $(div "$ld" "$g" 2) | $(div $((lu + ld + 52 * lsg)) "$g" 2) |")
    rows+=("| NATS run $i, hub → durable consumer (pull requests, deliveries, acks) | $(div $((sd + su)) "$g" 2) | $(div "$sd" "$g" 2) / $(div "$su" "$g" 2) | $(div $((sd + su + 52 * ssg)) "$g" 2) |")
    i=$((i + 1))
  done
  {
    echo "#### NATS: bytes on the wire per punch per hop (1-publisher runs; TCP payload from \`ss -tin\`)"
    echo
    echo "| hop | bytes/punch | forward / back | with IPv4+TCP headers (52 B a segment, loopback MSS) |"
    echo "|---|---:|---|---:|"
    printf '%s\n' "${rows[@]}"
    echo
  } >>"$OUT"
}

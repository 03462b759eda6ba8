# Configs, start, stop and liveness of the chaos run's daemons. Sourced by run.sh; uses $W (work
# dir), $BIN, ADDR_OF, and keeps PID_OF / KILLED_BY_US per node.

declare -A PID_OF=() ROLE_OF=() KILLED_BY_US=()
CRASHES=0

# Short timings so a two-minute run sees failover, retries and resends (a gateway re-offers
# what has no receipt after resend_after_s).
link_section() {
  cat <<TOML
[link]
heartbeat_ms = 500
ack_timeout_ms = 1000
backoff_max_ms = 4000
bundle_max_punches = 500
resend_after_s = ${1:-20}
TOML
}

# A listening node (aggregator, or relay with one upstream): same [node] and [link] shape.
write_listener() {  # role id [upstream]
  ROLE_OF[$2]=$1
  {
    printf '[node]\nid = "%s"\nunit = "%s"\nstate_dir = "%s"\nlisten = "tcp://%s:7450"\n' \
      "$2" "$2" "$W/state/$2" "${ADDR_OF[$2]}"
    [ -n "${3:-}" ] &&
      printf '[[upstream]]\nid = "%s"\nendpoint = "tcp://%s:7450"\n' "$3" "${ADDR_OF[$3]}"
    link_section
  } >"$W/$2.toml"
}

write_gateway() {  # id serial map_cap_mb upstream...
  local id=$1 serial=$2 cap=$3 prio=1 u
  shift 3
  ROLE_OF[$id]=gateway
  {
    printf '[node]\nid = "%s"\nunit = "%s"\nstate_dir = "%s"\n' "$id" "$id" "$W/state/$id"
    for u in "$@"; do
      printf '[[upstream]]\nid = "%s"\nendpoint = "tcp://%s:7450"\npriority = %d\n' \
        "$u" "${ADDR_OF[$u]}" "$prio"
      prio=$((prio + 1))
    done
    printf '[[terminal]]\nserial = "%s"\nkind = "usb"\n' "$serial"
    printf '[store]\nmap_cap_mb = %d\ninitial_map_mb = 1\n' "$cap"
    link_section 15
  } >"$W/$id.toml"
}

start_node() {
  local n=$1
  ns_prefix "$n"
  "${NSX[@]}" "$BIN/titip-${ROLE_OF[$n]}" --config "$W/$n.toml" >>"$W/log/$n.log" 2>&1 &
  PID_OF[$n]=$!
  KILLED_BY_US[$n]=0
}

kill9_node() {
  KILLED_BY_US[$1]=1
  kill -9 "${PID_OF[$1]}" 2>/dev/null || true
  wait "${PID_OF[$1]}" 2>/dev/null || true
}

alive() { kill -0 "${PID_OF[$1]}" 2>/dev/null; }

# A daemon that died without our kill -9 crashed: count it, keep its log tail, restart it.
check_crashes() {
  local n
  for n in "${!PID_OF[@]}"; do
    [ "${KILLED_BY_US[$n]}" = 1 ] && continue
    if ! alive "$n"; then
      wait "${PID_OF[$n]}" 2>/dev/null && rc=0 || rc=$?
      CRASHES=$((CRASHES + 1))
      echo "chaos: $n (pid ${PID_OF[$n]}) died on its own, exit $rc; last log lines:" >&2
      tail -5 "$W/log/$n.log" >&2
      start_node "$n"
    fi
  done
}

stop_all() {
  local n
  for n in "${!PID_OF[@]}"; do kill -CONT "${PID_OF[$n]}" 2>/dev/null || true; done
  for n in "${!PID_OF[@]}"; do kill -TERM "${PID_OF[$n]}" 2>/dev/null || true; done
  for n in "${!PID_OF[@]}"; do wait "${PID_OF[$n]}" 2>/dev/null || true; done
}

ctl() { "$BIN/titipctl" --config "$W/$1.toml" "${@:2}"; }

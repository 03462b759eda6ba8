# Live terminals beside the USB imports: a ZK terminal that gw2 pulls over the binary protocol
# and an ADMS push terminal that uploads to gw3, each a titip-termsim in its gateway's
# namespace (the terminal-to-gateway LAN is never cut; the faults hit the gateway's uplink and
# the gateway process itself). Their whole workload goes into $W/expected.keys up front: the
# ZK terminal's from its --dump, the ADMS terminal's from the same generator written as an
# attlog file. Sourced by run.sh.

declare -A TERM_PID=() TERM_HOST_OF=()
# Overridable by a caller (deploy/demo.sh): the workloads' first day, and each gateway's
# terminal-LAN address (127.0.0.1 inside its own namespace; a distinct 127.x without them).
TERM_START=${TERM_START:-2026-03-02}
term_host() { echo "${TERM_HOST_OF[$1]:-127.0.0.1}"; }

# Appends the terminal tables to a gateway's config (TOML allows them after [link]).
add_zk_terminal() {  # gateway serial
  printf '[[terminal]]\nserial = "%s"\nkind = "zk"\naddress = "%s:4370"\npoll_interval_s = 10\n' \
    "$2" "$(term_host "$1")" >>"$W/$1.toml"
}
add_adms_terminal() {  # gateway serial
  printf '[[terminal]]\nserial = "%s"\nkind = "adms"\n[adms]\nlisten = "%s:8081"\n' \
    "$2" "$(term_host "$1")" >>"$W/$1.toml"
}

# Natural keys "serial|pin|YYYY-MM-DDTHH:MM:SS|verify" from an attlog file or a zk dump.
keys_from_attlog() {  # serial file
  awk -F'\t' -v s="$1" '{gsub(/\r/, ""); gsub(/ /, "", $1); t = $2; sub(/ /, "T", t);
    print s "|" $1 "|" t "|" $5}' "$2"
}
keys_from_zk_dump() {  # serial file (PIN TAB time TAB verify TAB status)
  awk -F'\t' -v s="$1" '{t = $2; sub(/ /, "T", t); print s "|" $1 "|" t "|" $3}' "$2"
}

start_zk_terminal() {  # gateway serial users days seed [first-pin]
  ns_prefix "$1"
  "${NSX[@]}" "$BIN/titip-termsim" zk --listen "$(term_host "$1"):4370" --serial "$2" \
    --users "$3" --days "$4" --start "$TERM_START" --seed "$5" --first-pin "${6:-7001}" \
    --frame-gap-ms 0 --dump "$W/feed/$2.dump" >>"$W/log/term-$2.log" 2>&1 &
  TERM_PID[$2]=$!
  local i
  for ((i = 0; i < 50; i++)); do [ -s "$W/feed/$2.dump" ] && break; sleep 0.1; done
  keys_from_zk_dump "$2" "$W/feed/$2.dump" >"$W/feed/$2.keys"
  echo "${TAG:-chaos}: zk terminal $2 on $1 holds $(wc -l <"$W/feed/$2.keys") punches"
  [ -s "$W/feed/$2.keys" ] || { echo "${TAG:-chaos}: zk terminal $2 did not start" >&2; exit 1; }
  cat "$W/feed/$2.keys" >>"$W/expected.keys"
}

# Spreads the upload over ~70% of the run so faults land while it is going on.
start_adms_terminal() {  # gateway serial users days seed minutes [first-pin]
  local f="$W/feed/$2.expected.dat" n rate pin=${7:-8001}
  "$BIN/titip-termsim" attlog --out "$f" --users "$3" --days "$4" --start "$TERM_START" \
    --seed "$5" --first-pin "$pin" >/dev/null
  n=$(wc -l <"$f")
  rate=$(awk -v n="$n" -v m="$6" 'BEGIN { r = n / (m * 60 * 0.7); printf "%.2f", r < 1 ? 1 : r }')
  ns_prefix "$1"
  "${NSX[@]}" "$BIN/titip-termsim" adms --server "http://$(term_host "$1"):8081" \
    --serial "$2" --users "$3" --days "$4" --start "$TERM_START" --seed "$5" --first-pin "$pin" \
    --rate "$rate" --delay-ms 2000 --error-delay-ms 2000 >>"$W/log/term-$2.log" 2>&1 &
  TERM_PID[$2]=$!
  keys_from_attlog "$2" "$f" >>"$W/expected.keys"
  echo "${TAG:-chaos}: adms terminal $2 on $1 pushes $n punches at $rate/s"
}

stop_terminals() {
  local t
  for t in "${!TERM_PID[@]}"; do kill -TERM "${TERM_PID[$t]}" 2>/dev/null || true; done
  for t in "${!TERM_PID[@]}"; do wait "${TERM_PID[$t]}" 2>/dev/null || true; done
}

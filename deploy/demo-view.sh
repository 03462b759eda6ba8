# The live view and the recap of deploy/demo.sh (sourced by it; uses ctl, nodes, ROLE_OF, AGG,
# gws). On a terminal the table is redrawn in place every second and events are written above
# it; piped (ctest, logs) each refresh is one line.

VIEW_LINES=0 VIEW_T0=$SECONDS VIEW_PREV_IN="" VIEW_PREV_AGG="" VIEW_PREV_NS=0
TTY=0
[ -t 1 ] && TTY=1

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

view_clear() {
  [ "$TTY" = 1 ] && [ "$VIEW_LINES" -gt 0 ] && printf '\033[%dA\033[J' "$VIEW_LINES"
  VIEW_LINES=0
}

event() {
  view_clear
  printf '%4d s  \033[1m%s\033[0m\n' $((SECONDS - VIEW_T0)) "$*"
}

# Sleeps what is left of the second since the last refresh began.
view_sleep() {
  local ms=$((1000 - ($(date +%s%N) - VIEW_PREV_NS) / 1000000))
  [ "$ms" -gt 0 ] && sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
  return 0
}

view_begin() { VIEW_T0=$SECONDS VIEW_LINES=0 VIEW_PREV_IN="" VIEW_PREV_AGG=""; }
view_end() { VIEW_LINES=0; }

# One node's status as "stored queued undelivered link" (link: the active upstream and its
# state, "sink" at the aggregator, DOWN when the daemon is not running).
node_row() {
  ctl "$1" status --json 2>/dev/null | jq -r --arg role "${ROLE_OF[$1]}" '
    (.queue.upstreams // []) as $u
    | ([$u[] | select(.active == true)] + [$u[] | select(.state == "up")])[0] as $a
    | [.punches, .queue.queued, (if $role == "gateway" then .queue.undelivered else "-" end),
       (if .daemon_running | not then "DOWN"
        elif $role == "aggregator" then "sink"
        elif $a then "\($a.id) \($a.state)"
        else "no link" end)] | map(tostring) | join("\t")' || echo "?	?	?	?"
}

view_tick() {
  local n row now dt in=0 agg=0 rate_in="" rate_agg="" lines=()
  local stored queued undel link
  local vp=()
  now=$(date +%s%N)
  # In parallel: one titipctl per node, each ~0.1-0.5 s on a loaded machine.
  for n in "${nodes[@]}"; do
    node_row "$n" >"$W/view.$n" &
    vp+=($!)
  done
  wait "${vp[@]}"
  for n in "${nodes[@]}"; do
    row=$(cat "$W/view.$n")
    IFS=$'\t' read -r stored queued undel link <<<"$row"
    [[ "$stored" =~ ^[0-9]+$ ]] || stored=0
    if [ "${ROLE_OF[$n]}" = gateway ]; then in=$((in + stored)); fi
    [ "$n" = "$AGG" ] && agg=$stored
    lines+=("$(printf '  %-22s %-10s %7s %7s %11s  %s' "$n" "${ROLE_OF[$n]}" "$stored" "$queued" \
      "$undel" "$link")")
  done
  if [ -n "$VIEW_PREV_IN" ]; then
    dt=$(((now - VIEW_PREV_NS) / 1000000))
    [ "$dt" -gt 0 ] || dt=1
    rate_in=$(awk -v d=$((in - VIEW_PREV_IN)) -v t="$dt" 'BEGIN { printf "%.0f", d * 1000 / t }')
    rate_agg=$(awk -v d=$((agg - VIEW_PREV_AGG)) -v t="$dt" 'BEGIN { printf "%.0f", d * 1000 / t }')
  fi
  VIEW_PREV_IN=$in VIEW_PREV_AGG=$agg VIEW_PREV_NS=$now
  if [ "$TTY" = 0 ]; then
    local compact="" i=0
    for n in "${nodes[@]}"; do
      read -r _ _ stored queued undel _ <<<"${lines[$i]}"
      [ "$n" != "$AGG" ] && compact+=" $n $queued/$undel"
      i=$((i + 1))
    done
    printf '%4d s  in %s/s  at %s %d (+%s/s)  queued/undelivered:%s\n' $((SECONDS - VIEW_T0)) \
      "${rate_in:-0}" "$AGG" "$agg" "${rate_agg:-0}" "$compact"
    return
  fi
  view_clear
  printf '%4d s  terminals -> gateways: %s punches/s   delivered at the aggregator: %d (+%s/s)\n' \
    $((SECONDS - VIEW_T0)) "${rate_in:--}" "$agg" "${rate_agg:--}"
  printf '  %-22s %-10s %7s %7s %11s  %s\n' node role stored queued undelivered "link in use"
  printf '%s\n' "${lines[@]}"
  VIEW_LINES=$((${#lines[@]} + 2))
}

# The day's recap per unit: the example roster's people in full, then how many PINs punched
# that the roster does not know (termsim makes more people than the roster's three a unit).
show_recap() {  # day unit...
  local day=$1 u
  shift
  for u in "$@"; do
    echo "  $u:"
    ctl "$AGG" recap --date "$day" --unit "$u" --json | jq -rs '
      ([.[] | select(.flag == null)] | sort_by(.pin)) as $known
      | ([.[] | select(.flag != null)]) as $other
      | (["    pin", "name", "masuk", "pulang", "TL", "PSW", "status", "scans", "late upload"]
         | join("\t")),
        ($known[] | ["    \(.pin)", .name, .jam_masuk // "-", .jam_pulang // "-",
           .kode_tl // "-", .kode_psw // "-", .status, .jumlah_scan,
           (if .terlambat_kirim then "yes" else "no" end)] | map(tostring) | join("\t")),
        "    + \($other | length) PINs not in the example roster (flag \([$other[].flag]
           | unique | join(", "))), \([$other[] | .jumlah_scan] | add // 0) scans"' |
      awk -F'\t' 'NF == 1 { print "  " $0; next }
        { printf "    %-7s %-26s %-9s %-9s %-4s %-5s %-6s %-5s %s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }'
  done
}

# Faults drawn from bash's RANDOM (seeded by run.sh, so a seed gives the same sequence of
# choices), each with its repair scheduled; one fault per node at a time. Sourced by run.sh.

declare -A BUSY_UNTIL=()
declare -A PAUSED=()  # node -> 1 while SIGSTOPped (feed.sh does not import into it)
REPAIR_AT=() REPAIR_CMD=()
FAULTS=0

schedule_repair() { REPAIR_AT+=("$1"); REPAIR_CMD+=("$2"); }

# Runs every repair that is due (all of them with "all").
run_repairs() {
  local i keep_at=() keep_cmd=()
  for i in "${!REPAIR_AT[@]}"; do
    if [ "$1" = all ] || [ "${REPAIR_AT[$i]}" -le "$SECONDS" ]; then
      eval "${REPAIR_CMD[$i]}"
    else
      keep_at+=("${REPAIR_AT[$i]}")
      keep_cmd+=("${REPAIR_CMD[$i]}")
    fi
  done
  REPAIR_AT=("${keep_at[@]}")
  REPAIR_CMD=("${keep_cmd[@]}")
}

rnd() { echo $((RANDOM % ($2 - $1 + 1) + $1)); }  # inclusive range

# One fault on a random free node. Kinds: link down, throttle, kill -9 and restart, pause,
# relay state wiped (new epoch), and (the gateway's own) a store that hits its map cap, which
# run.sh sets up by giving gw0 a tiny map cap.
inject_fault() {
  local nodes=("$@") n kind d
  n=${nodes[$((RANDOM % ${#nodes[@]}))]}
  [ "${BUSY_UNTIL[$n]:-0}" -gt "$SECONDS" ] && return 0
  kind=$((RANDOM % 5))
  case $kind in
    0)
      d=$(rnd 3 20)
      link_set "$n" down
      schedule_repair $((SECONDS + d)) "link_set $n up"
      echo "fault: $n link down ${d}s" ;;
    1)
      d=$(rnd 10 30)
      throttle_on "$n" 256kbit
      schedule_repair $((SECONDS + d)) "throttle_off $n"
      echo "fault: $n throttled to 256 kbit/s ${d}s" ;;
    2)
      d=$(rnd 1 8)
      if [ "${ROLE_OF[$n]}" = relay ] && [ $((RANDOM % 3)) = 0 ]; then
        kill9_node "$n"
        rm -rf "${W:?}/state/$n"
        schedule_repair $((SECONDS + d)) "start_node $n"
        echo "fault: $n kill -9, state wiped (new epoch), back in ${d}s"
      else
        kill9_node "$n"
        schedule_repair $((SECONDS + d)) "start_node $n"
        echo "fault: $n kill -9, back in ${d}s"
      fi ;;
    3)
      d=$(rnd 2 10)
      kill -STOP "${PID_OF[$n]}"
      PAUSED[$n]=1
      schedule_repair $((SECONDS + d)) "kill -CONT ${PID_OF[$n]} 2>/dev/null || true; PAUSED[$n]=0"
      echo "fault: $n paused (SIGSTOP) ${d}s" ;;
    4)
      d=$(rnd 5 25)
      link_set "$n" down
      throttle_on "$n" 64kbit
      schedule_repair $((SECONDS + d)) "link_set $n up"
      schedule_repair $((SECONDS + d + 15)) "throttle_off $n"
      echo "fault: $n outage ${d}s, then 64 kbit/s for 15s" ;;
  esac
  BUSY_UNTIL[$n]=$((SECONDS + d + 16))
  FAULTS=$((FAULTS + 1))
}

# The terminals' side: each round every gateway gets one more office day as a USB attlog
# import (titip-termsim attlog, deterministic per seed, gateway and round). An import the
# store refuses (full) is retried next round, as an operator would. Every file that imported
# adds its natural keys (terminal|pin|time|verify) to $W/expected.keys. Sourced by run.sh.

PENDING=()  # "gateway|serial|file" not yet imported

# Weekday number r (0-based) from Monday 2026-01-05 as YYYY-MM-DD.
weekday() { date -u -d "2026-01-05 + $(($1 / 5 * 7 + $1 % 5)) days" +%F; }

feed_round() {  # round users gateways...
  local r=$1 users=$2 g gw f drift
  shift 2
  g=0
  for gw in "$@"; do
    f="$W/feed/$gw-$r.dat"
    # gw1's terminal clock jumps two hours ahead on every fourth day.
    drift=0
    [ "$gw" = gw1 ] && [ $((r % 4)) = 3 ] && drift=7200
    "$BIN/titip-termsim" attlog --out "$f" --users "$users" --days 1 --start "$(weekday "$r")" \
      --seed $((SEED * 1000 + g * 97 + r)) --first-pin $((1000 + g * 1000)) \
      --clock-drift-s "$drift" >/dev/null
    PENDING+=("$gw|SN-$gw|$f")
    g=$((g + 1))
  done
  import_pending
}

import_pending() {
  local left=() item gw serial f
  for item in "${PENDING[@]}"; do
    IFS='|' read -r gw serial f <<<"$item"
    # A paused gateway may be stopped inside a commit, holding its store's write lock: the
    # import would wait for it, and this loop would never reach the repair that resumes it
    # (a chaos run hung so on 2026-12-01). Retried next round, as a refused import is.
    if [ "${PAUSED[$gw]:-0}" = 1 ]; then
      left+=("$item")
      continue
    fi
    if ctl "$gw" import "$f" --terminal "$serial" >>"$W/log/import.log" 2>&1; then
      keys_from_attlog "$serial" "$f" >>"$W/expected.keys"
    else
      left+=("$item")
    fi
  done
  PENDING=("${left[@]}")
}

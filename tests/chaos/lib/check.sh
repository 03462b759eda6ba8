# The checker: what the aggregator holds against what the terminals produced, by natural key
# and by identity, plus every origin's queue and receipts. Sourced by run.sh.

# Writes $W/stored.keys and $W/stored.ids from the aggregator's store.
collect_stored() {
  ctl "${AGG:-agg}" punches --json >"$W/stored.json"
  jq -r '"\(.terminal)|\(.pin)|\(.time)|\(.verify)"' "$W/stored.json" >"$W/stored.keys"
  jq -r '"\(.origin)|\(.epoch)|\(.seq)"' "$W/stored.json" >"$W/stored.ids"
}

# True when every gateway has nothing queued or unreceipted, the relays nothing queued, and
# the aggregator holds as many distinct natural keys as were produced.
drained() {
  local n q
  for n in "$@"; do
    q=$(ctl "$n" queue --json 2>/dev/null | jq -r '"\(.queued) \(.undelivered)"') || return 1
    # A relay's undelivered is not its business (receipts go to the origins).
    [ "${ROLE_OF[$n]}" = relay ] && q="${q% *} 0"
    [ "$q" = "0 0" ] || return 1
  done
  collect_stored
  [ "$(sort -u "$W/stored.keys" | wc -l)" -ge "$(sort -u "$W/expected.keys" | wc -l)" ]
}

# Sets EXPECTED, LOST, DUPLICATED, UNKNOWN from the files.
verdict() {
  collect_stored
  sort -u "$W/expected.keys" >"$W/expected.sorted"
  EXPECTED=$(wc -l <"$W/expected.sorted")
  LOST=$(sort -u "$W/stored.keys" | comm -23 "$W/expected.sorted" - | tee "$W/lost.keys" | wc -l)
  UNKNOWN=$(sort -u "$W/stored.keys" | comm -13 "$W/expected.sorted" - | wc -l)
  DUPLICATED=$(( $(sort "$W/stored.keys" | uniq -d | wc -l) + $(sort "$W/stored.ids" | uniq -d | wc -l) ))
}

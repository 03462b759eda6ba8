#!/usr/bin/env bash
# Runs the README's main command non-interactively (deploy/demo.sh --quick --bin BIN_DIR) and
# passes only when it exits 0 and its last line reports a non-zero number of punches with
# lost 0 / duplicated 0 — so the demo cannot silently break. Also checks the live view, the
# faults and the recap were shown, and that nothing it started is left running.
# Usage: demo_quick_test.sh DEMO_SH BIN_DIR
set -uo pipefail
demo=${1:?demo.sh} bin=${2:?bin dir}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
bash "$demo" --quick --bin "$bin" >"$out" 2>&1
rc=$?
cat "$out"
fail=0
bad() { echo "FAIL: $*"; fail=1; }
[ "$rc" = 0 ] || bad "demo.sh exited $rc"
last=$(grep -v '^demo: stopped' "$out" | tail -1)
[[ "$last" =~ ^demo:\ [1-9][0-9]*\ punches\ from\ the\ terminals,\ at\ the\ aggregator:\ lost\ 0\ /\ duplicated\ 0$ ]] ||
  bad "final line is not 'lost 0 / duplicated 0': $last"
for want in 'CUT: ' 'RESTORED: ' 'KILLED: relay' 'RESTARTED: relay' 'punches/s\|in [0-9]*/s' \
  'Recap of ' 'kec-kumpeh-ulu'; do
  grep -q "$want" "$out" || bad "output lacks '$want'"
done
pids=$(grep -o 'titip-demo-[A-Za-z0-9]*' "$out" | head -1)
if [ -n "$pids" ] && pgrep -f "$pids" >/dev/null; then bad "processes of $pids still running"; fi
[ $fail = 0 ] && echo "OK: demo --quick ended with lost 0 / duplicated 0"
exit $fail

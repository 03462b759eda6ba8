#!/usr/bin/env bash
# Runs every built libFuzzer target for SECONDS each on its seed corpus (builds nothing).
# Usage: tests/fuzz/run.sh SECONDS [BUILD_DIR]   (BUILD_DIR defaults to ./build)
# FUZZ_JOBS=N runs N targets at once (default 1). Prints one line per target; exits 1 if any
# target crashed (the input is kept under $FUZZ_ARTIFACTS, default /tmp/titip-fuzz-artifacts,
# and its path printed), 77 if no target is built (a gcc build: see CMakeLists.txt).
set -u
secs=${1:?usage: run.sh SECONDS [BUILD_DIR]}
build=${2:-build}
jobs=${FUZZ_JOBS:-1}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
artifacts=${FUZZ_ARTIFACTS:-/tmp/titip-fuzz-artifacts}
mkdir -p "$artifacts"

run_target() {
  local t=$1 bin=$2 seeds=() rc execs rate
  mkdir -p "$work/$t"
  [[ -d $here/corpus/$t ]] && seeds=("$here/corpus/$t")
  # New inputs go to the scratch dir (first corpus dir), never into the source tree.
  "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/$t-" "$work/$t" "${seeds[@]}" >"$work/$t.log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$t.log" | tail -1)
  if [[ $rc -eq 0 ]]; then
    echo "$t: ok, ${execs:-?} execs in ${secs}s (${rate:-?} exec/s)" >"$work/$t.line"
  else
    cp "$work/$t.log" "$artifacts/$t.log"
    {
      echo "$t: CRASH (exit $rc); log $artifacts/$t.log; artifacts:" \
        "$(ls "$artifacts"/"$t"-* 2>/dev/null | tr '\n' ' ')"
      grep -m 3 -E 'ERROR: |runtime error|SUMMARY' "$work/$t.log" | sed 's/^/  /'
    } >"$work/$t.line"
    return 1
  fi
}

targets=()
for t in zk_fuzz wire_fuzz adms_fuzz soap_fuzz usb_fuzz config_fuzz; do
  [[ -x $build/bin/$t ]] || continue
  targets+=("$t")
  run_target "$t" "$build/bin/$t" &
  while [[ $(jobs -rp | wc -l) -ge $jobs ]]; do wait -n; done
done
wait
if [[ ${#targets[@]} -eq 0 ]]; then
  echo "no libFuzzer targets in $build/bin (they need a clang build); skipped"
  exit 77
fi
failed=0
for t in "${targets[@]}"; do
  cat "$work/$t.line"
  grep -q ': CRASH' "$work/$t.line" && failed=$((failed + 1))
done
[[ $failed -eq 0 ]]

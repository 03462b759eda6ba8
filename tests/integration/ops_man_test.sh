#!/usr/bin/env bash
# deploy/man/gen-man.sh makes one man page per titipctl command from its --help, with the
# examples kept verbatim. Exit 77 (skip) without help2man.
set -uo pipefail
gen=${1:?gen-man.sh}
titipctl=${2:?titipctl}
version=${3:?version}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
bash "$gen" "$titipctl" "$out" "$version" >/dev/null
rc=$?
[ $rc -eq 0 ] || exit $rc
for page in titipctl titipctl-status titipctl-queue titipctl-import titipctl-punches \
  titipctl-mesh titipctl-config-check; do
  f="$out/$page.1"
  [ -f "$f" ] || { echo "FAIL: $page.1 missing"; exit 1; }
  grep -q '^\.SH EXAMPLES' "$f" || { echo "FAIL: no EXAMPLES in $page.1"; exit 1; }
  grep -q "^\.TH \"\?${page^^}" "$f" || { echo "FAIL: bad .TH in $page.1"; exit 1; }
done
# Examples verbatim: the comment stays on its command's line.
grep -q 'status \\-\\-lang en  # English' "$out/titipctl-status.1" ||
  { echo "FAIL: example reflowed"; sed -n '/EXAMPLES/,$p' "$out/titipctl-status.1"; exit 1; }
echo "OK: man pages"

#!/usr/bin/env bash
# Checks that each daemon in BIN_DIR loads tcmalloc (TITIP_MALLOC=tcmalloc, the default of a
# build without sanitizers): the linker drops a library no symbol is taken from unless told
# not to, and nothing else would notice the daemons quietly back on glibc's malloc.
# Usage: deploy/check-allocator.sh BIN_DIR
set -euo pipefail
bin=${1:?usage: check-allocator.sh BIN_DIR}
rc=0
for d in titip-gateway titip-relay titip-aggregator; do
  # Not `ldd | grep -q`: grep quits at the first match, ldd may die of SIGPIPE, and pipefail
  # would count that as a miss.
  libs=$(ldd "$bin/$d")
  if ! grep -q 'libtcmalloc_minimal\.so' <<<"$libs"; then
    echo "check-allocator: $bin/$d does not load libtcmalloc_minimal" >&2
    rc=1
  fi
done
[ $rc -eq 0 ] && echo "check-allocator: the 3 daemons in $bin load tcmalloc"
exit $rc

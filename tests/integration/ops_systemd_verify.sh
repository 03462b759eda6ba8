#!/usr/bin/env bash
# Checks the systemd units in deploy/systemd/: `systemd-analyze verify` accepts them, and they
# keep the promises the deployment relies on (notify + watchdog, restart forever, hardening,
# ordered after time-set.target but never after time-sync.target). ExecStart points at
# /usr/bin, which a build machine does not have, so verify sees a copy whose binary path is
# replaced by /bin/true; nothing else is changed. Exit 77 (ctest SKIP) without systemd-analyze.
set -euo pipefail
units_dir=${1:?usage: ops_systemd_verify.sh DEPLOY_SYSTEMD_DIR}
if ! command -v systemd-analyze >/dev/null; then
  echo "SKIP: systemd-analyze not installed (Debian package systemd)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

for role in gateway relay aggregator; do
  unit="$units_dir/titip-$role.service"
  [ -f "$unit" ] || { bad "$unit missing"; continue; }
  grep -q "^ExecStart=/usr/bin/titip-$role --config /etc/titip/$role.toml$" "$unit" ||
    bad "$unit: ExecStart must run /usr/bin/titip-$role with /etc/titip/$role.toml"
  sed "s#^ExecStart=/usr/bin/#ExecStart=/bin/true #" "$unit" >"$tmp/titip-$role.service"
  for want in '^Type=notify$' '^Restart=always$' '^RestartSec=[0-9]' '^WatchdogSec=[0-9]' \
    '^ProtectSystem=strict$' '^StateDirectory=titip$' '^NoNewPrivileges=yes$' \
    '^PrivateTmp=yes$' '^ProtectHome=yes$' '^After=.*network\.target' \
    '^After=.*time-set\.target' '^WantedBy=multi-user\.target$'; do
    grep -Eq "$want" "$unit" || bad "$unit: no line matching $want"
  done
  # An offline kecamatan never syncs NTP: waiting for time-sync.target would block start-up.
  if grep -E '^(After|Wants|Requires|BindsTo)=' "$unit" | grep -q 'time-sync\.target'; then
    bad "$unit: must not depend on time-sync.target"
  fi
done

if ! out=$(cd "$tmp" && systemd-analyze verify ./titip-*.service 2>&1) || [ -n "$out" ]; then
  bad "systemd-analyze verify: $out"
fi
# The check has teeth: the same verify rejects a unit with an unknown Type.
sed 's/^Type=notify$/Type=notifyy/' "$tmp/titip-relay.service" >"$tmp/broken.service"
if (cd "$tmp" && systemd-analyze verify ./broken.service >/dev/null 2>&1) &&
  [ -z "$(cd "$tmp" && systemd-analyze verify ./broken.service 2>&1)" ]; then
  bad "systemd-analyze verify accepted Type=notifyy: the check above proves nothing"
fi
[ $fail -eq 0 ] && echo "OK: 3 units verified"
exit $fail

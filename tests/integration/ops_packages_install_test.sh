#!/usr/bin/env bash
# Installs the .deb packages that the ops_packages test built (BUILD_DIR/packages) on this
# machine with dpkg -i, checks what landed, then removes and purges them and checks what is left:
#  - /usr/bin binaries, units in /usr/lib/systemd/system, /etc/titip/ROLE.toml registered as
#    conffiles (root:titip 0640), the `titip` system user, /var/lib/titip owned by it (0750);
#  - the units enabled only when systemd runs (/run/systemd/system exists: systemd is PID 1),
#    and not enabled otherwise (here, in CI containers and chroots);
#  - the installed binaries find every library (ldd), `titipctl --version`, the installed
#    configs pass `titipctl config check` run as user titip (which must be able to read them),
#    each daemon answers --help;
#  - dpkg --remove keeps the conffiles and drops the binaries; dpkg --purge drops the conffiles
#    and /etc/titip; /var/lib/titip and the titip user stay (policy: a package never deletes
#    attendance records; Debian leaves system users behind).
# Why the machine itself and not a debootstrap chroot: CI machines are throwaway roots that
# already hold the runtime libraries (install-deps.sh), while a bookworm minbase debootstrap is
# fetched from the mirror on every fresh CI run with nothing to cache between runs: measured
# 10 min 45 s on this (loaded, 2-core) machine before libzmq5, liblmdb0 ... were even in it,
# a third of CI's 30-minute budget.
# Guards: needs root and dpkg (else skip, 77); dpkg runs are serialised with flock; if a titip
# package is installed that this test did not install (an operator's), it skips and touches
# nothing. An EXIT trap always purges what it installed, and removes the titip user and
# /var/lib/titip when this test created them, so the machine is left as it was found.
# Usage: ops_packages_install_test.sh BUILD_DIR VERSION
set -euo pipefail
build=${1:?build dir}
version=${2:?version}
debs="$build/packages"
roles=(gateway relay aggregator)
pkgs=(titip-tools titip-gateway titip-relay titip-aggregator)
marker=/var/lib/titip-package-test.installed  # names what a (crashed) earlier run installed
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (dpkg -i)"
command -v dpkg >/dev/null || skip "no dpkg"
arch=$(dpkg --print-architecture)
for p in "${pkgs[@]}"; do
  [ -f "$debs/${p}_${version}_$arch.deb" ] || { echo "FAIL: $debs/${p}_${version}_$arch.deb missing (ops_packages builds it)"; exit 1; }
done
exec 9>/run/lock/titip-package-test.lock
flock 9
installed() { dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null | grep -qv '^not-installed$'; }
for p in "${pkgs[@]}"; do
  if installed "$p" && ! grep -qx "$p" "$marker" 2>/dev/null; then
    skip "$p is installed and not by this test: leaving this machine alone"
  fi
done
fail=0
bad() { echo "FAIL: $*"; fail=1; }
if [ -s "$marker" ]; then  # an earlier run died before its trap: use what it had found
  had_user=$(sed -n 's/^had_user=//p' "$marker") had_state=$(sed -n 's/^had_state=//p' "$marker")
else
  had_user=0 had_state=0
  getent passwd titip >/dev/null && had_user=1
  [ -e /var/lib/titip ] && had_state=1
fi
cleanup() {
  dpkg --purge "${pkgs[@]}" >/dev/null 2>&1 || true
  if [ "${had_user:-1}" = 0 ]; then
    userdel titip 2>/dev/null || true
    groupdel titip 2>/dev/null || true
  fi
  [ "${had_state:-1}" = 0 ] && rm -rf /var/lib/titip
  rm -f "$marker"
}
trap cleanup EXIT
{ printf '%s\n' "${pkgs[@]}"; echo "had_user=$had_user"; echo "had_state=$had_state"; } >"$marker"

files=()
for p in "${pkgs[@]}"; do files+=("$debs/${p}_${version}_$arch.deb"); done
dpkg -i "${files[@]}" >"$build/packages/dpkg-install.log" 2>&1 ||
  { cat "$build/packages/dpkg-install.log"; echo "FAIL: dpkg -i"; exit 1; }
for p in "${pkgs[@]}"; do
  [ "$(dpkg-query -W -f='${Status} ${Version}' "$p")" = "install ok installed $version" ] ||
    bad "$p not installed and configured"
done

systemd_runs=0
[ -d /run/systemd/system ] && systemd_runs=1
echo "systemd running as PID 1: $systemd_runs"
getent passwd titip >/dev/null || bad "no titip user"
[ "$(stat -c '%U:%G %a' /var/lib/titip 2>/dev/null)" = "titip:titip 750" ] ||
  bad "/var/lib/titip is not titip:titip 0750: $(stat -c '%U:%G %a' /var/lib/titip 2>&1)"
for b in titipctl titip-termsim; do
  [ -x /usr/bin/$b ] || bad "/usr/bin/$b missing"
done
/usr/bin/titipctl --version | grep -qx "titipctl $version" || bad "titipctl --version is not $version"
for role in "${roles[@]}"; do
  b=/usr/bin/titip-$role conf=/etc/titip/$role.toml
  [ -x "$b" ] || { bad "$b missing"; continue; }
  ldd "$b" | grep -q 'not found' && bad "$b: libraries not found: $(ldd "$b" | grep 'not found')"
  "$b" --help >/dev/null || bad "$b --help fails"
  [ -f /usr/lib/systemd/system/titip-$role.service ] || bad "unit titip-$role.service missing"
  dpkg-query -W -f='${Conffiles}\n' "titip-$role" | grep -q "^ $conf " ||
    bad "$conf not a conffile of titip-$role"
  [ "$(stat -c '%U:%G %a' "$conf" 2>/dev/null)" = "root:titip 640" ] ||
    bad "$conf is not root:titip 0640: $(stat -c '%U:%G %a' "$conf" 2>&1)"
  runuser -u titip -- /usr/bin/titipctl config check "$conf" --role "$role" >/dev/null ||
    bad "user titip: config check $conf fails"
  wants=/etc/systemd/system/multi-user.target.wants/titip-$role.service
  if [ "$systemd_runs" = 1 ]; then
    [ "$(systemctl is-enabled "titip-$role.service" 2>/dev/null)" = enabled ] ||
      bad "titip-$role.service not enabled although systemd runs"
    systemctl is-active --quiet "titip-$role.service" && bad "titip-$role started before its config was edited"
  else
    [ -e "$wants" ] && bad "titip-$role.service enabled ($wants) although systemd is not running"
  fi
done

# Remove: binaries go, conffiles and the store stay.
dpkg --remove titip-gateway titip-relay titip-aggregator >>"$build/packages/dpkg-install.log" 2>&1 ||
  bad "dpkg --remove failed"
for role in "${roles[@]}"; do
  [ -e /usr/bin/titip-$role ] && bad "/usr/bin/titip-$role left after remove"
  [ -f /etc/titip/$role.toml ] || bad "/etc/titip/$role.toml (conffile) gone after remove, not purge"
done
# Purge: every file of every package and the conffiles go; the records and the user stay.
dpkg --purge "${pkgs[@]}" >>"$build/packages/dpkg-install.log" 2>&1 || bad "dpkg --purge failed"
for p in "${pkgs[@]}"; do installed "$p" && bad "$p still known to dpkg after purge"; done
for f in /usr/bin/titipctl /usr/bin/titip-termsim /usr/share/bash-completion/completions/titipctl \
  /etc/titip; do
  [ -e "$f" ] && bad "$f left after purge"
done
for role in "${roles[@]}"; do
  for f in /usr/bin/titip-$role /usr/lib/systemd/system/titip-$role.service \
    /etc/systemd/system/multi-user.target.wants/titip-$role.service; do
    [ -e "$f" ] && bad "$f left after purge"
  done
done
[ -d /var/lib/titip ] || bad "/var/lib/titip deleted by purge (policy: records stay)"
getent passwd titip >/dev/null || bad "titip user deleted by purge (policy: system users stay)"
[ $fail -eq 0 ] && echo "OK: 4 packages installed, checked, removed and purged"
exit $fail

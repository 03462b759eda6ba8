#!/usr/bin/env bash
# Builds the Debian packages with CPack from an already built tree and inspects them with
# dpkg-deb: names, dependencies (shlibdeps and titip-tools), conffiles in /etc/titip,
# maintainer scripts that touch systemd only when it runs, and binaries that start from the
# unpacked tree. ops_packages_install_test.sh then installs, removes and purges them.
# Usage: ops_packages_test.sh BUILD_DIR VERSION
set -euo pipefail
build=${1:?build dir}
version=${2:?version}
command -v dpkg-deb >/dev/null || { echo "SKIP: no dpkg-deb"; exit 77; }
# The packages stay in BUILD_DIR/packages for ops_packages_install (a ctest fixture).
out="$build/packages"
rm -rf "$out"
mkdir -p "$out"
trap 'rm -rf "$out"/ctl-* "$out"/root-*' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

cmake --build "$build" --target man >/dev/null
(cd "$build" && cpack -G DEB -B "$out" >"$out/cpack.log" 2>&1) || { cat "$out/cpack.log"; exit 1; }

deb() { echo "$out/titip-$1_${version}_$(dpkg --print-architecture).deb"; }
for p in tools gateway relay aggregator; do
  [ -f "$(deb $p)" ] || { bad "titip-$p package missing"; continue; }
  [ "$(dpkg-deb -f "$(deb $p)" Package)" = "titip-$p" ] || bad "titip-$p: wrong Package field"
done
[ $fail -eq 0 ] || exit 1

contents=$(dpkg-deb -c "$(deb tools)")
for f in ./usr/bin/titipctl ./usr/bin/titip-termsim \
  ./usr/share/bash-completion/completions/titipctl ./usr/share/man/man1/titipctl-status.1; do
  grep -q " $f\$" <<<"$contents" || bad "titip-tools lacks $f"
done

for role in gateway relay aggregator; do
  d=$(deb $role)
  contents=$(dpkg-deb -c "$d")
  for f in ./usr/bin/titip-$role ./usr/lib/systemd/system/titip-$role.service \
    ./etc/titip/$role.toml; do
    grep -q " $f\$" <<<"$contents" || bad "titip-$role lacks $f"
  done
  depends=$(dpkg-deb -f "$d" Depends)
  grep -q "titip-tools (= $version)" <<<"$depends" || bad "titip-$role: no titip-tools dep"
  grep -q "libzmq5" <<<"$depends" || bad "titip-$role: shlibdeps missing (no libzmq5): $depends"
  grep -q "liblmdb0" <<<"$depends" || bad "titip-$role: shlibdeps missing (no liblmdb0)"
  ctl="$out/ctl-$role"
  dpkg-deb -e "$d" "$ctl"
  [ "$(cat "$ctl/conffiles")" = "/etc/titip/$role.toml" ] || bad "titip-$role conffiles"
  for s in postinst prerm postrm; do
    [ -x "$ctl/$s" ] || bad "titip-$role: $s missing or not executable"
    sh -n "$ctl/$s" || bad "titip-$role: $s is not valid sh"
    grep -q '@role@' "$ctl/$s" && bad "titip-$role: $s not configured"
  done
  grep -q 'if \[ -d /run/systemd/system \]' "$ctl/postinst" || bad "postinst: no systemd guard"
  grep -q "systemctl enable titip-$role.service" "$ctl/postinst" || bad "postinst: no enable"
  grep -q 'rm -rf\|rm -r ' "$ctl/postrm" && bad "postrm must never delete the store"
  # The unpacked binary and config work together: the shipped example passes config check.
  root="$out/root-$role"
  dpkg-deb -x "$d" "$root"
  dpkg-deb -x "$(deb tools)" "$root"
  "$root/usr/bin/titipctl" config check "$root/etc/titip/$role.toml" >/dev/null ||
    bad "shipped /etc/titip/$role.toml fails config check"
  "$root/usr/bin/titip-$role" --help >/dev/null || bad "unpacked titip-$role does not run"
done
"$out/root-gateway/usr/bin/titipctl" --version | grep -q "titipctl $version" ||
  bad "titipctl --version is not $version"
[ $fail -eq 0 ] && echo "OK: 4 packages built and inspected"
exit $fail

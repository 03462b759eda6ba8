#!/usr/bin/env bash
# The Muaro Jambi deployment (deploy/muarojambi/): the checked-in configs are exactly what
# gen-configs.sh writes, every one passes `titipctl config check` for its role, and a key set
# from make-keys.sh is one the daemons would start with (0600 secrets, allowlists that parse,
# every downstream listed at its upstreams, relays marked).
# usage: ops_muarojambi_test.sh DEPLOY_DIR TITIPCTL
set -euo pipefail
dep=$1
export TITIPCTL=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. No drift between the script and the checked-in files.
bash "$dep/gen-configs.sh" "$dep/units.csv" "$tmp/nodes" 2>/dev/null
diff -r "$dep/nodes" "$tmp/nodes" || fail "nodes/ differs from gen-configs.sh output: rerun it"

# 2. The topology: 41 units (one gateway each), 2 relays, 1 aggregator.
units=$(tail -n +2 "$dep/units.csv" | grep -c .)
[[ $units == 41 ]] || fail "units.csv has $units units, want 41"
count() { grep -l "^# role: $1\$" "$dep"/nodes/*.toml | wc -l; }
[[ $(count gateway) == 41 && $(count relay) == 2 && $(count aggregator) == 1 ]] ||
  fail "roles: $(count gateway) gateways, $(count relay) relays, $(count aggregator) aggregators"
for u in $(tail -n +2 "$dep/units.csv" | cut -d, -f1); do
  grep -q "^unit = \"$u\"\$" "$dep/nodes/$u.toml" || fail "no gateway config for unit $u"
done

role_of() {  # the generator writes "# role: ROLE" as the first line
  local first
  read -r first <"$1"
  echo "${first#\# role: }"
}
check() {  # file role
  "$TITIPCTL" config check --role "$2" "$1" >"$tmp/out" 2>&1 || { cat "$tmp/out"; fail "$1"; }
}

# 3. Every plain config is valid for its role.
for f in "$dep"/nodes/*.toml; do check "$f" "$(role_of "$f")"; done

# 4. Keys: make-keys.sh into a temp dir, paths pointing there.
bash "$dep/make-keys.sh" --local "$tmp/keys" "$dep/nodes" 2>/dev/null
[[ $(find "$tmp/keys" -name node.key -perm 600 | wc -l) == 44 ]] || fail "not 44 0600 keys"
for f in "$dep"/nodes/*.toml; do
  id=${f##*/}
  id=${id%.toml}
  r=$(role_of "$f")
  cfg=$tmp/keys/$id/$r.toml
  [[ $(<"$cfg") == *"secret_key_file = \"$tmp/keys/$id/node.key\""* ]] ||
    fail "$id: no [security] pointing at its key in $r.toml"
  check "$cfg" "$r"  # loads the key and the allowlist as the daemon does
  # Each upstream's public_key is the upstream's own key.
  while read -r up key; do
    read -r want <"$tmp/keys/$up/node.key.pub"
    [[ $key == "$want" ]] || fail "$id: wrong public_key for $up"
  done < <(awk '/^id = / {gsub(/"/, "", $3); i = $3} /^public_key = / {gsub(/"/, "", $3); print i, $3}' "$cfg")
done
lines() { grep -c . "$tmp/keys/$1/allowed_keys"; }
[[ $(lines aggregator) == 32 ]] || fail "aggregator allows $(lines aggregator), want 2 relays + 30 campus"
[[ $(lines relay-diskominfo) == 41 && $(lines relay-backup) == 41 ]] || fail "relays allow != 41"
[[ $(lines kec-sungai-bahar) == 2 ]] || fail "kec-sungai-bahar allows $(lines kec-sungai-bahar)"
[[ $(grep -c ' relay$' "$tmp/keys/aggregator/allowed_keys") == 2 ]] || fail "aggregator relay marks"
grep -q "^kec-sungai-bahar [^ ]* relay\$" "$tmp/keys/relay-diskominfo/allowed_keys" ||
  fail "kec-sungai-bahar relays for neighbours but is not marked relay"
grep -q "^setda [^ ]*\$" "$tmp/keys/relay-diskominfo/allowed_keys" || fail "setda marked relay"
[[ -z $(find "$tmp/keys" -name node.key -perm /077) ]] || fail "a secret key is readable"
# Origin signatures: a 0600 signing key per gateway, all 41 registered at the aggregator.
[[ $(find "$tmp/keys" -name signing.key -perm 600 | wc -l) == 41 ]] || fail "not 41 signing keys"
[[ $(grep -vc '^#' "$tmp/keys/aggregator/origin_keys") == 41 ]] ||
  fail "aggregator origin_keys does not list 41 gateways"
read -r want <"$tmp/keys/setda/signing.key.pub"
grep -qxF "setda $want" "$tmp/keys/aggregator/origin_keys" || fail "setda's signing key"
grep -q "signing_key_file = \"$tmp/keys/setda/signing.key\"" "$tmp/keys/setda/gateway.toml" ||
  fail "setda's gateway.toml has no signing_key_file"
grep -q "origin_keys_file = " "$tmp/keys/aggregator/aggregator.toml" || fail "no origin_keys_file"

# 5. The check has teeth: a 0644 key and a broken allowlist are refused.
chmod 644 "$tmp/keys/setda/node.key"
"$TITIPCTL" config check --role gateway "$tmp/keys/setda/gateway.toml" >/dev/null 2>&1 &&
  fail "a 0644 secret key passed config check"
echo "setda not-a-key" >>"$tmp/keys/relay-backup/allowed_keys"
"$TITIPCTL" config check --role relay "$tmp/keys/relay-backup/relay.toml" >/dev/null 2>&1 &&
  fail "a malformed allowlist passed config check"
# 6. make-keys.sh never replaces keys.
bash "$dep/make-keys.sh" "$tmp/keys" "$dep/nodes" 2>/dev/null && fail "make-keys replaced keys"
echo "ok: 44 configs, keys and allowlists"

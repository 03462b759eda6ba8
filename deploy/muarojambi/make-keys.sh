#!/usr/bin/env bash
# Makes the CURVE keys of every node in nodes/ and everything that depends on them, into
# OUTDIR (never into git). Per node, OUTDIR/<node-id>/ gets:
#   node.key (0600) and node.key.pub  from `titipctl keygen` (CURVE: the links)
#   signing.key (0600), signing.key.pub  gateways only, from `titipctl keygen --signing`: the
#                                     Ed25519 key that seals the punches the office originates
#   origin_keys                       aggregator only: "<node-id> <signing-key>" of every
#                                     gateway; punches without a valid seal are quarantined
#   allowed_keys                      who may connect to it (listening nodes only): one
#                                     "<node-id> <z85-key>" line per downstream, " relay" on
#                                     nodes that hand over other offices' punches
#   <role>.toml                       nodes/<node-id>.toml plus [security] and every
#                                     upstream's public_key: copy it to /etc/titip/ as is
# usage: make-keys.sh [--local] OUTDIR [NODES_DIR]
#   --local  point [security] paths into OUTDIR (to check the set on this machine) instead
#            of /etc/titip/ where the files go on each office's mini PC.
# Run it once on the admin's machine, into an empty OUTDIR; it refuses to replace keys.
# Needs titipctl on PATH or in $TITIPCTL.
set -euo pipefail

local_paths=0
if [[ ${1:-} == --local ]]; then local_paths=1; shift; fi
[[ $# -ge 1 ]] || { sed -n '2,13p' "$0" >&2; exit 64; }
out=$1
nodes=${2:-$(cd "$(dirname "$0")" && pwd)/nodes}
titipctl=${TITIPCTL:-titipctl}
umask 077

die() { echo "make-keys: $*" >&2; exit "${2:-73}"; }
[[ -d $nodes ]] || die "no node configs in $nodes" 66
mkdir -p "$out"
out=$(cd "$out" && pwd)

# Facts about each node, read from its config in bash alone (one pass, no forks but keygen:
# 44 nodes on a loaded 2-core box add up).
declare -A role pub listens sign
ups=()  # "downstream upstream" pairs
for f in "$nodes"/*.toml; do
  id=${f##*/}
  id=${id%.toml}
  section=""
  while IFS= read -r line; do
    case $line in
      "# role: "*) role[$id]=${line#\# role: } ;;
      "["*) section=$line ;;
      "listen = "*) [[ $section == "[node]" ]] && listens[$id]=1 ;;
      "id = "*)
        if [[ $section == "[[upstream]]" ]]; then
          up=${line#id = \"}
          ups+=("$id ${up%\"}")
        fi
        ;;
    esac
  done <"$f"
  [[ -n ${role[$id]:-} ]] || die "$f: no '# role:' line" 65
  [[ -e $out/$id/node.key ]] && die "$out/$id/node.key exists: keys are never replaced here"
  mkdir -p "$out/$id"
  pub[$id]=$("$titipctl" keygen --out "$out/$id/node.key" 2>/dev/null) ||
    die "titipctl keygen failed for $id" 70
  if [[ ${role[$id]} == gateway ]]; then
    sign[$id]=$("$titipctl" keygen --signing --out "$out/$id/signing.key" 2>/dev/null) ||
      die "titipctl keygen --signing failed for $id" 70
  fi
done

# The aggregator verifies every office's seals against these (origin signatures, issue 6).
for id in "${!role[@]}"; do
  [[ ${role[$id]} == aggregator ]] || continue
  { echo "# origin signing keys: <node-id> <z85 Ed25519 public key>; kill -HUP re-reads"
    for g in $(printf '%s\n' "${!sign[@]}" | sort); do echo "$g ${sign[$g]}"; done
  } >"$out/$id/origin_keys"
done

# Allowlists: every downstream on its upstream's list. A node that listens itself (a relay,
# or a gateway relaying for a neighbour) carries other offices' punches: mark it `relay`.
for pair in "${ups[@]}"; do
  down=${pair% *}
  up=${pair#* }
  [[ -n ${pub[$up]:-} ]] || die "$down names upstream '$up', which has no config in $nodes" 65
  [[ -n ${listens[$up]:-} ]] || die "$down names upstream '$up', which does not listen" 65
  printf '%s %s%s\n' "$down" "${pub[$down]}" "${listens[$down]:+ relay}" >>"$out/$up/allowed_keys"
done

keys=$(for n in "${!pub[@]}"; do echo "$n ${pub[$n]}"; done)
for f in "$nodes"/*.toml; do
  id=${f##*/}
  id=${id%.toml}
  dir=/etc/titip
  ((local_paths)) && dir=$out/$id
  [[ -n ${listens[$id]:-} ]] && : >>"$out/$id/allowed_keys"
  awk -v keys="$keys" -v dir="$dir" -v listens="${listens[$id]:-}" -v role="${role[$id]}" '
    BEGIN { n = split(keys, l, "\n"); for (i = 1; i <= n; i++) { split(l[i], kv, " "); k[kv[1]] = kv[2] } }
    /^\[\[upstream\]\]/ { u = 1 } /^\[[a-z]/ { u = 0 }
    { print }
    u && /^id = / { id = $3; gsub(/"/, "", id); print "public_key = \"" k[id] "\"" }
    END {
      print "\n[security]"
      print "secret_key_file = \"" dir "/node.key\""
      if (listens) print "allowed_keys_file = \"" dir "/allowed_keys\""
      if (role == "gateway") print "signing_key_file = \"" dir "/signing.key\""
      if (role == "aggregator") print "origin_keys_file = \"" dir "/origin_keys\""
    }' "$f" >"$out/$id/${role[$id]}.toml"
done
# Secrets stay 0600 (keygen); the rest is public and readable by the titip user once copied.
chmod 0644 "$out"/*/*.toml "$out"/*/node.key.pub "$out"/*/signing.key.pub "$out"/*/origin_keys
for f in "$out"/*/allowed_keys; do [[ -e $f ]] && chmod 0644 "$f"; done
echo "make-keys: ${#pub[@]} nodes in $out" >&2

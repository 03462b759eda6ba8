#!/usr/bin/env bash
# Generates man pages from titipctl's own --help text (help2man), so they never drift from
# the binary: titipctl.1 and one titipctl-COMMAND.1 per subcommand, examples kept verbatim.
# Usage: gen-man.sh TITIPCTL OUT_DIR VERSION. Exit 77 when help2man is missing.
set -euo pipefail
titipctl=${1:?titipctl binary}
out=${2:?output dir}
version=${3:?version}
command -v help2man >/dev/null || { echo "SKIP: help2man not installed"; exit 77; }
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# help2man reflows paragraphs; examples and the exit-code table must stay as written.
verbatim_examples() {
  awk '/^\.SH EXAMPLES/ {print; print ".nf"; ex=1; next}
       ex && /^\.SH/ {if (held != "") print held; held=""; print ".fi"; ex=0}
       ex && /^\.(TP|IP|PP)$/ {next}
       ex && /^#/ {held = held "  " $0; next}
       ex {if (held != "") print held; held=$0; next}
       {print}
       END {if (ex) {if (held != "") print held; print ".fi"}}' "$1" >"$1.tmp" && mv "$1.tmp" "$1"
}

page() {  # page NAME DESCRIPTION ARGS...
  local name=$1 desc=$2
  shift 2
  local wrapper="$tmp/$name"
  printf '#!/bin/sh\nif [ "$1" = --version ]; then echo "%s %s"; exit 0; fi\nexec "%s" %s "$@"\n' \
    "$name" "$version" "$titipctl" "$*" >"$wrapper"
  chmod +x "$wrapper"
  help2man --no-info --no-discard-stderr --section 1 --name "$desc" \
    --version-string "$version" "$wrapper" -o "$out/$name.1"
  verbatim_examples "$out/$name.1"
}

page titipctl "look after a titip node (status, queue, punches, import, config)"
for cmd in $("$titipctl" --help | awk '/^Subcommands:/{on=1; next} on && /^[^ ]/{on=0} on && NF {print $1}'); do
  desc=$("$titipctl" "$cmd" --help | head -1)
  page "titipctl-$cmd" "$desc" "$cmd"
done
page titipctl-config-check "validate a titip daemon config file" config check
ls "$out"

#!/usr/bin/env bash
# The bash completion in deploy/bash-completion/titipctl offers every subcommand that
# `titipctl --help` lists, and the right options after `status` and `config check`.
set -euo pipefail
comp=${1:?completion file}
titipctl=${2:?titipctl binary}
# shellcheck source=/dev/null
source "$comp"
complete_words() {  # complete_words WORD... : completions for the last word
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _titipctl
  echo "${COMPREPLY[*]}"
}
fail=0
offered=$(complete_words titipctl "")
for sub in $("$titipctl" --help | awk '/^Subcommands:/{on=1; next} on && /^[^ ]/{on=0} on && NF {print $1}'); do
  [[ " $offered " == *" $sub "* ]] || { echo "FAIL: subcommand $sub not completed ($offered)"; fail=1; }
done
[[ " $(complete_words titipctl -c gw.toml status --) " == *" --lang "* ]] || { echo "FAIL: status --lang"; fail=1; }
[[ "$(complete_words titipctl status --lang "")" == "id en" ]] || { echo "FAIL: --lang values"; fail=1; }
[[ " $(complete_words titipctl config "") " == *" check "* ]] || { echo "FAIL: config check"; fail=1; }
[[ " $(complete_words titipctl config check --r) " == *" --role "* ]] || { echo "FAIL: --role"; fail=1; }
[ $fail -eq 0 ] && echo "OK: completion offers every subcommand"
exit $fail

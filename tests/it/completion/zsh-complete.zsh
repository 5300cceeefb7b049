#!/usr/bin/env zsh
# Prints what zsh's completion system offers for a command line, one `match<TAB>description` per
# line, by driving a real interactive zsh through a pseudo-terminal and pressing TAB.
# usage: zsh -f zsh-complete.zsh FPATH_DIR 'codexgw setup --mode '
emulate -L zsh
zmodload zsh/zpty || { print -u2 'zsh/zpty is missing'; exit 3 }

local fpath_dir=$1 line=$2 out
zpty capture zsh -f -i
# In the child: no prompt, the completion system from FPATH_DIR, a compadd that reports its
# matches (with the descriptions shown next to them) before adding them, and markers around
# the run.
# Everything is typed as text, so it holds no TAB (that would start a completion). The markers
# are written split (`"CAP""TURE"`) so the terminal's echo of the command never
# matches them.
zpty -w capture "stty columns 400; PS1= PROMPT= RPROMPT=; unsetopt zle_bracketed_paste 2>/dev/null"
zpty -w capture "fpath=(${(q)fpath_dir} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w capture 'zstyle ":completion:*" list-grouped false; zstyle ":completion:*" insert-tab false'
zpty -w capture 'compadd() {
  local -a found descs; local i arg
  if (( ${@[(I)-[OAD]]} )); then builtin compadd "$@"; return; fi
  if (( ${@[(I)-d]} )); then arg=${@[${@[(i)-d]}+1]}; if [[ $arg == \(* ]]; then eval "descs=$arg"; else descs=( "${(@P)arg}" ); fi; fi
  builtin compadd -A found "$@"
  for (( i = 1; i <= $#found; i++ )); do print -r -- "MAT""CH:${found[i]}:DE""SC:${descs[i]-}"; done
  builtin compadd "$@"
}'
zpty -w capture 'capture_done() { print -r -- "CAP""TURE-END"; exit }; comppostfuncs=(capture_done); bindkey "^I" complete-word'
zpty -w capture 'print -r -- "CAP""TURE-READY"'
zpty -r -m capture out '*CAPTURE-READY*' || exit 4
zpty -w -n capture "$line"$'\t'
zpty -r -m capture out '*CAPTURE-END*' || exit 5
for out in "${(@f)out}"; do
  out=${out//$'\r'/}
  [[ $out == *MATCH:*:DESC:* ]] || continue
  out=${out#*MATCH:}
  print -r -- "${out%%:DESC:*}"$'\t'"${out#*:DESC:}"
done
zpty -d capture

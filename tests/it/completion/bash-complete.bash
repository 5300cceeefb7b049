#!/usr/bin/env bash
# Prints what a completion script offers for a command line, one match per line, the way bash
# does it on TAB: it sets COMP_WORDS/COMP_CWORD and calls the function `complete -p` names.
# usage: bash --norc --noprofile bash-complete.bash SCRIPT WORD... (the last word may be "")
script=$1
shift
# Load the bash-completion framework first when it is installed, as interactive shells do.
if [ -f /usr/share/bash-completion/bash_completion ]; then
  . /usr/share/bash-completion/bash_completion
fi
. "$script"
spec=$(complete -p "$1") || { echo "no completion registered for $1" >&2; exit 3; }
func=${spec##*-F }
func=${func%% *}
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
# compopt only works while readline completes; outside it complains harmlessly.
"$func" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" 2>/dev/null
printf '%s\n' "${COMPREPLY[@]}"

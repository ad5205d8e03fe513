#!/usr/bin/env bash
# manual_selftest.sh - the manual page keeps up with the command line: every public command has
# its section and every option its command's --help shows is in the page.
# Usage: manual_selftest.sh MICONFORM MANUAL_PAGE
miconform=$1
page=$2
source "$(dirname "$0")/script_support.sh" manual

[ -s "$page" ] || { fail "no manual page at $page"; finish ""; }
grep -q '@PROJECT_VERSION@' "$page" && fail "the version was not filled in"
grep -qF "miconform $("$miconform" --version | awk '{print $2}')" "$page" ||
  fail "the page does not name this version ($("$miconform" --version))"

# The public commands, from the top-level --help ("Subcommands:" to the end).
commands=$("$miconform" --help | sed -n '/^Subcommands:/,$p' | awk 'NR > 1 && NF {print $1}')
[ -n "$commands" ] || fail "no command in --help"
for command in $commands; do
  # roff writes a command's hyphens as \-.
  grep -qF ".SS \"miconform ${command//-/\\-}" "$page" || fail "no section for the command $command"
  for option in $("$miconform" "$command" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
    [ "$option" = --help ] && continue
    grep -qF -- "${option//-/\\-}" "$page" || fail "$command $option is not in the manual page"
  done
done
finish "the manual page names every command ($(echo $commands | wc -w)) and every option"

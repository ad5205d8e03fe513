#!/usr/bin/env bash
# cli_selftest.sh - self-test of the miconform command line's bad-input handling: every mistake a
# user can make gets a clear message and exit status 2, never a crash or a hang.
# Usage: cli_selftest.sh PATH-TO-MICONFORM
set -u
miconform=$1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failures=0

# expect STATUS PATTERN -- ARGS...: runs miconform with ARGS, checks the status and that stderr
# (or stdout) matches PATTERN.
expect() {
  local status=$1 pattern=$2
  shift 3
  local out
  out=$(timeout 60 "$miconform" "$@" 2>&1)
  local got=$?
  if [ "$got" -ne "$status" ] || ! grep -qE -- "$pattern" <<<"$out"; then
    echo "FAILED: miconform $* -> status $got (want $status), output:"
    echo "$out" | head -20
    failures=$((failures + 1))
  else
    echo "ok: miconform $* -> $got"
  fi
}

printf 'not a library\n' >"$scratch/text.so"
mkdir -p "$scratch/conf"

expect 2 "subcommand" --
expect 2 "unknown|not expected|extras|following argument" -- run --no-such-flag
expect 2 "jobs" -- run --jobs 0
expect 2 "progress" -- run --progress sometimes
expect 2 "no case matches" -- run --filter 'no.such.case.*' --report "$scratch/r1"
expect 2 "no-such-target|built-in|reference" -- run --target no-such-target --report "$scratch/r2"
expect 2 "config-dir" -- run --target "$scratch/text.so" --report "$scratch/r3"
expect 2 "/missing/libmi.so" -- run --target /missing/libmi.so --config-dir "$scratch/conf" --report "$scratch/r4"
expect 2 "text.so" -- run --target "$scratch/text.so" --config-dir "$scratch/conf" --report "$scratch/r5"
expect 2 "does-not-exist|config" -- run --target "$scratch/text.so" --config-dir "$scratch/does-not-exist" --report "$scratch/r6"
expect 2 "pct-depth" -- run --pct-depth 0
expect 2 "pct-depth" -- run --pct-depth 11
expect 2 "pct-depth" -- run --pct-depth three
expect 2 "pct-horizon" -- run --pct-horizon 0
expect 2 "pct-horizon" -- run --pct-horizon 1000000001
expect 2 "pct-horizon" -- run --pct-horizon -5
expect 2 "pct-depth" -- mutants --pct-depth 0
expect 2 "mode=pct needs key 'depth'" -- run --inject 'mode=pct;horizon=200;delay_us=5' --report "$scratch/r7"
expect 2 "needs horizon >= 4" -- run --inject 'mode=pct;depth=5;horizon=3;delay_us=5' --report "$scratch/r8"
expect 2 "key 'p' applies only to mode=random" -- run --inject 'mode=pct;depth=3;horizon=200;delay_us=5;p=0.5' --report "$scratch/r9"
expect 0 "^reference$" -- list --targets
expect 0 "SC-" -- list

# SIGTERM ends a whole kill matrix (not only the target being run): status 2, the rest not run.
"$miconform" mutants --no-explore --report "$scratch/m1" --progress never >"$scratch/m1.out" 2>&1 &
matrix=$!
for _ in $(seq 1 100); do
  [ -e "$scratch/m1/reference/journal.jsonl" ] && break
  sleep 0.1
done
kill -TERM "$matrix"
waited=0
while kill -0 "$matrix" 2>/dev/null && [ "$waited" -lt 600 ]; do
  sleep 0.1
  waited=$((waited + 1))
done
if kill -0 "$matrix" 2>/dev/null; then
  echo "FAILED: miconform mutants still running 60 s after SIGTERM"
  kill -KILL "$matrix"
  failures=$((failures + 1))
else
  wait "$matrix"
  status=$?
  if [ "$status" -ne 2 ] || ! grep -q "NOT RUN" "$scratch/m1.out"; then
    echo "FAILED: miconform mutants after SIGTERM -> status $status (want 2), output:"
    head -5 "$scratch/m1.out"
    failures=$((failures + 1))
  else
    echo "ok: miconform mutants ended by SIGTERM -> 2, later targets not run"
  fi
fi

# Nothing of a failed run may be left in the configuration directory.
if [ -n "$(ls -A "$scratch/conf")" ]; then
  echo "FAILED: the config dir was left with: $(ls -A "$scratch/conf")"
  failures=$((failures + 1))
fi

echo "cli: $failures failed"
[ "$failures" -eq 0 ]

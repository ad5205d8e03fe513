#!/usr/bin/env bash
# cli_selftest.sh - self-test of the miconform command line's bad-input handling: every mistake a
# user can make (and a report directory that cannot be used or written) gets a clear message and
# exit status 2, never a crash or a hang.
# Usage: cli_selftest.sh PATH-TO-MICONFORM
set -u
miconform=$1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failures=0

# expect STATUS PATTERN -- ARGS...: runs miconform with ARGS, checks the status and that stderr
# (or stdout) matches PATTERN. The output is kept in $out for `refuse`.
out=
expect() {
  local status=$1 pattern=$2
  shift 3
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

# also PATTERN: checks that the output of the last `expect` matches PATTERN too.
also() {
  if grep -qE -- "$1" <<<"$out"; then
    echo "ok: ... and it says '$1'"
  else
    echo "FAILED: the output above must match '$1':"
    echo "$out" | head -20
    failures=$((failures + 1))
  fi
}

# refuse PATTERN: checks that the output of the last `expect` does not match PATTERN.
refuse() {
  if grep -qE -- "$1" <<<"$out"; then
    echo "FAILED: the output above must not match '$1':"
    echo "$out" | head -20
    failures=$((failures + 1))
  else
    echo "ok: ... and it does not say '$1'"
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
expect 2 "expectations" -- run --expectations "$scratch/no-such-file.txt" --report "$scratch/r4"
expect 2 "fail-on" -- run --fail-on sometimes --report "$scratch/r4"
expect 2 "B is required|required" -- diff "$scratch"
expect 2 "timing-ratio" -- diff --timing-ratio 0.5 "$scratch" "$scratch"
expect 2 "FINITE|finite" -- diff --timing-min nan "$scratch" "$scratch"
expect 2 "DIR is required|required" -- compare
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

# Limits that are not finite numbers pass CLI11's range checks; they are refused by name.
expect 2 "--timeout: must be a finite number, not nan" -- run --timeout nan --report "$scratch/r10"
expect 2 "--timeout: must be a finite number, not inf" -- run --timeout inf --report "$scratch/r10"
expect 2 "--budget: must be a finite number, not nan" -- run --budget nan --report "$scratch/r10"
expect 2 "--budget: must be a finite number, not -inf" -- mutants --budget=-inf --report "$scratch/r10"

# A protocol name omicli.conf cannot hold is refused before the target is even loaded (an empty
# one never stands for the default).
nowhere=(--target /missing/libmi.so --config-dir "$scratch/conf")
expect 2 "protocol name is empty" -- run --protocol '' "${nowhere[@]}"
expect 2 "must not contain a comma, white space" -- run --protocol 'MY PROTO' "${nowhere[@]}"
expect 2 "must not contain a comma, white space" -- run --protocol 'MY,PROTO' "${nowhere[@]}"
expect 2 "must not contain a comma, white space" -- run --protocol $'MY\nPROTO' "${nowhere[@]}"
expect 2 "must not contain '=' or '#'" -- run --protocol 'MY=PROTO' "${nowhere[@]}"
expect 2 "must not contain '=' or '#'" -- run --protocol 'MY#PROTO' "${nowhere[@]}"

expect 0 "^miconform [0-9]+\.[0-9]+\.[0-9]+$" -- --version
expect 2 "^miconform: unknown command 'xyz'; commands: run, report, verify, merge, diff, compare, mutants, list, bench-supervision$" -- xyz
refuse "__"

# The report directory is checked before the target is probed, for every command taking one.
printf 'x' >"$scratch/plain"
expect 2 "^miconform: --report: no report directory given" -- run --report '' "${nowhere[@]}"
expect 2 "^miconform: --report: .*$scratch/plain: [Nn]ot a directory" -- run --report "$scratch/plain" "${nowhere[@]}"
expect 2 "^miconform: --report: .*$scratch/plain/sub" -- run --report "$scratch/plain/sub" "${nowhere[@]}"
expect 2 "^miconform: --report: .*$scratch/plain: [Nn]ot a directory" -- mutants --report "$scratch/plain"
if [ "$(id -u)" -ne 0 ]; then
  mkdir -p "$scratch/readonly" && chmod 555 "$scratch/readonly"
  expect 2 "--report: .*$scratch/readonly: Permission denied" -- run --report "$scratch/readonly" "${nowhere[@]}"
fi

# One run per report directory: while another holds its lock, a run is refused at once.
mkdir -p "$scratch/busy"
exec 9>"$scratch/busy/.miconform.lock"
flock -n 9
expect 2 "report directory $scratch/busy is in use by another miconform run" -- run --report "$scratch/busy" "${nowhere[@]}"
expect 2 "report directory $scratch/busy is in use by another miconform run" -- mutants --report "$scratch/busy"
exec 9>&-

# A report that cannot be written is said so, never announced as written, and fails the run:
# a full disk under the journal, a directory squatting on report.md (the rename fails even for
# root).
one_case=(--filter 'session_close.sync.idle' --no-explore --progress never)
mkdir -p "$scratch/full" && ln -s /dev/full "$scratch/full/journal.jsonl"
expect 2 "report: FAILED to write $scratch/full/" -- run "${one_case[@]}" --report "$scratch/full"
also "No space left on device"
refuse "report\.json, junit\.xml"
mkdir -p "$scratch/squatted/report.md/occupied"
expect 2 "report: FAILED to write $scratch/squatted/" -- run "${one_case[@]}" --report "$scratch/squatted"
refuse "report\.json, junit\.xml"

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

# A closed stdout (a pipe whose reader is gone) changes nothing: the run still writes its report
# and exits with its verdict's status (3: PARTIAL, one case), not of SIGPIPE.
timeout 120 "$miconform" run --filter 'session_close.sync.after_operations_closed' --no-explore \
  --report "$scratch/closed-stdout" --progress never 2>"$scratch/closed-stdout.err" | true
status=${PIPESTATUS[0]}
if [ "$status" -ne 3 ] || [ ! -s "$scratch/closed-stdout/report.json" ]; then
  echo "FAILED: miconform run with a closed stdout -> status $status (want 3), stderr:"
  head -5 "$scratch/closed-stdout.err"
  failures=$((failures + 1))
else
  echo "ok: miconform run with a closed stdout -> 3, report written"
fi

# A signal between the probe and the first case, or while the reports are written, is caught:
# SIGHUP (a closed terminal) ends the run with status 2, its report of what ran and no
# registration left behind.
mkdir -p "$scratch/hup-conf"
: > "$scratch/hup-conf/omicli.conf"
MICONFORM_REFERENCE_CONFIG_DIR="$scratch/hup-conf" timeout 120 "$miconform" run \
  --target "$(dirname "$miconform")/../lib/libmiconform_reference.so" \
  --config-dir "$scratch/hup-conf" --filter 'session_close.*,concurrency.*' --no-explore --jobs 1 \
  --report "$scratch/hup" --progress always > /dev/null 2> "$scratch/hup.err" &
run=$!
waited=0
until grep -q '^\[' "$scratch/hup.err" 2>/dev/null || ! kill -0 "$run" 2>/dev/null ||
  [ "$waited" -ge 600 ]; do
  sleep 0.1
  waited=$((waited + 1))
done
kill -HUP "$run"
wait "$run"
status=$?
if [ "$status" -ne 2 ] || [ -s "$scratch/hup-conf/omicli.conf" ] || [ ! -s "$scratch/hup/report.json" ]; then
  echo "FAILED: miconform run after SIGHUP -> status $status (want 2), conf: $(cat "$scratch/hup-conf/omicli.conf"), stderr:"
  tail -5 "$scratch/hup.err"
  failures=$((failures + 1))
else
  echo "ok: miconform run ended by SIGHUP -> 2, report written, registration removed"
fi

# Nothing of a failed run may be left in the configuration directory.
if [ -n "$(ls -A "$scratch/conf")" ]; then
  echo "FAILED: the config dir was left with: $(ls -A "$scratch/conf")"
  failures=$((failures + 1))
fi

echo "cli: $failures failed"
[ "$failures" -eq 0 ]

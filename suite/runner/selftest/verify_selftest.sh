#!/usr/bin/env bash
# verify_selftest.sh - self-test of `miconform verify`: it accepts the untouched report directory
# of a complete run, and rejects one with an edited verdict (with and without a manifest made to
# match), a missing case, another library, and a partial run.
# Usage: verify_selftest.sh MICONFORM COMPLETE_RUN_DIR TESTED_LIBRARY OTHER_LIBRARY
miconform=$1
complete=$2
tested=$3
other=$4
source "$(dirname "$0")/script_support.sh" verify

ok() { echo "ok: $*"; }

# verify NAME WANT_STATUS PATTERN [ARGS...]: `miconform verify` of $scratch/NAME.
verify() {
  local name=$1 want=$2 pattern=$3
  shift 3
  "$miconform" verify "$scratch/$name" "$@" >"$scratch/$name.out" 2>&1
  local status=$?
  if [ "$status" -eq "$want" ] && grep -qE -- "$pattern" "$scratch/$name.out"; then
    ok "verify $name -> $status"
  else
    fail "verify $name -> $status (want $want and /$pattern/): $(head -c 1500 "$scratch/$name.out")"
  fi
}

# copy NAME: a fresh copy of the complete run's directory.
copy() { rm -rf "$scratch/$1" && cp -r "$complete" "$scratch/$1"; }

# remanifest NAME: the manifest rewritten to match the files, as a forger would.
remanifest() {
  (cd "$scratch/$1" && sha256sum journal.jsonl junit.xml report.html report.json report.md \
    >manifest.sha256)
}

[ -s "$complete/report.json" ] || { fail "no complete run in $complete"; finish ""; }

copy untouched
verify untouched 0 "a complete run of suite .*: CONFORMANT"
verify untouched 0 "CONFORMANT" --library "$tested"
verify untouched 1 "the run tested another library" --library "$other"
verify untouched 2 "cannot read" --library "$scratch/no-such-library.so"

# One case's verdict edited in report.json.
copy edited
python3 - "$scratch/edited/report.json" <<'EOF'
import json, sys
path = sys.argv[1]
report = json.load(open(path))
report["cases"][0]["verdict"] = "FAIL"
json.dump(report, open(path, "w"), indent=2)
EOF
verify edited 1 "report.json is not as the run wrote it"
remanifest edited
verify edited 1 "report.json says case [a-z0-9_.]+ is FAIL; its journal says"

# A case dropped from the journal, every report file rebuilt from it and the manifest with them.
copy missing
python3 - "$scratch/missing/journal.jsonl" <<'EOF'
import sys
path = sys.argv[1]
lines = open(path).read().splitlines(True)
first_case = next(i for i, line in enumerate(lines) if '"event":"case"' in line)
del lines[first_case]
open(path, "w").write("".join(lines))
EOF
"$miconform" report "$scratch/missing" >/dev/null 2>&1
verify missing 1 "1 of the [0-9]+ must-pass cases were not run"

# A run of one case: PARTIAL, whatever its verdict.
"$miconform" run --filter session_close.sync.idle --report "$scratch/partial" --progress never \
  >/dev/null 2>&1
verify partial 1 "not a conformance claim: .*--filter was session_close.sync.idle"

mkdir -p "$scratch/empty"
verify empty 1 "no manifest.sha256"
verify no-such-dir 2 "is not a report directory"

finish "verify accepts the complete run and rejects every altered or partial one"

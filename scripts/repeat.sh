#!/usr/bin/env bash
# Flake check: runs the suite against a target COUNT times (default 20) and checks that every run
# gives every case the same verdict. Extra arguments go to `miconform run`.
# Usage: scripts/repeat.sh [COUNT] [miconform run options...]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-20}
shift || true
miconform=build/bin/miconform
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for i in $(seq "$count"); do
  status=0
  "$miconform" run --report "$scratch/run$i" --progress never "$@" >/dev/null || status=$?
  python3 - "$scratch/run$i/report.json" >"$scratch/verdicts$i" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
for case in sorted(report["cases"], key=lambda c: c["id"]):
    print(case["id"], case["verdict"])
PY
  echo "exit $status" >>"$scratch/verdicts$i"
  if ! cmp -s "$scratch/verdicts1" "$scratch/verdicts$i"; then
    echo "repeat: run $i differs from run 1:"
    diff "$scratch/verdicts1" "$scratch/verdicts$i" || true
    exit 1
  fi
done
echo "repeat: $count runs, identical verdicts ($(grep -c . "$scratch/verdicts1") lines each, $(tail -1 "$scratch/verdicts1"))"

#!/usr/bin/env bash
# Benchmark (not a test): times the full conformance run against the reference with --jobs 1,
# --jobs 2 and --jobs 4 (RUNS runs each, default 3; the median is printed) and the per-case
# supervision overhead (a do-nothing case under the watchdog versus bare). Extra arguments go to
# `miconform run` (e.g. --no-explore to time the plain run alone). Expects a build in build/.
# Usage: scripts/bench.sh [RUNS] [run options...]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shift || true
miconform=build/bin/miconform
[ -x "$miconform" ] || { echo "bench: build first (bash scripts/build.sh)" >&2; exit 2; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

for jobs in 1 2 4; do
  times=()
  for run in $(seq "$runs"); do
    start=$(date +%s.%N)
    status=0
    "$miconform" run --jobs "$jobs" --report "$scratch/j$jobs-$run" --progress never "$@" >/dev/null || status=$?
    end=$(date +%s.%N)
    [ "$status" -eq 0 ] || { echo "bench: run exited $status" >&2; exit 1; }
    times+=("$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')")
  done
  printf 'full run --jobs %s %s: %s s (runs: %s)\n' "$jobs" "$*" \
    "$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')" \
    "${times[*]}"
done
"$miconform" bench-supervision --count 200

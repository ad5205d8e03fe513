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

# time_runs NAME ARGS...: RUNS timed runs; prints the line and leaves the median in $median.
time_runs() {
  local name=$1
  shift
  local times=() run start end status
  for run in $(seq "$runs"); do
    start=$(date +%s.%N)
    status=0
    "$miconform" run --report "$scratch/$name-$run" --progress never "$@" >/dev/null || status=$?
    end=$(date +%s.%N)
    [ "$status" -eq 0 ] || { echo "bench: run exited $status" >&2; exit 1; }
    times+=("$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')")
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf 'run %s: %s s (runs: %s)\n' "$*" "$median" "${times[*]}"
}

for jobs in 1 2 4; do
  time_runs "j$jobs" --jobs "$jobs" "$@"
done
full=$median

# Time per schedule at --jobs 4: the full run minus the plain run, over the schedules it ran.
schedules=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["run"]["options"].get("schedules-run", "0"))' \
  "$scratch/j4-1/report.json")
if [ "$schedules" -gt 0 ]; then
  time_runs plain --jobs 4 --no-explore "$@"
  awk -v f="$full" -v p="$median" -v n="$schedules" \
    'BEGIN {printf "schedules at --jobs 4: %d, %.1f ms each (full %.2f s - plain %.2f s)\n", n, 1000 * (f - p) / n, f, p}'
fi
"$miconform" bench-supervision --count 200

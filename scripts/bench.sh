#!/usr/bin/env bash
# Benchmark (not a test), one invocation: the default run (with schedule exploration) and the plain
# run (--no-explore) against the reference at --jobs 4 (median of RUNS, default 3), the median time
# of a documented-hang case, the same documented hangs decided by the proof and by the windows
# alone (--no-proof), the kill matrix once, and the per-case supervision overhead. Extra arguments
# go to the two suite runs. Expects a build in build/.
# Usage: scripts/bench.sh [RUNS] [run options...]
#        scripts/bench.sh --stress [RUNS]   (default 10: false verdicts under load, see below)
set -euo pipefail
cd "$(dirname "$0")/.."
miconform=build/bin/miconform
[ -x "$miconform" ] || { echo "bench: build first (bash scripts/build.sh)" >&2; exit 2; }
scratch=$(mktemp -d)
hogs=()
cleanup() {
  [ ${#hogs[@]} -eq 0 ] || kill "${hogs[@]}" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT

# count_false DIR: prints the cases of DIR/report.json whose verdict is neither PASS nor
# DOCUMENTED-HANG (on the conforming reference, each is a false verdict) and returns their count.
count_false() {
  python3 - "$1/report.json" <<'PY'
import json, sys
cases = json.load(open(sys.argv[1]))["cases"]
bad = [c for c in cases if c["verdict"] not in ("PASS", "DOCUMENTED-HANG")]
for c in bad:
    print("  %s %s: %s" % (c["verdict"], c["id"], (c.get("messages") or [""])[-1][:200]))
sys.exit(min(len(bad), 100))
PY
}

# Stress mode: the whole plain suite on the reference, and the memory cases with 30 % of the
# reference's pthread and poll calls delayed by up to 5 ms, while two CPU-bound processes per core
# run beside them; RUNS times. A conforming target must get no verdict but PASS and
# DOCUMENTED-HANG: a slow target is not a hung one.
if [ "${1:-}" = "--stress" ]; then
  runs=${2:-10}
  for _ in $(seq $((2 * $(nproc)))); do
    (while :; do :; done) &
    hogs+=($!)
  done
  false_verdicts=0
  for run in $(seq "$runs"); do
    start=$(date +%s.%N)
    "$miconform" run --no-explore --report "$scratch/stress-$run" --progress never >/dev/null || true
    # A target this slow needs more than the default 60 s budget for its 1000 cycles; with the
    # default it is INCONCLUSIVE (too slow to judge), never HANG. The budget is the documented knob.
    "$miconform" run --no-explore --filter 'memory.*' --report "$scratch/stress-slow-$run" \
      --progress never --budget 600 \
      --inject 'seed=1;mode=random;p=0.3;max_us=5000;only=libmiconform_reference' >/dev/null || true
    end=$(date +%s.%N)
    found=0
    count_false "$scratch/stress-$run" || found=$?
    count_false "$scratch/stress-slow-$run" || found=$((found + $?))
    false_verdicts=$((false_verdicts + found))
    awk -v a="$start" -v b="$end" -v r="$run" -v f="$found" \
      'BEGIN {printf "stress run %d: %.1f s, false verdicts %d\n", r, b - a, f}'
  done
  echo "stress: $runs runs with $((2 * $(nproc))) CPU-bound processes beside them: $false_verdicts false verdicts"
  [ "$false_verdicts" -eq 0 ]
  exit
fi

runs=${1:-3}
shift || true

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
    # 0 CONFORMANT, 3 PARTIAL (--no-explore): the reference's cases conform either way.
    [ "$status" -eq 0 ] || [ "$status" -eq 3 ] || { echo "bench: run exited $status" >&2; exit 1; }
    times+=("$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')")
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf 'run %s: %s s (runs: %s)\n' "$*" "$median" "${times[*]}"
}

time_runs default --jobs 4 "$@"
full=$median
time_runs plain --jobs 4 --no-explore "$@"
plain=$median

# Time per schedule at --jobs 4: the full run minus the plain run, over the schedules it ran.
schedules=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["run"]["options"].get("schedules-run", "0"))' \
  "$scratch/default-1/report.json")
if [ "$schedules" -gt 0 ]; then
  awk -v f="$full" -v p="$plain" -v n="$schedules" \
    'BEGIN {printf "schedules at --jobs 4: %d, %.1f ms each (default %.2f s - plain %.2f s)\n", n, 1000 * (f - p) / n, f, p}'
fi

# How long the documented-hang cases take (median), now that a hang is proven rather than waited out.
python3 - "$scratch/plain-1/report.json" <<'PY'
import json, statistics, sys
cases = json.load(open(sys.argv[1]))["cases"]
hangs = [c["duration_s"] for c in cases if c["verdict"] == "DOCUMENTED-HANG"]
if hangs:
    print("documented-hang cases: %d, median %.0f ms each (max %.0f ms)"
          % (len(hangs), 1000 * statistics.median(hangs), 1000 * max(hangs)))
PY

# The same documented hangs decided by the proof and by the windows alone (--no-proof).
hang_cases='session_close.open_handle.sync_stops_responding,application_close.from_callback,session_close.from_callback_sync.*'
time_runs proof --jobs 1 --no-explore --settle 10 --filter "$hang_cases"
proof=$median
time_runs window --jobs 1 --no-explore --settle 10 --no-proof --filter "$hang_cases"
awk -v p="$proof" -v w="$median" \
  'BEGIN {printf "documented hangs by proof %.2f s, by window %.2f s: %.1fx faster\n", p, w, w / p}'

# The kill matrix, once.
start=$(date +%s.%N)
status=0
"$miconform" mutants --report "$scratch/matrix" --progress never >"$scratch/matrix.txt" 2>&1 || status=$?
end=$(date +%s.%N)
awk -v a="$start" -v b="$end" -v s="$status" 'BEGIN {printf "kill matrix: %.1f s (exit %d)\n", b - a, s}'
grep -E "mutation score|variants:|kills by level" "$scratch/matrix.txt" || true

"$miconform" bench-supervision --count 200

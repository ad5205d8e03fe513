#!/usr/bin/env bash
# AddressSanitizer and UndefinedBehaviorSanitizer: builds the runner, the reference target and the
# scripted handler with both, runs every case of the suite on the reference, and fails when a case
# does not conform or when any process of the run (runner, probe, case processes and what they
# start) wrote a sanitizer report.
#
# A sanitizer build preloads nothing into the case processes (the sanitizers interpose the
# allocator and the pthread functions themselves), so there is no schedule exploration and no heap
# accounting: the run is PARTIAL (exit 3), its memory cases NOT-SUPPORTED, and every other case
# must conform.
#
# Usage: scripts/sanitizers.sh [build|run|all] [DIR]   (default: all build-asan; report: DIR/report)
#
# Built without optimisation and with line tables only (-O0 -g1): with both sanitizers, -O2 -g
# takes about three times as long to compile (one case file: 49 s against 16 s), and a sanitizer
# report needs functions and lines, not variables. ThreadSanitizer runs in scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
step=${1:-all}
dir=${2:-build-asan}
case "$step" in
  build | run | all) ;;
  *)
    echo "usage: scripts/sanitizers.sh [build|run|all] [DIR]" >&2
    exit 2
    ;;
esac

if [ "$step" != run ]; then
  bash scripts/build.sh "$dir" -DMICONFORM_SANITIZER=address,undefined -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_FLAGS_DEBUG=-g1 -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DMICONFORM_RUNNER_BUILDS_MUTANTS=OFF -- \
    miconform miconform_reference miconform_handler
fi
[ "$step" = build ] && exit 0

logs="$dir/sanitizer-logs"
rm -rf "$logs" "$dir/report"
mkdir -p "$logs"
logs=$(cd "$logs" && pwd)
# Every process of the run inherits these (the runner passes its environment on to the case
# processes). log_path: each process writes its reports to a file of its own, so none is lost in
# a case's captured output. UBSan stops at its first report, as ASan does, so the case that met it
# cannot pass.
export ASAN_OPTIONS="log_path=$logs/asan"
export UBSAN_OPTIONS="log_path=$logs/ubsan:halt_on_error=1:print_stacktrace=1"
export LSAN_OPTIONS="log_path=$logs/lsan"

# The run takes 7 to 20 s. Known hazard of this build only: GCC 12's AddressSanitizer allocator is
# not fork-safe, and Boost.Process allocates in the child between fork and exec (asio's
# notify_fork), so a fork made while another thread of the runner holds the allocator's lock
# leaves that child, and the runner reading its exec pipe, blocked for good (the runner parked in
# the launcher's read, the child in the allocator's FutexWait). It was seen in about one run in
# five, more often as the suite grew. glibc's malloc, under which the suite ships, takes its
# locks around fork. A run that has not ended after 60 s (three times its longest length) is
# stopped, said, and run again, three attempts in all; a run that blocks every time fails. (It was
# 90 s: each blocked attempt then cost the CI run a minute and a half of its 15.)
readonly attempt_limit_s=60
run_suite() {
  rm -rf "$dir/report"
  status=0
  timeout --kill-after=10 "$attempt_limit_s" "$dir/bin/miconform" run --report "$dir/report" \
    --progress never || status=$?
}
for attempt in 1 2 3; do
  run_suite
  if [ "$status" -ne 124 ] && [ "$status" -ne 137 ]; then break; fi
  pkill -KILL -f "$dir/bin/miconform" 2>/dev/null || true
  if [ "$attempt" -eq 3 ]; then
    echo "sanitizers.sh: the run had not ended after $attempt_limit_s s, three times" >&2
    exit 1
  fi
  echo "sanitizers.sh: the run had not ended after $attempt_limit_s s (under AddressSanitizer a" \
    "fork can block in its allocator; see the comment above); running it again" >&2
done

reports=$(find "$logs" -type f | sort)
if [ -n "$reports" ]; then
  echo "sanitizers.sh: sanitizer reports were written:" >&2
  for file in $reports; do
    echo "== $file" >&2
    head -n 40 "$file" >&2
  done
  exit 1
fi
# 0 CONFORMANT or 3 PARTIAL (above): every case conforms; 1 or 2 is a finding.
if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
  echo "sanitizers.sh: a case of the reference did not conform under the sanitizers" \
    "(exit $status); see $dir/report/report.md" >&2
  exit 1
fi
echo "sanitizers.sh: every case of the reference conforms under AddressSanitizer and" \
  "UndefinedBehaviorSanitizer; no process of the run wrote a sanitizer report"

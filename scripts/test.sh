#!/usr/bin/env bash
# README command two: installs dependencies, builds, and runs the project's own tests (the
# self-tests of the machinery, under CTest), then the same self-tests built with ThreadSanitizer,
# then every case of the suite on the reference built with AddressSanitizer and
# UndefinedBehaviorSanitizer (scripts/sanitizers.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh build

# The sanitizer trees build at the lowest priority while the tests of the first tree run. Those
# tests mostly wait (the kill matrix is bound by its cases' time limits, not by the processor), so
# the builds take the idle processor and the tests keep it whenever they want it. ThreadSanitizer:
# only the self-test programs whose tests carry the tsan label (and what they need); the mutant
# libraries and the runner are not run under it. Then AddressSanitizer and UBSan: the runner, the
# reference and the handler.
tsan_log=build-tsan.build.log
asan_log=build-asan.build.log
rm -f "$tsan_log.failed" "$asan_log.failed"
setsid nice -n 19 bash -c '
  bash scripts/build.sh build-tsan -DMICONFORM_SANITIZER=thread -- \
    selftest_adapter selftest_cases selftest_handler selftest_injection selftest_reference \
    selftest_reports selftest_runner selftest_watchdog >"$0" 2>&1 || { echo "tsan" >"$0.failed"; exit 1; }
  bash scripts/sanitizers.sh build build-asan >"$1" 2>&1 || { echo "asan" >"$1.failed"; exit 1; }
' "$tsan_log" "$asan_log" &
sanitizer_builds=$!
# Whatever happens below, the background build (its own process group) does not outlive this
# script.
trap 'kill -- "-$sanitizer_builds" 2>/dev/null || true' EXIT

# A failure of the first tree's tests ends the run (the trap stops the background build).
(cd build && ctest --output-on-failure -j "$(nproc)" --timeout 300)

sanitizer_status=0
wait "$sanitizer_builds" || sanitizer_status=$?
trap - EXIT
if [ "$sanitizer_status" -ne 0 ]; then
  for log in "$tsan_log" "$asan_log"; do
    [ -e "$log.failed" ] || continue
    echo "test.sh: the sanitizer build logged in $log failed; the end of its log:" >&2
    tail -n 60 "$log" >&2
  done
  exit "$sanitizer_status"
fi
(cd build-tsan && ctest --output-on-failure -j "$(nproc)" --timeout 300 -L tsan)
bash scripts/sanitizers.sh run build-asan

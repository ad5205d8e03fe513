#!/usr/bin/env bash
# README command two: installs dependencies, builds, and runs the project's own tests (the
# self-tests of the machinery, under CTest), then the same self-tests built with ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh build

# The ThreadSanitizer tree builds at the lowest priority while the tests of the first tree run.
# Those tests mostly wait (the kill matrix is bound by its cases' time limits, not by the
# processor), so the build takes the idle processor and the tests keep it whenever they want it.
# Only the self-test programs whose tests carry the tsan label (and what they need): the mutant
# libraries and the runner are not run under ThreadSanitizer.
tsan_log=build-tsan.build.log
setsid nice -n 19 bash scripts/build.sh build-tsan -DMICONFORM_SANITIZER=thread -- \
  selftest_adapter selftest_cases selftest_handler selftest_injection selftest_reference \
  selftest_reports selftest_runner selftest_watchdog >"$tsan_log" 2>&1 &
tsan_build=$!
# Whatever happens below, the background build (its own process group) does not outlive this
# script.
trap 'kill -- "-$tsan_build" 2>/dev/null || true' EXIT

# A failure of the first tree's tests ends the run (the trap stops the background build).
(cd build && ctest --output-on-failure -j "$(nproc)" --timeout 300)

tsan_status=0
wait "$tsan_build" || tsan_status=$?
trap - EXIT
if [ "$tsan_status" -ne 0 ]; then
  echo "test.sh: the ThreadSanitizer build failed (exit $tsan_status); the end of its log:" >&2
  tail -n 60 "$tsan_log" >&2
  exit "$tsan_status"
fi
(cd build-tsan && ctest --output-on-failure -j "$(nproc)" --timeout 300 -L tsan)

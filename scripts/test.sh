#!/usr/bin/env bash
# README command two: installs dependencies, builds, and runs the project's own tests (the
# self-tests of the machinery, under CTest), then the same self-tests built with ThreadSanitizer,
# then every case on the reference built with AddressSanitizer and UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh build

# The sanitizer trees build at the lowest priority while the tests of the first tree run: the
# ThreadSanitizer tree, then the AddressSanitizer and UndefinedBehaviorSanitizer tree
# (scripts/sanitizers.sh). Those tests mostly wait (the kill matrix is bound by its cases' time
# limits, not by the processor), so the builds take the idle processor and the tests keep it
# whenever they want it. The ThreadSanitizer tree holds only the self-test programs whose tests
# carry the tsan label (and what they need); the other holds the runner, the reference and the
# handler, without the mutants.
sanitizer_log=build-sanitizers.build.log
setsid nice -n 19 bash -c '
  bash scripts/build.sh build-tsan -DMICONFORM_SANITIZER=thread -- \
    selftest_adapter selftest_cases selftest_handler selftest_injection selftest_reference \
    selftest_reports selftest_runner selftest_watchdog &&
  bash scripts/sanitizers.sh build build-asan' >"$sanitizer_log" 2>&1 &
sanitizer_builds=$!
# Whatever happens below, the background builds (their own process group) do not outlive this
# script.
trap 'kill -- "-$sanitizer_builds" 2>/dev/null || true' EXIT

# A failure of the first tree's tests ends the run (the trap stops the background builds).
(cd build && ctest --output-on-failure -j "$(nproc)" --timeout 300)

build_status=0
wait "$sanitizer_builds" || build_status=$?
trap - EXIT
if [ "$build_status" -ne 0 ]; then
  echo "test.sh: a sanitizer build failed (exit $build_status); the end of its log:" >&2
  tail -n 60 "$sanitizer_log" >&2
  exit "$build_status"
fi
(cd build-tsan && ctest --output-on-failure -j "$(nproc)" --timeout 300 -L tsan)
# Every case of the suite on the reference under AddressSanitizer and UBSan: fails on a case that
# does not conform or on any sanitizer report of any process.
bash scripts/sanitizers.sh run build-asan

#!/usr/bin/env bash
# README command two: installs dependencies, builds, and runs the project's own tests (the
# self-tests of the machinery, under CTest), then the same self-tests built with ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh build
(cd build && ctest --output-on-failure -j "$(nproc)" --timeout 300)
# Only the self-test programs whose tests carry the tsan label (and what they need): the mutant
# libraries and the runner are not run under ThreadSanitizer.
bash scripts/build.sh build-tsan -DMICONFORM_SANITIZER=thread -- \
  selftest_adapter selftest_cases selftest_handler selftest_injection selftest_reference \
  selftest_reports selftest_runner selftest_watchdog
(cd build-tsan && ctest --output-on-failure -j "$(nproc)" --timeout 300 -L tsan)

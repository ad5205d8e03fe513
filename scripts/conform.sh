#!/usr/bin/env bash
# README command one: installs dependencies, builds, and runs the conformance suite against the
# embedded reference target, writing the report to build/report/. Extra arguments go to
# `miconform run` (for example --target PATH --config-dir DIR, --jobs 2).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh build
exec build/bin/miconform run --report build/report "$@"

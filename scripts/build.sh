#!/usr/bin/env bash
# Configures and builds miconform into DIR (default build/). Extra arguments go to cmake configure.
# Usage: scripts/build.sh [DIR] [-DMICONFORM_SANITIZER=thread ...]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >"$dir.configure.log" 2>&1 \
  || { cat "$dir.configure.log" >&2; exit 1; }
cmake --build "$dir" -j "$(nproc)"

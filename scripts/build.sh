#!/usr/bin/env bash
# Configures and builds miconform into DIR (default build/). Arguments up to `--` go to cmake
# configure; arguments after `--` name the targets to build (default: all).
# Usage: scripts/build.sh [DIR] [-DMICONFORM_SANITIZER=thread ...] [-- TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
configure=()
targets=()
while [ $# -gt 0 ]; do
  if [ "$1" = "--" ]; then
    shift
    targets=("$@")
    break
  fi
  configure+=("$1")
  shift
done
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${configure[@]}" >"$dir.configure.log" 2>&1 \
  || { cat "$dir.configure.log" >&2; exit 1; }
if [ ${#targets[@]} -eq 0 ]; then
  cmake --build "$dir" -j "$(nproc)"
else
  cmake --build "$dir" -j "$(nproc)" --target "${targets[@]}"
fi

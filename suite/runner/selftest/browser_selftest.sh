#!/usr/bin/env bash
# browser_selftest.sh - report.html in a browser: a conformant run (the reference's complete run)
# and a failing one (a mutant whose close hangs: its first failure has stacks) rendered in headless
# Chromium at 1280 and 400 px by reports/selftest/browser_check.py, which fails on a script error,
# an outside request, a page or table wider than the window, or a first failure whose sentence is
# more than a screen below the summary or whose stacks show no frame of the target.
# Usage: browser_selftest.sh MICONFORM CONFORMANT_REPORT_DIR SCREENSHOT_DIR
miconform=$1
conformant=$2
screenshots=$3
source "$(dirname "$0")/script_support.sh" browser

# The python3 that has the websocket module (Debian's python3-websocket is for /usr/bin/python3).
python=
for candidate in python3 /usr/bin/python3; do
  if "$candidate" -c 'import websocket' 2>/dev/null; then
    python=$candidate
    break
  fi
done
[ -n "$python" ] || { echo "FAIL: no python3 with the websocket module (scripts/setup.sh installs python3-websocket)"; exit 1; }
[ -s "$conformant/report.html" ] || { echo "FAIL: no conformant report at $conformant"; exit 1; }

"$miconform" run --target mutant:lock_across_callback --filter 'session_close.from_callback.*' \
  --no-explore --jobs 2 --progress never --report "$scratch/failing" >"$scratch/failing.out" 2>&1
status=$?
[ "$status" -eq 1 ] || fail "the failing run exited $status, want 1: $(head -c 1500 "$scratch/failing.out")"
grep -q 'class="target-frame"' "$scratch/failing/report.html" || fail "the failing report shows no target frame"

"$python" "$(dirname "$0")/../../../reports/selftest/browser_check.py" --first-failure-within \
  --screenshots "$screenshots" conformant="$conformant/report.html" failing="$scratch/failing/report.html" ||
  fail "browser_check found problems (above)"
for name in conformant-1280 conformant-400 failing-1280 failing-400; do
  [ -s "$screenshots/$name.png" ] || fail "no screenshot $name.png"
done
finish "both reports pass in the browser at 1280 and 400 px; screenshots in $screenshots"

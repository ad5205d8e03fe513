#!/usr/bin/env bash
# hostile_selftest.sh - the runner against the corpus of hostile target libraries
# (hostile/hostile_target.c, one library per act): each run must leave the runner standing with
# its documented exit status, judge the right verdict, write a valid report, and leave no process
# behind. Usage: hostile_selftest.sh MICONFORM HOSTILE_LIBRARY_DIR
miconform=$1
library_dir=$2
source "$(dirname "$0")/script_support.sh" hostile
cases='session_close.sync.after_operations_closed,session_close.async.null_context'

# check ACT EXIT_STATUS VERDICT [TEXT]: every case of the run has VERDICT, and, when given, some
# case message holds TEXT.
check() {
  act=$1
  local want_status=$2 want_verdict=$3 want_text=${4:-}
  local library="$library_dir/libmiconform_hostile_$act.so"
  local run="$scratch/$act"
  mkdir -p "$run/conf" "$run/pids"
  : > "$run/conf/omicli.conf"
  # The reference behind the act reads its handlers from the directory the run registers in.
  HOSTILE_PID_DIR="$run/pids" MICONFORM_REFERENCE_CONFIG_DIR="$run/conf" timeout 120 "$miconform" run --target "$library" \
    --config-dir "$run/conf" --filter "$cases" --no-explore --jobs 2 --timeout 2 --eventually 1000 --settle 500 \
    --hang-window 500 --report "$run/report" --progress never > "$run/stdout" 2> "$run/stderr"
  local status=$?
  [ "$status" -eq "$want_status" ] || fail "$act: exit status $status, expected $want_status; stderr: $(tail -c 600 "$run/stderr")"
  python3 - "$run/report/report.json" "$want_verdict" "$want_text" <<'EOF'
import json, sys
path, verdict, text = sys.argv[1:4]
report = json.load(open(path))
cases = report["cases"]
if len(cases) != 2:
    sys.exit(f"{len(cases)} cases in the report, expected 2")
for case in cases:
    if case["verdict"] != verdict:
        sys.exit(f"{case['id']}: {case['verdict']}, expected {verdict}: {case.get('messages')}")
if text and not any(text in message for case in cases for message in case.get("messages", [])):
    sys.exit(f"no case message holds '{text}'")
EOF
  [ $? -eq 0 ] || fail "$act: the report is not right"
  # Nothing the hostile library started may outlive the run.
  local file pid
  for file in "$run"/pids/*; do
    [ -e "$file" ] || continue
    pid=${file##*/}
    if kill -0 "$pid" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; then
      fail "$act: process $pid of the run is still alive: $(tr '\0' ' ' < /proc/$pid/cmdline 2>/dev/null)"
      kill -9 "$pid" 2>/dev/null
    fi
  done
  # The registration is gone: the vendor's file is as it was (empty).
  [ ! -s "$run/conf/omicli.conf" ] || fail "$act: omicli.conf still holds: $(cat "$run/conf/omicli.conf")"
}

check daemonize 3 PASS
check sigterm_runner 3 PASS "sent SIGTERM"
check sighup_runner 3 PASS "sent SIGHUP"
check flood_output 3 PASS
check forge_end 1 CRASH "did not write"
check flood_channel 1 CRASH "did not write"
check crash 1 CRASH "SIGSEGV"
check exit_mid_case 1 CRASH "without reaching its end"
check hang 1 HANG "MI_Application_Initialize"
check escape_group_hang 1 HANG "MI_Application_Initialize"
check daemonize_hang 1 HANG "MI_Application_Initialize"
check ignore_sigterm_hang 1 HANG "MI_Application_Initialize"
check sigstop 1 HANG "MI_Application_Initialize"

finish "all hostile targets: the runner stood, judged them right, wrote valid reports, left nothing behind"

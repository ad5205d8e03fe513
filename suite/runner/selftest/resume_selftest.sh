#!/usr/bin/env bash
# resume_selftest.sh - a run killed with SIGKILL and resumed with `run --resume DIR` judges every
# case as an uninterrupted run does; `miconform report DIR` rebuilds a report from its journal
# alone; a resume with other options, or of a directory without a journal, is refused (exit 2).
# Usage: resume_selftest.sh MICONFORM TARGET
miconform=$1
target=$2
source "$(dirname "$0")/script_support.sh" resume
options=(--target "$target" --filter 'session_close.*,operation_close.*,cancel.*' --no-explore
         --eventually 2000)

# verdicts DIR: "case verdict" lines of DIR/report.json, sorted.
verdicts() {
  python3 -c '
import json, sys
for case in sorted(json.load(open(sys.argv[1]))["cases"], key=lambda c: c["id"]):
    print(case["id"], case["verdict"])' "$1/report.json"
}

# The run as it should be.
"$miconform" run "${options[@]}" --jobs 2 --report "$scratch/whole" --progress never > /dev/null
whole_status=$?
verdicts "$scratch/whole" > "$scratch/whole.verdicts" || fail "the uninterrupted run wrote no report"
total=$(wc -l < "$scratch/whole.verdicts")

# The same run, killed with SIGKILL once a third of its cases are judged.
"$miconform" run "${options[@]}" --jobs 1 --report "$scratch/killed" --progress always \
  > /dev/null 2> "$scratch/killed.err" &
run=$!
waited=0
until [ "$(grep -c '^\[' "$scratch/killed.err" 2>/dev/null || true)" -ge $((total / 3)) ] ||
  ! kill -0 "$run" 2>/dev/null || [ "$waited" -ge 6000 ]; do
  sleep 0.02
  waited=$((waited + 1))
done
kill -KILL "$run" 2>/dev/null
wait "$run" 2>/dev/null
recorded=$(grep -c '"event":"case"' "$scratch/killed/journal.jsonl")
[ "$recorded" -gt 0 ] && [ "$recorded" -lt "$total" ] ||
  fail "the killed run recorded $recorded of $total cases (want some, not all)"
# A writer killed mid-line leaves half a line; a resumed run must cope with it.
printf '{"event":"case","case":{"id":"half' >> "$scratch/killed/journal.jsonl"

# The journal alone rebuilds a report of what was judged.
"$miconform" report "$scratch/killed" > "$scratch/report.out" 2>&1 || fail "report of the killed run: $(cat "$scratch/report.out")"
[ "$(verdicts "$scratch/killed" | wc -l)" -eq "$recorded" ] || fail "the rebuilt report does not hold the $recorded judged cases"

# Other options, or no journal: refused.
"$miconform" run "${options[@]}" --timeout 7 --resume "$scratch/killed" > "$scratch/mismatch.out" 2>&1
[ $? -eq 2 ] && grep -q "not the same run" "$scratch/mismatch.out" || fail "a resume with another --timeout was not refused: $(cat "$scratch/mismatch.out")"
mkdir -p "$scratch/empty"
"$miconform" run "${options[@]}" --resume "$scratch/empty" > "$scratch/empty.out" 2>&1
[ $? -eq 2 ] && grep -q "nothing to resume" "$scratch/empty.out" || fail "a resume without a journal was not refused: $(cat "$scratch/empty.out")"

# Resumed: the same verdicts as the uninterrupted run, and only the rest was run.
"$miconform" run "${options[@]}" --jobs 2 --resume "$scratch/killed" --progress always > /dev/null 2> "$scratch/resumed.err"
resumed_status=$?
[ "$resumed_status" -eq "$whole_status" ] || fail "the resumed run exited $resumed_status, the uninterrupted one $whole_status"
ran_again=$(grep -c '^\[' "$scratch/resumed.err")
[ "$ran_again" -eq $((total - recorded)) ] || fail "the resumed run ran $ran_again cases, want $((total - recorded))"
verdicts "$scratch/killed" > "$scratch/resumed.verdicts"
diff "$scratch/whole.verdicts" "$scratch/resumed.verdicts" > "$scratch/diff" || fail "verdicts differ: $(cat "$scratch/diff")"

# `report` of a whole run gives back its verdicts.
cp "$scratch/whole/report.json" "$scratch/whole.report.json"
rm "$scratch/whole/report.json"
"$miconform" report "$scratch/whole" > /dev/null || fail "report of the whole run"
verdicts "$scratch/whole" | diff "$scratch/whole.verdicts" - > /dev/null || fail "the rebuilt whole report differs"

finish "$recorded of $total cases judged before SIGKILL; resumed, the same $total verdicts"

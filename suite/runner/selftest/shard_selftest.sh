#!/usr/bin/env bash
# shard_selftest.sh - self-test of GoogleTest's sharding variables: `miconform run` under
# GTEST_TOTAL_SHARDS / GTEST_SHARD_INDEX runs exactly its shard of the selected cases (two shards
# together are the unsharded run, verdict for verdict), creates GTEST_SHARD_STATUS_FILE, refuses
# bad shard values with exit status 2, and no GTEST_* variable of the caller reaches a case's
# child (GTEST_OUTPUT makes no child write an XML file).
# Usage: shard_selftest.sh PATH-TO-MICONFORM
miconform=$1
source "$(dirname "$0")/script_support.sh" sharding
filter='session_close.sync.*,session_close.async.*,session_close.foreign_handle.*,session_close.from_callback.instance_*'

ok() { echo "ok: $*"; }

# run NAME [VAR=VALUE...]: `miconform run` of the filter with only the given GTEST_* variables in
# its environment, from $scratch/cwd, its report in $scratch/NAME; the status is in $status.
status=
run() {
  local name=$1
  shift
  (cd "$scratch/cwd" && env -u GTEST_TOTAL_SHARDS -u GTEST_SHARD_INDEX -u GTEST_SHARD_STATUS_FILE \
    -u GTEST_OUTPUT "$@" timeout 300 "$miconform" run --no-explore --filter "$filter" \
    --report "$scratch/$name" --progress never >"$scratch/$name.out" 2>&1)
  status=$?
}

# cases REPORT-DIR: "ID VERDICT" lines of a report, sorted.
cases() {
  python3 -c 'import json,sys
for case in json.load(open(sys.argv[1] + "/report.json"))["cases"]:
    print(case["id"], case["verdict"])' "$1" | sort
}

# option REPORT-DIR NAME: the value of a run option in the report ("(none)" when absent).
option() {
  python3 -c 'import json,sys
print(json.load(open(sys.argv[1] + "/report.json"))["run"]["options"].get(sys.argv[2], "(none)"))' \
    "$1" "$2"
}

mkdir -p "$scratch/cwd" "$scratch/xml"

run all
[ "$status" -eq 3 ] && ok "unsharded filtered run -> 3 (PARTIAL)" ||
  fail "unsharded filtered run -> $status (want 3, PARTIAL)"
cases "$scratch/all" >"$scratch/all.cases"
count=$(wc -l <"$scratch/all.cases")
[ "$count" -ge 8 ] && ok "unsharded run judged $count cases" || fail "unsharded run judged $count cases"
[ "$(option "$scratch/all" shard)" = "(none)" ] && ok "an unsharded report names no shard" ||
  fail "an unsharded report names shard $(option "$scratch/all" shard)"

for index in 0 1; do
  run "shard$index" GTEST_TOTAL_SHARDS=2 GTEST_SHARD_INDEX=$index \
    GTEST_SHARD_STATUS_FILE="$scratch/status$index" GTEST_OUTPUT="xml:$scratch/xml/"
  [ "$status" -eq 0 ] && ok "shard $index/2 -> 0" || fail "shard $index/2 -> $status (want 0)"
  cases "$scratch/shard$index" >"$scratch/shard$index.cases"
  [ -e "$scratch/status$index" ] && ok "shard $index/2 created GTEST_SHARD_STATUS_FILE" ||
    fail "shard $index/2 did not create GTEST_SHARD_STATUS_FILE"
  shard=$(option "$scratch/shard$index" shard)
  [ "$shard" = "$index/2" ] && ok "the report of shard $index/2 says shard $shard" ||
    fail "the report of shard $index/2 says shard $shard"
  [ -s "$scratch/shard$index.cases" ] && ok "shard $index/2 ran cases" || fail "shard $index/2 ran no case"
done

both=$(cat "$scratch/shard0.cases" "$scratch/shard1.cases" | cut -d' ' -f1 | sort | uniq -d)
[ -z "$both" ] && ok "the shards' cases are disjoint" || fail "cases in both shards: $both"
if diff <(sort "$scratch/shard0.cases" "$scratch/shard1.cases") "$scratch/all.cases" >"$scratch/diff"; then
  ok "the shards together are the unsharded run, verdict for verdict"
else
  fail "the shards differ from the unsharded run (< shards, > unsharded):"
  head -20 "$scratch/diff"
  grep -h "^  " "$scratch/shard0.out" "$scratch/shard1.out" | head -5
fi

# `miconform merge` makes one report of the two shards: the unsharded run's verdicts, no shard in
# its record, the claim of the cases together (PARTIAL here: a filter), its own journal and
# manifest; shards of different runs and a case in two shards are refused.
"$miconform" merge --report "$scratch/merged" "$scratch/shard0" "$scratch/shard1" \
  >"$scratch/merged.out" 2>&1
status=$?
[ "$status" -eq 3 ] && ok "merge of the two shards -> 3 (PARTIAL: a filter)" ||
  fail "merge of the two shards -> $status (want 3): $(cat "$scratch/merged.out")"
if cases "$scratch/merged" | diff - "$scratch/all.cases" >"$scratch/merged.diff"; then
  ok "the merged report is the unsharded run, verdict for verdict"
else
  fail "the merged report differs from the unsharded run: $(head -10 "$scratch/merged.diff")"
fi
[ "$(option "$scratch/merged" shard)" = "(none)" ] && ok "the merged report names no shard" ||
  fail "the merged report names shard $(option "$scratch/merged" shard)"
claim=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["claim"])' \
  "$scratch/merged/report.json")
[ "$claim" = "PARTIAL" ] && ok "the merged report claims PARTIAL" || fail "the merged report claims $claim"
(cd "$scratch/merged" && sha256sum --quiet -c manifest.sha256) >/dev/null 2>&1 &&
  ok "the merged directory's manifest checks with sha256sum -c" || fail "the merged manifest does not check"
"$miconform" merge --report "$scratch/twice" "$scratch/shard0" "$scratch/shard0" >"$scratch/twice.out" 2>&1
status=$?
[ "$status" -eq 2 ] && grep -q "judged in both" "$scratch/twice.out" &&
  ok "a shard merged twice is refused (2)" || fail "a shard merged twice -> $status: $(cat "$scratch/twice.out")"

produced=$(find "$scratch/xml" "$scratch/cwd" -type f | head -5)
[ -z "$produced" ] && ok "GTEST_OUTPUT made no child write a file" ||
  fail "GTEST_OUTPUT reached the children, who wrote: $produced"

# A shard left with no case (more shards than selected cases) is a success with an empty report.
filter='session_close.sync.idle'
run empty GTEST_TOTAL_SHARDS=3 GTEST_SHARD_INDEX=1
[ "$status" -eq 0 ] && ok "an empty shard -> 0" || fail "an empty shard -> $status (want 0)"
[ -s "$scratch/empty/report.json" ] && [ -z "$(cases "$scratch/empty")" ] &&
  ok "an empty shard writes a report without cases" || fail "an empty shard's report is missing or not empty"
run one GTEST_TOTAL_SHARDS=3 GTEST_SHARD_INDEX=0
[ "$status" -eq 0 ] && [ "$(cases "$scratch/one")" = "session_close.sync.idle PASS" ] &&
  ok "shard 0/3 of one case runs it" || fail "shard 0/3 of one case -> $status: $(cases "$scratch/one")"
# Shards of runs with other options (here the filter) are no shards of one run.
"$miconform" merge --report "$scratch/mixed" "$scratch/shard0" "$scratch/one" >"$scratch/mixed.out" 2>&1
status=$?
[ "$status" -eq 2 ] && grep -q "not shards of one run" "$scratch/mixed.out" &&
  ok "shards of different runs are refused (2)" || fail "shards of different runs -> $status: $(cat "$scratch/mixed.out")"

# Bad shard values: exit status 2, a message naming the variable, nothing run.
bad=0
for values in "2 2" "2 -1" "0 0" "abc 0" "2 1x" "2 " "' ' 0" "4294967298 0"; do
  eval "set -- $values"
  bad=$((bad + 1))
  run "bad$bad" GTEST_TOTAL_SHARDS="$1" GTEST_SHARD_INDEX="${2-}"
  if [ "$status" -eq 2 ] && grep -q "GTEST_" "$scratch/bad$bad.out" &&
    [ ! -e "$scratch/bad$bad/report.json" ]; then
    ok "GTEST_TOTAL_SHARDS='$1' GTEST_SHARD_INDEX='${2-}' -> 2: $(head -1 "$scratch/bad$bad.out")"
  else
    fail "GTEST_TOTAL_SHARDS='$1' GTEST_SHARD_INDEX='${2-}' -> $status (want 2, a GTEST_ message, no report):"
    head -5 "$scratch/bad$bad.out"
  fi
done
for variable in GTEST_TOTAL_SHARDS GTEST_SHARD_INDEX; do
  bad=$((bad + 1))
  run "bad$bad" "$variable=1"
  if [ "$status" -eq 2 ] && grep -q "GTEST_" "$scratch/bad$bad.out"; then
    ok "$variable alone -> 2: $(head -1 "$scratch/bad$bad.out")"
  else
    fail "$variable alone -> $status (want 2 and a GTEST_ message):"
    head -5 "$scratch/bad$bad.out"
  fi
done
bad=$((bad + 1))
run "bad$bad" GTEST_TOTAL_SHARDS=2 GTEST_SHARD_INDEX=0 GTEST_SHARD_STATUS_FILE=/nonexistent/dir/status
if [ "$status" -eq 2 ] && grep -q "GTEST_SHARD_STATUS_FILE" "$scratch/bad$bad.out"; then
  ok "an unwritable GTEST_SHARD_STATUS_FILE -> 2: $(head -1 "$scratch/bad$bad.out")"
else
  fail "an unwritable GTEST_SHARD_STATUS_FILE -> $status (want 2 and a message naming it):"
  head -5 "$scratch/bad$bad.out"
fi

finish "all sharding checks passed"

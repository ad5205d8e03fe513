#!/usr/bin/env bash
# baseline_selftest.sh - self-test of a vendor's baselines: `run --expectations` and `--fail-on
# unexpected`, the report's marks (kept by `report DIR` and `merge`), `diff` and `compare`, and
# their refusals of bad input. Against a mutant that fails quickly without hanging
# (SC-PARAM-CB-1: its completion callback is called twice), on the session_close cases.
# Usage: baseline_selftest.sh MICONFORM MUTANT_TARGET
miconform=$1
mutant=$2
source "$(dirname "$0")/script_support.sh" baseline

cases='session_close.*'
# run NAME WANT_STATUS [ARGS...]: a run of the session_close cases into $scratch/NAME.
run() {
  local name=$1 want=$2
  shift 2
  "$miconform" run --filter "$cases" --no-explore --jobs 2 --progress never \
    --report "$scratch/$name" "$@" >"$scratch/$name.out" 2>&1
  local status=$?
  [ "$status" -eq "$want" ] || fail "run $name -> $status, want $want: $(head -c 1500 "$scratch/$name.out")"
}
# expect_output NAME PATTERN: the output of the command NAME matches.
expect_output() {
  grep -qE -- "$2" "$scratch/$1.out" || fail "$1: no /$2/ in: $(head -c 1500 "$scratch/$1.out")"
}
# json NAME EXPRESSION: a Python expression over report.json of NAME (as `r`), printed.
json() {
  python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print($2)" "$scratch/$1/report.json"
}

cat >"$scratch/known.txt" <<'ENTRIES'
# the mutant's known failure, and an entry the run will show can go
SC-PARAM-CB-1  FAILS  completion called twice, https://bugs.example/1
session_close.sync.idle FAILS thought broken
ENTRIES
printf 'session_close.sync.idle FAILS thought broken\n' >"$scratch/partly.txt"

# Every failure known: NOT CONFORMANT still, but --fail-on unexpected exits as PARTIAL (filtered).
run known 3 --target "$mutant" --expectations "$scratch/known.txt" --fail-on unexpected
expect_output known "NOT CONFORMANT"
expect_output known "0 unexpected failures, 1 unexpected pass"
expect_output known "session_close.sync.idle \(UNEXPECTED pass"
[ "$(json known "r['summary']['unexpected_failures']")" = 0 ] || fail "known: unexpected failures"
[ "$(json known "[c['expectation']['outcome'] for c in r['cases'] if c['id']=='session_close.async.null_context'][0]")" = expected-failure ] ||
  fail "known: null_context is not an expected failure"
grep -q "  expectations.txt$" "$scratch/known/manifest.sha256" || fail "known: manifest lacks expectations.txt"
# One fault, one root cause: every failing case in one group, and each FAIL says what the
# scripted handler had seen when its first check failed.
[ "$(json known "len(r['root_causes'])")" = 1 ] || fail "known: not one root cause: $(json known "r['root_causes']")"
[ "$(json known "all(c['evidence']['transport_at_failure'] for c in r['cases'] if c['verdict']=='FAIL')")" = True ] ||
  fail "known: a FAIL without the transport at its first failed check"
grep -q "^## Root causes" "$scratch/known/report.md" || fail "known: report.md has no root causes"
# Without --fail-on, a known failure is still a failure.
run known_any 1 --target "$mutant" --expectations "$scratch/known.txt"
# An entry missing: its failures are unexpected.
run partly 1 --target "$mutant" --expectations "$scratch/partly.txt" --fail-on unexpected
[ "$(json partly "r['summary']['unexpected_failures'] > 0")" = True ] || fail "partly: no unexpected failure"

# The journal alone rebuilds the same report, marks included.
cp "$scratch/known/report.json" "$scratch/known.json"
cp "$scratch/known/report.md" "$scratch/known.md"
"$miconform" report "$scratch/known" >/dev/null 2>&1 || fail "report known failed"
cmp -s "$scratch/known.json" "$scratch/known/report.json" || fail "report: report.json differs from the run's"
cmp -s "$scratch/known.md" "$scratch/known/report.md" || fail "report: report.md differs from the run's"

# --resume requires the expectations the run was given.
resume() {
  local name=$1 want=$2
  shift 2
  "$miconform" run --resume "$scratch/known" --target "$mutant" --filter "$cases" --no-explore \
    --jobs 2 --progress never "$@" >"$scratch/$name.out" 2>&1
  local status=$?
  [ "$status" -eq "$want" ] || fail "$name -> $status, want $want: $(head -c 1500 "$scratch/$name.out")"
}
resume resume_other 2 --expectations "$scratch/partly.txt"
expect_output resume_other "cannot resume: the interrupted run was given other expectations"
resume resume_none 2
expect_output resume_none "cannot resume: the interrupted run was given other expectations"
resume resume_same 3 --expectations "$scratch/known.txt" --fail-on unexpected

# Bad expectations are refused before any case runs.
printf 'SC-PARAM-CB-1 FAILS x\nsession_close.no_such_case FAILS typo\n' >"$scratch/typo.txt"
run typo 2 --expectations "$scratch/typo.txt"
expect_output typo "'session_close.no_such_case' is neither a case nor a requirement"
printf 'SC-PARAM-CB-1 FAILS x\nSC-REM-3 BROKEN y\n' >"$scratch/malformed.txt"
run malformed 2 --expectations "$scratch/malformed.txt"
expect_output malformed "malformed.txt: line 2: 'BROKEN' is no expectation"
printf '# nothing\n' >"$scratch/empty.txt"
run empty 2 --expectations "$scratch/empty.txt"
expect_output empty "no entry"
run missing_file 2 --expectations "$scratch/no-such-file.txt"
run fail_on_alone 2 --fail-on unexpected
expect_output fail_on_alone "requires --expectations"
[ ! -e "$scratch/typo/journal.jsonl" ] || fail "typo: a case ran"

# Shards given the same expectations merge with them; different ones are refused.
GTEST_TOTAL_SHARDS=2 GTEST_SHARD_INDEX=0 run shard0 0 --target "$mutant" \
  --expectations "$scratch/known.txt" --fail-on unexpected
GTEST_TOTAL_SHARDS=2 GTEST_SHARD_INDEX=1 run shard1 0 --target "$mutant" \
  --expectations "$scratch/known.txt" --fail-on unexpected
"$miconform" merge --report "$scratch/merged" "$scratch/shard0" "$scratch/shard1" \
  >"$scratch/merged.out" 2>&1
[ -s "$scratch/merged/expectations.txt" ] || fail "merge: no expectations.txt"
expect_output merged "0 unexpected failures"
[ "$(json merged "[c['verdict'] for c in r['cases']]")" = "$(json known "[c['verdict'] for c in r['cases']]")" ] ||
  fail "merge: the merged verdicts are not the unsharded run's"
"$miconform" merge --fail-on unexpected --report "$scratch/merged_gated" "$scratch/shard0" \
  "$scratch/shard1" >"$scratch/merged_gated.out" 2>&1
[ $? -eq 3 ] || fail "merge --fail-on unexpected of shards whose failures were all expected did not exit 3"
GTEST_TOTAL_SHARDS=2 GTEST_SHARD_INDEX=1 run shard1_other 1 --target "$mutant" \
  --expectations "$scratch/partly.txt"
"$miconform" merge --report "$scratch/mixed" "$scratch/shard0" "$scratch/shard1_other" \
  >"$scratch/mixed.out" 2>&1
[ $? -eq 2 ] || fail "merge of shards with different expectations was not refused"
expect_output mixed "different expectations"

# diff: the same run, a fix, and unreadable input.
"$miconform" diff "$scratch/known" "$scratch/known" >"$scratch/same.out" 2>&1
[ $? -eq 0 ] || fail "diff of a run with itself did not exit 0"
expect_output same "no verdict changed"
run reference 3
"$miconform" diff "$scratch/known" "$scratch/reference" >"$scratch/fixed.out" 2>&1
[ $? -eq 1 ] || fail "diff mutant -> reference did not exit 1"
expect_output fixed "target SHA-256: "
expect_output fixed "requirement SC-PARAM-CB-1: FAIL -> PASS"
expect_output fixed "^fixed \("
"$miconform" diff "$scratch/reference" "$scratch/known" >"$scratch/broken.out" 2>&1
expect_output broken "^new failures \("
"$miconform" diff "$scratch/known" "$scratch/no-such-dir" >"$scratch/diff_bad.out" 2>&1
[ $? -eq 2 ] || fail "diff of a missing directory did not exit 2"
expect_output diff_bad "no-such-dir is not a report directory"

# compare: one row per requirement, one column per run, the difference marked.
"$miconform" compare --output "$scratch/cmp" "$scratch/known" "$scratch/reference" \
  >"$scratch/cmp.out" 2>&1 || fail "compare failed: $(cat "$scratch/cmp.out")"
grep -qE '^\| `SC-PARAM-CB-1` \| MUST \| .* \| FAIL \| PASS \| yes \|$' "$scratch/cmp/compare.md" ||
  fail "compare.md: no SC-PARAM-CB-1 row FAIL | PASS | yes"
grep -qE '^\| `SC-DESC-1` \| MUST \| .* \| PASS \| PASS \| \|$' "$scratch/cmp/compare.md" ||
  fail "compare.md: SC-DESC-1 is not PASS | PASS"
grep -q "Content-Security-Policy" "$scratch/cmp/compare.html" || fail "compare.html is not the page"
"$miconform" compare --output "$scratch/cmp2" "$scratch/known" "$scratch/empty" \
  >"$scratch/cmp_bad.out" 2>&1
[ $? -eq 2 ] || fail "compare of a directory without a report did not exit 2"

finish "expectations mark and gate, rebuild and merge keep them; diff and compare read runs"

#!/usr/bin/env bash
# junit_consumer_selftest.sh - junit.xml as a CI server reads it: real runs (a mutant that fails
# fast, the reference with its documented hangs) read back with junitparser (Debian's
# python3-junitparser, see scripts/setup.sh). Checks a <testsuites> root with one <testsuite>
# carrying hostname and timestamp, counts that match report.json's case verdicts, FAIL/HANG/CRASH
# as failures typed by the verdict, ERROR as the only error, passes for DOCUMENTED-HANG (its
# citation in system-out), case times as report.json has them, and the suite's time being the
# run's wall-clock time: below the sum of the case times when cases ran in parallel.
# Usage: junit_consumer_selftest.sh MICONFORM
set -u
miconform=$1
scratch=$(mktemp -d /tmp/miconform-junit-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
failures=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# The first python3 that has junitparser: the Debian package installs it for /usr/bin/python3,
# which another python3 earlier on PATH (a pyenv shim, a virtualenv) may not see.
python=
for candidate in python3 /usr/bin/python3; do
  if "$candidate" -c 'import junitparser' 2> /dev/null; then
    python=$candidate
    break
  fi
done
if [ -z "$python" ]; then
  echo "FAIL: no python3 with junitparser (scripts/setup.sh installs python3-junitparser)"
  exit 1
fi

# consume DIR VERDICTS [parallel]: reads DIR/junit.xml with junitparser and checks it against
# DIR/report.json; VERDICTS (comma-separated) must all occur among the run's cases, so that the
# run did exercise the mappings it is meant to. With `parallel`, the suite's time must also be
# below the sum of the case times (a run whose cases overlapped enough to outweigh its start-up).
consume() {
  "$python" - "$1" "$2" "${3:-}" << 'EOF'
import datetime
import json
import re
import sys

from junitparser import Error, Failure, JUnitXml, Skipped

directory, wanted, parallel = sys.argv[1], sys.argv[2].split(","), sys.argv[3] == "parallel"
report = json.load(open(directory + "/report.json"))
xml = JUnitXml.fromfile(directory + "/junit.xml")
problems = []


def check(ok, what):
    if not ok:
        problems.append(what)


def xml_safe(text):  # what the writer makes of characters XML 1.0 forbids
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "\ufffd", text)


def instant(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")


FAILURES = {"FAIL", "HANG", "CRASH"}
SKIPPED = {"NOT-SUPPORTED", "NOT-EXERCISED", "INCONCLUSIVE"}
PASSED = {"PASS", "DOCUMENTED-HANG", "DEVIATION"}

cases = {case["id"]: case for case in report["cases"]}
verdicts = [case["verdict"] for case in report["cases"]]
for verdict in wanted:
    check(verdict in verdicts, "the run has no %s case to check: %s" % (verdict, verdicts))

check(isinstance(xml, JUnitXml), "the root is not <testsuites>")
suites = list(xml) if isinstance(xml, JUnitXml) else []
check(len(suites) == 1, "want one <testsuite>, got %d" % len(suites))
if len(suites) == 1:
    suite = suites[0]
    expected = {
        "tests": len(verdicts),
        "failures": sum(v in FAILURES for v in verdicts),
        "errors": sum(v == "ERROR" for v in verdicts),
        "skipped": sum(v in SKIPPED for v in verdicts),
    }
    for name, count in expected.items():
        check(getattr(suite, name) == count,
              "testsuite %s=%s, report.json says %d" % (name, getattr(suite, name), count))
        check(getattr(xml, name) == count,
              "testsuites %s=%s, report.json says %d" % (name, getattr(xml, name), count))

    # The suite's time is the run's wall-clock time, started to ended.
    run = report["run"]
    wall = (instant(run["ended"]) - instant(run["started"])).total_seconds()
    total = sum(case["duration_s"] for case in report["cases"])
    check(abs(suite.time - wall) < 0.0015,
          "suite time %s, the run took %.3f s" % (suite.time, wall))
    check(xml.time == suite.time, "testsuites time %s, testsuite time %s" % (xml.time, suite.time))
    if parallel:
        check(suite.time < total,
              "suite time %s not below the %.3f s its cases took in parallel" % (suite.time, total))
    check(bool(suite.hostname) and run["host"].startswith(suite.hostname),
          "hostname %r is not the host of %r" % (suite.hostname, run["host"]))
    check(suite.timestamp == run["started"][:19],
          "timestamp %r, the run started %r" % (suite.timestamp, run["started"]))
    check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", suite.timestamp or "") is not None,
          "timestamp %r is not the JUnit schema's ISO 8601" % suite.timestamp)

    seen = set()
    for testcase in suite:
        name = testcase.name
        seen.add(name)
        case = cases.get(name)
        if case is None:
            problems.append("testcase %s is not in report.json" % name)
            continue
        verdict = case["verdict"]
        results = testcase.result
        messages = [xml_safe(message) for message in case["messages"]]
        message = verdict + (": " + "; ".join(messages) if messages else "")
        check(abs(testcase.time - case["duration_s"]) < 0.0006,
              "%s: time %s, report.json says %s" % (name, testcase.time, case["duration_s"]))
        if verdict in FAILURES:
            ok = len(results) == 1 and isinstance(results[0], Failure)
            check(ok, "%s (%s): want one Failure, got %s" % (name, verdict, results))
            if ok:
                check(results[0].type == verdict,
                      "%s: failure type %r, want %r" % (name, results[0].type, verdict))
                check(results[0].message == message,
                      "%s: failure message %r, want %r" % (name, results[0].message, message))
        elif verdict == "ERROR":
            ok = len(results) == 1 and isinstance(results[0], Error)
            check(ok, "%s (ERROR): want one Error, got %s" % (name, results))
            if ok:
                check(results[0].type == "ERROR", "%s: error type %r" % (name, results[0].type))
        elif verdict in SKIPPED:
            check(testcase.is_skipped and len(results) == 1 and isinstance(results[0], Skipped),
                  "%s (%s): want skipped, got %s" % (name, verdict, results))
            check(results and results[0].message == message,
                  "%s: skipped message %r, want %r"
                  % (name, results and results[0].message, message))
        else:
            check(verdict in PASSED, "%s: unknown verdict %s" % (name, verdict))
            check(testcase.is_passed, "%s (%s): want a pass, got %s" % (name, verdict, results))
        if verdict in {"DOCUMENTED-HANG", "DEVIATION"}:
            out = testcase.system_out or ""
            check("verdict: " + verdict in out,
                  "%s: system-out does not state %s" % (name, verdict))
            for text in messages:  # the citation: the documented hang, and where it happened
                check(text in out, "%s: system-out lacks %r" % (name, text))
    check(seen == set(cases), "testcases %s, report.json cases %s" % (sorted(seen), sorted(cases)))

for problem in problems:
    print("  " + problem)
sys.exit(1 if problems else 0)
EOF
}

# A mutant that calls the completion callback twice: FAIL verdicts, fast.
"$miconform" run --target mutant:completion_called_twice \
  --filter 'session_close.async.*,session_close.sync.*' --no-explore --jobs 2 \
  --report "$scratch/mutant" --progress never > "$scratch/mutant.out" 2>&1
status=$?
[ "$status" -eq 1 ] ||
  fail "the mutant's run exited $status, want 1 (not conformant): $(cat "$scratch/mutant.out")"
consume "$scratch/mutant" FAIL,PASS || fail "junit.xml of the mutant's run, read by junitparser"

# The reference: PASS and DOCUMENTED-HANG, 23 cases two at a time (about 2.2 s of cases in a
# 1.7 s run; the mutant's 7 cases are too few to outweigh the run's start-up).
"$miconform" run --target reference --filter 'session_close.*' --no-explore --jobs 2 \
  --report "$scratch/reference" --progress never > "$scratch/reference.out" 2>&1
status=$?
[ "$status" -eq 3 ] ||
  fail "the reference's run exited $status, want 3 (PARTIAL: its cases conform): $(cat "$scratch/reference.out")"
consume "$scratch/reference" PASS,DOCUMENTED-HANG parallel ||
  fail "junit.xml of the reference's run, read by junitparser"

if [ "$failures" -ne 0 ]; then
  echo "junit_consumer_selftest: $failures failure(s)"
  exit 1
fi
echo "junit_consumer_selftest: ok"

// sample_report.cc - the fixed sample Report shared by the writer, round-trip and golden tests.
#include "sample_report.h"

#include <gtest/gtest.h>

namespace miconform::report::testing {
namespace {

CaseResult SampleCase(const std::string& id, std::vector<std::string> requirements, Verdict verdict,
                      double duration_s, const std::string& phase,
                      std::vector<std::string> messages) {
  CaseResult result;
  result.id = id;
  result.requirement_ids = std::move(requirements);
  result.verdict = verdict;
  result.duration_s = duration_s;
  result.phase = phase;
  result.messages = std::move(messages);
  result.reproduce = "miconform run --target reference --case '" + id + "' --report /tmp/r";
  result.evidence.trace = {"phase:setup", "phase:" + phase};
  return result;
}

RequirementResult SampleRequirement(const std::string& id, const std::string& section,
                                    const std::string& text, Level level,
                                    std::vector<std::string> case_ids) {
  RequirementResult requirement;
  requirement.id = id;
  requirement.page = "MI_Session_Close";
  requirement.section = section;
  requirement.text = text;
  requirement.level = level;
  requirement.case_ids = std::move(case_ids);
  return requirement;
}

}  // namespace

Report SampleReport() {
  Report report;
  report.run.suite_version = "0.1.0";
  report.run.target = "reference";
  report.run.target_library = "/opt/miconform/lib/libmiconform_reference.so";
  report.run.target_sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  report.run.options = {{"jobs", "2"}, {"timeout", "30"}, {"observe-ms", "500"}};
  report.run.started = "2026-11-25T13:35:45.123Z";
  report.run.ended = "2026-11-25T13:36:02.456Z";
  report.run.host = "buildhost, Linux 6.1.0, x86_64";

  CaseResult pass =
      SampleCase("session_close.sync.idle", {"SC-RETURN-1"}, Verdict::kPass, 0.125, "closed", {});
  CaseResult documented = SampleCase(
      "session_close.sync.from_callback", {"SC-REMARKS-3"}, Verdict::kDocumentedHang, 2.5,
      "close-called", {"The document says: the call stops responding when made from a callback."});
  documented.findings = {{Verdict::kDocumentedHang, "SC-REMARKS-3",
                          "MI_Session_Close stopped responding, as documented"}};
  documented.observations = {
      {"SC-RETURN-1", std::string("the provider saw 1 cancel; ") + kNastyText}};
  documented.integration_findings = {
      {"acknowledged_after_close",
       "The client acknowledged a result after it had called the handler operation's Close.",
       "operation 1: instanceResult final (moreResults=0, OK)\noperation 1: Close\n"
       "operation 1: resultAcknowledgement after Close",
       2}};
  pass.integration_findings = {
      {"acknowledged_after_close",
       "The client acknowledged a result after it had called the "
       "handler operation's Close.",
       "operation 3: Close\noperation 3: resultAcknowledgement after Close " +
           std::string(kNastyText),
       1},
      {"session_closed_twice", "The client closed one handler session twice.",
       "session 1: Close\nsession 1: Close again", 1}};
  documented.evidence.stacks = "Thread 1 (LWP 100):\n#0 futex_wait ()\n#1 MI_Session_Close ()\n";
  CaseResult not_supported =
      SampleCase("session_close.async.no_callback_thread", {"SC-RETURN-1"}, Verdict::kNotSupported,
                 0.01, "probe", {"target has no asynchronous completion"});
  CaseResult not_exercised =
      SampleCase("session_close.async.drop_response", {"SC-REMARKS-3"}, Verdict::kNotExercised,
                 0.75, "operation-started", {"injection point handler.drop_response never fired"});
  CaseResult inconclusive = SampleCase(
      "memory.session_close.cycles", {"SC-REMARKS-1"}, Verdict::kInconclusive, 6.0, "cycle 412",
      {"too slow to judge: still making progress when its 6 s budget ran out"});
  CaseResult deviation =
      SampleCase("session_close.sync.from_callback_lenient", {"SC-REMARKS-3"}, Verdict::kDeviation,
                 1.0, "closed", {"documented hang did not happen: the call returned MI_RESULT_OK"});
  deviation.findings = {{Verdict::kDeviation, "SC-REMARKS-3",
                         "the call returned where the document says it stops responding"}};
  CaseResult fail = SampleCase("session_close.sync.open_operation", {"SC-REMARKS-1", "SC-RETURN-1"},
                               Verdict::kFail, 0.333, "close-returned",
                               {"expected MI_RESULT_OK, got MI_RESULT_FAILED (1)",
                                std::string("message with ") + kNastyText});
  // The failed check judges SC-RETURN-1 only, although the case also names SC-REMARKS-1.
  fail.findings = {
      {Verdict::kFail, "SC-RETURN-1", "expected MI_RESULT_OK, got MI_RESULT_FAILED (1)"}};
  fail.evidence.fired = {"handler.delay_response"};
  fail.evidence.backend = nlohmann::json{{"requests", 2}, {"last", "Close"}};
  fail.evidence.transport_at_failure = "a finished operation the client had not closed";
  fail.evidence.output = std::string("stderr line 1\n") + kNastyText + "\n";
  CaseResult hang =
      SampleCase("session_close.async.cancel_race", {"SC-REMARKS-1"}, Verdict::kHang, 30.0,
                 "close-called", {"no progress for 30 s inside MI_Session_Close"});
  hang.calls_in_flight = {"MI_Session_Close"};
  hang.evidence.stacks =
      "Thread 2 (LWP 101):\n#0 pthread_cond_wait ()\n#1 ```fenced``` in a frame name ()\n"
      "TID 102:\n#0  0x00007f04fa8a412b __lll_lock_wait - /usr/lib/x86_64-linux-gnu/libc.so.6\n"
      "#1  0x00007f04fb2e250f Session::Close(void*) - "
      "/opt/miconform/lib/libmiconform_reference.so\n";
  hang.evidence.thread_states = "100 S futex_wait_queue\n101 S futex_wait_queue\n";
  CaseResult crash =
      SampleCase("session_close.sync.double_close", {"SC-REMARKS-1"}, Verdict::kCrash, 0.05,
                 "close-called", {"killed by signal 11 (SIGSEGV)"});
  CaseResult error = SampleCase("session_close.harness.no_handler", {}, Verdict::kError, 0.0, "",
                                {"cannot start the scripted handler: No such file or directory"});

  report.cases = {pass, documented, not_supported, not_exercised, deviation,
                  fail, hang,       crash,         error,         inconclusive};
  report.requirements = {
      SampleRequirement("SC-RETURN-1", "Return value",
                        "Returns MI_RESULT_OK when the session closed | result codes as documented",
                        Level::kMust, {}),
      SampleRequirement("SC-REMARKS-1", "Remarks",
                        "Close waits for every operation of the session to finish", Level::kMust,
                        {}),
      SampleRequirement("SC-REMARKS-3", "Remarks",
                        "A synchronous close from a callback stops responding (`documented`)",
                        Level::kStopsResponding, {}),
      SampleRequirement("SC-REMARKS-9", "Remarks", std::string("Untested: ") + kNastyText,
                        Level::kShould, {}),
  };
  // Shown by every writer whatever the claim, and a line break and markup in it must stay text.
  report.claim_gaps = {"shard 0/2 of the case list: merge the shards",
                       std::string("a gap ") + kNastyText};
  report.Aggregate();
  return report;
}

namespace {

void ExpectSameMark(const std::optional<ExpectationMark>& expected,
                    const std::optional<ExpectationMark>& actual) {
  ASSERT_EQ(expected.has_value(), actual.has_value()) << "expectation mark";
  if (!expected) return;
  EXPECT_EQ(expected->outcome, actual->outcome);
  EXPECT_EQ(expected->entries, actual->entries);
}

}  // namespace

CaseResult MakeCase(const std::string& id, std::vector<std::string> requirements, Verdict verdict,
                    std::vector<Finding> findings) {
  CaseResult result;
  result.id = id;
  result.requirement_ids = std::move(requirements);
  result.verdict = verdict;
  result.findings = std::move(findings);
  return result;
}

RequirementResult MakeRequirement(const std::string& id, std::vector<std::string> case_ids) {
  RequirementResult requirement;
  requirement.id = id;
  requirement.case_ids = std::move(case_ids);
  requirement.verdict = Verdict::kPass;
  return requirement;
}

void ExpectSameReport(const Report& expected, const Report& actual) {
  EXPECT_EQ(expected.run.suite_version, actual.run.suite_version);
  EXPECT_EQ(expected.run.target, actual.run.target);
  EXPECT_EQ(expected.run.target_library, actual.run.target_library);
  EXPECT_EQ(expected.run.target_sha256, actual.run.target_sha256);
  EXPECT_EQ(expected.run.options, actual.run.options);
  EXPECT_EQ(expected.run.started, actual.run.started);
  EXPECT_EQ(expected.run.ended, actual.run.ended);
  EXPECT_EQ(expected.run.host, actual.run.host);
  EXPECT_EQ(expected.conformant, actual.conformant);
  EXPECT_EQ(expected.cases_conform, actual.cases_conform);
  EXPECT_EQ(expected.claim_gaps, actual.claim_gaps);
  EXPECT_EQ(ClaimOf(expected), ClaimOf(actual));
  ASSERT_EQ(expected.expectations.size(), actual.expectations.size());
  for (std::size_t i = 0; i < expected.expectations.size(); ++i) {
    EXPECT_EQ(expected.expectations[i].id, actual.expectations[i].id);
    EXPECT_EQ(expected.expectations[i].expect, actual.expectations[i].expect);
    EXPECT_EQ(expected.expectations[i].reason, actual.expectations[i].reason);
    EXPECT_EQ(expected.expectations[i].link, actual.expectations[i].link);
  }
  ASSERT_EQ(expected.requirements.size(), actual.requirements.size());
  for (std::size_t i = 0; i < expected.requirements.size(); ++i) {
    SCOPED_TRACE("requirement " + expected.requirements[i].id);
    const RequirementResult& e = expected.requirements[i];
    const RequirementResult& a = actual.requirements[i];
    EXPECT_EQ(e.id, a.id);
    EXPECT_EQ(e.page, a.page);
    EXPECT_EQ(e.section, a.section);
    EXPECT_EQ(e.text, a.text);
    EXPECT_EQ(e.level, a.level);
    EXPECT_EQ(e.verdict, a.verdict);
    EXPECT_EQ(e.case_ids, a.case_ids);
    ExpectSameMark(e.expectation, a.expectation);
  }
  ASSERT_EQ(expected.cases.size(), actual.cases.size());
  for (std::size_t i = 0; i < expected.cases.size(); ++i) {
    SCOPED_TRACE("case " + expected.cases[i].id);
    const CaseResult& e = expected.cases[i];
    const CaseResult& a = actual.cases[i];
    EXPECT_EQ(e.id, a.id);
    EXPECT_EQ(e.requirement_ids, a.requirement_ids);
    EXPECT_EQ(e.verdict, a.verdict);
    EXPECT_EQ(e.duration_s, a.duration_s);
    EXPECT_EQ(e.phase, a.phase);
    EXPECT_EQ(e.calls_in_flight, a.calls_in_flight);
    EXPECT_EQ(e.messages, a.messages);
    ASSERT_EQ(e.findings.size(), a.findings.size());
    for (std::size_t f = 0; f < e.findings.size(); ++f) {
      EXPECT_EQ(e.findings[f].verdict, a.findings[f].verdict);
      EXPECT_EQ(e.findings[f].requirement_id, a.findings[f].requirement_id);
      EXPECT_EQ(e.findings[f].text, a.findings[f].text);
    }
    ASSERT_EQ(e.observations.size(), a.observations.size());
    for (std::size_t o = 0; o < e.observations.size(); ++o) {
      EXPECT_EQ(e.observations[o].requirement_id, a.observations[o].requirement_id);
      EXPECT_EQ(e.observations[o].text, a.observations[o].text);
    }
    ASSERT_EQ(e.integration_findings.size(), a.integration_findings.size());
    for (std::size_t f = 0; f < e.integration_findings.size(); ++f) {
      EXPECT_EQ(e.integration_findings[f].kind, a.integration_findings[f].kind);
      EXPECT_EQ(e.integration_findings[f].what, a.integration_findings[f].what);
      EXPECT_EQ(e.integration_findings[f].calls, a.integration_findings[f].calls);
      EXPECT_EQ(e.integration_findings[f].occurrences, a.integration_findings[f].occurrences);
    }
    EXPECT_EQ(e.reproduce, a.reproduce);
    EXPECT_EQ(e.schedules_to_failure, a.schedules_to_failure);
    EXPECT_EQ(e.evidence.trace, a.evidence.trace);
    EXPECT_EQ(e.evidence.backend, a.evidence.backend);
    EXPECT_EQ(e.evidence.transport_at_failure, a.evidence.transport_at_failure);
    EXPECT_EQ(e.evidence.stacks, a.evidence.stacks);
    EXPECT_EQ(e.evidence.thread_states, a.evidence.thread_states);
    EXPECT_EQ(e.evidence.fired, a.evidence.fired);
    EXPECT_EQ(e.evidence.output, a.evidence.output);
    ExpectSameMark(e.expectation, a.expectation);
  }
}

}  // namespace miconform::report::testing

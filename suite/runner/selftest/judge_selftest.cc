// judge_selftest.cc - self-tests of the verdict rules (judge.h), fed synthetic watchdog outcomes.
#include <csignal>

#include <gtest/gtest.h>

#include "judge.h"

namespace miconform::runner {
namespace {

using report::Verdict;
using End = watchdog::Outcome::End;

class FixedLookup : public RequirementLookup {
 public:
  bool Find(const std::string& id, report::Level* level, std::string* text) const override {
    if (id == "HANGS") {
      *level = report::Level::kStopsResponding;
      *text = "the call stops responding";
    } else if (id == "DEADLOCKS") {
      *level = report::Level::kMayDeadlock;
      *text = "the call can deadlock";
    } else if (id == "MUST") {
      *level = report::Level::kMust;
      *text = "the call returns";
    } else {
      return false;
    }
    return true;
  }
};

const CaseDeclaration kCase{"area.case", {"MUST"}};

watchdog::Outcome Exited(int code, std::vector<std::string> lines) {
  watchdog::Outcome outcome;
  outcome.end = End::kExited;
  outcome.exit_code = code;
  outcome.lines = std::move(lines);
  return outcome;
}

TEST(JudgeSelftest, JudgesTheVerdictFromTheFactsTheCaseWrote) {
  const auto result = Judge(kCase, Exited(0, {"phase start", "end"}), FixedLookup());
  EXPECT_EQ(result.verdict, Verdict::kPass);
  EXPECT_EQ(result.id, "area.case");
  EXPECT_EQ(result.requirement_ids, std::vector<std::string>{"MUST"});
  const std::vector<std::pair<std::vector<std::string>, Verdict>> rows = {
      {{"finding FAIL MUST x", "end"}, Verdict::kFail},
      {{"finding DEVIATION HANGS x", "end"}, Verdict::kDeviation},
      {{"finding DOCUMENTED-HANG HANGS x", "end"}, Verdict::kDocumentedHang},
      {{"skipped no sessions here", "end"}, Verdict::kNotSupported},
      {{"unfired handler.before_cancel", "end"}, Verdict::kNotExercised},
      {{"unfired handler.before_cancel", "finding FAIL MUST x", "end"}, Verdict::kFail},
      {{"harness-error no such point", "end"}, Verdict::kError},
      {{"finding FAIL - unnamed", "end"}, Verdict::kError},
      {{"finding FAIL NOPE unknown", "end"}, Verdict::kError},
  };
  for (const auto& [lines, verdict] : rows) {
    EXPECT_EQ(Judge(kCase, Exited(0, lines), FixedLookup()).verdict, verdict) << lines.front();
  }
  // A case's own verdict word decides nothing.
  EXPECT_EQ(Judge(kCase, Exited(0, {"verdict PASS"}), FixedLookup()).verdict, Verdict::kCrash);
}

TEST(JudgeSelftest, CollectsMessagesTraceBackendAndFiredPoints) {
  const auto result =
      Judge(kCase,
            Exited(0, {"phase entered MI_Session_Close", "trace callback: final",
                       "message expected 1 final result, saw 2", "fired handler.before_result",
                       "backend {\"operations\":[]}", "end"}),
            FixedLookup());
  EXPECT_EQ(result.verdict, Verdict::kPass);
  ASSERT_EQ(result.messages.size(), 1u);
  EXPECT_EQ(result.messages[0], "expected 1 final result, saw 2");
  EXPECT_EQ(result.evidence.trace.size(), 2u);
  EXPECT_EQ(result.evidence.fired, std::vector<std::string>{"handler.before_result"});
  EXPECT_TRUE(result.evidence.backend.is_object());
}

// The case sends the transport's state once, at its first failed check; a second line (a case
// misbehaving) does not replace it.
TEST(JudgeSelftest, KeepsTheTransportAtTheFirstFailedCheck) {
  const auto result = Judge(kCase,
                            Exited(0, {"finding FAIL MUST no final result",
                                       "transport a handler session the client had not closed",
                                       "transport something later", "end"}),
                            FixedLookup());
  EXPECT_EQ(result.verdict, Verdict::kFail);
  EXPECT_EQ(result.evidence.transport_at_failure, "a handler session the client had not closed");
  EXPECT_TRUE(result.evidence.trace.empty());
}

// Integration findings are kept as the case sent them and change no verdict; a line that is not
// one is said as a harness fault, never dropped silently.
TEST(JudgeSelftest, KeepsIntegrationFindingsApartFromTheVerdict) {
  const auto result = Judge(
      kCase,
      Exited(0,
             {"integration {\"kind\":\"acknowledged_after_close\",\"what\":\"W\","
              "\"calls\":\"operation 1: Close\\noperation 1: resultAcknowledgement after Close\","
              "\"occurrences\":2}",
              "integration {\"kind\":\"\",\"what\":\"W\",\"calls\":\"\",\"occurrences\":1}",
              "integration not json", "end"}),
      FixedLookup());
  EXPECT_EQ(result.verdict, Verdict::kPass);
  ASSERT_EQ(result.integration_findings.size(), 1u);
  EXPECT_EQ(result.integration_findings[0].kind, "acknowledged_after_close");
  EXPECT_EQ(result.integration_findings[0].what, "W");
  EXPECT_EQ(result.integration_findings[0].calls,
            "operation 1: Close\noperation 1: resultAcknowledgement after Close");
  EXPECT_EQ(result.integration_findings[0].occurrences, 2u);
  ASSERT_EQ(result.messages.size(), 2u);
  EXPECT_NE(result.messages[0].find("malformed integration finding"), std::string::npos);
  EXPECT_NE(result.messages[1].find("'integration not json'"), std::string::npos);
}

TEST(JudgeSelftest, CollectsFindingsAndObservationsPerRequirement) {
  const auto result = Judge(
      kCase,
      Exited(0, {"finding FAIL MUST case.cc:12: [judges MUST] no final result",
                 "finding DEVIATION HANGS the close returned", "finding FAIL - unnamed check",
                 "observation DEADLOCKS the provider saw 2 cancels", "finding BOGUS x y", "end"}),
      FixedLookup());
  ASSERT_EQ(result.findings.size(), 3u);
  EXPECT_EQ(result.findings[0].verdict, Verdict::kFail);
  EXPECT_EQ(result.findings[0].requirement_id, "MUST");
  EXPECT_EQ(result.findings[0].text, "case.cc:12: [judges MUST] no final result");
  EXPECT_EQ(result.findings[1].verdict, Verdict::kDeviation);
  EXPECT_EQ(result.findings[1].requirement_id, "HANGS");
  EXPECT_EQ(result.findings[2].requirement_id, "") << "\"-\" is no requirement";
  ASSERT_EQ(result.observations.size(), 1u);
  EXPECT_EQ(result.observations[0].requirement_id, "DEADLOCKS");
  EXPECT_EQ(result.observations[0].text, "the provider saw 2 cancels");
  // Every finding is also a message; the malformed one is reported as a harness fault, and the
  // unnamed check makes the case an ERROR (its defect, never the target's).
  EXPECT_EQ(result.verdict, Verdict::kError);
  EXPECT_NE(result.messages[3].find("malformed finding"), std::string::npos);
  EXPECT_NE(result.messages.back().find("no requirement"), std::string::npos);
}

TEST(JudgeSelftest, ADocumentedHangByTheWatchdogChargesOnlyTheArmedRequirement) {
  watchdog::Outcome outcome;
  outcome.end = End::kTimedOut;
  outcome.armed_at_timeout = true;
  outcome.armed_requirement = "HANGS";
  outcome.armed_call = "MI_Session_Close";
  outcome.calls_in_flight = {"MI_Session_Close"};
  const auto result =
      Judge(CaseDeclaration{"area.case", {"MUST", "HANGS", "DEADLOCKS"}}, outcome, FixedLookup());
  EXPECT_EQ(result.verdict, Verdict::kDocumentedHang);
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].requirement_id, "HANGS");
  EXPECT_EQ(report::VerdictForRequirement(result, "DEADLOCKS", report::Level::kMayDeadlock, true),
            Verdict::kPass);
}

TEST(JudgeSelftest, ForeignBytesOnTheChannelAreTheTargetsCrashWhateverTheLinesSay) {
  watchdog::Outcome outcome = Exited(0, {"phase start", "end"});
  outcome.foreign_channel_bytes = 17;
  outcome.foreign_channel_sample = "end\nverdict PASS\n";
  const auto result = Judge(kCase, outcome, FixedLookup());
  EXPECT_EQ(result.verdict, Verdict::kCrash);
  ASSERT_FALSE(result.messages.empty());
  EXPECT_NE(result.messages.back().find("17 bytes"), std::string::npos) << result.messages.back();
  EXPECT_NE(result.messages.back().find("verdict PASS"), std::string::npos)
      << result.messages.back();
}

TEST(JudgeSelftest, ASignalTheCaseSentToTheRunnerIsSaidAndChangesNoVerdict) {
  watchdog::Outcome outcome = Exited(0, {"phase start", "end"});
  outcome.signals_to_runner = {"SIGTERM (15) from pid 42"};
  const auto result = Judge(kCase, outcome, FixedLookup());
  EXPECT_EQ(result.verdict, Verdict::kPass);
  ASSERT_FALSE(result.messages.empty());
  EXPECT_NE(result.messages.front().find("SIGTERM (15) from pid 42"), std::string::npos);
}

TEST(JudgeSelftest, NoEndLineIsACrash) {
  auto outcome = Exited(0, {"phase entered MI_Session_Close"});
  outcome.last_phase = "entered MI_Session_Close";
  const auto result = Judge(kCase, outcome, FixedLookup());
  EXPECT_EQ(result.verdict, Verdict::kCrash);
  ASSERT_FALSE(result.messages.empty());
  EXPECT_NE(result.messages.back().find("without reaching its end"), std::string::npos);
}

TEST(JudgeSelftest, NonZeroExitAfterTheEndIsACrash) {
  EXPECT_EQ(Judge(kCase, Exited(4, {"end"}), FixedLookup()).verdict, Verdict::kCrash);
}

TEST(JudgeSelftest, SignalIsACrashNamingTheSignal) {
  watchdog::Outcome outcome;
  outcome.end = End::kSignaled;
  outcome.signal = SIGSEGV;
  outcome.last_phase = "entered MI_Session_Close";
  const auto result = Judge(kCase, outcome, FixedLookup());
  EXPECT_EQ(result.verdict, Verdict::kCrash);
  EXPECT_NE(result.messages.back().find("SIGSEGV"), std::string::npos);
  EXPECT_NE(result.messages.back().find("entered MI_Session_Close"), std::string::npos);
}

// A crash inside the call armed for a documented outcome is charged to that requirement alone;
// the case's other requirements were not reached (INCONCLUSIVE from it). Unarmed, or armed for
// another call, it charges every requirement the case names.
TEST(JudgeSelftest, ACrashInsideTheArmedCallChargesOnlyTheArmedRequirement) {
  const CaseDeclaration declaration{"area.case", {"DEADLOCKS", "MUST"}};
  watchdog::Outcome outcome;
  outcome.end = End::kSignaled;
  outcome.signal = SIGABRT;
  outcome.lines = {"arm DEADLOCKS MI_Application_Initialize",
                   "phase entered MI_Application_Initialize"};
  outcome.calls_in_flight = {"MI_Application_Initialize"};
  auto result = Judge(declaration, outcome, FixedLookup());
  EXPECT_EQ(result.verdict, Verdict::kCrash);
  EXPECT_EQ(result.end_charged_to, std::vector<std::string>{"DEADLOCKS"});
  EXPECT_EQ(report::VerdictForRequirement(result, "DEADLOCKS", report::Level::kMayDeadlock, true),
            Verdict::kCrash);
  EXPECT_EQ(report::VerdictForRequirement(result, "MUST", report::Level::kMust, true),
            Verdict::kInconclusive);

  // The process ended without its end line, inside the armed call: the same.
  auto exited = Exited(1, outcome.lines);
  exited.calls_in_flight = outcome.calls_in_flight;
  EXPECT_EQ(Judge(declaration, exited, FixedLookup()).end_charged_to,
            std::vector<std::string>{"DEADLOCKS"});

  // Disarmed before the crash, or armed for a call not in flight: every named requirement.
  outcome.lines.push_back("disarm");
  EXPECT_TRUE(Judge(declaration, outcome, FixedLookup()).end_charged_to.empty());
  outcome.lines = {"arm DEADLOCKS MI_Session_Close", "phase entered MI_Application_Initialize"};
  result = Judge(declaration, outcome, FixedLookup());
  EXPECT_TRUE(result.end_charged_to.empty());
  EXPECT_EQ(report::VerdictForRequirement(result, "MUST", report::Level::kMust, true),
            Verdict::kCrash);
  // Armed for a requirement the case does not name: every named requirement.
  outcome.lines = {"arm HANGS MI_Application_Initialize"};
  EXPECT_TRUE(Judge(declaration, outcome, FixedLookup()).end_charged_to.empty());
}

TEST(JudgeSelftest, UnarmedTimeoutIsAHang) {
  watchdog::Outcome outcome;
  outcome.end = End::kTimedOut;
  outcome.last_phase = "entered MI_Session_Close";
  outcome.calls_in_flight = {"MI_Session_Close"};
  outcome.stacks = "#0 futex_wait";
  const auto result = Judge(kCase, outcome, FixedLookup());
  EXPECT_EQ(result.verdict, Verdict::kHang);
  EXPECT_EQ(result.evidence.stacks, "#0 futex_wait");
  EXPECT_NE(result.messages.back().find("MI_Session_Close"), std::string::npos);
}

TEST(JudgeSelftest, AStopWithNoCallIntoTheTargetInFlightIsInconclusive) {
  watchdog::Outcome outcome;
  outcome.end = End::kTimedOut;
  outcome.last_phase = "waiting for the completion";
  const auto result = Judge(kCase, outcome, FixedLookup());
  EXPECT_EQ(result.verdict, Verdict::kInconclusive);
  EXPECT_NE(result.messages.back().find("cannot be attributed to the target"), std::string::npos);
}

TEST(JudgeSelftest, ArmedTimeoutForADocumentedHangIsDocumentedHang) {
  for (const char* requirement : {"HANGS", "DEADLOCKS"}) {
    watchdog::Outcome outcome;
    outcome.end = End::kTimedOut;
    outcome.armed_at_timeout = true;
    outcome.armed_requirement = requirement;
    outcome.armed_call = "MI_Application_Close";
    outcome.calls_in_flight = {"MI_Application_Close"};
    outcome.hang_proven = true;
    const auto result = Judge(kCase, outcome, FixedLookup());
    EXPECT_EQ(result.verdict, Verdict::kDocumentedHang) << requirement;
    EXPECT_NE(result.messages.back().find("proven"), std::string::npos);
    EXPECT_NE(result.messages.back().find("MI_Application_Close"), std::string::npos);
    EXPECT_NE(result.messages.back().find(requirement), std::string::npos);
  }
}

TEST(JudgeSelftest, ArmedButBlockedInAnotherCallIsAHang) {
  watchdog::Outcome outcome;
  outcome.end = End::kTimedOut;
  outcome.armed_at_timeout = true;
  outcome.armed_requirement = "HANGS";
  outcome.armed_call = "MI_Application_Close";
  outcome.calls_in_flight = {"MI_Session_EnumerateInstances"};
  outcome.hang_proof =
      "no progress for 1000 ms (--timeout); not proven stuck: tid 7 (x): nanosleep";
  const auto result = Judge(kCase, outcome, FixedLookup());
  EXPECT_EQ(result.verdict, Verdict::kHang);
  EXPECT_NE(result.messages.back().find("MI_Session_EnumerateInstances"), std::string::npos);
  EXPECT_NE(result.messages.back().find("by timer"), std::string::npos);
  EXPECT_NE(result.evidence.thread_states.find("nanosleep"), std::string::npos);
  // Armed, but nothing in flight at all (e.g. waiting for a callback): not the documented hang,
  // and nothing the target can be charged with.
  outcome.calls_in_flight.clear();
  EXPECT_EQ(Judge(kCase, outcome, FixedLookup()).verdict, Verdict::kInconclusive);
}

TEST(JudgeSelftest, OverBudgetIsInconclusiveNeverAHang) {
  watchdog::Outcome outcome;
  outcome.end = End::kOverBudget;
  outcome.progress = "12 channel lines in 60000 ms; last progress 3 ms ago";
  const auto result = Judge(kCase, outcome, FixedLookup());
  EXPECT_EQ(result.verdict, Verdict::kInconclusive);
  EXPECT_NE(result.messages.back().find("too slow to judge"), std::string::npos);
}

TEST(JudgeSelftest, ArmedTimeoutForAMustRequirementIsStillAHang) {
  watchdog::Outcome outcome;
  outcome.end = End::kTimedOut;
  outcome.armed_at_timeout = true;
  outcome.armed_requirement = "MUST";
  outcome.armed_call = "MI_Session_Close";
  outcome.calls_in_flight = {"MI_Session_Close"};
  EXPECT_EQ(Judge(kCase, outcome, FixedLookup()).verdict, Verdict::kHang);
}

TEST(JudgeSelftest, ArmedForAnUnknownRequirementIsAHarnessError) {
  watchdog::Outcome outcome;
  outcome.end = End::kTimedOut;
  outcome.armed_at_timeout = true;
  outcome.armed_requirement = "NOPE";
  EXPECT_EQ(Judge(kCase, outcome, FixedLookup()).verdict, Verdict::kError);
}

TEST(JudgeSelftest, LaunchFailureAndInterruptionAreHarnessErrors) {
  watchdog::Outcome outcome;
  outcome.end = End::kLaunchFailed;
  outcome.launch_error = "no such file";
  EXPECT_EQ(Judge(kCase, outcome, FixedLookup()).verdict, Verdict::kError);
  outcome.end = End::kInterrupted;
  EXPECT_EQ(Judge(kCase, outcome, FixedLookup()).verdict, Verdict::kError);
}

}  // namespace
}  // namespace miconform::runner

// kill_judgement_selftest.cc - self-tests of JudgeKill (mutants_command.h): which verdicts kill a
// mutant, and how many schedules the kill took, on synthetic reports.
#include <algorithm>

#include <gtest/gtest.h>

#include "mutants_command.h"

namespace miconform::runner {
namespace {

using report::Verdict;

report::CaseResult Case(std::string id, std::vector<std::string> requirements, Verdict verdict,
                        std::optional<int> schedules = std::nullopt) {
  report::CaseResult result;
  result.id = std::move(id);
  result.requirement_ids = std::move(requirements);
  result.verdict = verdict;
  result.schedules_to_failure = schedules;
  // A case that ran to its end charges what it judged through findings: here, every requirement
  // it names.
  if (verdict == Verdict::kFail || verdict == Verdict::kDeviation) {
    for (const std::string& id : result.requirement_ids) {
      result.findings.push_back(report::Finding{verdict, id, "judged"});
    }
  }
  return result;
}

report::Report SuiteReport(std::vector<report::CaseResult> cases) {
  report::Report run;
  run.cases = std::move(cases);
  for (const auto& result : run.cases) {
    for (const std::string& id : result.requirement_ids) {
      auto found = std::find_if(run.requirements.begin(), run.requirements.end(),
                                [&](const auto& requirement) { return requirement.id == id; });
      if (found == run.requirements.end()) {
        run.requirements.push_back({id,
                                    "page",
                                    "section",
                                    "text",
                                    report::Level::kMust,
                                    Verdict::kPass,
                                    {},
                                    std::nullopt});
        found = run.requirements.end() - 1;
      }
      found->verdict = report::Worst(found->verdict, result.verdict);
      if (id == "REQ-S") found->level = report::Level::kShould;
      found->case_ids.push_back(result.id);
    }
  }
  return run;
}

Mutant TimingMutant(bool lenient = false) {
  Mutant mutant;
  mutant.name = "races";
  mutant.breaks = {"REQ-A"};
  mutant.lenient = lenient;
  mutant.timing = true;
  return mutant;
}

TEST(KillJudgement, FewestSchedulesOfAKillingCaseIsReported) {
  const auto run = SuiteReport({Case("a.plain_pass", {"REQ-A"}, Verdict::kPass),
                                Case("a.late", {"REQ-A"}, Verdict::kFail, 9),
                                Case("a.early", {"REQ-A"}, Verdict::kHang, 3),
                                Case("b.other", {"REQ-B"}, Verdict::kCrash, 1)});
  const KillJudgement judgement = JudgeKill(TimingMutant(), run);
  EXPECT_TRUE(judgement.killed);
  EXPECT_EQ(judgement.schedules_to_kill, std::optional<int>(3));
  EXPECT_EQ(judgement.killing_case, "a.early");
}

TEST(KillJudgement, APlainRunKillCountsAsNoSchedule) {
  const auto run = SuiteReport({Case("a.explored", {"REQ-A"}, Verdict::kFail, 4),
                                Case("a.plain", {"REQ-A"}, Verdict::kFail)});
  const KillJudgement judgement = JudgeKill(TimingMutant(), run);
  EXPECT_EQ(judgement.schedules_to_kill, std::optional<int>(0));
  EXPECT_EQ(judgement.killing_case, "a.plain");
}

TEST(KillJudgement, SurvivorHasNoScheduleCount) {
  const auto run = SuiteReport(
      {Case("a.pass", {"REQ-A"}, Verdict::kPass), Case("b.fail", {"REQ-B"}, Verdict::kFail, 2)});
  const KillJudgement judgement = JudgeKill(TimingMutant(), run);
  EXPECT_FALSE(judgement.killed);
  EXPECT_FALSE(judgement.schedules_to_kill.has_value());
  EXPECT_NE(judgement.explanation.find("REQ-A PASS (expected FAIL, HANG or CRASH)"),
            std::string::npos)
      << judgement.explanation;
}

TEST(KillJudgement, LenientMutantIsKilledByDeviationOnly) {
  const auto deviating = SuiteReport({Case("a.dev", {"REQ-A"}, Verdict::kDeviation)});
  EXPECT_TRUE(JudgeKill(TimingMutant(true), deviating).killed);
  const auto failing = SuiteReport({Case("a.fail", {"REQ-A"}, Verdict::kFail)});
  EXPECT_FALSE(JudgeKill(TimingMutant(true), failing).killed);
}

TEST(KillJudgement, TheKillSaysItsLevel) {
  const auto run = SuiteReport({Case("a.fail", {"REQ-A"}, Verdict::kFail)});
  const KillJudgement must = JudgeKill(TimingMutant(), run);
  EXPECT_EQ(must.kill_level, "MUST");
  Mutant should = TimingMutant(true);
  should.breaks = {"REQ-S"};
  const KillJudgement missed =
      JudgeKill(should, SuiteReport({Case("a.dev", {"REQ-S"}, Verdict::kDeviation)}));
  EXPECT_TRUE(missed.killed);
  EXPECT_EQ(missed.kill_level, "SHOULD");
  EXPECT_NE(missed.explanation.find("(SHOULD kill)"), std::string::npos) << missed.explanation;
}

TEST(KillJudgement, ATimingMutantSeenOnlyAsAnIntermittentIsAnIntermittentKill) {
  report::CaseResult seen = Case("a.race", {"REQ-A"}, Verdict::kInconclusive);
  seen.findings.push_back({Verdict::kInconclusive, "REQ-A", "intermittent: x"});
  const auto run = SuiteReport({seen});
  const KillJudgement judgement = JudgeKill(TimingMutant(), run);
  EXPECT_TRUE(judgement.killed);
  EXPECT_EQ(judgement.kill_level, "MUST, intermittent");
  // A plain INCONCLUSIVE (too slow to judge) is no kill, nor is an intermittent of a mutant that
  // is not a timing one.
  EXPECT_FALSE(
      JudgeKill(TimingMutant(), SuiteReport({Case("a.slow", {"REQ-A"}, Verdict::kInconclusive)}))
          .killed);
  Mutant plain = TimingMutant();
  plain.timing = false;
  EXPECT_FALSE(JudgeKill(plain, run).killed);
}

TEST(KillJudgement, CollateralOutsideTheBreaksIsListedUnlessTheTableGivesAReason) {
  const auto run = SuiteReport(
      {Case("a.fail", {"REQ-A"}, Verdict::kFail), Case("b.fail", {"REQ-B"}, Verdict::kFail)});
  Mutant mutant = TimingMutant();
  const KillJudgement judgement = JudgeKill(mutant, run);
  EXPECT_TRUE(judgement.killed);
  EXPECT_EQ(judgement.collateral, std::vector<std::string>{"REQ-B FAIL"});
  mutant.collateral["REQ-B"] = "the fault also breaks it";
  EXPECT_TRUE(JudgeKill(mutant, run).collateral.empty());
}

// A conforming variant is accused exactly when its run is not CONFORMANT; a DEVIATION or a
// DOCUMENTED-HANG is listed among its non-PASS requirements but accuses nothing.
TEST(VariantJudgement, OnlyANonConformantRunAccuses) {
  auto run = SuiteReport(
      {Case("a.pass", {"REQ-A"}, Verdict::kPass), Case("s.dev", {"REQ-S"}, Verdict::kDeviation)});
  run.Aggregate();
  const VariantJudgement warned = JudgeVariant(run);
  EXPECT_TRUE(warned.conforming);
  EXPECT_EQ(warned.non_pass, std::vector<std::string>{"REQ-S DEVIATION"});

  auto failing = SuiteReport({Case("a.fail", {"REQ-A"}, Verdict::kFail)});
  failing.Aggregate();
  const VariantJudgement accused = JudgeVariant(failing);
  EXPECT_FALSE(accused.conforming);
  EXPECT_EQ(accused.non_pass, std::vector<std::string>{"REQ-A FAIL"});
}

}  // namespace
}  // namespace miconform::runner

// report_selftest.cc - self-tests of requirement levels, Report::Aggregate and Report::Count.
#include <gtest/gtest.h>

#include "miconform/report/report.h"
#include "sample_report.h"

namespace miconform::report {
namespace {

using testing::MakeCase;
using testing::MakeRequirement;

TEST(Level, WordsRoundTrip) {
  EXPECT_EQ(ToString(Level::kMust), "MUST");
  EXPECT_EQ(ToString(Level::kShould), "SHOULD");
  EXPECT_EQ(ToString(Level::kStopsResponding), "STOPS-RESPONDING");
  EXPECT_EQ(ToString(Level::kMayDeadlock), "MAY-DEADLOCK");
  for (Level level : {Level::kMust, Level::kShould, Level::kStopsResponding, Level::kMayDeadlock}) {
    EXPECT_EQ(ParseLevel(ToString(level)), level);
  }
  EXPECT_EQ(ParseLevel("must"), std::nullopt);
  EXPECT_EQ(ParseLevel("MAY"), std::nullopt);
  EXPECT_EQ(ParseLevel(""), std::nullopt);
}

TEST(Aggregate, RequirementTakesTheWorstOfItsCases) {
  Report report;
  RequirementResult first = MakeRequirement("R1");
  first.level = Level::kStopsResponding;  // so that a DEVIATION speaks for it
  report.requirements = {first, MakeRequirement("R2")};
  report.cases = {
      MakeCase("a.x", {"R1"}, Verdict::kPass),
      MakeCase("a.y", {"R1", "R2"}, Verdict::kDeviation, {{Verdict::kDeviation, "R1", "returned"}}),
      MakeCase("a.z", {"R2"}, Verdict::kHang), MakeCase("a.w", {"R1"}, Verdict::kNotExercised)};
  report.Aggregate();
  EXPECT_EQ(report.requirements[0].verdict, Verdict::kDeviation);
  EXPECT_EQ(report.requirements[1].verdict, Verdict::kHang);
  EXPECT_FALSE(report.conformant);
}

TEST(Aggregate, AFindingChargesOnlyItsOwnRequirement) {
  Report report;
  RequirementResult must = MakeRequirement("MUST-R");
  must.level = Level::kMust;
  RequirementResult should = MakeRequirement("SHOULD-R");
  should.level = Level::kShould;
  RequirementResult hangs = MakeRequirement("HANG-R");
  hangs.level = Level::kStopsResponding;
  RequirementResult deadlocks = MakeRequirement("DEADLOCK-R");
  deadlocks.level = Level::kMayDeadlock;
  report.requirements = {must, should, hangs, deadlocks};
  const std::vector<std::string> all = {"MUST-R", "SHOULD-R", "HANG-R", "DEADLOCK-R"};
  report.cases = {MakeCase("a.1", all, Verdict::kDocumentedHang,
                           {{Verdict::kDocumentedHang, "HANG-R", "blocked"}})};
  report.Aggregate();
  EXPECT_EQ(report.requirements[0].verdict, Verdict::kPass);
  EXPECT_EQ(report.requirements[1].verdict, Verdict::kPass);
  EXPECT_EQ(report.requirements[2].verdict, Verdict::kDocumentedHang);
  EXPECT_EQ(report.requirements[3].verdict, Verdict::kPass) << "not armed, not charged";
  // A failed check of a MUST requirement charges that requirement, not the case's others.
  report.cases = {MakeCase("a.1", all, Verdict::kFail, {{Verdict::kFail, "MUST-R", "x"}})};
  report.Aggregate();
  EXPECT_EQ(report.requirements[0].verdict, Verdict::kFail);
  EXPECT_EQ(report.requirements[1].verdict, Verdict::kPass);
  EXPECT_EQ(report.requirements[2].verdict, Verdict::kPass);
  EXPECT_EQ(report.requirements[3].verdict, Verdict::kPass);
  // A failed check of a SHOULD requirement is a SHOULD missed: DEVIATION, visible in the table.
  report.cases = {MakeCase("a.1", all, Verdict::kDeviation, {{Verdict::kFail, "SHOULD-R", "x"}})};
  report.Aggregate();
  EXPECT_EQ(report.requirements[1].verdict, Verdict::kDeviation);
  EXPECT_EQ(report.requirements[0].verdict, Verdict::kPass);
  EXPECT_TRUE(report.conformant);
  // A finding charges a requirement the case does not name, and the case joins its list.
  report.cases = {MakeCase("a.1", {"MUST-R"}, Verdict::kFail, {{Verdict::kFail, "HANG-R", "x"}})};
  report.Aggregate();
  EXPECT_EQ(report.requirements[0].verdict, Verdict::kPass);
  EXPECT_EQ(report.requirements[2].verdict, Verdict::kFail);
  EXPECT_EQ(report.requirements[2].case_ids, (std::vector<std::string>{"a.1"}));
  // A case that did not run to its end speaks for every requirement it names.
  report.cases = {MakeCase("a.1", {"MUST-R", "HANG-R"}, Verdict::kHang),
                  MakeCase("a.2", {"SHOULD-R", "DEADLOCK-R"}, Verdict::kPass)};
  report.Aggregate();
  EXPECT_EQ(report.requirements[0].verdict, Verdict::kHang);
  EXPECT_EQ(report.requirements[2].verdict, Verdict::kHang);
  EXPECT_EQ(report.requirements[1].verdict, Verdict::kPass);
}

TEST(ScheduleRules, PlansBreakingSchedulesAndIntermittents) {
  EXPECT_EQ(VerdictUnderPlan(Verdict::kPass, false), Verdict::kNotExercised);
  EXPECT_EQ(VerdictUnderPlan(Verdict::kPass, true), Verdict::kPass);
  EXPECT_EQ(VerdictUnderPlan(Verdict::kFail, false), Verdict::kFail);
  EXPECT_TRUE(ScheduleBreaks(Verdict::kFail, Verdict::kPass));
  EXPECT_TRUE(ScheduleBreaks(Verdict::kHang, Verdict::kFail));
  EXPECT_TRUE(ScheduleBreaks(Verdict::kDeviation, Verdict::kPass));
  EXPECT_FALSE(ScheduleBreaks(Verdict::kDeviation, Verdict::kDeviation));
  EXPECT_FALSE(ScheduleBreaks(Verdict::kInconclusive, Verdict::kPass));
  EXPECT_FALSE(ScheduleBreaks(Verdict::kPass, Verdict::kPass));
  EXPECT_EQ(BreakingScheduleVerdict(Verdict::kFail, 1), Verdict::kFail);
  EXPECT_EQ(BreakingScheduleVerdict(Verdict::kFail, 0), Verdict::kInconclusive);
}

TEST(CaseVerdictOfFacts, SkippedAndUnfiredOnlyChangeAPassAndHarnessErrorsWin) {
  auto level_of = [](const std::string& id, Level* level) {
    *level = Level::kMust;
    return id == "M";
  };
  std::vector<std::string> problems;
  CaseFacts facts;
  EXPECT_EQ(CaseVerdictOfFacts(facts, level_of, &problems), Verdict::kError) << "no end";
  facts.ran_to_end = true;
  EXPECT_EQ(CaseVerdictOfFacts(facts, level_of, &problems), Verdict::kPass);
  facts.unfired = {"handler.before_cancel"};
  EXPECT_EQ(CaseVerdictOfFacts(facts, level_of, &problems), Verdict::kNotExercised);
  facts.skipped = true;
  EXPECT_EQ(CaseVerdictOfFacts(facts, level_of, &problems), Verdict::kNotSupported);
  facts.findings = {{Verdict::kFail, "M", "x"}};
  EXPECT_EQ(CaseVerdictOfFacts(facts, level_of, &problems), Verdict::kFail);
  facts.harness_errors = {"no such point"};
  EXPECT_EQ(CaseVerdictOfFacts(facts, level_of, &problems), Verdict::kError);
}

TEST(CaseVerdictOf, WorstFindingAtItsLevelAndAnUnnamedCheckIsTheCasesDefect) {
  auto level_of = [](const std::string& id, Level* level) {
    if (id == "M")
      *level = Level::kMust;
    else if (id == "S")
      *level = Level::kShould;
    else if (id == "H")
      *level = Level::kStopsResponding;
    else
      return false;
    return true;
  };
  std::vector<std::string> problems;
  EXPECT_EQ(CaseVerdictOf({}, level_of, &problems), Verdict::kPass);
  EXPECT_EQ(CaseVerdictOf({{Verdict::kFail, "S", "x"}}, level_of, &problems), Verdict::kDeviation);
  EXPECT_EQ(
      CaseVerdictOf({{Verdict::kFail, "S", "x"}, {Verdict::kFail, "M", "y"}}, level_of, &problems),
      Verdict::kFail);
  EXPECT_EQ(CaseVerdictOf({{Verdict::kDocumentedHang, "H", "x"}}, level_of, &problems),
            Verdict::kDocumentedHang);
  EXPECT_EQ(CaseVerdictOf({{Verdict::kInconclusive, "", "no session"}}, level_of, &problems),
            Verdict::kInconclusive);
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(CaseVerdictOf({{Verdict::kFail, "", "x"}}, level_of, &problems), Verdict::kError);
  EXPECT_EQ(CaseVerdictOf({{Verdict::kFail, "NOPE", "x"}}, level_of, &problems), Verdict::kError);
  EXPECT_EQ(problems.size(), 2u);
}

TEST(Aggregate, RequirementWithoutCaseIsError) {
  Report report;
  report.requirements = {MakeRequirement("R1"), MakeRequirement("R2", {"a.planned"})};
  report.cases = {MakeCase("a.x", {"R1"}, Verdict::kPass)};
  report.Aggregate();
  EXPECT_EQ(report.requirements[0].verdict, Verdict::kPass);
  EXPECT_EQ(report.requirements[1].verdict, Verdict::kError);
  EXPECT_FALSE(report.conformant) << "a requirement nobody tested cannot be called conformant";
}

TEST(Aggregate, ConformantWithOnlyConformantVerdicts) {
  Report report;
  RequirementResult hangs = MakeRequirement("R2");
  hangs.level = Level::kStopsResponding;
  report.requirements = {MakeRequirement("R1"), hangs};
  report.cases = {MakeCase("a.1", {"R1"}, Verdict::kPass),
                  MakeCase("a.2", {"R1"}, Verdict::kDocumentedHang),
                  MakeCase("a.3", {"R2"}, Verdict::kNotSupported),
                  MakeCase("a.4", {"R2"}, Verdict::kNotExercised),
                  MakeCase("a.5", {"R2"}, Verdict::kDeviation, {{Verdict::kDeviation, "R2", "x"}})};
  report.Aggregate();
  EXPECT_TRUE(report.conformant);
  EXPECT_EQ(report.requirements[1].verdict, Verdict::kDeviation);
}

TEST(Aggregate, AnyNonConformantCaseSpoilsTheRunEvenWithoutRequirement) {
  for (Verdict verdict : {Verdict::kFail, Verdict::kHang, Verdict::kCrash, Verdict::kError}) {
    Report report;
    report.requirements = {MakeRequirement("R1")};
    report.cases = {MakeCase("a.1", {"R1"}, Verdict::kPass), MakeCase("a.2", {}, verdict)};
    report.Aggregate();
    EXPECT_FALSE(report.conformant) << ToString(verdict);
    EXPECT_EQ(report.requirements[0].verdict, Verdict::kPass);
  }
}

TEST(Aggregate, CaseListKeepsPlannedCasesAndAddsMissingOnes) {
  Report report;
  report.requirements = {MakeRequirement("R1", {"a.planned", "a.x"})};
  report.cases = {MakeCase("a.x", {"R1"}, Verdict::kPass), MakeCase("a.y", {"R1"}, Verdict::kPass)};
  report.Aggregate();
  EXPECT_EQ(report.requirements[0].case_ids, (std::vector<std::string>{"a.planned", "a.x", "a.y"}));
  report.Aggregate();  // idempotent
  EXPECT_EQ(report.requirements[0].case_ids.size(), 3u);
}

// A claim needs conforming cases and no claim gap; a gap makes conforming cases PARTIAL, and a
// failure is NOT CONFORMANT whatever the run covered.
TEST(Aggregate, ClaimGapsMakeAConformingRunPartialNeverConformant) {
  Report report;
  report.requirements = {MakeRequirement("R1")};
  report.cases = {MakeCase("a.1", {"R1"}, Verdict::kPass)};
  report.Aggregate();
  EXPECT_TRUE(report.conformant);
  EXPECT_EQ(ClaimOf(report), "CONFORMANT");
  report.claim_gaps = {"3 of the 90 must-pass cases were not run"};
  report.Aggregate();
  EXPECT_FALSE(report.conformant);
  EXPECT_TRUE(report.cases_conform);
  EXPECT_EQ(ClaimOf(report), "PARTIAL");
  report.cases.push_back(MakeCase("a.2", {"R1"}, Verdict::kFail, {{Verdict::kFail, "R1", "x"}}));
  report.Aggregate();
  EXPECT_FALSE(report.cases_conform);
  EXPECT_EQ(ClaimOf(report), "NOT CONFORMANT");
  report.claim_gaps.clear();
  report.Aggregate();
  EXPECT_EQ(ClaimOf(report), "NOT CONFORMANT");
}

TEST(Aggregate, ConformantIsRecomputedNotSticky) {
  Report report;
  report.requirements = {MakeRequirement("R1")};
  report.cases = {MakeCase("a.1", {"R1"}, Verdict::kPass)};
  report.Aggregate();
  EXPECT_TRUE(report.conformant);
  report.cases.push_back(MakeCase("a.2", {"R1"}, Verdict::kFail, {{Verdict::kFail, "R1", "x"}}));
  report.Aggregate();
  EXPECT_FALSE(report.conformant);
  EXPECT_EQ(report.requirements[0].verdict, Verdict::kFail);
}

TEST(Count, CountsCasesPerVerdict) {
  const Report report = testing::SampleReport();
  for (Verdict verdict :
       {Verdict::kPass, Verdict::kDocumentedHang, Verdict::kNotSupported, Verdict::kNotExercised,
        Verdict::kDeviation, Verdict::kFail, Verdict::kHang, Verdict::kCrash, Verdict::kError}) {
    EXPECT_EQ(report.Count(verdict), 1) << ToString(verdict);
  }
  Report empty;
  EXPECT_EQ(empty.Count(Verdict::kPass), 0);
}

TEST(Aggregate, SampleReportVerdicts) {
  const Report report = testing::SampleReport();
  ASSERT_EQ(report.requirements.size(), 4u);
  EXPECT_EQ(report.requirements[0].verdict, Verdict::kFail);   // SC-RETURN-1
  EXPECT_EQ(report.requirements[1].verdict, Verdict::kCrash);  // SC-REMARKS-1
  EXPECT_EQ(report.requirements[2].verdict, Verdict::kDeviation);
  EXPECT_EQ(report.requirements[3].verdict, Verdict::kError);
  EXPECT_FALSE(report.conformant);
}

}  // namespace
}  // namespace miconform::report

// integration_findings_selftest.cc - a run's integration findings gathered by kind
// (integration_findings.h): order, cases, occurrences, the count line, and that they never touch
// a verdict or the claim.
#include <gtest/gtest.h>

#include "miconform/report/integration_findings.h"

namespace miconform::report {
namespace {

CaseResult CaseWith(const std::string& id, std::vector<IntegrationFinding> findings) {
  CaseResult result;
  result.id = id;
  result.verdict = Verdict::kPass;
  result.integration_findings = std::move(findings);
  return result;
}

TEST(IntegrationFindingsOfRun, OnePerKindInOrderOfFirstAppearanceWithItsFirstCalls) {
  Report report;
  report.cases = {CaseWith("a.one", {{"session_closed_twice", "S", "calls of a.one", 1}}),
                  CaseWith("a.two", {}),
                  CaseWith("b.one", {{"acknowledged_after_close", "A", "calls of b.one", 2},
                                     {"session_closed_twice", "S", "calls of b.one", 3}}),
                  CaseWith("b.two", {{"acknowledged_after_close", "A", "calls of b.two", 1}})};
  const auto findings = IntegrationFindingsOf(report);
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].kind, "session_closed_twice");
  EXPECT_EQ(findings[0].case_ids, (std::vector<std::string>{"a.one", "b.one"}));
  EXPECT_EQ(findings[0].occurrences, 4u);
  EXPECT_EQ(findings[0].first_case, "a.one");
  EXPECT_EQ(findings[0].calls, "calls of a.one");
  EXPECT_EQ(findings[1].kind, "acknowledged_after_close");
  EXPECT_EQ(findings[1].what, "A");
  EXPECT_EQ(findings[1].case_ids, (std::vector<std::string>{"b.one", "b.two"}));
  EXPECT_EQ(findings[1].occurrences, 3u);
  EXPECT_EQ(findings[1].calls, "calls of b.one");
  EXPECT_EQ(IntegrationFindingsLine(findings),
            "2 integration findings (session_closed_twice, acknowledged_after_close)");
}

TEST(IntegrationFindingsOfRun, NoneAndOneReadNaturally) {
  Report report;
  EXPECT_EQ(IntegrationFindingsLine(IntegrationFindingsOf(report)), "no integration finding");
  report.cases = {CaseWith("a.one", {{"entry_point_unsplit", "E", "entry point called", 1}})};
  EXPECT_EQ(IntegrationFindingsLine(IntegrationFindingsOf(report)),
            "1 integration finding (entry_point_unsplit)");
}

TEST(IntegrationFindingsOfRun, TheyChangeNoVerdictAndNotTheClaim) {
  Report plain;
  plain.cases = {CaseWith("a.one", {})};
  plain.Aggregate();
  Report with = plain;
  with.cases[0].integration_findings = {{"operation_closed_twice", "O", "calls", 5}};
  with.Aggregate();
  EXPECT_EQ(with.cases[0].verdict, plain.cases[0].verdict);
  EXPECT_EQ(with.conformant, plain.conformant);
  EXPECT_EQ(with.cases_conform, plain.cases_conform);
  EXPECT_EQ(ClaimOf(with), ClaimOf(plain));
}

}  // namespace
}  // namespace miconform::report

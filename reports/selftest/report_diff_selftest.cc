// report_diff_selftest.cc - self-tests of Diff/WriteDiff (`miconform diff`) and of the comparison
// page (`miconform compare`).
#include <sstream>

#include <gtest/gtest.h>

#include "miconform/report/comparison.h"
#include "miconform/report/report_diff.h"
#include "sample_report.h"

namespace miconform::report {
namespace {

CaseResult* FindCaseResult(Report* report, Verdict verdict) {
  for (CaseResult& result : report->cases) {
    if (result.verdict == verdict) return &result;
  }
  return nullptr;
}

TEST(ReportDiff, TheSameReportHasNoChange) {
  const Report report = testing::SampleReport();
  const ReportDiff diff = Diff(report, report);
  EXPECT_FALSE(diff.VerdictsChanged());
  EXPECT_TRUE(diff.run_changes.empty());
  std::ostringstream out;
  WriteDiff(diff, out);
  EXPECT_EQ(out.str(), "no verdict changed\n");
}

TEST(ReportDiff, NamesNewFailuresFixesRunFactsAndTimingOutliers) {
  const Report before = testing::SampleReport();
  Report after = before;
  after.run.target_sha256 = "other";
  CaseResult* passed = FindCaseResult(&after, Verdict::kPass);
  CaseResult* failed = FindCaseResult(&after, Verdict::kFail);
  ASSERT_NE(passed, nullptr);
  ASSERT_NE(failed, nullptr);
  const std::string broken = passed->id;
  const std::string fixed = failed->id;
  passed->verdict = Verdict::kCrash;
  passed->duration_s = 0.1;
  failed->verdict = Verdict::kPass;
  failed->findings.clear();
  failed->duration_s = 30;
  after.cases.pop_back();  // one case only the first run has
  const std::string dropped = before.cases.back().id;
  after.Aggregate();

  const ReportDiff diff = Diff(before, after, {2.0, 1.0});
  EXPECT_TRUE(diff.VerdictsChanged());
  std::ostringstream out;
  WriteDiff(diff, out);
  const std::string text = out.str();
  EXPECT_NE(text.find("target SHA-256: "), std::string::npos) << text;
  EXPECT_NE(text.find("new failures"), std::string::npos) << text;
  EXPECT_NE(text.find("case " + broken + ": PASS -> CRASH"), std::string::npos) << text;
  EXPECT_NE(text.find("fixed"), std::string::npos) << text;
  EXPECT_NE(text.find("case " + fixed + ": FAIL -> PASS"), std::string::npos) << text;
  EXPECT_NE(text.find("case " + dropped + ": " +
                      std::string(ToString(before.cases.back().verdict)) + " -> (not run)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("timing outliers"), std::string::npos) << text;
  EXPECT_NE(text.find(" s -> 30.000 s"), std::string::npos) << text;
}

TEST(ReportDiff, ATimeChangeBelowEitherLimitIsNoOutlier) {
  const Report before = testing::SampleReport();
  Report after = before;
  after.cases[0].duration_s = before.cases[0].duration_s * 1.5 + 5;  // ratio
  EXPECT_TRUE(Diff(before, after, {100.0, 1.0}).timing.empty());
  EXPECT_TRUE(Diff(before, after, {1.1, 1000.0}).timing.empty());
  EXPECT_EQ(Diff(before, after, {1.1, 1.0}).timing.size(), 1u);
}

TEST(Comparison, OneRowPerRequirementOneColumnPerRunAndTheDifferencesMarked) {
  const Report first = testing::SampleReport();
  Report second = first;
  second.run.target = "second-target";
  second.requirements[0].verdict = Verdict::kPass;
  second.requirements[1].verdict = first.requirements[1].verdict;
  const std::vector<ComparedRun> runs = {{"dir-a", first}, {"dir-b", second}};
  std::ostringstream markdown, html;
  WriteComparisonMarkdown(runs, markdown);
  WriteComparisonHtml(runs, html);
  const std::string md = markdown.str();
  EXPECT_NE(md.find("`dir-a`"), std::string::npos);
  EXPECT_NE(md.find("`second-target`"), std::string::npos);
  EXPECT_NE(md.find("| **Claim** |"), std::string::npos);
  const std::size_t row = md.find("| `" + first.requirements[0].id + "` |");
  ASSERT_NE(row, std::string::npos) << md;
  const std::string line = md.substr(row, md.find('\n', row) - row);
  const bool differs = first.requirements[0].verdict != Verdict::kPass;
  EXPECT_EQ(line.size() >= 6 && line.substr(line.size() - 6) == " yes |", differs) << line;
  for (const RequirementResult& requirement : first.requirements) {
    EXPECT_NE(html.str().find("<code>" + requirement.id + "</code>"), std::string::npos);
  }
  EXPECT_NE(html.str().find("Content-Security-Policy"), std::string::npos);
}

}  // namespace
}  // namespace miconform::report

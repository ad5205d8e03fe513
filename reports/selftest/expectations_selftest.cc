// expectations_selftest.cc - self-tests of the expectations file and of the marks it gives results:
// parsing, the expectation rules (MarkExpectations), report.json round trip, the report
// directory's copy and its manifest, and what the writers show.
#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>

#include "miconform/report/expectations.h"
#include "miconform/report/writers.h"
#include "sample_report.h"
#include "temp_dir.h"

namespace miconform::report {
namespace {

namespace fs = std::filesystem;

// The parse error's text, or "" when `text` parses.
std::string ParseError(const std::string& text) {
  try {
    ParseExpectations(text);
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return {};
}

TEST(ExpectationsFile, ReadsEntriesCommentsAndLinks) {
  const std::vector<Expectation> entries = ParseExpectations(
      "# known failures\n"
      "\n"
      "  SC-REM-3\tFAILS  blocks forever, see https://bugs.example/42 and more  \r\n"
      "session_close.sync.idle FLAKY loaded build hosts\n");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].id, "SC-REM-3");
  EXPECT_EQ(entries[0].expect, Expect::kFails);
  EXPECT_EQ(entries[0].reason, "blocks forever, see https://bugs.example/42 and more");
  EXPECT_EQ(entries[0].link, "https://bugs.example/42");
  EXPECT_EQ(entries[1].expect, Expect::kFlaky);
  EXPECT_EQ(entries[1].link, "");
  // What ExpectationsText writes reads back as the same entries.
  const std::vector<Expectation> again = ParseExpectations(ExpectationsText(entries));
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[0].reason, entries[0].reason);
  EXPECT_EQ(again[1].expect, Expect::kFlaky);
}

TEST(ExpectationsFile, EveryMalformedLineIsNamed) {
  EXPECT_EQ(ParseError("A FAILS reason\nB\n"),
            "line 2: 'B' has no expectation: give FAILS or "
            "FLAKY, then the reason");
  EXPECT_NE(ParseError("A FAIL reason").find("'FAIL' is no expectation"), std::string::npos);
  EXPECT_NE(ParseError("A fails reason").find("is no expectation"), std::string::npos);
  EXPECT_NE(ParseError("A FAILS   ").find("gives no reason"), std::string::npos);
  EXPECT_NE(ParseError("A FAILS x\nA FLAKY y").find("line 2: a second entry for A"),
            std::string::npos);
  EXPECT_NE(ParseError(std::string("A FAILS a\0b", 11)).find("control character"),
            std::string::npos);
  EXPECT_EQ(ParseError("# only a comment\n"), "");
  EXPECT_EQ(ParseExpectations("\xEF\xBB\xBFSC-REM-3 FAILS x").at(0).id, "SC-REM-3")
      << "a byte order mark is not part of the first ID";
  EXPECT_TRUE(ParseExpectations("").empty());
}

using testing::MakeCase;
using testing::MakeRequirement;

Expectation Entry(const std::string& id, Expect expect) { return {id, expect, "because", ""}; }

// R1 broken by a.fail (a finding); R2 broken by a.hang (a case verdict); R3 kept.
Report Marked(std::vector<Expectation> entries) {
  Report report;
  report.requirements = {MakeRequirement("R1"), MakeRequirement("R2"), MakeRequirement("R3")};
  report.cases = {MakeCase("a.fail", {"R1", "R3"}, Verdict::kFail, {{Verdict::kFail, "R1", "x"}}),
                  MakeCase("a.hang", {"R2"}, Verdict::kHang),
                  MakeCase("a.pass", {"R3"}, Verdict::kPass)};
  report.expectations = std::move(entries);
  report.Aggregate();
  return report;
}

Expected OutcomeOf(const std::optional<ExpectationMark>& mark) {
  EXPECT_TRUE(mark.has_value());
  return mark ? mark->outcome : Expected::kAsExpected;
}

TEST(MarkExpectations, NoEntriesNoMarks) {
  const Report report = Marked({});
  for (const CaseResult& result : report.cases) EXPECT_FALSE(result.expectation.has_value());
  EXPECT_EQ(report.CountMarked(Expected::kUnexpectedFailure), 0);
}

TEST(MarkExpectations, ARequirementEntryExcusesTheCasesThatChargeOnlyIt) {
  const Report report = Marked({Entry("R1", Expect::kFails)});
  EXPECT_EQ(OutcomeOf(report.requirements[0].expectation), Expected::kExpectedFailure);
  EXPECT_EQ(OutcomeOf(report.cases[0].expectation), Expected::kExpectedFailure)
      << "a.fail charges R1 alone (its R3 holds)";
  EXPECT_EQ(report.cases[0].expectation->entries, std::vector<std::string>{"R1"});
  EXPECT_EQ(OutcomeOf(report.cases[1].expectation), Expected::kUnexpectedFailure);
  EXPECT_EQ(OutcomeOf(report.requirements[1].expectation), Expected::kUnexpectedFailure);
  EXPECT_EQ(OutcomeOf(report.cases[2].expectation), Expected::kAsExpected);
  EXPECT_EQ(report.CountMarked(Expected::kUnexpectedFailure), 2);
}

TEST(MarkExpectations, ACaseEntryExcusesTheRequirementsOnlyItCharges) {
  const Report report = Marked({Entry("a.hang", Expect::kFails)});
  EXPECT_EQ(OutcomeOf(report.cases[1].expectation), Expected::kExpectedFailure);
  EXPECT_EQ(OutcomeOf(report.requirements[1].expectation), Expected::kExpectedFailure);
  EXPECT_EQ(report.requirements[1].expectation->entries, std::vector<std::string>{"a.hang"});
  EXPECT_EQ(OutcomeOf(report.requirements[0].expectation), Expected::kUnexpectedFailure);
}

TEST(MarkExpectations, AFailsEntryOnAConformingResultIsAnUnexpectedPass) {
  const Report report = Marked({Entry("a.pass", Expect::kFails), Entry("R3", Expect::kFails)});
  EXPECT_EQ(OutcomeOf(report.cases[2].expectation), Expected::kUnexpectedPass);
  EXPECT_EQ(OutcomeOf(report.requirements[2].expectation), Expected::kUnexpectedPass);
  EXPECT_EQ(report.CountMarked(Expected::kUnexpectedPass), 2);
}

TEST(MarkExpectations, FlakyAcceptsEitherResult) {
  const Report report = Marked({Entry("a.pass", Expect::kFlaky), Entry("R2", Expect::kFlaky)});
  EXPECT_EQ(OutcomeOf(report.cases[2].expectation), Expected::kAsExpected);
  EXPECT_EQ(report.cases[2].expectation->entries, std::vector<std::string>{"a.pass"});
  EXPECT_EQ(OutcomeOf(report.requirements[1].expectation), Expected::kExpectedFailure);
  EXPECT_EQ(OutcomeOf(report.cases[1].expectation), Expected::kExpectedFailure);
}

TEST(MarkExpectations, AnErrorIsNeverExpected) {
  Report report;
  report.requirements = {MakeRequirement("R1")};
  report.cases = {MakeCase("a.error", {"R1"}, Verdict::kError)};
  report.expectations = {Entry("a.error", Expect::kFails), Entry("R1", Expect::kFlaky)};
  report.Aggregate();
  EXPECT_EQ(OutcomeOf(report.cases[0].expectation), Expected::kUnexpectedFailure);
  EXPECT_EQ(OutcomeOf(report.requirements[0].expectation), Expected::kUnexpectedFailure);
}

TEST(MarkExpectations, OnlyAVerdictThatProvedSomethingIsAnUnexpectedPass) {
  for (Verdict verdict : {Verdict::kNotSupported, Verdict::kNotExercised, Verdict::kInconclusive}) {
    Report report;
    report.requirements = {MakeRequirement("R1")};
    report.cases = {MakeCase("a.x", {"R1"}, verdict)};
    report.expectations = {Entry("a.x", Expect::kFails)};
    report.Aggregate();
    EXPECT_EQ(OutcomeOf(report.cases[0].expectation), Expected::kAsExpected) << ToString(verdict);
  }
}

// A filtered run: the case names R1 (expected to fail) but a finding charges R2, which no case of
// the run names. R2 has no entry, so the case's failure is not all expected.
TEST(MarkExpectations, AFindingOutsideTheReportsRequirementsStillNeedsAnEntry) {
  Report report;
  report.requirements = {MakeRequirement("R1")};
  report.cases = {MakeCase("a.x", {"R1"}, Verdict::kFail,
                           {{Verdict::kFail, "R1", "x"}, {Verdict::kFail, "R2", "y"}})};
  report.expectations = {Entry("R1", Expect::kFails)};
  report.Aggregate();
  EXPECT_EQ(OutcomeOf(report.cases[0].expectation), Expected::kUnexpectedFailure);
  report.expectations.push_back(Entry("R2", Expect::kFails));
  report.Aggregate();
  EXPECT_EQ(OutcomeOf(report.cases[0].expectation), Expected::kExpectedFailure);
}

TEST(MarkExpectations, MarksChangeNoVerdictAndNoClaim) {
  const Report without = Marked({});
  const Report with = Marked({Entry("R1", Expect::kFails), Entry("R2", Expect::kFails)});
  EXPECT_EQ(with.CountMarked(Expected::kUnexpectedFailure), 0);
  EXPECT_EQ(ClaimOf(with), ClaimOf(without));
  EXPECT_EQ(ClaimOf(with), "NOT CONFORMANT");
  for (std::size_t i = 0; i < with.cases.size(); ++i) {
    EXPECT_EQ(with.cases[i].verdict, without.cases[i].verdict);
  }
}

// The sample's CRASH case is a known failure, its PASS case thought broken, and one entry names
// a case the run does not have.
const CaseResult& CaseWith(const Report& report, Verdict verdict) {
  return *std::find_if(report.cases.begin(), report.cases.end(),
                       [&](const CaseResult& result) { return result.verdict == verdict; });
}

Report SampleWithExpectations() {
  Report report = testing::SampleReport();
  report.expectations = {{CaseWith(report, Verdict::kCrash).id, Expect::kFails,
                          "known, https://bugs.example/7", "https://bugs.example/7"},
                         {report.cases.front().id, Expect::kFails, "thought broken", ""},
                         {"NOT-RUN-1", Expect::kFlaky, "not in this run", ""}};
  report.Aggregate();
  return report;
}

TEST(ExpectationsReport, RoundTripsThroughReportJson) {
  const Report report = SampleWithExpectations();
  std::stringstream json;
  WriteJson(report, json);
  EXPECT_NE(json.str().find("\"unexpected_failures\""), std::string::npos);
  testing::ExpectSameReport(report, ReadJson(json));
  // A report without expectations writes none of their fields.
  std::stringstream plain;
  WriteJson(testing::SampleReport(), plain);
  EXPECT_EQ(plain.str().find("expectation"), std::string::npos);
}

TEST(ExpectationsReport, WritersShowUnexpectedResultsAndTheEntriesNothingUsed) {
  const Report report = SampleWithExpectations();
  std::ostringstream markdown, html, junit;
  WriteMarkdown(report, markdown);
  WriteHtml(report, html);
  WriteJunit(report, junit);
  for (const std::string& page : {markdown.str(), html.str()}) {
    EXPECT_NE(page.find("UNEXPECTED pass"), std::string::npos);
    EXPECT_NE(page.find("UNEXPECTED failure"), std::string::npos);
    EXPECT_NE(page.find("not in this run"), std::string::npos) << "the unused entry";
  }
  // The expected failure is <skipped> for a CI server, with its entry in the message.
  const std::string xml = junit.str();
  const std::string crashed = CaseWith(report, Verdict::kCrash).id;
  const std::size_t expected = xml.find("expected failure (" + crashed);
  ASSERT_NE(expected, std::string::npos) << xml;
  EXPECT_EQ(xml.rfind("<skipped", expected), xml.rfind('<', expected)) << "in a <skipped> element";
}

TEST(ExpectationsReport, TheDirectoryKeepsTheEntriesUnderItsManifest) {
  testing::TempDir temp;
  { std::ofstream(temp.path() / "journal.jsonl") << "{\"event\":\"begin\"}\n"; }
  WriteReportDirectory(SampleWithExpectations(), temp.path());
  const fs::path kept = temp.path() / kExpectationsName;
  ASSERT_TRUE(fs::exists(kept));
  EXPECT_EQ(ParseExpectations(testing::Slurp(kept)).size(), 3u);
  EXPECT_NE(testing::Slurp(temp.path() / kManifestName).find("  expectations.txt\n"),
            std::string::npos);
  EXPECT_TRUE(CheckManifest(temp.path()).empty());
  { std::ofstream(kept, std::ios::app) << "report.json FLAKY added later\n"; }
  const std::vector<std::string> problems = CheckManifest(temp.path());
  EXPECT_TRUE(std::any_of(problems.begin(), problems.end(), [](const std::string& problem) {
    return problem.find("expectations.txt is not as the run wrote it") != std::string::npos;
  }));
  // A report without expectations leaves no stale copy behind.
  WriteReportDirectory(testing::SampleReport(), temp.path());
  EXPECT_FALSE(fs::exists(kept));
  EXPECT_TRUE(CheckManifest(temp.path()).empty());
}

}  // namespace
}  // namespace miconform::report

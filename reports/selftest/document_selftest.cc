// document_selftest.cc - self-tests of report.md and report.html: content, escaping, trimming.
#include <sstream>

#include <gtest/gtest.h>

#include "miconform/report/writers.h"
#include "sample_report.h"

namespace miconform::report {
namespace {

std::string ToMarkdown(const Report& report) {
  std::ostringstream out;
  WriteMarkdown(report, out);
  return out.str();
}

std::string ToHtml(const Report& report) {
  std::ostringstream out;
  WriteHtml(report, out);
  return out.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Cell separators of a GFM table row: '|' not preceded by a backslash.
int UnescapedPipes(const std::string& row) {
  int count = 0;
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (row[i] == '|' && (i == 0 || row[i - 1] != '\\')) ++count;
  }
  return count;
}

TEST(Markdown, HeaderStatesTargetDigestTimesAndOutcome) {
  const std::string md = ToMarkdown(testing::SampleReport());
  EXPECT_NE(md.find("**NOT CONFORMANT**"), std::string::npos);
  EXPECT_NE(md.find("`reference`"), std::string::npos);
  EXPECT_NE(md.find("`9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08`"),
            std::string::npos);
  EXPECT_NE(md.find("2026-11-25T13:35:45.123Z"), std::string::npos);
  EXPECT_NE(md.find("2026-11-25T13:36:02.456Z"), std::string::npos);

  Report conformant;
  conformant.conformant = true;
  conformant.run.ended = "2026-11-25T13:36:02.456Z";
  EXPECT_NE(ToMarkdown(conformant).find("**CONFORMANT**"), std::string::npos);
  // The record of a run that never ended (a killed runner's journal) says so first.
  conformant.run.ended.clear();
  EXPECT_NE(ToMarkdown(conformant).find("**INTERRUPTED**"), std::string::npos);
}

TEST(Markdown, EveryTableRowHasItsTablesCellCount) {
  const std::string md = ToMarkdown(testing::SampleReport());
  int requirement_rows = 0;
  int observation_rows = 0;
  std::string section;
  for (const std::string& line : Lines(md)) {
    if (line.rfind("## ", 0) == 0) section = line;
    if (line.rfind("| ", 0) != 0 && line.rfind("|---", 0) != 0) continue;
    if (section == "## Requirements") {
      ++requirement_rows;
      EXPECT_EQ(UnescapedPipes(line), 7) << line;  // six cells
    } else if (section == "## Observations") {
      ++observation_rows;
      EXPECT_EQ(UnescapedPipes(line), 4) << line;  // case, relates to, seen
    } else {
      ADD_FAILURE() << "a table row outside the two tables: " << line;
    }
  }
  EXPECT_EQ(requirement_rows, 2 + 4);  // header, separator, four requirements
  EXPECT_EQ(observation_rows, 2 + 1);  // header, separator, one observation
}

TEST(Markdown, OneSectionPerNonPassCase) {
  const Report report = testing::SampleReport();
  const std::string md = ToMarkdown(report);
  for (const CaseResult& result : report.cases) {
    const bool has_section = md.find("### `" + result.id + "`") != std::string::npos;
    EXPECT_EQ(has_section, result.verdict != Verdict::kPass) << result.id;
  }
  EXPECT_NE(md.find("miconform run --target reference --case 'session_close.sync.open_operation'"),
            std::string::npos);
  // The stack holds a ``` run, so its fence must be longer.
  EXPECT_NE(md.find("````text\nThread 2 (LWP 101):"), std::string::npos);
}

TEST(Markdown, NoControlCharactersOrInvalidUtf8Escape) {
  Report report = testing::SampleReport();
  report.cases[5].evidence.stacks = "bad \xFF bytes \x01";
  const std::string md = ToMarkdown(report);
  for (char c : md) {
    const auto byte = static_cast<unsigned char>(c);
    EXPECT_FALSE(byte < 0x20 && c != '\n' && c != '\t') << "control byte " << int(byte);
  }
  EXPECT_EQ(md.find('\xFF'), std::string::npos);
}

TEST(Markdown, LongStacksAreTrimmed) {
  Report report = testing::SampleReport();
  std::string stacks;
  for (int i = 0; i < 5000; ++i) stacks += "#" + std::to_string(i) + " frame ()\n";
  report.cases[6].evidence.stacks = stacks;
  const std::string md = ToMarkdown(report);
  EXPECT_LT(md.size(), 40000u);
  EXPECT_NE(md.find("left out; report.json holds the full text"), std::string::npos);
  EXPECT_NE(md.find("#199 frame ()"), std::string::npos);
  EXPECT_EQ(md.find("#200 frame ()"), std::string::npos);
}

TEST(Markdown, AllPassingRunSaysSo) {
  Report report;
  CaseResult pass;
  pass.id = "a.b";
  pass.verdict = Verdict::kPass;
  report.cases = {pass};
  report.Aggregate();
  EXPECT_NE(ToMarkdown(report).find("Every case passed."), std::string::npos);
}

// Top down: the failures (with the requirements they break) before the requirement table, the
// conformant outcomes after it.
TEST(Markdown, FailuresComeFirstAndConformantOutcomesApart) {
  const Report report = testing::SampleReport();
  const std::string md = ToMarkdown(report);
  const std::size_t failures = md.find("## Failures");
  const std::size_t requirements = md.find("## Requirements");
  const std::size_t warnings = md.find("## Warnings");
  const std::size_t hangs = md.find("## Documented hangs");
  ASSERT_NE(failures, std::string::npos);
  EXPECT_LT(failures, requirements);
  EXPECT_LT(requirements, warnings);
  EXPECT_LT(warnings, hangs);
  EXPECT_NE(md.find("requirements: "), std::string::npos) << "the requirement counts";
  for (const CaseResult& result : report.cases) {
    const std::size_t at = md.find("### `" + result.id + "`");
    if (result.verdict == Verdict::kPass) {
      EXPECT_EQ(at, std::string::npos) << result.id;
    } else if (!IsConformant(result.verdict)) {
      EXPECT_TRUE(at > failures && at < requirements) << result.id;
    } else if (result.verdict == Verdict::kDocumentedHang) {
      EXPECT_GT(at, hangs) << result.id;
    } else {
      EXPECT_TRUE(at > warnings && at < hangs) << result.id;
    }
  }
  const std::size_t fail_case = md.find("### `session_close.sync.open_operation`");
  const std::size_t breaks = md.find("- Breaks `SC-RETURN-1` (MUST", fail_case);
  EXPECT_LT(breaks, md.find("### ", fail_case + 4)) << "the failing case names what it breaks";
  // The trace and the handler's record are shown, not only kept in report.json; in the page every
  // part of the evidence is folded.
  EXPECT_LT(md.find("Trace:\n\n```text\nphase:setup\n", fail_case), md.find("### ", fail_case + 4));
  EXPECT_LT(md.find("Handler record:\n\n```json\n", fail_case), md.find("### ", fail_case + 4));
  const std::string html = ToHtml(report);
  EXPECT_NE(html.find("<details class=\"evidence\" data-part=\"Trace\">\n<summary>Trace</summary>"),
            std::string::npos);
  EXPECT_NE(html.find("data-part=\"Handler_record\">\n<summary>Handler record</summary>"),
            std::string::npos);
  EXPECT_EQ(html.find("<h4>Stacks</h4>"), std::string::npos) << "stacks are folded too";
  EXPECT_LT(html.find("<h2>Failures</h2>"), html.find("<h2>Requirements</h2>"));
  EXPECT_LT(html.find("<h2>Requirements</h2>"), html.find("<h2>Documented hangs</h2>"));
}

// A run whose every case is ERROR judged nothing: it says so first, and still claims nothing.
TEST(Markdown, ARunThatJudgedNothingSaysSo) {
  Report report = testing::SampleReport();
  for (CaseResult& result : report.cases) result.verdict = Verdict::kError;
  report.Aggregate();
  EXPECT_EQ(OutcomeOf(report), "NOTHING JUDGED");
  EXPECT_EQ(ClaimOf(report), "NOT CONFORMANT") << "report.json's claim is unchanged";
  EXPECT_EQ(ToMarkdown(report).rfind("# miconform conformance report\n\n**NOTHING JUDGED**", 0),
            0u);
  report.cases.front().verdict = Verdict::kPass;
  report.Aggregate();
  EXPECT_EQ(OutcomeOf(report), "NOT CONFORMANT");
}

TEST(Html, SelfContainedAndEscaped) {
  const std::string html = ToHtml(testing::SampleReport());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(html.find('\x01'), std::string::npos);
  EXPECT_EQ(html.find('\x1b'), std::string::npos);
  EXPECT_NE(html.find("\xF0\x9F\x98\x80"), std::string::npos);
  EXPECT_NE(html.find("</html>\n"), std::string::npos);
}

// Filters by verdict and area with radio buttons and CSS (no script), links both ways between
// requirements and cases, the target's frame before the folded stacks, a phone-width viewport.
TEST(Html, FiltersLinksTargetFramesAndAViewportWithoutScript) {
  const std::string html = ToHtml(testing::SampleReport());
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"),
            std::string::npos);
  EXPECT_NE(
      html.find("<input class=\"filter\" type=\"radio\" name=\"verdict\" id=\"fv--all\" checked>"),
      std::string::npos);
  EXPECT_NE(html.find("<input class=\"filter\" type=\"radio\" name=\"verdict\" id=\"fv-FAIL\">"),
            std::string::npos);
  EXPECT_NE(
      html.find(
          "#fv-FAIL:checked ~ main [data-verdict]:not([data-verdict=\"FAIL\"]) { display: none; }"),
      std::string::npos);
  EXPECT_NE(
      html.find("<input class=\"filter\" type=\"radio\" name=\"area\" id=\"fa-session_close\">"),
      std::string::npos);
  EXPECT_LT(html.find("id=\"fa--all\""), html.find("<main>"))
      << "the inputs precede what they filter";
  EXPECT_NE(html.find("<tr id=\"req-SC-RETURN-1\" data-verdict=\"FAIL\">"), std::string::npos);
  EXPECT_NE(html.find("<tr class=\"breaks\"><th>Breaks</th><td><a href=\"#req-SC-RETURN-1\">"),
            std::string::npos);
  EXPECT_NE(html.find("<tr class=\"target-frame\"><th>In the target</th><td><code>TID 102: "
                      "Session::Close(void*), in __lll_lock_wait</code></td></tr>"),
            std::string::npos);
  EXPECT_LT(html.find("class=\"target-frame\""), html.find("data-part=\"Stacks\""));
  // The target's own frames come first among the evidence, unfolded; the whole stacks folded.
  EXPECT_LT(html.find("<details class=\"evidence\" data-part=\"Target_frames\" open>"),
            html.find("<details class=\"evidence\" data-part=\"Stacks\">"));
}

TEST(Html, VerdictsAreColourCodedAndCasesDescribed) {
  const Report report = testing::SampleReport();
  const std::string html = ToHtml(report);
  for (const char* css : {"v-pass", "v-documented-hang", "v-not-supported", "v-not-exercised",
                          "v-deviation", "v-fail", "v-hang", "v-crash", "v-error"}) {
    EXPECT_NE(html.find(std::string(".") + css), std::string::npos) << css << " has a style";
  }
  for (const CaseResult& result : report.cases) {
    const bool failure = !IsConformant(result.verdict);
    const bool has_section =
        html.find(std::string("<section class=\"case") + (failure ? " failure" : "") +
                  "\" id=\"case-" + result.id + "\" data-verdict=\"" +
                  std::string(ToString(result.verdict)) + "\" data-area=\"" +
                  result.id.substr(0, result.id.find('.')) + "\">") != std::string::npos;
    EXPECT_EQ(has_section, result.verdict != Verdict::kPass) << result.id;
  }
  EXPECT_NE(html.find("NOT CONFORMANT"), std::string::npos);
  EXPECT_NE(html.find("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
            std::string::npos);
}

}  // namespace
}  // namespace miconform::report

// comparison_writer.cc - compare.md and compare.html (comparison.h).
#include <map>
#include <optional>

#include "html_parts.h"
#include "miconform/report/comparison.h"
#include "text_escape.h"

namespace miconform::report {
namespace {

// One row of the comparison: a requirement and each run's verdict for it.
struct ComparisonRow {
  const RequirementResult* first = nullptr;  // the first run's record of it, for level and page
  std::vector<std::optional<Verdict>> verdicts;
  bool differs = false;
};

std::vector<ComparisonRow> ComparisonRowsOf(const std::vector<ComparedRun>& runs) {
  std::vector<ComparisonRow> rows;
  std::map<std::string, std::size_t> row_of;
  for (std::size_t column = 0; column < runs.size(); ++column) {
    for (const RequirementResult& requirement : runs[column].report.requirements) {
      auto [where, added] = row_of.emplace(requirement.id, rows.size());
      if (added)
        rows.push_back({&requirement, std::vector<std::optional<Verdict>>(runs.size()), false});
      rows[where->second].verdicts[column] = requirement.verdict;
    }
  }
  for (ComparisonRow& row : rows) {
    for (const std::optional<Verdict>& verdict : row.verdicts) {
      row.differs = row.differs || verdict != row.verdicts.front();
    }
  }
  return rows;
}

// "target, suite 0.1.0, 2026-12-02T20:00:00.000Z" - what tells the columns apart.
std::string Heading(const ComparedRun& run) {
  return run.report.run.target + ", suite " + run.report.run.suite_version + ", " +
         run.report.run.started;
}

}  // namespace

void WriteComparisonMarkdown(const std::vector<ComparedRun>& runs, std::ostream& out) {
  out << "# miconform comparison\n\n";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const RunInfo& run = runs[i].report.run;
    out << i + 1 << ". " << text::MarkdownCode(run.target, false) << " (SHA-256 "
        << text::MarkdownCode(run.target_sha256, false) << "), suite "
        << text::MarkdownCode(run.suite_version, false) << ", started "
        << text::MarkdownInline(run.started) << ": " << text::MarkdownCode(runs[i].source, false)
        << "\n";
  }
  out << "\n| Requirement | Level | Source |";
  for (std::size_t i = 0; i < runs.size(); ++i) out << " " << i + 1 << " |";
  out << " Differs |\n|---|---|---|";
  for (std::size_t i = 0; i < runs.size(); ++i) out << "---|";
  out << "---|\n| **Claim** | | |";
  for (const ComparedRun& run : runs) out << " **" << OutcomeOf(run.report) << "** |";
  out << " |\n";
  for (const ComparisonRow& row : ComparisonRowsOf(runs)) {
    out << "| " << text::MarkdownCode(row.first->id, true) << " | " << ToString(row.first->level)
        << " | " << text::MarkdownInline(row.first->page + " / " + row.first->section) << " |";
    for (const std::optional<Verdict>& verdict : row.verdicts) {
      out << " " << (verdict ? std::string(ToString(*verdict)) : std::string("-")) << " |";
    }
    out << (row.differs ? " yes |" : " |") << "\n";
  }
}

void WriteComparisonHtml(const std::vector<ComparedRun>& runs, std::ostream& out) {
  out << html::PageHead("miconform comparison of " + std::to_string(runs.size()) + " runs");
  out << "<h1>miconform comparison</h1>\n<table class=\"comparison\">\n<thead><tr><th>Requirement"
         "</th><th>Level</th><th>Source</th>";
  for (const ComparedRun& run : runs) {
    out << "<th>" << text::Html(Heading(run)) << "<br><code>" << text::Html(run.source)
        << "</code></th>";
  }
  out << "<th>Differs</th></tr></thead>\n<tbody>\n<tr><th>Claim</th><td></td><td></td>";
  for (const ComparedRun& run : runs) {
    out << "<td><span class=\"outcome " << html::ClaimClass(run.report) << "\">"
        << OutcomeOf(run.report) << "</span></td>";
  }
  out << "<td></td></tr>\n";
  for (const ComparisonRow& row : ComparisonRowsOf(runs)) {
    out << "<tr><td><code>" << text::Html(row.first->id) << "</code></td><td>"
        << ToString(row.first->level) << "</td><td>"
        << text::Html(row.first->page + " / " + row.first->section) << "</td>";
    for (const std::optional<Verdict>& verdict : row.verdicts) {
      out << "<td>" << (verdict ? html::Badge(*verdict) : std::string("-")) << "</td>";
    }
    out << "<td>" << (row.differs ? "<strong>yes</strong>" : "") << "</td></tr>\n";
  }
  out << "</tbody>\n</table>\n</body>\n</html>\n";
}

}  // namespace miconform::report

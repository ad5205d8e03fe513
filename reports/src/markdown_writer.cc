// markdown_writer.cc - report.md: the review document, top down: the claim and counts, the root
// causes, the failures with the requirements they break and their evidence, the requirement table,
// the expectations, observations and integration findings, then the warnings and documented hangs.
#include <algorithm>

#include "case_details.h"
#include "miconform/report/expectations.h"
#include "miconform/report/integration_findings.h"
#include "miconform/report/root_causes.h"
#include "miconform/report/writers.h"
#include "text_escape.h"

namespace miconform::report {
namespace {

using text::MarkdownCode;
using text::MarkdownInline;

std::string CodeList(const std::vector<std::string>& items, bool in_table) {
  if (items.empty()) return "(none)";
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += MarkdownCode(items[i], in_table);
  }
  return out;
}

std::string OrNone(const std::string& value, bool code) {
  if (value.empty()) return "(none)";
  return code ? MarkdownCode(value, false) : MarkdownInline(value);
}

void WriteHeader(const Report& report, const std::vector<IntegrationFindingOfRun>& integration,
                 std::ostream& out) {
  const RunInfo& run = report.run;
  out << "# miconform conformance report\n\n";
  out << "**" << OutcomeOf(report) << "**: " << CaseCountLine(report) << "; "
      << RequirementCountLine(report) << ".\n\n";
  out << "Integration: " << IntegrationFindingsLine(integration) << "; not verdicts.\n\n";
  if (const std::string line = ExpectationSummary(report); !line.empty()) {
    out << "Expectations: " << MarkdownInline(line) << ".\n\n";
  }
  if (!report.claim_gaps.empty()) {
    out << "Not a conformance claim:\n\n";
    for (const std::string& gap : report.claim_gaps) out << "- " << MarkdownInline(gap) << "\n";
    out << "\n";
  }
  out << "- Target: " << OrNone(run.target, true) << "\n";
  out << "- Library: " << OrNone(run.target_library, true) << "\n";
  out << "- SHA-256: " << OrNone(run.target_sha256, true) << "\n";
  out << "- Suite version: " << OrNone(run.suite_version, true) << "\n";
  out << "- Started: " << OrNone(run.started, false) << "\n";
  out << "- Ended: " << OrNone(run.ended, false) << "\n";
  out << "- Host: " << OrNone(run.host, false) << "\n";
  out << "- Options:";
  if (run.options.empty()) out << " (none)";
  bool first = true;
  for (const auto& [name, value] : run.options) {
    out << (first ? " " : ", ") << MarkdownCode(name + "=" + value, false);
    first = false;
  }
  out << "\n\n";
}

// At most this many case IDs are listed under a root cause; the rest are counted.
constexpr std::size_t kCasesListed = 12;

void WriteRootCauses(const Report& report, std::ostream& out) {
  const std::vector<RootCause> causes = RootCauses(report);
  if (causes.empty()) return;
  std::size_t failing = 0;
  for (const RootCause& cause : causes) failing += cause.case_ids.size();
  out << "## Root causes\n\n" << details::RootCauseIntro(failing, causes.size()) << "\n\n";
  for (std::size_t i = 0; i < causes.size(); ++i) {
    const RootCause& cause = causes[i];
    const std::size_t size = cause.case_ids.size();
    out << i + 1 << ". **" << size << (size == 1 ? " case" : " cases") << "**, breaking "
        << CodeList(cause.requirement_ids, false) << ":\n";
    for (const SharedFact& fact : cause.shared) {
      out << "   - " << MarkdownInline(details::SharedFactText(fact, size)) << "\n";
    }
    out << "\n   Cases: ";
    for (std::size_t c = 0; c < size && c < kCasesListed; ++c) {
      out << (c > 0 ? ", " : "") << MarkdownCode(cause.case_ids[c], false);
    }
    if (size > kCasesListed) out << " and " << size - kCasesListed << " more";
    out << ".\n\n";
  }
}

void WriteRequirements(const Report& report, std::ostream& out) {
  out << "## Requirements\n\n";
  if (report.requirements.empty()) {
    out << "The report names no requirement.\n\n";
    return;
  }
  out << "| ID | Level | Verdict | Source | Requirement | Cases |\n";
  out << "|---|---|---|---|---|---|\n";
  for (const RequirementResult& requirement : report.requirements) {
    out << "| " << MarkdownCode(requirement.id, true) << " | " << ToString(requirement.level)
        << " | **" << ToString(requirement.verdict) << "** | "
        << MarkdownInline(requirement.page + " / " + requirement.section) << " | "
        << MarkdownInline(requirement.text) << " | " << CodeList(requirement.case_ids, true)
        << " |\n";
  }
  out << "\n";
}

// The results the expectations speak about, and the entries nothing in the run used.
void WriteExpectations(const Report& report, std::ostream& out) {
  if (report.expectations.empty()) return;
  out << "## Expectations\n\n";
  const std::vector<details::MarkedResult> marked = details::MarkedResults(report);
  if (marked.empty()) {
    out << "Every result conforms and no entry applied.\n\n";
  } else {
    out << "| Result | Verdict | Against the expectations |\n|---|---|---|\n";
    for (const details::MarkedResult& result : marked) {
      out << "| " << (result.is_case ? "case " : "requirement ") << MarkdownCode(result.id, true)
          << " | " << ToString(result.verdict) << " | " << MarkdownInline(result.text) << " |\n";
    }
    out << "\n";
  }
  const std::vector<Expectation> unused = details::UnusedExpectations(report);
  if (!unused.empty()) {
    out << "Entries that applied to nothing in this run (not run, or nothing to excuse):\n\n";
    for (const Expectation& entry : unused) {
      out << "- " << MarkdownCode(entry.id, false) << " " << ToString(entry.expect) << ": "
          << MarkdownInline(entry.reason) << "\n";
    }
    out << "\n";
  }
}

// What the cases saw where the pages leave the behaviour open: never judged.
void WriteObservations(const Report& report, std::ostream& out) {
  out << "## Observations\n\n";
  bool any = false;
  for (const CaseResult& result : report.cases) {
    for (const Observation& observation : result.observations) {
      if (!any) {
        out << "What the cases saw where the pages leave the behaviour open. Recorded, never "
               "judged.\n\n| Case | Relates to | Seen |\n|---|---|---|\n";
        any = true;
      }
      out << "| " << MarkdownCode(result.id, true) << " | "
          << (observation.requirement_id.empty() ? std::string("-")
                                                 : MarkdownCode(observation.requirement_id, true))
          << " | " << MarkdownInline(observation.text) << " |\n";
    }
  }
  out << (any ? "\n" : "No case recorded an observation.\n\n");
}

// What the scripted handler saw the client do toward its transport: never judged.
void WriteIntegrationFindings(const std::vector<IntegrationFindingOfRun>& findings,
                              std::ostream& out) {
  out << "## Integration findings\n\n" << details::kIntegrationIntro << "\n\n";
  if (findings.empty()) {
    out << "The handler saw no breach.\n\n";
    return;
  }
  for (const IntegrationFindingOfRun& finding : findings) {
    out << "### " << MarkdownCode(finding.kind, false) << ": "
        << details::IntegrationOccurrences(finding) << "\n\n"
        << MarkdownInline(finding.what) << "\n\n- Cases: ";
    for (std::size_t c = 0; c < finding.case_ids.size() && c < kCasesListed; ++c) {
      out << (c > 0 ? ", " : "") << MarkdownCode(finding.case_ids[c], false);
    }
    if (finding.case_ids.size() > kCasesListed) {
      out << " and " << finding.case_ids.size() - kCasesListed << " more";
    }
    out << "\n\nCalls that showed it, in " << MarkdownCode(finding.first_case, false) << ":\n\n"
        << text::MarkdownFence(finding.calls, "text") << "\n";
  }
}

void WriteEvidence(const details::EvidencePart& part, std::ostream& out) {
  out << part.title << ":\n\n"
      << text::MarkdownFence(
             text::TrimForReader(part.text, text::kReaderMaxLines, text::kReaderMaxBytes),
             part.language)
      << "\n";
}

void WriteCase(const Report& report, const CaseResult& result, std::ostream& out) {
  out << "### " << MarkdownCode(result.id, false) << ": " << ToString(result.verdict) << "\n\n";
  out << "- Verdict: **" << ToString(result.verdict) << "**\n";
  out << "- Requirements: " << CodeList(result.requirement_ids, false) << "\n";
  for (const RequirementResult* charged : details::Charged(report, result)) {
    out << "- Breaks " << MarkdownCode(charged->id, false) << " (" << ToString(charged->level)
        << ", " << MarkdownInline(charged->page + " / " + charged->section)
        << "): " << MarkdownInline(charged->text) << "\n";
  }
  for (const details::TargetFrame& frame :
       details::CaseTargetFrames(result, report.run.target_library)) {
    out << "- In the target: " << MarkdownCode(details::TargetFrameText(frame), false) << "\n";
  }
  out << "- Phase reached: " << OrNone(result.phase, true) << "\n";
  if (!result.evidence.transport_at_failure.empty()) {
    out << "- " << details::kTransportLabel << ": "
        << MarkdownInline(result.evidence.transport_at_failure) << "\n";
  }
  out << "- Duration: " << text::Seconds(result.duration_s) << " s\n";
  if (const std::string expected = details::ExpectationText(report, result.expectation);
      !expected.empty()) {
    out << "- Expectation: " << MarkdownInline(expected) << "\n";
  }
  if (!result.evidence.fired.empty()) {
    out << "- Injection points fired: "
        << CodeList(details::FiredPoints(result.evidence.fired), false) << "\n";
  }
  out << "\n";
  if (!result.messages.empty()) {
    out << "Messages:\n\n";
    for (const std::string& message : result.messages)
      out << "- " << MarkdownInline(message) << "\n";
    out << "\n";
  }
  if (!result.reproduce.empty()) {
    out << "Reproduce:\n\n" << text::MarkdownFence(result.reproduce, "sh") << "\n";
  }
  for (const details::EvidencePart& part :
       details::EvidenceParts(result, report.run.target_library)) {
    WriteEvidence(part, out);
  }
}

void WriteSection(const Report& report, const details::CaseSection& section, std::ostream& out) {
  if (section.cases.empty()) return;
  out << "## " << section.title << "\n\n" << section.intro << "\n\n";
  for (const CaseResult* result : section.cases) WriteCase(report, *result, out);
}

}  // namespace

// Top down: the claim and the counts, the failures with their evidence, the requirement table,
// the expectations, observations and integration findings, then the conformant outcomes worth a
// look.
void WriteMarkdown(const Report& report, std::ostream& out) {
  const std::vector<IntegrationFindingOfRun> integration = IntegrationFindingsOf(report);
  WriteHeader(report, integration, out);
  WriteRootCauses(report, out);
  const std::vector<details::CaseSection> sections = details::CaseSections(report);
  if (sections.front().cases.empty()) {
    const bool any =
        std::any_of(sections.begin(), sections.end(),
                    [](const details::CaseSection& section) { return !section.cases.empty(); });
    out << "## Failures\n\n" << (any ? "No case failed.\n\n" : "Every case passed.\n\n");
  }
  WriteSection(report, sections.front(), out);
  WriteRequirements(report, out);
  WriteExpectations(report, out);
  WriteObservations(report, out);
  WriteIntegrationFindings(integration, out);
  for (std::size_t i = 1; i < sections.size(); ++i) WriteSection(report, sections[i], out);
}

}  // namespace miconform::report

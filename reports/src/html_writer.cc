// html_writer.cc - report.html: the content of report.md as one self-contained page with the
// verdicts colour-coded, filters by verdict and by area, links between requirements and cases,
// and the target's own frames of a stack shown before the folded evidence. Inline CSS only (the
// filters are radio buttons and CSS): the Content-Security-Policy forbids every script and every
// outside resource, so the page is safe to open whatever the target printed.
#include <algorithm>
#include <map>
#include <set>

#include "case_details.h"
#include "html_parts.h"
#include "miconform/report/expectations.h"
#include "miconform/report/integration_findings.h"
#include "miconform/report/root_causes.h"
#include "miconform/report/writers.h"
#include "text_escape.h"

namespace miconform::report {
namespace {

using text::Html;

std::string Code(const std::string& value) {
  return value.empty() ? std::string("(none)") : "<code>" + Html(value) + "</code>";
}

std::string Anchor(const std::string& case_id) { return "case-" + case_id; }

std::string CaseLink(const std::string& case_id, const std::set<std::string>& described) {
  if (!described.count(case_id)) return Code(case_id);
  return "<a href=\"#" + Html(Anchor(case_id)) + "\">" + Code(case_id) + "</a>";
}

// A requirement linked to its row of the requirement table; plain when the report has no such row
// (a filtered run or a shard in which no case names it).
std::string RequirementLink(const Report& report, const std::string& id) {
  const bool listed =
      std::any_of(report.requirements.begin(), report.requirements.end(),
                  [&id](const RequirementResult& requirement) { return requirement.id == id; });
  return listed ? "<a href=\"#req-" + Html(id) + "\">" + Code(id) + "</a>" : Code(id);
}

// The filter's area of a case: the first part of its ID ("session_close" of
// "session_close.sync.idle").
std::string FilterArea(const std::string& case_id) { return case_id.substr(0, case_id.find('.')); }

// A value as it may stand in an element ID and a CSS attribute selector: letters, digits, '-'
// and '_' kept, anything else '_'.
std::string Slug(const std::string& value) {
  std::string slug;
  for (char c : value) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_';
    slug += plain ? c : '_';
  }
  return slug;
}

// The filters: one radio group for the verdict and one for the area, each with "All" first; the
// inputs stand before <nav> and <main> so that CSS alone can hide what a choice leaves out.
struct Filters {
  std::vector<std::string> verdicts;  // verdict words present, best to worst
  std::vector<std::string> areas;     // areas present, sorted
};

Filters FiltersOf(const Report& report) {
  std::set<Verdict> present;
  std::set<std::string> areas;
  for (const CaseResult& result : report.cases) {
    if (result.verdict == Verdict::kPass) continue;  // PASS cases are not described one by one
    present.insert(result.verdict);
    areas.insert(FilterArea(result.id));
  }
  for (const RequirementResult& requirement : report.requirements)
    present.insert(requirement.verdict);
  Filters filters;
  for (Verdict verdict : details::AllVerdicts()) {
    if (present.count(verdict)) filters.verdicts.emplace_back(ToString(verdict));
  }
  filters.areas.assign(areas.begin(), areas.end());
  return filters;
}

// The CSS of the filters: a chosen verdict or area hides every element of <main> that says
// another; the chosen label is drawn pressed.
std::string FilterStyle(const Filters& filters) {
  std::string css;
  auto group = [&css](const char* prefix, const char* attribute,
                      const std::vector<std::string>& values) {
    for (const std::string& value : values) {
      const std::string input = std::string(prefix) + Slug(value);
      css += "#" + input + ":checked ~ main [" + attribute + "]:not([" + attribute + "=\"" +
             Slug(value) + "\"]) { display: none; }\n";
    }
    for (const std::string& value : values) {
      css += "#" + std::string(prefix) + Slug(value) + ":checked ~ nav label[for=\"" + prefix +
             Slug(value) + "\"],\n";
    }
    css += "#" + std::string(prefix) + "-all:checked ~ nav label[for=\"" + prefix +
           "-all\"]"
           " { background: #333; color: #fff; }\n";
  };
  group("fv-", "data-verdict", filters.verdicts);
  group("fa-", "data-area", filters.areas);
  return css;
}

void WriteFilters(const Filters& filters, std::ostream& out) {
  auto inputs = [&out](const char* prefix, const char* name,
                       const std::vector<std::string>& values) {
    out << "<input class=\"filter\" type=\"radio\" name=\"" << name << "\" id=\"" << prefix
        << "-all\" checked>\n";
    for (const std::string& value : values) {
      out << "<input class=\"filter\" type=\"radio\" name=\"" << name << "\" id=\"" << prefix
          << Slug(value) << "\">\n";
    }
  };
  auto labels = [&out](const char* prefix, const std::vector<std::string>& values) {
    out << "<label for=\"" << prefix << "-all\">all</label>\n";
    for (const std::string& value : values) {
      out << "<label for=\"" << prefix << Slug(value) << "\">" << Html(value) << "</label>\n";
    }
  };
  inputs("fv-", "verdict", filters.verdicts);
  inputs("fa-", "area", filters.areas);
  out << "<nav class=\"filters\">\nShow verdict:\n";
  labels("fv-", filters.verdicts);
  out << "<br>Area:\n";
  labels("fa-", filters.areas);
  out << "</nav>\n";
}

void Row(std::ostream& out, const std::string& name, const std::string& html_value) {
  out << "<tr><th>" << name << "</th><td>" << html_value << "</td></tr>\n";
}

// The claim and the counts; the facts of the run folded under one line.
void WriteHeader(const Report& report, const std::vector<IntegrationFindingOfRun>& integration,
                 std::ostream& out) {
  const RunInfo& run = report.run;
  out << "<header>\n<h1>miconform conformance report</h1>\n";
  out << "<p><span class=\"outcome " << html::ClaimClass(report) << "\">" << OutcomeOf(report)
      << "</span> " << Html(CaseCountLine(report)) << "; " << Html(RequirementCountLine(report))
      << "</p>\n";
  out << "<p>Integration: <a href=\"#integration\">" << Html(IntegrationFindingsLine(integration))
      << "</a>; not verdicts.</p>\n";
  if (const std::string line = ExpectationSummary(report); !line.empty()) {
    out << "<p>Expectations: " << Html(line) << ".</p>\n";
  }
  if (!report.claim_gaps.empty()) {
    // Open when they are what keeps a conforming run from a claim; folded under failures.
    const std::size_t gaps = report.claim_gaps.size();
    out << "<details class=\"gaps\"" << (report.cases_conform ? " open" : "")
        << ">\n<summary>Not a conformance claim: " << gaps << (gaps == 1 ? " reason" : " reasons")
        << "</summary>\n<ul class=\"gaps\">\n";
    for (const std::string& gap : report.claim_gaps) out << "<li>" << Html(gap) << "</li>\n";
    out << "</ul>\n</details>\n";
  }
  out << "<details class=\"run\">\n<summary>Run: " << Code(run.target) << ", suite "
      << Html(run.suite_version) << ", " << Html(run.started)
      << "</summary>\n<table class=\"run\">\n";
  Row(out, "Target", Code(run.target));
  Row(out, "Library", Code(run.target_library));
  Row(out, "SHA-256", Code(run.target_sha256));
  Row(out, "Suite version", Code(run.suite_version));
  Row(out, "Started", Html(run.started));
  Row(out, "Ended", Html(run.ended));
  Row(out, "Host", Html(run.host));
  std::string options;
  for (const auto& [name, value] : run.options) {
    options += (options.empty() ? "" : ", ") + Code(name + "=" + value);
  }
  Row(out, "Options", options.empty() ? "(none)" : options);
  out << "</table>\n</details>\n</header>\n";
}

// What the failures share, largest group first, each case linked to its evidence.
void WriteRootCauses(const Report& report, const std::set<std::string>& described,
                     std::ostream& out) {
  const std::vector<RootCause> causes = RootCauses(report);
  if (causes.empty()) return;
  std::size_t failing = 0;
  for (const RootCause& cause : causes) failing += cause.case_ids.size();
  out << "<h2>Root causes</h2>\n<p>" << Html(details::RootCauseIntro(failing, causes.size()))
      << "</p>\n<ol class=\"causes\">\n";
  for (const RootCause& cause : causes) {
    const std::size_t size = cause.case_ids.size();
    std::string requirements;
    for (const std::string& id : cause.requirement_ids) {
      requirements += (requirements.empty() ? "" : ", ") + Code(id);
    }
    std::string cases;
    for (const std::string& id : cause.case_ids)
      cases += (cases.empty() ? "" : ", ") + CaseLink(id, described);
    out << "<li><strong>" << size << (size == 1 ? " case" : " cases") << "</strong>, breaking "
        << (requirements.empty() ? "(none)" : requirements) << ":\n<ul>\n";
    for (const SharedFact& fact : cause.shared) {
      out << "<li>" << Html(details::SharedFactText(fact, size)) << "</li>\n";
    }
    out << "</ul>\n<details><summary>Cases</summary><p>" << cases << "</p></details></li>\n";
  }
  out << "</ol>\n";
}

void WriteRequirements(const Report& report, const std::set<std::string>& described,
                       std::ostream& out) {
  out << "<h2>Requirements</h2>\n";
  if (report.requirements.empty()) {
    out << "<p>The report names no requirement.</p>\n";
    return;
  }
  out << "<table class=\"requirements\">\n<thead><tr><th>ID</th><th>Level</th><th>Verdict</th>"
         "<th>Source</th><th>Requirement</th><th>Cases</th></tr></thead>\n<tbody>\n";
  for (const RequirementResult& requirement : report.requirements) {
    std::string cases;
    for (const std::string& id : requirement.case_ids) {
      cases += (cases.empty() ? "" : ", ") + CaseLink(id, described);
    }
    out << "<tr id=\"req-" << Html(requirement.id) << "\" data-verdict=\""
        << ToString(requirement.verdict) << "\"><td>" << Code(requirement.id) << "</td><td>"
        << ToString(requirement.level) << "</td><td>" << html::Badge(requirement.verdict)
        << "</td><td>" << Html(requirement.page + " / " + requirement.section) << "</td><td>"
        << Html(requirement.text) << "</td><td>" << (cases.empty() ? "(none)" : cases)
        << "</td></tr>\n";
  }
  out << "</tbody>\n</table>\n";
}

// The results the expectations speak about, and the entries nothing in the run used.
void WriteExpectations(const Report& report, const std::set<std::string>& described,
                       std::ostream& out) {
  if (report.expectations.empty()) return;
  out << "<h2>Expectations</h2>\n";
  const std::vector<details::MarkedResult> marked = details::MarkedResults(report);
  if (marked.empty()) {
    out << "<p>Every result conforms and no entry applied.</p>\n";
  } else {
    out << "<table class=\"expectations\">\n<thead><tr><th>Result</th><th>Verdict</th>"
           "<th>Against the expectations</th></tr></thead>\n<tbody>\n";
    for (const details::MarkedResult& result : marked) {
      const bool unexpected = result.outcome == Expected::kUnexpectedFailure ||
                              result.outcome == Expected::kUnexpectedPass;
      out << "<tr><td>"
          << (result.is_case ? "case " + CaseLink(result.id, described)
                             : "requirement " + Code(result.id))
          << "</td><td>" << html::Badge(result.verdict) << "</td><td>"
          << (unexpected ? "<strong>" + Html(result.text) + "</strong>" : Html(result.text))
          << "</td></tr>\n";
    }
    out << "</tbody>\n</table>\n";
  }
  const std::vector<Expectation> unused = details::UnusedExpectations(report);
  if (!unused.empty()) {
    out << "<p>Entries that applied to nothing in this run (not run, or nothing to excuse):</p>\n"
           "<ul>\n";
    for (const Expectation& entry : unused) {
      out << "<li>" << Code(entry.id) << " " << ToString(entry.expect) << ": " << Html(entry.reason)
          << "</li>\n";
    }
    out << "</ul>\n";
  }
}

// What the cases saw where the pages leave the behaviour open: never judged.
void WriteObservations(const Report& report, const std::set<std::string>& described,
                       std::ostream& out) {
  out << "<h2>Observations</h2>\n";
  std::string rows;
  for (const CaseResult& result : report.cases) {
    for (const Observation& observation : result.observations) {
      rows += "<tr data-area=\"" + Slug(FilterArea(result.id)) + "\"><td>" +
              CaseLink(result.id, described) + "</td><td>" +
              (observation.requirement_id.empty() ? std::string("-")
                                                  : Code(observation.requirement_id)) +
              "</td><td>" + Html(observation.text) + "</td></tr>\n";
    }
  }
  if (rows.empty()) {
    out << "<p>No case recorded an observation.</p>\n";
    return;
  }
  out << "<p>What the cases saw where the pages leave the behaviour open. Recorded, never "
         "judged.</p>\n<table class=\"observations\">\n<thead><tr><th>Case</th><th>Relates "
         "to</th><th>Seen</th></tr></thead>\n<tbody>\n"
      << rows << "</tbody>\n</table>\n";
}

// What the scripted handler saw the client do toward its transport: never judged. Not filtered:
// a finding belongs to no one verdict or area.
void WriteIntegrationFindings(const std::vector<IntegrationFindingOfRun>& findings,
                              const std::set<std::string>& described, std::ostream& out) {
  out << "<h2 id=\"integration\">Integration findings</h2>\n<p>" << Html(details::kIntegrationIntro)
      << "</p>\n";
  if (findings.empty()) {
    out << "<p>The handler saw no breach.</p>\n";
    return;
  }
  for (const IntegrationFindingOfRun& finding : findings) {
    std::string cases;
    for (const std::string& id : finding.case_ids) {
      cases += (cases.empty() ? "" : ", ") + CaseLink(id, described);
    }
    out << "<section class=\"integration\">\n<h3>" << Code(finding.kind) << ": "
        << Html(details::IntegrationOccurrences(finding)) << "</h3>\n<p>" << Html(finding.what)
        << "</p>\n<p class=\"integration-cases\">Cases: " << cases << "</p>\n"
        << "<details class=\"evidence\" open>\n<summary>Calls that showed it, in "
        << Code(finding.first_case) << "</summary>\n<pre>\n"
        << Html(finding.calls) << "</pre>\n</details>\n</section>\n";
  }
}

// Every <pre> opens with a newline: an HTML parser drops the first newline after <pre>, which
// would otherwise be the evidence's own.
// Each part folded (one click opens it), so the failures stay one screen each.
void WriteEvidence(const details::EvidencePart& part, std::ostream& out) {
  out << "<details class=\"evidence\" data-part=\"" << Slug(part.title) << "\""
      << (part.open ? " open" : "") << ">\n<summary>" << Html(part.title) << "</summary>\n<pre>\n"
      << Html(text::TrimForReader(part.text, text::kReaderMaxLines, text::kReaderMaxBytes))
      << "</pre>\n</details>\n";
}

void WriteCase(const Report& report, const CaseResult& result, bool failure, std::ostream& out) {
  out << "<section class=\"case" << (failure ? " failure" : "") << "\" id=\""
      << Html(Anchor(result.id)) << "\" data-verdict=\"" << ToString(result.verdict)
      << "\" data-area=\"" << Slug(FilterArea(result.id)) << "\">\n";
  out << "<h3>" << Code(result.id) << " " << html::Badge(result.verdict) << "</h3>\n";
  // What it breaks and where the target was come first; the verdict is the heading's badge.
  out << "<table>\n";
  for (const RequirementResult* charged : details::Charged(report, result)) {
    out << "<tr class=\"breaks\"><th>Breaks</th><td>" << RequirementLink(report, charged->id)
        << " (" << ToString(charged->level) << ", "
        << Html(charged->page + " / " + charged->section) << "): " << Html(charged->text)
        << "</td></tr>\n";
  }
  // Where the target was when the process was stopped: the stacks' own frames of the library.
  for (const details::TargetFrame& frame :
       details::CaseTargetFrames(result, report.run.target_library)) {
    out << "<tr class=\"target-frame\"><th>In the target</th><td><code>"
        << Html(details::TargetFrameText(frame)) << "</code></td></tr>\n";
  }
  std::string requirements;
  for (const std::string& id : result.requirement_ids) {
    requirements += (requirements.empty() ? "" : ", ") + RequirementLink(report, id);
  }
  Row(out, "Requirements", requirements.empty() ? "(none)" : requirements);
  Row(out, "Phase reached", Code(result.phase));
  if (!result.evidence.transport_at_failure.empty()) {
    Row(out, details::kTransportLabel, Html(result.evidence.transport_at_failure));
  }
  Row(out, "Duration", text::Seconds(result.duration_s) + " s");
  if (const std::string expected = details::ExpectationText(report, result.expectation);
      !expected.empty()) {
    Row(out, "Expectation", Html(expected));
  }
  if (!result.evidence.fired.empty()) {
    std::string fired;
    for (const std::string& point : details::FiredPoints(result.evidence.fired)) {
      fired += (fired.empty() ? "" : ", ") + Code(point);
    }
    Row(out, "Injection points fired", fired);
  }
  out << "</table>\n";
  if (!result.messages.empty()) {
    out << "<h4>Messages</h4>\n<ul>\n";
    for (const std::string& message : result.messages) out << "<li>" << Html(message) << "</li>\n";
    out << "</ul>\n";
  }
  if (!result.reproduce.empty()) {
    out << "<h4>Reproduce</h4>\n<pre>\n" << Html(result.reproduce) << "</pre>\n";
  }
  for (const details::EvidencePart& part :
       details::EvidenceParts(result, report.run.target_library)) {
    WriteEvidence(part, out);
  }
  out << "</section>\n";
}

void WriteSection(const Report& report, const details::CaseSection& section, bool failures,
                  std::ostream& out) {
  if (section.cases.empty()) return;
  out << "<h2>" << Html(section.title) << "</h2>\n<p>" << Html(section.intro) << "</p>\n";
  for (const CaseResult* result : section.cases) WriteCase(report, *result, failures, out);
}

}  // namespace

// Top down, as report.md: the claim and the counts, the root causes, the failures with their
// evidence, the requirement table, the expectations, observations and integration findings, then
// the warnings and documented hangs.
void WriteHtml(const Report& report, std::ostream& out) {
  std::set<std::string> described;
  for (const CaseResult& result : report.cases) {
    if (result.verdict != Verdict::kPass) described.insert(result.id);
  }
  const Filters filters = FiltersOf(report);
  out << html::PageHead("miconform report: " + report.run.target + " - " + OutcomeOf(report),
                        FilterStyle(filters));
  const std::vector<IntegrationFindingOfRun> integration = IntegrationFindingsOf(report);
  WriteHeader(report, integration, out);
  WriteFilters(filters, out);
  out << "<main>\n";
  WriteRootCauses(report, described, out);
  const std::vector<details::CaseSection> sections = details::CaseSections(report);
  if (sections.front().cases.empty()) {
    out << "<h2>Failures</h2>\n<p>"
        << (described.empty() ? "Every case passed." : "No case failed.") << "</p>\n";
  }
  WriteSection(report, sections.front(), /*failures=*/true, out);
  WriteRequirements(report, described, out);
  WriteExpectations(report, described, out);
  WriteObservations(report, described, out);
  WriteIntegrationFindings(integration, described, out);
  for (std::size_t i = 1; i < sections.size(); ++i) WriteSection(report, sections[i], false, out);
  out << "</main>\n</body>\n</html>\n";
}

}  // namespace miconform::report

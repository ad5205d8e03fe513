// html_writer.cc - report.html: the content of report.md as one self-contained page with the
// verdicts colour-coded. Inline CSS only; the Content-Security-Policy forbids every script and
// every outside resource, so the page is safe to open whatever the target printed.
#include <set>

#include "case_details.h"
#include "miconform/report/writers.h"
#include "text_escape.h"

namespace miconform::report {
namespace {

using text::Html;

constexpr std::string_view kStyle = R"css(
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #222; }
h1 { margin-bottom: 0.2em; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
code, pre { font-family: ui-monospace, monospace; font-size: 0.92em; }
pre { background: #f7f7f7; border: 1px solid #ddd; padding: 0.6em; overflow-x: auto; white-space: pre-wrap; }
section.case { border-top: 1px solid #ccc; margin-top: 1.5em; }
.outcome { font-size: 1.3em; font-weight: bold; padding: 0.3em 0.6em; display: inline-block; }
.conformant { background: #d4edda; color: #155724; }
.not-conformant { background: #f8d7da; color: #721c24; }
.partial { background: #fff3cd; color: #856404; }
.verdict { font-weight: bold; padding: 0.1em 0.4em; border-radius: 3px; white-space: nowrap; }
.v-pass { background: #d4edda; color: #155724; }
.v-documented-hang { background: #d1ecf1; color: #0c5460; }
.v-not-supported, .v-not-exercised { background: #e2e3e5; color: #383d41; }
.v-deviation { background: #fff3cd; color: #856404; }
.v-fail { background: #f8d7da; color: #721c24; }
.v-hang { background: #f5c6cb; color: #491217; }
.v-crash { background: #721c24; color: #fff; }
.v-error { background: #343a40; color: #fff; }
)css";

std::string CssClass(Verdict verdict) {
  std::string name = "v-";
  for (char c : ToString(verdict)) name += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return name;
}

std::string Badge(Verdict verdict) {
  return "<span class=\"verdict " + CssClass(verdict) + "\">" + std::string(ToString(verdict)) +
         "</span>";
}

std::string Code(const std::string& value) {
  return value.empty() ? std::string("(none)") : "<code>" + Html(value) + "</code>";
}

std::string Anchor(const std::string& case_id) { return "case-" + case_id; }

std::string CaseLink(const std::string& case_id, const std::set<std::string>& described) {
  if (!described.count(case_id)) return Code(case_id);
  return "<a href=\"#" + Html(Anchor(case_id)) + "\">" + Code(case_id) + "</a>";
}

void Row(std::ostream& out, const std::string& name, const std::string& html_value) {
  out << "<tr><th>" << name << "</th><td>" << html_value << "</td></tr>\n";
}

void WriteHeader(const Report& report, std::ostream& out) {
  const RunInfo& run = report.run;
  out << "<h1>miconform conformance report</h1>\n";
  out << "<p><span class=\"outcome "
      << (report.conformant ? "conformant" : report.cases_conform ? "partial" : "not-conformant")
      << "\">" << ClaimOf(report) << "</span> " << Html(details::CountLine(report)) << "</p>\n";
  if (!report.claim_gaps.empty()) {
    out << "<p>Not a conformance claim:</p>\n<ul class=\"gaps\">\n";
    for (const std::string& gap : report.claim_gaps) out << "<li>" << Html(gap) << "</li>\n";
    out << "</ul>\n";
  }
  out << "<table class=\"run\">\n";
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
  out << "</table>\n";
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
    out << "<tr><td>" << Code(requirement.id) << "</td><td>" << ToString(requirement.level)
        << "</td><td>" << Badge(requirement.verdict) << "</td><td>"
        << Html(requirement.page + " / " + requirement.section) << "</td><td>"
        << Html(requirement.text) << "</td><td>" << (cases.empty() ? "(none)" : cases)
        << "</td></tr>\n";
  }
  out << "</tbody>\n</table>\n";
}

// What the cases saw where the pages leave the behaviour open: never judged.
void WriteObservations(const Report& report, const std::set<std::string>& described,
                       std::ostream& out) {
  out << "<h2>Observations</h2>\n";
  std::string rows;
  for (const CaseResult& result : report.cases) {
    for (const Observation& observation : result.observations) {
      rows += "<tr><td>" + CaseLink(result.id, described) + "</td><td>" +
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

void WriteEvidence(const std::string& title, const std::string& evidence, std::ostream& out) {
  if (evidence.empty()) return;
  out << "<h4>" << title << "</h4>\n<pre>"
      << Html(text::TrimForReader(evidence, text::kReaderMaxLines, text::kReaderMaxBytes))
      << "</pre>\n";
}

void WriteCase(const CaseResult& result, std::ostream& out) {
  out << "<section class=\"case\" id=\"" << Html(Anchor(result.id)) << "\">\n";
  out << "<h3>" << Code(result.id) << " " << Badge(result.verdict) << "</h3>\n";
  out << "<table>\n";
  Row(out, "Verdict", Badge(result.verdict));
  std::string requirements;
  for (const std::string& id : result.requirement_ids) {
    requirements += (requirements.empty() ? "" : ", ") + Code(id);
  }
  Row(out, "Requirements", requirements.empty() ? "(none)" : requirements);
  Row(out, "Phase reached", Code(result.phase));
  Row(out, "Duration", text::Seconds(result.duration_s) + " s");
  if (!result.evidence.fired.empty()) {
    std::string fired;
    for (const std::string& point : result.evidence.fired) {
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
    out << "<h4>Reproduce</h4>\n<pre>" << Html(result.reproduce) << "</pre>\n";
  }
  WriteEvidence("Stacks", result.evidence.stacks, out);
  WriteEvidence("Thread states", result.evidence.thread_states, out);
  WriteEvidence("Output (tail)", result.evidence.output, out);
  out << "</section>\n";
}

}  // namespace

void WriteHtml(const Report& report, std::ostream& out) {
  std::set<std::string> described;
  for (const CaseResult& result : report.cases) {
    if (result.verdict != Verdict::kPass) described.insert(result.id);
  }
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'\">\n"
      << "<title>miconform report: " << Html(report.run.target) << " - "
      << ClaimOf(report) << "</title>\n"
      << "<style>" << kStyle << "</style>\n</head>\n<body>\n";
  WriteHeader(report, out);
  WriteRequirements(report, described, out);
  WriteObservations(report, described, out);
  out << "<h2>Cases that did not pass</h2>\n";
  if (described.empty()) out << "<p>Every case passed.</p>\n";
  for (const CaseResult& result : report.cases) {
    if (result.verdict != Verdict::kPass) WriteCase(result, out);
  }
  out << "</body>\n</html>\n";
}

}  // namespace miconform::report

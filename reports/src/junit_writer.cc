// junit_writer.cc - junit.xml: the run as one JUnit test suite, for CI servers.
//
// Mapping: FAIL is a <failure>; HANG, CRASH and ERROR are <error>s typed by the verdict;
// NOT-SUPPORTED and NOT-EXERCISED are <skipped>; DEVIATION and DOCUMENTED-HANG pass (they keep
// the run conformant) and state their verdict in <system-out>.
#include <cmath>

#include "case_details.h"
#include "miconform/report/writers.h"
#include "text_escape.h"

namespace miconform::report {
namespace {

using text::XmlAttribute;
using text::XmlText;

std::string MessageOf(const CaseResult& result) {
  if (result.messages.empty()) return std::string(ToString(result.verdict));
  return std::string(ToString(result.verdict)) + ": " + details::Join(result.messages, "; ");
}

void WriteProperty(std::ostream& out, const std::string& name, const std::string& value) {
  out << "    <property name=\"" << XmlAttribute(name) << "\" value=\"" << XmlAttribute(value)
      << "\"/>\n";
}

void WriteCase(std::ostream& out, const CaseResult& result) {
  out << "  <testcase classname=\"" << XmlAttribute(details::AreaOf(result.id)) << "\" name=\""
      << XmlAttribute(result.id) << "\" time=\"" << text::Seconds(result.duration_s) << "\"";
  if (result.verdict == Verdict::kPass) {
    out << "/>\n";
    return;
  }
  out << ">\n";
  const std::string verdict(ToString(result.verdict));
  const std::string account = XmlText(details::PlainText(result));
  switch (result.verdict) {
    case Verdict::kFail:
      out << "    <failure type=\"FAIL\" message=\"" << XmlAttribute(MessageOf(result)) << "\">"
          << account << "</failure>\n";
      break;
    case Verdict::kHang:
    case Verdict::kCrash:
    case Verdict::kError:
      out << "    <error type=\"" << verdict << "\" message=\"" << XmlAttribute(MessageOf(result))
          << "\">" << account << "</error>\n";
      break;
    case Verdict::kNotSupported:
    case Verdict::kNotExercised:
    case Verdict::kInconclusive:
      out << "    <skipped message=\"" << XmlAttribute(MessageOf(result)) << "\"/>\n";
      out << "    <system-out>" << account << "</system-out>\n";
      break;
    default:  // DEVIATION, DOCUMENTED-HANG: conformant, reported as passed with their verdict.
      out << "    <system-out>" << account << "</system-out>\n";
      break;
  }
  if (!result.evidence.output.empty()) {
    out << "    <system-err>"
        << XmlText(text::TrimForReader(result.evidence.output, text::kReaderMaxLines,
                                       text::kReaderMaxBytes))
        << "</system-err>\n";
  }
  out << "  </testcase>\n";
}

}  // namespace

void WriteJunit(const Report& report, std::ostream& out) {
  const int failures = report.Count(Verdict::kFail);
  const int errors = report.Count(Verdict::kHang) + report.Count(Verdict::kCrash) +
                     report.Count(Verdict::kError);
  const int skipped = report.Count(Verdict::kNotSupported) + report.Count(Verdict::kNotExercised) +
                      report.Count(Verdict::kInconclusive);
  double total = 0;
  for (const CaseResult& result : report.cases) {
    if (std::isfinite(result.duration_s)) total += result.duration_s;
  }

  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuite name=\"miconform\" tests=\"" << report.cases.size() << "\" failures=\""
      << failures << "\" errors=\"" << errors << "\" skipped=\"" << skipped << "\" time=\""
      << text::Seconds(total) << "\" timestamp=\"" << XmlAttribute(report.run.started) << "\">\n";
  out << "  <properties>\n";
  WriteProperty(out, "suite_version", report.run.suite_version);
  WriteProperty(out, "target", report.run.target);
  WriteProperty(out, "target_library", report.run.target_library);
  WriteProperty(out, "target_sha256", report.run.target_sha256);
  WriteProperty(out, "host", report.run.host);
  WriteProperty(out, "started", report.run.started);
  WriteProperty(out, "ended", report.run.ended);
  WriteProperty(out, "outcome", details::Outcome(report));
  for (const auto& [name, value] : report.run.options) WriteProperty(out, "option." + name, value);
  out << "  </properties>\n";
  for (const CaseResult& result : report.cases) WriteCase(out, result);
  out << "</testsuite>\n";
}

}  // namespace miconform::report

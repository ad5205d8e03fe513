// junit_writer.cc - junit.xml for CI servers: the run as one test suite in a <testsuites> root.
//
// Mapping (reports/README.md says why): FAIL, HANG and CRASH are <failure>s typed by the verdict
// (the target broke a requirement); ERROR alone is an <error> (the harness could not run the
// case); NOT-SUPPORTED, NOT-EXERCISED and INCONCLUSIVE are <skipped> (nothing was proven there);
// DOCUMENTED-HANG and DEVIATION pass (they keep the run conformant) and state their verdict and
// messages in <system-out>. A failure the run's expectations expected is <skipped> with the
// entries in its message (a known failure keeps a CI server green). The suite's time is the run's
// wall-clock time, started to ended.
#include <cmath>
#include <optional>

#include "case_details.h"
#include "miconform/report/expectations.h"
#include "miconform/report/integration_findings.h"
#include "miconform/report/writers.h"
#include "text_escape.h"

namespace miconform::report {
namespace {

using text::XmlAttribute;
using text::XmlText;

// The JUnit element a verdict becomes.
enum class Element { kPassed, kFailure, kError, kSkipped };

Element ElementOf(Verdict verdict) {
  switch (verdict) {
    case Verdict::kFail:
    case Verdict::kHang:
    case Verdict::kCrash: return Element::kFailure;
    case Verdict::kError: return Element::kError;
    case Verdict::kNotSupported:
    case Verdict::kNotExercised:
    case Verdict::kInconclusive: return Element::kSkipped;
    default:  // PASS, DOCUMENTED-HANG, DEVIATION
      return Element::kPassed;
  }
}

struct Counts {
  int tests = 0;
  int failures = 0;
  int errors = 0;
  int skipped = 0;
};

// A failure the run's expectations expected is <skipped>, so a CI server stays green for known
// failures; its message names the entries.
bool IsExpectedFailure(const CaseResult& result) {
  return result.expectation && result.expectation->outcome == Expected::kExpectedFailure;
}

Element ElementOf(const CaseResult& result) {
  return IsExpectedFailure(result) ? Element::kSkipped : ElementOf(result.verdict);
}

Counts CountsOf(const Report& report) {
  Counts counts;
  for (const CaseResult& result : report.cases) {
    ++counts.tests;
    switch (ElementOf(result)) {
      case Element::kFailure: ++counts.failures; break;
      case Element::kError: ++counts.errors; break;
      case Element::kSkipped: ++counts.skipped; break;
      case Element::kPassed: break;
    }
  }
  return counts;
}

// Milliseconds since the epoch of a RunInfo timestamp ("2026-11-25T13:35:45.123Z": UTC, the
// fraction optional); nullopt for anything else (an empty `ended` of a run that never ended).
std::optional<long long> EpochMillis(const std::string& iso) {
  const auto digits = [&](std::size_t at, std::size_t count, int* value) {
    if (at + count > iso.size()) return false;
    *value = 0;
    for (std::size_t i = at; i < at + count; ++i) {
      if (iso[i] < '0' || iso[i] > '9') return false;
      *value = *value * 10 + (iso[i] - '0');
    }
    return true;
  };
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (iso.size() < 20 || !digits(0, 4, &year) || iso[4] != '-' || !digits(5, 2, &month) ||
      iso[7] != '-' || !digits(8, 2, &day) || iso[10] != 'T' || !digits(11, 2, &hour) ||
      iso[13] != ':' || !digits(14, 2, &minute) || iso[16] != ':' || !digits(17, 2, &second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  std::size_t at = 19;
  int millis = 0;
  if (iso[at] == '.') {
    int scale = 100;
    for (++at; at < iso.size() && iso[at] >= '0' && iso[at] <= '9'; ++at, scale /= 10) {
      millis += (iso[at] - '0') * scale;
    }
  }
  if (at + 1 != iso.size() || iso[at] != 'Z') return std::nullopt;
  // Days since 1970-01-01 of the proleptic Gregorian date (H. Hinnant's days_from_civil).
  const int y = month <= 2 ? year - 1 : year;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int year_of_era = y - era * 400;
  const int day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const int day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  const long long days = static_cast<long long>(era) * 146097 + day_of_era - 719468;
  return ((days * 24 + hour) * 60 + minute) * 60000LL + second * 1000LL + millis;
}

// The run's wall-clock seconds, started to ended. A run without a readable end (the journal of a
// killed runner) has no wall-clock time: the sum of its case times stands in for it.
double SuiteSeconds(const Report& report) {
  const std::optional<long long> started = EpochMillis(report.run.started);
  const std::optional<long long> ended = EpochMillis(report.run.ended);
  if (started && ended && *ended >= *started) return static_cast<double>(*ended - *started) / 1000;
  double total = 0;
  for (const CaseResult& result : report.cases) {
    if (std::isfinite(result.duration_s)) total += result.duration_s;
  }
  return total;
}

// The JUnit timestamp: ISO 8601 to the second without a zone designator, as the JUnit schema's
// ISO8601_DATETIME_PATTERN (and Ant, which writes it in UTC) has it; the run's start is UTC.
// Empty when `started` is unreadable.
std::string JunitTimestamp(const std::string& started) {
  return EpochMillis(started) ? started.substr(0, 19) : std::string();
}

// The host name out of RunInfo::host ("buildhost (Linux 6.1.0 x86_64)"): up to the first space,
// comma or parenthesis; "localhost", as the JUnit schema asks, when there is none.
std::string HostName(const std::string& host) {
  const std::string name = host.substr(0, host.find_first_of(" ,("));
  return name.empty() ? std::string("localhost") : name;
}

std::string MessageOf(const Report& report, const CaseResult& result) {
  std::string message(ToString(result.verdict));
  if (const std::string expected = details::ExpectationText(report, result.expectation);
      !expected.empty()) {
    message += " [" + expected + "]";
  }
  if (result.messages.empty()) return message;
  return message + ": " + details::Join(result.messages, "; ");
}

void WriteCounts(std::ostream& out, const Counts& counts, double seconds) {
  out << " tests=\"" << counts.tests << "\" failures=\"" << counts.failures << "\" errors=\""
      << counts.errors << "\" skipped=\"" << counts.skipped << "\" time=\""
      << text::Seconds(seconds) << "\"";
}

void WriteProperty(std::ostream& out, const std::string& name, const std::string& value) {
  out << "      <property name=\"" << XmlAttribute(name) << "\" value=\"" << XmlAttribute(value)
      << "\"/>\n";
}

void WriteCase(std::ostream& out, const Report& report, const CaseResult& result) {
  out << "    <testcase classname=\"" << XmlAttribute(details::AreaOf(result.id)) << "\" name=\""
      << XmlAttribute(result.id) << "\" time=\"" << text::Seconds(result.duration_s) << "\"";
  if (result.verdict == Verdict::kPass &&
      !(result.expectation && result.expectation->outcome == Expected::kUnexpectedPass)) {
    out << "/>\n";
    return;
  }
  out << ">\n";
  const std::string verdict(ToString(result.verdict));
  const std::string account = XmlText(details::PlainText(result));
  switch (ElementOf(result)) {
    case Element::kFailure:
      out << "      <failure type=\"" << verdict << "\" message=\""
          << XmlAttribute(MessageOf(report, result)) << "\">" << account << "</failure>\n";
      break;
    case Element::kError:
      out << "      <error type=\"" << verdict << "\" message=\""
          << XmlAttribute(MessageOf(report, result)) << "\">" << account << "</error>\n";
      break;
    case Element::kSkipped:
      out << "      <skipped message=\"" << XmlAttribute(MessageOf(report, result)) << "\"/>\n";
      out << "      <system-out>" << account << "</system-out>\n";
      break;
    case Element::kPassed:  // DOCUMENTED-HANG, DEVIATION: conformant, passed with their verdict.
      out << "      <system-out>";
      if (const std::string expected = details::ExpectationText(report, result.expectation);
          !expected.empty()) {
        out << XmlText(expected) << "\n";
      }
      out << account << "</system-out>\n";
      break;
  }
  if (!result.evidence.output.empty()) {
    out << "      <system-err>"
        << XmlText(text::TrimForReader(result.evidence.output, text::kReaderMaxLines,
                                       text::kReaderMaxBytes))
        << "</system-err>\n";
  }
  out << "    </testcase>\n";
}

}  // namespace

void WriteJunit(const Report& report, std::ostream& out) {
  const Counts counts = CountsOf(report);
  const double seconds = SuiteSeconds(report);
  const std::string timestamp = JunitTimestamp(report.run.started);

  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"miconform\"";
  WriteCounts(out, counts, seconds);
  out << ">\n";
  out << "  <testsuite name=\"miconform\"";
  WriteCounts(out, counts, seconds);
  if (!timestamp.empty()) out << " timestamp=\"" << XmlAttribute(timestamp) << "\"";
  out << " hostname=\"" << XmlAttribute(HostName(report.run.host)) << "\">\n";
  out << "    <properties>\n";
  WriteProperty(out, "suite_version", report.run.suite_version);
  WriteProperty(out, "target", report.run.target);
  WriteProperty(out, "target_library", report.run.target_library);
  WriteProperty(out, "target_sha256", report.run.target_sha256);
  WriteProperty(out, "host", report.run.host);
  WriteProperty(out, "started", report.run.started);
  WriteProperty(out, "ended", report.run.ended);
  WriteProperty(out, "outcome", ClaimOf(report));
  for (const std::string& gap : report.claim_gaps) WriteProperty(out, "claim_gap", gap);
  for (const auto& [name, value] : report.run.options) WriteProperty(out, "option." + name, value);
  if (const std::string line = ExpectationSummary(report); !line.empty()) {
    WriteProperty(out, "expectations", line);
  }
  // Not verdicts: no test case stands for them, so they are properties of the run.
  const std::vector<IntegrationFindingOfRun> integration = IntegrationFindingsOf(report);
  WriteProperty(out, "integration_findings", std::to_string(integration.size()));
  for (const IntegrationFindingOfRun& finding : integration) {
    std::string cases;
    for (const std::string& id : finding.case_ids) cases += (cases.empty() ? "" : ", ") + id;
    WriteProperty(out, "integration_finding",
                  finding.kind + ": " + finding.what + " (" +
                      details::IntegrationOccurrences(finding) + ": " + cases + ")");
  }
  out << "    </properties>\n";
  for (const CaseResult& result : report.cases) WriteCase(out, report, result);
  out << "  </testsuite>\n";
  out << "</testsuites>\n";
}

}  // namespace miconform::report

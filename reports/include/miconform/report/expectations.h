// expectations.h - the expectations file: a vendor's known failures and known intermittents, each
// with its reason (`miconform run --expectations FILE`; README.md, "Known failures").
//
// Format, one entry a line:
//   ID  EXPECTATION  REASON...
// ID is a case ID or a requirement ID; EXPECTATION is FAILS (a known failure) or FLAKY (a known
// intermittent); REASON is the rest of the line and may not be empty; its first word starting
// with http:// or https:// is the entry's link. A line whose first non-blank character is '#' is
// a comment; blank lines are ignored. The marks these entries give results: report.h,
// MarkExpectations.
#ifndef MICONFORM_REPORT_EXPECTATIONS_H
#define MICONFORM_REPORT_EXPECTATIONS_H

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "miconform/report/report.h"

namespace miconform::report {

inline constexpr const char* kExpectationsName = "expectations.txt";  // in a report directory

std::string_view ToString(Expect expect);

// The entries of an expectations file's text. Throws std::runtime_error "line N: ..." for a line
// that is not an entry (a missing field, another expectation word, an empty reason, a control
// character) or a second entry for an ID already given. Which IDs exist is the caller's check.
std::vector<Expectation> ParseExpectations(std::string_view text);

// The entries as an expectations file ParseExpectations reads back to the same entries: a comment
// line, then one line each, in the given order.
std::string ExpectationsText(const std::vector<Expectation>& entries);

// Keeps `entries` in the report directory `dir` as kExpectationsName (ExpectationsText, written
// atomically), or removes that file when there are none, so a directory never holds another
// run's expectations. Written by a run when its journal starts (a killed run's journal keeps its
// expectations beside it) and again with the report (WriteReportDirectory). Throws
// std::runtime_error naming the path and the system error.
void KeepExpectations(const std::vector<Expectation>& entries, const std::filesystem::path& dir);

// "3 expectations: 1 unexpected failure, 0 unexpected passes, 2 expected failures (cases and
// requirements)"; empty without expectations.
std::string ExpectationSummary(const Report& report);

}  // namespace miconform::report

#endif  // MICONFORM_REPORT_EXPECTATIONS_H

// case_details.h - plain-text facts about one case that several writers show the same way.
//
// Internal to miconform_reports (used by the JUnit writer and by the Markdown/HTML layouts).
#ifndef MICONFORM_REPORT_CASE_DETAILS_H
#define MICONFORM_REPORT_CASE_DETAILS_H

#include <string>
#include <vector>

#include "miconform/report/report.h"

namespace miconform::report::details {

// "a, b, c" (or "(none)" for an empty list).
std::string Join(const std::vector<std::string>& items, const std::string& separator);
// The area of a dotted case ID: everything before the last dot ("session_close.sync" for
// "session_close.sync.idle"); "miconform" for an ID without a dot.
std::string AreaOf(const std::string& case_id);
// "9 cases: 5 PASS, 1 FAIL, ..." listing only the verdicts present, best to worst.
std::string CountLine(const Report& report);
// Multi-line plain-text account of a case (verdict, requirements, phase, messages, reproduce
// command, trimmed stacks and thread states), for CI logs.
std::string PlainText(const CaseResult& result);

// Every verdict, best to worst.
const std::vector<Verdict>& AllVerdicts();

}  // namespace miconform::report::details

#endif  // MICONFORM_REPORT_CASE_DETAILS_H

// planned_faults.h - which faults a case planned, which of them fired, and the harness errors
// that make a case's own run worthless. Used by the case files, callback_points.cc and
// case_child.cc (which turns the account into `unfired` and `harness-error` lines).
//
// A case *plans* a fault when it gives an injection point of the callback or handler layer a
// delay: DelayCallbackPoint with a positive delay, or a script with a positive delay field
// started through the fixture (StartEnumerate, PrepareEnumerate). A planned point that never
// fired means the run proved nothing about that fault: RunCaseChild then turns a PASS into
// NOT-EXERCISED (never any other verdict).
//
// Thread-safety: process-wide (one case per process); every function may be called from any
// thread.
#ifndef MICONFORM_CASES_PLANNED_FAULTS_H
#define MICONFORM_CASES_PLANNED_FAULTS_H

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "miconform/handler_control.h"

namespace miconform::cases {

void NotePlannedPoint(const std::string& point);
// The planned points, sorted.
std::vector<std::string> PlannedPoints();
// The handler-layer points a script's delay fields plan (cancel_delay_ms -> handler.before_cancel,
// operation_close_delay_ms -> handler.in_operation_close, session_close_delay_ms ->
// handler.in_session_close; only fields > 0). result_delay_ms only paces results: its point,
// handler.before_result, is reported when it fires but never planned.
std::vector<std::string> HandlerPointsPlannedBy(const MiconformScript& script);
// How often each handler-layer point fired according to the handler's records: every handler
// point of the registry is a key, with 0 when it never fired.
std::map<std::string, std::uint64_t> HandlerPointFires(
    const std::vector<MiconformOperationRecord>& operations,
    const std::vector<MiconformSessionRecord>& sessions);
// The planned points absent from `fired`, sorted and unique: each is written as an `unfired` line,
// and the runner's verdict rule (report.h, CaseVerdictOfFacts) turns a PASS into NOT-EXERCISED.
std::vector<std::string> UnfiredPlannedPoints(const std::vector<std::string>& planned,
                                              const std::set<std::string>& fired);

// The case itself is wrong (e.g. names an injection point that does not exist). Written as a
// `harness-error` line: the case's verdict becomes ERROR whatever else happened.
void NoteHarnessError(const std::string& text);

}  // namespace miconform::cases

#endif  // MICONFORM_CASES_PLANNED_FAULTS_H

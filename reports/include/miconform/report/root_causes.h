// root_causes.h - the failures of a run grouped by what they share, so that one fault that breaks
// many requirements reads as one fault. The one place that says what "shared" means.
//
// A group is a reading aid, never a verdict: it charges nothing, and every case in it keeps its
// own verdict and the requirements it breaks.
#ifndef MICONFORM_REPORT_ROOT_CAUSES_H
#define MICONFORM_REPORT_ROOT_CAUSES_H

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "miconform/report/report.h"

namespace miconform::report {

// The words of Evidence::transport_at_failure (suite/cases/transport_state.cc writes them). A
// state seen after the case had made a close call reads "after MI_Session_Close had been called:
// STATE"; one seen before any reads "STATE". The states that show nothing left unfinished:
inline constexpr std::string_view kTransportSettled =
    "every operation finished, acknowledged and closed, and every handler session closed";
inline constexpr std::string_view kTransportEmpty = "no operation and no handler session";
inline constexpr std::string_view kTransportAfter = "after ";
inline constexpr std::string_view kTransportCalled = " had been called: ";

// One fact some failures share, e.g. "the first failed check judges SC-PARAM-CB-1".
struct SharedFact {
  std::string text;
  std::size_t cases = 0;  // how many of the group's cases show it
};

struct RootCause {
  std::vector<SharedFact> shared;            // what links the cases, the most common first
  std::vector<std::string> case_ids;         // in the report's case order
  std::vector<std::string> requirement_ids;  // what they break (ChargedRequirements), report order
};

// The cases that do not conform (FAIL, HANG, CRASH), grouped by the facts they show:
// - a HANG: the calls it stopped responding in (CaseResult::calls_in_flight; else the call its
//   last phase entered, else that phase);
// - a CRASH: the call it crashed in, likewise;
// - a FAIL: the requirement its first failed check judges, and what the scripted handler had seen
//   of the client at that moment (Evidence::transport_at_failure).
// Only facts that say something about the client link cases: a requirement, a call, and a
// transport state with unfinished business seen after a close call (before any, an operation
// still running is simply the case at work; a settled transport says nothing). A fact that
// links nothing ("the first failed check judges no requirement") is still shown with its case.
// Two cases that show one same fact are in one group, and so on transitively: a close that never
// reaches the transport fails checks of four requirements with one same transport state, one
// group; a completion called twice fails one requirement under two transport states, one group.
// Largest group first; ties in the order their first case appears.
std::vector<RootCause> RootCauses(const Report& report);

}  // namespace miconform::report

#endif  // MICONFORM_REPORT_ROOT_CAUSES_H

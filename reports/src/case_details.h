// case_details.h - plain-text facts about one case that several writers show the same way.
//
// Internal to miconform_reports (used by the JUnit writer and by the Markdown/HTML layouts).
#ifndef MICONFORM_REPORT_CASE_DETAILS_H
#define MICONFORM_REPORT_CASE_DETAILS_H

#include <optional>
#include <string>
#include <vector>

#include "miconform/report/integration_findings.h"
#include "miconform/report/report.h"
#include "miconform/report/root_causes.h"

namespace miconform::report::details {

// "a, b, c" (or "(none)" for an empty list).
std::string Join(const std::vector<std::string>& items, const std::string& separator);
// The area of a dotted case ID: everything before the last dot ("session_close.sync" for
// "session_close.sync.idle"); "miconform" for an ID without a dot.
std::string AreaOf(const std::string& case_id);

// The cases a report describes one by one, in the order the writers give them: the failures
// (verdicts that do not conform, ERROR included) first, then the warnings (IsWarning), then the
// documented hangs (conformant). PASS cases are only counted.
struct CaseSection {
  std::string title;  // "Failures", "Warnings", "Documented hangs"
  std::string intro;  // one sentence on what the section holds
  std::vector<const CaseResult*> cases;
};
std::vector<CaseSection> CaseSections(const Report& report);
// The report's records of the requirements `result` charges (ChargedRequirements; one outside
// the report's list has no record and is left out).
std::vector<const RequirementResult*> Charged(const Report& report, const CaseResult& result);
// Multi-line plain-text account of a case (verdict, requirements, phase, messages, reproduce
// command, trimmed stacks and thread states), for CI logs.
std::string PlainText(const CaseResult& result);

// A result's mark against the expectations in words, with the deciding entries' reasons
// ("expected failure: SC-REMARKS-3 FAILS: reason"); empty without a mark or for a plain pass.
std::string ExpectationText(const Report& report, const std::optional<ExpectationMark>& mark);

// A case or requirement the expectations speak about, for the writers' "Expectations" section.
struct MarkedResult {
  std::string id;
  bool is_case = false;  // else a requirement
  Verdict verdict = Verdict::kPass;
  Expected outcome = Expected::kAsExpected;
  std::string text;  // ExpectationText
};
// Every result whose mark has something to say (ExpectationText not empty): unexpected failures
// first, then unexpected passes, expected failures and the FLAKY ones that were as expected;
// requirements before cases within each.
std::vector<MarkedResult> MarkedResults(const Report& report);
// The entries no result of the run refers to (their case or requirement was not run).
std::vector<Expectation> UnusedExpectations(const Report& report);

// A case's evidence for a reader, in the order the writers show it: the frames of the target
// library (`library`) in its stacks (TargetStacksText; the one part shown unfolded), the stacks
// and thread states of a hung process, the phase and callback trace, the scripted handler's record
// (as indented JSON) and the tail of the output; only the parts the case has. Each part is whole:
// the writers trim it (TrimForReader).
struct EvidencePart {
  std::string title;
  std::string text;
  std::string language;  // for a Markdown fence: "text" or "json"
  bool open = false;     // shown unfolded where the writer folds evidence
};
std::vector<EvidencePart> EvidenceParts(const CaseResult& result, const std::string& library);

// Where a thread of a captured process was in the target library: its first frame (from the top)
// in that library, and the frame above it, what the target had called when it was stopped.
struct TargetFrame {
  std::string thread;    // "TID 19877" (eu-stack), "LWP 19877" (gdb)
  std::string function;  // "miconform::reference::Session::Close(void*, void (*)(void*))"
  std::string called;    // "__pthread_mutex_lock@GLIBC_2.2.5"; empty when the target was on top
  std::vector<std::string> stack;  // every frame of the library in this thread, top first
};
// Every thread of `stacks` (eu-stack -m or gdb's `thread apply all bt` text) with a frame in a
// module whose file name is that of `library` (or that name with a version after it, the file a
// development-name link points to), in the order of the threads. Frames without a module match
// nothing: eu-stack without -m, and gdb's frames of a library with debug information (it prints
// "at file.cc:12" there, not "from library").
std::vector<TargetFrame> TargetFrames(const std::string& stacks, const std::string& library);
// The target's frames of a case: from its stacks (a hang), else from its output (a crash writes
// its stacks there).
std::vector<TargetFrame> CaseTargetFrames(const CaseResult& result, const std::string& library);
// Each thread's frames of the library alone, top first, under "TID 19877, in __lll_lock_wait:":
// the part of the stacks a vendor reads first (the harness's and the system's frames left out).
std::string TargetStacksText(const std::vector<TargetFrame>& frames);
// "TID 19877: Session::Close(void*), in __pthread_mutex_lock" for a reader.
std::string TargetFrameText(const TargetFrame& frame);

// The injection points that fired, each once in the order of its first firing, with how many
// times when more than once: "callback.before_ack (49 times)".
std::vector<std::string> FiredPoints(const std::vector<std::string>& fired);

// How the writers name Evidence::transport_at_failure.
inline constexpr const char* kTransportLabel = "Transport at the first failed check";
// The sentence that opens the root causes: "21 failing cases come down to 1 shared cause ..."
std::string RootCauseIntro(std::size_t failing_cases, std::size_t causes);
// A shared fact for a reader: "The first failed check judges R1 (8 of 11 cases)"; without the
// count when every case of the group shows it.
std::string SharedFactText(const SharedFact& fact, std::size_t group_cases);

// The sentence that opens every format's integration findings section.
inline constexpr const char* kIntegrationIntro =
    "What the suite's scripted protocol handler saw the client do toward its transport "
    "(targets/handler/README.md, \"The client's duties\"). Not verdicts on the MI pages: they "
    "change no verdict and not the claim.";
// "3 occurrences in 2 cases" for one finding of the run.
std::string IntegrationOccurrences(const IntegrationFindingOfRun& finding);

// Every verdict, best to worst.
const std::vector<Verdict>& AllVerdicts();

}  // namespace miconform::report::details

#endif  // MICONFORM_REPORT_CASE_DETAILS_H

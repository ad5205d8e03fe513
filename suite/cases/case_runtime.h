// case_runtime.h - what a case child process hands its one case: the loaded target, the scripted
// backend, the observation window, and the case's findings and observations, from which
// RunCaseChild computes the verdict; the run's time bounds; the phase lines. Used by case_child.cc,
// the fixture and the case files.
//
// Thread-safety: SetCaseRuntime is called once before the case runs; the notes are atomic and
// may be taken from any thread (callbacks included).
#ifndef MICONFORM_CASES_CASE_RUNTIME_H
#define MICONFORM_CASES_CASE_RUNTIME_H

#include <chrono>
#include <string>
#include <vector>

#include "miconform/report/verdict.h"
#include "miconform/scripted_backend.h"
#include "miconform/target.h"
#include "timing.h"

namespace miconform::cases {

struct CaseRuntime {
  Target* target = nullptr;
  ScriptedBackend* backend = nullptr;
  int observe_ms = static_cast<int>(watchdog::Timing{}.observe.count());
  int eventually_ms = static_cast<int>(watchdog::Timing{}.eventually.count());
  int settle_ms = static_cast<int>(watchdog::Timing{}.settle.count());
  // The requirements the running case names: a check that speaks for one requirement fails only
  // in a case that names it (elsewhere it is recorded as an observation).
  std::vector<std::string> requirements;
};

// Installs the runtime (pointers not owned; they must outlive the case).
void SetCaseRuntime(const CaseRuntime& runtime);
// The installed runtime, or nullptr when none was installed (e.g. in the self-tests).
const CaseRuntime* GetCaseRuntime();
// Whether the running case names `requirement_id` (false without a runtime).
bool CaseNames(const std::string& requirement_id);

// ---- the run's time bounds (the defaults of watchdog::Timing without a runtime).
// The bound for "eventually" (--eventually): only reached when the target is failing and does
// not go provably quiet first.
std::chrono::milliseconds Eventually();
// How long a case waits for the target to go provably quiet (--settle).
std::chrono::milliseconds Settle();
// How long a documented hang is watched when it cannot be proven (--observe).
std::chrono::milliseconds ObserveWindow();

// ---- phase lines: `Phase` marks where the case is (the watchdog and the stall oracle read it:
// "entered X" / "returned X (...)" tell which calls into the target are in flight); `Trace` is
// free text for the report.
void Phase(const std::string& text);
void Trace(const std::string& text);

// ---- findings: what the case judged, each charged to the one requirement it judges. The case's
// verdict and each requirement's verdict come from them (report.h, VerdictOfFinding); a finding
// is written at once as a `finding` channel line, so a later hang or crash cannot swallow it.
//
// A failed GoogleTest check names its requirement with Judges() at the start of its message:
//   EXPECT_TRUE(done) << Judges("SC-REM-2") << "no final result";
// and a mock expectation through MICONFORM_EXPECT_CALL (check_attribution.h). A failed check
// that names none is a defect of the case (ERROR), never charged to the target.
std::string Judges(const std::string& requirement_id);

// A documented hang did not happen, or a SHOULD was missed: a DEVIATION finding of
// `requirement_id`.
void NoteDeviation(const std::string& requirement_id, const std::string& text);
// A documented hang was observed (and then released): a DOCUMENTED-HANG finding.
void NoteDocumentedHang(const std::string& requirement_id, const std::string& text);
// The case could not judge what it set out to (e.g. the target could not open a session): an
// INCONCLUSIVE finding, charged to no requirement.
void NoteInconclusive(const std::string& text);
// What the case saw where the pages leave the behaviour open: recorded in the report with the
// requirement (clause) it relates to, never judged.
void Observe(const std::string& requirement_id, const std::string& text);

}  // namespace miconform::cases

#endif  // MICONFORM_CASES_CASE_RUNTIME_H

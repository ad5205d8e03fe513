// case_runtime.h - what a case child process hands its one case: the loaded target, the scripted
// backend, the observation window, and the outcome notes (deviations, observed documented hangs)
// from which RunCaseChild computes the verdict. Used by case_child.cc and case_fixture.cc.
//
// Thread-safety: SetCaseRuntime is called once before the case runs; the notes are atomic and
// may be taken from any thread (callbacks included).
#ifndef MICONFORM_CASES_CASE_RUNTIME_H
#define MICONFORM_CASES_CASE_RUNTIME_H

#include <string>
#include <vector>

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

// A documented hang did not happen (or a SHOULD was missed): the case is a DEVIATION unless a
// check failed. Writes a `message` line citing the requirement.
void NoteDeviation(const std::string& requirement_id, const std::string& text);
// A documented hang was observed (and then released): DOCUMENTED-HANG unless something worse.
void NoteDocumentedHang(const std::string& requirement_id, const std::string& text);
int DeviationCount();
int DocumentedHangCount();

}  // namespace miconform::cases

#endif  // MICONFORM_CASES_CASE_RUNTIME_H

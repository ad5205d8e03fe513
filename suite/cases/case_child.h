// case_child.h - the body of `miconform __case`: runs one conformance case in this (child)
// process and reports it to the supervising watchdog over the phase channel. Used by the runner.
#ifndef MICONFORM_CASES_CASE_CHILD_H
#define MICONFORM_CASES_CASE_CHILD_H

#include <string>

#include "miconform/target.h"
#include "timing.h"

namespace miconform {

struct CaseChildOptions {
  std::string case_id;
  TargetSpec target;
  std::string handler_path;
  // The case's own time limits (meaning and defaults: watchdog::Timing, timing.h).
  int observe_ms = static_cast<int>(watchdog::Timing{}.observe.count());
  int eventually_ms = static_cast<int>(watchdog::Timing{}.eventually.count());
  int settle_ms = static_cast<int>(watchdog::Timing{}.settle.count());
  bool prove = true;  // false: no proof from /proc, the windows alone decide
};

// Loads the target and the scripted backend, runs exactly the case's GoogleTest (silent on stdout
// unless something fails; each failed check goes out as a `message` line at once), then writes
// `backend <json>`, `verdict <WORD>` and ends the process with _exit(0) - library destructors
// never run after the verdict. Verdict: a failed check FAIL; else a noted deviation DEVIATION;
// else an observed documented hang DOCUMENTED-HANG; else a skip NOT-SUPPORTED; else PASS. A
// target or backend that cannot be loaded, an unknown case or a broken registry: `message` lines
// and ERROR. Never returns.
[[noreturn]] int RunCaseChild(const CaseChildOptions& options);

}  // namespace miconform

#endif  // MICONFORM_CASES_CASE_CHILD_H

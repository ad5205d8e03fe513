// judge.h - turns what the watchdog saw of one case's process into that case's verdict.
//
// Used by the run command for every finished case. The judgement is a pure function of the
// case's declaration, the requirement catalog and the watchdog's outcome, so its own self-tests
// feed it synthetic outcomes.
#ifndef MICONFORM_RUNNER_JUDGE_H
#define MICONFORM_RUNNER_JUDGE_H

#include <string>
#include <vector>

#include "miconform/report/report.h"
#include "watchdog.h"

namespace miconform::runner {

// What the judge needs to know about a case (from the case registry).
struct CaseDeclaration {
  std::string id;
  std::vector<std::string> requirements;
};

// Looks a requirement up: returns its level and paraphrase, or false when the ID is unknown.
struct RequirementLookup {
  virtual ~RequirementLookup() = default;
  virtual bool Find(const std::string& id, report::Level* level, std::string* text) const = 0;
};

// The rules, in order:
//  - the process could not be started, or the run was interrupted before it ended: ERROR;
//  - it was killed as hung (proven from /proc, or by a timer) while armed for a STOPS-RESPONDING
//    or MAY-DEADLOCK requirement and the armed call was among the calls in flight:
//    DOCUMENTED-HANG, citing the requirement and the call; armed but blocked in another call, or
//    armed for any other level: HANG (no document says that call hangs);
//  - killed as hung while not armed: HANG in the calls in flight (or the last phase);
//  - stopped at the end of its budget while still progressing: INCONCLUSIVE (too slow to judge);
//  - killed by a signal: CRASH;
//  - ended without writing a verdict, or with a non-zero exit status after one: CRASH;
//  - otherwise the verdict the case wrote (an unknown word is ERROR: a harness fault).
report::CaseResult Judge(const CaseDeclaration& declaration, const watchdog::Outcome& outcome,
                         const RequirementLookup& requirements);

// "SIGSEGV (11)" and the like.
std::string SignalName(int signal);

}  // namespace miconform::runner

#endif  // MICONFORM_RUNNER_JUDGE_H

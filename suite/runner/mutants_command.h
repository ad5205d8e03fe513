// mutants_command.h - `miconform mutants`: runs the suite against the reference and every
// fault-seeded mutant, and prints the kill matrix and the mutation score.
//
// A mutant is killed when its run gives one of the requirements it breaks a non-conformant verdict
// (FAIL, HANG or CRASH) — or, for a lenient mutant, a DEVIATION. The reference is clean when its
// run conforms with no DEVIATION, NOT-SUPPORTED or NOT-EXERCISED. Every conforming variant
// (Variants(): a lawful reading of the pages other than the reference's) must come out CONFORMANT
// in a plain run and in a run with schedule exploration; one that does not is a false accusation.
// Exit status: 0 every mutant killed, the reference clean and every variant conforming; 1
// otherwise; 2 when a run could not be made.
#ifndef MICONFORM_RUNNER_MUTANTS_COMMAND_H
#define MICONFORM_RUNNER_MUTANTS_COMMAND_H

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "miconform/mutants.h"
#include "miconform/report/report.h"
#include "run_options.h"

namespace miconform::runner {

// Whether the run of `mutant` kills it, and the verdicts of the requirements it breaks.
struct KillJudgement {
  bool killed = false;
  std::string explanation;  // "SC-REM-1 FAIL" or "SC-REM-3 PASS (expected DEVIATION)"
  // Killed: the fewest schedules a killing case needed (0: its plain run), and that case.
  std::optional<int> schedules_to_kill;
  std::string killing_case;
  std::string kill_level;  // the level of the first killed requirement: "MUST", "SHOULD",
                           // "documented hang"
  // Requirements outside `breaks` the run did not pass (FAIL, HANG, CRASH, DEVIATION) and the
  // table does not list under the mutant's `collateral`: "ID VERDICT". A mutant with collateral
  // is not counted as killed: the suite charged something the fault did not break.
  std::vector<std::string> collateral;
};
KillJudgement JudgeKill(const Mutant& mutant, const report::Report& run);

// Whether a run of a conforming variant leaves it unaccused: its cases conform
// (report.cases_conform; the matrix's shortened time limits make no run a conformance claim, so
// "CONFORMANT" in the matrix means that). `non_pass` lists every requirement that did not PASS, as
// "ID VERDICT".
struct VariantJudgement {
  bool conforming = false;
  std::vector<std::string> non_pass;
};
VariantJudgement JudgeVariant(const report::Report& run);

// True when the reference's run is clean (see above); `why` lists what is not.
bool ReferenceIsClean(const report::Report& run, std::string* why);

// `base` supplies jobs, timeouts, the exploration budget and the report directory (each target's
// report goes to <report>/<target>/, the matrix to <report>/mutants.md and mutants.json; a
// variant's explored run to <report>/<target>.explored/). Schedules are explored only for the
// reference, for the timing mutants that a plain run did not already kill, and for every variant
// (its second run); --no-explore skips all of them.
int MutantsCommand(const RunOptions& base, const std::string& self, std::ostream& out);

}  // namespace miconform::runner

#endif  // MICONFORM_RUNNER_MUTANTS_COMMAND_H

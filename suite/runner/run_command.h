// run_command.h - `miconform run`: runs the selected cases against one target under the watchdog
// and writes the report.
//
// Exit statuses: 0 the target conforms: CONFORMANT (every verdict PASS, DOCUMENTED-HANG,
// DEVIATION, NOT-SUPPORTED or NOT-EXERCISED, and the run a conformance claim: claim.h); 1 it does
// not (NOT CONFORMANT); 2 usage, target-load or harness errors (an ERROR verdict, an interrupted
// run, a report directory that cannot be used or is in use by another run, a report that could
// not be written); 3 PARTIAL: every case judged conforms, but the run is no conformance claim (a
// filter, options off their defaults). A GoogleTest shard (GTEST_TOTAL_SHARDS) exits 0 where it
// would exit 3, as a shard of any GoogleTest program does when its tests pass; `miconform merge`
// makes the claim of the shards together. With --fail-on unexpected (and --expectations), a run
// whose every failure was expected exits as if its cases conformed (0 or 3).
#ifndef MICONFORM_RUNNER_RUN_COMMAND_H
#define MICONFORM_RUNNER_RUN_COMMAND_H

#include <optional>
#include <string>
#include <vector>

#include "case_registry.h"
#include "miconform/report/report.h"
#include "run_options.h"

namespace miconform::runner {

inline constexpr int kExitConformant = 0;
inline constexpr int kExitNotConformant = 1;
inline constexpr int kExitError = 2;
inline constexpr int kExitPartial = 3;

// What one run of the suite produced. `report` is empty when the run stopped before its first
// case (bad input, a report directory that cannot be used, a target that cannot be loaded or
// probed); `error` then says why. `report_written` is false when the report directory (journal
// or report files) could not be written; `error` then says why.
struct SuiteRun {
  int exit_status = kExitError;
  std::optional<report::Report> report;
  bool report_written = false;
  bool interrupted = false;
  std::string error;
};

// Runs the suite and writes the report directory; prints nothing. `self` is the path of the
// miconform executable (children are started from it). The report directory is checked and
// locked (report::ReportDirectoryLock) before the target is probed, and stays locked until the
// report is written.
SuiteRun RunSuite(const RunOptions& options, const std::string& self);

// `miconform run`: RunSuite, then the summary on stdout (errors on stderr).
int RunCommand(const RunOptions& options, const std::string& self);

// The requirements a run speaks about: every catalog entry that one of `cases` names, with the
// IDs of the cases that name it.
std::vector<report::RequirementResult> RequirementsOf(const std::vector<CaseInfo>& cases);

// Completes a report rebuilt from journals (`report`, `merge`, `verify`): its requirements from
// its cases' declarations, its claim gaps (claim.h) and its aggregate verdicts. Returns the ID of a
// case this suite does not declare (the report cannot be completed), else empty.
std::string FinishReport(report::Report* report);

// The exit status of a finished run with `report` (the statuses above; `sharded`: the run is one
// GoogleTest shard; `fail_on_unexpected`: only an unexpected failure makes it NOT CONFORMANT's 1).
int ExitStatusOf(const report::Report& report, bool sharded, bool fail_on_unexpected = false);

// The summary of a report on stdout: its claim (ClaimOf, or INTERRUPTED), the count of each case
// verdict, why it is no conformance claim, the cases that did not pass, and where the report is
// (or that it could not be written).
void PrintSummary(const report::Report& report, const std::string& report_dir, bool interrupted,
                  bool report_written);

}  // namespace miconform::runner

#endif  // MICONFORM_RUNNER_RUN_COMMAND_H

// diff_command.h - `miconform diff A B`: what changed from the run in report directory A to the
// run in B (run facts, requirement and case verdicts, new and fixed failures, timing outliers;
// miconform/report/report_diff.h).
//
// Exit statuses, as diff(1): 0 no verdict changed; 1 a verdict changed (or a requirement or case
// is in one run only); 2 a directory cannot be read.
#ifndef MICONFORM_RUNNER_DIFF_COMMAND_H
#define MICONFORM_RUNNER_DIFF_COMMAND_H

#include <ostream>
#include <string>

#include "miconform/report/report_diff.h"

namespace miconform::runner {

int DiffCommand(const std::string& before_dir, const std::string& after_dir,
                const report::DiffOptions& options, std::ostream& out);

}  // namespace miconform::runner

#endif  // MICONFORM_RUNNER_DIFF_COMMAND_H

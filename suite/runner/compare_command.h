// compare_command.h - `miconform compare --output OUT DIR...`: several runs' requirement verdicts
// side by side (targets, versions, platforms), written as OUT/compare.md and OUT/compare.html
// (miconform/report/comparison.h).
//
// Exit statuses: 0 the pages were written; 2 a directory cannot be read or the pages cannot be
// written.
#ifndef MICONFORM_RUNNER_COMPARE_COMMAND_H
#define MICONFORM_RUNNER_COMPARE_COMMAND_H

#include <string>
#include <vector>

namespace miconform::runner {

int CompareCommand(const std::string& out_dir, const std::vector<std::string>& report_dirs);

}  // namespace miconform::runner

#endif  // MICONFORM_RUNNER_COMPARE_COMMAND_H

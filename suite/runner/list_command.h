// list_command.h - `miconform list`: the requirement catalog with its cases, the cases, or the
// built-in targets.
#ifndef MICONFORM_RUNNER_LIST_COMMAND_H
#define MICONFORM_RUNNER_LIST_COMMAND_H

#include <ostream>

namespace miconform::runner {

enum class ListWhat { kRequirements, kCases, kTargets };

// Writes the listing; returns the exit status (2 when the catalog and the cases disagree).
int ListCommand(ListWhat what, std::ostream& out);

}  // namespace miconform::runner

#endif  // MICONFORM_RUNNER_LIST_COMMAND_H

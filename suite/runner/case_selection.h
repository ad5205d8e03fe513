// case_selection.h - picks the cases a run executes from the case registry by --filter globs.
//
// Used by the run and list commands.
#ifndef MICONFORM_RUNNER_CASE_SELECTION_H
#define MICONFORM_RUNNER_CASE_SELECTION_H

#include <string>
#include <vector>

namespace miconform::runner {

// Splits "a,b , c" into {"a","b","c"} (empty items dropped).
std::vector<std::string> SplitList(const std::string& text);

// True when `id` matches one of the shell globs (fnmatch; '*' also crosses dots), or when there
// are no globs at all.
bool MatchesAny(const std::string& id, const std::vector<std::string>& globs);

}  // namespace miconform::runner

#endif  // MICONFORM_RUNNER_CASE_SELECTION_H

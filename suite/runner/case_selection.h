// case_selection.h - picks the cases a run executes from the case registry by --filter globs,
// and its shard of them under GoogleTest's sharding variables.
//
// Used by the run and list commands.
#ifndef MICONFORM_RUNNER_CASE_SELECTION_H
#define MICONFORM_RUNNER_CASE_SELECTION_H

#include <cstddef>
#include <string>
#include <vector>

namespace miconform::runner {

// Splits "a,b , c" into {"a","b","c"} (empty items dropped).
std::vector<std::string> SplitList(const std::string& text);

// True when `id` matches one of the shell globs (fnmatch; '*' also crosses dots), or when there
// are no globs at all.
bool MatchesAny(const std::string& id, const std::vector<std::string>& globs);

// One shard of a run, as GoogleTest's GTEST_TOTAL_SHARDS and GTEST_SHARD_INDEX give it; total 0:
// the run is not sharded.
struct Shard {
  int index = 0;
  int total = 0;
};

// The shard that the values of GTEST_TOTAL_SHARDS and GTEST_SHARD_INDEX (nullptr: unset) name, by
// GoogleTest's rules: neither set is no sharding; one without the other, a value that is not a
// decimal integer (an empty one neither), or not 0 <= index < total is an error. Returns the
// error's message naming the variables, else empty.
std::string ParseShard(const char* total, const char* index, Shard* shard);

// True when the case at `position` of the selected cases (sorted by ID) belongs to `shard`:
// position modulo total is its index, the rule GoogleTest applies to its list of tests. Every
// case belongs to "no sharding".
bool InShard(std::size_t position, const Shard& shard);

}  // namespace miconform::runner

#endif  // MICONFORM_RUNNER_CASE_SELECTION_H

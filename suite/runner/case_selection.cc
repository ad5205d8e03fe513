// case_selection.cc - glob matching of case IDs for --filter, and the shard of a run.
#include "case_selection.h"

#include <fnmatch.h>

#include <charconv>
#include <cstring>
#include <sstream>

namespace miconform::runner {

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const auto first = item.find_first_not_of(" \t");
    const auto last = item.find_last_not_of(" \t");
    if (first != std::string::npos) items.push_back(item.substr(first, last - first + 1));
  }
  return items;
}

bool MatchesAny(const std::string& id, const std::vector<std::string>& globs) {
  if (globs.empty()) return true;
  for (const std::string& glob : globs) {
    if (fnmatch(glob.c_str(), id.c_str(), 0) == 0) return true;
  }
  return false;
}

namespace {

// A decimal int and nothing else (no sign other than '-', no white space), else false.
bool ParseDecimal(const char* text, int* value) {
  const char* end = text + std::strlen(text);
  const auto [stop, error] = std::from_chars(text, end, *value);
  return text != end && error == std::errc() && stop == end;
}

}  // namespace

std::string ParseShard(const char* total, const char* index, Shard* shard) {
  *shard = Shard{};
  if (total == nullptr && index == nullptr) return {};
  if (total == nullptr || index == nullptr) {
    return std::string(total == nullptr ? "GTEST_SHARD_INDEX" : "GTEST_TOTAL_SHARDS") +
           " is set but " + (total == nullptr ? "GTEST_TOTAL_SHARDS" : "GTEST_SHARD_INDEX") +
           " is not: set both to run one shard of the cases, or neither";
  }
  Shard parsed;
  if (!ParseDecimal(total, &parsed.total)) {
    return std::string("GTEST_TOTAL_SHARDS must be a whole number (at most 2147483647), not '") +
           total + "'";
  }
  if (!ParseDecimal(index, &parsed.index)) {
    return std::string("GTEST_SHARD_INDEX must be a whole number (at most 2147483647), not '") +
           index + "'";
  }
  if (parsed.index < 0 || parsed.index >= parsed.total) {
    return "sharding needs 0 <= GTEST_SHARD_INDEX < GTEST_TOTAL_SHARDS, but GTEST_SHARD_INDEX is " +
           std::to_string(parsed.index) + " and GTEST_TOTAL_SHARDS " + std::to_string(parsed.total);
  }
  *shard = parsed;
  return {};
}

bool InShard(std::size_t position, const Shard& shard) {
  return shard.total <= 0 ||
         position % static_cast<std::size_t>(shard.total) == static_cast<std::size_t>(shard.index);
}

}  // namespace miconform::runner

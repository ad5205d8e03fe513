// case_selection.cc - glob matching of case IDs for --filter.
#include "case_selection.h"

#include <fnmatch.h>

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

}  // namespace miconform::runner

// claim.cc - the conformance-claim rule of claim.h.
#include "claim.h"

#include <cstdlib>
#include <set>

#include "catalog.h"
#include "run_options.h"

namespace miconform::runner {
namespace {

// Options a longer value of which only gives a slow target more time: at or above the default
// they keep the claim.
bool AllowsLonger(const std::string& name) { return name == "timeout" || name == "budget"; }

bool AtLeast(const std::string& recorded, const std::string& minimum) {
  char* end = nullptr;
  const double value = std::strtod(recorded.c_str(), &end);
  if (end == recorded.c_str() || *end != '\0') return false;
  return value >= std::strtod(minimum.c_str(), nullptr);
}

std::string ListOf(const std::vector<std::string>& ids, std::size_t shown) {
  std::string out;
  for (std::size_t i = 0; i < ids.size() && i < shown; ++i) out += (i ? ", " : "") + ids[i];
  if (ids.size() > shown) out += " and " + std::to_string(ids.size() - shown) + " more";
  return out;
}

}  // namespace

std::vector<std::string> ClaimGaps(const report::RunInfo& run,
                                   const std::vector<report::CaseResult>& cases) {
  std::vector<std::string> gaps;
  if (run.suite_version != MICONFORM_VERSION) {
    gaps.push_back("recorded by suite version " + run.suite_version +
                   "; its must-pass list is "
                   "not this suite's (" +
                   MICONFORM_VERSION + "): check it with that version");
    return gaps;
  }
  if (run.ended.empty()) gaps.push_back("the run never ended (interrupted or killed)");

  std::set<std::string> judged;
  for (const report::CaseResult& result : cases) judged.insert(result.id);
  std::vector<std::string> missing;
  for (const std::string& id : MustPassCases()) {
    if (!judged.count(id)) missing.push_back(id);
  }
  if (!missing.empty()) {
    gaps.push_back(std::to_string(missing.size()) + " of the " +
                   std::to_string(MustPassCases().size()) +
                   " must-pass cases were not run: " + ListOf(missing, 5));
  }

  for (const auto& [name, expected] : JudgingOptions(RunOptions{}, /*explore_available=*/true)) {
    const auto found = run.options.find(name);
    const std::string value = found == run.options.end() ? "(not recorded)" : found->second;
    if (value == expected || (AllowsLonger(name) && AtLeast(value, expected))) continue;
    gaps.push_back("--" + name + " was " + value + " (the default, " + expected +
                   (AllowsLonger(name) ? " or more" : "") + ", is required for a claim)");
  }
  for (const char* name : {"inject", "shard"}) {
    const auto found = run.options.find(name);
    if (found == run.options.end()) continue;
    gaps.push_back(std::string(name) == "shard"
                       ? "shard " + found->second +
                             " of the case list: the shards' reports merged (miconform merge) "
                             "make the claim"
                       : "a fault plan was applied to every case (--inject " + found->second + ")");
  }
  return gaps;
}

}  // namespace miconform::runner

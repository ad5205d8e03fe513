// run_options.cc - the judging options as a run records them (run_options.h).
#include "run_options.h"

namespace miconform::runner {

std::map<std::string, std::string> JudgingOptions(const RunOptions& options,
                                                  bool explore_available) {
  std::string filters;
  for (const auto& glob : options.filters) filters += (filters.empty() ? "" : ",") + glob;
  std::map<std::string, std::string> recorded = {
      {"timeout", std::to_string(options.timeout_s)},
      {"budget", std::to_string(options.budget_s)},
      {"hang-window", std::to_string(options.hang_window_ms)},
      {"observe", std::to_string(options.observe_ms)},
      {"eventually", std::to_string(options.eventually_ms)},
      {"settle", std::to_string(options.settle_ms)},
      {"proof", options.prove ? "on" : "off (timers alone)"},
      {"filter", filters.empty() ? "*" : filters}};
  if (!options.explore || !options.inject.empty()) {
    recorded["explore"] = "off";
  } else if (!explore_available) {
    recorded["explore"] = "off (no interposer in this build)";
  } else {
    recorded["explore"] = "walk " + std::to_string(options.walk_limit) + ", pct seeds " +
                          std::to_string(options.seeds) + " from " + std::to_string(options.seed) +
                          " (depth " + std::to_string(options.pct_depth) + ", horizon " +
                          std::to_string(options.pct_horizon) + ")";
  }
  if (!options.inject.empty()) recorded["inject"] = options.inject;
  return recorded;
}

}  // namespace miconform::runner

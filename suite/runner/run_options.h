// run_options.h - what the user asked `miconform run` (and the hidden child commands) to do.
//
// Filled by the command line in main.cc; read by the run command and the case selection.
#ifndef MICONFORM_RUNNER_RUN_OPTIONS_H
#define MICONFORM_RUNNER_RUN_OPTIONS_H

#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "case_selection.h"
#include "progress_display.h"
#include "timing.h"

namespace miconform::runner {

struct RunOptions {
  std::string target = "reference";  // --target NAME|PATH
  std::string entry;                 // --entry NAME (empty: MI_Application_InitializeV1)
  std::string protocol;              // --protocol NAME (empty: MICONFORM)
  std::string config_dir;            // --config-dir DIR (required for a library path)
  std::vector<std::string> filters;  // --filter GLOB[,GLOB...] over case IDs (empty: all)
  Shard shard;                       // GTEST_TOTAL_SHARDS / GTEST_SHARD_INDEX (`run` only)
  int jobs = 4;                      // --jobs N (cases mostly wait: more than the cores)
  // The time limits (their meaning and defaults: watchdog::Timing, timing.h).
  double timeout_s = watchdog::Timing{}.stall_limit.count() / 1000.0;  // --timeout SECONDS
  double budget_s = watchdog::Timing{}.budget.count() / 1000.0;        // --budget SECONDS
  int hang_window_ms =
      static_cast<int>(watchdog::Timing{}.hang_window.count());                 // --hang-window MS
  int observe_ms = static_cast<int>(watchdog::Timing{}.observe.count());        // --observe MS
  int eventually_ms = static_cast<int>(watchdog::Timing{}.eventually.count());  // --eventually MS
  int settle_ms = static_cast<int>(watchdog::Timing{}.settle.count());          // --settle MS
  std::string report_dir = "miconform-report";  // --report DIR (or the --resume DIR)
  std::string expectations;                     // --expectations FILE: known failures (empty: none)
  bool fail_on_unexpected = false;  // --fail-on unexpected: only unexpected failures exit 1
  bool resume = false;              // --resume DIR: go on with the interrupted run in DIR
  ProgressSettings progress;        // what stderr shows while the run goes (--progress)
  std::string inject;               // --inject PLAN: an interposer plan applied to every case
  bool explore = true;              // --no-explore turns schedule exploration off
  bool prove = true;                // --no-proof: hangs decided by the timers alone (comparison)
  int walk_limit = 8;               // --walk-limit N: countdown runs per race case at most
  int seeds = 4;                    // --seeds N: PCT schedules per race case
  std::uint64_t seed = 1;           // --seed N: the first PCT schedule's seed
  int pct_depth = 3;                // --pct-depth D: PCT bug depth (D-1 change points), 1..10
  int pct_horizon = 600;            // --pct-horizon H: change points among the first H hits
};

// The options that change what a run can judge, as its record holds them (report.json run.options):
// the time limits, hang proof, case filter, schedule exploration and fault plan ("inject", only
// when given). `explore_available`: this build has the interposer that exploration needs. The
// claim rule (claim.h) compares a run's record with these options' defaults.
std::map<std::string, std::string> JudgingOptions(const RunOptions& options,
                                                  bool explore_available);

// The options' time limits as one Timing (check it with Timing::Check). A limit that is not a
// finite number becomes 0, which Check rejects.
inline watchdog::Timing TimingOf(const RunOptions& options) {
  auto seconds = [](double value) {
    return std::chrono::milliseconds(std::isfinite(value) ? std::llround(value * 1000) : 0);
  };
  watchdog::Timing timing;
  timing.stall_limit = seconds(options.timeout_s);
  timing.budget = seconds(options.budget_s);
  timing.hang_window = std::chrono::milliseconds(options.hang_window_ms);
  timing.observe = std::chrono::milliseconds(options.observe_ms);
  timing.eventually = std::chrono::milliseconds(options.eventually_ms);
  timing.settle = std::chrono::milliseconds(options.settle_ms);
  return timing;
}

}  // namespace miconform::runner

#endif  // MICONFORM_RUNNER_RUN_OPTIONS_H

// run_options.h - what the user asked `miconform run` (and the hidden child commands) to do.
//
// Filled by the command line in main.cc; read by the run command and the case selection.
#ifndef MICONFORM_RUNNER_RUN_OPTIONS_H
#define MICONFORM_RUNNER_RUN_OPTIONS_H

#include <cstdint>
#include <string>
#include <vector>

namespace miconform::runner {

struct RunOptions {
  std::string target = "reference";  // --target NAME|PATH
  std::string entry;                 // --entry NAME (empty: MI_Application_InitializeV1)
  std::string protocol;              // --protocol NAME (empty: MICONFORM)
  std::string config_dir;            // --config-dir DIR (required for a library path)
  std::vector<std::string> filters;  // --filter GLOB[,GLOB...] over case IDs (empty: all)
  int jobs = 4;                      // --jobs N (cases mostly wait: more than the cores)
  double timeout_s = 10;             // --timeout SECONDS: an unarmed case may run this long
  int hang_window_ms = 1000;         // --hang-window MS: an armed case may block this long
  int observe_ms = 250;              // --observe MS: how long a case watches for a documented hang
  std::string report_dir = "miconform-report";  // --report DIR
  bool progress = false;             // progress lines (on when stderr is a terminal)
  std::string inject;                // --inject PLAN: an interposer plan applied to every case
  bool explore = true;               // --no-explore turns schedule exploration off
  int walk_limit = 8;                // --walk-limit N: countdown runs per race case at most
  int seeds = 4;                     // --seeds N: PCT schedules per race case
  std::uint64_t seed = 1;            // --seed N: the first PCT schedule's seed
  int pct_depth = 3;                 // --pct-depth D: PCT bug depth (D-1 change points), 1..10
  int pct_horizon = 600;             // --pct-horizon H: change points among the first H hits
};

}  // namespace miconform::runner

#endif  // MICONFORM_RUNNER_RUN_OPTIONS_H

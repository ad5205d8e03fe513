// schedule_exploration.h - runs a race case again under many schedules of the interposer and folds
// what they found into the case's result.
//
// Two kinds of schedule, both reproducible from their plan string (suite/injection):
//  - the enumeration walk: the case runs with `mode=countdown;k=K` for K = 1, 2, 3, ... — one
//    delay at the K-th interposed call the target makes — until a run in which the K-th call never
//    happens (the walk covered every point) or the budget ends;
//  - seeded random schedules: `mode=random;seed=S` for S = base, base+1, ...
// A schedule whose run is non-conformant makes the case non-conformant, with the plan and a
// command that reproduces it; a case whose schedules never fired a single delay is NOT-EXERCISED.
#ifndef MICONFORM_RUNNER_SCHEDULE_EXPLORATION_H
#define MICONFORM_RUNNER_SCHEDULE_EXPLORATION_H

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "miconform/report/report.h"
#include "watchdog.h"

namespace miconform::runner {

struct ExplorationBudget {
  int walk_limit = 8;           // countdown runs per case at most
  int seeds = 4;                // random schedules per case
  std::uint64_t base_seed = 1;  // first seed
  std::uint32_t walk_delay_us = 2000;
  double random_probability = 0.05;
  std::uint32_t random_max_us = 1000;
  std::string only;             // the interposer's only= filter (the target library's file name)
};

// The plan strings of the walk's K-th run and of the random schedule with `seed`.
std::string WalkPlan(const ExplorationBudget& budget, std::uint64_t k);
std::string RandomPlan(const ExplorationBudget& budget, std::uint64_t seed);

// How the exploration starts one run of a case under a plan, and judges its outcome.
struct ExplorationHooks {
  std::function<watchdog::ChildSpec(std::size_t case_index, const std::string& plan)> make_spec;
  std::function<report::CaseResult(std::size_t case_index, const watchdog::Outcome&)> judge;
  std::function<std::string(std::size_t case_index, const std::string& plan)> reproduce;
};

// Explores every case in `results` whose index is in `eligible`, `jobs` runs at a time, and folds
// the schedules' verdicts into `results`. Returns the number of schedules run.
int ExploreSchedules(watchdog::Watchdog& watchdog, const std::vector<std::size_t>& eligible,
                     const ExplorationBudget& budget, int jobs, const ExplorationHooks& hooks,
                     std::vector<report::CaseResult>& results);

}  // namespace miconform::runner

#endif  // MICONFORM_RUNNER_SCHEDULE_EXPLORATION_H

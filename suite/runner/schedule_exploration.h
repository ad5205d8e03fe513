// schedule_exploration.h - runs a race case again under many schedules of the interposer and folds
// what they found into the case's result.
//
// Two kinds of schedule, both reproducible from their plan string (suite/injection):
//  - the enumeration walk: the case runs with `mode=countdown;k=K` for K = 1, 2, 3, ... — one
//    delay at the K-th interposed call the target makes — until a run in which the K-th call never
//    happens (the walk covered every point) or the budget ends;
//  - seeded PCT schedules: `mode=pct;seed=S;depth=D;horizon=H` for S = base, base+1, ... — random
//    thread priorities with D-1 priority change points among the first H interposed calls, the
//    interposer holding lower-priority threads back (suite/injection/README.md, mode pct).
// The first schedule whose run is non-conformant is run again kScheduleReplays times with the same
// plan before it is charged. Reproduced at least once, it makes the case non-conformant, with the
// plan, that run's findings, trace, record and stacks, and a command that reproduces it; never
// reproduced, it is reported as an intermittent (INCONCLUSIVE, with the same evidence), never as a
// plain failure. A case whose schedules never fired a single delay is NOT-EXERCISED.
#ifndef MICONFORM_RUNNER_SCHEDULE_EXPLORATION_H
#define MICONFORM_RUNNER_SCHEDULE_EXPLORATION_H

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "miconform/report/report.h"
#include "watchdog.h"

namespace miconform::runner {

// Re-runs of a breaking schedule's plan before the failure is charged.
inline constexpr int kScheduleReplays = 5;

struct ExplorationBudget {
  int walk_limit = 8;           // countdown runs per case at most
  int seeds = 4;                // pct schedules per case
  std::uint64_t base_seed = 1;  // first seed
  std::uint32_t walk_delay_us = 2000;
  std::uint32_t pct_depth = 3;       // d: d-1 priority change points
  std::uint32_t pct_horizon = 0;     // H: change points among hits 1..H (set by the caller)
  std::uint32_t pct_delay_us = 500;  // how long a lower-priority thread is held back per hit
  std::string only;  // the interposer's only= filter (the target library's file name)
};

// The plan strings of the walk's K-th run and of the PCT schedule with `seed` (canonical form).
std::string WalkPlan(const ExplorationBudget& budget, std::uint64_t k);
std::string PctPlan(const ExplorationBudget& budget, std::uint64_t seed);

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

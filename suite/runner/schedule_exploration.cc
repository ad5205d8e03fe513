// schedule_exploration.cc - the enumeration walk and seeded PCT schedules of
// schedule_exploration.h.
#include "schedule_exploration.h"

#include <map>
#include <optional>

#include "miconform/injection_plan.h"
#include "miconform/injection_summary.h"
#include "phase_channel.h"

namespace miconform::runner {
namespace {

using report::IsNonConformant;
using report::Verdict;

// What one schedule's run showed.
struct ScheduleRun {
  std::string plan;
  report::CaseResult result;
  bool fired = false;  // at least one interposer delay happened
  std::optional<bool> countdown_reached;
};

ScheduleRun Summarise(std::string plan, report::CaseResult result) {
  ScheduleRun run{std::move(plan), std::move(result), false, std::nullopt};
  for (const std::string& point : run.result.evidence.fired) {
    if (point.rfind("interposer.", 0) == 0) run.fired = true;
  }
  for (const std::string& line : run.result.evidence.trace) {
    const watchdog::ChannelLine read = watchdog::ReadChannelLine(line);
    if (read.kind != watchdog::ChannelLine::Kind::kTrace) continue;
    if (auto reached = injection::CountdownReachedIn(read.text)) run.countdown_reached = reached;
  }
  return run;
}

// A schedule's place in the exploration's order: the walk by K (1, 2, ...), then the seeded
// schedules by seed, after the whole walk budget.
std::uint64_t Ordinal(const std::string& plan_text, const ExplorationBudget& budget) {
  try {
    const injection::InjectionPlan plan = injection::InjectionPlan::Parse(plan_text);
    if (plan.mode == injection::InjectionPlan::Mode::kCountdown) return plan.countdown_k;
    return static_cast<std::uint64_t>(budget.walk_limit) + (plan.seed - budget.base_seed) + 1;
  } catch (const injection::PlanError&) {
    return 0;  // the runner made the plan; it always parses
  }
}

// Folds the first breaking schedule's run into the case's result: its findings (charged only
// when the replays reproduced the failure), trace, record, stacks and output, so the failure can
// be read without running it again.
void KeepBreakingRun(const ScheduleRun& run, int reproduced, report::CaseResult& result) {
  const std::string where = "under schedule '" + run.plan + "'";
  if (reproduced > 0) {
    for (const report::Finding& finding : run.result.findings) {
      result.findings.push_back(
          report::Finding{finding.verdict, finding.requirement_id, where + ": " + finding.text});
    }
    result.messages.push_back(where + ": " + std::string(report::ToString(run.result.verdict)) +
                              "; the same plan broke again in " + std::to_string(reproduced) +
                              " of " + std::to_string(kScheduleReplays) + " re-runs");
  } else {
    result.messages.push_back(
        where + ": " + std::string(report::ToString(run.result.verdict)) +
        (run.result.messages.empty() ? std::string() : " (" + run.result.messages.front() + ")") +
        "; not reproduced in " + std::to_string(kScheduleReplays) +
        " re-runs of the same plan: reported as an intermittent (INCONCLUSIVE), not charged");
    // The requirements the run would have charged are marked, never charged: an INCONCLUSIVE
    // finding with a requirement is always such an intermittent.
    for (const report::Finding& finding : run.result.findings) {
      if (finding.requirement_id.empty() || finding.verdict == Verdict::kDocumentedHang) continue;
      result.findings.push_back(report::Finding{Verdict::kInconclusive, finding.requirement_id,
                                                where + ", intermittent (not reproduced in " +
                                                    std::to_string(kScheduleReplays) +
                                                    " re-runs): " + finding.text});
    }
  }
  for (const report::Observation& observation : run.result.observations) {
    result.observations.push_back(
        report::Observation{observation.requirement_id, where + ": " + observation.text});
  }
  for (const std::string& line : run.result.evidence.trace) {
    result.evidence.trace.push_back("[" + run.plan + "] " + line);
  }
  if (!run.result.evidence.backend.is_null()) {
    result.evidence.trace.push_back("[" + run.plan + "] backend " +
                                    run.result.evidence.backend.dump());
  }
  if (!run.result.evidence.stacks.empty()) result.evidence.stacks = run.result.evidence.stacks;
  if (!run.result.evidence.thread_states.empty()) {
    result.evidence.thread_states = run.result.evidence.thread_states;
  }
  if (!run.result.evidence.output.empty()) result.evidence.output = run.result.evidence.output;
}

}  // namespace

std::string WalkPlan(const ExplorationBudget& budget, std::uint64_t k) {
  std::string plan =
      "mode=countdown;k=" + std::to_string(k) + ";delay_us=" + std::to_string(budget.walk_delay_us);
  if (!budget.only.empty()) plan += ";only=" + budget.only;
  return plan;
}

std::string PctPlan(const ExplorationBudget& budget, std::uint64_t seed) {
  injection::InjectionPlan plan;
  plan.mode = injection::InjectionPlan::Mode::kPct;
  plan.seed = seed;
  plan.pct_depth = budget.pct_depth;
  plan.pct_horizon = budget.pct_horizon;
  plan.delay_us = budget.pct_delay_us;
  plan.only = budget.only;
  return plan.ToString();
}

int ExploreSchedules(watchdog::Watchdog& watchdog, const std::vector<std::size_t>& eligible,
                     const ExplorationBudget& budget, int jobs, const ExplorationHooks& hooks,
                     std::vector<report::CaseResult>& results) {
  std::map<std::size_t, std::vector<ScheduleRun>> runs;
  auto run_batch = [&](const std::vector<std::pair<std::size_t, std::string>>& batch) {
    std::vector<watchdog::ChildSpec> specs;
    for (const auto& [index, plan] : batch) specs.push_back(hooks.make_spec(index, plan));
    watchdog.RunAll(specs, jobs, [&](std::size_t i, watchdog::Outcome outcome) {
      const auto& [index, plan] = batch[i];
      runs[index].push_back(Summarise(plan, hooks.judge(index, outcome)));
    });
  };

  // The walk, one round per K, every still-walking case in parallel.
  std::vector<std::size_t> walking = eligible;
  std::map<std::size_t, std::uint64_t> walk_end;  // K of the run that hit nothing
  for (std::uint64_t k = 1; k <= static_cast<std::uint64_t>(budget.walk_limit) &&
                            !walking.empty() && !watchdog.interrupted();
       ++k) {
    std::vector<std::pair<std::size_t, std::string>> batch;
    for (std::size_t index : walking) batch.emplace_back(index, WalkPlan(budget, k));
    run_batch(batch);
    std::vector<std::size_t> next;
    for (std::size_t index : walking) {
      const ScheduleRun& last = runs[index].back();
      // A run that ended before its summary (a crash, a hang) does not end the walk by itself.
      if (last.countdown_reached.value_or(true)) {
        next.push_back(index);
      } else {
        walk_end[index] = k;
      }
    }
    walking = std::move(next);
  }

  // Seeded PCT schedules.
  if (!watchdog.interrupted() && budget.seeds > 0) {
    std::vector<std::pair<std::size_t, std::string>> batch;
    for (std::size_t index : eligible) {
      for (int s = 0; s < budget.seeds; ++s) {
        batch.emplace_back(index,
                           PctPlan(budget, budget.base_seed + static_cast<std::uint64_t>(s)));
      }
    }
    run_batch(batch);
  }

  // Replays: the first breaking plan of each case, run again before it is charged.
  std::map<std::size_t, std::string> breaking_plan;
  for (std::size_t index : eligible) {
    std::optional<std::uint64_t> first;
    for (const ScheduleRun& run : runs[index]) {
      if (!report::ScheduleBreaks(run.result.verdict, results[index].verdict)) continue;
      const std::uint64_t ordinal = Ordinal(run.plan, budget);
      if (!first || ordinal < *first) {
        first = ordinal;
        breaking_plan[index] = run.plan;
      }
    }
  }
  std::map<std::size_t, int> reproduced;  // replays of the breaking plan that broke again
  if (!breaking_plan.empty() && !watchdog.interrupted()) {
    std::vector<std::pair<std::size_t, std::string>> batch;
    for (const auto& [index, plan] : breaking_plan) {
      for (int r = 0; r < kScheduleReplays; ++r) batch.emplace_back(index, plan);
    }
    std::vector<watchdog::ChildSpec> specs;
    for (const auto& [index, plan] : batch) specs.push_back(hooks.make_spec(index, plan));
    watchdog.RunAll(specs, jobs, [&](std::size_t i, watchdog::Outcome outcome) {
      const report::CaseResult replay = hooks.judge(batch[i].first, outcome);
      if (report::ScheduleBreaks(replay.verdict, results[batch[i].first].verdict))
        ++reproduced[batch[i].first];
    });
  }

  int total = 0;
  for (std::size_t index : eligible) {
    report::CaseResult& result = results[index];
    const auto& schedule_runs = runs[index];
    total += static_cast<int>(schedule_runs.size());
    bool any_fired = false;
    const Verdict plain_verdict = result.verdict;
    Verdict worst = result.verdict;
    // Schedules up to the first breaking one: the runs that came before it in the order.
    std::optional<std::uint64_t> first_breaking;
    for (const ScheduleRun& run : schedule_runs) {
      if (!report::ScheduleBreaks(run.result.verdict, result.verdict)) continue;
      const std::uint64_t ordinal = Ordinal(run.plan, budget);
      if (!first_breaking || ordinal < *first_breaking) first_breaking = ordinal;
    }
    if (first_breaking) {
      int ran_before = 0;
      for (const ScheduleRun& run : schedule_runs) {
        if (Ordinal(run.plan, budget) < *first_breaking) ++ran_before;
      }
      result.schedules_to_failure = ran_before + 1;
    }
    for (const ScheduleRun& run : schedule_runs) {
      any_fired = any_fired || run.fired;
      result.evidence.trace.push_back("schedule " + run.plan + ": " +
                                      std::string(report::ToString(run.result.verdict)) +
                                      (run.fired ? "" : " (no delay fired)"));
      for (const std::string& point : run.result.evidence.fired)
        result.evidence.fired.push_back(point);
      const bool breaks = report::ScheduleBreaks(run.result.verdict, plain_verdict);
      if (!breaks && run.result.verdict != Verdict::kError) continue;
      if (run.result.verdict == Verdict::kError) {
        result.messages.push_back(
            "under schedule '" + run.plan + "': ERROR" +
            (run.result.messages.empty() ? std::string() : ": " + run.result.messages.front()));
      }
      if (breaks && breaking_plan.count(index) > 0 && breaking_plan[index] == run.plan) {
        KeepBreakingRun(run, reproduced[index], result);
        const Verdict charged =
            report::BreakingScheduleVerdict(run.result.verdict, reproduced[index]);
        if (report::Severity(charged) > report::Severity(worst)) {
          worst = charged;
          result.reproduce = hooks.reproduce(index, run.plan);
        }
        continue;
      }
      if (breaks) continue;  // a later breaking schedule: traced only
      if (report::Severity(run.result.verdict) > report::Severity(worst)) {
        worst = run.result.verdict;  // an ERROR under a schedule
        result.reproduce = hooks.reproduce(index, run.plan);
      }
    }
    const auto end = walk_end.find(index);
    result.evidence.trace.push_back(
        "explored " + std::to_string(schedule_runs.size()) + " schedules: " +
        (end != walk_end.end()
             ? "the walk covered every point (run " + std::to_string(end->second) + " hit none)"
             : "the walk stopped at its budget of " + std::to_string(budget.walk_limit)) +
        ", " + std::to_string(budget.seeds) + " pct schedules (depth " +
        std::to_string(budget.pct_depth) + ", horizon " + std::to_string(budget.pct_horizon) + ")");
    if (!schedule_runs.empty() && report::VerdictUnderPlan(worst, any_fired) != worst) {
      worst = report::VerdictUnderPlan(worst, any_fired);
      result.messages.push_back(
          "no interposer delay fired in any schedule: the target made no interposed call the "
          "plans could delay, so the schedules proved nothing");
    }
    result.verdict = worst;
  }
  return total;
}

}  // namespace miconform::runner

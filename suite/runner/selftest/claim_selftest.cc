// claim_selftest.cc - self-tests of the conformance-claim rule (claim.h): what a complete run under
// the default options is, and the gap each departure from it makes.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "catalog.h"
#include "claim.h"
#include "run_options.h"

namespace miconform::runner {
namespace {

// A run of this suite version that judged every must-pass case under the default options.
struct CompleteRun {
  report::RunInfo run;
  std::vector<report::CaseResult> cases;
  CompleteRun() {
    run.suite_version = MICONFORM_VERSION;
    run.started = "2026-12-02T10:00:00.000Z";
    run.ended = "2026-12-02T10:01:00.000Z";
    run.options = JudgingOptions(RunOptions{}, /*explore_available=*/true);
    run.options["jobs"] = "4";
    run.options["target"] = "reference";
    for (const std::string& id : MustPassCases()) {
      report::CaseResult result;
      result.id = id;
      cases.push_back(result);
    }
  }
  std::vector<std::string> Gaps() const { return ClaimGaps(run, cases); }
};

std::string Joined(const std::vector<std::string>& gaps) {
  std::string out;
  for (const std::string& gap : gaps) out += gap + "\n";
  return out;
}

TEST(ClaimSelftest, ACompleteDefaultRunHasNoGap) {
  ASSERT_GT(MustPassCases().size(), 10u);
  EXPECT_EQ(CompleteRun().Gaps(), std::vector<std::string>{});
  CompleteRun more_jobs;
  more_jobs.run.options["jobs"] = "1";  // changes no verdict
  EXPECT_EQ(more_jobs.Gaps(), std::vector<std::string>{});
}

TEST(ClaimSelftest, AMissingMustPassCaseIsAGapNamingIt) {
  CompleteRun run;
  const std::string missing = run.cases.back().id;
  run.cases.pop_back();
  const std::vector<std::string> gaps = run.Gaps();
  ASSERT_EQ(gaps.size(), 1u) << Joined(gaps);
  EXPECT_NE(gaps[0].find("1 of the " + std::to_string(MustPassCases().size()) +
                         " must-pass cases were not run: " + missing),
            std::string::npos)
      << gaps[0];
}

TEST(ClaimSelftest, EveryJudgingOptionOffItsDefaultIsAGap) {
  RunOptions changed;
  changed.filters = {"session_close.*"};
  changed.observe_ms = 100;
  changed.eventually_ms = 100;
  changed.settle_ms = 1;
  changed.hang_window_ms = 1;
  changed.prove = false;
  changed.walk_limit = 3;
  for (const auto& [name, value] : JudgingOptions(changed, true)) {
    if (value == JudgingOptions(RunOptions{}, true).at(name)) continue;
    CompleteRun run;
    run.run.options[name] = value;
    const std::vector<std::string> gaps = run.Gaps();
    ASSERT_EQ(gaps.size(), 1u) << name << ": " << Joined(gaps);
    EXPECT_NE(gaps[0].find("--" + name + " was " + value), std::string::npos) << gaps[0];
  }
  CompleteRun no_explore;
  no_explore.run.options = JudgingOptions(RunOptions{}, /*explore_available=*/false);
  EXPECT_EQ(no_explore.Gaps().size(), 1u) << "no interposer: no exploration, no claim";
}

TEST(ClaimSelftest, LongerTimeLimitsKeepTheClaimShorterOnesDoNot) {
  CompleteRun longer;
  longer.run.options["timeout"] = "60.000000";
  longer.run.options["budget"] = "600.000000";
  EXPECT_EQ(longer.Gaps(), std::vector<std::string>{});
  CompleteRun shorter;
  shorter.run.options["timeout"] = "4.000000";
  EXPECT_EQ(shorter.Gaps().size(), 1u);
  CompleteRun garbage;
  garbage.run.options["budget"] = "lots";
  EXPECT_EQ(garbage.Gaps().size(), 1u);
}

TEST(ClaimSelftest, AShardAFaultPlanAnUnendedRunAndAnotherVersionAreGaps) {
  CompleteRun shard;
  shard.run.options["shard"] = "0/2";
  ASSERT_EQ(shard.Gaps().size(), 1u);
  EXPECT_NE(shard.Gaps()[0].find("miconform merge"), std::string::npos);
  CompleteRun inject;
  inject.run.options["inject"] = "mode=random";
  EXPECT_EQ(inject.Gaps().size(), 1u);
  CompleteRun unended;
  unended.run.ended.clear();
  ASSERT_EQ(unended.Gaps().size(), 1u);
  EXPECT_NE(unended.Gaps()[0].find("never ended"), std::string::npos);
  CompleteRun other;
  other.run.suite_version = "0.0.1";
  ASSERT_EQ(other.Gaps().size(), 1u);
  EXPECT_NE(other.Gaps()[0].find("suite version 0.0.1"), std::string::npos);
}

}  // namespace
}  // namespace miconform::runner

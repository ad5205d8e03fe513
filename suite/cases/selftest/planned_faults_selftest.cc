// planned_faults_selftest.cc - self-tests of the planned-fault rule of the case machinery: which
// handler points a script plans, how the handler's records count fired handler points, and the
// verdict rule (a PASS with a planned point that never fired is NOT-EXERCISED; nothing else moves).
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "case_fixture.h"
#include "miconform/injection_points.h"

namespace miconform::cases {
namespace {

using report::Verdict;

MiconformScript NoDelays() {
  MiconformScript script{};
  script.results = 1;
  return script;
}

TEST(PlannedFaults, EachFaultDelayFieldPlansItsHandlerPointPacingDoesNot) {
  EXPECT_TRUE(HandlerPointsPlannedBy(NoDelays()).empty());
  MiconformScript script = NoDelays();
  script.result_delay_ms = 1;  // pacing only: reported when it fires, never planned
  EXPECT_TRUE(HandlerPointsPlannedBy(script).empty());
  script = NoDelays();
  script.cancel_delay_ms = 1;
  EXPECT_EQ(HandlerPointsPlannedBy(script), std::vector<std::string>{"handler.before_cancel"});
  script = NoDelays();
  script.operation_close_delay_ms = 1;
  EXPECT_EQ(HandlerPointsPlannedBy(script), std::vector<std::string>{"handler.in_operation_close"});
  script = NoDelays();
  script.session_close_delay_ms = 1;
  EXPECT_EQ(HandlerPointsPlannedBy(script), std::vector<std::string>{"handler.in_session_close"});
  script.result_delay_ms = 2;
  script.cancel_delay_ms = 3;
  script.operation_close_delay_ms = 4;
  EXPECT_EQ(HandlerPointsPlannedBy(script).size(), 3u);
}

// Every name the rule uses for the handler layer is a registry point of that layer, and every
// registry handler point is counted.
TEST(PlannedFaults, HandlerCountsCoverExactlyTheRegistrysHandlerLayer) {
  std::set<std::string> registry;
  for (const injection::InjectionPoint& point : injection::AllInjectionPoints()) {
    if (point.layer == injection::Layer::kHandler) registry.emplace(point.name);
  }
  std::set<std::string> counted;
  for (const auto& [point, count] : HandlerPointFires({}, {})) {
    counted.insert(point);
    EXPECT_EQ(count, 0u) << point;
  }
  EXPECT_EQ(counted, registry);
  MiconformScript every = NoDelays();
  every.result_delay_ms = every.cancel_delay_ms = 1;
  every.operation_close_delay_ms = every.session_close_delay_ms = 1;
  const auto planned = HandlerPointsPlannedBy(every);
  std::set<std::string> plannable = registry;
  plannable.erase("handler.before_result");  // pacing, never planned
  EXPECT_EQ(std::set<std::string>(planned.begin(), planned.end()), plannable);
}

TEST(PlannedFaults, HandlerRecordsAreSummedPerPoint) {
  MiconformOperationRecord first{};
  first.result_delays_waited = 3;
  first.close_delays_waited = 1;
  MiconformOperationRecord second{};
  second.result_delays_waited = 2;
  second.cancel_delays_waited = 1;
  MiconformSessionRecord closed{};
  closed.close_delays_waited = 1;
  const auto fires = HandlerPointFires({first, second}, {closed, MiconformSessionRecord{}});
  EXPECT_EQ(fires.at("handler.before_result"), 5u);
  EXPECT_EQ(fires.at("handler.before_cancel"), 1u);
  EXPECT_EQ(fires.at("handler.in_operation_close"), 1u);
  EXPECT_EQ(fires.at("handler.in_session_close"), 1u);
}

TEST(PlannedFaults, UnfiredPointsArePlannedPointsThatNeverFiredSortedOnce) {
  EXPECT_TRUE(
      UnfiredPlannedPoints({"callback.after_ack", "handler.before_result"},
                           {"callback.after_ack", "handler.before_result", "interposer.read"})
          .empty());
  EXPECT_TRUE(UnfiredPlannedPoints({}, {}).empty());
  EXPECT_EQ(UnfiredPlannedPoints({"handler.in_session_close", "callback.in_completion",
                                  "handler.in_session_close", "handler.before_result"},
                                 {"handler.before_result"}),
            (std::vector<std::string>{"callback.in_completion", "handler.in_session_close"}));
}

// The verdict rule itself (a PASS with an unfired point is NOT-EXERCISED, nothing else is
// changed) is report.h's CaseVerdictOfFacts, proved by the reports' self-tests.

TEST(PlannedFaults, PlannedPointsAreRememberedOnceAndSorted) {
  NotePlannedPoint("handler.in_operation_close");
  NotePlannedPoint("callback.after_ack");
  NotePlannedPoint("handler.in_operation_close");
  const auto planned = PlannedPoints();
  EXPECT_TRUE(std::is_sorted(planned.begin(), planned.end()));
  EXPECT_EQ(std::count(planned.begin(), planned.end(), "handler.in_operation_close"), 1);
  EXPECT_EQ(std::count(planned.begin(), planned.end(), "callback.after_ack"), 1);
}

}  // namespace
}  // namespace miconform::cases

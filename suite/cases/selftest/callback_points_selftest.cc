// callback_points_selftest.cc - self-tests of the callback-layer delays (callback_points.h: names,
// firing, the `fired` channel line, the acknowledgement wrapper) and of the completeness of the
// reentrancy matrix and the concurrency cases in the case registry.
#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include "callback_points.h"
#include "case_fixture.h"
#include "case_registry.h"
#include "miconform/injection_points.h"
#include "phase_channel.h"
#include "planned_faults.h"

namespace miconform::cases {
namespace {

bool ChannelHasLine(const std::string& line) {
  const auto lines = watchdog::PhaseChannel::Get().Lines();
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

TEST(CallbackPoints, KnowsExactlyTheSixNames) {
  const std::string expected[] = {"callback.before_ack",        "callback.after_ack",
                                  "callback.in_completion",     "callback.in_write_message",
                                  "callback.in_write_progress", "callback.after_final_close"};
  EXPECT_EQ(std::size(kCallbackPoints), std::size(expected));
  for (const std::string& name : expected) EXPECT_TRUE(IsCallbackPoint(name));
  EXPECT_FALSE(IsCallbackPoint("callback.in_write_error"));
  EXPECT_FALSE(IsCallbackPoint(""));
}

// The list is the registry's callback layer, in table order.
TEST(CallbackPoints, AreExactlyTheRegistrysCallbackLayer) {
  std::vector<std::string> registry;
  for (const injection::InjectionPoint& point : injection::AllInjectionPoints()) {
    if (point.layer == injection::Layer::kCallback) registry.emplace_back(point.name);
  }
  const std::vector<std::string> fixture(std::begin(kCallbackPoints), std::end(kCallbackPoints));
  EXPECT_EQ(fixture, registry);
  EXPECT_FALSE(registry.empty());
}

// A case naming a point that does not exist is a harness error (verdict ERROR), not a failed
// check of the target.
TEST(CallbackPoints, UnknownNameIsAHarnessError) {
  const int fires = CallbackPointFires("callback.nowhere");
  {
    testing::TestPartResultArray failures;
    testing::ScopedFakeTestPartResultReporter reporter(
        testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &failures);
    DelayCallbackPoint("callback.nowhere", std::chrono::milliseconds(1));
    EXPECT_EQ(failures.size(), 0);
  }
  EXPECT_TRUE(ChannelHasLine(
      "harness-error \"callback.nowhere\" is no callback-layer injection point; the case "
      "cannot delay it"));
  const auto planned = PlannedPoints();
  EXPECT_EQ(std::count(planned.begin(), planned.end(), "callback.nowhere"), 0);
  AtCallbackPoint("callback.nowhere");
  EXPECT_EQ(CallbackPointFires("callback.nowhere"), fires);
}

TEST(CallbackPoints, APositiveDelayPlansThePoint) {
  // No self-test gives callback.in_write_progress a delay: a zero delay plans nothing.
  DelayCallbackPoint("callback.in_write_progress", std::chrono::milliseconds(0));
  auto planned = PlannedPoints();
  EXPECT_EQ(std::count(planned.begin(), planned.end(), "callback.in_write_progress"), 0);
  EXPECT_EQ(FiredCallbackPoints().count("callback.in_write_progress"), 0u);
  DelayCallbackPoint("callback.in_write_message", std::chrono::milliseconds(1));
  planned = PlannedPoints();
  EXPECT_EQ(std::count(planned.begin(), planned.end(), "callback.in_write_message"), 1);
  AtCallbackPoint("callback.in_write_message");
  EXPECT_EQ(FiredCallbackPoints().count("callback.in_write_message"), 1u);
  DelayCallbackPoint("callback.in_write_message", std::chrono::milliseconds(0));
}

TEST(CallbackPoints, PointWithoutDelayNeitherFiresNorWrites) {
  const int before = CallbackPointFires("callback.in_write_progress");
  AtCallbackPoint("callback.in_write_progress");
  EXPECT_EQ(CallbackPointFires("callback.in_write_progress"), before);
  EXPECT_FALSE(ChannelHasLine("fired callback.in_write_progress"));
}

TEST(CallbackPoints, DelayedPointFiresEachTimeAndSaysSo) {
  DelayCallbackPoint("callback.in_completion", std::chrono::milliseconds(1));
  const int before = CallbackPointFires("callback.in_completion");
  AtCallbackPoint("callback.in_completion");
  AtCallbackPoint("callback.in_completion");
  EXPECT_EQ(CallbackPointFires("callback.in_completion"), before + 2);
  EXPECT_TRUE(ChannelHasLine("fired callback.in_completion"));
  DelayCallbackPoint("callback.in_completion", std::chrono::milliseconds(0));
  AtCallbackPoint("callback.in_completion");
  EXPECT_EQ(CallbackPointFires("callback.in_completion"), before + 2);
}

// The acknowledgement runs after callback.before_ack fired and before callback.after_ack did.
int g_before_at_ack = -1;
int g_after_at_ack = -1;
MI_Result RecordingAck(MI_Operation*) {
  g_before_at_ack = CallbackPointFires("callback.before_ack");
  g_after_at_ack = CallbackPointFires("callback.after_ack");
  return MI_RESULT_NOT_FOUND;
}

TEST(CallbackPoints, AcknowledgementSitsBetweenItsPoints) {
  DelayCallbackPoint("callback.before_ack", std::chrono::milliseconds(1));
  DelayCallbackPoint("callback.after_ack", std::chrono::milliseconds(1));
  const int before = CallbackPointFires("callback.before_ack");
  const int after = CallbackPointFires("callback.after_ack");
  MI_Operation operation{};
  EXPECT_EQ(AcknowledgeResult(&RecordingAck, &operation), MI_RESULT_NOT_FOUND);
  EXPECT_EQ(g_before_at_ack, before + 1);
  EXPECT_EQ(g_after_at_ack, after);
  EXPECT_EQ(CallbackPointFires("callback.after_ack"), after + 1);
  // A NULL acknowledgement function is not called and fires nothing.
  EXPECT_EQ(AcknowledgeResult(nullptr, &operation), MI_RESULT_OK);
  EXPECT_EQ(CallbackPointFires("callback.before_ack"), before + 1);
}

// Every combination of the reentrancy matrix is a declared case.
TEST(ReentrancyMatrixRegistry, EveryCombinationIsDeclared) {
  const char* threads[] = {"handler_thread", "caller_thread"};
  const char* callbacks[] = {"instance_nonfinal", "instance_final", "write_message",
                             "write_progress"};
  int found = 0;
  for (const char* thread : threads) {
    for (const char* callback : callbacks) {
      for (const char* completion : {"with_completion", "without_completion"}) {
        EXPECT_NE(FindCase(std::string("reentrancy.session_close.") + callback + "." + completion +
                           "." + thread),
                  nullptr);
        ++found;
      }
      for (const char* call : {"operation_cancel", "operation_close"}) {
        EXPECT_NE(FindCase(std::string("reentrancy.") + call + "." + callback + "." + thread),
                  nullptr);
        ++found;
      }
    }
    for (const char* completion : {"with_completion", "without_completion"}) {
      EXPECT_NE(FindCase(std::string("reentrancy.session_close.other_session_completion.") +
                         completion + "." + thread),
                nullptr);
      ++found;
    }
    EXPECT_NE(FindCase(std::string("reentrancy.application_close.instance_nonfinal.") + thread),
              nullptr);
    ++found;
  }
  EXPECT_EQ(found, 38);
  const auto& cases = AllCases();
  const auto matrix = std::count_if(cases.begin(), cases.end(), [](const CaseInfo& info) {
    return info.id.rfind("reentrancy.", 0) == 0;
  });
  EXPECT_EQ(matrix, 38 + 5) << "38 combinations plus 5 slow-callback variants";
}

TEST(ConcurrencyRegistry, AreDeclared) {
  for (const char* id : {"concurrency.session_close.twice_at_once.sync_sync",
                         "concurrency.session_close.races_new_operation.sync",
                         "concurrency.session_close.during_sync_pull.sync",
                         "concurrency.session_close.many_sessions",
                         "concurrency.session_close.slow_completion_other_session",
                         "concurrency.session_close.during_slow_ack"}) {
    EXPECT_NE(FindCase(id), nullptr) << id;
  }
}

}  // namespace
}  // namespace miconform::cases

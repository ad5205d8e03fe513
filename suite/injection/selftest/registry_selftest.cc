// registry_selftest.cc - self-tests of the point registry and the seeded generator.
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "miconform/injection_plan.h"
#include "miconform/injection_points.h"
#include "miconform/interposer_reader.h"
#include "miconform/seeded_generator.h"

namespace miconform::injection {
namespace {

TEST(InjectionRegistry, NamesAreUniqueAndCarryTheirLayer) {
  std::set<std::string_view> names;
  for (const InjectionPoint& point : AllInjectionPoints()) {
    EXPECT_TRUE(names.insert(point.name).second) << "duplicate point " << point.name;
    const std::string prefix = std::string(LayerName(point.layer)) + ".";
    EXPECT_EQ(point.name.substr(0, prefix.size()), prefix) << point.name;
    EXPECT_FALSE(point.description.empty()) << point.name;
    EXPECT_EQ(point.description.find('\n'), std::string_view::npos) << point.name;
    EXPECT_EQ(FindInjectionPoint(point.name), &point);
    // Every point can be named in a plan.
    EXPECT_TRUE(InjectionPlan::Parse("mode=off;points=" + std::string(point.name)).points.size() ==
                1);
  }
}

TEST(InjectionRegistry, HasEveryInterposerPoint) {
  for (const char* name :
       {"interposer.mutex_lock", "interposer.mutex_unlock", "interposer.cond_wait",
        "interposer.cond_signal", "interposer.thread_create", "interposer.poll", "interposer.read",
        "interposer.write", "interposer.sched_yield"}) {
    const InjectionPoint* point = FindInjectionPoint(name);
    ASSERT_NE(point, nullptr) << name;
    EXPECT_EQ(point->layer, Layer::kInterposer);
  }
  EXPECT_EQ(FindInjectionPoint("interposer.mutex"), nullptr);
  EXPECT_EQ(ParseLayer("handler"), Layer::kHandler);
  EXPECT_EQ(ParseLayer("kernel"), std::nullopt);
}

// The layers other than the interposer: their code fires these names (case_fixture.cc and the
// scripted handler), and the report's `fired` lines carry them.
TEST(InjectionRegistry, HasTheCallbackAndHandlerPoints) {
  const std::vector<std::string_view> callback = {
      "callback.before_ack",       "callback.after_ack",         "callback.in_completion",
      "callback.in_write_message", "callback.in_write_progress", "callback.after_final_close"};
  const std::vector<std::string_view> handler = {"handler.before_result", "handler.before_cancel",
                                                 "handler.in_operation_close",
                                                 "handler.in_session_close"};
  std::vector<std::string_view> listed_callback, listed_handler;
  int interposer = 0;
  for (const InjectionPoint& point : AllInjectionPoints()) {
    switch (point.layer) {
      case Layer::kCallback: listed_callback.push_back(point.name); break;
      case Layer::kHandler: listed_handler.push_back(point.name); break;
      case Layer::kInterposer: ++interposer; break;
    }
  }
  EXPECT_EQ(listed_callback, callback);
  EXPECT_EQ(listed_handler, handler);
  EXPECT_EQ(interposer, 9);
  EXPECT_EQ(AllInjectionPoints().size(), 19u);
  EXPECT_EQ(FindInjectionPoint("handler.before_result")->layer, Layer::kHandler);
  EXPECT_EQ(FindInjectionPoint("callback.in_completion")->layer, Layer::kCallback);
  EXPECT_EQ(FindInjectionPoint("handler.result"), nullptr);
}

// A plan may mix layers; each layer reads only its own names from it.
TEST(InjectionRegistry, PlansAcceptPointsOfEveryLayer) {
  const InjectionPlan plan = InjectionPlan::Parse(
      "mode=countdown;k=1;delay_us=0;points=callback.after_ack,handler.in_operation_close,"
      "interposer.read");
  EXPECT_EQ(plan.points,
            (std::vector<std::string>{"callback.after_ack", "handler.in_operation_close",
                                      "interposer.read"}));
  EXPECT_TRUE(plan.Enables("handler.in_operation_close"));
  EXPECT_FALSE(plan.Enables("handler.before_result"));
  EXPECT_EQ(InjectionPlan::Parse(plan.ToString()), plan);
  EXPECT_THROW(InjectionPlan::Parse("mode=off;points=handler.nowhere"), PlanError);
}

TEST(SeededGenerator, MatchesSplitmix64Reference) {
  SeededGenerator zero(0);
  EXPECT_EQ(zero.Next(), UINT64_C(0xe220a8397b1dcdaf));  // published splitmix64 first output
}

TEST(SeededGenerator, SeedFortyTwoGivesFixedSequence) {
  SeededGenerator generator(42);
  EXPECT_EQ(generator.Next(), UINT64_C(0xbdd732262feb6e95));
  EXPECT_EQ(generator.Next(), UINT64_C(0x28efe333b266f103));
  EXPECT_EQ(generator.Next(), UINT64_C(0x47526757130f9f52));
  EXPECT_EQ(generator.Next(), UINT64_C(0x581ce1ff0e4ae394));
  EXPECT_EQ(SeededGenerator::ForThread(42, 0).state(), UINT64_C(0x4579b960bb007f46));
  EXPECT_EQ(SeededGenerator::ForThread(42, 1).state(), UINT64_C(0xa9cb101be2f6824f));
}

TEST(SeededGenerator, UpToStaysInRange) {
  SeededGenerator generator(3);
  for (int i = 0; i < 1000; ++i) EXPECT_LE(generator.UpTo(7), 7u);
}

TEST(NotPreloaded, ReaderReportsAbsentInterposer) {
  EXPECT_FALSE(ReadInterposerSnapshot().has_value());
  EXPECT_FALSE(ReadInterposerStats().has_value());
}

}  // namespace
}  // namespace miconform::injection

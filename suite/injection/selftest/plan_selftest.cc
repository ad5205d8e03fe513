// plan_selftest.cc - self-tests of InjectionPlan: canonical strings, round trips, and the error
// messages of bad plans; and of the pct schedule arithmetic of injection_prng.h.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "miconform/injection_plan.h"
#include "miconform/injection_prng.h"

namespace miconform::injection {
namespace {

std::string ErrorOf(const std::string& text) {
  try {
    InjectionPlan::Parse(text);
  } catch (const PlanError& error) {
    return error.what();
  }
  return "(parsed without error)";
}

TEST(InjectionPlanText, EmptyTextIsOff) {
  const InjectionPlan plan = InjectionPlan::Parse("");
  EXPECT_EQ(plan.mode, InjectionPlan::Mode::kOff);
  EXPECT_EQ(plan.ToString(), "mode=off");
  EXPECT_FALSE(plan.Enables("interposer.read"));
}

TEST(InjectionPlanText, ParsesRandomPlan) {
  const InjectionPlan plan = InjectionPlan::Parse(
      "seed=42;mode=random;p=0.05;max_us=2000;points=interposer.mutex_lock,interposer.cond_wait");
  EXPECT_EQ(plan.mode, InjectionPlan::Mode::kRandom);
  EXPECT_EQ(plan.seed, 42u);
  EXPECT_DOUBLE_EQ(plan.probability, 0.05);
  EXPECT_EQ(plan.max_delay_us, 2000u);
  EXPECT_EQ(plan.points,
            (std::vector<std::string>{"interposer.mutex_lock", "interposer.cond_wait"}));
  EXPECT_TRUE(plan.Enables("interposer.cond_wait"));
  EXPECT_FALSE(plan.Enables("interposer.read"));
}

TEST(InjectionPlanText, ParsesCountdownPlanWithFilterAndYield) {
  const InjectionPlan plan =
      InjectionPlan::Parse("mode=countdown;k=17;delay_us=3000;delay=yield;only=libmi.so");
  EXPECT_EQ(plan.mode, InjectionPlan::Mode::kCountdown);
  EXPECT_EQ(plan.countdown_k, 17u);
  EXPECT_EQ(plan.delay_us, 3000u);
  EXPECT_EQ(plan.delay, InjectionPlan::Delay::kYield);
  EXPECT_EQ(plan.only, "libmi.so");
  EXPECT_TRUE(plan.points.empty());
  EXPECT_TRUE(plan.Enables("interposer.write"));
}

TEST(InjectionPlanText, ParsesPctPlan) {
  const InjectionPlan plan = InjectionPlan::Parse(
      "mode=pct;seed=5;depth=3;horizon=200;delay_us=500;delay=yield;points=interposer.mutex_lock;"
      "only=libmi.so");
  EXPECT_EQ(plan.mode, InjectionPlan::Mode::kPct);
  EXPECT_EQ(plan.seed, 5u);
  EXPECT_EQ(plan.pct_depth, 3u);
  EXPECT_EQ(plan.pct_horizon, 200u);
  EXPECT_EQ(plan.delay_us, 500u);
  EXPECT_EQ(plan.delay, InjectionPlan::Delay::kYield);
  EXPECT_EQ(plan.only, "libmi.so");
  EXPECT_TRUE(plan.Enables("interposer.mutex_lock"));
  EXPECT_FALSE(plan.Enables("interposer.read"));
  EXPECT_EQ(ModeName(plan.mode), "pct");
  EXPECT_EQ(plan.ToString(),
            "seed=5;mode=pct;depth=3;horizon=200;delay_us=500;delay=yield;"
            "points=interposer.mutex_lock;only=libmi.so");
}

TEST(InjectionPlanText, CanonicalStringsRoundTrip) {
  for (const char* text : {
           "mode=off",
           "seed=42;mode=random;p=0.05;max_us=2000;points=interposer.mutex_lock,interposer.cond_"
           "wait",
           "seed=0;mode=random;p=1;max_us=0",
           "seed=18446744073709551615;mode=random;p=0.000001;max_us=10000000;delay=yield",
           "mode=countdown;k=17;delay_us=3000;points=interposer.read",
           "seed=7;mode=countdown;k=1;delay_us=0;only=libmiconform",
           "mode=off;points=interposer.poll;only=x",
           "seed=0;mode=pct;depth=1;horizon=1;delay_us=0",
           "seed=3;mode=pct;depth=3;horizon=200;delay_us=500;only=libmiconform_reference.so",
           "seed=18446744073709551615;mode=pct;depth=64;horizon=1000000000;delay_us=10000000;"
           "delay=yield;points=interposer.cond_wait,interposer.mutex_lock",
       }) {
    const InjectionPlan plan = InjectionPlan::Parse(text);
    EXPECT_EQ(plan.ToString(), text);
    EXPECT_EQ(InjectionPlan::Parse(plan.ToString()), plan) << text;
  }
}

TEST(InjectionPlanText, BuiltPlansRoundTrip) {
  InjectionPlan plan;
  plan.mode = InjectionPlan::Mode::kRandom;
  plan.seed = 99;
  plan.probability = 0.125;
  plan.max_delay_us = 5;
  plan.points = {"interposer.sched_yield", "interposer.thread_create"};
  EXPECT_EQ(plan.ToString(),
            "seed=99;mode=random;p=0.125;max_us=5;points=interposer.sched_yield,"
            "interposer.thread_create");
  EXPECT_EQ(InjectionPlan::Parse(plan.ToString()), plan);
  plan.probability = 0.1 + 0.2;  // 17 significant digits: still reads back to the same double
  EXPECT_EQ(InjectionPlan::Parse(plan.ToString()), plan);

  InjectionPlan pct;
  pct.mode = InjectionPlan::Mode::kPct;
  pct.pct_depth = 2;
  pct.pct_horizon = 50;
  pct.delay_us = 100;
  EXPECT_EQ(pct.ToString(), "seed=0;mode=pct;depth=2;horizon=50;delay_us=100");
  EXPECT_EQ(InjectionPlan::Parse(pct.ToString()), pct);
}

TEST(InjectionPlanErrors, PctKeys) {
  EXPECT_NE(ErrorOf("mode=pct;horizon=200;delay_us=5").find("mode=pct needs key 'depth'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("mode=pct;depth=3;delay_us=5").find("mode=pct needs key 'horizon'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("mode=pct;depth=3;horizon=200").find("mode=pct needs key 'delay_us'"),
            std::string::npos);
  EXPECT_NE(
      ErrorOf("mode=pct;depth=0;horizon=200;delay_us=5").find("bad number '0' for key 'depth'"),
      std::string::npos);
  EXPECT_NE(ErrorOf("mode=pct;depth=65;horizon=200;delay_us=5")
                .find("bad number '65' for key "
                      "'depth'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("mode=pct;depth=3;horizon=0;delay_us=5")
                .find("bad number '0' for key "
                      "'horizon'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("mode=pct;depth=3;horizon=1000000001;delay_us=5").find("for key 'horizon'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("mode=pct;depth=3;horizon=2x;delay_us=5").find("bad number '2x'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("mode=pct;depth=3;horizon=200;delay_us=10000001")
                .find("bad number "
                      "'10000001'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("mode=pct;depth=5;horizon=3;delay_us=5").find("needs horizon >= 4"),
            std::string::npos);
  EXPECT_NE(ErrorOf("mode=pct;depth=3;horizon=200;delay_us=5;p=0.1")
                .find("key 'p' applies only to mode=random (this plan has mode=pct)"),
            std::string::npos);
  EXPECT_NE(ErrorOf("mode=pct;depth=3;horizon=200;delay_us=5;k=2")
                .find("key 'k' applies only to mode=countdown"),
            std::string::npos);
  EXPECT_NE(
      ErrorOf("mode=countdown;k=1;delay_us=5;depth=3").find("key 'depth' applies only to mode=pct"),
      std::string::npos);
  EXPECT_NE(ErrorOf("mode=random;p=0.1;max_us=1;horizon=3")
                .find("key 'horizon' applies only to mode=pct"),
            std::string::npos);
  EXPECT_NE(ErrorOf("mode=random;p=0.1;max_us=1;delay_us=3")
                .find("key 'delay_us' applies only to mode=countdown or mode=pct"),
            std::string::npos);
  EXPECT_NE(
      ErrorOf("mode=pct;depth=3;depth=3;horizon=200;delay_us=5").find("key 'depth' given twice"),
      std::string::npos);
  EXPECT_NE(ErrorOf("mode=Pct").find("expected off, random, countdown or pct"), std::string::npos);
}

// The arithmetic both the interposer and anyone predicting a pct schedule rely on.
TEST(PctSchedule, ChangePointsAreDistinctSortedAndInTheHorizon) {
  for (std::uint64_t seed : {0ull, 1ull, 42ull, 18446744073709551615ull}) {
    for (std::uint32_t depth : {1u, 2u, 3u, 10u, 64u}) {
      for (std::uint32_t horizon : {63u, 64u, 200u, 1000000000u}) {
        std::uint64_t points[MICONFORM_PCT_MAX_CHANGE_POINTS];
        const std::uint32_t count = miconform_pct_change_points(seed, depth, horizon, points);
        ASSERT_EQ(count, depth - 1);
        for (std::uint32_t i = 0; i < count; ++i) {
          EXPECT_GE(points[i], 1u);
          EXPECT_LE(points[i], horizon);
          if (i > 0) {
            EXPECT_LT(points[i - 1], points[i]);
          }
        }
        std::uint64_t again[MICONFORM_PCT_MAX_CHANGE_POINTS];
        ASSERT_EQ(miconform_pct_change_points(seed, depth, horizon, again), count);
        EXPECT_TRUE(std::equal(points, points + count, again));
      }
    }
  }
  // A horizon exactly depth-1 takes every hit 1..depth-1.
  std::uint64_t points[MICONFORM_PCT_MAX_CHANGE_POINTS];
  ASSERT_EQ(miconform_pct_change_points(9, 5, 4, points), 4u);
  EXPECT_EQ((std::vector<std::uint64_t>(points, points + 4)),
            (std::vector<std::uint64_t>{1, 2, 3, 4}));
}

TEST(PctSchedule, PrioritiesDependOnSeedAndIndexAndChangePointsRankBelow) {
  std::vector<std::uint64_t> priorities;
  for (std::uint64_t index = 0; index < 16; ++index) {
    const std::uint64_t priority = miconform_pct_initial_priority(7, index);
    EXPECT_EQ(priority, miconform_pct_initial_priority(7, index));
    EXPECT_GE(priority, std::uint64_t{1} << 62);
    priorities.push_back(priority);
  }
  std::sort(priorities.begin(), priorities.end());
  EXPECT_EQ(std::adjacent_find(priorities.begin(), priorities.end()), priorities.end());
  EXPECT_NE(miconform_pct_initial_priority(7, 1), miconform_pct_initial_priority(8, 1));
  EXPECT_LT(miconform_pct_lowered_priority(3, 1), priorities.front());
  EXPECT_LT(miconform_pct_lowered_priority(3, 2), miconform_pct_lowered_priority(3, 1));
  EXPECT_GE(miconform_pct_lowered_priority(64, 63), 1u);
}

TEST(InjectionPlanErrors, NameTheProblem) {
  EXPECT_NE(ErrorOf("mode=random;p=0.1;max_us=1;colour=red").find("unknown key 'colour'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("mode=countdown;k=1x;delay_us=5").find("bad number '1x' for key 'k'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("mode=countdown;k=0;delay_us=5").find("bad number '0' for key 'k'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("seed=-1;mode=off").find("bad number '-1' for key 'seed'"), std::string::npos);
  EXPECT_NE(ErrorOf("seed=18446744073709551616;mode=off").find("bad number"), std::string::npos);
  EXPECT_NE(ErrorOf("mode=random;p=1.5;max_us=1").find("bad probability '1.5'"), std::string::npos);
  EXPECT_NE(ErrorOf("mode=random;p=1e-3;max_us=1").find("bad probability"), std::string::npos);
  EXPECT_NE(ErrorOf("mode=random;p=0.1;max_us=10000001").find("bad number '10000001'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("mode=sometimes").find("bad mode 'sometimes'"), std::string::npos);
  EXPECT_NE(ErrorOf("mode=random;max_us=1").find("mode=random needs key 'p'"), std::string::npos);
  EXPECT_NE(ErrorOf("mode=countdown;k=3").find("needs key 'delay_us'"), std::string::npos);
  EXPECT_NE(
      ErrorOf("mode=random;p=0.1;max_us=1;k=3").find("key 'k' applies only to mode=countdown"),
      std::string::npos);
  EXPECT_NE(ErrorOf("mode=off;delay=yield").find("key 'delay' applies only"), std::string::npos);
  EXPECT_NE(ErrorOf("seed=1").find("names no mode"), std::string::npos);
  EXPECT_NE(ErrorOf("mode=off;mode=off").find("key 'mode' given twice"), std::string::npos);
  EXPECT_NE(ErrorOf("mode=off;points=interposer.nothing")
                .find("unknown injection point 'interposer.nothing'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("mode=off;points=interposer.read,interposer.read").find("listed twice"),
            std::string::npos);
  EXPECT_NE(ErrorOf("mode=off;points=").find("needs at least one point"), std::string::npos);
  EXPECT_NE(ErrorOf("mode=off;only=").find("key 'only' needs"), std::string::npos);
  EXPECT_NE(ErrorOf("mode=off;verbose").find("item 'verbose' is not key=value"), std::string::npos);
  EXPECT_NE(ErrorOf(std::string("mode=off\0x", 10)).find("NUL"), std::string::npos);
}

}  // namespace
}  // namespace miconform::injection

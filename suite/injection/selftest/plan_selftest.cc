// plan_selftest.cc - self-tests of InjectionPlan: canonical strings, round trips, and the error
// messages of bad plans.
#include <gtest/gtest.h>

#include <string>

#include "miconform/injection_plan.h"

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
  EXPECT_EQ(plan.points, (std::vector<std::string>{"interposer.mutex_lock", "interposer.cond_wait"}));
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

TEST(InjectionPlanText, CanonicalStringsRoundTrip) {
  for (const char* text : {
           "mode=off",
           "seed=42;mode=random;p=0.05;max_us=2000;points=interposer.mutex_lock,interposer.cond_wait",
           "seed=0;mode=random;p=1;max_us=0",
           "seed=18446744073709551615;mode=random;p=0.000001;max_us=10000000;delay=yield",
           "mode=countdown;k=17;delay_us=3000;points=interposer.read",
           "seed=7;mode=countdown;k=1;delay_us=0;only=libmiconform",
           "mode=off;points=interposer.poll;only=x",
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
  EXPECT_NE(ErrorOf("mode=random;p=0.1;max_us=1;k=3").find("key 'k' applies only to mode=countdown"),
            std::string::npos);
  EXPECT_NE(ErrorOf("mode=off;delay=yield").find("key 'delay' applies only"), std::string::npos);
  EXPECT_NE(ErrorOf("seed=1").find("names no mode"), std::string::npos);
  EXPECT_NE(ErrorOf("mode=off;mode=off").find("key 'mode' given twice"), std::string::npos);
  EXPECT_NE(ErrorOf("mode=off;points=interposer.nothing").find(
                "unknown injection point 'interposer.nothing'"),
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

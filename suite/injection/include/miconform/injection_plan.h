// injection_plan.h - an injection plan as a value and as the string that carries it to a case
// child in MICONFORM_INJECT; used by the runner (to build and pass plans) and by cases and layers
// (to read the plan they run under).
//
// Syntax (one parser, shared with the interposer): ';'-separated key=value items, e.g.
//   seed=42;mode=random;p=0.05;max_us=2000;points=interposer.mutex_lock,interposer.cond_wait
//   mode=countdown;k=17;delay_us=3000;points=interposer.read
//   seed=5;mode=pct;depth=3;horizon=200;delay_us=500
// Keys: mode (off|random|countdown|pct), seed, p and max_us (random), k (countdown), delay_us
// (countdown, pct), depth and horizon (pct), delay (sleep|yield), points (comma list of registry
// names; absent = every point), only (object path substring). The empty string is mode=off. See
// suite/injection/README.md.
//
// ToString() writes the canonical form; Parse(ToString(plan)) == plan for every plan Parse
// produced, and for any plan whose probability has at most 18 fractional decimal digits.
#ifndef MICONFORM_INJECTION_PLAN_H
#define MICONFORM_INJECTION_PLAN_H

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace miconform::injection {

// Name of the environment variable that carries a plan into a case child.
inline constexpr const char* kInjectVariable = "MICONFORM_INJECT";

// A plan string that does not parse; what() names the offending item and what was expected.
class PlanError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct InjectionPlan {
  enum class Mode { kOff, kRandom, kCountdown, kPct };
  enum class Delay { kSleep, kYield };

  Mode mode = Mode::kOff;
  std::uint64_t seed = 0;
  double probability = 0.0;        // random: chance that a hit fires, 0..1
  std::uint32_t max_delay_us = 0;  // random: a firing hit waits 0..max_delay_us
  std::uint64_t countdown_k = 0;   // countdown: the 1-based hit that fires
  std::uint32_t delay_us = 0;      // countdown: its delay; pct: delay of each held-back hit
  std::uint32_t pct_depth = 0;     // pct: bug depth d (d-1 priority change points), 1..64
  std::uint32_t pct_horizon = 0;   // pct: change points lie among hits 1..pct_horizon
  Delay delay = Delay::kSleep;
  std::vector<std::string> points;  // enabled points in the order given; empty = every point
  std::string only;                 // "" = calls from any object

  // Throws PlanError.
  static InjectionPlan Parse(std::string_view text);
  // The plan in MICONFORM_INJECT: nullopt when unset; throws PlanError when it does not parse.
  static std::optional<InjectionPlan> FromEnvironment();

  std::string ToString() const;

  // Whether a hit of this point may fire under this plan (mode not off, point enabled).
  bool Enables(std::string_view point) const;

  bool operator==(const InjectionPlan&) const = default;
};

std::string_view ModeName(InjectionPlan::Mode mode);

}  // namespace miconform::injection

#endif  // MICONFORM_INJECTION_PLAN_H

// injection_plan.cc - InjectionPlan over the shared C parser (plan_parse.c), and its canonical
// string form.
#include "miconform/injection_plan.h"

#include <charconv>
#include <cstdlib>
#include <string>
#include <system_error>

#include "plan_parse.h"

namespace miconform::injection {
namespace {

// Shortest fixed-notation decimal that reads back to the same double; the parser accepts at most
// 18 fractional digits, so longer expansions are rounded to 18 digits.
std::string FormatProbability(double p) {
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, p, std::chars_format::fixed);
  std::string text = error == std::errc() ? std::string(buffer, end) : std::string();
  const auto dot = text.find('.');
  if (text.empty() || (dot != std::string::npos && text.size() - dot - 1 > 18)) {
    auto [end18, error18] =
        std::to_chars(buffer, buffer + sizeof buffer, p, std::chars_format::fixed, 18);
    text = error18 == std::errc() ? std::string(buffer, end18) : std::string("0");
    while (text.size() > 1 && text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  return text;
}

}  // namespace

std::string_view ModeName(InjectionPlan::Mode mode) {
  switch (mode) {
    case InjectionPlan::Mode::kOff: return "off";
    case InjectionPlan::Mode::kRandom: return "random";
    case InjectionPlan::Mode::kCountdown: return "countdown";
    case InjectionPlan::Mode::kPct: return "pct";
  }
  return "off";
}

InjectionPlan InjectionPlan::Parse(std::string_view text) {
  if (text.find('\0') != std::string_view::npos) {
    throw PlanError("injection plan contains a NUL byte");
  }
  const std::string owned(text);
  MiconformPlan parsed;
  char error[512];
  if (miconform_plan_parse(owned.c_str(), &parsed, error, sizeof error) != 0) {
    throw PlanError(std::string("injection plan '") + owned + "': " + error);
  }
  InjectionPlan plan;
  plan.mode = parsed.mode == MICONFORM_MODE_RANDOM      ? Mode::kRandom
              : parsed.mode == MICONFORM_MODE_COUNTDOWN ? Mode::kCountdown
              : parsed.mode == MICONFORM_MODE_PCT       ? Mode::kPct
                                                        : Mode::kOff;
  plan.seed = parsed.seed;
  plan.probability = parsed.probability;
  plan.max_delay_us = parsed.max_us;
  plan.countdown_k = parsed.countdown_k;
  plan.delay_us = parsed.delay_us;
  plan.pct_depth = parsed.pct_depth;
  plan.pct_horizon = parsed.pct_horizon;
  plan.delay = parsed.delay_kind == MICONFORM_DELAY_YIELD ? Delay::kYield : Delay::kSleep;
  for (std::uint32_t i = 0; i < parsed.point_count; ++i) {
    plan.points.emplace_back(miconform_point_name(parsed.points[i]));
  }
  plan.only = parsed.only;
  return plan;
}

std::optional<InjectionPlan> InjectionPlan::FromEnvironment() {
  const char* text = std::getenv(kInjectVariable);
  if (text == nullptr) return std::nullopt;
  return Parse(text);
}

std::string InjectionPlan::ToString() const {
  std::string text;
  auto add = [&text](std::string_view key, std::string_view value) {
    if (!text.empty()) text += ';';
    text.append(key).append("=").append(value);
  };
  // Seeded modes always state their seed, so a report's plan reads complete.
  if (mode == Mode::kRandom || mode == Mode::kPct || seed != 0) add("seed", std::to_string(seed));
  add("mode", ModeName(mode));
  if (mode == Mode::kRandom) {
    add("p", FormatProbability(probability));
    add("max_us", std::to_string(max_delay_us));
  } else if (mode == Mode::kCountdown) {
    add("k", std::to_string(countdown_k));
    add("delay_us", std::to_string(delay_us));
  } else if (mode == Mode::kPct) {
    add("depth", std::to_string(pct_depth));
    add("horizon", std::to_string(pct_horizon));
    add("delay_us", std::to_string(delay_us));
  }
  if (mode != Mode::kOff && delay == Delay::kYield) add("delay", "yield");
  if (!points.empty()) {
    std::string list;
    for (const std::string& point : points) {
      if (!list.empty()) list += ',';
      list += point;
    }
    add("points", list);
  }
  if (!only.empty()) add("only", only);
  return text;
}

bool InjectionPlan::Enables(std::string_view point) const {
  if (mode == Mode::kOff) return false;
  if (points.empty()) return true;
  for (const std::string& enabled : points) {
    if (enabled == point) return true;
  }
  return false;
}

}  // namespace miconform::injection

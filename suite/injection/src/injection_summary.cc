// injection_summary.cc - the interposer summary line of injection_summary.h.
#include "miconform/injection_summary.h"

namespace miconform::injection {

namespace {
constexpr std::string_view kPrefix = "interposer: ";
constexpr std::string_view kReached = "countdown_reached=";
}  // namespace

std::string DescribeSnapshot(const InterposerSnapshot& snapshot) {
  const char* mode = snapshot.mode == 1   ? "random"
                     : snapshot.mode == 2 ? "countdown"
                     : snapshot.mode == 3 ? "pct"
                                          : "off";
  std::string schedule;
  if (snapshot.mode == 3) {
    schedule = " seed=" + std::to_string(snapshot.seed) +
               " depth=" + std::to_string(snapshot.pct_depth) +
               " horizon=" + std::to_string(snapshot.pct_horizon);
  }
  return std::string(kPrefix) + "mode=" + mode + schedule +
         " hits=" + std::to_string(snapshot.total_hits) +
         " fires=" + std::to_string(snapshot.total_fires) + " " + std::string(kReached) +
         (snapshot.countdown_reached ? "1" : "0");
}

std::optional<bool> CountdownReachedIn(std::string_view trace_text) {
  if (trace_text.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  const auto at = trace_text.find(kReached);
  if (at == std::string_view::npos || at + kReached.size() >= trace_text.size())
    return std::nullopt;
  return trace_text[at + kReached.size()] == '1';
}

}  // namespace miconform::injection

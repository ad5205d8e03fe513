// heap_growth.cc - the "no growth over N cycles" rule of heap_probe.h: warm-up, two snapshots,
// and the documented bound.
#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "miconform/heap_probe.h"

namespace miconform::heap {

double GrowthReport::AverageBytesPerCycle() const {
  return bound.cycles == 0
             ? 0.0
             : static_cast<double>(delta.live_bytes) / static_cast<double>(bound.cycles);
}

std::string GrowthReport::Describe() const {
  char average[32];
  std::snprintf(average, sizeof average, "%.1f", AverageBytesPerCycle());
  return "live bytes grew by " + std::to_string(delta.live_bytes) + " over " +
         std::to_string(bound.cycles) + " cycles (" + average + " per cycle; bound " +
         std::to_string(bound.max_average_bytes_per_cycle) + " per cycle and " +
         std::to_string(bound.max_total_growth_bytes) + " in total); live blocks " +
         (delta.live_blocks > 0 ? "+" : "") + std::to_string(delta.live_blocks) + "; allocations " +
         std::to_string(delta.allocations) + (within_bound ? "; within bound" : "; EXCEEDS bound");
}

std::int64_t GrowthLimitBytes(const GrowthBound& bound) {
  // The product in 128 bits, so that huge cycle counts or limits cannot overflow it; the result is
  // at most max_total_growth_bytes, which fits.
  const __int128 per_cycle_limit = static_cast<__int128>(bound.max_average_bytes_per_cycle) *
                                   static_cast<__int128>(bound.cycles);
  return static_cast<std::int64_t>(
      std::min(per_cycle_limit, static_cast<__int128>(bound.max_total_growth_bytes)));
}

std::optional<GrowthReport> MeasureGrowth(const std::function<void()>& cycle,
                                          const GrowthBound& bound,
                                          const SnapshotFunction& snapshot) {
  if (bound.cycles == 0)
    throw std::invalid_argument("heap growth check: cycles must be at least 1");
  if (bound.max_average_bytes_per_cycle < 0 || bound.max_total_growth_bytes < 0)
    throw std::invalid_argument("heap growth check: byte limits must not be negative");
  if (!HeapAccountingActive()) return std::nullopt;

  const auto take = [&snapshot] { return snapshot ? snapshot() : TakeHeapSnapshot(); };
  for (std::uint64_t i = 0; i < bound.warmup_cycles; ++i) cycle();
  const std::optional<HeapSnapshot> before = take();
  if (!before) return std::nullopt;
  for (std::uint64_t i = 0; i < bound.cycles; ++i) cycle();
  const std::optional<HeapSnapshot> after = take();
  if (!after) return std::nullopt;

  GrowthReport report;
  report.bound = bound;
  report.delta = Difference(*before, *after);
  report.within_bound = report.delta.live_bytes <= GrowthLimitBytes(bound);
  return report;
}

}  // namespace miconform::heap

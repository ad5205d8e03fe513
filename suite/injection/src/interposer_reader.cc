// interposer_reader.cc - finds libmiconform_interposer.so's statistics in this process, if it
// was preloaded, and turns them into C++ values.
#include "miconform/interposer_reader.h"

#include <dlfcn.h>

#include <cstring>

#include "miconform/interposer_stats.h"

namespace miconform::injection {

std::optional<InterposerSnapshot> ReadInterposerSnapshot() {
  using ActiveFunction = int (*)();
  using StatsFunction = void (*)(MiconformInjectionStats*);
  auto active = reinterpret_cast<ActiveFunction>(dlsym(RTLD_DEFAULT, "miconform_injection_active"));
  auto stats = reinterpret_cast<StatsFunction>(dlsym(RTLD_DEFAULT, "miconform_injection_stats"));
  if (active == nullptr || stats == nullptr) return std::nullopt;

  MiconformInjectionStats raw;
  std::memset(&raw, 0, sizeof raw);
  stats(&raw);
  InterposerSnapshot snapshot;
  snapshot.active = active() != 0;
  snapshot.mode = raw.mode;
  snapshot.seed = raw.seed;
  snapshot.pct_depth = raw.pct_depth;
  snapshot.pct_horizon = raw.pct_horizon;
  snapshot.countdown_reached = raw.countdown_reached != 0;
  snapshot.total_hits = raw.total_hits;
  snapshot.total_fires = raw.total_fires;
  const std::uint32_t count = raw.point_count < MICONFORM_INTERPOSER_STATS_MAX_POINTS
                                  ? raw.point_count
                                  : MICONFORM_INTERPOSER_STATS_MAX_POINTS;
  for (std::uint32_t i = 0; i < count; ++i) {
    const MiconformInjectionPointStats& point = raw.points[i];
    snapshot.points.push_back(
        {std::string(point.name, strnlen(point.name, sizeof point.name)), point.hits, point.fires});
  }
  return snapshot;
}

std::optional<std::vector<FiredPoint>> ReadInterposerStats() {
  std::optional<InterposerSnapshot> snapshot = ReadInterposerSnapshot();
  if (!snapshot) return std::nullopt;
  std::vector<FiredPoint> fired;
  for (const PointCounters& point : snapshot->points) {
    if (point.fires > 0) fired.push_back(point);
  }
  return fired;
}

}  // namespace miconform::injection

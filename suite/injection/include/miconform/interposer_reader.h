// interposer_reader.h - the case-side view of libmiconform_interposer.so: finds its statistics
// with dlsym(RTLD_DEFAULT, ...) when the runner preloaded it, so cases can report every fired
// point through the phase channel ("fired <point>") and the countdown walk can tell whether hit K
// happened.
//
// Threading: both functions are thread-safe; they read lock-free counters (see interposer_stats.h
// for what a snapshot means).
#ifndef MICONFORM_INTERPOSER_READER_H
#define MICONFORM_INTERPOSER_READER_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace miconform::injection {

struct PointCounters {
  std::string point;  // registry name, e.g. "interposer.cond_wait"
  std::uint64_t hits = 0;
  std::uint64_t fires = 0;
  bool operator==(const PointCounters&) const = default;
};

// A point that fired at least once.
using FiredPoint = PointCounters;

struct InterposerSnapshot {
  bool active = false;  // a valid random/countdown/pct plan is being applied
  int mode = 0;         // 0 off, 1 random, 2 countdown, 3 pct
  std::uint64_t seed = 0;
  std::uint32_t pct_depth = 0;    // mode pct only
  std::uint32_t pct_horizon = 0;  // mode pct only
  bool countdown_reached = false;
  std::uint64_t total_hits = 0;
  std::uint64_t total_fires = 0;
  std::vector<PointCounters> points;  // every interposer point, table order
};

// nullopt when the interposer is not preloaded into this process.
std::optional<InterposerSnapshot> ReadInterposerSnapshot();

// The points that fired, in table order; nullopt when the interposer is not preloaded.
std::optional<std::vector<FiredPoint>> ReadInterposerStats();

}  // namespace miconform::injection

#endif  // MICONFORM_INTERPOSER_READER_H

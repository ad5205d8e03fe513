// clock.h - the handler's time source: CLOCK_MONOTONIC nanoseconds for records and a steady
// clock for deadlines; used by every file of the handler that records or waits.
#ifndef MICONFORM_HANDLER_CLOCK_H
#define MICONFORM_HANDLER_CLOCK_H

#include <chrono>
#include <cstdint>
#include <ctime>

namespace miconform::handler {

using SteadyClock = std::chrono::steady_clock;

inline uint64_t MonotonicNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

inline std::chrono::milliseconds ms(uint32_t value) { return std::chrono::milliseconds(value); }

}  // namespace miconform::handler

#endif

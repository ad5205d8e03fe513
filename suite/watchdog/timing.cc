// timing.cc - the combination rule of timing.h.
#include "timing.h"

namespace miconform::watchdog {
namespace {

std::string Ms(std::chrono::milliseconds value) { return std::to_string(value.count()) + " ms"; }

}  // namespace

std::string Timing::Check() const {
  struct Limit {
    const char* option;
    ms value;
  };
  const Limit limits[] = {{"--timeout", stall_limit},     {"--budget", budget},
                          {"--hang-window", hang_window}, {"--observe", observe},
                          {"--eventually", eventually},   {"--settle", settle}};
  for (const Limit& limit : limits) {
    if (limit.value.count() <= 0) {
      return std::string(limit.option) + " must be positive, not " + Ms(limit.value);
    }
  }
  if (observe >= hang_window) {
    return "--observe (" + Ms(observe) + ") must be shorter than --hang-window (" +
           Ms(hang_window) +
           "): a case must release a documented hang before the watchdog "
           "records it by timer";
  }
  if (hang_window >= stall_limit) {
    return "--hang-window (" + Ms(hang_window) + ") must be shorter than --timeout (" +
           Ms(stall_limit) + ")";
  }
  if (eventually >= stall_limit) {
    return "--eventually (" + Ms(eventually) + ") must be shorter than --timeout (" +
           Ms(stall_limit) + "): a case's own wait must end before the watchdog calls it hung";
  }
  if (settle >= stall_limit) {
    return "--settle (" + Ms(settle) + ") must be shorter than --timeout (" + Ms(stall_limit) + ")";
  }
  if (stall_limit > budget) {
    return "--timeout (" + Ms(stall_limit) + ") must not be longer than --budget (" + Ms(budget) +
           ")";
  }
  return {};
}

}  // namespace miconform::watchdog

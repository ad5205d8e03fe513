// case_signal.h - Signal, the one-shot flag with a condition wait that cases and their helper
// threads hand each other ("the callback ran", "the call returned"). Used by every case file.
//
// Thread-safety: every member may be called from any thread at any time.
#ifndef MICONFORM_CASES_CASE_SIGNAL_H
#define MICONFORM_CASES_CASE_SIGNAL_H

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace miconform::cases {

class Signal {
 public:
  void Set();
  bool IsSet() const;
  // False on timeout, or at once when the target provably went quiet without it; a target stuck
  // in a call of the suite makes it wait on for the watchdog (harness_wait.h) unless
  // `defer_stuck_to_watchdog` is false, when it returns false at once.
  bool WaitFor(std::chrono::milliseconds timeout, bool defer_stuck_to_watchdog = true) const;
  // A plain timed wait that never consults the stall oracle.
  bool PollFor(std::chrono::milliseconds timeout) const;
  void Wait() const;  // unbounded

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  bool set_ = false;
};

}  // namespace miconform::cases

#endif  // MICONFORM_CASES_CASE_SIGNAL_H

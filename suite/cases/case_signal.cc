// case_signal.cc - the cases' one-shot flag (case_signal.h).
#include "case_signal.h"

#include "miconform/mocks/harness_wait.h"

namespace miconform::cases {

void Signal::Set() {
  std::lock_guard<std::mutex> lock(mutex_);
  set_ = true;
  changed_.notify_all();
}

bool Signal::IsSet() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return set_;
}

bool Signal::WaitFor(std::chrono::milliseconds timeout, bool defer_stuck_to_watchdog) const {
  std::unique_lock<std::mutex> lock(mutex_);
  return mocks::HarnessWait(
      changed_, lock, timeout, [&] { return set_; }, "a signal of the case",
      defer_stuck_to_watchdog);
}

bool Signal::PollFor(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return set_; });
}

void Signal::Wait() const {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return set_; });
}

}  // namespace miconform::cases

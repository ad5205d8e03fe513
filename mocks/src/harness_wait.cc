// harness_wait.cc - the sliced, oracle-consulting wait of harness_wait.h.
#include "miconform/mocks/harness_wait.h"

#include <algorithm>
#include <atomic>

namespace miconform::mocks {
namespace {

std::atomic<StallOracle*> g_oracle{nullptr};

// The first slice is short (most awaited things come at once); later ones grow, so a long wait
// costs few wake-ups. The oracle is first asked after kGrace.
constexpr std::chrono::milliseconds kFirstSlice{2};
constexpr std::chrono::milliseconds kLongestSlice{20};
constexpr std::chrono::milliseconds kGrace{5};

}  // namespace

void InstallStallOracle(StallOracle* oracle) { g_oracle.store(oracle); }
StallOracle* InstalledStallOracle() { return g_oracle.load(); }

bool HarnessWait(std::condition_variable& changed, std::unique_lock<std::mutex>& lock,
                 std::chrono::milliseconds limit, const std::function<bool()>& done,
                 const char* what, bool defer_stuck_to_watchdog) {
  StallOracle* oracle = g_oracle.load();
  if (oracle == nullptr) return changed.wait_for(lock, limit, done);
  if (done()) return true;
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline = start + limit;
  // Never write to the channel with the caller's lock held: a callback thread blocked on that
  // lock would look parked to another thread's proof.
  lock.unlock();
  oracle->BeginWait();
  lock.lock();
  std::chrono::milliseconds slice = kFirstSlice;
  bool result = false;
  for (;;) {
    const Clock::time_point now = Clock::now();
    if (now >= deadline) break;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    if (changed.wait_for(lock, std::min(slice, left + std::chrono::milliseconds(1)), done)) {
      result = true;
      break;
    }
    slice = std::min(slice * 2, kLongestSlice);
    if (Clock::now() - start < kGrace) continue;
    lock.unlock();
    const StallOracle::Verdict verdict = oracle->Check(what);
    lock.lock();
    if (done()) {
      result = true;
      break;
    }
    if (verdict == StallOracle::Verdict::kQuietIdle) break;  // it can never happen now
    if (verdict == StallOracle::Verdict::kStuckInCall && !defer_stuck_to_watchdog) break;
    if (verdict == StallOracle::Verdict::kStuckInCall) {
      // Leave the hang to the watchdog: without a timer of ours, every thread is parked.
      lock.unlock();
      oracle->EndWait();
      lock.lock();
      changed.wait(lock, done);
      return true;
    }
  }
  lock.unlock();
  oracle->EndWait();
  lock.lock();
  return result || done();
}

}  // namespace miconform::mocks

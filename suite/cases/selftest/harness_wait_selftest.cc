// harness_wait_selftest.cc - the harness's wait (mocks/harness_wait.h) against a scripted stall
// oracle: a quiet target ends the wait at once, a target stuck in a call makes it wait on for the
// watchdog (or end at once for the cleanup), and without an oracle it is a plain timed wait.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "miconform/mocks/harness_wait.h"

namespace miconform::mocks {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class ScriptedOracle final : public StallOracle {
 public:
  explicit ScriptedOracle(Verdict verdict) : verdict_(verdict) {}
  void BeginWait() override { ++begins; }
  void EndWait() override { ++ends; }
  Verdict Check(const char*) override {
    ++checks;
    return verdict_;
  }
  std::atomic<int> begins{0}, ends{0}, checks{0};

 private:
  Verdict verdict_;
};

// Installs an oracle for one test.
class Installed {
 public:
  explicit Installed(StallOracle* oracle) { InstallStallOracle(oracle); }
  ~Installed() { InstallStallOracle(nullptr); }
};

struct Event {
  std::mutex mutex;
  std::condition_variable changed;
  bool done = false;
  void Set() {
    std::lock_guard<std::mutex> lock(mutex);
    done = true;
    changed.notify_all();
  }
  bool Wait(std::chrono::milliseconds limit, bool defer = true) {
    std::unique_lock<std::mutex> lock(mutex);
    return HarnessWait(
        changed, lock, limit, [this] { return done; }, "the event", defer);
  }
};

TEST(HarnessWait, AQuietTargetEndsTheWaitAtOnce) {
  ScriptedOracle oracle(StallOracle::Verdict::kQuietIdle);
  Installed installed(&oracle);
  Event event;
  const auto start = Clock::now();
  EXPECT_FALSE(event.Wait(10s));
  EXPECT_LT(Clock::now() - start, 2s);
  EXPECT_GE(oracle.checks.load(), 1);
  EXPECT_EQ(oracle.begins.load(), oracle.ends.load());
}

TEST(HarnessWait, AProgressingTargetIsWaitedForUpToTheLimit) {
  ScriptedOracle oracle(StallOracle::Verdict::kMayProgress);
  Installed installed(&oracle);
  Event event;
  const auto start = Clock::now();
  EXPECT_FALSE(event.Wait(200ms));
  EXPECT_GE(Clock::now() - start, 200ms);
  std::thread later([&event] {
    std::this_thread::sleep_for(50ms);
    event.Set();
  });
  EXPECT_TRUE(event.Wait(10s));
  later.join();
}

TEST(HarnessWait, AStuckCallIsLeftToTheWatchdogWithoutALimit) {
  ScriptedOracle oracle(StallOracle::Verdict::kStuckInCall);
  Installed installed(&oracle);
  Event event;
  // The limit passes long before the event: only an untimed wait still sees it.
  std::thread later([&event] {
    std::this_thread::sleep_for(300ms);
    event.Set();
  });
  EXPECT_TRUE(event.Wait(50ms));
  later.join();
  EXPECT_EQ(oracle.begins.load(), oracle.ends.load());
}

TEST(HarnessWait, TheCleanupGivesUpOnAStuckCall) {
  ScriptedOracle oracle(StallOracle::Verdict::kStuckInCall);
  Installed installed(&oracle);
  Event event;
  const auto start = Clock::now();
  EXPECT_FALSE(event.Wait(10s, /*defer=*/false));
  EXPECT_LT(Clock::now() - start, 2s);
}

TEST(HarnessWait, WithoutAnOracleItIsAPlainTimedWait) {
  Event event;
  const auto start = Clock::now();
  EXPECT_FALSE(event.Wait(100ms));
  EXPECT_GE(Clock::now() - start, 100ms);
}

}  // namespace
}  // namespace miconform::mocks

// heap_growth_selftest.cc - self-tests of the "no growth over N cycles" rule against real
// workloads, in a process with the accounting library preloaded: balanced cycles pass, leaking
// cycles are caught, a lazily grown pool is tolerated, short runs use the per-cycle bound; and of
// the settled snapshot: memory freed shortly after the work (by a reaper thread) is waited for.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "miconform/heap_probe.h"
#include "opaque_allocation.h"

namespace miconform::heap::selftest {
namespace {

class HeapGrowthPreloaded : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(HeapAccountingActive())
        << "selftest_heap's *Preloaded tests must run with LD_PRELOAD=<build>/lib/"
        << kHeapCountLibraryFileName << " (CTest sets it)";
  }
};

// A cycle shaped like a session lifecycle that releases everything: a few blocks, a string and a
// vector, all gone when the cycle ends.
void BalancedCycle() {
  void* session = opaque_malloc(480);
  void* operation = opaque_calloc(1, 200);
  std::string name(100, 's');
  std::vector<int> results(64, 7);
  void* grown = opaque_realloc(opaque_malloc(10), 5000);
  opaque_free(grown);
  opaque_free(operation);
  opaque_free(session);
}

TEST_F(HeapGrowthPreloaded, BalancedWorkloadShowsNoGrowth) {
  const std::optional<GrowthReport> report = MeasureGrowth(BalancedCycle);
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->within_bound) << report->Describe();
  EXPECT_EQ(report->delta.live_bytes, 0) << report->Describe();
  EXPECT_EQ(report->delta.live_blocks, 0) << report->Describe();
  EXPECT_GE(report->delta.allocations, 1000u * 6) << report->Describe();
}

TEST_F(HeapGrowthPreloaded, LeakingWorkloadIsCaught) {
  const GrowthBound bound;  // the defaults cases use
  std::vector<void*> leaked;
  leaked.reserve(bound.warmup_cycles + bound.cycles);  // the test's own bookkeeping stays flat
  const std::optional<GrowthReport> report = MeasureGrowth([&] {
    BalancedCycle();
    leaked.push_back(opaque_malloc(100));
  });
  for (void* block : leaked) opaque_free(block);
  ASSERT_TRUE(report.has_value());
  EXPECT_FALSE(report->within_bound) << report->Describe();
  EXPECT_GE(report->AverageBytesPerCycle(), 100.0) << report->Describe();
  EXPECT_EQ(report->delta.live_blocks, static_cast<std::int64_t>(bound.cycles));
  EXPECT_NE(report->Describe().find("EXCEEDS bound"), std::string::npos) << report->Describe();
}

TEST_F(HeapGrowthPreloaded, SmallestLeakPerCycleIsCaughtOverTheDefaultRun) {
  std::vector<void*> leaked;
  leaked.reserve(GrowthBound{}.warmup_cycles + GrowthBound{}.cycles);
  const std::optional<GrowthReport> report =
      MeasureGrowth([&] { leaked.push_back(opaque_malloc(1)); });
  for (void* block : leaked) opaque_free(block);
  ASSERT_TRUE(report.has_value());
  EXPECT_FALSE(report->within_bound) << report->Describe();
}

// A library cache that keeps up to 64 recycled 128-byte objects grows for 64 cycles, then stays
// flat: not a leak, and inside the bound even though most of its growth falls after warm-up.
TEST_F(HeapGrowthPreloaded, LazilyGrownPoolIsTolerated) {
  std::vector<void*> pool;
  pool.reserve(64);
  const std::optional<GrowthReport> report = MeasureGrowth([&] {
    void* object = opaque_malloc(128);
    if (pool.size() < pool.capacity()) {
      pool.push_back(object);
    } else {
      opaque_free(object);
    }
  });
  for (void* object : pool) opaque_free(object);
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->within_bound) << report->Describe();
  EXPECT_GT(report->delta.live_bytes, 0) << "the pool did grow inside the measured window";
}

// 100 cycles leaking 100 bytes each stay under 16 KiB in total; the per-cycle bound catches them.
TEST_F(HeapGrowthPreloaded, ShortRunIsJudgedByThePerCycleBound) {
  GrowthBound bound;
  bound.cycles = 100;
  std::vector<void*> leaked;
  leaked.reserve(bound.warmup_cycles + bound.cycles);
  const std::optional<GrowthReport> report =
      MeasureGrowth([&] { leaked.push_back(opaque_malloc(100)); }, bound);
  for (void* block : leaked) opaque_free(block);
  ASSERT_TRUE(report.has_value());
  EXPECT_LT(report->delta.live_bytes, bound.max_total_growth_bytes) << report->Describe();
  EXPECT_FALSE(report->within_bound) << report->Describe();
}

TEST_F(HeapGrowthPreloaded, MeasureAroundReportsTheChange) {
  void* kept = nullptr;
  const std::optional<HeapDelta> delta = MeasureAround([&] { kept = opaque_malloc(2000); });
  ASSERT_TRUE(delta.has_value());
  EXPECT_GE(delta->live_bytes, 2000) << delta->Describe();
  EXPECT_EQ(delta->live_blocks, 1) << delta->Describe();
  const std::optional<HeapDelta> released = MeasureAround([&] { opaque_free(kept); });
  ASSERT_TRUE(released.has_value());
  EXPECT_EQ(released->live_bytes, -delta->live_bytes) << released->Describe();
  EXPECT_EQ(released->live_blocks, -1) << released->Describe();
}

// ---- settled snapshots: memory freed shortly after the work

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Frees the blocks it is handed `delay` after the hand-over, in batches every 10 ms, on its own
// thread: the shape of a library that hands closed objects to a reaper. Its own bookkeeping is
// allocated up front, so that it changes the heap only by the frees it makes.
class DelayedFreer {
 public:
  explicit DelayedFreer(std::chrono::milliseconds delay) : delay_(delay) {
    thread_ = std::thread([this] { Work(); });
  }
  ~DelayedFreer() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  void Hand(void* block) {
    std::lock_guard lock(mutex_);
    held_[count_++ % kCapacity] = Held{Clock::now(), block};
  }

 private:
  static constexpr std::size_t kCapacity = 4096;
  struct Held {
    Clock::time_point handed;
    void* block = nullptr;
  };
  void Work() {
    std::unique_lock lock(mutex_);
    for (;;) {
      const bool stopping = wake_.wait_for(lock, 10ms, [this] { return stopping_; });
      const Clock::time_point due = Clock::now() - delay_;
      while (freed_ < count_ && (stopping || held_[freed_ % kCapacity].handed <= due)) {
        opaque_free(held_[freed_ % kCapacity].block);
        ++freed_;
      }
      if (stopping) return;
    }
  }

  const std::chrono::milliseconds delay_;
  std::mutex mutex_;
  std::condition_variable wake_;
  Held held_[kCapacity];
  std::size_t count_ = 0;  // handed over
  std::size_t freed_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

TEST_F(HeapGrowthPreloaded, SettledSnapshotWaitsForMemoryFreedShortlyAfter) {
  DelayedFreer freer(40ms);
  const std::optional<SettledHeapSnapshot> settled_start = TakeSettledSnapshot();
  ASSERT_TRUE(settled_start.has_value());
  const std::optional<HeapSnapshot> start = settled_start->snapshot;
  freer.Hand(opaque_malloc(500));
  const std::optional<HeapSnapshot> at_once = TakeHeapSnapshot();
  ASSERT_TRUE(at_once.has_value());
  EXPECT_GE(Difference(*start, *at_once).live_bytes, 500) << "not freed at once";

  const std::optional<SettledHeapSnapshot> settled = TakeSettledSnapshot();
  ASSERT_TRUE(settled.has_value());
  EXPECT_TRUE(settled->settled);
  EXPECT_EQ(Difference(*start, settled->snapshot).live_bytes, 0)
      << Difference(*start, settled->snapshot).Describe();
  EXPECT_GE(settled->waited, SettleRule{}.quiet + 30ms)
      << "the quiet period starts again at the delayed free";
}

TEST_F(HeapGrowthPreloaded, SettledSnapshotStopsAtItsLimitWhileTheHeapKeepsChanging) {
  std::atomic<bool> stop{false};
  std::thread churn([&] {
    for (std::size_t size = 64; !stop.load(); size = size == 64 ? 4096 : 64) {
      void* block = opaque_malloc(size);
      std::this_thread::sleep_for(2ms);
      opaque_free(block);
    }
  });
  SettleRule rule;
  rule.limit = 150ms;
  const std::optional<SettledHeapSnapshot> settled = TakeSettledSnapshot(rule);
  stop = true;
  churn.join();
  ASSERT_TRUE(settled.has_value());
  EXPECT_FALSE(settled->settled);
  EXPECT_GE(settled->waited, rule.limit);
  EXPECT_LT(settled->waited, rule.limit + 100ms);
}

// 1000 cycles each handing a block to a reaper that frees it 30 ms later: between plain
// snapshots the blocks of the last cycles still count (all of them, the cycles being fast);
// between settled snapshots nothing does - and a real leak is still caught.
TEST_F(HeapGrowthPreloaded, GrowthBetweenSettledSnapshotsIgnoresMemoryStillInFlight) {
  DelayedFreer freer(30ms);
  const auto reaped = [&] { freer.Hand(opaque_malloc(200)); };
  const SnapshotFunction settled = [] {
    const std::optional<SettledHeapSnapshot> snapshot = TakeSettledSnapshot();
    return snapshot ? std::optional<HeapSnapshot>(snapshot->snapshot) : std::nullopt;
  };

  const std::optional<GrowthReport> plain = MeasureGrowth(reaped);
  ASSERT_TRUE(plain.has_value());
  EXPECT_FALSE(plain->within_bound) << "the blocks in flight count: " << plain->Describe();

  const std::optional<GrowthReport> report = MeasureGrowth(reaped, GrowthBound{}, settled);
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->within_bound) << report->Describe();
  EXPECT_EQ(report->delta.live_bytes, 0) << report->Describe();

  std::vector<void*> leaked;
  leaked.reserve(GrowthBound{}.warmup_cycles + GrowthBound{}.cycles);
  const std::optional<GrowthReport> leaking = MeasureGrowth(
      [&] {
        reaped();
        leaked.push_back(opaque_malloc(100));
      },
      GrowthBound{}, settled);
  for (void* block : leaked) opaque_free(block);
  ASSERT_TRUE(leaking.has_value());
  EXPECT_FALSE(leaking->within_bound) << leaking->Describe();
}

}  // namespace
}  // namespace miconform::heap::selftest

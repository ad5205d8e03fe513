// heap_growth_selftest.cc - self-tests of the "no growth over N cycles" rule against real
// workloads, in a process with the accounting library preloaded: balanced cycles pass, leaking
// cycles are caught, a lazily grown pool is tolerated, short runs use the per-cycle bound.
#include <cstdint>
#include <string>
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

}  // namespace
}  // namespace miconform::heap::selftest

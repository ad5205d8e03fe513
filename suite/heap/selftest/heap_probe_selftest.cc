// heap_probe_selftest.cc - self-tests of the case-side probe in a process WITHOUT the accounting
// library (CTest runs these suites with no LD_PRELOAD): everything reports "not available" and
// runs nothing; plus the snapshot arithmetic and bound validation, which need no preload.
#include <dlfcn.h>

#include <cstdint>
#include <limits>
#include <stdexcept>

#include <gtest/gtest.h>

#include "miconform/heap_probe.h"

namespace miconform::heap::selftest {
namespace {

TEST(HeapProbeWithoutPreload, SymbolsAreAbsentAndNothingIsMeasured) {
  ASSERT_EQ(dlsym(RTLD_DEFAULT, "miconform_heap_snapshot"), nullptr)
      << "this test must run without LD_PRELOAD of " << kHeapCountLibraryFileName;
  EXPECT_FALSE(HeapAccountingActive());
  EXPECT_FALSE(TakeHeapSnapshot().has_value());
}

TEST(HeapProbeWithoutPreload, MeasurementsReturnNulloptWithoutRunningTheWork) {
  int runs = 0;
  EXPECT_FALSE(MeasureAround([&] { ++runs; }).has_value());
  EXPECT_FALSE(MeasureGrowth([&] { ++runs; }).has_value());
  EXPECT_FALSE(
      MeasureGrowth([&] { ++runs; }, GrowthBound{}, [] { return TakeHeapSnapshot(); }).has_value());
  EXPECT_EQ(runs, 0) << "work must not run when it cannot be measured";
  EXPECT_FALSE(TakeSettledSnapshot().has_value());
}

TEST(HeapDeltaArithmetic, DifferencesAreSignedAndSurviveWrappedCounters) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  // A process that freed 6 bytes it never saw allocated has wrapped below zero.
  const HeapSnapshot before{kMax - 5, kMax, 10};
  const HeapSnapshot after{10, 2, 25};
  const HeapDelta delta = Difference(before, after);
  EXPECT_EQ(delta.live_bytes, 16);
  EXPECT_EQ(delta.live_blocks, 3);
  EXPECT_EQ(delta.allocations, 15u);

  const HeapDelta shrink = Difference(after, before);
  EXPECT_EQ(shrink.live_bytes, -16);
  EXPECT_EQ(shrink.live_blocks, -3);
  EXPECT_EQ(shrink.Describe(), "live bytes -16, live blocks -3, allocations " +
                                   std::to_string(std::uint64_t{10} - 25));
  EXPECT_EQ(delta.Describe(), "live bytes +16, live blocks +3, allocations 15");
}

TEST(HeapDeltaArithmetic, GrowthLimitIsThePerCycleBoundOrTheTotalWhicheverIsSmaller) {
  GrowthBound bound;  // 64 bytes per cycle, 16 KiB in total
  EXPECT_EQ(GrowthLimitBytes(bound), 16 * 1024) << "1000 cycles: the total binds";
  bound.cycles = 100;
  EXPECT_EQ(GrowthLimitBytes(bound), 6400) << "100 cycles: the per-cycle bound binds";
  bound.cycles = UINT64_MAX;
  bound.max_average_bytes_per_cycle = INT64_MAX;
  EXPECT_EQ(GrowthLimitBytes(bound), 16 * 1024) << "no overflow of the product";
}

TEST(HeapDeltaArithmetic, GrowthReportDescribesTheBound) {
  GrowthReport report;
  report.delta = HeapDelta{102400, 1000, 5000};
  report.within_bound = false;
  EXPECT_DOUBLE_EQ(report.AverageBytesPerCycle(), 102.4);
  EXPECT_EQ(report.Describe(),
            "live bytes grew by 102400 over 1000 cycles (102.4 per cycle; bound 64 per cycle "
            "and 16384 in total); live blocks +1000; allocations 5000; EXCEEDS bound");
}

TEST(HeapDeltaArithmetic, BadBoundsAreRejectedWithAMessage) {
  GrowthBound no_cycles;
  no_cycles.cycles = 0;
  EXPECT_THROW(MeasureGrowth([] {}, no_cycles), std::invalid_argument);
  GrowthBound negative;
  negative.max_total_growth_bytes = -1;
  EXPECT_THROW(MeasureGrowth([] {}, negative), std::invalid_argument);
}

}  // namespace
}  // namespace miconform::heap::selftest

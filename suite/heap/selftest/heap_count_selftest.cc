// heap_count_selftest.cc - self-tests of libmiconform_heapcount.so, run in a process that has it
// preloaded (CTest sets LD_PRELOAD for every test of the "*Preloaded" suites): pairs balance,
// leaks show, every allocation entry point is counted, threads and fork keep the books exact.
#include <dlfcn.h>
#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <latch>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "miconform/heap_count.h"
#include "miconform/heap_probe.h"
#include "opaque_allocation.h"

namespace miconform::heap::selftest {
namespace {

class HeapCountPreloaded : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(HeapAccountingActive())
        << "selftest_heap's *Preloaded tests must run with LD_PRELOAD=<build>/lib/"
        << kHeapCountLibraryFileName << " (CTest sets it)";
  }

  // The counters now; the test has already asserted the accounting is active.
  static HeapSnapshot Now() { return TakeHeapSnapshot().value_or(HeapSnapshot{}); }
};

TEST_F(HeapCountPreloaded, ExportsTheCApiAndReportsActive) {
  auto active = reinterpret_cast<int (*)()>(dlsym(RTLD_DEFAULT, "miconform_heap_active"));
  auto snapshot = reinterpret_cast<void (*)(MiconformHeapSnapshot*)>(
      dlsym(RTLD_DEFAULT, "miconform_heap_snapshot"));
  ASSERT_NE(active, nullptr);
  ASSERT_NE(snapshot, nullptr);
  EXPECT_EQ(active(), 1);
  snapshot(nullptr);  // tolerated
  MiconformHeapSnapshot raw{};
  snapshot(&raw);
  EXPECT_GT(raw.total_allocations, 0u) << "start-up of a C++ program allocates";
}

TEST_F(HeapCountPreloaded, MallocFreePairsBalanceToZero) {
  const HeapSnapshot before = Now();
  for (std::size_t i = 0; i < 1000; ++i) {
    // Sizes from 1 byte to 1 MiB, so both the heap and mmap-served blocks are covered.
    const std::size_t size = std::size_t{1} << (i % 21);
    void* block = opaque_malloc(size + i % 7);
    opaque_free(block);
  }
  opaque_free(nullptr);
  const HeapDelta delta = Difference(before, Now());
  EXPECT_EQ(delta.live_bytes, 0) << delta.Describe();
  EXPECT_EQ(delta.live_blocks, 0) << delta.Describe();
  EXPECT_EQ(delta.allocations, 1000u) << delta.Describe();
}

TEST_F(HeapCountPreloaded, DeliberateLeakShowsUpAsAtLeastItsSize) {
  for (std::size_t leak_size : {std::size_t{1000}, std::size_t{1} << 20}) {
    const HeapSnapshot before = Now();
    void* leak = opaque_malloc(leak_size);
    const HeapDelta leaked = Difference(before, Now());
    ASSERT_NE(leak, nullptr);
    EXPECT_GE(leaked.live_bytes, static_cast<std::int64_t>(leak_size)) << leaked.Describe();
    EXPECT_EQ(leaked.live_bytes, static_cast<std::int64_t>(malloc_usable_size(leak)));
    EXPECT_EQ(leaked.live_blocks, 1);
    EXPECT_EQ(leaked.allocations, 1u);
    opaque_free(leak);
    const HeapDelta settled = Difference(before, Now());
    EXPECT_EQ(settled.live_bytes, 0) << settled.Describe();
    EXPECT_EQ(settled.live_blocks, 0) << settled.Describe();
  }
}

TEST_F(HeapCountPreloaded, ReallocGrowthAndShrinkAreAccounted) {
  const HeapSnapshot before = Now();
  void* block = opaque_malloc(16);
  ASSERT_NE(block, nullptr);
  std::memset(block, 0x5a, 16);
  for (std::size_t size : {std::size_t{4096}, std::size_t{1} << 20, std::size_t{8},
                           std::size_t{300000}, std::size_t{100}}) {
    void* moved = opaque_realloc(block, size);
    ASSERT_NE(moved, nullptr);
    block = moved;
    const HeapDelta delta = Difference(before, Now());
    EXPECT_EQ(delta.live_bytes, static_cast<std::int64_t>(malloc_usable_size(block)))
        << "after realloc to " << size << ": " << delta.Describe();
    EXPECT_EQ(delta.live_blocks, 1) << "after realloc to " << size;
  }
  EXPECT_EQ(static_cast<unsigned char*>(block)[0], 0x5a) << "realloc kept the contents";

  // realloc(NULL, n) is an allocation; realloc(p, 0) releases p on glibc.
  void* fresh = opaque_realloc(nullptr, 64);
  ASSERT_NE(fresh, nullptr);
  EXPECT_EQ(Difference(before, Now()).live_blocks, 2);
  EXPECT_EQ(opaque_realloc(fresh, 0), nullptr);
  EXPECT_EQ(Difference(before, Now()).live_blocks, 1);

  opaque_free(block);
  const HeapDelta settled = Difference(before, Now());
  EXPECT_EQ(settled.live_bytes, 0) << settled.Describe();
  EXPECT_EQ(settled.live_blocks, 0) << settled.Describe();
  EXPECT_EQ(settled.allocations, 7u) << "1 malloc + 5 resizes + 1 realloc(NULL)";
}

TEST_F(HeapCountPreloaded, CallocAndTheAlignedFamilyAreAccounted) {
  std::vector<void*> blocks;
  blocks.reserve(16);  // before the first snapshot: the test's own bookkeeping stays flat
  const HeapSnapshot before = Now();
  std::int64_t expected_bytes = 0;
  auto expect_counted = [&](void* block, std::size_t alignment, const char* how) {
    ASSERT_NE(block, nullptr) << how;
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(block) % alignment, 0u) << how;
    blocks.push_back(block);
    expected_bytes += static_cast<std::int64_t>(malloc_usable_size(block));
    const HeapDelta delta = Difference(before, Now());
    EXPECT_EQ(delta.live_bytes, expected_bytes) << how << ": " << delta.Describe();
    EXPECT_EQ(delta.live_blocks, static_cast<std::int64_t>(blocks.size())) << how;
  };

  auto* zeroed = static_cast<unsigned char*>(opaque_calloc(100, 10));
  expect_counted(zeroed, alignof(std::max_align_t), "calloc");
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(zeroed[i], 0) << "calloc memory is zeroed";

  void* aligned = nullptr;
  ASSERT_EQ(opaque_posix_memalign(&aligned, 64, 1000), 0);
  expect_counted(aligned, 64, "posix_memalign");
  expect_counted(opaque_aligned_alloc(4096, 8192), 4096, "aligned_alloc");
  expect_counted(opaque_memalign(256, 100), 256, "memalign");
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  expect_counted(opaque_valloc(100), page, "valloc");
  expect_counted(opaque_pvalloc(100), page, "pvalloc");
  expect_counted(opaque_reallocarray(nullptr, 10, 30), alignof(std::max_align_t), "reallocarray");
  expect_counted(opaque_strdup("session"), 1, "strdup (an allocation inside the C library)");
  expect_counted(opaque_operator_new(5000), alignof(std::max_align_t), "operator new");

  // A refused request changes nothing.
  void* refused = nullptr;
  EXPECT_EQ(opaque_posix_memalign(&refused, 3, 100), EINVAL);
  EXPECT_EQ(opaque_calloc(SIZE_MAX / 2, 4), nullptr);
  EXPECT_EQ(Difference(before, Now()).live_blocks, static_cast<std::int64_t>(blocks.size()));

  opaque_operator_delete(blocks.back());
  blocks.pop_back();
  for (void* block : blocks) opaque_free(block);
  const HeapDelta settled = Difference(before, Now());
  EXPECT_EQ(settled.live_bytes, 0) << settled.Describe();
  EXPECT_EQ(settled.live_blocks, 0) << settled.Describe();
}

// One worker's share of the concurrent test: a small pool of slots, each op allocating into an
// empty slot or freeing a full one, all freed at the end. Returns the number of allocations.
std::uint64_t RunAllocationWorkload(std::uint32_t seed, int operations) {
  std::array<void*, 64> slots{};
  std::uint64_t allocations = 0;
  std::uint32_t state = seed | 1u;
  for (int op = 0; op < operations; ++op) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    void*& slot = slots[state % slots.size()];
    if (slot != nullptr) {
      opaque_free(slot);
      slot = nullptr;
    } else {
      slot = opaque_malloc(1 + (state >> 8) % (state % 97 == 0 ? 200000 : 2048));
      ++allocations;
    }
  }
  for (void* slot : slots) opaque_free(slot);
  return allocations;
}

TEST_F(HeapCountPreloaded, ConcurrentThreadsBalance) {
  constexpr int kThreads = 8;
  constexpr int kOperations = 100000;
  // Threads are created and parked before the first snapshot and joined after the second, so
  // thread start-up and exit (which allocate inside the C library) stay out of the measurement.
  std::latch parked(kThreads + 1), go(1), done(kThreads + 1), leave(1);
  std::array<std::uint64_t, kThreads> allocations{};
  std::vector<std::thread> workers;
  workers.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      parked.arrive_and_wait();
      go.wait();
      allocations[t] = RunAllocationWorkload(0x9e3779b9u * (t + 1), kOperations);
      done.arrive_and_wait();
      leave.wait();
    });
  }
  parked.arrive_and_wait();
  const HeapSnapshot before = Now();
  go.count_down();
  done.arrive_and_wait();
  const HeapSnapshot after = Now();
  leave.count_down();
  for (std::thread& worker : workers) worker.join();

  std::uint64_t expected_allocations = 0;
  for (std::uint64_t n : allocations) expected_allocations += n;
  const HeapDelta delta = Difference(before, after);
  EXPECT_EQ(delta.live_bytes, 0) << delta.Describe();
  EXPECT_EQ(delta.live_blocks, 0) << delta.Describe();
  EXPECT_EQ(delta.allocations, expected_allocations) << delta.Describe();
}

// Blocks allocated by one thread and freed by another: the usable size is read again at free(),
// so the books balance whichever thread releases.
TEST_F(HeapCountPreloaded, FreeInAnotherThreadBalances) {
  constexpr std::size_t kBlocks = 1000;
  std::vector<void*> blocks(kBlocks, nullptr);
  std::latch parked(2), allocate(1), allocated(2), release(1), released(2), leave(1);
  std::thread other([&] {
    parked.arrive_and_wait();
    allocate.wait();
    for (std::size_t i = 0; i < kBlocks / 2; ++i) blocks[i] = opaque_malloc(32 + i);
    allocated.arrive_and_wait();
    release.wait();
    for (std::size_t i = kBlocks / 2; i < kBlocks; ++i) opaque_free(blocks[i]);
    released.arrive_and_wait();
    leave.wait();
  });
  parked.arrive_and_wait();
  const HeapSnapshot before = Now();
  for (std::size_t i = kBlocks / 2; i < kBlocks; ++i) blocks[i] = opaque_malloc(32 + i);
  allocate.count_down();
  allocated.arrive_and_wait();
  const HeapDelta mid = Difference(before, Now());
  release.count_down();
  // This thread frees what the other thread allocated, while the other frees ours.
  for (std::size_t i = 0; i < kBlocks / 2; ++i) opaque_free(blocks[i]);
  released.arrive_and_wait();
  const HeapDelta settled = Difference(before, Now());
  leave.count_down();
  other.join();

  EXPECT_EQ(mid.live_blocks, static_cast<std::int64_t>(kBlocks)) << mid.Describe();
  EXPECT_GE(mid.live_bytes, static_cast<std::int64_t>(kBlocks * 32)) << mid.Describe();
  EXPECT_EQ(settled.live_bytes, 0) << settled.Describe();
  EXPECT_EQ(settled.live_blocks, 0) << settled.Describe();
}

// After fork() the child inherits the counters and keeps exact books of its own; the parent's
// books are untouched by what the child does.
TEST_F(HeapCountPreloaded, ForkedChildKeepsExactBooks) {
  const HeapSnapshot parent_before = Now();
  const pid_t child = fork();
  ASSERT_NE(child, -1) << std::strerror(errno);
  if (child == 0) {
    // Child: only async-signal-safe-ish work and allocation calls; the verdict is the exit code.
    const HeapSnapshot before = Now();
    for (int i = 0; i < 1000; ++i) opaque_free(opaque_malloc(1 + i));
    void* leak = opaque_malloc(4096);
    const HeapDelta delta = Difference(before, Now());
    const bool exact = leak != nullptr && delta.live_blocks == 1 &&
                       delta.live_bytes == static_cast<std::int64_t>(malloc_usable_size(leak)) &&
                       delta.allocations == 1001;
    _exit(exact ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << "child status " << status;
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the forked child's books were not exact";
  const HeapDelta parent = Difference(parent_before, Now());
  EXPECT_EQ(parent.live_bytes, 0) << parent.Describe();
  EXPECT_EQ(parent.live_blocks, 0) << parent.Describe();
}

}  // namespace
}  // namespace miconform::heap::selftest

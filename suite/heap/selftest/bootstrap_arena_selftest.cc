// bootstrap_arena_selftest.cc - self-tests of the bootstrap arena (compiled into selftest_heap
// directly; the copy inside the preload library is a different instance): alignment, zeroing,
// recorded sizes, exhaustion, and concurrent bumps that never overlap.
#include <errno.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

extern "C" {
#include "bootstrap_arena.h"
}

namespace miconform::heap::selftest {
namespace {

// The arena is process-wide and never reclaimed; this test copy is built with a reset hook so
// every test starts from an empty arena and the tests repeat.
class HeapBootstrapArena : public ::testing::Test {
 protected:
  void SetUp() override { miconform_arena_reset_for_testing(); }
};

TEST_F(HeapBootstrapArena, BlocksAreAlignedZeroedAndRemembered) {
  for (std::size_t alignment :
       {std::size_t{1}, std::size_t{16}, std::size_t{64}, std::size_t{4096}}) {
    auto* block = static_cast<unsigned char*>(miconform_arena_allocate(100, alignment));
    ASSERT_NE(block, nullptr) << "alignment " << alignment;
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(block) % std::max<std::size_t>(alignment, 16), 0u);
    EXPECT_TRUE(miconform_arena_owns(block));
    EXPECT_TRUE(miconform_arena_owns(block + 99));
    EXPECT_EQ(miconform_arena_block_size(block), 100u);
    EXPECT_TRUE(std::all_of(block, block + 100, [](unsigned char c) { return c == 0; }));
  }
  int on_stack = 0;
  EXPECT_FALSE(miconform_arena_owns(&on_stack));
  EXPECT_FALSE(miconform_arena_owns(nullptr));
}

TEST_F(HeapBootstrapArena, ImpossibleRequestsFailWithEnomem) {
  errno = 0;
  EXPECT_EQ(miconform_arena_allocate(SIZE_MAX, 16), nullptr);
  EXPECT_EQ(errno, ENOMEM);
  errno = 0;
  EXPECT_EQ(miconform_arena_allocate(16, 8192), nullptr) << "alignment above a page";
  EXPECT_EQ(errno, ENOMEM);
  errno = 0;
  EXPECT_EQ(miconform_arena_allocate(16, 48), nullptr) << "alignment not a power of two";
  EXPECT_EQ(errno, ENOMEM);
}

// Spends the arena from four threads at once and checks the blocks; exits 0 with "arena ok" or 1
// with the reason. Runs in a death-test child so a failure cannot leave this process half-way.
[[noreturn]] void SpendArenaConcurrentlyAndCheck() {
  constexpr int kThreads = 4;
  std::vector<std::vector<std::pair<std::uintptr_t, std::size_t>>> taken(kThreads);
  for (auto& blocks : taken) blocks.reserve(70000);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&taken, t] {
      // Until the arena is spent: every thread ends with a clean NULL.
      for (std::size_t size = 8 + static_cast<std::size_t>(t);; size = size % 500 + 13) {
        void* block = miconform_arena_allocate(size, 16);
        if (block == nullptr) break;
        taken[t].emplace_back(reinterpret_cast<std::uintptr_t>(block), size);
      }
      // A refused large request can leave room for smaller ones (another thread may still be
      // taking them): end every thread on a refused one-byte request, so that once all threads
      // are done the arena is spent for every size.
      while (void* block = miconform_arena_allocate(1, 16)) {
        taken[t].emplace_back(reinterpret_cast<std::uintptr_t>(block), 1);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  std::vector<std::pair<std::uintptr_t, std::size_t>> all;
  for (const auto& blocks : taken) all.insert(all.end(), blocks.begin(), blocks.end());
  auto fail = [](const char* reason) {
    std::fprintf(stderr, "%s\n", reason);
    std::exit(1);
  };
  if (all.size() < 100) fail("too few blocks before exhaustion");
  std::sort(all.begin(), all.end());
  for (std::size_t i = 1; i < all.size(); ++i) {
    if (all[i - 1].first + all[i - 1].second > all[i].first) fail("blocks overlap");
    if (miconform_arena_block_size(reinterpret_cast<void*>(all[i].first)) != all[i].second)
      fail("a size header was overwritten");
  }
  if (miconform_arena_allocate(1, 16) != nullptr) fail("the arena did not stay spent");
  std::fprintf(stderr, "arena ok\n");
  std::exit(0);
}

void SpendArenaUntilEmpty() {
  while (miconform_arena_allocate(1000, 16) != nullptr) {
  }
  while (miconform_arena_allocate(1, 16) != nullptr) {
  }
}

TEST_F(HeapBootstrapArena, ConcurrentBumpsNeverOverlapAndExhaustionIsClean) {
  EXPECT_EXIT(SpendArenaConcurrentlyAndCheck(), ::testing::ExitedWithCode(0), "arena ok");
  // Once spent, the arena refuses instead of handing out overlapping memory.
  SpendArenaUntilEmpty();
  errno = 0;
  EXPECT_EQ(miconform_arena_allocate(1, 16), nullptr);
  EXPECT_EQ(errno, ENOMEM);
}

}  // namespace
}  // namespace miconform::heap::selftest

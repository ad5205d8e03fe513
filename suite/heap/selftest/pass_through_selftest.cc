// pass_through_selftest.cc - self-tests of the library's conservative fallback, run with a test
// variant preloaded that refuses the RTLD_NEXT lookup: the process keeps working on glibc's own
// entry points, and the accounting honestly reports itself inactive.
#include <dlfcn.h>
#include <errno.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "miconform/heap_probe.h"
#include "opaque_allocation.h"

namespace miconform::heap::selftest {
namespace {

TEST(HeapPassThrough, LibraryIsLoadedButReportsInactive) {
  auto active = reinterpret_cast<int (*)()>(dlsym(RTLD_DEFAULT, "miconform_heap_active"));
  ASSERT_NE(active, nullptr) << "this test must run with the pass-through test library preloaded";
  EXPECT_EQ(active(), 0);
  EXPECT_FALSE(HeapAccountingActive());
  EXPECT_FALSE(TakeHeapSnapshot().has_value());
  EXPECT_FALSE(MeasureAround([] {}).has_value());
}

TEST(HeapPassThrough, EveryEntryPointStillWorks) {
  auto* text = static_cast<char*>(opaque_malloc(10));
  ASSERT_NE(text, nullptr);
  std::strcpy(text, "session");
  text = static_cast<char*>(opaque_realloc(text, 100000));
  ASSERT_NE(text, nullptr);
  EXPECT_STREQ(text, "session");
  opaque_free(text);

  auto* zeroed = static_cast<unsigned char*>(opaque_calloc(64, 64));
  ASSERT_NE(zeroed, nullptr);
  for (int i = 0; i < 64 * 64; ++i) ASSERT_EQ(zeroed[i], 0);
  opaque_free(zeroed);

  void* aligned = nullptr;
  ASSERT_EQ(opaque_posix_memalign(&aligned, 128, 1000), 0);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(aligned) % 128, 0u);
  opaque_free(aligned);
  EXPECT_EQ(opaque_posix_memalign(&aligned, 3, 1000), EINVAL);
  for (void* block : {opaque_aligned_alloc(256, 512), opaque_memalign(64, 10), opaque_valloc(10),
                      opaque_pvalloc(10)}) {
    ASSERT_NE(block, nullptr);
    opaque_free(block);
  }
}

TEST(HeapPassThrough, ThreadsAllocateAndFreeAcrossEachOther) {
  std::vector<void*> blocks(4000, nullptr);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&blocks, t] {
      for (std::size_t i = t; i < blocks.size(); i += 4) blocks[i] = opaque_malloc(16 + i);
    });
  }
  for (std::thread& thread : threads) thread.join();
  threads.clear();
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&blocks, t] {
      for (std::size_t i = (t + 1) % 4; i < blocks.size(); i += 4) opaque_free(blocks[i]);
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::string survived(1000, 'x');  // the heap is still sound
  EXPECT_EQ(survived.size(), 1000u);
}

}  // namespace
}  // namespace miconform::heap::selftest

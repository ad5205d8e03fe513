// case_details_selftest.cc - self-tests of the facts the writers share: the target's frames of a
// stack (eu-stack -m and gdb text), the injection points that fired.
#include <gtest/gtest.h>

#include "case_details.h"

namespace miconform::report::details {
namespace {

constexpr const char* kEuStack =
    "$ /usr/bin/eu-stack -m -p 19876\n"
    "PID 19876 - process\n"
    "TID 19876:\n"
    "#0  0x00007f04fa8a3f16 __futex_abstimed_wait_common - /usr/lib/x86_64-linux-gnu/libc.so.6\n"
    "#1  0x000055acc4e1f1f5 miconform::mocks::HarnessWait() - /opt/bin/miconform\n"
    "TID 19877:\n"
    "#0  0x00007f04fa8a412b __GI___lll_lock_wait - /usr/lib/x86_64-linux-gnu/libc.so.6\n"
    "#1  0x00007f04fa8aa482 __pthread_mutex_lock@GLIBC_2.2.5 - "
    "/usr/lib/x86_64-linux-gnu/libc.so.6\n"
    "#2  0x00007f04fb2e250f Vendor::Session::Close(void*, void (*)(void*)) - "
    "/opt/vendor/lib/libmi.so\n"
    "#3  0x00007f04fb2e452a Vendor::SessionClose(_MI_Session*) - /opt/vendor/lib/libmi.so\n"
    "TID 19878:\n"
    "#0  0x00007f04fb2e0000 - /opt/vendor/lib/libmi.so\n";

TEST(TargetFrames, TheFirstFrameOfTheLibraryInEachThreadWithWhatItHadCalled) {
  const std::vector<TargetFrame> frames = TargetFrames(kEuStack, "/usr/lib/libmi.so");
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(TargetFrameText(frames[0]),
            "TID 19877: Vendor::Session::Close(void*, void (*)(void*)), in "
            "__pthread_mutex_lock@GLIBC_2.2.5");
  EXPECT_EQ(TargetFrameText(frames[1]), "TID 19878: (no symbol)");
  // The library's frames of each thread alone, the harness's and the system's left out.
  EXPECT_EQ(TargetStacksText(frames),
            "TID 19877, in __pthread_mutex_lock@GLIBC_2.2.5:\n"
            "  Vendor::Session::Close(void*, void (*)(void*))\n"
            "  Vendor::SessionClose(_MI_Session*)\n"
            "TID 19878:\n"
            "  (no symbol)\n");
}

TEST(TargetFrames, GdbFramesFromALibraryAndStacksWithoutModules) {
  const std::string gdb =
      "Thread 2 (Thread 0x7f04f9 (LWP 19877) \"miconform\"):\n"
      "#0  0x00007f04fa8a412b in __lll_lock_wait () from /lib/x86_64-linux-gnu/libc.so.6\n"
      "#1  0x00007f04fb2e250f in Vendor::Session::Close(void*) () from /opt/vendor/lib/libmi.so\n";
  const std::vector<TargetFrame> frames = TargetFrames(gdb, "libmi.so");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(TargetFrameText(frames[0]),
            "LWP 19877: Vendor::Session::Close(void*) (), in __lll_lock_wait ()");
  // Another gdb's header, the name inside the parentheses; a versioned file behind a link.
  const std::vector<TargetFrame> linked = TargetFrames(
      "Thread 1 (LWP 42 \"mi\"):\n#0  0x1 in Vendor::Close () from "
      "/opt/vendor/lib/libmi.so.1.0.0\n",
      "/usr/lib/libmi.so");
  ASSERT_EQ(linked.size(), 1u);
  EXPECT_EQ(TargetFrameText(linked[0]), "LWP 42: Vendor::Close ()");
  EXPECT_TRUE(TargetFrames("TID 1:\n#0  0x1 Other - /opt/lib/libmi.sox.so\n", "libmi.so").empty());
  // Without modules (eu-stack without -m) nothing can be told apart; no library, nothing either.
  EXPECT_TRUE(TargetFrames("TID 1:\n#0  0x1 Vendor::Session::Close\n", "libmi.so").empty());
  EXPECT_TRUE(TargetFrames(kEuStack, "").empty());
}

TEST(FiredPoints, EachPointOnceInTheOrderItFirstFiredWithItsCount) {
  EXPECT_EQ(FiredPoints({"callback.before_ack", "callback.after_ack", "callback.before_ack",
                         "handler.before_result", "callback.after_ack", "callback.before_ack"}),
            (std::vector<std::string>{"callback.before_ack (3 times)",
                                      "callback.after_ack (2 times)", "handler.before_result"}));
  EXPECT_TRUE(FiredPoints({}).empty());
}

}  // namespace
}  // namespace miconform::report::details

// quiescence_selftest.cc - the quiescence proof (quiescence.h): the classification of a thread from
// its /proc syscall line, and the proof against real processes parked each way
// (quiescence_test_child): a lock-order deadlock, a join on a parked thread and an untimed
// condition wait are proven; a timed wait, a sleep, a spinning thread and a pipe read are not.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "quiescence.h"

extern char** environ;

namespace miconform::watchdog {
namespace {

using namespace std::chrono_literals;

ThreadWait Classify(char state, const std::string& syscall_text, bool private_memory = true) {
  std::string how;
  return ClassifyThread(
      state, syscall_text, [private_memory](std::uint64_t) { return private_memory; }, &how);
}

std::string Futex(unsigned op, unsigned long timeout) {
  char text[200];
  std::snprintf(text, sizeof text, "%ld 0x7f00aa10 0x%x 0x2 0x%lx 0x0 0x0 0x7ffd0000 0x7f001234",
                static_cast<long>(SYS_futex), op, timeout);
  return text;
}

TEST(QuiescenceClassify, UntimedPrivateFutexWaitIsParkedForGood) {
  EXPECT_EQ(Classify('S', Futex(0x80, 0)), ThreadWait::kParkedForGood);  // FUTEX_WAIT_PRIVATE
  EXPECT_EQ(Classify('S', Futex(0x189, 0)),
            ThreadWait::kParkedForGood);  // WAIT_BITSET|PRIVATE|REALTIME
  EXPECT_EQ(Classify('S', Futex(0x86, 0)), ThreadWait::kParkedForGood);  // LOCK_PI_PRIVATE
}

TEST(QuiescenceClassify, SharedFutexIsParkedOnlyOnPrivateMemory) {
  EXPECT_EQ(Classify('S', Futex(0x9, 0), /*private_memory=*/true), ThreadWait::kParkedForGood);
  EXPECT_EQ(Classify('S', Futex(0x9, 0), /*private_memory=*/false), ThreadWait::kMayWake);
}

TEST(QuiescenceClassify, TimedWaitsSleepsAndIoMayWake) {
  EXPECT_EQ(Classify('S', Futex(0x89, 0x7ffd1000)), ThreadWait::kMayWake);
  EXPECT_EQ(Classify('S', Futex(0x81, 0)), ThreadWait::kMayWake);  // FUTEX_WAKE: no wait
  EXPECT_EQ(Classify('S', std::to_string(SYS_nanosleep) + " 0x1 0x0 0x0 0x0 0x0 0x0 0x1 0x2"),
            ThreadWait::kMayWake);
  EXPECT_EQ(Classify('S', std::to_string(SYS_read) + " 0x3 0x7ff 0x1 0x0 0x0 0x0 0x1 0x2"),
            ThreadWait::kMayWake);
  EXPECT_EQ(Classify('D', Futex(0x80, 0)), ThreadWait::kMayWake);
  EXPECT_EQ(Classify('S', "-1 0x7ffd0000 0x7f001234"), ThreadWait::kMayWake);
}

TEST(QuiescenceClassify, RunningAndUnreadable) {
  EXPECT_EQ(Classify('R', Futex(0x80, 0)), ThreadWait::kRunning);
  EXPECT_EQ(Classify('S', "running\n"), ThreadWait::kRunning);
  EXPECT_EQ(Classify('S', "garbage"), ThreadWait::kUnknown);
  EXPECT_EQ(Classify('S', ""), ThreadWait::kUnknown);
}

// A quiescence_test_child in the given mode, killed when the test ends.
class ParkedChild {
 public:
  explicit ParkedChild(const std::string& mode) {
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    const std::string program = QUIESCENCE_TEST_CHILD;
    char* argv[] = {const_cast<char*>(program.c_str()), const_cast<char*>(mode.c_str()), nullptr};
    if (posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv, environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    char text[16] = {};
    ready_ =
        pid_ > 0 && ::read(out[0], text, sizeof text - 1) > 0 && std::string(text) == "ready\n";
    ::close(out[0]);
  }
  ~ParkedChild() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  pid_t pid() const { return pid_; }
  bool ready() const { return ready_; }

 private:
  pid_t pid_ = -1;
  bool ready_ = false;
};

// Samples `pid` every 10 ms for at most `limit`; true as soon as 3 samples prove it quiescent.
bool ProvenWithin(pid_t pid, std::chrono::milliseconds limit, std::string* why,
                  const std::set<pid_t>& excluded = {}) {
  QuiescenceProof proof(3, 10ms);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (proof.Add(SampleProcess(pid), excluded, std::chrono::steady_clock::now())) {
      *why = proof.explanation();
      return true;
    }
    std::this_thread::sleep_for(10ms);
  }
  *why = proof.explanation();
  return false;
}

class QuiescenceProven : public ::testing::TestWithParam<const char*> {};

TEST_P(QuiescenceProven, WithinASecond) {
  ParkedChild child(GetParam());
  ASSERT_TRUE(child.ready());
  std::string why;
  EXPECT_TRUE(ProvenWithin(child.pid(), 3s, &why)) << why << "\n"
                                                   << DescribeSample(SampleProcess(child.pid()));
}

INSTANTIATE_TEST_SUITE_P(Parked, QuiescenceProven,
                         ::testing::Values("lock-pair", "join-parked", "cond-wait"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

struct NotProvenCase {
  const char* mode;
  const char* explanation;  // what the explanation must mention
};

class QuiescenceNotProven : public ::testing::TestWithParam<NotProvenCase> {};

TEST_P(QuiescenceNotProven, OverHalfASecond) {
  ParkedChild child(GetParam().mode);
  ASSERT_TRUE(child.ready());
  std::this_thread::sleep_for(50ms);  // let the process reach its wait
  std::string why;
  EXPECT_FALSE(ProvenWithin(child.pid(), 500ms, &why)) << why;
  EXPECT_NE(why.find(GetParam().explanation), std::string::npos) << why;
}

INSTANTIATE_TEST_SUITE_P(MayWake, QuiescenceNotProven,
                         ::testing::Values(NotProvenCase{"timed-wait", "timed futex wait"},
                                           NotProvenCase{"sleep", "nanosleep"},
                                           NotProvenCase{"spin", "running"},
                                           NotProvenCase{"read-pipe", "read"},
                                           NotProvenCase{"parked-and-timed", "timed futex wait"}),
                         [](const auto& info) {
                           std::string name = info.param.mode;
                           for (char& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

TEST(QuiescenceProof, ExcludedThreadsAreLeftOut) {
  ParkedChild child("parked-and-timed");  // main thread (tid == pid) in a timed wait
  ASSERT_TRUE(child.ready());
  std::string why;
  EXPECT_TRUE(ProvenWithin(child.pid(), 3s, &why, {child.pid()})) << why;
}

TEST(QuiescenceProof, AGoneProcessIsNoProof) {
  pid_t pid = 0;
  {
    ParkedChild child("cond-wait");
    ASSERT_TRUE(child.ready());
    pid = child.pid();
  }
  std::string why;
  EXPECT_FALSE(ProvenWithin(pid, 100ms, &why));
}

TEST(QuiescenceProof, AThreadThatRanBetweenSamplesRestartsIt) {
  ProcessSample parked;
  parked.ok = true;
  parked.threads.push_back(
      {1, "main", 'S', 10, "202 0x1 0x80", ThreadWait::kParkedForGood, "untimed"});
  ProcessSample ran = parked;
  ran.threads[0].runs = 11;
  QuiescenceProof proof(2, 1ms);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(proof.Add(parked, {}, start));
  EXPECT_FALSE(proof.Add(ran, {}, start + 5ms));
  EXPECT_EQ(proof.consecutive(), 0);
  EXPECT_FALSE(proof.Add(ran, {}, start + 10ms));
  EXPECT_TRUE(proof.Add(ran, {}, start + 15ms));
  // A sample taken sooner than the interval after the last one is not counted.
  QuiescenceProof slow(2, 100ms);
  EXPECT_FALSE(slow.Add(parked, {}, start));
  EXPECT_FALSE(slow.Add(parked, {}, start + 10ms));
  EXPECT_TRUE(slow.Add(parked, {}, start + 100ms));
}

}  // namespace
}  // namespace miconform::watchdog

namespace miconform::watchdog {
namespace {

TEST(ProcStatParse, ANameWithParenthesesAndSpacesIsReadToTheLastParenthesis) {
  const ProcStat stat =
      ParseProcStat("42 (a) b (c)) S 1 42 42 0 -1 4194560 100 0 0 0 7 5 0 0 20 0 1 0 100 0 0");
  ASSERT_TRUE(stat.ok);
  EXPECT_EQ(stat.name, "a) b (c)");
  EXPECT_EQ(stat.state, 'S');
  EXPECT_EQ(stat.ppid, 1);
  EXPECT_EQ(stat.pgrp, 42);
  EXPECT_EQ(stat.cpu_ticks, 12u);
  EXPECT_EQ(stat.start_time, 100u);
  EXPECT_FALSE(ParseProcStat("garbage").ok);
  EXPECT_FALSE(ParseProcStat("1 (x) S 1").ok);
}

}  // namespace
}  // namespace miconform::watchdog

// process_selftest.cc - the real launcher against misbehaving children (watchdog_test_child):
// exit decoding, hangs with evidence, crashes, a grandchild holding the pipes, channel integrity,
// parallel runs, launch failure and SIGTERM; after each, nothing of ours is left running.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "watchdog.h"

namespace miconform::watchdog {
namespace {

using namespace std::chrono_literals;
using End = Outcome::End;

// A sanitizer's background thread (ThreadSanitizer starts one with the first extra thread) may keep
// a proof from holding in the child: there the timers may decide.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kChildHangsProvable = false;
#else
constexpr bool kChildHangsProvable = true;
#endif

ChildSpec ChildIn(const std::string& mode, std::chrono::milliseconds timeout = 30s,
                  std::chrono::milliseconds hang_window = 300ms) {
  ChildSpec spec;
  spec.id = mode;
  spec.argv = {WATCHDOG_TEST_CHILD, mode};
  spec.timeout = timeout;
  spec.hang_window = hang_window;
  // Let crashes reach the kernel as signals even when the child is built with a sanitizer.
  spec.env = {{"TSAN_OPTIONS", "handle_segv=0:handle_abort=0"},
              {"ASAN_OPTIONS", "handle_segv=0:handle_abort=0"},
              {"UBSAN_OPTIONS", "handle_segv=0:handle_abort=0"}};
  return spec;
}

// The pid a child reported in its first line, "trace pid <pid>"; -1 if none.
pid_t ReportedPid(const Outcome& outcome, const std::string& key = "pid") {
  const std::string prefix = "trace " + key + " ";
  for (const std::string& line : outcome.lines) {
    if (line.rfind(prefix, 0) == 0)
      return static_cast<pid_t>(std::stol(line.substr(prefix.size())));
  }
  return -1;
}

bool Gone(pid_t pid) { return ::kill(pid, 0) == -1 && errno == ESRCH; }

// This test process starts no other processes, so after RunAll it must have no child at all.
void ExpectNothingLeft(const Outcome& outcome) {
  // Named before it is reaped, so a failure says which process was left and in what state.
  siginfo_t left{};
  if (::waitid(P_ALL, 0, &left, WEXITED | WNOHANG | WNOWAIT) == 0 && left.si_pid != 0) {
    std::ifstream stat("/proc/" + std::to_string(left.si_pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    ADD_FAILURE() << "child " << left.si_pid << " of the test process was left unreaped: " << line;
  }
  errno = 0;
  EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD) << "a child of the test process is still there";
  const pid_t pid = ReportedPid(outcome);
  if (pid > 0) {
    EXPECT_TRUE(Gone(pid)) << "child " << pid << " still exists";
    EXPECT_TRUE(::kill(-pid, 0) == -1 && errno == ESRCH) << "group " << pid << " still has members";
  }
}

Outcome Supervise(const ChildSpec& spec) {
  Watchdog watchdog;
  Outcome outcome = watchdog.RunOne(spec);
  ExpectNothingLeft(outcome);
  // A sanitizer report of the child (the phase channel is shared by its threads) fails the test.
  EXPECT_EQ(outcome.output.find("Sanitizer"), std::string::npos) << outcome.output;
  return outcome;
}

TEST(ProcessWatchdog, ChildThatWritesPhasesAndExitsZero) {
  const Outcome outcome = Supervise(ChildIn("phases"));
  EXPECT_EQ(outcome.end, End::kExited);
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_EQ(outcome.last_phase, "returned MI_Session_Close");
  ASSERT_EQ(outcome.lines.size(), 4u);
  EXPECT_EQ(outcome.lines[1], "phase entered MI_Session_Close");
  EXPECT_EQ(outcome.lines[3], "verdict PASS");
  EXPECT_EQ(outcome.leftovers_killed, 0);
  EXPECT_GT(outcome.duration_s, 0.0);
}

TEST(ProcessWatchdog, EarlyExitThree) {
  const Outcome outcome = Supervise(ChildIn("exit3"));
  EXPECT_EQ(outcome.end, End::kExited);
  EXPECT_EQ(outcome.exit_code, 3);
  EXPECT_EQ(outcome.last_phase, "about to fail");
}

TEST(ProcessWatchdog, ArmedDeadlockTimesOutWithStacksAndThreadStates) {
  const Outcome outcome =
      Supervise(ChildIn("deadlock-armed", /*timeout=*/60s, /*hang_window=*/300ms));
  EXPECT_EQ(outcome.end, End::kTimedOut);
  EXPECT_TRUE(outcome.armed_at_timeout);
  EXPECT_EQ(outcome.armed_requirement, "REQ-TEST-1");
  EXPECT_EQ(outcome.armed_call, "MI_Session_Close");
  EXPECT_EQ(outcome.last_phase, "entered MI_Session_Close");
  EXPECT_EQ(outcome.signal, SIGKILL);
  EXPECT_FALSE(outcome.stacks.empty());
  EXPECT_NE(outcome.stacks.find("-p " + std::to_string(ReportedPid(outcome))), std::string::npos)
      << outcome.stacks;
  // Two threads, both asleep.
  EXPECT_GE(std::count(outcome.thread_states.begin(), outcome.thread_states.end(), '\n'), 2)
      << outcome.thread_states;
  EXPECT_NE(outcome.thread_states.find("state S"), std::string::npos) << outcome.thread_states;
}

TEST(ProcessWatchdog, UnarmedHangTimesOutNotArmed) {
  const Outcome outcome = Supervise(ChildIn("hang-unarmed", /*timeout=*/300ms));
  EXPECT_EQ(outcome.end, End::kTimedOut);
  if (kChildHangsProvable) {
    EXPECT_TRUE(outcome.hang_proven) << outcome.hang_proof;
  }
  EXPECT_FALSE(outcome.armed_at_timeout);
  EXPECT_EQ(outcome.last_phase, "waiting forever");
  EXPECT_FALSE(outcome.stacks.empty());
  EXPECT_FALSE(outcome.thread_states.empty());
}

TEST(ProcessWatchdog, CpuSpinIsProgressAndEndsAtTheBudget) {
  ChildSpec spec = ChildIn("spin", /*timeout=*/300ms);
  spec.budget = 1s;  // a spinning thread is running: never hung, only too slow to judge
  const Outcome outcome = Supervise(spec);
  EXPECT_EQ(outcome.end, End::kOverBudget);
  EXPECT_FALSE(outcome.hang_proven);
  EXPECT_EQ(outcome.last_phase, "spinning");
  EXPECT_FALSE(outcome.thread_states.empty());
}

TEST(ProcessWatchdog, SegfaultIsSignaled) {
  const Outcome outcome = Supervise(ChildIn("segv"));
  EXPECT_EQ(outcome.end, End::kSignaled) << outcome.output;
  EXPECT_EQ(outcome.signal, SIGSEGV);
  EXPECT_EQ(outcome.last_phase, "about to crash");
}

TEST(ProcessWatchdog, AbortIsSignaled) {
  const Outcome outcome = Supervise(ChildIn("abort"));
  EXPECT_EQ(outcome.end, End::kSignaled) << outcome.output;
  EXPECT_EQ(outcome.signal, SIGABRT);
}

// A child with the crash-stack dump (crash_stacks.h): still killed by the same signal, and its
// output names the signal and shows the stack of a thread other than the crashing one.
void ExpectCrashStacks(const std::string& mode) {
  const Outcome outcome = Supervise(ChildIn(mode));
  for (const std::string& line : outcome.lines) {
    if (line == "trace crash stacks not installed") {
      GTEST_SKIP() << "no eu-stack or gdb on PATH, or a sanitizer build";
    }
  }
  EXPECT_EQ(outcome.end, End::kSignaled) << outcome.output;
  EXPECT_EQ(outcome.signal, SIGABRT);
  EXPECT_NE(outcome.output.find("fatal signal ABRT (6)"), std::string::npos) << outcome.output;
  EXPECT_NE(outcome.output.find("ParkedHelperForCrashStacks"), std::string::npos) << outcome.output;
  EXPECT_NE(outcome.output.find("end of stacks"), std::string::npos) << outcome.output;
  ExpectNothingLeft(outcome);
}

TEST(ProcessWatchdog, AbortWritesEveryThreadsStackBeforeDying) {
  ExpectCrashStacks("abort-with-stacks");
}

TEST(ProcessWatchdog, HeapCorruptionAbortWritesEveryThreadsStackBeforeDying) {
  ExpectCrashStacks("double-free-with-stacks");
}

TEST(ProcessWatchdog, GrandchildHoldingThePipesIsKilledAndDoesNotDelayTheEnd) {
  const Outcome outcome = Supervise(ChildIn("grandchild"));
  EXPECT_EQ(outcome.end, End::kExited);
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_GE(outcome.leftovers_killed, 1);
  const pid_t grandchild = ReportedPid(outcome, "grandchild");
  ASSERT_GT(grandchild, 0);
  EXPECT_TRUE(Gone(grandchild)) << "grandchild " << grandchild << " survived";
  // Ending promptly means the pipes closed when the group died, not when the drain limit passed.
  EXPECT_EQ(outcome.output.find("still open"), std::string::npos) << outcome.output;
}

// Found: a child that moved itself into the runner's group was never killed (every kill went to
// its old group) and the runner waited for it forever.
TEST(ProcessWatchdog, ChildThatLeavesItsGroupIsStillKilledAtTheTimeout) {
  const Outcome outcome = Supervise(ChildIn("escape-group", /*timeout=*/300ms));
  EXPECT_EQ(outcome.end, End::kTimedOut);
  EXPECT_EQ(outcome.last_phase, "left its group");
}

// Found: a daemonising helper (double fork, setsid) outlived the runner, the case still passed.
TEST(ProcessWatchdog, DaemonisedHelperOfAChildThatEndsIsKilled) {
  const Outcome outcome = Supervise(ChildIn("daemonize"));
  EXPECT_EQ(outcome.end, End::kExited);
  const pid_t daemon = ReportedPid(outcome, "daemon");
  ASSERT_GT(daemon, 0);
  EXPECT_TRUE(Gone(daemon)) << "daemon " << daemon << " survived";
  EXPECT_GE(outcome.leftovers_killed, 1);
}

TEST(ProcessWatchdog, DaemonisedHelperOfAHungChildIsKilled) {
  const Outcome outcome = Supervise(ChildIn("daemonize-then-hang", /*timeout=*/300ms));
  EXPECT_EQ(outcome.end, End::kTimedOut);
  const pid_t daemon = ReportedPid(outcome, "daemon");
  ASSERT_GT(daemon, 0);
  EXPECT_TRUE(Gone(daemon)) << "daemon " << daemon << " survived";
}

// Found: kill(getppid(), SIGTERM) from a library interrupted the whole run.
TEST(ProcessWatchdog, SignalsAChildSendsToTheRunnerAreRecordedOnItAndIgnored) {
  for (const char* mode : {"sigterm-runner", "sighup-runner"}) {
    Watchdog watchdog;
    const std::vector<ChildSpec> specs = {ChildIn(mode), ChildIn("phases")};
    std::vector<Outcome> outcomes(specs.size());
    watchdog.RunAll(specs, 1, [&](std::size_t index, Outcome outcome) {
      outcomes.at(index) = std::move(outcome);
    });
    EXPECT_FALSE(watchdog.interrupted()) << mode;
    EXPECT_EQ(outcomes[0].end, End::kExited) << mode;
    EXPECT_EQ(outcomes[0].last_phase, "after the signal") << mode;
    ASSERT_EQ(outcomes[0].signals_to_runner.size(), 1u) << mode;
    EXPECT_NE(outcomes[0].signals_to_runner[0].find(
                  std::string(mode) == "sigterm-runner" ? "SIGTERM" : "SIGHUP"),
              std::string::npos)
        << outcomes[0].signals_to_runner[0];
    EXPECT_EQ(outcomes[1].end, End::kExited) << mode;
    ExpectNothingLeft(outcomes[0]);
  }
}

// Found: the channel's descriptor was advertised in the environment, and whatever arrived on it was
// trusted: a library writing "end" there made a case PASS.
TEST(ProcessWatchdog, TheChannelIsNotLeftInTheChildsEnvironment) {
  const Outcome outcome = Supervise(ChildIn("channel-variable"));
  EXPECT_NE(outcome.output.find("MICONFORM_CHANNEL absent"), std::string::npos) << outcome.output;
  EXPECT_NE(ReportedPid(outcome), -1) << "the channel itself still works";
}

TEST(ProcessWatchdog, LinesTheHarnessDidNotFrameAreForeignNotFacts) {
  const Outcome outcome = Supervise(ChildIn("forge-end"));
  EXPECT_EQ(outcome.end, End::kExited);
  EXPECT_EQ(std::find(outcome.lines.begin(), outcome.lines.end(), "end"), outcome.lines.end());
  EXPECT_EQ(std::find(outcome.lines.begin(), outcome.lines.end(), "verdict PASS"),
            outcome.lines.end());
  EXPECT_EQ(outcome.foreign_channel_bytes, std::string("end\nverdict PASS\n").size());
  EXPECT_EQ(outcome.foreign_channel_sample, "end\nverdict PASS\n");
}

TEST(ProcessWatchdog, AFloodWithoutNewlineIsForeignAndNeverHeldWhole) {
  const Outcome outcome = Supervise(ChildIn("flood-no-newline"));
  EXPECT_EQ(outcome.end, End::kExited);
  EXPECT_EQ(outcome.foreign_channel_bytes, std::size_t{32} << 20);
  EXPECT_LE(outcome.foreign_channel_sample.size(), 512u);
  EXPECT_EQ(outcome.last_phase, "writing on stray descriptors");
}

TEST(ProcessWatchdog, ArmThenDisarmThenExit) {
  const Outcome outcome = Supervise(ChildIn("arm-disarm"));
  EXPECT_EQ(outcome.end, End::kExited);
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_NE(
      std::find(outcome.lines.begin(), outcome.lines.end(), "arm REQ-TEST-2 MI_Operation_Close"),
      outcome.lines.end());
  EXPECT_EQ(outcome.lines.back(), "disarm");
}

TEST(ProcessWatchdog, VeryLongLineIsCutAndNewlinesReplaced) {
  const Outcome outcome = Supervise(ChildIn("long-line"));
  ASSERT_EQ(outcome.lines.size(), 3u);
  EXPECT_EQ(outcome.lines[1].size(), 3999u);
  EXPECT_EQ(outcome.lines[1].rfind("phase xxxx", 0), 0u);
  EXPECT_EQ(outcome.lines[2], "message first second");
}

TEST(ProcessWatchdog, ManyThreadsNeverInterleaveWithinALine) {
  const Outcome outcome = Supervise(ChildIn("threads"));
  EXPECT_EQ(outcome.end, End::kExited);
  EXPECT_EQ(outcome.exit_code, 0);
  const std::regex line_shape(R"(trace thread ([0-7]) line (\d+) ([a-h]{200}))");
  std::set<std::string> seen;
  int traces = 0;
  for (const std::string& line : outcome.lines) {
    if (line.rfind("trace thread", 0) != 0) continue;
    ++traces;
    std::smatch match;
    ASSERT_TRUE(std::regex_match(line, match, line_shape)) << line.substr(0, 120);
    EXPECT_EQ(match[3].str(), std::string(200, static_cast<char>('a' + std::stoi(match[1].str()))));
    seen.insert(match[1].str() + ":" + match[2].str());
  }
  EXPECT_EQ(traces, 8 * 500);
  EXPECT_EQ(seen.size(), 8u * 500u);
  EXPECT_EQ(outcome.last_phase, "threads done");
}

TEST(ProcessWatchdog, EnvironmentOverridesReachTheChild) {
  ChildSpec spec = ChildIn("env");
  spec.env.emplace_back("WATCHDOG_TEST_VALUE", "from the spec");
  const Outcome outcome = Supervise(spec);
  EXPECT_NE(std::find(outcome.lines.begin(), outcome.lines.end(), "trace value from the spec"),
            outcome.lines.end());
}

TEST(ProcessWatchdog, OutputKeepsStdoutAndStderrAndOnlyTheTail) {
  const Outcome outcome = Supervise(ChildIn("output"));
  EXPECT_EQ(outcome.end, End::kExited);
  EXPECT_LE(outcome.output.size(), 64u * 1024u);
  EXPECT_NE(outcome.output.find("last words"), std::string::npos);
  // 200 KB were written, so the first lines fell out of the tail.
  EXPECT_EQ(outcome.output.find("to stdout"), std::string::npos);
}

TEST(ProcessWatchdog, StdoutAndStderrBothArrive) {
  ChildSpec spec = ChildIn("unknown-mode");
  const Outcome outcome = Supervise(spec);
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_NE(outcome.output.find("unknown mode 'unknown-mode'"), std::string::npos)
      << outcome.output;
}

TEST(ProcessWatchdog, NonexistentExecutableIsALaunchFailure) {
  ChildSpec spec;
  spec.id = "missing";
  spec.argv = {"/nonexistent/miconform-case"};
  const Outcome outcome = Supervise(spec);
  EXPECT_EQ(outcome.end, End::kLaunchFailed);
  EXPECT_NE(outcome.launch_error.find("/nonexistent/miconform-case"), std::string::npos);
  EXPECT_NE(outcome.launch_error.find("No such file or directory"), std::string::npos)
      << outcome.launch_error;

  spec.argv = {};
  EXPECT_EQ(Supervise(spec).end, End::kLaunchFailed);
}

TEST(ProcessWatchdog, RunAllWithTwoJobsReportsEachIndexOnce) {
  const std::vector<std::string> modes = {"phases",     "exit3",        "segv", "arm-disarm",
                                          "grandchild", "hang-unarmed", "env"};
  std::vector<ChildSpec> specs;
  for (const std::string& mode : modes) specs.push_back(ChildIn(mode, /*timeout=*/400ms));
  Watchdog watchdog;
  std::vector<int> calls(specs.size(), 0);
  std::vector<Outcome> outcomes(specs.size());
  watchdog.RunAll(specs, 2, [&](std::size_t index, Outcome outcome) {
    ++calls.at(index);
    outcomes.at(index) = std::move(outcome);
  });
  for (std::size_t i = 0; i < specs.size(); ++i) {
    EXPECT_EQ(calls[i], 1) << modes[i];
    ExpectNothingLeft(outcomes[i]);
  }
  EXPECT_EQ(outcomes[0].end, End::kExited);
  EXPECT_EQ(outcomes[1].exit_code, 3);
  EXPECT_EQ(outcomes[2].signal, SIGSEGV);
  EXPECT_EQ(outcomes[3].lines.back(), "disarm");
  EXPECT_GE(outcomes[4].leftovers_killed, 1);
  EXPECT_EQ(outcomes[5].end, End::kTimedOut);
  EXPECT_FALSE(watchdog.interrupted());
}

TEST(ProcessWatchdog, SigtermKillsTheRunningChildAndInterruptsTheRest) {
  char directory_template[] = "/tmp/miconform-watchdog-XXXXXX";
  ASSERT_NE(::mkdtemp(directory_template), nullptr);
  const std::filesystem::path ready = std::filesystem::path(directory_template) / "ready";
  std::vector<ChildSpec> specs = {ChildIn("hang-unarmed", /*timeout=*/60s), ChildIn("phases"),
                                  ChildIn("phases")};
  specs[0].env.emplace_back("WATCHDOG_TEST_READY_FILE", ready.string());

  Watchdog watchdog;
  std::thread signaller([&ready] {
    // Condition wait on the file system: the child announces itself, then the runner is signalled.
    for (int i = 0; i < 3000 && !std::filesystem::exists(ready); ++i)
      std::this_thread::sleep_for(10ms);
    if (std::filesystem::exists(ready)) ::kill(::getpid(), SIGTERM);
  });
  std::vector<Outcome> outcomes(specs.size());
  watchdog.RunAll(specs, 1, [&](std::size_t index, Outcome outcome) {
    outcomes.at(index) = std::move(outcome);
  });
  signaller.join();
  std::filesystem::remove_all(directory_template);

  EXPECT_TRUE(watchdog.interrupted());
  for (const Outcome& outcome : outcomes) EXPECT_EQ(outcome.end, End::kInterrupted);
  EXPECT_EQ(outcomes[0].last_phase, "waiting forever");
  EXPECT_EQ(outcomes[0].signal, SIGKILL);
  ExpectNothingLeft(outcomes[0]);
}

}  // namespace
}  // namespace miconform::watchdog

// supervision_selftest.cc - the watchdog's rules tested with the scripted fake launcher (no fork):
// exit decoding, armed and unarmed timeouts, line reassembly, scheduling and interruption.
#include <csignal>
#include <memory>
#include <set>
#include <stdexcept>

#include <gtest/gtest.h>

#include "fake_launcher.h"
#include "watchdog.h"

namespace miconform::watchdog::testing {
namespace {

using namespace std::chrono_literals;
using End = Outcome::End;

ChildSpec Spec(const std::string& id, std::chrono::milliseconds timeout = 10s,
               std::chrono::milliseconds hang_window = 300ms) {
  ChildSpec spec;
  spec.id = id;
  spec.argv = {"fake"};
  spec.timeout = timeout;
  spec.hang_window = hang_window;
  return spec;
}

FakeScript Steps(std::vector<FakeStep> steps) {
  FakeScript script;
  script.steps = std::move(steps);
  return script;
}

Outcome RunFake(const std::shared_ptr<FakeLauncher>& launcher, const ChildSpec& spec) {
  Watchdog watchdog(launcher);
  Outcome result;
  watchdog.RunAll(
      {spec}, 1, [&result](std::size_t, Outcome outcome) { result = std::move(outcome); },
      /*handle_signals=*/false);
  return result;
}

TEST(FakeSupervision, ExitedWithCodeKeepsLinesInOrder) {
  auto launcher = std::make_shared<FakeLauncher>();
  launcher->scripts["c"] = Steps({Channel("phase one\n"), Channel("trace evidence\nphase two\n"),
                                  Output("some output"), Exit(3)});
  const Outcome outcome = RunFake(launcher, Spec("c"));
  EXPECT_EQ(outcome.end, End::kExited);
  EXPECT_EQ(outcome.exit_code, 3);
  EXPECT_EQ(outcome.signal, 0);
  EXPECT_EQ(outcome.last_phase, "two");
  EXPECT_EQ(outcome.lines, (std::vector<std::string>{"phase one", "trace evidence", "phase two"}));
  EXPECT_EQ(outcome.output, "some output");
  EXPECT_EQ(launcher->killed.load(), 0);
  EXPECT_EQ(launcher->finished.load(), 1);
}

TEST(FakeSupervision, SignaledIsDecodedFromTheRawStatus) {
  auto launcher = std::make_shared<FakeLauncher>();
  launcher->scripts["c"] = Steps({Channel("phase crashing\n"), Signal(SIGSEGV)});
  const Outcome outcome = RunFake(launcher, Spec("c"));
  EXPECT_EQ(outcome.end, End::kSignaled);
  EXPECT_EQ(outcome.signal, SIGSEGV);
  EXPECT_EQ(outcome.last_phase, "crashing");
}

TEST(FakeSupervision, ArmedHangIsKilledAfterTheHangWindowWithEvidence) {
  auto launcher = std::make_shared<FakeLauncher>();
  launcher->scripts["c"] =
      Steps({Channel("arm REQ-7 MI_Session_Close\nphase entered MI_Session_Close\n"), Hang()});
  const Outcome outcome = RunFake(launcher, Spec("c", /*timeout=*/60s, /*hang_window=*/300ms));
  EXPECT_EQ(outcome.end, End::kTimedOut);
  EXPECT_TRUE(outcome.armed_at_timeout);
  EXPECT_EQ(outcome.armed_requirement, "REQ-7");
  EXPECT_EQ(outcome.armed_call, "MI_Session_Close");
  EXPECT_EQ(outcome.last_phase, "entered MI_Session_Close");
  EXPECT_EQ(outcome.signal, SIGKILL);
  EXPECT_NE(outcome.stacks.find("futex_wait"), std::string::npos);
  EXPECT_NE(outcome.thread_states.find("state S"), std::string::npos);
  EXPECT_EQ(launcher->captured.load(), 1);
  EXPECT_EQ(launcher->killed.load(), 1);
}

TEST(FakeSupervision, DisarmedHangFallsBackToTheTimeout) {
  auto launcher = std::make_shared<FakeLauncher>();
  launcher->scripts["c"] =
      Steps({Channel("arm REQ-7 MI_Session_Close\ndisarm\nphase after\n"), Hang()});
  const Outcome outcome = RunFake(launcher, Spec("c", /*timeout=*/300ms, /*hang_window=*/60s));
  EXPECT_EQ(outcome.end, End::kTimedOut);
  EXPECT_FALSE(outcome.armed_at_timeout);
  EXPECT_TRUE(outcome.armed_requirement.empty());
  EXPECT_EQ(outcome.last_phase, "after");
}

TEST(FakeSupervision, PhasesWhileArmedKeepTheChildAlivePastItsTimeout) {
  auto launcher = std::make_shared<FakeLauncher>();
  FakeScript script;
  script.steps.push_back(Channel("arm REQ-7 MI_Session_Close\n"));
  for (int i = 0; i < 12; ++i)
    script.steps.push_back(Channel("phase tick " + std::to_string(i) + "\n", 50ms));
  script.steps.push_back(Exit(0));
  launcher->scripts["c"] = script;
  // 12 ticks of 50 ms outlast the 200 ms timeout; each lands well inside the 2 s hang window.
  const Outcome outcome = RunFake(launcher, Spec("c", /*timeout=*/200ms, /*hang_window=*/2s));
  EXPECT_EQ(outcome.end, End::kExited);
  EXPECT_EQ(outcome.last_phase, "tick 11");
  EXPECT_EQ(launcher->killed.load(), 0);
}

TEST(FakeSupervision, UnarmedHangIsKilledAfterTheTimeout) {
  auto launcher = std::make_shared<FakeLauncher>();
  launcher->scripts["c"] = Steps({Channel("phase waiting\n"), Hang()});
  const Outcome outcome = RunFake(launcher, Spec("c", /*timeout=*/300ms));
  EXPECT_EQ(outcome.end, End::kTimedOut);
  EXPECT_FALSE(outcome.armed_at_timeout);
  EXPECT_EQ(outcome.last_phase, "waiting");
  EXPECT_FALSE(outcome.stacks.empty());
}

TEST(FakeSupervision, AProvenHangIsDecidedWithoutWaitingForAnyTimer) {
  auto launcher = std::make_shared<FakeLauncher>();
  FakeScript script = Steps({Channel("phase entered MI_Session_Close\n"), Hang()});
  script.parked_when_hung = true;
  launcher->scripts["c"] = script;
  const auto start = std::chrono::steady_clock::now();
  const Outcome outcome = RunFake(launcher, Spec("c", /*timeout=*/60s, /*hang_window=*/30s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(outcome.end, End::kTimedOut);
  EXPECT_TRUE(outcome.hang_proven);
  EXPECT_NE(outcome.hang_proof.find("untimed private futex wait"), std::string::npos)
      << outcome.hang_proof;
  EXPECT_EQ(outcome.calls_in_flight, std::vector<std::string>{"MI_Session_Close"});
}

TEST(FakeSupervision, CallsInFlightFollowEnteredAndReturnedPhases) {
  auto launcher = std::make_shared<FakeLauncher>();
  launcher->scripts["c"] = Steps({Channel("phase entered A x\nphase entered B\nphase entered A y\n"
                                          "phase returned A (MI_RESULT_OK)\n"),
                                  Exit(0)});
  const Outcome outcome = RunFake(launcher, Spec("c"));
  EXPECT_EQ(outcome.calls_in_flight, (std::vector<std::string>{"B", "A"}));
}

TEST(FakeSupervision, TheHangWindowAppliesOnlyWhileTheArmedCallIsInFlight) {
  auto launcher = std::make_shared<FakeLauncher>();
  // Armed for MI_Application_Close, but blocked in another call: the hang window does not apply,
  // the (here short) stall limit does, and the outcome is not armed for the blocked call.
  launcher->scripts["c"] = Steps(
      {Channel("arm REQ-7 MI_Application_Close\nphase entered MI_Session_EnumerateInstances\n"),
       Hang()});
  const auto start = std::chrono::steady_clock::now();
  const Outcome outcome = RunFake(launcher, Spec("c", /*timeout=*/600ms, /*hang_window=*/100ms));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 600ms);
  EXPECT_EQ(outcome.end, End::kTimedOut);
  EXPECT_FALSE(outcome.hang_proven);
  EXPECT_EQ(outcome.calls_in_flight, std::vector<std::string>{"MI_Session_EnumerateInstances"});
}

TEST(FakeSupervision, AChildThatKeepsRunningIsOverBudgetNotHung) {
  auto launcher = std::make_shared<FakeLauncher>();
  FakeScript script = Steps({Channel("phase cycling\n"), Hang()});
  script.busy_when_hung = true;  // a thread runs between every two samples
  launcher->scripts["c"] = script;
  ChildSpec spec = Spec("c", /*timeout=*/200ms);
  spec.budget = 800ms;
  const Outcome outcome = RunFake(launcher, spec);
  EXPECT_EQ(outcome.end, End::kOverBudget);
  EXPECT_FALSE(outcome.progress.empty());
}

TEST(FakeSupervision, HarnessWaitsAreNotProgress) {
  auto launcher = std::make_shared<FakeLauncher>();
  // The only thread is the harness's waiting one: its runs do not count, so the stall limit ends
  // it.
  FakeScript script = Steps({Channel("phase waiting\nwait 1\n"), Hang()});
  script.busy_when_hung = true;
  launcher->scripts["c"] = script;
  ChildSpec spec = Spec("c", /*timeout=*/300ms);
  spec.budget = 30s;
  const Outcome outcome = RunFake(launcher, spec);
  EXPECT_EQ(outcome.end, End::kTimedOut);
  EXPECT_FALSE(outcome.hang_proven);
  for (const std::string& line : outcome.lines) EXPECT_NE(line, "wait 1");
}

TEST(FakeSupervision, LinesSplitAcrossReadsAreReassembled) {
  auto launcher = std::make_shared<FakeLauncher>();
  launcher->scripts["c"] =
      Steps({Channel("pha"), Channel("se x\nph"), Channel("ase y\ntrace unterminated"), Exit(0)});
  const Outcome outcome = RunFake(launcher, Spec("c"));
  EXPECT_EQ(outcome.lines, (std::vector<std::string>{"phase x", "phase y", "trace unterminated"}));
  EXPECT_EQ(outcome.last_phase, "y");
}

TEST(FakeSupervision, LaunchFailureIsReportedWithTheLaunchersReason) {
  auto launcher = std::make_shared<FakeLauncher>();
  FakeScript script;
  script.launch_fails = true;
  script.launch_error = "cannot start '/x': No such file or directory";
  launcher->scripts["c"] = script;
  const Outcome outcome = RunFake(launcher, Spec("c"));
  EXPECT_EQ(outcome.end, End::kLaunchFailed);
  EXPECT_EQ(outcome.launch_error, "cannot start '/x': No such file or directory");
}

TEST(FakeSupervision, LeftoversAreCounted) {
  auto launcher = std::make_shared<FakeLauncher>();
  FakeScript script = Steps({Exit(0)});
  script.leftovers = 2;
  launcher->scripts["c"] = script;
  EXPECT_EQ(RunFake(launcher, Spec("c")).leftovers_killed, 2);
}

TEST(FakeSupervision, StreamsThatStayOpenDoNotKeepTheWatchdogWaiting) {
  auto launcher = std::make_shared<FakeLauncher>();
  FakeScript script = Steps({Channel("phase done\n"), Exit(0)});
  script.streams_stay_open = true;
  launcher->scripts["c"] = script;
  const Outcome outcome = RunFake(launcher, Spec("c"));
  EXPECT_EQ(outcome.end, End::kExited);
  EXPECT_NE(outcome.output.find("still open"), std::string::npos) << outcome.output;
}

TEST(FakeWatchdog, RunAllReportsEveryIndexOnceAndRespectsJobs) {
  auto launcher = std::make_shared<FakeLauncher>();
  std::vector<ChildSpec> specs;
  for (int i = 0; i < 7; ++i) {
    const std::string id = "c" + std::to_string(i);
    launcher->scripts[id] = Steps({Channel("phase " + id + "\n"), Exit(i, 20ms)});
    specs.push_back(Spec(id));
  }
  Watchdog watchdog(launcher);
  std::multiset<std::size_t> seen;
  std::vector<Outcome> outcomes(specs.size());
  watchdog.RunAll(
      specs, 2,
      [&](std::size_t index, Outcome outcome) {
        seen.insert(index);
        outcomes.at(index) = std::move(outcome);
      },
      /*handle_signals=*/false);
  ASSERT_EQ(seen.size(), specs.size());
  for (std::size_t i = 0; i < specs.size(); ++i) {
    EXPECT_EQ(seen.count(i), 1u) << i;
    EXPECT_EQ(outcomes[i].exit_code, static_cast<int>(i));
    EXPECT_EQ(outcomes[i].last_phase, "c" + std::to_string(i));
  }
  EXPECT_LE(launcher->max_running.load(), 2);
  EXPECT_EQ(launcher->running.load(), 0);
  EXPECT_FALSE(watchdog.interrupted());
}

TEST(FakeWatchdog, InterruptKillsRunningAndReportsTheRestInterrupted) {
  auto launcher = std::make_shared<FakeLauncher>();
  launcher->scripts["quick"] = Steps({Exit(0)});
  launcher->scripts["hang"] = Steps({Channel("phase hanging\n"), Hang()});
  std::vector<ChildSpec> specs = {Spec("quick"), Spec("hang", 60s), Spec("hang", 60s),
                                  Spec("hang", 60s)};
  Watchdog watchdog(launcher);
  std::vector<Outcome> outcomes(specs.size());
  std::set<std::size_t> seen;
  watchdog.RunAll(
      specs, 2,
      [&](std::size_t index, Outcome outcome) {
        seen.insert(index);
        if (index == 0) watchdog.Interrupt();
        outcomes.at(index) = std::move(outcome);
      },
      /*handle_signals=*/false);
  EXPECT_EQ(seen.size(), specs.size());
  EXPECT_TRUE(watchdog.interrupted());
  EXPECT_EQ(outcomes[0].end, End::kExited);
  for (std::size_t i = 1; i < specs.size(); ++i) EXPECT_EQ(outcomes[i].end, End::kInterrupted) << i;
  EXPECT_EQ(launcher->running.load(), 0);
  EXPECT_EQ(launcher->killed.load(), launcher->launched.load() - 1);
}

TEST(FakeWatchdog, AThrowingCallbackStopsTheRunAndIsRethrown) {
  auto launcher = std::make_shared<FakeLauncher>();
  launcher->scripts["quick"] = Steps({Exit(0)});
  launcher->scripts["hang"] = Steps({Hang()});
  std::vector<ChildSpec> specs = {Spec("quick"), Spec("hang", 60s), Spec("hang", 60s)};
  Watchdog watchdog(launcher);
  int calls = 0;
  EXPECT_THROW(watchdog.RunAll(
                   specs, 2,
                   [&](std::size_t, Outcome) {
                     ++calls;
                     throw std::runtime_error("report writer failed");
                   },
                   /*handle_signals=*/false),
               std::runtime_error);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(launcher->running.load(), 0);
  EXPECT_FALSE(watchdog.interrupted());
}

TEST(FakeWatchdog, EmptySpecListReturnsAtOnce) {
  Watchdog watchdog(std::make_shared<FakeLauncher>());
  int calls = 0;
  watchdog.RunAll(
      {}, 4, [&](std::size_t, Outcome) { ++calls; }, false);
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace miconform::watchdog::testing

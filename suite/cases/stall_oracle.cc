// stall_oracle.cc - the case process's stall oracle (stall_oracle.h).
#include "stall_oracle.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <iterator>

#include "phase_channel.h"
#include "quiescence.h"
#include "timing.h"

namespace miconform::cases {
namespace {

pid_t ThisThread() { return static_cast<pid_t>(::syscall(SYS_gettid)); }

}  // namespace

CaseStallOracle& CaseStallOracle::Get() {
  static auto* oracle = new CaseStallOracle();  // never freed: callbacks may run at exit
  return *oracle;
}

void CaseStallOracle::BeginWait() {
  const pid_t tid = ThisThread();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    waiting_.insert(tid);
  }
  watchdog::PhaseChannel::Get().Wait(tid);
}

void CaseStallOracle::EndWait() {
  const pid_t tid = ThisThread();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = waiting_.find(tid);
    if (it != waiting_.end()) waiting_.erase(it);
  }
  watchdog::PhaseChannel::Get().Woke(tid);
}

bool CaseStallOracle::Quiet(std::string* why) {
  if (!enabled_) {
    *why = "the proof is off (--no-proof)";
    return false;
  }
  // Only the caller is left out: another harness thread in a timed wait will wake by itself and
  // may then act, so while one waits no proof holds (the timers decide).
  const std::set<pid_t> excluded = {ThisThread()};
  return watchdog::ProveQuiescent(::getpid(), excluded, watchdog::Timing::kProofSamples,
                                  watchdog::Timing::kProofInterval, why);
}

mocks::StallOracle::Verdict CaseStallOracle::Check(const char* what) {
  std::string why;
  if (!Quiet(&why)) return Verdict::kMayProgress;
  std::string stuck;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    std::multiset<std::string> expected = expected_blocked_;
    const pid_t self = ThisThread();
    for (const auto& [tid, calls] : calls_) {
      // The waiting thread's own calls (a wait made inside a callback) are not stuck: it waits.
      if (calls.empty() || tid == self || waiting_.count(tid) != 0) continue;
      const auto it = expected.find(calls.back());
      if (it != expected.end()) {
        expected.erase(it);
        continue;
      }
      stuck += (stuck.empty() ? "" : ", ") + calls.back() + " (tid " + std::to_string(tid) + ")";
    }
  }
  watchdog::PhaseChannel& channel = watchdog::PhaseChannel::Get();
  if (!stuck.empty()) {
    channel.Trace("waiting for " + std::string(what) + ": the target is stuck in " + stuck +
                  " (proven: " + why + "); the case waits on without a limit for the watchdog");
    return Verdict::kStuckInCall;
  }
  channel.Trace("waiting for " + std::string(what) + ": the target went quiet with no call in " +
                "flight (proven: " + why + "); it can no longer happen");
  return Verdict::kQuietIdle;
}

void CaseStallOracle::NotePhase(const std::string& phase) {
  std::string call;
  bool entered = false;
  if (!watchdog::ParseCallPhase(phase, &call, &entered)) return;
  const pid_t tid = ThisThread();
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string>& calls = calls_[tid];
  if (entered) {
    calls.push_back(call);
    return;
  }
  // The innermost call of that name returns.
  for (auto it = calls.rbegin(); it != calls.rend(); ++it) {
    if (*it == call) {
      calls.erase(std::next(it).base());
      return;
    }
  }
}

std::string CaseStallOracle::InnermostCall(pid_t tid) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = calls_.find(tid);
  return it == calls_.end() || it->second.empty() ? std::string() : it->second.back();
}

pid_t CaseStallOracle::CurrentThread() { return ThisThread(); }

void CaseStallOracle::ExpectBlocked(const std::string& call) {
  std::lock_guard<std::mutex> lock(mutex_);
  expected_blocked_.insert(call);
}

void CaseStallOracle::UnexpectBlocked(const std::string& call) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = expected_blocked_.find(call);
  if (it != expected_blocked_.end()) expected_blocked_.erase(it);
}

}  // namespace miconform::cases

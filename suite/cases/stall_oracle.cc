// stall_oracle.cc - the case process's stall oracle (stall_oracle.h).
#include "stall_oracle.h"

#include <sys/syscall.h>
#include <unistd.h>

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
  std::set<pid_t> excluded;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    excluded.insert(waiting_.begin(), waiting_.end());
  }
  excluded.insert(ThisThread());
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
    for (const auto& [tid, calls] : calls_) {
      if (calls.empty()) continue;
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
  const bool entered = phase.rfind("entered ", 0) == 0;
  if (!entered && phase.rfind("returned ", 0) != 0) return;
  const std::string rest = phase.substr(entered ? 8 : 9);
  const std::string call = rest.substr(0, rest.find(' '));
  const pid_t tid = ThisThread();
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string>& calls = calls_[tid];
  if (entered) {
    calls.push_back(call);
  } else if (!calls.empty()) {
    calls.pop_back();
  }
}

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

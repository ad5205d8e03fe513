// stall_oracle.h - the case process's own judge of "can the target still do it?": which of the
// harness's threads are waiting, which calls of the suite into the target are in flight on which
// thread, and a proof from /proc (watchdog/quiescence.h) that every other thread is parked for
// good. Installed by the case child for the mocks' and the fixture's waits (harness_wait.h), and
// used by the fixture to decide documented hangs and "nothing more happens" without waiting out a
// window.
//
// Threading: every method is thread-safe; Check and Quiet sample /proc for a few milliseconds.
#ifndef MICONFORM_CASES_STALL_ORACLE_H
#define MICONFORM_CASES_STALL_ORACLE_H

#include <sys/types.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "miconform/mocks/harness_wait.h"

namespace miconform::cases {

class CaseStallOracle final : public mocks::StallOracle {
 public:
  // The process-wide oracle (created on first use, never destroyed: callbacks may run at exit).
  static CaseStallOracle& Get();

  void BeginWait() override;
  void EndWait() override;
  Verdict Check(const char* what) override;

  // With false, no proof is ever attempted: Check answers kMayProgress and Quiet false (the
  // windows alone decide, for comparison). On by default.
  void SetEnabled(bool enabled) { enabled_ = enabled; }

  // True when every thread but the caller is parked for good;
  // *why says why not, or how it was proven.
  bool Quiet(std::string* why);

  // Phase lines "entered X ..." / "returned X ..." of the calling thread.
  void NotePhase(const std::string& phase);
  // The innermost call in flight on thread `tid` ("" when none), and the calling thread's id.
  std::string InnermostCall(pid_t tid);
  static pid_t CurrentThread();
  // A call the case knows to be blocked (a documented hang it observed): not a stuck call.
  void ExpectBlocked(const std::string& call);
  void UnexpectBlocked(const std::string& call);

 private:
  std::atomic<bool> enabled_{true};
  std::mutex mutex_;
  std::multiset<pid_t> waiting_;
  std::map<pid_t, std::vector<std::string>> calls_;  // per thread, innermost last
  std::multiset<std::string> expected_blocked_;
};

}  // namespace miconform::cases

#endif  // MICONFORM_CASES_STALL_ORACLE_H

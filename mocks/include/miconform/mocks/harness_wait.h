// harness_wait.h - how the suite's own code waits for something the target must do (a callback, a
// final result, a call to return): in short slices, asking the installed stall oracle between
// slices whether the target can still do it. Used by the mocks' waits and the case fixture; the
// case child installs the oracle (suite/cases/stall_oracle.h), which proves from /proc that the
// target has gone quiet.
//
// Outcomes of a wait: the awaited thing happened (true); the limit passed (false); the target is
// provably quiet with no call of the suite's in flight, so the thing can never happen (false at
// once, noted by the oracle); or the target is provably stuck inside a call of the suite: the wait
// then continues without a limit, so that the watchdog, which sees every thread parked, records
// the hang with every thread's stack (true if the thing still happens).
//
// Threading: any thread; the oracle is process-wide and must outlive every wait.
#ifndef MICONFORM_MOCKS_HARNESS_WAIT_H
#define MICONFORM_MOCKS_HARNESS_WAIT_H

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>

namespace miconform::mocks {

class StallOracle {
 public:
  enum class Verdict {
    kMayProgress,  // something in the process may still act
    kQuietIdle,    // every thread but the harness's waiting ones parked for good; no call in flight
    kStuckInCall,  // the same, with a call of the suite into the target in flight
  };
  virtual ~StallOracle() = default;
  // The calling thread starts / ends a harness wait (it is left out of proofs meanwhile).
  virtual void BeginWait() = 0;
  virtual void EndWait() = 0;
  // Samples the process (takes a few milliseconds). `what` names the awaited thing for the
  // oracle's note.
  virtual Verdict Check(const char* what) = 0;
};

// Installs the process-wide oracle (nullptr: plain timed waits).
void InstallStallOracle(StallOracle* oracle);
StallOracle* InstalledStallOracle();

// Waits on `changed` (with `lock` held on entry and exit) until done() or the limit, consulting the
// oracle as described above. `what` is for notes ("a final result", ...).
// With `defer_stuck_to_watchdog` false, a target stuck in a call ends the wait (false) at once.
bool HarnessWait(std::condition_variable& changed, std::unique_lock<std::mutex>& lock,
                 std::chrono::milliseconds limit, const std::function<bool()>& done,
                 const char* what, bool defer_stuck_to_watchdog = true);

}  // namespace miconform::mocks

#endif  // MICONFORM_MOCKS_HARNESS_WAIT_H

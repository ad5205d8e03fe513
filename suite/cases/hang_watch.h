// hang_watch.h - documented hangs from the case's side: arming the watchdog, watching a call that
// the pages say stops responding until it returns, is provably blocked in that call (or, unproven,
// is still blocked after the observe window), or the process is provably stuck elsewhere; and the
// bounded runs and the wait for quiet that the checks of "nothing more happens" rely on. Used by
// the case files and the fixture.
//
// Thread-safety: everything may be called from any thread; a WatchedCall outlives the fixture.
#ifndef MICONFORM_CASES_HANG_WATCH_H
#define MICONFORM_CASES_HANG_WATCH_H

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "case_signal.h"

namespace miconform::cases {

// The watchdog's armed window, for documented hangs a case arranges itself.
void Arm(const std::string& requirement_id, const std::string& call);
void Disarm();

// Arms the watchdog, runs `call_fn` on a helper thread and watches it until it returns (a
// DEVIATION for `requirement_id`), until the process is provably quiet with the helper blocked
// in `call` (the documented hang, proven; stalled in another call, it is left to the watchdog,
// which judges it HANG), or for ObserveWindow() (the hang, by that window). Blocked: the
// documented hang is noted, the watchdog disarmed, `release` run, and the call awaited without
// bound (a hang there is a HANG). Returns true when the hang was observed and released.
bool ExpectDocumentedHang(const std::string& requirement_id, const std::string& call,
                          std::function<void()> call_fn, std::function<void()> release);

// A call started on a helper thread (StartWatched), watched by the test thread (Watch): did it
// return, is it provably blocked in `call` (or, unproven, still blocked after ObserveWindow()),
// or is the process provably stuck somewhere else?
struct WatchedCall {
  std::string call;
  Signal returned;
  std::atomic<pid_t> thread{0};
};
enum class Watched { kReturned, kBlocked, kStuckElsewhere };
// Runs `call_fn` (which makes `call` with its phase lines) on a detached helper thread.
std::shared_ptr<WatchedCall> StartWatched(const std::string& call, std::function<void()> call_fn);
// Watches until one of the outcomes above; *how says how it was decided.
Watched Watch(WatchedCall& watched, std::string* how);

// Runs `fn` on a helper thread; true when it returned within `limit`. A call still blocked is
// abandoned (the thread is detached; `fn` must only capture what outlives the process).
// With `defer_stuck_to_watchdog` false (the cleanup), a call provably stuck is abandoned at
// once instead of being left to the watchdog.
bool RunBounded(std::function<void()> fn, std::chrono::milliseconds limit,
                bool defer_stuck_to_watchdog = true);
// Waits until the target is provably quiet (every thread but the harness's waiting ones parked
// for good), at most Settle(); true when it is. Cases call it before judging that nothing more
// happens.
bool SettleQuiet();

}  // namespace miconform::cases

#endif  // MICONFORM_CASES_HANG_WATCH_H

// hang_watch.cc - documented hangs from the case's side (hang_watch.h).
#include "hang_watch.h"

#include <thread>

#include "case_runtime.h"
#include "phase_channel.h"
#include "stall_oracle.h"

namespace miconform::cases {

void Arm(const std::string& requirement_id, const std::string& call) {
  watchdog::PhaseChannel::Get().Arm(requirement_id, call);
}

void Disarm() { watchdog::PhaseChannel::Get().Disarm(); }

std::shared_ptr<WatchedCall> StartWatched(const std::string& call, std::function<void()> call_fn) {
  auto watched = std::make_shared<WatchedCall>();
  watched->call = call;
  std::thread([call_fn, watched] {
    watched->thread.store(CaseStallOracle::CurrentThread());
    call_fn();
    watched->returned.Set();
  }).detach();
  return watched;
}

Watched Watch(WatchedCall& watched, std::string* how) {
  CaseStallOracle& oracle = CaseStallOracle::Get();
  const auto start = std::chrono::steady_clock::now();
  Watched outcome = Watched::kBlocked;
  oracle.BeginWait();
  for (;;) {
    if (watched.returned.PollFor(std::chrono::milliseconds(2))) {
      outcome = Watched::kReturned;
      break;
    }
    const auto elapsed = std::chrono::steady_clock::now() - start;
    std::string why;
    if (elapsed >= std::chrono::milliseconds(5) && oracle.Quiet(&why)) {
      if (watched.returned.IsSet()) {
        outcome = Watched::kReturned;
        break;
      }
      const std::string blocked_in = oracle.InnermostCall(watched.thread.load());
      if (blocked_in != watched.call) {
        *how = "the process stopped in " +
               (blocked_in.empty() ? std::string("no call") : blocked_in) + ", not in " +
               watched.call + " (proven: " + why + ")";
        outcome = Watched::kStuckElsewhere;
        break;
      }
      *how = "proven: " + why;
      break;
    }
    if (elapsed >= ObserveWindow()) {
      *how = "not returned within " + std::to_string(ObserveWindow().count()) +
             " ms (not proven: " + why + ")";
      break;
    }
  }
  oracle.EndWait();
  return outcome;
}

bool ExpectDocumentedHang(const std::string& requirement_id, const std::string& call,
                          std::function<void()> call_fn, std::function<void()> release) {
  watchdog::PhaseChannel::Get().Arm(requirement_id, call);
  const std::shared_ptr<WatchedCall> watched = StartWatched(call, std::move(call_fn));
  // Watch the call until it returns (a DEVIATION), until the process is provably quiet with the
  // call blocked (the documented hang, proven), or for ObserveWindow() (the hang,
  // by this window).
  std::string how;
  switch (Watch(*watched, &how)) {
    case Watched::kReturned:
      watchdog::PhaseChannel::Get().Disarm();
      NoteDeviation(requirement_id, call +
                                        " returned although the documentation says it stops "
                                        "responding here");
      return false;
    case Watched::kStuckElsewhere:
      // Not the documented outcome. The watchdog, armed for `call`, sees every thread parked and
      // judges it (HANG in the blocked call).
      Trace(how + "; left to the watchdog");
      watched->returned.Wait();
      watchdog::PhaseChannel::Get().Disarm();
      return false;
    case Watched::kBlocked: break;
  }
  NoteDocumentedHang(requirement_id,
                     call + " stopped responding, as documented (" + how + "); releasing it");
  CaseStallOracle& oracle = CaseStallOracle::Get();
  oracle.ExpectBlocked(call);
  watchdog::PhaseChannel::Get().Disarm();
  Phase("releasing " + call);
  if (release) release();
  Phase("waiting for " + call + " to return after the release");
  watched->returned.Wait();  // unbounded on purpose: the watchdog turns a hang here into HANG
  oracle.UnexpectBlocked(call);
  Trace(call + " returned after the release");
  return true;
}

bool RunBounded(std::function<void()> fn, std::chrono::milliseconds limit,
                bool defer_stuck_to_watchdog) {
  auto returned = std::make_shared<Signal>();
  std::thread([fn, returned] {
    fn();
    returned->Set();
  }).detach();
  return returned->WaitFor(limit, defer_stuck_to_watchdog);
}

bool SettleQuiet() {
  CaseStallOracle& oracle = CaseStallOracle::Get();
  const auto deadline = std::chrono::steady_clock::now() + Settle();
  std::string why;
  oracle.BeginWait();
  bool quiet = false;
  while (!(quiet = oracle.Quiet(&why)) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  oracle.EndWait();
  return quiet;
}

}  // namespace miconform::cases

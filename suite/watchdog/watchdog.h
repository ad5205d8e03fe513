// watchdog.h - the parent side of the watchdog: runs case processes under supervision and reports
// how each one ended (used by the runner for the probe and for every conformance case).
//
// Each child runs in its own process group, as a child subreaper, and reports through the phase
// channel (phase_channel.h). A child that runs past its time is stack-dumped and killed with its
// whole tree; whatever it leaves running when it ends is killed too. Rules in README.md.
//
// Threading: a Watchdog runs one RunAll/RunOne at a time; interrupted() and Interrupt() may be
// called from any thread. on_done is called on the thread that called RunAll, with no watchdog
// lock held; it may take its time (supervision of the other children goes on meanwhile on the
// watchdog's own thread). If on_done throws, the remaining children are killed and reaped, later
// outcomes are dropped, and the exception is rethrown from RunAll.
#ifndef MICONFORM_WATCHDOG_WATCHDOG_H
#define MICONFORM_WATCHDOG_WATCHDOG_H

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "timing.h"

namespace miconform::watchdog {

struct ChildSpec {
  std::string id;                 // for messages
  std::vector<std::string> argv;  // argv[0] = executable path (or a name found on PATH)
  std::vector<std::pair<std::string, std::string>>
      env;                             // added to/overriding the inherited environment
  std::vector<std::string> env_unset;  // names of inherited variables it does not get
  // The limits, with their meaning in timing.h. timeout: no progress this long is a hang (timer);
  // hang_window: the same while the armed call is in flight; budget: the whole run of a child that
  // keeps progressing.
  std::chrono::milliseconds timeout{Timing{}.stall_limit};
  std::chrono::milliseconds hang_window{Timing{}.hang_window};
  std::chrono::milliseconds budget{Timing{}.budget};
  // Decide hangs from /proc as soon as every thread is provably parked (quiescence.h); false
  // leaves only the timers (for children whose threads the proof cannot read).
  bool prove_hangs = true;
};

struct Outcome {
  // kTimedOut: killed as hung (by proof or by timer); kOverBudget: killed while still making
  // progress, at the end of its budget.
  enum class End { kExited, kSignaled, kTimedOut, kLaunchFailed, kInterrupted, kOverBudget };
  End end = End::kLaunchFailed;
  int exit_code = -1;  // kExited: the exit status
  int signal = 0;      // kSignaled: the signal; kTimedOut/kInterrupted: the signal that ended it
  bool armed_at_timeout = false;              // kTimedOut: an `arm` line was in force
  std::string armed_requirement, armed_call;  // kTimedOut and armed: from the `arm` line
  std::string last_phase;                     // text of the last `phase` line
  // kTimedOut: true when the hang was proven from /proc (every thread parked for good), false
  // when a timer decided it; hang_proof says how (the proof, or why none held) with every
  // thread's wait at the end.
  bool hang_proven = false;
  std::string hang_proof;
  // Calls the child entered and had not returned from ("entered X ..." / "returned X ..." phase
  // lines), oldest first, when it ended.
  std::vector<std::string> calls_in_flight;
  // kTimedOut and kOverBudget: how long since the last progress, and how much it made.
  std::string progress;
  std::vector<std::string> lines;  // every channel line in order, without '\n'
  std::string output;              // stdout+stderr interleaved, last 64 KiB
  std::string stacks;              // kTimedOut: every thread's stack
  std::string thread_states;       // kTimedOut: state + wchan of every thread
  std::string launch_error;        // kLaunchFailed: why
  double duration_s = 0;
  int leftovers_killed = 0;  // processes of the child's group or tree alive after it ended, killed
  // Bytes on the phase channel that were not the harness's framed lines (phase_channel.h): the
  // child's own code wrote on a descriptor it does not own. Never taken as lines.
  std::size_t foreign_channel_bytes = 0;
  std::string foreign_channel_sample;  // the first of them, at most 512 bytes
  // Signals the child or a process below it sent to the runner (never acted on), e.g. "SIGTERM
  // from pid 123".
  std::vector<std::string> signals_to_runner;
};

class Launcher;  // launcher.h: how children are started (real processes, or a fake in tests)

class Watchdog {
 public:
  // nullptr: the real launcher (Boost.Process v2, see launcher.h).
  explicit Watchdog(std::shared_ptr<Launcher> launcher = nullptr);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  // Runs every spec with at most `jobs` (< 1 counts as 1) children at once; calls
  // on_done(index, outcome) on the calling thread as each ends, exactly once per index. Returns
  // when all are done and every process it started is reaped. With handle_signals, SIGINT,
  // SIGTERM and SIGHUP are taken while it runs (interrupt_signals.h: the command's instance when
  // there is one, else its own for its length): a signal from inside a running child's tree is
  // recorded on that child (Outcome::signals_to_runner) and ignored; any other kills and reaps
  // every running child, its outcome and those of specs not yet started are kInterrupted, and
  // interrupted() becomes true.
  void RunAll(const std::vector<ChildSpec>& specs, int jobs,
              const std::function<void(std::size_t, Outcome)>& on_done, bool handle_signals = true);

  // One child, with signal handling; returns its outcome.
  Outcome RunOne(const ChildSpec& spec);

  // Whether the last (or current) RunAll was interrupted.
  bool interrupted() const;

  // Interrupts the current RunAll as SIGINT would (thread-safe; no effect when none runs).
  void Interrupt();

 private:
  struct Run;
  std::shared_ptr<Launcher> launcher_;
  std::atomic<bool> interrupted_{false};
  mutable std::mutex run_mutex_;  // guards current_ against Interrupt() racing the run's end
  Run* current_ = nullptr;
};

}  // namespace miconform::watchdog

#endif  // MICONFORM_WATCHDOG_WATCHDOG_H

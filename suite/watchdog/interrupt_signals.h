// interrupt_signals.h - the runner's signals for the whole life of a command. SIGINT, SIGTERM and
// SIGHUP are caught, never left to their default action (which would end the runner with the
// handler registered in the vendor's omicli.conf, temporary directories behind and no report);
// SIGPIPE is ignored, so a closed stdout never ends a run or changes its exit status. A caught
// signal is queued with its sender; who takes it decides what it means:
//   - during a Watchdog::RunAll (watchdog.cc), a signal sent by a case process or by a process
//     below it is recorded on that case (Outcome::signals_to_runner) and ignored; any other
//     interrupts the run: every child is killed and reaped, every case not run is interrupted;
//   - between runs (TakeOutsideCases), every signal interrupts except one from the cases.
// "From the cases" (SentFromCases): the sender, or its parent when the signal was sent, is a
// process the runner started (running, or ended in the last seconds), or the sender's parent was
// the runner itself (only started processes and what ended cases left behind are its children).
// The sender's parent is read from /proc inside the handler, so a helper that signals and exits
// at once is still placed. A signal whose sender cannot be placed (a `kill` command, a terminal)
// interrupts: the runner obeys what it cannot attribute to a case.
//
// Contract: at most one instance is active in the process; a second one created while the first
// lives is inactive (active() is false) and catches nothing. A command catches signals for its
// whole life with a kCommand instance (main.cc), which RunAll borrows; without one, RunAll catches
// them for its own length with a kRun instance, which nothing else borrows. Construction and
// destruction happen on one thread (they restore the previous dispositions); the handler may run
// on any thread; Take, TakeOutsideCases and interrupted may be called from any thread.
#ifndef MICONFORM_WATCHDOG_INTERRUPT_SIGNALS_H
#define MICONFORM_WATCHDOG_INTERRUPT_SIGNALS_H

#include <sys/types.h>

#include <atomic>
#include <csignal>
#include <mutex>
#include <string>
#include <vector>

namespace miconform::watchdog {

struct CaughtSignal {
  int signal = 0;
  pid_t sender = 0;  // meaningful when has_sender
  pid_t sender_parent =
      0;  // the sender's parent when the signal arrived; 0 if it could not be read
  bool has_sender = false;  // sent by a process (kill, sigqueue), not by the kernel or a terminal
};

// True when `caught` came from the cases (see above), false when it must be obeyed.
bool SentFromCases(const CaughtSignal& caught);

// "SIGTERM (15) from pid 123", or "SIGHUP (1)" without a sender.
std::string DescribeSignal(const CaughtSignal& caught);

class InterruptSignals {
 public:
  enum class Scope { kCommand, kRun };
  explicit InterruptSignals(Scope scope = Scope::kCommand);
  ~InterruptSignals();
  InterruptSignals(const InterruptSignals&) = delete;
  InterruptSignals& operator=(const InterruptSignals&) = delete;

  // The active kCommand instance, or nullptr.
  static InterruptSignals* Active();

  bool active() const { return active_; }
  // Readable while a caught signal waits to be taken (for an io_context to wait on).
  int fd() const { return read_fd_; }

  // Every signal caught and not yet taken, oldest first; never blocks.
  std::vector<CaughtSignal> Take();

  // Between runs: takes what is queued; every signal not sent by a process the runner started
  // interrupts. Returns interrupted().
  bool TakeOutsideCases();

  // Sticky: a signal that interrupts the command was taken.
  bool interrupted() const { return interrupted_.load(); }
  void MarkInterrupted() { interrupted_.store(true); }

 private:
  bool active_ = false;
  Scope scope_;
  int read_fd_ = -1;
  int write_fd_ = -1;
  std::atomic<bool> interrupted_{false};
  std::mutex take_mutex_;
  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
  struct sigaction previous_hup_ {};
  struct sigaction previous_pipe_ {};
};

}  // namespace miconform::watchdog

#endif  // MICONFORM_WATCHDOG_INTERRUPT_SIGNALS_H

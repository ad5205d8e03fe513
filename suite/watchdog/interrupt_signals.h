// interrupt_signals.h - the runner's signals for the whole life of a command. SIGINT, SIGTERM and
// SIGHUP are caught, never left to their default action (which would end the runner with the
// handler registered in the vendor's omicli.conf, temporary directories behind and no report);
// SIGPIPE is ignored, so a closed stdout never ends a run or changes its exit status. A caught
// signal is queued with its sender; who takes it decides what it means:
//   - during a Watchdog::RunAll (watchdog.cc), a signal sent by a case process or by a process
//     below it is recorded on that case (Outcome::signals_to_runner) and ignored; any other
//     interrupts the run: every child is killed and reaped, every case not run is interrupted;
//   - between runs (TakeOutsideCases), every signal interrupts except one sent by a process the
//     runner started (a case that has ended since).
// A signal whose sender has already gone and was not started by the runner (a `kill` command)
// interrupts: the runner cannot place it, so it obeys.
//
// Contract: at most one instance is active in the process; a second one created while the first
// lives is inactive (active() is false) and catches nothing. Construction and destruction happen
// on one thread (they restore the previous dispositions); the handler may run on any thread;
// Take, TakeOutsideCases and interrupted may be called from any thread.
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
  pid_t sender = 0;         // meaningful when has_sender
  bool has_sender = false;  // sent by a process (kill, sigqueue), not by the kernel or a terminal
};

// "SIGTERM (15) from pid 123", or "SIGHUP (1)" without a sender.
std::string DescribeSignal(const CaughtSignal& caught);

class InterruptSignals {
 public:
  InterruptSignals();
  ~InterruptSignals();
  InterruptSignals(const InterruptSignals&) = delete;
  InterruptSignals& operator=(const InterruptSignals&) = delete;

  // The active instance, or nullptr.
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

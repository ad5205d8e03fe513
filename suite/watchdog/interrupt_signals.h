// interrupt_signals.h - catches SIGINT and SIGTERM for the duration of a Watchdog::RunAll and turns
// them into a readable event on an io_context, so a Ctrl-C kills and reaps the children instead
// of orphaning them. Used by watchdog.cc.
//
// Contract: at most one instance is active in the process; a second one created while the first
// lives is inactive (active() is false) and catches nothing. The destructor restores the previous
// dispositions. Construction and destruction happen on one thread; the handler may run on any.
#ifndef MICONFORM_WATCHDOG_INTERRUPT_SIGNALS_H
#define MICONFORM_WATCHDOG_INTERRUPT_SIGNALS_H

#include <csignal>
#include <functional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

namespace miconform::watchdog {

class InterruptSignals {
 public:
  // Calls on_signal(signal) on the io_context's thread for each caught signal until Stop().
  InterruptSignals(boost::asio::io_context& io, std::function<void(int)> on_signal);
  ~InterruptSignals();
  InterruptSignals(const InterruptSignals&) = delete;
  InterruptSignals& operator=(const InterruptSignals&) = delete;

  bool active() const { return active_; }
  // Stops reading (so the io_context can run out of work); signals are still caught until the
  // destructor runs.
  void Stop();

 private:
  void Read();

  bool active_ = false;
  bool active_reading_stopped_ = false;
  int write_fd_ = -1;
  boost::asio::posix::stream_descriptor reader_;
  std::function<void(int)> on_signal_;
  unsigned char byte_ = 0;
  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
};

}  // namespace miconform::watchdog

#endif  // MICONFORM_WATCHDOG_INTERRUPT_SIGNALS_H

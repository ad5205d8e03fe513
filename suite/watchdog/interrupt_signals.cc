// interrupt_signals.cc - the SIGINT/SIGTERM self-pipe of interrupt_signals.h.
#include "interrupt_signals.h"

#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/buffer.hpp>

namespace miconform::watchdog {
namespace {

// The write end of the active instance's pipe; -1 when none is active.
std::atomic<int> g_signal_pipe{-1};

extern "C" void OnInterruptSignal(int signal) {
  const int saved_errno = errno;
  const int fd = g_signal_pipe.load();
  if (fd >= 0) {
    const unsigned char byte = static_cast<unsigned char>(signal);
    [[maybe_unused]] const ssize_t ignored = ::write(fd, &byte, 1);
  }
  errno = saved_errno;
}

}  // namespace

InterruptSignals::InterruptSignals(boost::asio::io_context& io, std::function<void(int)> on_signal)
    : reader_(io), on_signal_(std::move(on_signal)) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return;
  int expected = -1;
  if (!g_signal_pipe.compare_exchange_strong(expected, fds[1])) {
    ::close(fds[0]);
    ::close(fds[1]);
    return;
  }
  write_fd_ = fds[1];
  reader_.assign(fds[0]);
  struct sigaction action {};
  action.sa_handler = OnInterruptSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, &previous_int_);
  sigaction(SIGTERM, &action, &previous_term_);
  active_ = true;
  Read();
}

InterruptSignals::~InterruptSignals() {
  if (!active_) return;
  sigaction(SIGINT, &previous_int_, nullptr);
  sigaction(SIGTERM, &previous_term_, nullptr);
  g_signal_pipe.store(-1);
  ::close(write_fd_);
  boost::system::error_code ignored;
  reader_.close(ignored);
}

void InterruptSignals::Stop() {
  boost::system::error_code ignored;
  reader_.cancel(ignored);
  active_reading_stopped_ = true;
}

void InterruptSignals::Read() {
  reader_.async_read_some(boost::asio::buffer(&byte_, 1),
                          [this](const boost::system::error_code& error, std::size_t read) {
                            if (error || active_reading_stopped_) return;
                            if (read == 1) on_signal_(byte_);
                            Read();
                          });
}

}  // namespace miconform::watchdog

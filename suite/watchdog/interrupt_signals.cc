// interrupt_signals.cc - the signal self-pipe of interrupt_signals.h.
#include "interrupt_signals.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include "process_spawn.h"

namespace miconform::watchdog {
namespace {

// One caught signal on the pipe: written whole by one write() (far below PIPE_BUF, so atomic).
struct Record {
  std::int32_t signal;
  std::int32_t sender;
  std::int32_t has_sender;
};

// The write end of the active instance's pipe; -1 when none is active.
std::atomic<int> g_signal_pipe{-1};
std::atomic<InterruptSignals*> g_active{nullptr};

extern "C" void OnInterruptSignal(int signal, siginfo_t* info, void*) {
  const int saved_errno = errno;
  const int fd = g_signal_pipe.load();
  if (fd >= 0) {
    // si_code <= 0: sent by a process (kill, sigqueue, tgkill), si_pid names it.
    const bool has_sender = info != nullptr && info->si_code <= 0 && info->si_pid > 0;
    const Record record{signal, has_sender ? static_cast<std::int32_t>(info->si_pid) : 0,
                        has_sender ? 1 : 0};
    [[maybe_unused]] const ssize_t ignored = ::write(fd, &record, sizeof record);
  }
  errno = saved_errno;
}

}  // namespace

std::string DescribeSignal(const CaughtSignal& caught) {
  const char* abbrev = sigabbrev_np(caught.signal);
  std::string text = (abbrev ? "SIG" + std::string(abbrev) : std::string("signal")) + " (" +
                     std::to_string(caught.signal) + ")";
  if (caught.has_sender) text += " from pid " + std::to_string(caught.sender);
  return text;
}

InterruptSignals::InterruptSignals() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return;
  int expected = -1;
  if (!g_signal_pipe.compare_exchange_strong(expected, fds[1])) {
    ::close(fds[0]);
    ::close(fds[1]);
    return;
  }
  read_fd_ = fds[0];
  write_fd_ = fds[1];
  struct sigaction action {};
  action.sa_sigaction = OnInterruptSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART | SA_SIGINFO;
  sigaction(SIGINT, &action, &previous_int_);
  sigaction(SIGTERM, &action, &previous_term_);
  sigaction(SIGHUP, &action, &previous_hup_);
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGPIPE, &ignore, &previous_pipe_);
  active_ = true;
  g_active.store(this);
}

InterruptSignals::~InterruptSignals() {
  if (!active_) return;
  g_active.store(nullptr);
  sigaction(SIGINT, &previous_int_, nullptr);
  sigaction(SIGTERM, &previous_term_, nullptr);
  sigaction(SIGHUP, &previous_hup_, nullptr);
  sigaction(SIGPIPE, &previous_pipe_, nullptr);
  g_signal_pipe.store(-1);
  ::close(write_fd_);
  ::close(read_fd_);
}

InterruptSignals* InterruptSignals::Active() { return g_active.load(); }

std::vector<CaughtSignal> InterruptSignals::Take() {
  std::vector<CaughtSignal> taken;
  if (!active_) return taken;
  std::lock_guard<std::mutex> lock(take_mutex_);
  Record records[16];
  for (;;) {
    const ssize_t read = ::read(read_fd_, records, sizeof records);
    if (read == -1 && errno == EINTR) continue;
    if (read <= 0) break;
    for (std::size_t i = 0; i < static_cast<std::size_t>(read) / sizeof(Record); ++i) {
      taken.push_back({records[i].signal, records[i].sender, records[i].has_sender != 0});
    }
  }
  return taken;
}

bool InterruptSignals::TakeOutsideCases() {
  for (const CaughtSignal& caught : Take()) {
    if (caught.has_sender && WasSpawned(caught.sender)) continue;
    MarkInterrupted();
  }
  return interrupted();
}

}  // namespace miconform::watchdog

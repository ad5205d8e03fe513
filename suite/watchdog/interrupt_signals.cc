// interrupt_signals.cc - the signal self-pipe of interrupt_signals.h.
#include "interrupt_signals.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "process_spawn.h"

namespace miconform::watchdog {
namespace {

// One caught signal on the pipe: written whole by one write() (far below PIPE_BUF, so atomic).
struct Record {
  std::int32_t signal;
  std::int32_t sender;
  std::int32_t sender_parent;
  std::int32_t has_sender;
};

// The write end of the active instance's pipe; -1 when none is active.
std::atomic<int> g_signal_pipe{-1};
std::atomic<InterruptSignals*> g_active{nullptr};
// Set when a signal could not be queued (the pipe was full): Take reports one without a sender,
// so it interrupts rather than being lost.
std::atomic<bool> g_lost{false};

// The parent of `pid` from /proc/<pid>/stat: async-signal-safe (open, read, close; no
// allocation). 0 when it cannot be read.
std::int32_t ParentOf(std::int32_t pid) {
  char path[32] = "/proc/";
  char digits[12];
  int count = 0;
  for (std::int32_t rest = pid; rest > 0 && count < 11; rest /= 10)
    digits[count++] = static_cast<char>('0' + rest % 10);
  int at = 6;
  while (count > 0) path[at++] = digits[--count];
  const char tail[] = "/stat";
  for (const char c : tail) path[at++] = c;  // copies the terminating '\0' too
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char text[512];
  const ssize_t length = ::read(fd, text, sizeof text - 1);
  ::close(fd);
  if (length <= 0) return 0;
  // "<pid> (<name>) <state> <ppid> ...": the name may hold ')' and spaces, so after the last ')'.
  ssize_t close_paren = -1;
  for (ssize_t i = 0; i < length; ++i) {
    if (text[i] == ')') close_paren = i;
  }
  if (close_paren < 0) return 0;
  ssize_t i = close_paren + 1;
  while (i < length && text[i] == ' ') ++i;
  while (i < length && text[i] != ' ') ++i;  // the state
  while (i < length && text[i] == ' ') ++i;
  std::int32_t parent = 0;
  while (i < length && text[i] >= '0' && text[i] <= '9') parent = parent * 10 + (text[i++] - '0');
  return parent;
}

extern "C" void OnInterruptSignal(int signal, siginfo_t* info, void*) {
  const int saved_errno = errno;
  const int fd = g_signal_pipe.load();
  if (fd >= 0) {
    // si_code <= 0: sent by a process (kill, sigqueue, tgkill), si_pid names it.
    const bool has_sender = info != nullptr && info->si_code <= 0 && info->si_pid > 0;
    const std::int32_t sender = has_sender ? static_cast<std::int32_t>(info->si_pid) : 0;
    const Record record{signal, sender, has_sender ? ParentOf(sender) : 0, has_sender ? 1 : 0};
    if (::write(fd, &record, sizeof record) != static_cast<ssize_t>(sizeof record))
      g_lost.store(true);
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

bool SentFromCases(const CaughtSignal& caught) {
  if (!caught.has_sender) return false;
  const pid_t self = ::getpid();
  if (caught.sender == self) return false;  // the runner's own raise() or kill(0, ...)
  return caught.sender_parent == self || WasSpawned(caught.sender) ||
         (caught.sender_parent > 0 && WasSpawned(caught.sender_parent));
}

InterruptSignals::InterruptSignals(Scope scope) : scope_(scope) {
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
  if (scope_ == Scope::kCommand) g_active.store(this);
}

InterruptSignals::~InterruptSignals() {
  if (!active_) return;
  if (scope_ == Scope::kCommand) g_active.store(nullptr);
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
      taken.push_back({records[i].signal, records[i].sender, records[i].sender_parent,
                       records[i].has_sender != 0});
    }
  }
  if (g_lost.exchange(false)) taken.push_back({SIGINT, 0, 0, false});
  return taken;
}

bool InterruptSignals::TakeOutsideCases() {
  for (const CaughtSignal& caught : Take()) {
    if (!SentFromCases(caught)) MarkInterrupted();
  }
  return interrupted();
}

}  // namespace miconform::watchdog

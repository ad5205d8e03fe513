// crash_stacks.cc - the fatal-signal stack dump of crash_stacks.h. Everything inside the handler
// is async-signal-safe: write, vfork, execve, waitpid, nanosleep, kill, sigaction, raise.
#include "crash_stacks.h"

#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "stack_capture.h"

extern char** environ;

namespace miconform::watchdog {
namespace {

constexpr int kFatalSignals[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL};

// Prepared at install time, read-only in the handler.
char g_tool[4096];
char g_arguments[8][256];
char* g_argv[9];
std::atomic<bool> g_installed{false};
std::atomic<bool> g_dumping{false};
alignas(16) char g_alternate_stack[64 * 1024];

void WriteAll(const char* text, std::size_t length) {
  while (length > 0) {
    const ssize_t written = ::write(STDERR_FILENO, text, length);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return;
    text += written;
    length -= static_cast<std::size_t>(written);
  }
}

void WriteText(const char* text) { WriteAll(text, std::strlen(text)); }

void WriteNumber(long value) {
  char digits[24];
  int at = sizeof(digits);
  const bool negative = value < 0;
  unsigned long magnitude =
      negative ? 0UL - static_cast<unsigned long>(value) : static_cast<unsigned long>(value);
  do {
    digits[--at] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0 && at > 1);
  if (negative) digits[--at] = '-';
  WriteAll(digits + at, sizeof(digits) - at);
}

// Runs the tool on this process and waits for it at most kCrashToolLimit.
void DumpStacks() {
  const pid_t tool = vfork();
  if (tool == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    dup2(STDERR_FILENO, STDOUT_FILENO);
    execve(g_tool, g_argv, environ);
    _exit(127);
  }
  if (tool < 0) {
    WriteText("miconform: could not start the stack tool\n");
    return;
  }
  const struct timespec pause = {0, 10 * 1000 * 1000};
  for (long waited_ms = 0;; waited_ms += 10) {
    int status = 0;
    const pid_t ended = waitpid(tool, &status, WNOHANG);
    if (ended == tool || (ended < 0 && errno != EINTR)) return;
    if (waited_ms >= kCrashToolLimit.count()) {
      kill(tool, SIGKILL);
      waitpid(tool, &status, 0);
      WriteText("miconform: the stack tool did not finish in time and was killed\n");
      return;
    }
    nanosleep(&pause, nullptr);
  }
}

extern "C" void OnFatalSignal(int signal_number) {
  bool expected = false;
  if (g_dumping.compare_exchange_strong(expected, true)) {
    WriteText("\nmiconform: the case process got fatal signal ");
    const char* abbrev = sigabbrev_np(signal_number);
    WriteText(abbrev != nullptr ? abbrev : "?");
    WriteText(" (");
    WriteNumber(signal_number);
    WriteText(") in thread ");
    WriteNumber(static_cast<long>(syscall(SYS_gettid)));
    WriteText("; the stacks of all its threads follow\n");
    DumpStacks();
    WriteText("miconform: end of stacks\n");
  } else {
    // Another thread is dumping; it ends the process when done.
    const struct timespec pause = {1, 0};
    for (;;) nanosleep(&pause, nullptr);
  }
  // The default action, with the same signal, so the watchdog records how the process ended.
  struct sigaction fallback {};
  fallback.sa_handler = SIG_DFL;
  sigemptyset(&fallback.sa_mask);
  sigaction(signal_number, &fallback, nullptr);
  sigset_t only;
  sigemptyset(&only);
  sigaddset(&only, signal_number);
  sigprocmask(SIG_UNBLOCK, &only, nullptr);
  raise(signal_number);
}

bool PrepareCommand() {
  const std::vector<std::string> command = StackToolCommand(getpid());
  const std::size_t max_words = sizeof(g_arguments) / sizeof(g_arguments[0]);
  if (command.empty() || command.size() > max_words || command[0].size() >= sizeof(g_tool)) {
    return false;
  }
  std::snprintf(g_tool, sizeof(g_tool), "%s", command[0].c_str());
  for (std::size_t i = 0; i < command.size(); ++i) {
    if (command[i].size() >= sizeof(g_arguments[i])) return false;
    std::snprintf(g_arguments[i], sizeof(g_arguments[i]), "%s", command[i].c_str());
    g_argv[i] = g_arguments[i];
  }
  g_argv[command.size()] = nullptr;
  return true;
}

}  // namespace

bool InstallCrashStacks() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return false;
#else
  if (g_installed.load()) return true;
  if (!PrepareCommand()) return false;
  stack_t alternate{};
  alternate.ss_sp = g_alternate_stack;
  alternate.ss_size = sizeof(g_alternate_stack);
  sigaltstack(&alternate, nullptr);
  struct sigaction action {};
  action.sa_handler = OnFatalSignal;
  action.sa_flags = SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  for (const int signal_number : kFatalSignals) sigaddset(&action.sa_mask, signal_number);
  for (const int signal_number : kFatalSignals) sigaction(signal_number, &action, nullptr);
  g_installed = true;
  return true;
#endif
}

}  // namespace miconform::watchdog

// crash_stacks.h - child side: when a case process dies of a fatal signal (SIGABRT, SIGSEGV,
// SIGBUS, SIGFPE, SIGILL), it first writes every thread's stack to its stderr, which the watchdog
// keeps as the case's output tail. A CRASH verdict then carries the place it happened instead of
// only the signal's name.
//
// How: the handler writes one header line, starts `eu-stack -m -p <own pid>` (gdb as fallback) with
// vfork+execve (no atfork handlers, no allocation: the crash may have come from inside malloc),
// waits for it at most kCrashToolLimit, and then re-raises the signal with its default action, so
// the watchdog still sees the process killed by the same signal. Everything the handler needs (tool
// path and argv, from StackToolCommand) is prepared at install time.
//
// Not installed under AddressSanitizer or ThreadSanitizer builds, whose own fatal-signal reports
// say more. A thread that gets a fatal signal while another one is dumping waits for that dump to
// end the process.
#ifndef MICONFORM_WATCHDOG_CRASH_STACKS_H
#define MICONFORM_WATCHDOG_CRASH_STACKS_H

#include <chrono>

namespace miconform::watchdog {

inline constexpr std::chrono::milliseconds kCrashToolLimit{5000};

// Installs the handlers for this process. Returns false (and installs nothing) when neither
// eu-stack nor gdb is on PATH or the build has a sanitizer; calling it again is harmless.
bool InstallCrashStacks();

}  // namespace miconform::watchdog

#endif  // MICONFORM_WATCHDOG_CRASH_STACKS_H

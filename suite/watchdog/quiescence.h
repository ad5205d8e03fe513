// quiescence.h - proves from /proc that a process can never wake by itself: every thread (but the
// ones a caller excludes) is parked in a wait that only this process could end, and nothing moved
// over a few samples. Used by the watchdog's supervision (parent side, on a case process) and by
// the case child on itself (the harness's waits), and by their self-tests.
//
// What counts as parked for good (a thread "cannot wake by itself"), read from
// /proc/<pid>/task/<tid>/{stat,syscall}:
//   - state S, inside futex(2) with a wait command (WAIT, WAIT_BITSET, LOCK_PI, LOCK_PI2,
//     WAIT_REQUEUE_PI) and a NULL timeout, on a futex only this process can wake: the op carries
//     FUTEX_PRIVATE_FLAG, or the address lies in a private mapping of the process (how glibc's
//     pthread_join waits on a thread id). This is what std::mutex, std::condition_variable::wait,
//     pthread_join and a lock-order deadlock look like.
// Everything else may wake: a running or runnable thread, a timed futex wait (wait_for, a timed
// join), a sleep, poll/read/write on a descriptor, waitpid, a signal wait, uninterruptible I/O.
// A process may also be woken by a signal: no proof holds while a signal is pending, while it has
// POSIX timers (/proc/<pid>/timers), child processes, or a handler for a signal that timers or
// I/O send (SIGALRM, SIGVTALRM, SIGPROF, SIGIO, SIGCHLD, or a real-time signal: alarm() and
// setitimer() timers are not shown by the kernel, so catching their signal is enough to refuse).
// Futexes shared with another process through a MAP_SHARED mapping are never counted as parked.
// A process whose every thread has exited is not hung but ending: such a sample is not ok.
//
// A proof needs `samples` consecutive samples, at least `interval` apart, in which the same set of
// threads is parked for good and none of them was scheduled in between (schedstat's count of
// times run, or utime+stime where schedstat is missing).
//
// Threading: plain functions and a value type; safe from any thread. Reading /proc of another
// process needs ptrace read access to it (a parent has it on its children); a process may always
// read its own.
#ifndef MICONFORM_WATCHDOG_QUIESCENCE_H
#define MICONFORM_WATCHDOG_QUIESCENCE_H

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace miconform::watchdog {

// How one thread is waiting.
enum class ThreadWait {
  kParkedForGood,  // an untimed wait only this process can end
  kMayWake,        // a wait that can end by itself or from outside (timer, I/O, signal, ...)
  kRunning,        // on a CPU or runnable
  kUnknown,        // /proc could not tell (no access, thread gone mid-read)
};

struct ThreadSample {
  pid_t tid = 0;
  std::string name;
  char state = '?';
  std::uint64_t runs =
      0;                // times the thread was scheduled (or context switches): moves when it runs
  std::string syscall;  // the raw /proc syscall line (where it waits, with stack and pc)
  ThreadWait wait = ThreadWait::kUnknown;
  std::string how;  // e.g. "untimed private futex wait", "timed futex wait", "nanosleep"
};

struct ProcessSample {
  bool ok = false;  // false: the process is gone or /proc unreadable (see error)
  std::string error;
  bool may_be_woken = false;          // a pending signal or a POSIX timer
  std::string woken_by;               // what, when may_be_woken
  std::vector<ThreadSample> threads;  // sorted by tid
};

// The futex(2) wait commands and flags, as the kernel's uapi defines them.
struct FutexCall {
  std::uint64_t address = 0;
  std::uint64_t op = 0;
  std::uint64_t timeout = 0;  // the timeout pointer (0: none)
};

// Classifies a thread from its state letter and the text of its /proc syscall file ("running",
// "-1 sp pc", or "nr a0 a1 a2 a3 a4 a5 sp pc" in hex). `is_private_address` answers whether an
// address lies in a private mapping (only asked for a futex without FUTEX_PRIVATE_FLAG).
template <typename PrivateAddress>
ThreadWait ClassifyThread(char state, std::string_view syscall_text,
                          PrivateAddress is_private_address, std::string* how);

// The fields of a /proc/<pid>[/task/<tid>]/stat line this module and process_group.cc read. The
// name sits in parentheses and may itself hold ')' or spaces, so the rest is read after the LAST
// ')'. ok is false for a line that does not parse.
struct ProcStat {
  std::string name;
  char state = '?';
  long ppid = -1;
  long pgrp = -1;
  std::uint64_t cpu_ticks = 0;   // utime + stime
  std::uint64_t start_time = 0;  // clock ticks after boot: with the pid, names one process
  bool ok = false;
};
ProcStat ParseProcStat(std::string_view stat);

// Reads a small /proc file whole (one open, reads until EOF); empty on any error, with the open's
// errno in *error when given. The one /proc reader of the watchdog.
std::string ReadProcFile(const std::string& path, int* error = nullptr);

// Reads one sample of every thread of `pid`.
ProcessSample SampleProcess(pid_t pid);

// Accumulates samples into a proof.
class QuiescenceProof {
 public:
  QuiescenceProof(int samples, std::chrono::milliseconds interval)
      : samples_needed_(samples), interval_(interval) {}

  // Adds a sample taken at `now`; `excluded` threads are left out of the proof (the harness's own
  // waiting threads). Returns true once the proof holds. A sample that breaks it restarts it.
  bool Add(const ProcessSample& sample, const std::set<pid_t>& excluded,
           std::chrono::steady_clock::time_point now);
  bool proven() const { return consecutive_ >= samples_needed_; }
  // Samples counted towards the proof so far (0 after a sample that broke it).
  int consecutive() const { return consecutive_; }
  // One line: why the last sample did not (or did) prove it, e.g. "tid 12 (worker): nanosleep".
  const std::string& explanation() const { return explanation_; }
  void Reset();

 private:
  int samples_needed_;
  std::chrono::milliseconds interval_;
  int consecutive_ = 0;
  std::chrono::steady_clock::time_point last_{};
  std::vector<std::pair<pid_t, std::uint64_t>> parked_;  // tid, runs of the last counted sample
  std::string explanation_;
};

// Samples `pid` up to `samples` times, `interval` apart, and returns true when the proof holds;
// stops at the first sample that breaks it. *explanation says why (or why not).
bool ProveQuiescent(pid_t pid, const std::set<pid_t>& excluded, int samples,
                    std::chrono::milliseconds interval, std::string* explanation);

// "tid 12 (worker) S: untimed private futex wait" for every thread, one per line.
std::string DescribeSample(const ProcessSample& sample);

// ---- implementation of the template ------------------------------------------------------------

namespace quiescence_internal {
bool ParseSyscall(std::string_view text, long* number, std::uint64_t args[6]);
bool IsFutexSyscall(long number);
// FUTEX_* command of an op, and whether it is a wait.
bool IsFutexWait(std::uint64_t op);
bool IsPrivateFutex(std::uint64_t op);
std::string NameSyscall(long number);
}  // namespace quiescence_internal

template <typename PrivateAddress>
ThreadWait ClassifyThread(char state, std::string_view syscall_text,
                          PrivateAddress is_private_address, std::string* how) {
  namespace qi = quiescence_internal;
  if (state == 'R') {
    *how = "running";
    return ThreadWait::kRunning;
  }
  if (state == 'Z' || state == 'X') {
    *how = "exited";
    return ThreadWait::kParkedForGood;  // a dead thread never wakes
  }
  if (syscall_text.substr(0, 7) == "running") {
    *how = "running";
    return ThreadWait::kRunning;
  }
  long number = -1;
  std::uint64_t args[6] = {};
  if (!qi::ParseSyscall(syscall_text, &number, args)) {
    *how = "syscall unreadable";
    return ThreadWait::kUnknown;
  }
  if (number < 0) {
    *how = "blocked outside a system call";
    return ThreadWait::kMayWake;
  }
  if (state != 'S') {
    *how = std::string("state ") + state + " in " + qi::NameSyscall(number);
    return ThreadWait::kMayWake;
  }
  if (!qi::IsFutexSyscall(number)) {
    *how = qi::NameSyscall(number);
    return ThreadWait::kMayWake;
  }
  const std::uint64_t op = args[1];
  if (!qi::IsFutexWait(op)) {
    *how = "futex operation that is no wait";
    return ThreadWait::kMayWake;
  }
  if (args[3] != 0) {
    *how = "timed futex wait";
    return ThreadWait::kMayWake;
  }
  if (qi::IsPrivateFutex(op)) {
    *how = "untimed private futex wait";
    return ThreadWait::kParkedForGood;
  }
  if (is_private_address(args[0])) {
    *how = "untimed futex wait on private memory";
    return ThreadWait::kParkedForGood;
  }
  *how = "untimed futex wait on shared memory";
  return ThreadWait::kMayWake;
}

}  // namespace miconform::watchdog

#endif  // MICONFORM_WATCHDOG_QUIESCENCE_H

// quiescence.cc - the /proc readers and the proof of quiescence.h.
#include "quiescence.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>
#include <thread>

namespace miconform::watchdog {
namespace quiescence_internal {

bool ParseSyscall(std::string_view text, long* number, std::uint64_t args[6]) {
  auto skip_spaces = [&text] {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\n')) text.remove_prefix(1);
  };
  skip_spaces();
  if (text.empty()) return false;
  long nr = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), nr);
  if (error != std::errc()) return false;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  *number = nr;
  if (nr < 0) return true;  // "-1 sp pc": blocked, but not in a system call
  for (int i = 0; i < 6; ++i) {
    skip_spaces();
    if (text.substr(0, 2) != "0x") return false;
    text.remove_prefix(2);
    std::uint64_t value = 0;
    auto [arg_end, arg_error] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
    if (arg_error != std::errc()) return false;
    text.remove_prefix(static_cast<std::size_t>(arg_end - text.data()));
    args[i] = value;
  }
  return true;
}

// The kernel's uapi values (linux/futex.h), spelled out so that the header need not be included.
constexpr std::uint64_t kFutexWait = 0;
constexpr std::uint64_t kFutexLockPi = 6;
constexpr std::uint64_t kFutexWaitBitset = 9;
constexpr std::uint64_t kFutexWaitRequeuePi = 11;
constexpr std::uint64_t kFutexLockPi2 = 13;
constexpr std::uint64_t kFutexPrivateFlag = 128;
constexpr std::uint64_t kFutexClockRealtime = 256;

bool IsFutexSyscall(long number) {
#ifdef SYS_futex
  if (number == SYS_futex) return true;
#endif
#ifdef SYS_futex_time64
  if (number == SYS_futex_time64) return true;
#endif
  return false;
}

bool IsFutexWait(std::uint64_t op) {
  const std::uint64_t command = op & ~(kFutexPrivateFlag | kFutexClockRealtime);
  return command == kFutexWait || command == kFutexWaitBitset || command == kFutexLockPi ||
         command == kFutexLockPi2 || command == kFutexWaitRequeuePi;
}

bool IsPrivateFutex(std::uint64_t op) { return (op & kFutexPrivateFlag) != 0; }

std::string NameSyscall(long number) {
  switch (number) {
#ifdef SYS_nanosleep
    case SYS_nanosleep: return "nanosleep";
#endif
#ifdef SYS_clock_nanosleep
    case SYS_clock_nanosleep: return "clock_nanosleep";
#endif
#ifdef SYS_poll
    case SYS_poll: return "poll";
#endif
#ifdef SYS_ppoll
    case SYS_ppoll: return "ppoll";
#endif
#ifdef SYS_select
    case SYS_select: return "select";
#endif
#ifdef SYS_pselect6
    case SYS_pselect6: return "pselect6";
#endif
#ifdef SYS_epoll_wait
    case SYS_epoll_wait: return "epoll_wait";
#endif
#ifdef SYS_epoll_pwait
    case SYS_epoll_pwait: return "epoll_pwait";
#endif
#ifdef SYS_read
    case SYS_read: return "read";
#endif
#ifdef SYS_write
    case SYS_write: return "write";
#endif
#ifdef SYS_wait4
    case SYS_wait4: return "wait4";
#endif
#ifdef SYS_waitid
    case SYS_waitid: return "waitid";
#endif
#ifdef SYS_rt_sigtimedwait
    case SYS_rt_sigtimedwait: return "rt_sigtimedwait";
#endif
#ifdef SYS_rt_sigsuspend
    case SYS_rt_sigsuspend: return "rt_sigsuspend";
#endif
#ifdef SYS_pause
    case SYS_pause: return "pause";
#endif
    default:
      if (IsFutexSyscall(number)) return "futex";
      return "system call " + std::to_string(number);
  }
}

}  // namespace quiescence_internal

namespace {

namespace qi = quiescence_internal;

struct Mapping {
  std::uint64_t start = 0, end = 0;
  bool is_private = false;
};

std::vector<Mapping> ReadMappings(pid_t pid) {
  std::vector<Mapping> mappings;
  const std::string maps = ReadProcFile("/proc/" + std::to_string(pid) + "/maps");
  std::string_view rest = maps;
  while (!rest.empty()) {
    const auto newline = rest.find('\n');
    const std::string_view line = rest.substr(0, newline);
    rest.remove_prefix(newline == std::string_view::npos ? rest.size() : newline + 1);
    Mapping mapping;
    const char* cursor = line.data();
    const char* const end = line.data() + line.size();
    auto [dash, e1] = std::from_chars(cursor, end, mapping.start, 16);
    if (e1 != std::errc() || dash == end || *dash != '-') continue;
    auto [space, e2] = std::from_chars(dash + 1, end, mapping.end, 16);
    if (e2 != std::errc() || end - space < 5) continue;
    mapping.is_private = space[4] == 'p';  // " rw-p"
    mappings.push_back(mapping);
  }
  return mappings;
}

bool IsNumber(std::string_view name) {
  return !name.empty() &&
         std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<pid_t> ListThreads(pid_t pid, std::string* error) {
  std::vector<pid_t> tids;
  const std::string dir = "/proc/" + std::to_string(pid) + "/task";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    *error = "cannot read " + dir + ": " + std::strerror(errno);
    return tids;
  }
  // getdents64 directly: no allocation per entry, and no opendir state to leak on a throw.
  alignas(8) char buffer[8192];
  for (;;) {
    const long got = ::syscall(SYS_getdents64, fd, buffer, sizeof buffer);
    if (got <= 0) break;
    for (long offset = 0; offset < got;) {
      struct Entry {
        std::uint64_t ino;
        std::int64_t off;
        unsigned short reclen;
        unsigned char type;
        char name[1];
      };
      const auto* entry = reinterpret_cast<const Entry*>(buffer + offset);
      const std::string_view name(entry->name);
      if (IsNumber(name)) tids.push_back(static_cast<pid_t>(std::stol(std::string(name))));
      offset += entry->reclen;
    }
  }
  ::close(fd);
  std::sort(tids.begin(), tids.end());
  if (tids.empty() && error->empty()) *error = "no threads listed in " + dir;
  return tids;
}

// schedstat: "<ns on cpu> <ns waiting> <times run>"; the count moves every time the thread runs.
bool ParseSchedstat(const std::string& text, std::uint64_t* runs) {
  std::string_view rest = text;
  std::uint64_t values[3] = {};
  for (auto& value : values) {
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
    if (error != std::errc()) return false;
    rest.remove_prefix(static_cast<std::size_t>(end - rest.data()));
  }
  // Without scheduler statistics the kernel prints zeros; the count is then of no use.
  if (values[0] == 0 && values[2] == 0) return false;
  *runs = values[2];
  return true;
}

// The hexadecimal signal mask of a status field ("SigCgt:\t0000000000004000"); 0 when absent.
std::uint64_t SignalMask(const std::string& status, const char* field) {
  const auto at = status.find(field);
  if (at == std::string::npos) return 0;
  std::string_view value = std::string_view(status).substr(at + std::strlen(field));
  while (!value.empty() && (value.front() == '\t' || value.front() == ' ')) value.remove_prefix(1);
  std::uint64_t mask = 0;
  std::from_chars(value.data(), value.data() + value.size(), mask, 16);
  return mask;
}

constexpr std::uint64_t Bit(int signal) { return std::uint64_t{1} << (signal - 1); }

// What could still wake a parked process: a pending signal, a POSIX timer, a child process, or a
// handler for a signal that timers and I/O send. Empty when nothing.
std::string WakeSources(pid_t pid, const std::vector<pid_t>& tids) {
  const std::string base = "/proc/" + std::to_string(pid);
  const std::string status = ReadProcFile(base + "/status");
  for (const char* field : {"ShdPnd:", "SigPnd:"}) {
    if (SignalMask(status, field) != 0) return std::string("a pending signal (") + field + ")";
  }
  for (const pid_t tid : tids) {
    const std::string task_status = ReadProcFile(base + "/task/" + std::to_string(tid) + "/status");
    if (SignalMask(task_status, "SigPnd:") != 0)
      return "a signal pending for tid " + std::to_string(tid);
  }
  std::uint64_t wake_signals = Bit(SIGALRM) | Bit(SIGVTALRM) | Bit(SIGPROF) | Bit(SIGIO);
  for (int signal = SIGRTMIN; signal <= SIGRTMAX; ++signal) wake_signals |= Bit(signal);
  const std::uint64_t caught = SignalMask(status, "SigCgt:");
  if ((caught & wake_signals) != 0) {
    return "a handler for a timer, I/O or real-time signal (SigCgt " + std::to_string(caught) + ")";
  }
  if (!ReadProcFile(base + "/timers").empty()) return "a POSIX timer (/proc/<pid>/timers)";
  for (const pid_t tid : tids) {
    const std::string children = ReadProcFile(base + "/task/" + std::to_string(tid) + "/children");
    if (children.find_first_not_of(" \n") != std::string::npos)
      return "a child process (" + children + ")";
  }
  return {};
}

// Times scheduled from /proc/.../status (voluntary + involuntary context switches).
bool ParseSwitches(const std::string& status, std::uint64_t* runs) {
  std::uint64_t total = 0;
  bool found = false;
  for (const char* field : {"voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:"}) {
    const auto at = status.find(std::string("\n") + field);
    if (at == std::string::npos) continue;
    std::string_view value = std::string_view(status).substr(at + 1 + std::strlen(field));
    while (!value.empty() && (value.front() == '\t' || value.front() == ' '))
      value.remove_prefix(1);
    std::uint64_t count = 0;
    std::from_chars(value.data(), value.data() + value.size(), count);
    total += count;
    found = true;
  }
  *runs = total;
  return found;
}

}  // namespace

std::string ReadProcFile(const std::string& path, int* error) {
  if (error != nullptr) *error = 0;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (error != nullptr) *error = errno;
    return {};
  }
  std::string text;
  char buffer[4096];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got > 0) {
      text.append(buffer, static_cast<std::size_t>(got));
      continue;
    }
    if (got < 0 && errno == EINTR) continue;
    break;
  }
  ::close(fd);
  return text;
}

ProcStat ParseProcStat(std::string_view stat) {
  ProcStat fields;
  const auto open = stat.find('(');
  const auto close = stat.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open)
    return fields;
  fields.name = std::string(stat.substr(open + 1, close - open - 1));
  std::string_view rest = stat.substr(close + 1);
  // Fields 3.. : state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime
  // stime cutime cstime priority nice num_threads itrealvalue starttime
  std::vector<std::string_view> words;
  while (!rest.empty() && words.size() < 20) {
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    const auto space = rest.find(' ');
    words.push_back(rest.substr(0, space));
    rest.remove_prefix(space == std::string_view::npos ? rest.size() : space);
  }
  if (words.size() < 13 || words[0].empty()) return fields;
  fields.state = words[0][0];
  std::from_chars(words[1].data(), words[1].data() + words[1].size(), fields.ppid);
  std::from_chars(words[2].data(), words[2].data() + words[2].size(), fields.pgrp);
  if (words.size() == 20) {
    std::from_chars(words[19].data(), words[19].data() + words[19].size(), fields.start_time);
  }
  std::uint64_t utime = 0, stime = 0;
  std::from_chars(words[11].data(), words[11].data() + words[11].size(), utime);
  std::from_chars(words[12].data(), words[12].data() + words[12].size(), stime);
  fields.cpu_ticks = utime + stime;
  fields.ok = true;
  return fields;
}

ProcessSample SampleProcess(pid_t pid) {
  ProcessSample sample;
  const std::vector<pid_t> tids = ListThreads(pid, &sample.error);
  if (tids.empty()) return sample;
  const std::string base = "/proc/" + std::to_string(pid) + "/task/";
  bool mappings_read = false;
  std::vector<Mapping> mappings;
  auto is_private_address = [&](std::uint64_t address) {
    if (!mappings_read) {
      mappings = ReadMappings(pid);
      mappings_read = true;
    }
    for (const Mapping& mapping : mappings) {
      if (address >= mapping.start && address < mapping.end) return mapping.is_private;
    }
    return false;  // unmapped: not provably private
  };
  for (const pid_t tid : tids) {
    const std::string dir = base + std::to_string(tid);
    ThreadSample thread;
    thread.tid = tid;
    int stat_error = 0;
    const ProcStat stat = ParseProcStat(ReadProcFile(dir + "/stat", &stat_error));
    thread.name = stat.name;
    thread.state = stat.state;
    const std::uint64_t ticks = stat.cpu_ticks;
    if (!stat.ok) {
      if (stat_error == ENOENT || stat_error == ESRCH) continue;  // ended since the listing
      thread.how = "cannot read " + dir + "/stat";  // e.g. out of descriptors: not a proof
      sample.threads.push_back(std::move(thread));
      continue;
    }
    if (!ParseSchedstat(ReadProcFile(dir + "/schedstat"), &thread.runs) &&
        !ParseSwitches(ReadProcFile(dir + "/status"), &thread.runs)) {
      thread.runs = ticks;
    }
    const std::string syscall_text = ReadProcFile(dir + "/syscall");
    thread.syscall = syscall_text;
    thread.wait = syscall_text.empty() && thread.state != 'Z' && thread.state != 'X'
                      ? ThreadWait::kUnknown
                      : ClassifyThread(thread.state, syscall_text, is_private_address, &thread.how);
    if (thread.wait == ThreadWait::kUnknown && thread.how.empty()) {
      thread.how = "cannot read " + dir + "/syscall";
    }
    sample.threads.push_back(std::move(thread));
  }
  if (sample.threads.empty()) {
    sample.error = "every thread of process " + std::to_string(pid) + " ended while it was read";
    return sample;
  }
  if (std::all_of(sample.threads.begin(), sample.threads.end(), [](const ThreadSample& thread) {
        return thread.state == 'Z' || thread.state == 'X';
      })) {
    sample.error = "process " + std::to_string(pid) + " is exiting (every thread has ended)";
    return sample;
  }
  sample.woken_by = WakeSources(pid, tids);
  sample.may_be_woken = !sample.woken_by.empty();
  sample.ok = true;
  return sample;
}

void QuiescenceProof::Reset() {
  consecutive_ = 0;
  parked_.clear();
}

bool QuiescenceProof::Add(const ProcessSample& sample, const std::set<pid_t>& excluded,
                          std::chrono::steady_clock::time_point now) {
  auto restart = [this](std::string why) {
    Reset();
    explanation_ = std::move(why);
    return false;
  };
  if (!sample.ok) return restart(sample.error);
  if (sample.may_be_woken) return restart("the process may be woken by " + sample.woken_by);
  std::vector<std::pair<pid_t, std::uint64_t>> parked;
  for (const ThreadSample& thread : sample.threads) {
    if (excluded.count(thread.tid) != 0) continue;
    if (thread.wait != ThreadWait::kParkedForGood) {
      return restart("tid " + std::to_string(thread.tid) + " (" + thread.name + "): " + thread.how);
    }
    parked.emplace_back(thread.tid, thread.runs);
  }
  if (consecutive_ > 0) {
    if (parked != parked_) {
      return restart(parked.size() != parked_.size() ? "the set of threads changed"
                                                     : "a parked thread ran between two samples");
    }
    if (now - last_ < interval_) return proven();  // too soon after the last one: not counted
  }
  last_ = now;
  parked_ = std::move(parked);
  ++consecutive_;
  explanation_ = proven()
                     ? "every thread" +
                           std::string(excluded.empty() ? "" : " but the harness's waiting ones") +
                           " parked in an untimed wait only this process can end, unchanged over " +
                           std::to_string(consecutive_) + " samples"
                     : "parked so far";
  return proven();
}

bool ProveQuiescent(pid_t pid, const std::set<pid_t>& excluded, int samples,
                    std::chrono::milliseconds interval, std::string* explanation) {
  QuiescenceProof proof(samples, interval);
  for (int i = 0; i < samples; ++i) {
    if (i > 0) std::this_thread::sleep_for(interval);
    proof.Add(SampleProcess(pid), excluded, std::chrono::steady_clock::now());
    if (proof.consecutive() == 0) break;  // a thread may wake: no use sampling on
  }
  if (explanation != nullptr) *explanation = proof.explanation();
  return proof.proven();
}

std::string DescribeSample(const ProcessSample& sample) {
  if (!sample.ok) return sample.error + "\n";
  std::string text;
  for (const ThreadSample& thread : sample.threads) {
    text += "tid " + std::to_string(thread.tid) + " (" + thread.name + ") " + thread.state + ": " +
            thread.how + "\n";
  }
  if (sample.may_be_woken) text += "may be woken by " + sample.woken_by + "\n";
  return text;
}

}  // namespace miconform::watchdog

// process_group.cc - /proc readers and group reaping of process_group.h.
#include "process_group.h"

#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <filesystem>
#include <map>
#include <set>

#include "quiescence.h"

namespace miconform::watchdog {
namespace {

bool IsNumber(const std::string& name) {
  return !name.empty() &&
         std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Sends `signal` to the process (pid, start_time) if it is still that process: through a pidfd
// opened first and checked after, so the signal cannot reach a process that reused the pid.
// Falls back to kill() where pidfds do not exist. True when the signal was sent.
bool SignalExactly(pid_t pid, unsigned long long start_time, int signal) {
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    if (errno != ENOSYS) return false;  // gone (ESRCH) or not ours to open
    return StartTimeOf(pid) == start_time && ::kill(pid, signal) == 0;
  }
  bool sent = false;
  if (StartTimeOf(pid) == start_time) {
    sent = ::syscall(SYS_pidfd_send_signal, pidfd, signal, nullptr, 0) == 0;
  }
  ::close(pidfd);
  return sent;
}

std::vector<ProcessEntry> DescendantEntries(pid_t root,
                                            const std::vector<ProcessEntry>& processes) {
  std::multimap<long, const ProcessEntry*> by_parent;
  for (const ProcessEntry& process : processes) by_parent.emplace(process.ppid, &process);
  std::vector<ProcessEntry> found;
  std::vector<long> frontier{root};
  std::set<pid_t> seen{root};
  while (!frontier.empty()) {
    const long parent = frontier.back();
    frontier.pop_back();
    const auto [first, last] = by_parent.equal_range(parent);
    for (auto it = first; it != last; ++it) {
      if (!seen.insert(it->second->pid).second) continue;
      found.push_back(*it->second);
      frontier.push_back(it->second->pid);
    }
  }
  return found;
}

}  // namespace

std::vector<ProcessEntry> ListProcesses() {
  std::vector<ProcessEntry> processes;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename().string();
    if (!IsNumber(name)) continue;
    const ProcStat stat = ParseProcStat(ReadProcFile("/proc/" + name + "/stat"));
    if (!stat.ok) continue;
    processes.push_back(
        {static_cast<pid_t>(std::stol(name)), stat.ppid, stat.pgrp, stat.state, stat.start_time});
  }
  return processes;
}

bool IsInTree(pid_t pid, pid_t root) {
  for (int depth = 0; depth < 256 && pid > 1; ++depth) {
    if (pid == root) return true;
    const ProcStat stat = ParseProcStat(ReadProcFile("/proc/" + std::to_string(pid) + "/stat"));
    if (!stat.ok) return false;
    pid = static_cast<pid_t>(stat.ppid);
  }
  return false;
}

unsigned long long StartTimeOf(pid_t pid) {
  const ProcStat stat = ParseProcStat(ReadProcFile("/proc/" + std::to_string(pid) + "/stat"));
  return stat.ok ? stat.start_time : 0;
}

int KillTree(pid_t root) {
  // (pid, start time) of every process stopped so far.
  std::set<std::pair<pid_t, unsigned long long>> stopped;
  const unsigned long long root_start = StartTimeOf(root);
  if (root_start != 0 && SignalExactly(root, root_start, SIGSTOP))
    stopped.emplace(root, root_start);
  ::kill(-root, SIGSTOP);
  // A stopped process cannot fork, so a walk that finds nothing new has found everything; the
  // bound only guards against a tree that keeps growing faster than it is walked.
  std::set<std::pair<pid_t, unsigned long long>>
      tried;  // a process that cannot be stopped is tried once
  for (int walk = 0; walk < 64; ++walk) {
    const std::vector<ProcessEntry> processes = ListProcesses();
    bool found_new = false;
    for (const ProcessEntry& entry : DescendantEntries(root, processes)) {
      if (!tried.emplace(entry.pid, entry.start_time).second) continue;
      if (SignalExactly(entry.pid, entry.start_time, SIGSTOP))
        stopped.emplace(entry.pid, entry.start_time);
      found_new = true;
    }
    if (!found_new) break;
  }
  ::kill(-root, SIGKILL);
  int others = 0;
  for (const auto& [pid, start_time] : stopped) {
    if (SignalExactly(pid, start_time, SIGKILL) && pid != root) ++others;
  }
  if (root_start != 0 && stopped.count({root, root_start}) == 0)
    SignalExactly(root, root_start, SIGKILL);
  return others;
}

std::string ReadThreadStates(pid_t pid) {
  const std::string task_dir = "/proc/" + std::to_string(pid) + "/task";
  std::error_code error;
  std::vector<long> tids;
  for (const auto& entry : std::filesystem::directory_iterator(task_dir, error)) {
    const std::string name = entry.path().filename().string();
    if (IsNumber(name)) tids.push_back(std::stol(name));
  }
  if (error) return "cannot read " + task_dir + ": " + error.message() + "\n";
  std::sort(tids.begin(), tids.end());
  std::string states;
  for (const long tid : tids) {
    const std::string dir = task_dir + "/" + std::to_string(tid);
    const ProcStat stat = ParseProcStat(ReadProcFile(dir + "/stat"));
    std::string wchan = ReadProcFile(dir + "/wchan");
    if (wchan.empty() || wchan == "0") wchan = "-";
    states += "tid " + std::to_string(tid) + " (" + stat.name + ") state " +
              std::string(1, stat.ok ? stat.state : '?') + " wchan " + wchan + "\n";
  }
  if (states.empty()) states = "no threads listed in " + task_dir + "\n";
  return states;
}

std::vector<pid_t> LiveGroupMembers(pid_t pgid) {
  std::vector<pid_t> members;
  for (const ProcessEntry& process : ListProcesses()) {
    if (process.pgrp == pgid && process.live()) members.push_back(process.pid);
  }
  return members;
}

bool ReapGroup(pid_t pgid) {
  for (;;) {
    int status = 0;
    const pid_t reaped = ::waitpid(-pgid, &status, WNOHANG);
    if (reaped > 0) continue;
    if (reaped == 0) return false;  // a child of ours in the group is still running
    if (errno == EINTR) continue;
    break;  // ECHILD: no child of ours left in the group
  }
  // Members that are not our children (reparented elsewhere) are still in the group until they
  // die and their new parent reaps them.
  return ::kill(-pgid, 0) == -1 && errno == ESRCH;
}

}  // namespace miconform::watchdog

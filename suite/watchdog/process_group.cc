// process_group.cc - /proc readers and group reaping of process_group.h.
#include "process_group.h"

#include "quiescence.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <filesystem>
#include <sys/wait.h>

namespace miconform::watchdog {
namespace {

bool IsNumber(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

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
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename().string();
    if (!IsNumber(name)) continue;
    const ProcStat stat = ParseProcStat(ReadProcFile("/proc/" + name + "/stat"));
    if (stat.ok && stat.pgrp == pgid && stat.state != 'Z' && stat.state != 'X') {
      members.push_back(static_cast<pid_t>(std::stol(name)));
    }
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

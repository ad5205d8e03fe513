// process_group.h - what the real launcher reads from /proc and does to a child's process group
// and process tree: per-thread states of a hung process, live members of a group, the descendants
// of a process, killing a whole tree, reaping a group. Used by process_launcher.cc,
// process_spawn.cc and the self-tests.
//
// Why a tree and not only a group: a case process may leave its group (setpgid to another group
// of its session) or start helpers that call setsid(); a kill of the group misses both. Every
// case process is a child subreaper (process_spawn.h), so whatever it starts stays below it in
// the tree, however the helpers re-parent themselves, for as long as the case process lives.
//
// Threading: plain functions, safe from any thread; none blocks except where stated.
#ifndef MICONFORM_WATCHDOG_PROCESS_GROUP_H
#define MICONFORM_WATCHDOG_PROCESS_GROUP_H

#include <sys/types.h>

#include <string>
#include <vector>

namespace miconform::watchdog {

// One line per thread of `pid`: "tid <tid> (<name>) state <S> wchan <symbol>", from
// /proc/<pid>/task/*/stat and .../wchan. Explains itself if /proc cannot be read.
std::string ReadThreadStates(pid_t pid);

// Pids of processes whose process group is `pgid` and that are not zombies, from /proc.
std::vector<pid_t> LiveGroupMembers(pid_t pgid);

// One process as /proc/<pid>/stat shows it.
struct ProcessEntry {
  pid_t pid;
  long ppid;
  long pgrp;
  char state;                     // 'R', 'S', 'D', 'T', 'Z', ...
  unsigned long long start_time;  // with the pid, names one process
  bool live() const { return state != 'Z' && state != 'X'; }
};

// Every process of the system, from one read of /proc (those that end meanwhile are left out).
std::vector<ProcessEntry> ListProcesses();

// True when `pid` is `root` or lives below it (its chain of parents, read now, reaches `root`).
bool IsInTree(pid_t pid, pid_t root);

// The start time (clock ticks after boot, /proc/<pid>/stat field 22) of `pid`; 0 when it is gone.
// With the pid it names one process: a pid reused later has another start time.
unsigned long long StartTimeOf(pid_t pid);

// Ends `root`, its process group and every descendant: stops them all (SIGSTOP, repeating the walk
// until it finds no process it has not tried, so a fork racing the walk is caught), then sends
// each SIGKILL. Each signal goes through a pidfd opened on a process checked to be the one walked
// (the same start time), so a pid reused meanwhile is never signalled. Returns how many
// processes besides `root` were signalled.
int KillTree(pid_t root);

// Reaps, without blocking, every child of this process in group `pgid` that has ended. Returns
// true when this process has no child left in that group and no process is left in the group.
bool ReapGroup(pid_t pgid);

}  // namespace miconform::watchdog

#endif  // MICONFORM_WATCHDOG_PROCESS_GROUP_H

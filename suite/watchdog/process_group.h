// process_group.h - what the real launcher reads from /proc and does to a child's process group:
// per-thread states of a hung process, live members of a group, killing and reaping a group.
// Used by process_launcher.cc and the self-tests.
//
// Threading: plain functions, safe from any thread; none blocks except where stated.
#ifndef MICONFORM_WATCHDOG_PROCESS_GROUP_H
#define MICONFORM_WATCHDOG_PROCESS_GROUP_H

#include <string>
#include <sys/types.h>
#include <vector>

namespace miconform::watchdog {

// One line per thread of `pid`: "tid <tid> (<name>) state <S> wchan <symbol>", from
// /proc/<pid>/task/*/stat and .../wchan. Explains itself if /proc cannot be read.
std::string ReadThreadStates(pid_t pid);

// Pids of processes whose process group is `pgid` and that are not zombies, from /proc.
std::vector<pid_t> LiveGroupMembers(pid_t pgid);

// Reaps, without blocking, every child of this process in group `pgid` that has ended. Returns
// true when this process has no child left in that group and no process is left in the group.
bool ReapGroup(pid_t pgid);

}  // namespace miconform::watchdog

#endif  // MICONFORM_WATCHDOG_PROCESS_GROUP_H

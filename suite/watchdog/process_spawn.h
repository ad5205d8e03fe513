// process_spawn.h - starts one program with Boost.Process v2 in its own process group, with
// stdout+stderr on one pipe and, optionally, the phase channel on an inherited pipe fd. Used by the
// real launcher for case processes and for the stack-capture tool.
//
// The child: is the leader of a new process group (setpgid(0,0)); is a child subreaper
// (PR_SET_CHILD_SUBREAPER, kept across exec), so every process it starts stays in its tree however
// that process re-parents itself (a double fork, setsid) while the child lives; gets SIGKILL when
// the thread that started it dies (PR_SET_PDEATHSIG; it exits at once if the runner died before
// that was set); may be ptraced by any process of the same user (for stack capture under Yama);
// starts with an empty signal mask and default SIGPIPE/SIGINT/SIGTERM/SIGHUP; has stdin on
// /dev/null.
//
// Orphans: the runner is a child subreaper too (the real launcher makes it one), so when a child
// ends, what it left running comes to the runner. Every program started here is recorded;
// EndOrphans() ends and reaps the runner's children that are not, which are exactly what some
// ended child left behind.
//
// Threading: call on the thread that runs `io` (the only thread touching that io_context's
// reactor, which the fork must find unlocked).
#ifndef MICONFORM_WATCHDOG_PROCESS_SPAWN_H
#define MICONFORM_WATCHDOG_PROCESS_SPAWN_H

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process/v2/process.hpp>

namespace miconform::watchdog {

struct SpawnRequest {
  std::vector<std::string> argv;                         // argv[0]: a path, or a name on PATH
  std::vector<std::pair<std::string, std::string>> env;  // overrides of the inherited environment
  std::vector<std::string> env_unset;  // names of inherited variables the child does not get
  bool with_channel = false;           // pass a phase channel (see channel_token)
  std::string channel_token;           // the channel's framing token (phase_channel.h)
};

struct Spawned {
  explicit Spawned(boost::asio::io_context& io) : process(io), output(io), channel(io) {}
  // Started and already detached from Boost.Process: the child is ours to reap, with ExitWatch
  // (the process object only starts it).
  pid_t pid = -1;
  boost::process::v2::process process;
  boost::asio::readable_pipe output;   // the child's stdout and stderr
  boost::asio::readable_pipe channel;  // the phase channel's read end; closed unless asked for
};

// Calls done(raw waitpid status, error) once, from `io`, when the child `pid` of this process has
// ended, after reaping it. It watches a pidfd and confirms every readiness with
// waitpid(WNOHANG), so a readiness that is not an exit never blocks the io thread (a blocking
// waitpid on a live child would stop the whole watchdog); without pidfds, or after such a
// readiness, it polls every few milliseconds. Destroying it stops the watch (no callback).
class ExitWatch {
 public:
  ExitWatch(boost::asio::io_context& io, pid_t pid, std::function<void(int, std::string)> done);
  ExitWatch(const ExitWatch&) = delete;
  ExitWatch& operator=(const ExitWatch&) = delete;
  ~ExitWatch();

 private:
  void WaitReadable();
  void Poll();
  bool Check();  // true when the watch is over (done called)

  pid_t pid_;
  std::function<void(int, std::string)> done_;
  boost::asio::posix::stream_descriptor pidfd_;
  boost::asio::steady_timer poll_timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// Starts the program. On failure returns nullptr and sets *error ("cannot start '<path>': why").
std::unique_ptr<Spawned> SpawnInOwnGroup(boost::asio::io_context& io, const SpawnRequest& request,
                                         std::string* error);

// Kills (with their trees) and reaps, without blocking, the children of this process that
// SpawnInOwnGroup did not start: those in process group `own_group` (what that ended child left
// in its group), and those in no group a started program leads (what some ended child left after
// leaving its group; whoever sweeps first ends them). Orphans still in another started program's
// group are left to that program's own sweep, so each is counted once, by its owner. A started
// program's record is checked by pid and start time, so an orphan that reused a pid is not taken
// for it. Safe from any thread: it holds the same lock as the spawning, so a child forked but not
// yet recorded is never taken for an orphan.
struct OrphanSweep {
  std::vector<pid_t> killed;  // the orphans that were still running when found
  // Some orphan found was not reaped yet: one just killed, or one /proc already shows as a
  // zombie while waitpid does not yet return it (seen under load). Sweep again until false.
  bool unreaped = false;
};
OrphanSweep EndOrphans(pid_t own_group);

// True when SpawnInOwnGroup started a process with this pid that is still unreaped or was reaped
// in the last seconds (a signal it sent just before it ended is still its).
bool WasSpawned(pid_t pid);

// Tells the record that a started program was reaped (ExitWatch, the stack capture): its pid is
// no longer one of the runner's children and may be reused.
void NoteReaped(pid_t pid);

// The path `name` resolves to: itself when it contains '/', else the first executable match on
// `path_variable` (colon-separated); empty when none.
std::string ResolveExecutable(const std::string& name, const std::string& path_variable);

}  // namespace miconform::watchdog

#endif  // MICONFORM_WATCHDOG_PROCESS_SPAWN_H

// process_spawn.cc - the Boost.Process v2 launch of process_spawn.h.
#include "process_spawn.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <set>

#include <boost/process/v2/posix/default_launcher.hpp>
#include <boost/process/v2/stdio.hpp>

#include "phase_channel.h"
#include "process_group.h"

extern char** environ;

namespace miconform::watchdog {
namespace {

namespace bp = boost::process::v2;

// Owns one fd of the parent.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      if (fd_ >= 0) ::close(fd_);
      fd_ = other.release();
    }
    return *this;
  }
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_ = -1;
};

// Keeps pipe ends off 0..2, where the child's stdio bindings would overwrite them.
int AboveStdio(int fd) {
  if (fd > STDERR_FILENO) return fd;
  const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
  ::close(fd);
  return moved;
}

bool MakePipe(Fd* read_end, Fd* write_end, std::string* error) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    *error = std::string("cannot create a pipe: ") + std::strerror(errno);
    return false;
  }
  const int reader = AboveStdio(fds[0]);
  const int writer = AboveStdio(fds[1]);
  if (reader < 0 || writer < 0) {
    *error = std::string("cannot move a pipe off the stdio fds: ") + std::strerror(errno);
    if (reader >= 0) ::close(reader);
    if (writer >= 0) ::close(writer);
    return false;
  }
  *read_end = Fd(reader);
  *write_end = Fd(writer);
  return true;
}

// The launcher initializer that makes the child a supervised group leader. Runs between fork
// and exec in the child, so it uses async-signal-safe calls only.
struct SupervisedChildSetup {
  pid_t parent;
  int channel_fd;  // -1: no channel
  const char* const* environment;

  bp::error_code on_setup(bp::posix::default_launcher& launcher, const bp::filesystem::path&,
                          const char* const*) {
    launcher.env = environment;
    if (channel_fd >= 0) launcher.fd_whitelist.push_back(channel_fd);
    return {};
  }

  bp::error_code on_exec_setup(bp::posix::default_launcher&, const bp::filesystem::path&,
                               const char* const*) {
    if (::setpgid(0, 0) != 0) return bp::error_code(errno, bp::system_category());
    // Whatever the child starts stays in its tree (process_group.h, KillTree).
    if (::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
      return bp::error_code(errno, bp::system_category());
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);      // the runner died before PDEATHSIG was set
    ::prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY);  // fails harmlessly without Yama
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    sigemptyset(&default_action.sa_mask);
    for (const int signal : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD})
      ::sigaction(signal, &default_action, nullptr);
    if (channel_fd >= 0 && ::fcntl(channel_fd, F_SETFD, 0) == -1) {
      return bp::error_code(errno, bp::system_category());
    }
    return {};
  }

  // The default launcher would call exit(), running the runner's atexit handlers and flushing
  // its stdio buffers in the child; leave at once instead (the errno already reached the parent).
  void on_exec_error(bp::posix::default_launcher&, const bp::filesystem::path&, const char* const*,
                     const bp::error_code&) {
    ::_exit(127);
  }
};

// The inherited environment without the `unset` names, then the overrides.
std::vector<std::string> BuildEnvironment(
    const std::vector<std::pair<std::string, std::string>>& overrides,
    const std::vector<std::string>& unset) {
  std::vector<std::string> entries;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const std::string_view key = text.substr(0, text.find('='));
    bool dropped = false;
    for (const auto& [name, value] : overrides) dropped = dropped || name == key;
    for (const std::string& name : unset) dropped = dropped || name == key;
    if (!dropped) entries.emplace_back(text);
  }
  for (const auto& [name, value] : overrides) {
    // Later overrides of the same name win.
    std::erase_if(entries, [&name](const std::string& entry) {
      return entry.compare(0, name.size() + 1, name + "=") == 0;
    });
    entries.push_back(name + "=" + value);
  }
  return entries;
}

// The programs SpawnInOwnGroup started and that have not been reaped, by pid and start time, and
// those reaped in the last kRecentlyEnded; the lock is held across each fork until its child is
// recorded, and by EndOrphans while it decides.
constexpr std::chrono::seconds kRecentlyEnded{10};
struct SpawnRecord {
  std::mutex mutex;
  std::set<std::pair<pid_t, unsigned long long>> started;
  std::deque<std::pair<pid_t, std::chrono::steady_clock::time_point>> ended;
};

SpawnRecord& Spawns() {
  static SpawnRecord* const record = new SpawnRecord;  // leaked: used until process exit
  return *record;
}

// True when a started program not yet reaped has pid `pid`. Lock held.
bool LedBySpawn(const SpawnRecord& spawns, pid_t pid) {
  const auto found = spawns.started.lower_bound({pid, 0});
  return found != spawns.started.end() && found->first == pid;
}

}  // namespace

OrphanSweep EndOrphans(pid_t own_group) {
  SpawnRecord& spawns = Spawns();
  std::lock_guard<std::mutex> lock(spawns.mutex);
  const pid_t self = ::getpid();
  OrphanSweep sweep;
  for (const ProcessEntry& process : ListProcesses()) {
    if (process.ppid != self) continue;
    const pid_t pid = process.pid;
    if (spawns.started.count({pid, process.start_time}) != 0) continue;
    if (process.pgrp != own_group && LedBySpawn(spawns, static_cast<pid_t>(process.pgrp))) continue;
    if (process.live()) {
      sweep.killed.push_back(pid);
      KillTree(pid);
    }
    // Ours to reap: it is our child; WNOHANG, since a just-killed one may not be a zombie yet,
    // and a zombie in /proc may not be waitable yet (the next sweep reaps either).
    pid_t reaped = 0;
    while ((reaped = ::waitpid(pid, nullptr, WNOHANG)) == -1 && errno == EINTR) {
    }
    if (reaped == 0) sweep.unreaped = true;
  }
  return sweep;
}

bool WasSpawned(pid_t pid) {
  SpawnRecord& spawns = Spawns();
  std::lock_guard<std::mutex> lock(spawns.mutex);
  if (LedBySpawn(spawns, pid)) return true;
  const auto now = std::chrono::steady_clock::now();
  for (const auto& [ended, when] : spawns.ended) {
    if (ended == pid && now - when < kRecentlyEnded) return true;
  }
  return false;
}

void NoteReaped(pid_t pid) {
  SpawnRecord& spawns = Spawns();
  std::lock_guard<std::mutex> lock(spawns.mutex);
  const auto found = spawns.started.lower_bound({pid, 0});
  if (found == spawns.started.end() || found->first != pid) return;
  spawns.started.erase(found);
  const auto now = std::chrono::steady_clock::now();
  spawns.ended.emplace_back(pid, now);
  while (!spawns.ended.empty() && now - spawns.ended.front().second >= kRecentlyEnded) {
    spawns.ended.pop_front();
  }
}

std::string ResolveExecutable(const std::string& name, const std::string& path_variable) {
  if (name.empty()) return {};
  if (name.find('/') != std::string::npos) return name;
  std::size_t start = 0;
  while (start <= path_variable.size()) {
    const std::size_t end = std::min(path_variable.find(':', start), path_variable.size());
    std::string directory = path_variable.substr(start, end - start);
    if (directory.empty()) directory = ".";
    const std::string candidate = directory + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return {};
}

std::unique_ptr<Spawned> SpawnInOwnGroup(boost::asio::io_context& io, const SpawnRequest& request,
                                         std::string* error) {
  if (request.argv.empty() || request.argv.front().empty()) {
    *error = "no program to start (empty argv)";
    return nullptr;
  }
  std::string path_variable;
  for (const auto& [name, value] : request.env) {
    if (name == "PATH") path_variable = value;
  }
  if (path_variable.empty() && std::getenv("PATH") != nullptr) path_variable = std::getenv("PATH");
  const std::string executable = ResolveExecutable(request.argv.front(), path_variable);
  if (executable.empty()) {
    *error = "cannot start '" + request.argv.front() + "': not found on PATH";
    return nullptr;
  }

  Fd output_read, output_write, channel_read, channel_write;
  if (!MakePipe(&output_read, &output_write, error)) return nullptr;
  if (request.with_channel && !MakePipe(&channel_read, &channel_write, error)) return nullptr;

  auto overrides = request.env;
  if (request.with_channel) {
    overrides.emplace_back(kChannelVariable,
                           std::to_string(channel_write.get()) + ":" + request.channel_token);
  }
  const std::vector<std::string> environment = BuildEnvironment(overrides, request.env_unset);
  std::vector<const char*> environment_pointers;
  for (const std::string& entry : environment) environment_pointers.push_back(entry.c_str());
  environment_pointers.push_back(nullptr);

  const std::vector<std::string> arguments(request.argv.begin() + 1, request.argv.end());
  auto spawned = std::make_unique<Spawned>(io);
  bp::error_code launch_error;
  bp::posix::default_launcher launcher;
  SupervisedChildSetup setup{::getpid(), request.with_channel ? channel_write.get() : -1,
                             environment_pointers.data()};
  SpawnRecord& spawns = Spawns();
  std::unique_lock<std::mutex> recording(spawns.mutex);
  spawned->process =
      launcher(boost::asio::any_io_executor(io.get_executor()), launch_error,
               bp::filesystem::path(executable), arguments,
               bp::process_stdio{nullptr, output_write.get(), output_write.get()}, setup);
  if (!launch_error) spawns.started.emplace(launcher.pid, StartTimeOf(launcher.pid));
  recording.unlock();
  if (launch_error) {
    // v2 1.81 reports a failed exec but leaves the failed child unreaped; it has already
    // written its errno and is exiting, so this wait is short.
    if (launcher.pid > 0) {
      while (::waitpid(launcher.pid, nullptr, 0) == -1 && errno == EINTR) {
      }
    }
    *error = "cannot start '" + executable + "': " + launch_error.message();
    return nullptr;
  }
  // Only the child may hold the write ends now, so EOF means the child's side is gone.
  output_write = Fd();
  channel_write = Fd();
  boost::system::error_code assign_error;
  spawned->output.assign(output_read.release(), assign_error);
  if (!assign_error && request.with_channel)
    spawned->channel.assign(channel_read.release(), assign_error);
  if (assign_error) {
    // Cannot watch it: do not leave it running.
    ::kill(-spawned->process.id(), SIGKILL);
    *error = "cannot watch '" + executable + "': " + assign_error.message();
    return nullptr;  // the process object's destructor reaps the child
  }
  spawned->pid = spawned->process.id();
  spawned->process.detach();  // from here on ExitWatch reaps it; Boost must never wait on it
  return spawned;
}

ExitWatch::ExitWatch(boost::asio::io_context& io, pid_t pid,
                     std::function<void(int, std::string)> done)
    : pid_(pid), done_(std::move(done)), pidfd_(io), poll_timer_(io) {
  const int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  boost::system::error_code error;
  if (fd >= 0) pidfd_.assign(fd, error);
  if (fd >= 0 && !error) {
    WaitReadable();
  } else {
    if (fd >= 0 && error) ::close(fd);
    Poll();
  }
}

ExitWatch::~ExitWatch() {
  *alive_ = false;
  boost::system::error_code ignored;
  pidfd_.close(ignored);
  poll_timer_.cancel();
}

void ExitWatch::WaitReadable() {
  pidfd_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                    [this, alive = alive_](const boost::system::error_code& error) {
                      if (!*alive || error == boost::asio::error::operation_aborted) return;
                      if (Check()) return;
                      // Readable but not ended: never trust that descriptor again.
                      boost::system::error_code ignored;
                      pidfd_.close(ignored);
                      Poll();
                    });
}

void ExitWatch::Poll() {
  poll_timer_.expires_after(std::chrono::milliseconds(2));
  poll_timer_.async_wait([this, alive = alive_](const boost::system::error_code& error) {
    if (!*alive || error) return;
    if (!Check()) Poll();
  });
}

bool ExitWatch::Check() {
  int status = 0;
  for (;;) {
    const pid_t reaped = ::waitpid(pid_, &status, WNOHANG);
    if (reaped == 0) return false;
    if (reaped == -1 && errno == EINTR) continue;
    auto done = std::move(done_);
    if (reaped == pid_) {
      NoteReaped(pid_);
      done(status, std::string());
    } else {
      done(-1, std::string("waitpid: ") + std::strerror(errno));
    }
    return true;
  }
}

}  // namespace miconform::watchdog

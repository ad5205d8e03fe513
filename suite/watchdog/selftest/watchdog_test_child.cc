// watchdog_test_child.cc - a deliberately misbehaving case process for the watchdog self-tests:
// one executable whose first argument picks the misbehaviour. It always starts by writing
// "trace pid <pid>" so the tests can check the process is gone afterwards.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "crash_stacks.h"
#include "phase_channel.h"

namespace {

using miconform::watchdog::PhaseChannel;

// Blocks the calling thread forever in a futex wait.
[[noreturn]] void WaitForever() {
  std::mutex mutex;
  std::condition_variable never;
  std::unique_lock<std::mutex> lock(mutex);
  for (;;) never.wait(lock);
}

// Tells a test that this process is running (the test then signals its own runner).
void AnnounceReady() {
  if (const char* file = std::getenv("WATCHDOG_TEST_READY_FILE")) {
    std::ofstream(std::string(file) + ".tmp") << getpid() << "\n";
    std::rename((std::string(file) + ".tmp").c_str(), file);
  }
}

int Deadlock(PhaseChannel& channel) {
  channel.Arm("REQ-TEST-1", "MI_Session_Close");
  channel.Phase("entered MI_Session_Close");
  // A second thread waits for the first, which waits forever: a deadlock in a futex wait.
  std::thread helper([] { WaitForever(); });
  helper.join();
  return 0;
}

int ManyThreads(PhaseChannel& channel) {
  constexpr int kThreads = 8;
  constexpr int kLines = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&channel, t] {
      const std::string padding(200, static_cast<char>('a' + t));
      for (int i = 0; i < kLines; ++i) {
        channel.Trace("thread " + std::to_string(t) + " line " + std::to_string(i) + " " + padding);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  channel.Phase("threads done");
  return 0;
}

int Grandchild(PhaseChannel& channel) {
  const pid_t grandchild = fork();
  if (grandchild == 0) {
    // Keeps the channel and output pipes open and outlives its parent.
    for (;;) pause();
  }
  channel.Trace("grandchild " + std::to_string(grandchild));
  channel.Phase("leaving the grandchild behind");
  return 0;
}

// Leaves its process group for the group of its parent (the runner's), as a library moving itself
// into a terminal's foreground group would; then hangs. A kill of its own group misses it.
int EscapeGroup(PhaseChannel& channel) {
  if (::setpgid(0, ::getpgid(::getppid())) != 0) {
    channel.Trace("setpgid failed");
    return 4;
  }
  channel.Phase("left its group");
  WaitForever();
}

// A daemonising helper, as some transports start: double fork, setsid, then lives on. The helper
// reports its pid; the child waits for that and ends (or, with `then_hang`, hangs).
int Daemonize(PhaseChannel& channel, bool then_hang) {
  int ready[2];
  if (::pipe(ready) != 0) return 4;
  const pid_t first = fork();
  if (first == 0) {
    if (fork() == 0) {
      ::setsid();
      const std::string pid = std::to_string(getpid());
      channel.Trace("daemon " + pid);
      [[maybe_unused]] const ssize_t written = ::write(ready[1], "x", 1);
      for (;;) pause();
    }
    _exit(0);
  }
  ::waitpid(first, nullptr, 0);
  char byte = 0;
  [[maybe_unused]] const ssize_t got = ::read(ready[0], &byte, 1);
  channel.Phase("daemon started");
  if (then_hang) WaitForever();
  return 0;
}

// Signals its parent (the runner), as a library that "stops its host" would, then goes on.
int SignalParent(PhaseChannel& channel, int signal) {
  channel.Phase("signalling the runner");
  ::kill(::getppid(), signal);
  ::usleep(100 * 1000);
  channel.Phase("after the signal");
  channel.End();
  return 0;
}

// Writes `bytes` to every inherited pipe descriptor above stderr, as a careless library writing
// to a descriptor it does not own would; with `forged_end`, the harness's own words.
int WriteOnStrayPipes(PhaseChannel& channel, const std::string& bytes) {
  channel.Phase("writing on stray descriptors");
  for (int fd = 3; fd < 64; ++fd) {
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISFIFO(info.st_mode)) continue;
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t written = ::write(fd, bytes.data() + done, bytes.size() - done);
      if (written <= 0) break;
      done += static_cast<std::size_t>(written);
    }
  }
  return 0;
}

// With the crash-stack dump installed: a helper thread parks in a function with a recognisable
// name, then the main thread aborts (glibc's heap check, when `double_free`).
[[gnu::noinline]] void ParkedHelperForCrashStacks(std::atomic<bool>* parked) {
  *parked = true;
  WaitForever();
}

int CrashWithStacks(PhaseChannel& channel, bool double_free) {
  if (!miconform::watchdog::InstallCrashStacks()) {
    channel.Trace("crash stacks not installed");
    return 0;
  }
  std::atomic<bool> parked{false};
  std::thread(ParkedHelperForCrashStacks, &parked).detach();
  while (!parked) std::this_thread::yield();
  channel.Phase("about to crash with stacks");
  if (double_free) {
    void* volatile block = std::malloc(64);
    std::free(block);
    std::free(block);
  }
  std::abort();
}

}  // namespace

int main(int argc, char** argv) {
  PhaseChannel& channel = PhaseChannel::Get();
  channel.Trace("pid " + std::to_string(getpid()));
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "phases") {
    channel.Phase("entered MI_Session_Close");
    channel.Phase("returned MI_Session_Close");
    channel.Verdict("PASS");
    return 0;
  }
  if (mode == "exit3") {
    channel.Phase("about to fail");
    return 3;
  }
  if (mode == "deadlock-armed") return Deadlock(channel);
  if (mode == "hang-unarmed") {
    channel.Phase("waiting forever");
    AnnounceReady();
    WaitForever();
  }
  if (mode == "spin") {
    channel.Phase("spinning");
    volatile unsigned long counter = 0;
    for (;;) counter = counter + 1;
  }
  if (mode == "segv") {
    channel.Phase("about to crash");
    volatile int* nowhere = nullptr;
    *nowhere = 1;
    return 0;
  }
  if (mode == "abort") {
    channel.Phase("about to abort");
    std::abort();
  }
  if (mode == "abort-with-stacks") return CrashWithStacks(channel, false);
  if (mode == "double-free-with-stacks") return CrashWithStacks(channel, true);
  if (mode == "grandchild") return Grandchild(channel);
  if (mode == "escape-group") return EscapeGroup(channel);
  if (mode == "daemonize") return Daemonize(channel, /*then_hang=*/false);
  if (mode == "daemonize-then-hang") return Daemonize(channel, /*then_hang=*/true);
  if (mode == "sigterm-runner") return SignalParent(channel, SIGTERM);
  if (mode == "sighup-runner") return SignalParent(channel, SIGHUP);
  if (mode == "forge-end") return WriteOnStrayPipes(channel, "end\nverdict PASS\n");
  if (mode == "flood-no-newline") return WriteOnStrayPipes(channel, std::string(32 << 20, 'x'));
  if (mode == "channel-variable") {
    std::printf("MICONFORM_CHANNEL %s\n", std::getenv("MICONFORM_CHANNEL") ? "present" : "absent");
    std::fflush(stdout);
    return 0;
  }
  if (mode == "arm-disarm") {
    channel.Arm("REQ-TEST-2", "MI_Operation_Close");
    channel.Phase("entered MI_Operation_Close");
    channel.Phase("returned MI_Operation_Close");
    channel.Disarm();
    return 0;
  }
  if (mode == "long-line") {
    channel.Phase(std::string(10000, 'x'));
    channel.Message("first\nsecond");
    return 0;
  }
  if (mode == "threads") return ManyThreads(channel);
  if (mode == "env") {
    const char* value = std::getenv("WATCHDOG_TEST_VALUE");
    channel.Trace(std::string("value ") + (value ? value : "(unset)"));
    return 0;
  }
  if (mode == "output") {
    std::cout << "to stdout" << std::endl;
    std::cerr << "to stderr" << std::endl;
    const std::string filler(1000, 'f');
    for (int i = 0; i < 200; ++i) std::cout << filler << "\n";
    std::cout << "last words" << std::endl;
    return 0;
  }
  std::fprintf(stderr, "watchdog_test_child: unknown mode '%s'\n", mode.c_str());
  return 2;
}

// quiescence_test_child.cc - a process that parks its threads one chosen way, for the quiescence
// self-tests. Built without sanitizers (a sanitizer's own background thread sleeps, which would
// keep any proof from holding). The first argument picks the way; it writes "ready\n" on stdout
// once every thread is on its way to the wait, then never exits by itself (the test kills it).
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>

namespace {

void Ready() {
  std::fputs("ready\n", stdout);
  std::fflush(stdout);
}

// Two threads take two locks in opposite orders: both park for good; main joins one of them.
[[noreturn]] void LockPairDeadlock() {
  static std::mutex first, second;
  std::thread a([] {
    std::lock_guard<std::mutex> one(first);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::lock_guard<std::mutex> two(second);
  });
  std::thread b([] {
    std::lock_guard<std::mutex> one(second);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::lock_guard<std::mutex> two(first);
  });
  Ready();
  a.join();
  b.join();
  for (;;) pause();
}

// A thread that waits on a condition variable nobody signals.
std::thread ParkedThread() {
  return std::thread([] {
    static std::mutex mutex;
    static std::condition_variable never;
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) never.wait(lock);
  });
}

// Main joins a parked thread.
[[noreturn]] void JoinOnParked() {
  std::thread parked = ParkedThread();
  Ready();
  parked.join();
  for (;;) pause();
}

[[noreturn]] void CondWait() {
  std::mutex mutex;
  std::condition_variable never;
  std::unique_lock<std::mutex> lock(mutex);
  Ready();
  for (;;) never.wait(lock);
}

[[noreturn]] void TimedWait() {
  std::mutex mutex;
  std::condition_variable never;
  std::unique_lock<std::mutex> lock(mutex);
  Ready();
  for (;;) never.wait_for(lock, std::chrono::seconds(60));
}

[[noreturn]] void Sleep() {
  Ready();
  for (;;) std::this_thread::sleep_for(std::chrono::seconds(60));
}

[[noreturn]] void Spin() {
  Ready();
  volatile unsigned long counter = 0;
  for (;;) counter = counter + 1;
}

[[noreturn]] void ReadPipe() {
  int fds[2];
  if (::pipe(fds) != 0) std::abort();
  Ready();
  char byte;
  for (;;) (void)::read(fds[0], &byte, 1);
}

// One thread parked for good, another in a timed wait: not provable as a whole.
[[noreturn]] void ParkedAndTimed() {
  ParkedThread().detach();
  TimedWait();
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "lock-pair") LockPairDeadlock();
  if (mode == "join-parked") JoinOnParked();
  if (mode == "cond-wait") CondWait();
  if (mode == "timed-wait") TimedWait();
  if (mode == "sleep") Sleep();
  if (mode == "spin") Spin();
  if (mode == "read-pipe") ReadPipe();
  if (mode == "parked-and-timed") ParkedAndTimed();
  std::fprintf(stderr, "quiescence_test_child: unknown mode '%s'\n", mode.c_str());
  return 2;
}

// dispatcher.h - the reference-owned worker threads of one application, which deliver the final
// results the reference makes up after a cancel and run asynchronous session closes; and the
// application's reaper thread, which only a conforming variant uses (memory_freed_by_reaper).
//
// A task may block for as long as it likes (an asynchronous close waits for the application to
// close its operation handles): whenever a task is posted and no worker is idle, a new worker is
// started, so a blocked task never delays another. Workers live until Stop().
// Thread-safe. Stop() must not be called from a worker thread; it runs every task already posted,
// then joins the workers. Tasks posted after Stop() run on the posting thread.
#ifndef MICONFORM_REFERENCE_DISPATCHER_H
#define MICONFORM_REFERENCE_DISPATCHER_H

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace miconform::reference {

class Dispatcher {
 public:
  Dispatcher() = default;
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;
  ~Dispatcher();

  void Post(std::function<void()> task);
  void Stop();

 private:
  void Work();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  std::vector<std::thread> workers_;
  std::size_t idle_ = 0;
  bool stopping_ = false;
};

// Used by a variant only (fault.h, memory_freed_by_reaper): frees what it is handed on one
// background thread, in batches, some time after the hand-over. The thread starts at the first
// Hand(); while it holds nothing it waits without a timeout, while it holds something it wakes
// every kBatchInterval and drops every reference handed over at least kDelay before (so a
// reference goes 20-45 ms after its hand-over, later when the thread is held up).
// Thread-safe. Its mutex is a leaf (reference.h): nothing is dropped, and no other lock taken,
// while it is held - whatever a dropped reference's destructor locks, it locks on the reaper's
// thread with no lock of the reaper's held. Stop() must not be called from the reaper's thread (no
// destructor of what it frees calls it); it drops everything still held, at once, then joins the
// thread. References handed over after Stop() are dropped on the handing thread.
class Reaper {
 public:
  static constexpr std::chrono::milliseconds kDelay{20};
  static constexpr std::chrono::milliseconds kBatchInterval{25};

  Reaper() = default;
  Reaper(const Reaper&) = delete;
  Reaper& operator=(const Reaper&) = delete;
  ~Reaper();

  void Hand(std::shared_ptr<void> memory);
  void Stop();

 private:
  using Clock = std::chrono::steady_clock;
  struct Held {
    Clock::time_point handed;
    std::shared_ptr<void> memory;
  };
  void Work();

  std::mutex mutex_;
  std::condition_variable wake_;
  // ---- guarded by mutex_
  std::deque<Held> held_;  // in the order handed over
  std::thread thread_;
  bool stopping_ = false;
};

}  // namespace miconform::reference

#endif  // MICONFORM_REFERENCE_DISPATCHER_H

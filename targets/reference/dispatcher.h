// dispatcher.h - the reference-owned worker threads of one application, which deliver the final
// results the reference makes up after a cancel and run asynchronous session closes.
//
// A task may block for as long as it likes (an asynchronous close waits for the application to
// close its operation handles): whenever a task is posted and no worker is idle, a new worker is
// started, so a blocked task never delays another. Workers live until Stop().
// Thread-safe. Stop() must not be called from a worker thread; it runs every task already posted,
// then joins the workers. Tasks posted after Stop() run on the posting thread.
#ifndef MICONFORM_REFERENCE_DISPATCHER_H
#define MICONFORM_REFERENCE_DISPATCHER_H

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
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

}  // namespace miconform::reference

#endif  // MICONFORM_REFERENCE_DISPATCHER_H

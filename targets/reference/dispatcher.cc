// dispatcher.cc - the elastic worker pool of an application (see dispatcher.h).
#include "dispatcher.h"

namespace miconform::reference {

Dispatcher::~Dispatcher() { Stop(); }

void Dispatcher::Post(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      tasks_.push_back(std::move(task));
      // Idle workers that were woken but have not taken a task yet still count as idle, so this
      // starts a worker exactly when the queue holds more tasks than there are workers to take them.
      if (tasks_.size() > idle_) {
        workers_.emplace_back([this] { Work(); });
      } else {
        wake_.notify_one();
      }
      return;
    }
  }
  task();
}

void Dispatcher::Stop() {
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    workers.swap(workers_);
  }
  wake_.notify_all();
  for (auto& worker : workers) worker.join();
}

void Dispatcher::Work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    ++idle_;
    wake_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
    --idle_;
    if (tasks_.empty()) return;  // stopping, and nothing left to run
    auto task = std::move(tasks_.front());
    tasks_.pop_front();
    lock.unlock();
    task();
    task = nullptr;  // whatever the task holds is released before the worker waits again
    lock.lock();
  }
}

}  // namespace miconform::reference

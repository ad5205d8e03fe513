// dispatcher.cc - the elastic worker pool of an application, and its reaper (see dispatcher.h).
#include "dispatcher.h"

#include <pthread.h>

namespace miconform::reference {

Dispatcher::~Dispatcher() { Stop(); }

void Dispatcher::Post(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      tasks_.push_back(std::move(task));
      // Idle workers that were woken but have not taken a task yet still count as idle, so this
      // starts a worker exactly when the queue holds more tasks than there are workers to take
      // them.
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

// ---- Reaper (memory_freed_by_reaper only)

Reaper::~Reaper() { Stop(); }

void Reaper::Hand(std::shared_ptr<void> memory) {
  std::shared_ptr<void> dropped;  // after Stop(): dropped here, once the lock is released
  std::lock_guard lock(mutex_);
  if (stopping_) {
    dropped = std::move(memory);
    return;
  }
  held_.push_back(Held{Clock::now(), std::move(memory)});
  if (!thread_.joinable()) {
    thread_ = std::thread([this] { Work(); });
    // Named, so that a self-test can see it come and go (before Hand returns).
    pthread_setname_np(thread_.native_handle(), "mi-reaper");
  } else if (held_.size() == 1) {
    wake_.notify_one();  // it was waiting without a timeout
  }
}

void Reaper::Stop() {
  std::thread thread;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    thread.swap(thread_);
  }
  wake_.notify_all();
  if (thread.joinable()) thread.join();
  // Nothing is held now: Hand starts the thread with the first reference, and the thread drops
  // everything before it returns.
}

void Reaper::Work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !held_.empty(); });
    if (held_.empty()) return;  // stopping, and nothing left to drop
    // Holding something: the next batch is due one interval from now (at once when stopping).
    wake_.wait_for(lock, kBatchInterval, [this] { return stopping_; });
    const Clock::time_point due = Clock::now() - kDelay;
    std::vector<std::shared_ptr<void>> batch;  // freed with the batch: the reaper keeps nothing
    while (!held_.empty() && (stopping_ || held_.front().handed <= due)) {
      batch.push_back(std::move(held_.front().memory));
      held_.pop_front();
    }
    lock.unlock();
    batch = {};  // the frees, with no lock of the reaper's held
    lock.lock();
  }
}

}  // namespace miconform::reference

// thread_registry.cc - the registry of handler-owned threads: start, reap, join per application.
#include "thread_registry.h"

#include <atomic>
#include <list>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace miconform::handler {
namespace {

struct Entry {
  std::thread thread;
  uint64_t application_id = 0;
  std::shared_ptr<std::atomic<bool>> finished;
};

struct Registry {
  std::mutex mu;
  std::list<Entry> entries;
};

// Threads may still be running when the process exits without an application Close; the
// registry is then deliberately left alive (see the holder below) so that no running thread
// meets a destroyed mutex and no joinable std::thread is destroyed (which would terminate).
struct RegistryHolder {
  Registry* registry = new Registry;
  ~RegistryHolder() {
    if (ThreadsQuiescentLocked()) {
      delete registry;
    }
  }
  bool ThreadsQuiescentLocked() {
    std::vector<std::thread> done;
    bool running = false;
    {
      std::lock_guard lock(registry->mu);
      for (Entry& entry : registry->entries) {
        if (!entry.finished->load(std::memory_order_acquire)) {
          running = true;
        }
      }
      if (running) {
        return false;
      }
      for (Entry& entry : registry->entries) {
        done.push_back(std::move(entry.thread));
      }
      registry->entries.clear();
    }
    for (std::thread& thread : done) {
      if (thread.joinable()) {
        thread.join();
      }
    }
    return true;
  }
};

RegistryHolder& holder() {
  static RegistryHolder instance;
  return instance;
}

// Moves out the entries that match; the caller joins them without the registry lock.
std::vector<std::thread> take(bool (*match)(const Entry&, uint64_t), uint64_t application_id) {
  Registry& registry = *holder().registry;
  std::vector<std::thread> taken;
  std::lock_guard lock(registry.mu);
  for (auto it = registry.entries.begin(); it != registry.entries.end();) {
    if (match(*it, application_id)) {
      taken.push_back(std::move(it->thread));
      it = registry.entries.erase(it);
    } else {
      ++it;
    }
  }
  return taken;
}

bool IsFinished(const Entry& entry, uint64_t) {
  return entry.finished->load(std::memory_order_acquire);
}

bool BelongsOrFinished(const Entry& entry, uint64_t application_id) {
  return entry.application_id == application_id || IsFinished(entry, 0);
}

void JoinOrDetach(std::vector<std::thread>& threads) {
  const std::thread::id self = std::this_thread::get_id();
  for (std::thread& thread : threads) {
    if (!thread.joinable()) {
      continue;
    }
    if (thread.get_id() == self) {
      thread.detach();
    } else {
      thread.join();
    }
  }
}

}  // namespace

bool SpawnThread(uint64_t application_id, std::function<void()> body) {
  // Finished threads have left every lock behind, so joining them here is safe even when the
  // caller holds State::mu; it keeps long runs from piling up unjoined threads.
  std::vector<std::thread> finished = take(IsFinished, 0);
  JoinOrDetach(finished);

  Registry& registry = *holder().registry;
  auto done = std::make_shared<std::atomic<bool>>(false);
  std::lock_guard lock(registry.mu);
  try {
    std::thread thread([body = std::move(body), done]() mutable {
      body();
      body = nullptr;  // drop captured state before declaring the thread finished
      done->store(true, std::memory_order_release);
    });
    registry.entries.push_back(Entry{std::move(thread), application_id, done});
  } catch (const std::system_error&) {
    return false;
  }
  return true;
}

void JoinApplicationThreads(uint64_t application_id) {
  std::vector<std::thread> threads = take(BelongsOrFinished, application_id);
  JoinOrDetach(threads);
}

void EnsureThreadRegistry() { holder(); }

bool ThreadsQuiescent() { return holder().ThreadsQuiescentLocked(); }

}  // namespace miconform::handler

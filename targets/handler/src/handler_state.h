// handler_state.h - the handler's one process-wide state (scripts, records, live sessions and
// operations, counters) and the single lock that guards it; used by every file of the handler.
//
// Locking: State::mu guards every field here and every mutable field of Session and Operation.
// It is never held while a client callback runs and never held while joining a thread. Threads
// the handler starts live in the thread registry (thread_registry.h), which has its own lock;
// State::mu may be held when taking that lock, never the other way round.
#ifndef MICONFORM_HANDLER_STATE_H
#define MICONFORM_HANDLER_STATE_H

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "export.h"

namespace miconform::handler {

struct Operation;
struct Session;

struct State {
  std::mutex mu;
  // Notified (notify_all) on every change a waiter may care about: operation events, cancels,
  // starts, releases. Waiters always re-check their own predicate.
  std::condition_variable cv;

  // Bumped by reset; part of every session and operation handle, so handles from before a
  // reset are recognised as stale instead of aliasing new ids.
  uint64_t generation = 1;

  MiconformScript default_script{};
  std::map<std::string, MiconformScript> scripts;

  // Records, indexed by id - 1. Never hold a reference to an element across an unlock: the
  // vectors grow while the lock is released.
  std::vector<MiconformOperationRecord> operation_records;
  std::vector<MiconformSessionRecord> session_records;

  std::map<uint64_t, std::shared_ptr<Operation>> live_operations;
  std::map<uint64_t, std::shared_ptr<Session>> live_sessions;

  uint32_t initialize_count = 0;
  uint32_t application_close_count = 0;
  uint64_t total_cancels = 0;
  uint64_t next_application_id = 1;  // survives reset: applications outlive records
};

// The state; created on first use.
State& state();

// Handle tags (reserved2 of the handles the handler fills) combine a kind with the generation.
enum class HandleKind : uint32_t {
  application = 0x41505031,  // "APP1"
  session = 0x53455331,      // "SES1"
  operation = 0x4f505231,    // "OPR1"
  destination = 0x44535431,  // "DST1"
};

inline ptrdiff_t HandleTag(HandleKind kind, uint64_t generation) {
  return static_cast<ptrdiff_t>((static_cast<uint64_t>(kind) << 32) | (generation & 0xffffffffu));
}

}  // namespace miconform::handler

#endif

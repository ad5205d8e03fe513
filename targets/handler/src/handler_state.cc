// handler_state.cc - creation (and, when safe, destruction) of the handler's process-wide state.
#include "handler_state.h"

#include "script.h"
#include "thread_registry.h"

namespace miconform::handler {
namespace {

// At exit or dlclose the state is destroyed only when no handler thread still runs; otherwise it
// is left alive on purpose, because a running thread may still take its lock.
struct StateHolder {
  State* state = nullptr;
  StateHolder() {
    state = new State;
    state->default_script = DefaultScriptValues();
  }
  ~StateHolder() {
    if (ThreadsQuiescent()) {
      delete state;
    }
  }
};

}  // namespace

State& state() {
  static const bool registry_first = (EnsureThreadRegistry(), true);
  (void)registry_first;
  static StateHolder holder;
  return *holder.state;
}

}  // namespace miconform::handler

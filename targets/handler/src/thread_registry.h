// thread_registry.h - every thread the handler starts (operation threads and session-close
// completion threads), grouped by the application they serve, so that application Close can
// join them before the client unloads the library; used by operation.cc, session.cc and
// application.cc.
//
// Threading: all functions are thread-safe. SpawnThread may be called with State::mu held;
// JoinApplicationThreads must not be (the joined threads take State::mu).
#ifndef MICONFORM_HANDLER_THREAD_REGISTRY_H
#define MICONFORM_HANDLER_THREAD_REGISTRY_H

#include <cstdint>
#include <functional>

namespace miconform::handler {

// Runs body on a new thread owned by application_id. Returns false (and runs nothing) when no
// thread could be created.
bool SpawnThread(uint64_t application_id, std::function<void()> body);

// Joins every thread of application_id and every thread that has already finished. The calling
// thread, if it is one of them, is detached instead (a thread cannot join itself).
void JoinApplicationThreads(uint64_t application_id);

// True when no registered thread is still running (finished ones are joined on the way).
bool ThreadsQuiescent();

// Creates the registry now; state() calls it first so that the registry outlives the state at
// exit (function-local statics are destroyed in reverse order of construction).
void EnsureThreadRegistry();

}  // namespace miconform::handler

#endif

// session.h - one handler session and the MI_SessionFT the client drives it through; used by the
// application table (NewSession, GetApplication) and by operations (GetSession, script delays).
//
// Lifetime: a Session is live from NewSession until its Close has completed (the completion
// callback has returned, or the synchronous Close has returned). Its operations may outlive it.
#ifndef MICONFORM_HANDLER_SESSION_H
#define MICONFORM_HANDLER_SESSION_H

#include <cstdint>
#include <memory>

#include "export.h"

namespace miconform::handler {

struct Session {
  uint64_t id = 0;
  uint64_t application_id = 0;
  // Guarded by State::mu.
  bool closing = false;
  uint32_t largest_operation_close_delay_ms =
      0;  // largest session_close_delay_ms of its operations
};

// Creates a session of the application and fills *out. Takes State::mu.
MI_Result NewSession(uint64_t application_id, MI_Session* out);

// The live session a handle names, or null; *stale_id is set when the handle names a session of
// this generation that is no longer live. Call with State::mu held.
std::shared_ptr<Session> FindSessionLocked(const MI_Session* handle, uint64_t* stale_id);

// Fills a handle for session id of the current generation. Call with State::mu held.
void FillSessionHandle(MI_Session* out, uint64_t id);

}  // namespace miconform::handler

#endif

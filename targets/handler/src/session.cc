// session.cc - handler sessions: creation, the MI_SessionFT (Close with its completion, and the
// thirteen operation starters), and handle lookup.
#include "session.h"

#include <algorithm>
#include <thread>

#include "application.h"
#include "clock.h"
#include "handler_state.h"
#include "integration_findings.h"
#include "operation.h"
#include "thread_registry.h"

namespace miconform::handler {
namespace {

MI_Result CloseSession(MI_Session* handle, void* context, MI_SessionCloseCompletion completion);
MI_Result GetApplication(MI_Session* handle, MI_Application* application);

const char* ScriptKeyOf(const MI_Char* class_name, const MI_Char* namespace_name) {
  return class_name ? class_name : namespace_name;
}

OperationStart MakeStart(const char* kind, MI_Session* session, MI_Uint32 flags,
                         MI_OperationCallbacks* callbacks, MI_Operation* operation) {
  OperationStart start;
  start.kind = kind;
  start.session = session;
  start.flags = flags;
  start.callbacks = callbacks;
  start.operation = operation;
  return start;
}

// Operations whose only target is an instance carry no class name the handler can read (instances
// are opaque), so they are scripted by their namespace name.
void StartInstanceOperation(const char* kind, MI_Session* session, MI_Uint32 flags,
                            const MI_Char* namespace_name, MI_OperationCallbacks* callbacks,
                            MI_Operation* operation) {
  OperationStart start = MakeStart(kind, session, flags, callbacks, operation);
  start.script_key = namespace_name;
  StartOperation(start);
}

void GetInstance(MI_Session* session, MI_Uint32 flags, MI_OperationOptions*,
                 const MI_Char* namespace_name, const MI_Instance*,
                 MI_OperationCallbacks* callbacks, MI_Operation* operation) {
  StartInstanceOperation("GetInstance", session, flags, namespace_name, callbacks, operation);
}

void ModifyInstance(MI_Session* session, MI_Uint32 flags, MI_OperationOptions*,
                    const MI_Char* namespace_name, const MI_Instance*,
                    MI_OperationCallbacks* callbacks, MI_Operation* operation) {
  StartInstanceOperation("ModifyInstance", session, flags, namespace_name, callbacks, operation);
}

void CreateInstance(MI_Session* session, MI_Uint32 flags, MI_OperationOptions*,
                    const MI_Char* namespace_name, const MI_Instance*,
                    MI_OperationCallbacks* callbacks, MI_Operation* operation) {
  StartInstanceOperation("CreateInstance", session, flags, namespace_name, callbacks, operation);
}

void DeleteInstance(MI_Session* session, MI_Uint32 flags, MI_OperationOptions*,
                    const MI_Char* namespace_name, const MI_Instance*,
                    MI_OperationCallbacks* callbacks, MI_Operation* operation) {
  StartInstanceOperation("DeleteInstance", session, flags, namespace_name, callbacks, operation);
}

void invoke(MI_Session* session, MI_Uint32 flags, MI_OperationOptions*,
            const MI_Char* namespace_name, const MI_Char* class_name, const MI_Char*,
            const MI_Instance*, const MI_Instance*, MI_OperationCallbacks* callbacks,
            MI_Operation* operation) {
  OperationStart start = MakeStart("Invoke", session, flags, callbacks, operation);
  start.class_name = class_name;
  start.script_key = ScriptKeyOf(class_name, namespace_name);
  StartOperation(start);
}

void EnumerateInstances(MI_Session* session, MI_Uint32 flags, MI_OperationOptions*,
                        const MI_Char* namespace_name, const MI_Char* class_name, MI_Boolean,
                        MI_OperationCallbacks* callbacks, MI_Operation* operation) {
  OperationStart start = MakeStart("EnumerateInstances", session, flags, callbacks, operation);
  start.class_name = class_name;
  start.script_key = ScriptKeyOf(class_name, namespace_name);
  StartOperation(start);
}

void QueryInstances(MI_Session* session, MI_Uint32 flags, MI_OperationOptions*,
                    const MI_Char* namespace_name, const MI_Char*, const MI_Char*,
                    MI_OperationCallbacks* callbacks, MI_Operation* operation) {
  StartInstanceOperation("QueryInstances", session, flags, namespace_name, callbacks, operation);
}

void AssociatorInstances(MI_Session* session, MI_Uint32 flags, MI_OperationOptions*,
                         const MI_Char* namespace_name, const MI_Instance*,
                         const MI_Char* assoc_class, const MI_Char* result_class, const MI_Char*,
                         const MI_Char*, MI_Boolean, MI_OperationCallbacks* callbacks,
                         MI_Operation* operation) {
  OperationStart start = MakeStart("AssociatorInstances", session, flags, callbacks, operation);
  start.class_name = assoc_class ? assoc_class : result_class;
  start.script_key = ScriptKeyOf(start.class_name, namespace_name);
  StartOperation(start);
}

void ReferenceInstances(MI_Session* session, MI_Uint32 flags, MI_OperationOptions*,
                        const MI_Char* namespace_name, const MI_Instance*,
                        const MI_Char* result_class, const MI_Char*, MI_Boolean,
                        MI_OperationCallbacks* callbacks, MI_Operation* operation) {
  OperationStart start = MakeStart("ReferenceInstances", session, flags, callbacks, operation);
  start.class_name = result_class;
  start.script_key = ScriptKeyOf(result_class, namespace_name);
  StartOperation(start);
}

void subscribe(MI_Session* session, MI_Uint32 flags, MI_OperationOptions*,
               const MI_Char* namespace_name, const MI_Char*, const MI_Char*,
               const MI_SubscriptionDeliveryOptions*, MI_OperationCallbacks* callbacks,
               MI_Operation* operation) {
  // Scripted by the namespace name, like the instance operations; the indications go to the
  // client's indicationResult (with no bookmark or machine ID).
  OperationStart start = MakeStart("Subscribe", session, flags, callbacks, operation);
  start.script_key = namespace_name;
  start.indication_results = true;
  StartOperation(start);
}

void GetClass(MI_Session* session, MI_Uint32 flags, MI_OperationOptions*,
              const MI_Char* namespace_name, const MI_Char* class_name,
              MI_OperationCallbacks* callbacks, MI_Operation* operation) {
  OperationStart start = MakeStart("GetClass", session, flags, callbacks, operation);
  start.class_name = class_name;
  start.script_key = ScriptKeyOf(class_name, namespace_name);
  start.class_results = true;
  StartOperation(start);
}

void EnumerateClasses(MI_Session* session, MI_Uint32 flags, MI_OperationOptions*,
                      const MI_Char* namespace_name, const MI_Char* class_name, MI_Boolean,
                      MI_OperationCallbacks* callbacks, MI_Operation* operation) {
  OperationStart start = MakeStart("EnumerateClasses", session, flags, callbacks, operation);
  start.class_name = class_name;
  start.script_key = ScriptKeyOf(class_name, namespace_name);
  start.class_results = true;
  StartOperation(start);
}

void TestConnection(MI_Session* session, MI_Uint32 flags, MI_OperationCallbacks* callbacks,
                    MI_Operation* operation) {
  OperationStart start = MakeStart("TestConnection", session, flags, callbacks, operation);
  start.default_script_only = true;
  StartOperation(start);
}

const MI_SessionFT kSessionTable = {
    CloseSession,       GetApplication, GetInstance,        ModifyInstance,   CreateInstance,
    DeleteInstance,     invoke,         EnumerateInstances, QueryInstances,   AssociatorInstances,
    ReferenceInstances, subscribe,      GetClass,           EnumerateClasses, TestConnection,
};

// The session is gone once its Close has completed; its operations may live on. `delayed`: the
// synchronous Close slept its delay (handler.in_session_close).
void FinishSession(const Session& session, bool delayed) {
  State& s = state();
  std::lock_guard lock(s.mu);
  if (session.id <= s.session_records.size()) {
    MiconformSessionRecord& record = s.session_records[session.id - 1];
    if (record.completed_ns == 0) {
      record.completed_ns = MonotonicNs();
    }
    if (delayed) {
      ++record.close_delays_waited;
    }
  }
  s.live_sessions.erase(session.id);
  s.cv.notify_all();
}

// Notes a session's Close in its history, as a finding when operations it started are not
// closed yet (the client owes their Close first).
void NoteCloseOfSessionLocked(const Session& session, bool with_completion) {
  std::string open;
  for (const auto& [id, op] : state().live_operations) {
    if (op->session_id == session.id && !op->closed) {
      open += (open.empty() ? "" : ", ") + std::to_string(id);
    }
  }
  const std::string call = with_completion ? "Close (with a completion)" : "Close";
  if (open.empty()) {
    NoteSessionCallLocked(session.id, call);
  } else {
    SessionFindingLocked(FindingKind::session_closed_with_open_operations, session.id,
                         call + " while operation(s) " + open + " were not closed");
  }
}

MI_Result CloseSession(MI_Session* handle, void* context, MI_SessionCloseCompletion completion) {
  State& s = state();
  std::shared_ptr<Session> session;
  uint32_t delay = 0;
  {
    std::lock_guard lock(s.mu);
    uint64_t stale = 0;
    session = FindSessionLocked(handle, &stale);
    if (!session) {
      if (stale) {
        ++s.session_records[stale - 1].close_count;
        SessionFindingLocked(FindingKind::session_closed_twice, stale,
                             "Close again, session closed");
      }
      return MI_RESULT_INVALID_PARAMETER;
    }
    MiconformSessionRecord& record = s.session_records[session->id - 1];
    ++record.close_count;
    if (session->closing) {
      SessionFindingLocked(FindingKind::session_closed_twice, session->id, "Close again");
      return MI_RESULT_INVALID_PARAMETER;  // a second Close gets no completion of its own
    }
    NoteCloseOfSessionLocked(*session, completion != nullptr);
    session->closing = true;
    record.close_ns = MonotonicNs();
    // The delay is the default script's, or a larger one any operation of this session asked
    // for, so a case can slow one session's close down by scripting one of its operations.
    delay = std::max(s.default_script.session_close_delay_ms,
                     session->largest_operation_close_delay_ms);
  }
  if (!completion) {
    if (delay) {
      std::this_thread::sleep_for(ms(delay));
    }
    FinishSession(*session, delay > 0);
    return MI_RESULT_OK;
  }
  auto complete = [session, context, completion, delay] {
    if (delay) {
      std::this_thread::sleep_for(ms(delay));
    }
    {
      State& st = state();
      std::lock_guard lock(st.mu);
      MiconformSessionRecord& record = st.session_records[session->id - 1];
      ++record.completions_called;
      record.completed_ns = MonotonicNs();
      if (delay) {
        ++record.close_delays_waited;  // handler.in_session_close
      }
    }
    {
      InHandlerCallback inside;
      completion(context);
    }
    FinishSession(*session, false);
  };
  if (!SpawnThread(session->application_id, complete)) {
    complete();  // no thread could be created: completing late beats never completing
  }
  return MI_RESULT_OK;
}

MI_Result GetApplication(MI_Session* handle, MI_Application* application) {
  State& s = state();
  std::lock_guard lock(s.mu);
  uint64_t stale = 0;
  std::shared_ptr<Session> session = FindSessionLocked(handle, &stale);
  const uint64_t closed_session = session ? (session->closing ? session->id : 0) : stale;
  if (closed_session != 0) {
    SessionFindingLocked(FindingKind::session_call_after_close, closed_session,
                         "GetApplication after Close");
  }
  if (!session || !application) {
    return MI_RESULT_INVALID_PARAMETER;
  }
  FillApplicationHandle(application, session->application_id);
  return MI_RESULT_OK;
}

}  // namespace

MI_Result NewSession(uint64_t application_id, MI_Session* out) {
  State& s = state();
  std::lock_guard lock(s.mu);
  auto session = std::make_shared<Session>();
  session->id = s.session_records.size() + 1;
  session->application_id = application_id;
  MiconformSessionRecord record{};
  record.id = session->id;
  record.opened_ns = MonotonicNs();
  s.session_records.push_back(record);
  s.live_sessions.emplace(session->id, session);
  NoteSessionCallLocked(session->id, "opened");
  FillSessionHandle(out, session->id);
  return MI_RESULT_OK;
}

std::shared_ptr<Session> FindSessionLocked(const MI_Session* handle, uint64_t* stale_id) {
  State& s = state();
  if (!handle || handle->ft != &kSessionTable ||
      handle->reserved2 != HandleTag(HandleKind::session, s.generation)) {
    return nullptr;
  }
  auto it = s.live_sessions.find(handle->reserved1);
  if (it != s.live_sessions.end()) {
    return it->second;
  }
  if (handle->reserved1 >= 1 && handle->reserved1 <= s.session_records.size()) {
    *stale_id = handle->reserved1;
  }
  return nullptr;
}

void FillSessionHandle(MI_Session* out, uint64_t id) {
  out->reserved1 = id;
  out->reserved2 = HandleTag(HandleKind::session, state().generation);
  out->ft = &kSessionTable;
}

}  // namespace miconform::handler

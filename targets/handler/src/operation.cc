// operation.cc - the scripted operation engine: start, delivery of messages, progress, results and
// the final result on either thread mode, acknowledgement gating, cancel, Close and release, and
// the MI_OperationFT that exposes them to the client.
//
// Every step is claimed under State::mu (so exactly one thread delivers it, and nothing is
// delivered once the operation is stopped) and then delivered with the lock released. Delays are
// condition-variable waits, so Close, cancel and application Close cut them short.
#include "operation.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <optional>

#include "handler_state.h"
#include "integration_findings.h"
#include "script.h"
#include "session.h"
#include "thread_registry.h"

namespace miconform::handler {
namespace {

// An acknowledgement nested this deep in the same operation's callbacks on one thread does not
// deliver the next result itself: the innermost delivering frame does, iteratively. This keeps an
// endless caller-thread script that acknowledges inside its callback from exhausting the stack.
constexpr size_t kMaxCallerNesting = 16;

constexpr const char* kCancelledText = "cancelled";
constexpr const char* kDisconnectedText =
    "cancelled: the server did not confirm the cancel, the transport disconnected";
constexpr const char* kScriptedFailureText = "miconform handler: scripted final result";

enum class Driver { handler_thread, caller_start, caller_ack, caller_cancel };

MI_Result CloseOperation(MI_Operation* handle);
MI_Result CancelOperation(MI_Operation* handle, MI_CancellationReason reason);
MI_Result GetSession(MI_Operation* handle, MI_Session* session);
MI_Result PullInstance(MI_Operation*, const MI_Instance**, MI_Boolean*, MI_Result*, const MI_Char**,
                       const MI_Instance**);
MI_Result PullIndication(MI_Operation*, const MI_Instance**, const MI_Char**, const MI_Char**,
                         MI_Boolean*, MI_Result*, const MI_Char**, const MI_Instance**);
MI_Result PullClass(MI_Operation*, const MI_Class**, MI_Boolean*, MI_Result*, const MI_Char**,
                    const MI_Instance**);
MI_Result AcknowledgeResult(MI_Operation* handle);

const MI_OperationFT kOperationTable = {
    CloseOperation, CancelOperation, GetSession, PullInstance, PullIndication, PullClass,
};

MiconformOperationRecord& RecordOf(const Operation& op) {
  return state().operation_records[op.id - 1];
}

void NoteEvent(Operation& op) {
  ++op.events;
  state().cv.notify_all();
}

// The transport's duty on a cancel, kept whatever the script says: it ends the operation with a
// final result `cancel_delay_ms` after the first cancel. A script's `ignore_cancel` is a fault of
// the server behind the transport (it never confirms the cancel); the transport then disconnects
// and still gives the final result (MI_Operation_Cancel: "The client disconnects from the server
// as soon as possible").
bool CancelPending(const Operation& op) { return op.cancel_requested; }

// The cancel's final result may be sent now: it is due, and no result is still waiting for its
// acknowledgement (a transport never sends a result before the previous one was acknowledged).
bool CancelIsDue(const Operation& op, SteadyClock::time_point now) {
  return CancelPending(op) && !op.awaiting_ack && now >= op.cancel_due;
}

size_t DepthOnThisThread(const Operation& op) {
  return static_cast<size_t>(std::count(op.callback_threads.begin(), op.callback_threads.end(),
                                        std::this_thread::get_id()));
}

bool FinalAcknowledged(const Operation& op) {
  // Without manual acknowledgement the client owes no ack: the final result counts as
  // acknowledged once its callback has returned. With it, every delivered result must be
  // acknowledged (acks carry no identity, so they are counted).
  if (!op.manual_ack && op.final_returned) {
    return true;
  }
  return op.acks >= op.delivered;
}

void MaybeRelease(Operation& op) {
  if (op.released || !op.close_returned || !op.callback_threads.empty()) {
    return;
  }
  if (op.final_claimed && !FinalAcknowledged(op)) {
    return;
  }
  op.released = true;
  RecordOf(op).released = 1;
  for (const ArgumentSlot slot : op.unacknowledged_arguments) {
    EndArgumentLocked(slot);
  }
  op.unacknowledged_arguments.clear();
  op.current_instance.reset();
  op.current_class.reset();
  NoteEvent(op);
  state().live_operations.erase(op.id);  // every caller holds its own shared_ptr
}

// Runs one client callback with the lock released, keeping callbacks_in_flight and the list of
// threads inside this operation's callbacks accurate.
template <class Call>
void CallOut(std::unique_lock<std::mutex>& lock, Operation& op, Call&& call) {
  ++RecordOf(op).callbacks_in_flight;
  op.callback_threads.push_back(std::this_thread::get_id());
  lock.unlock();
  {
    InHandlerCallback inside;
    call();
  }
  lock.lock();
  --RecordOf(op).callbacks_in_flight;
  auto it =
      std::find(op.callback_threads.begin(), op.callback_threads.end(), std::this_thread::get_id());
  if (it != op.callback_threads.end()) {
    op.callback_threads.erase(it);
  }
}

// Waits until `deadline` (none: indefinitely) or until the operation's events change; a pending
// honoured cancel bounds the wait by its due time.
void WaitEvent(std::unique_lock<std::mutex>& lock, Operation& op,
               std::optional<SteadyClock::time_point> deadline) {
  if (CancelPending(op) && !op.awaiting_ack) {
    deadline = deadline ? std::min(*deadline, op.cancel_due) : op.cancel_due;
  }
  const uint64_t seen = op.events;
  auto changed = [&] { return op.events != seen; };
  if (deadline) {
    state().cv.wait_until(lock, *deadline, changed);
  } else {
    state().cv.wait(lock, changed);
  }
}

void DeliverMessage(std::unique_lock<std::mutex>& lock, Operation& op) {
  const uint32_t number = ++op.messages_sent;
  if (!op.callbacks.writeMessage) {
    return;
  }
  const std::string text = "miconform scripted message " + std::to_string(number);
  NoteOperationCallLocked(op.id, "writeMessage #" + std::to_string(number));
  CallOut(lock, op, [&] {
    op.callbacks.writeMessage(op.handle, op.callbacks.callbackContext, 0, text.c_str());
  });
  MaybeRelease(op);
}

void DeliverProgress(std::unique_lock<std::mutex>& lock, Operation& op) {
  const uint32_t number = ++op.progress_sent;
  if (!op.callbacks.writeProgress) {
    return;
  }
  const uint32_t total = op.script.progress;
  const std::string status = "step " + std::to_string(number) + " of " + std::to_string(total);
  const MI_Uint32 percent = static_cast<MI_Uint32>((100ull * number) / total);
  NoteOperationCallLocked(op.id, "writeProgress #" + std::to_string(number));
  CallOut(lock, op, [&] {
    op.callbacks.writeProgress(op.handle, op.callbacks.callbackContext, "miconform",
                               "scripted operation", status.c_str(), percent, 0);
  });
  MaybeRelease(op);
}

// The client callback an operation's results go to, as its call history names it.
const char* ResultCallbackName(const Operation& op) {
  if (op.class_results) {
    return "classResult";
  }
  return op.indication_results ? "indicationResult" : "instanceResult";
}

void DeliverResult(std::unique_lock<std::mutex>& lock, Operation& op) {
  const uint32_t index = op.results_claimed++;
  ++RecordOf(op).results_sent;
  ++op.delivered;
  if (op.manual_ack) {
    op.awaiting_ack = true;
  }
  // The result's object is valid until its acknowledgement (manual mode) or until its callback
  // returns (automatic mode), then ended (result_arguments.h). An untracked one, when the pool
  // is full, replaces the previous untracked one, whose validity has ended either way.
  ArgumentSlot slot = kNoArgumentSlot;
  const MI_Instance* instance = nullptr;
  const MI_Class* class_result = nullptr;
  if (op.class_results) {
    class_result = NewClassArgumentLocked(op.id, index, &slot);
    if (class_result == nullptr) {
      op.current_class.reset(new _MI_Class{op.id, index});
      class_result = op.current_class.get();
    }
  } else {
    instance = NewInstanceArgumentLocked(op.id, index, &slot);
    if (instance == nullptr) {
      op.current_instance.reset(new _MI_Instance{op.id, index});
      instance = op.current_instance.get();
    }
  }
  if (op.manual_ack) {
    op.unacknowledged_arguments.push_back(slot);  // the acknowledgement may come inside the call
  }
  NoteOperationCallLocked(op.id, std::string(ResultCallbackName(op)) + " #" +
                                     std::to_string(index + 1) + " (moreResults=1)");
  CallOut(lock, op, [&] {
    if (op.class_results) {
      op.callbacks.classResult(op.handle, op.callbacks.callbackContext, class_result, MI_TRUE,
                               MI_RESULT_OK, nullptr, nullptr, AcknowledgeResult);
    } else if (op.indication_results) {
      op.callbacks.indicationResult(op.handle, op.callbacks.callbackContext, instance, nullptr,
                                    nullptr, MI_TRUE, MI_RESULT_OK, nullptr, nullptr,
                                    AcknowledgeResult);
    } else {
      op.callbacks.instanceResult(op.handle, op.callbacks.callbackContext, instance, MI_TRUE,
                                  MI_RESULT_OK, nullptr, nullptr, AcknowledgeResult);
    }
  });
  if (!op.manual_ack) {
    EndArgumentLocked(slot);
  }
  MaybeRelease(op);
}

void DeliverFinal(std::unique_lock<std::mutex>& lock, Operation& op, MI_Result code,
                  const char* error_text) {
  op.final_claimed = true;
  ++op.delivered;
  // The error string is tracked like a result's object (DeliverResult); untracked (too long, or
  // the pool full), the text passed in is handed over, which lives as long as the operation.
  ArgumentSlot slot = kNoArgumentSlot;
  const MI_Char* error = error_text;
  if (error_text != nullptr) {
    const MI_Char* tracked = NewErrorStringArgumentLocked(op.id, error_text, &slot);
    if (tracked != nullptr) error = tracked;
  }
  if (op.manual_ack) {
    op.unacknowledged_arguments.push_back(slot);
  }
  MiconformOperationRecord& record = RecordOf(op);
  ++record.final_sent;
  record.final_result = code;
  record.final_ns = MonotonicNs();
  NoteEvent(op);
  NoteOperationCallLocked(op.id, std::string(ResultCallbackName(op)) + " final (moreResults=0, " +
                                     NameOfResult(code) + ")");
  CallOut(lock, op, [&] {
    if (op.class_results) {
      op.callbacks.classResult(op.handle, op.callbacks.callbackContext, nullptr, MI_FALSE, code,
                               error, nullptr, AcknowledgeResult);
    } else if (op.indication_results) {
      op.callbacks.indicationResult(op.handle, op.callbacks.callbackContext, nullptr, nullptr,
                                    nullptr, MI_FALSE, code, error, nullptr, AcknowledgeResult);
    } else {
      op.callbacks.instanceResult(op.handle, op.callbacks.callbackContext, nullptr, MI_FALSE, code,
                                  error, nullptr, AcknowledgeResult);
    }
  });
  if (!op.manual_ack) {
    EndArgumentLocked(slot);
  }
  op.final_returned = true;
  MaybeRelease(op);
}

// Runs the script as far as `driver` may take it. The handler thread runs it to the end, waiting
// for acknowledgements; a caller-thread driver delivers what this call is responsible for (start:
// up to the first result awaiting acknowledgement; ack: the next such step; cancel: the final
// result once the cancel is due) and returns.
void drive(const std::shared_ptr<Operation>& holder, Driver driver) {
  Operation& op = *holder;
  std::unique_lock lock(state().mu);
  for (;;) {
    if (op.stopped()) {
      return;
    }
    const SteadyClock::time_point now = SteadyClock::now();
    if (CancelIsDue(op, now)) {
      DeliverFinal(lock, op, MI_RESULT_FAILED,
                   op.script.ignore_cancel ? kDisconnectedText : kCancelledText);
      return;
    }
    // On the caller's thread the cancel's final result is made inside the Cancel call, or,
    // while the client still owes an acknowledgement, inside that acknowledgement's call.
    if (driver == Driver::caller_cancel || (driver == Driver::caller_ack && CancelPending(op))) {
      if (op.awaiting_ack) {
        return;  // the acknowledgement call delivers the final result
      }
      WaitEvent(lock, op, std::nullopt);  // bounded by the cancel's due time
      continue;
    }
    if (op.messages_sent < op.script.messages) {
      DeliverMessage(lock, op);
      continue;
    }
    if (op.progress_sent < op.script.progress) {
      DeliverProgress(lock, op);
      continue;
    }
    if (op.awaiting_ack) {
      if (driver != Driver::handler_thread) {
        return;  // the acknowledgement call delivers the next step
      }
      WaitEvent(lock, op, std::nullopt);
      continue;
    }
    const SteadyClock::time_point deadline = now + ms(op.script.result_delay_ms);
    bool interrupted = false;
    while (SteadyClock::now() < deadline) {
      WaitEvent(lock, op, deadline);
      if (op.stopped() || op.awaiting_ack || CancelIsDue(op, SteadyClock::now())) {
        interrupted = true;
        break;
      }
    }
    if (interrupted) {
      continue;
    }
    // The whole delay elapsed and a result or the final one is delivered next, under this
    // same lock hold: handler.before_result fired.
    if (op.script.result_delay_ms > 0) {
      ++RecordOf(op).result_delays_waited;
    }
    if (op.results_claimed < op.script.results || op.script.until_cancelled) {
      DeliverResult(lock, op);
      if (driver != Driver::handler_thread && op.manual_ack) {
        if (!op.deferred_ack) {
          return;
        }
        op.deferred_ack = false;
      }
      continue;
    }
    DeliverFinal(lock, op, op.final_code,
                 op.final_error.empty() ? nullptr : op.final_error.c_str());
    return;
  }
}

// The live operation a handle names, or null; *stale_id is set when the handle names an
// operation of this generation that is no longer live. Call with State::mu held.
std::shared_ptr<Operation> FindOperationLocked(const MI_Operation* handle, uint64_t* stale_id) {
  State& s = state();
  if (!handle || handle->ft != &kOperationTable ||
      handle->reserved2 != HandleTag(HandleKind::operation, s.generation)) {
    return nullptr;
  }
  auto it = s.live_operations.find(handle->reserved1);
  if (it != s.live_operations.end()) {
    return it->second;
  }
  if (handle->reserved1 >= 1 && handle->reserved1 <= s.operation_records.size()) {
    *stale_id = handle->reserved1;
  }
  return nullptr;
}

MI_Result AcknowledgeResult(MI_Operation* handle) {
  State& s = state();
  std::shared_ptr<Operation> op;
  {
    std::lock_guard lock(s.mu);
    uint64_t stale = 0;
    op = FindOperationLocked(handle, &stale);
    if (!op) {
      if (stale) {
        ++s.operation_records[stale - 1].results_acknowledged;
        OperationFindingLocked(FindingKind::acknowledged_after_close, stale,
                               "resultAcknowledgement after Close, operation released");
      }
      return MI_RESULT_INVALID_PARAMETER;
    }
    if (op->closed) {
      OperationFindingLocked(FindingKind::acknowledged_after_close, op->id,
                             "resultAcknowledgement after Close");
    } else {
      NoteOperationCallLocked(op->id, "resultAcknowledgement");
    }
    ++op->acks;
    ++RecordOf(*op).results_acknowledged;
    // Acknowledgements carry no identity: this one ends the oldest unacknowledged result's object.
    if (!op->unacknowledged_arguments.empty()) {
      EndArgumentLocked(op->unacknowledged_arguments.front());
      op->unacknowledged_arguments.pop_front();
    }
    const bool was_awaiting = op->awaiting_ack;
    op->awaiting_ack = false;
    NoteEvent(*op);
    MaybeRelease(*op);
    if (!op->caller_thread || !was_awaiting || op->stopped()) {
      return MI_RESULT_OK;
    }
    if (DepthOnThisThread(*op) >= kMaxCallerNesting) {
      op->deferred_ack = true;
      return MI_RESULT_OK;
    }
  }
  drive(op, Driver::caller_ack);
  return MI_RESULT_OK;
}

MI_Result CancelOperation(MI_Operation* handle, MI_CancellationReason reason) {
  State& s = state();
  std::shared_ptr<Operation> op;
  {
    std::lock_guard lock(s.mu);
    uint64_t stale = 0;
    op = FindOperationLocked(handle, &stale);
    if (!op) {
      if (stale) {
        ++s.operation_records[stale - 1].cancel_count;
        ++s.total_cancels;
        OperationFindingLocked(FindingKind::operation_call_after_close, stale,
                               "Cancel after Close, operation released");
        s.cv.notify_all();
      }
      return MI_RESULT_INVALID_PARAMETER;
    }
    const std::string call = "Cancel (reason " + std::to_string(reason) + ")";
    if (op->closed) {
      OperationFindingLocked(FindingKind::operation_call_after_close, op->id,
                             call + " after Close");
    } else {
      NoteOperationCallLocked(op->id, call);
    }
    MiconformOperationRecord& record = RecordOf(*op);
    ++record.cancel_count;
    ++s.total_cancels;
    if (!op->cancel_requested) {
      op->cancel_requested = true;
      op->cancel_due = SteadyClock::now() + ms(op->script.cancel_delay_ms);
      record.first_cancel_ns = MonotonicNs();
      record.cancel_reason = reason;
      // handler.before_cancel fires when the handler starts holding the cancel back (a close
      // of the operation may cut the delay short: the slow provider was there all the same).
      if (op->script.cancel_delay_ms > 0 && !op->stopped()) {
        ++record.cancel_delays_waited;
      }
    }
    NoteEvent(*op);
    if (!op->caller_thread || !op->has_callbacks || op->stopped()) {
      return MI_RESULT_OK;
    }
  }
  drive(op, Driver::caller_cancel);
  return MI_RESULT_OK;
}

MI_Result CloseOperation(MI_Operation* handle) {
  State& s = state();
  std::shared_ptr<Operation> op;
  std::unique_lock lock(s.mu);
  uint64_t stale = 0;
  op = FindOperationLocked(handle, &stale);
  if (!op) {
    if (stale) {
      ++s.operation_records[stale - 1].close_count;
      OperationFindingLocked(FindingKind::operation_closed_twice, stale,
                             "Close again, operation released");
    }
    return MI_RESULT_INVALID_PARAMETER;
  }
  MiconformOperationRecord& record = RecordOf(*op);
  ++record.close_count;
  if (op->closed) {
    OperationFindingLocked(FindingKind::operation_closed_twice, op->id, "Close again");
    return MI_RESULT_INVALID_PARAMETER;  // a second Close; the first one owns the release
  }
  NoteOperationCallLocked(op->id, "Close");
  op->closed = true;
  record.close_ns = MonotonicNs();
  NoteEvent(*op);
  const uint32_t delay = op->script.operation_close_delay_ms;
  lock.unlock();
  if (delay) {
    std::this_thread::sleep_for(ms(delay));
  }
  lock.lock();
  if (delay) {
    ++RecordOf(*op).close_delays_waited;  // handler.in_operation_close
  }
  op->close_returned = true;
  MaybeRelease(*op);
  return MI_RESULT_OK;
}

MI_Result GetSession(MI_Operation* handle, MI_Session* session) {
  std::lock_guard lock(state().mu);
  uint64_t stale = 0;
  std::shared_ptr<Operation> op = FindOperationLocked(handle, &stale);
  if (stale) {
    OperationFindingLocked(FindingKind::operation_call_after_close, stale,
                           "GetSession after Close, operation released");
  } else if (op && op->closed) {
    OperationFindingLocked(FindingKind::operation_call_after_close, op->id,
                           "GetSession after Close");
  }
  if (!op || !session) {
    return MI_RESULT_INVALID_PARAMETER;
  }
  FillSessionHandle(session, op->session_id);
  return MI_RESULT_OK;
}

// Clients always pass callbacks to a protocol handler, so the synchronous pull functions are
// not offered; they answer NOT_SUPPORTED and describe that as a final result.
MI_Result PullInstance(MI_Operation*, const MI_Instance** instance, MI_Boolean* more,
                       MI_Result* result, const MI_Char** error, const MI_Instance** details) {
  if (instance) *instance = nullptr;
  if (more) *more = MI_FALSE;
  if (result) *result = MI_RESULT_NOT_SUPPORTED;
  if (error) *error = "miconform handler: pull operations are not supported";
  if (details) *details = nullptr;
  return MI_RESULT_NOT_SUPPORTED;
}

MI_Result PullIndication(MI_Operation* operation, const MI_Instance** instance,
                         const MI_Char** bookmark, const MI_Char** machine, MI_Boolean* more,
                         MI_Result* result, const MI_Char** error, const MI_Instance** details) {
  if (bookmark) *bookmark = nullptr;
  if (machine) *machine = nullptr;
  return PullInstance(operation, instance, more, result, error, details);
}

MI_Result PullClass(MI_Operation* operation, const MI_Class** class_result, MI_Boolean* more,
                    MI_Result* result, const MI_Char** error, const MI_Instance** details) {
  if (class_result) *class_result = nullptr;
  return PullInstance(operation, nullptr, more, result, error, details);
}

std::string hex(uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "%x", value);
  return text;
}

void CopyTruncated(char* out, size_t size, const char* text) {
  if (!text) {
    out[0] = '\0';
    return;
  }
  std::strncpy(out, text, size - 1);
  out[size - 1] = '\0';
}

// Chooses the script (header rules) and the final result; call with State::mu held.
void ChooseScript(const OperationStart& start, Operation& op) {
  State& s = state();
  MiconformScript script = s.default_script;
  MI_Result forced = start.forced_final;
  std::string forced_error = start.forced_error ? start.forced_error : "";
  if (forced == MI_RESULT_OK && !start.default_script_only && start.script_key) {
    const std::string key = start.script_key;
    auto named = s.scripts.find(key);
    const size_t prefix = std::strlen(kInlineScriptPrefix);
    std::string error;
    if (named != s.scripts.end()) {
      script = named->second;
    } else if (key.compare(0, prefix, kInlineScriptPrefix) == 0 &&
               !ParseScript(key.substr(prefix), &script, &error)) {
      forced = MI_RESULT_INVALID_PARAMETER;
      forced_error = "miconform handler: " + error;
    }
  }
  if (forced != MI_RESULT_OK) {
    script.results = 0;
    script.until_cancelled = 0;
    script.messages = 0;
    script.progress = 0;
    script.final_result = forced;
    op.final_code = forced;
    op.final_error = forced_error;
  } else {
    op.final_code = script.final_result;
    op.final_error = script.final_result == MI_RESULT_OK ? "" : kScriptedFailureText;
  }
  op.script = script;
}

}  // namespace

void StartOperation(const OperationStart& start) {
  if (!start.operation) {
    return;  // no handle to fill and nothing to deliver through
  }
  State& s = state();
  auto op = std::make_shared<Operation>();
  bool caller = false;
  bool has_callbacks = false;
  uint64_t application_id = 0;
  {
    std::lock_guard lock(s.mu);
    uint64_t stale = 0;
    std::shared_ptr<Session> session = FindSessionLocked(start.session, &stale);
    OperationStart effective = start;
    if (!session || session->closing) {
      effective.forced_final = MI_RESULT_INVALID_PARAMETER;
      effective.forced_error = "miconform handler: the session is closed or unknown";
    }
    ChooseScript(effective, *op);
    op->id = s.operation_records.size() + 1;
    const std::string started =
        std::string("started operation ") + std::to_string(op->id) + " (" + start.kind + ")";
    const uint64_t closed_session = session ? (session->closing ? session->id : 0) : stale;
    if (closed_session != 0) {
      SessionFindingLocked(FindingKind::session_call_after_close, closed_session,
                           started + " after Close");
    } else if (session) {
      NoteSessionCallLocked(session->id, started);
    }
    NoteOperationCallLocked(
        op->id, std::string("started as ") + start.kind + " (flags 0x" + hex(start.flags) + ")");
    op->session_id = session ? session->id : 0;
    op->application_id = session ? session->application_id : 0;
    op->handle = start.operation;
    op->manual_ack = (start.flags & MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS) != 0;
    op->caller_thread = op->script.callback_thread == MICONFORM_THREAD_CALLER;
    if (start.callbacks) {
      op->callbacks = *start.callbacks;
    }
    op->class_results = start.class_results && op->callbacks.classResult;
    op->indication_results = start.indication_results && op->callbacks.indicationResult;
    op->has_callbacks = op->class_results || op->indication_results || op->callbacks.instanceResult;

    MiconformOperationRecord record{};
    record.id = op->id;
    record.session_id = op->session_id;
    CopyTruncated(record.class_name, sizeof record.class_name, start.class_name);
    CopyTruncated(record.kind, sizeof record.kind, start.kind);
    record.flags = start.flags;
    record.started_ns = MonotonicNs();
    s.operation_records.push_back(record);
    s.live_operations.emplace(op->id, op);
    if (session) {
      session->largest_operation_close_delay_ms =
          std::max(session->largest_operation_close_delay_ms, op->script.session_close_delay_ms);
    }
    start.operation->reserved1 = op->id;
    start.operation->reserved2 = HandleTag(HandleKind::operation, s.generation);
    start.operation->ft = &kOperationTable;
    caller = op->caller_thread;
    has_callbacks = op->has_callbacks;
    application_id = op->application_id;
    s.cv.notify_all();  // wait_started
  }
  if (!has_callbacks) {
    return;
  }
  if (!caller && !SpawnThread(application_id, [op] { drive(op, Driver::handler_thread); })) {
    // No thread could be created: deliver on the caller's thread rather than never.
    std::lock_guard lock(s.mu);
    op->caller_thread = true;
    caller = true;
  }
  if (caller) {
    drive(op, Driver::caller_start);
  }
}

void AbandonApplicationOperations(uint64_t application_id) {
  for (auto& [id, op] : state().live_operations) {
    if (op->application_id == application_id && !op->abandoned) {
      op->abandoned = true;
      NoteEvent(*op);
    }
  }
}

}  // namespace miconform::handler

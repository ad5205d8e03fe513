// operation.cc - result delivery, acknowledgement, cancel and close of one operation of the
// reference (see operation.h).
#include "operation.h"

#include <chrono>
#include <cstdint>

#include "fault.h"
#include "handle_registry.h"
#include "reference.h"
#include "session.h"

namespace miconform::reference {
namespace {

HandleRegistry<Operation>& Registry() {
  static HandleRegistry<Operation> registry(0x4d434f5045524154);  // "MCOPERAT"
  return registry;
}

// The acknowledgement function the reference hands to the application in manual-ack mode.
MI_Result AppAcknowledge(MI_Operation* handle) {
  auto operation = Operation::Find(handle);
  return operation ? operation->Acknowledge() : MI_RESULT_INVALID_PARAMETER;
}

// ---- the reference's callbacks, handed to the handler. The context is the Operation's id, not
// its address: the variant cancel_by_closing_handler_operation closes a handler operation before
// its final result, so a handler may still call back after that Close (a result it had committed
// to before it), and by then the session's close may have released the Operation. Such a late
// callback finds no Operation and is dropped (a result is still acknowledged, so the handler can
// finish). The reference itself closes a handler operation only after its final result
// (Operation::HandlerCloseDue_locked).

void* HandlerContextOf(std::uint64_t id) {
  return reinterpret_cast<void*>(static_cast<std::uintptr_t>(id));
}

std::shared_ptr<Operation> OperationOfContext(void* context) {
  return Registry().FindId(static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(context)));
}

void HandlerInstanceResult(MI_Operation* handler_operation, void* context,
                           const MI_Instance* instance, MI_Boolean more, MI_Result code,
                           const MI_Char* error, const MI_Instance* details,
                           MI_ResultAcknowledgement acknowledge) {
  const std::shared_ptr<Operation> operation = OperationOfContext(context);
  if (!operation) {
    if (acknowledge != nullptr) acknowledge(handler_operation);
    return;
  }
  operation->OnHandlerResult(
      {handler_operation, instance, more, code, error, details, acknowledge});
}

void HandlerClassResult(MI_Operation* handler_operation, void* context,
                        const MI_Class* class_result, MI_Boolean more, MI_Result code,
                        const MI_Char* error, const MI_Instance* details,
                        MI_ResultAcknowledgement acknowledge) {
  const std::shared_ptr<Operation> operation = OperationOfContext(context);
  if (!operation) {
    if (acknowledge != nullptr) acknowledge(handler_operation);
    return;
  }
  operation->OnHandlerResult(
      {handler_operation, nullptr, more, code, error, details, acknowledge, class_result});
}

// An indication comes as an instance result would; its bookmark and machine ID are not passed on
// (the reference offers no subscription options that would need them).
void HandlerIndicationResult(MI_Operation* handler_operation, void* context,
                             const MI_Instance* instance, const MI_Char*, const MI_Char*,
                             MI_Boolean more, MI_Result code, const MI_Char* error,
                             const MI_Instance* details, MI_ResultAcknowledgement acknowledge) {
  HandlerInstanceResult(handler_operation, context, instance, more, code, error, details,
                        acknowledge);
}

void HandlerWriteMessage(MI_Operation*, void* context, MI_Uint32 channel, const MI_Char* message) {
  const std::shared_ptr<Operation> operation = OperationOfContext(context);
  if (!operation) return;
  operation->OnHandlerNotice([&](MI_Operation* handle, const MI_OperationCallbacks& app) {
    if (app.writeMessage) app.writeMessage(handle, app.callbackContext, channel, message);
  });
}

void HandlerWriteProgress(MI_Operation*, void* context, const MI_Char* activity,
                          const MI_Char* current_operation, const MI_Char* status,
                          MI_Uint32 percentage, MI_Uint32 seconds_remaining) {
  const std::shared_ptr<Operation> operation = OperationOfContext(context);
  if (!operation) return;
  operation->OnHandlerNotice([&](MI_Operation* handle, const MI_OperationCallbacks& app) {
    if (app.writeProgress) {
      app.writeProgress(handle, app.callbackContext, activity, current_operation, status,
                        percentage, seconds_remaining);
    }
  });
}

MI_OperationCallbacks CopyCallbacks(const MI_OperationCallbacks* callbacks) {
  return callbacks ? *callbacks : MI_OperationCallbacks{};
}

// Mutants of the final result of an operation cancelled by MI_Session_Close: the fault sits in
// DeliverLocalFinal (FaultDeliverLocalFinal). So that it shows whichever of the handler and the
// worker thread is faster, a handler result that comes after the session close cancelled the
// operation is dropped and the reference's own final result stands for it (which on its own would
// still conform). Cancels by MI_Operation_Cancel, MI_Operation_Close or MI_Application_Close keep
// the correct behaviour.
bool FaultLocalFinalOnly() {
  return Faulty(Fault::kCancelNoFinal) || Faulty(Fault::kCancelTwoFinals) ||
         Faulty(Fault::kFinalMoreResultsTrue);
}

// Used by mutants only (lock_across_callback, cancel_lost_during_delivery): how deep this thread
// is inside application callbacks (nested ones do not take the callback lock again; a cancel from
// inside a callback is not lost).
thread_local int fault_callback_depth = 0;

// Used by variants only (sync_close_in_callback_refused, second_close_ok,
// callbacks_on_callers_thread) and mutants (app_close_in_callback_refused,
// cancel_in_callback_pins_operation, sync_close_in_callback_crashes): the sessions and
// operations whose callbacks this thread is inside, innermost first; each scope lives on the stack
// of Operation::CallApp. A scope enters the list when it is made and leaves it when it is
// destroyed, so the list is right again after a callback that throws too.
struct CallbackScope;
thread_local const CallbackScope* innermost_callback = nullptr;

struct CallbackScope {
  CallbackScope(const Session* entered, const Operation* entered_operation)
      : session(entered), operation(entered_operation), outer(innermost_callback) {
    innermost_callback = this;
  }
  ~CallbackScope() { innermost_callback = outer; }
  CallbackScope(const CallbackScope&) = delete;
  CallbackScope& operator=(const CallbackScope&) = delete;

  const Session* const session;
  const Operation* const operation;
  const CallbackScope* const outer;
};

// Used by a variant only (callbacks_on_callers_thread): the innermost CallersThreadScope of this
// thread (Operation::Cancel, Session::Close).
thread_local const Operation::CallersThreadScope* innermost_callers_scope = nullptr;

}  // namespace

Operation::Operation(std::shared_ptr<Session> session, MI_Uint32 flags,
                     const MI_OperationCallbacks* callbacks, ResultCallback result_callback)
    : session_(std::move(session)),
      id_(NextObjectId()),
      pull_(callbacks == nullptr),
      manual_ack_((flags & MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS) != 0),
      flags_(flags),
      app_callbacks_(CopyCallbacks(callbacks)),
      result_callback_(result_callback),
      handler_callbacks_{} {
  handler_callbacks_.callbackContext = HandlerContextOf(id_);
  handler_callbacks_.instanceResult = &HandlerInstanceResult;
  handler_callbacks_.classResult = &HandlerClassResult;
  handler_callbacks_.indicationResult = &HandlerIndicationResult;
  handler_callbacks_.writeMessage = &HandlerWriteMessage;
  handler_callbacks_.writeProgress = &HandlerWriteProgress;
}

std::shared_ptr<Operation> Operation::Find(const MI_Operation* handle) {
  return Registry().Find(handle);
}

void Operation::Register(MI_Operation* handle) {
  Registry().Fill(&handle_, id_, &kOperationTable);
  Registry().Add(id_, shared_from_this());
  *handle = handle_;
}

void Operation::Unregister() { Registry().Remove(id_); }

bool Operation::ThisThreadInCallbackOf(const Session* session) {
  for (const CallbackScope* scope = innermost_callback; scope != nullptr; scope = scope->outer) {
    if (scope->session == session) return true;
  }
  return false;
}

Operation::CallersThreadScope::CallersThreadScope(const Session* session,
                                                  const Operation* operation)
    : session_(session), operation_(operation), outer_(innermost_callers_scope) {
  innermost_callers_scope = this;
}

Operation::CallersThreadScope::~CallersThreadScope() { innermost_callers_scope = outer_; }

bool Operation::ReadingDeliverOnThisThread() const {
  bool covered = false;
  for (const CallersThreadScope* scope = innermost_callers_scope; scope != nullptr;
       scope = scope->outer_) {
    if (scope->operation_ == this ||
        (scope->operation_ == nullptr && scope->session_ == session_.get())) {
      covered = true;
      break;
    }
  }
  if (!covered) return false;
  // Not nested into a callback of this operation on this thread: the application would get its
  // final result inside one of its own callbacks of the same operation.
  for (const CallbackScope* scope = innermost_callback; scope != nullptr; scope = scope->outer) {
    if (scope->operation == this) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// conditions (all under the session mutex)

bool Operation::AppSideDone_locked() const {
  return app_closed_ && final_acknowledged_ && !outstanding_ && app_callbacks_in_flight_ == 0 &&
         !pull_in_progress_;
}

bool Operation::AppSideDoneForClose_locked() const {
  if (Faulty(Fault::kCompletionRacesLastCallback) || Faulty(Fault::kSyncCloseFreesDuringCallback)) {
    // FAULT completion_races_last_callback / sync_close_frees_during_callback: while the session
    // closes (asynchronously / synchronously), an operation counts as done once the application
    // closed its handle and its final result was handed out, without waiting for the callback
    // that delivers it to return. The close can then end - completion callback called, or
    // synchronous close returned and the session freed - while that callback is still running on
    // another thread, whenever the closing thread is faster than the callback's return.
    if (session_->FaultEndsEarly_locked()) {
      return app_closed_ && final_claimed_ && !pull_in_progress_;
    }
  }
  return AppSideDone_locked();
}

bool Operation::SettledForSessionClose_locked() const {
  if (Faulty(Fault::kCancelInCallbackPinsOperation) && fault_cancelled_in_callback_) {
    return false;  // FAULT cancel_in_callback_pins_operation: see Operation::Cancel
  }
  if (Faulty(Fault::kIgnoresOpenHandles)) {
    // FAULT ignores_open_handles: the close waits for the final result and the handler's final
    // result, but not for the application to close the operation handle.
    return final_acknowledged_ && !outstanding_ && app_callbacks_in_flight_ == 0 &&
           !pull_in_progress_ && handler_calls_in_flight_ == 0 &&
           (!has_handler_operation_ || handler_close_done_ || handler_final_seen_);
  }
  return AppSideDoneForClose_locked() && handler_calls_in_flight_ == 0 &&
         (!has_handler_operation_ || handler_close_done_);
}

bool Operation::NeedsLocalFinal_locked() const {
  if (Reading(Fault::kReadingTransportFinalAfterCancel) && has_handler_operation_) {
    // READING transport_final_after_cancel: "For an asynchronous operation, this will cause the
    // final callback to happen with the final result." The final result of a cancelled operation
    // is the one the operation itself ends with: for an operation running in the handler, the
    // handler's, which a conforming transport always sends after a cancel. The reference makes
    // none of its own (a pull waits for it too, see Pull).
    return false;
  }
  return !pull_ && cancel_requested_ && !final_claimed_ && !outstanding_ && !deferred_ &&
         app_callbacks_in_flight_ == 0;
}

bool Operation::NeedsDeferredDelivery_locked() const {
  return deferred_ && !outstanding_ && app_callbacks_in_flight_ == 0;
}

bool Operation::HandlerCloseDue_locked() const {
  if (Reading(Fault::kReadingCancelByClosingHandlerOperation)) {
    // READING cancel_by_closing_handler_operation: "The client disconnects from the server as soon
    // as possible, so it will not wait for the entire operation to complete before giving a final
    // result." A cancelled operation's handler operation is closed instead of cancelled
    // (RequestCancel and Start forward no cancel), as soon as the application holds none of its
    // results, none waits to be handed over or pulled (a final result in slot_ is still the
    // puller's to come), and no handler callback runs (the application may be reading the
    // handler's arguments of a writeMessage or writeProgress): their arguments are the handler's
    // until acknowledged, or until the callback returns. The application gets the reference's
    // own final result (DeliverLocalFinal), or, when pulling, the one already in slot_.
    if (has_handler_operation_ && handler_started_ && !handler_close_claimed_ &&
        handler_calls_in_flight_ == 0 && handler_callbacks_in_flight_ == 0 && cancel_requested_ &&
        !held_ && !slot_ && !deferred_) {
      return true;
    }
  }
  // Otherwise the handler operation is closed once its final result has come (a dropped one
  // acknowledged first: PendAcknowledgement_locked) and no callback of it still runs, as OMI's
  // client does: a result the handler had already committed to when the Close came would
  // otherwise be acknowledged after the Close, when a transport may have freed the operation.
  // After a cancel a conforming transport always sends that final result.
  return has_handler_operation_ && handler_started_ && !handler_close_claimed_ &&
         handler_final_seen_ && handler_callbacks_in_flight_ == 0 &&
         handler_calls_in_flight_ == 0 && AppSideDoneForClose_locked();
}

bool Operation::Retirable_locked() const {
  if (Faulty(Fault::kCancelInCallbackPinsOperation) && fault_cancelled_in_callback_) {
    return false;  // FAULT cancel_in_callback_pins_operation: never retired (Operation::Cancel)
  }
  // The variant cancel_by_closing_handler_operation closes the handler operation of a cancelled
  // operation without waiting for its final result, which then never comes
  // (HandlerCloseDue_locked).
  const bool handler_done =
      handler_final_seen_ ||
      (Reading(Fault::kReadingCancelByClosingHandlerOperation) && cancel_requested_);
  return AppSideDone_locked() && !held_ && !slot_ && !deferred_ &&
         handler_callbacks_in_flight_ == 0 && handler_calls_in_flight_ == 0 &&
         (!has_handler_operation_ || (handler_close_done_ && handler_done));
}

// ---------------------------------------------------------------------------------------------
// start

void Operation::FinishLocally_locked(MI_Result result) {
  cancel_requested_ = true;
  local_final_result_ = result;
}

void Operation::Start(const HandlerStart& start) {
  // Callbacks may arrive inside this call, on this or another thread; they need nothing that is
  // set after it. Always manual acknowledgement towards the handler, like OMI.
  start(flags_ | MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS, &handler_callbacks_, &handler_operation_);
  bool forward;
  {
    std::lock_guard lock(session_->mutex());
    handler_started_ = true;
    // A handler that did not take the operation (left the handle unfilled) sends no final
    // result; nothing is to be waited for before the handler operation counts as closed.
    if (handler_operation_.ft == nullptr) handler_final_seen_ = true;
    // A cancel that came while the handler was still starting is passed on now (the variant
    // cancel_by_closing_handler_operation closes the handler operation instead, in Advance).
    forward = cancel_requested_ && !handler_cancel_forwarded_ && !handler_final_seen_ &&
              !Reading(Fault::kReadingCancelByClosingHandlerOperation);
    if (forward) {
      handler_cancel_forwarded_ = true;
      ++handler_calls_in_flight_;
    }
  }
  if (forward) ForwardCancelToHandler(cancel_reason_);
  Advance();
}

// ---------------------------------------------------------------------------------------------
// delivery

template <typename Call>
void Operation::CallApp(Call&& call) {
  if (Faulty(Fault::kLockAcrossCallback)) {
    // FAULT lock_across_callback: the session's callback lock is held while the application's
    // callback runs (Session::Close takes it too).
    std::unique_lock<std::mutex> delivery;
    if (fault_callback_depth == 0) {
      delivery = std::unique_lock<std::mutex>(session_->fault_callback_mutex());
    }
    ++fault_callback_depth;
    call();
    --fault_callback_depth;
  } else if (Faulty(Fault::kCancelLostDuringDelivery)) {
    // FAULT cancel_lost_during_delivery: counts this thread's callbacks (see RequestCancel).
    ++fault_callback_depth;
    call();
    --fault_callback_depth;
  } else if (Reading(Fault::kReadingSyncCloseInCallbackRefused) ||
             Reading(Fault::kReadingSecondCloseOk) ||
             Reading(Fault::kReadingCallbacksOnCallersThread) ||
             Faulty(Fault::kAppCloseInCallbackRefused) ||
             Faulty(Fault::kCancelInCallbackPinsOperation) ||
             Faulty(Fault::kSyncCloseInCallbackCrashes)) {
    // READING sync_close_in_callback_refused, second_close_ok: tells Session::Close, through
    // ThisThreadInCallbackOf, that this thread is inside a callback of this session (FAULT
    // app_close_in_callback_refused, sync_close_in_callback_crashes: tell Application::Close and
    // Session::Close the same; FAULT
    // cancel_in_callback_pins_operation tells Operation::Cancel that it is inside a callback of
    // this operation);
    // callbacks_on_callers_thread: tells Advance, through ReadingDeliverOnThisThread, that this
    // thread is inside a callback of this operation.
    const CallbackScope scope(session_.get(), this);
    call();
  } else {
    call();
  }
  std::lock_guard lock(session_->mutex());
  --app_callbacks_in_flight_;
}

std::optional<Operation::HandlerResult> Operation::AcknowledgeOutstanding_locked() {
  outstanding_ = false;
  if (outstanding_is_final_) final_acknowledged_ = true;
  std::optional<HandlerResult> result;
  result.swap(held_);
  PendAcknowledgement_locked(result);
  return result;
}

void Operation::PendAcknowledgement_locked(const std::optional<HandlerResult>& result) {
  if (result && result->acknowledge) ++handler_calls_in_flight_;
}

void Operation::AcknowledgeToHandler(const std::optional<HandlerResult>& result) {
  if (!result || !result->acknowledge) return;
  result->acknowledge(result->handler_operation);
  std::lock_guard lock(session_->mutex());
  --handler_calls_in_flight_;
  session_->NotifyChanged_locked();
}

bool Operation::AppHasResultCallback() const {
  switch (result_callback_) {
    case ResultCallback::kClass: return app_callbacks_.classResult != nullptr;
    case ResultCallback::kIndication: return app_callbacks_.indicationResult != nullptr;
    case ResultCallback::kInstance: break;
  }
  return app_callbacks_.instanceResult != nullptr;
}

void Operation::DeliverToApp(const MI_Instance* instance, MI_Boolean more, MI_Result code,
                             const MI_Char* error, const MI_Instance* details,
                             const MI_Class* class_result) {
  // FAULT manual_ack_without_function: a manual-ack result comes with no acknowledgement
  // function, and is acknowledged as if the mode were automatic.
  const bool app_acknowledges =
      manual_ack_ && AppHasResultCallback() && !Faulty(Fault::kManualAckWithoutFunction);
  MI_ResultAcknowledgement acknowledge = app_acknowledges ? &AppAcknowledge : nullptr;
  ResultCallback callback = result_callback_;
  if (Faulty(Fault::kClassFinalOnInstanceCallback) && callback == ResultCallback::kClass && !more) {
    // FAULT class_final_on_instance_callback: the final result of a class operation is handed to
    // instanceResult, as if every operation ended through it.
    callback = ResultCallback::kInstance;
  }
  if (Faulty(Fault::kFinalCodeReplaced) && !more) {
    // FAULT final_code_replaced: an operation that ended by itself is reported as a success.
    std::lock_guard lock(session_->mutex());
    if (!cancel_requested_) code = MI_RESULT_OK;
  }
  CallApp([&] {
    void* const context = app_callbacks_.callbackContext;
    switch (callback) {
      case ResultCallback::kClass:
        if (app_callbacks_.classResult) {
          app_callbacks_.classResult(&handle_, context, class_result, more, code, error, details,
                                     acknowledge);
        }
        break;
      case ResultCallback::kIndication:
        if (app_callbacks_.indicationResult) {
          app_callbacks_.indicationResult(&handle_, context, instance, nullptr, nullptr, more, code,
                                          error, details, acknowledge);
        }
        break;
      case ResultCallback::kInstance:
        if (app_callbacks_.instanceResult) {
          app_callbacks_.instanceResult(&handle_, context, instance, more, code, error, details,
                                        acknowledge);
        }
        break;
    }
  });
  std::optional<HandlerResult> to_acknowledge;
  if (!app_acknowledges) {
    std::lock_guard lock(session_->mutex());
    to_acknowledge = AcknowledgeOutstanding_locked();
  } else if (Faulty(Fault::kManualAckNotRequired)) {
    // FAULT manual_ack_not_required: the application is handed the acknowledgement function but
    // not waited for: the result counts as acknowledged once its callback returned.
    std::lock_guard lock(session_->mutex());
    to_acknowledge = AcknowledgeOutstanding_locked();
  } else if (Faulty(Fault::kFinalAckNotRequired) && !more) {
    // FAULT final_ack_not_required: as manual_ack_not_required, for the final result only.
    std::lock_guard lock(session_->mutex());
    to_acknowledge = AcknowledgeOutstanding_locked();
  } else if (Faulty(Fault::kResultReleasedBeforeAck)) {
    // FAULT result_released_before_ack: the handler's result is acknowledged to it now; the
    // application's acknowledgement is still awaited (outstanding_ stays set), and a next result
    // the handler sends meanwhile waits in deferred_.
    std::lock_guard lock(session_->mutex());
    to_acknowledge.swap(held_);
    PendAcknowledgement_locked(to_acknowledge);
  }
  AcknowledgeToHandler(to_acknowledge);
  Advance();
}

void Operation::OnHandlerResult(const HandlerResult& result) {
  auto self = shared_from_this();  // the handler's context is a raw pointer
  std::optional<HandlerResult> dropped;
  bool deliver = false;
  {
    std::lock_guard lock(session_->mutex());
    ++handler_callbacks_in_flight_;
    if (!result.more) handler_final_seen_ = true;
    if (final_claimed_ || (cancel_requested_ && result.more)) {
      dropped = result;
    } else if (Faulty(Fault::kClassPullIgnoresCancel) && pull_ && cancel_requested_ &&
               result_callback_ == ResultCallback::kClass) {
      dropped = result;  // FAULT class_pull_ignores_cancel: nothing comes after the cancel
    } else if (FaultLocalFinalOnly() && cancel_requested_ && !pull_ &&
               session_->FaultClosing_locked()) {
      dropped = result;  // see FaultLocalFinalOnly
    } else if (pull_) {
      // A handler may send its final result after a cancel without waiting for the pull of an
      // earlier one: the earlier one is then dropped.
      if (slot_) dropped.swap(slot_);
      slot_ = result;
    } else if (outstanding_ || deferred_) {
      // A handler may send its final result after a cancel while the application still owes the
      // acknowledgement of an earlier one; it waits until that acknowledgement came.
      if (deferred_) dropped.swap(deferred_);
      deferred_ = result;
    } else {
      Claim_locked(result);
      deliver = true;
    }
    PendAcknowledgement_locked(dropped);
  }
  AcknowledgeToHandler(dropped);
  if (deliver) {
    DeliverToApp(result.instance, result.more, result.code, result.error, result.details,
                 result.class_result);
  }
  {
    std::lock_guard lock(session_->mutex());
    --handler_callbacks_in_flight_;
  }
  Advance();
}

void Operation::Claim_locked(const HandlerResult& result) {
  if (!result.more) final_claimed_ = true;
  outstanding_ = true;
  outstanding_is_final_ = !result.more;
  held_ = result;
  ++app_callbacks_in_flight_;
}

void Operation::DeliverDeferred() {
  std::optional<HandlerResult> result;
  std::optional<HandlerResult> dropped;
  {
    std::lock_guard lock(session_->mutex());
    deferred_scheduled_ = false;
    if (!deferred_ || outstanding_ || app_callbacks_in_flight_ > 0) return;
    if (final_claimed_ || (cancel_requested_ && deferred_->more)) {
      dropped.swap(deferred_);
    } else if (FaultLocalFinalOnly() && cancel_requested_ && session_->FaultClosing_locked()) {
      dropped.swap(deferred_);  // see FaultLocalFinalOnly
    } else {
      result.swap(deferred_);
      Claim_locked(*result);
    }
    PendAcknowledgement_locked(dropped);
  }
  AcknowledgeToHandler(dropped);
  if (result) {
    DeliverToApp(result->instance, result->more, result->code, result->error, result->details,
                 result->class_result);
  } else {
    Advance();
  }
}

void Operation::OnHandlerNotice(
    const std::function<void(MI_Operation*, const MI_OperationCallbacks&)>& call) {
  auto self = shared_from_this();
  {
    std::lock_guard lock(session_->mutex());
    if (pull_ || final_claimed_) return;
    ++handler_callbacks_in_flight_;
    ++app_callbacks_in_flight_;
  }
  CallApp([&] { call(&handle_, app_callbacks_); });
  {
    std::lock_guard lock(session_->mutex());
    --handler_callbacks_in_flight_;
  }
  Advance();
}

void Operation::DeliverLocalFinal() {
  if (FaultDeliverLocalFinal()) return;
  {
    std::lock_guard lock(session_->mutex());
    local_final_scheduled_ = false;
    if (!NeedsLocalFinal_locked()) return;
    final_claimed_ = true;
    outstanding_ = true;
    outstanding_is_final_ = true;
    ++app_callbacks_in_flight_;
  }
  DeliverToApp(nullptr, MI_FALSE, local_final_result_, nullptr, nullptr);
}

bool Operation::FaultDeliverLocalFinal() {
  if (!FaultLocalFinalOnly()) return false;
  {
    std::lock_guard lock(session_->mutex());
    // Only an operation that ran in the handler was cancelled by the session close; one that
    // ended at once (unknown or closing session, unsupported kind) or was cancelled otherwise
    // keeps its correct final result.
    if (!has_handler_operation_ || !session_->FaultClosing_locked()) return false;
    local_final_scheduled_ = false;
    if (!NeedsLocalFinal_locked()) return true;
    final_claimed_ = true;
    if (Faulty(Fault::kCancelNoFinal)) {
      // FAULT cancel_no_final: the final result is claimed and dropped; the application never
      // hears of the end of the cancelled operation (its handle can still be closed).
      final_acknowledged_ = true;
    } else {
      outstanding_ = true;
      outstanding_is_final_ = true;
      ++app_callbacks_in_flight_;
    }
    if (Faulty(Fault::kCancelTwoFinals)) {
      ++app_callbacks_in_flight_;  // the second delivery below
    }
  }
  if (Faulty(Fault::kCancelNoFinal)) {
    Advance();
  } else if (Faulty(Fault::kFinalMoreResultsTrue)) {
    // FAULT final_more_results_true: the final result of a cancelled operation says more results
    // are to come (the reference still treats it as the final one).
    DeliverToApp(nullptr, MI_TRUE, local_final_result_, nullptr, nullptr);
  } else if (Faulty(Fault::kCancelTwoFinals)) {
    // FAULT cancel_two_finals: the final result of a cancelled operation is handed over twice.
    DeliverToApp(nullptr, MI_FALSE, local_final_result_, nullptr, nullptr);
    {
      std::lock_guard lock(session_->mutex());
      outstanding_ = true;
      outstanding_is_final_ = true;
    }
    DeliverToApp(nullptr, MI_FALSE, local_final_result_, nullptr, nullptr);
  }
  return true;
}

void Operation::FaultCallBackLate() {
  // FAULT callback_after_sync_close / callback_after_completion: a writeMessage when the
  // application gave one, otherwise a second final result, after the session's close ended.
  if (pull_) return;
  if (app_callbacks_.writeMessage != nullptr) {
    app_callbacks_.writeMessage(&handle_, app_callbacks_.callbackContext, 0,
                                "operation callback after the session close");
  } else if (app_callbacks_.instanceResult != nullptr) {
    app_callbacks_.instanceResult(&handle_, app_callbacks_.callbackContext, nullptr, MI_FALSE,
                                  MI_RESULT_FAILED, nullptr, nullptr, nullptr);
  }
}

MI_Result Operation::Acknowledge() {
  std::optional<HandlerResult> to_acknowledge;
  {
    std::lock_guard lock(session_->mutex());
    if (pull_ || !manual_ack_ || !outstanding_) return MI_RESULT_INVALID_PARAMETER;
    to_acknowledge = AcknowledgeOutstanding_locked();
  }
  AcknowledgeToHandler(to_acknowledge);
  Advance();
  return MI_RESULT_OK;
}

MI_Result Operation::Pull(ResultCallback as, const MI_Instance** instance,
                          const MI_Class** class_result, MI_Boolean* more_results,
                          MI_Result* result, const MI_Char** error_message,
                          const MI_Instance** completion_details) {
  if (!pull_ || as != result_callback_) return MI_RESULT_INVALID_PARAMETER;
  std::optional<HandlerResult> previous;
  {
    std::lock_guard lock(session_->mutex());
    if (app_closed_ || pull_in_progress_ || final_acknowledged_) {
      return MI_RESULT_INVALID_PARAMETER;
    }
    pull_in_progress_ = true;
    previous.swap(held_);
    PendAcknowledgement_locked(previous);
  }
  // Pulling the next result is the application's acknowledgement of the previous one.
  AcknowledgeToHandler(previous);

  HandlerResult out;
  std::optional<HandlerResult> dropped;
  {
    std::unique_lock lock(session_->mutex());
    // The variant transport_final_after_cancel waits for the handler's final result after a
    // cancel too (see NeedsLocalFinal_locked); after a cancel the slot only ever takes a final one.
    const bool handler_final_only =
        Reading(Fault::kReadingTransportFinalAfterCancel) && has_handler_operation_;
    // FAULT class_pull_ignores_cancel: a class operation's pull is not released by the cancel.
    const bool cancel_releases =
        !handler_final_only &&
        !(Faulty(Fault::kClassPullIgnoresCancel) && result_callback_ == ResultCallback::kClass);
    session_->changed().wait(
        lock, [&] { return slot_ || (cancel_requested_ && cancel_releases) || app_closed_; });
    if (slot_ && (!slot_->more || !cancel_requested_)) {
      out = *slot_;
      held_.swap(slot_);
      slot_.reset();
    } else {
      dropped.swap(slot_);
      out.code = local_final_result_;
    }
    if (!out.more) {
      final_claimed_ = true;
      final_acknowledged_ = true;
    }
    pull_in_progress_ = false;
    PendAcknowledgement_locked(dropped);
  }
  AcknowledgeToHandler(dropped);
  Advance();
  if (instance) *instance = out.instance;
  if (class_result) *class_result = out.class_result;
  if (more_results) *more_results = out.more;
  if (result) *result = out.code;
  if (error_message) *error_message = out.error;
  if (completion_details) *completion_details = out.details;
  if (Reading(Fault::kReadingSyncOperationCloseWaitsForPull) && !out.more) {
    // READING sync_operation_close_waits_for_pull: this pull is done with the final result (its
    // pointers are handed out), so a Close waiting for it may acknowledge it to the handler now.
    std::lock_guard lock(session_->mutex());
    reading_final_pull_returned_ = true;
    session_->NotifyChanged_locked();
  }
  return MI_RESULT_OK;
}

// ---------------------------------------------------------------------------------------------
// cancel and close

void Operation::ForwardCancelToHandler(MI_CancellationReason reason) {
  if (handler_operation_.ft && handler_operation_.ft->Cancel) {
    handler_operation_.ft->Cancel(&handler_operation_, reason);
  }
  std::lock_guard lock(session_->mutex());
  --handler_calls_in_flight_;
}

void Operation::RequestCancel(MI_CancellationReason reason) {
  bool forward = false;
  std::optional<HandlerResult> dropped;
  {
    std::lock_guard lock(session_->mutex());
    if (Faulty(Fault::kCancelLostDuringDelivery)) {
      // FAULT cancel_lost_during_delivery: a cancel made on another thread while one of the
      // operation's callbacks is running (a result being delivered) is dropped, as if the
      // delivery had overwritten the request; the operation then runs on as if never cancelled.
      if (app_callbacks_in_flight_ > 0 && fault_callback_depth == 0) return;
    }
    if (!cancel_requested_) {
      cancel_requested_ = true;
      cancel_reason_ = reason;
    }
    // The variant cancel_by_closing_handler_operation closes the handler operation instead of
    // cancelling it (HandlerCloseDue_locked, in Advance below).
    if (has_handler_operation_ && handler_started_ && !handler_cancel_forwarded_ &&
        !handler_final_seen_ && !handler_close_claimed_ &&
        !Reading(Fault::kReadingCancelByClosingHandlerOperation)) {
      forward = true;
      handler_cancel_forwarded_ = true;
      ++handler_calls_in_flight_;
    }
    // A pulled operation waiting with a non-final result: the puller gets the final one instead.
    if (slot_ && slot_->more) dropped.swap(slot_);
    PendAcknowledgement_locked(dropped);
  }
  AcknowledgeToHandler(dropped);
  if (forward) ForwardCancelToHandler(reason);
  Advance();
}

MI_Result Operation::Cancel(MI_CancellationReason reason) {
  {
    std::lock_guard lock(session_->mutex());
    if (app_closed_) return MI_RESULT_INVALID_PARAMETER;
  }
  if (Faulty(Fault::kCancelIgnored)) {
    // FAULT cancel_ignored: the cancel is accepted and dropped; the operation runs on.
    return MI_RESULT_OK;
  }
  if (Reading(Fault::kReadingCallbacksOnCallersThread)) {
    // READING callbacks_on_callers_thread: "For an asynchronous operation, this will cause the
    // final callback to happen with the final result." - on no thread in particular. The final
    // result the reference makes up for this cancel, when it is due at once, is delivered on this
    // thread before the cancel returns (Advance).
    const CallersThreadScope scope(session_.get(), this);
    RequestCancel(reason);
    return MI_RESULT_OK;
  }
  if (Faulty(Fault::kCancelInCallbackPinsOperation)) {
    // FAULT cancel_in_callback_pins_operation: a cancel from inside one of this operation's
    // callbacks marks it, and the mark keeps its session's close from ever completing.
    bool inside = false;
    for (const CallbackScope* scope = innermost_callback; scope != nullptr; scope = scope->outer) {
      if (scope->operation == this) inside = true;
    }
    if (inside) {
      std::lock_guard lock(session_->mutex());
      fault_cancelled_in_callback_ = true;
    }
  }
  RequestCancel(reason);
  if (Faulty(Fault::kCancelClosesHandle)) {
    // FAULT cancel_closes_handle: the cancel closes the handle too, as if the application had.
    {
      std::lock_guard lock(session_->mutex());
      app_closed_ = true;
    }
    Advance();
  }
  if (Faulty(Fault::kCancelWaitsForFinal)) {
    // FAULT cancel_waits_for_final: the cancel is made synchronous. The wait is timed, so that a
    // cancel made where the final result cannot come (inside one of the operation's callbacks)
    // is a cancel that takes 3 s to return, not a deadlock.
    std::unique_lock lock(session_->mutex());
    session_->changed().wait_for(lock, std::chrono::seconds(3),
                                 [this] { return final_acknowledged_ || app_closed_; });
  }
  return MI_RESULT_OK;
}

MI_Result Operation::Close() {
  if (Reading(Fault::kReadingSyncOperationCloseWaitsForPull) && pull_) {
    // READING sync_operation_close_waits_for_pull: "For synchronous operations, the close function
    // is synchronous on retrieving the final result". A close before the final result was pulled
    // waits until another thread has pulled it (the wait gives the session's lock up, so the
    // pull runs meanwhile), then closes as below and returns MI_RESULT_OK. The wait has no bound:
    // with no other thread pulling, the close never returns. It ends once the pull of the final
    // result has returned, not when the final is marked acknowledged, so that the close does not
    // acknowledge the final result to the handler while that pull still hands out its pointers.
    // A second close while one waits is refused like a close of a closed handle.
    std::unique_lock lock(session_->mutex());
    if (app_closed_ || reading_close_waiting_) return MI_RESULT_INVALID_PARAMETER;
    reading_close_waiting_ = true;
    session_->changed().wait(lock, [this] { return reading_final_pull_returned_; });
  }
  bool cancel = false;
  bool final_missing = false;
  std::optional<HandlerResult> held;
  std::optional<HandlerResult> slot;
  {
    std::lock_guard lock(session_->mutex());
    if (app_closed_) return MI_RESULT_INVALID_PARAMETER;
    app_closed_ = true;
    if (pull_) {
      // Synchronous on retrieving the final result: without it, the close fails - yet the handle
      // is closed and the operation cancelled, so that the session can still close.
      final_missing = !final_acknowledged_;
      final_claimed_ = true;
      final_acknowledged_ = true;
      held.swap(held_);
      slot.swap(slot_);
      PendAcknowledgement_locked(held);
      PendAcknowledgement_locked(slot);
      cancel = final_missing;
    } else {
      // Never blocks; a final result still to come is hurried along by a cancel.
      cancel = !final_claimed_;
    }
  }
  AcknowledgeToHandler(held);
  AcknowledgeToHandler(slot);
  if (cancel) {
    RequestCancel(MI_REASON_NONE);
  } else {
    Advance();
  }
  if (Faulty(Fault::kAsyncCloseWaitsForFinal) && !pull_ && cancel) {
    // FAULT async_close_waits_for_final: the close of an asynchronous operation is made
    // synchronous. The wait is timed, so that a close made where the final result cannot come
    // (inside one of the operation's callbacks) takes 3 s to return instead of deadlocking.
    std::unique_lock lock(session_->mutex());
    session_->changed().wait_for(lock, std::chrono::seconds(3),
                                 [this] { return final_acknowledged_; });
  }
  if (Faulty(Fault::kOperationCloseInvalidResult)) {
    // FAULT operation_close_invalid_result: the close is made, and its return is no MI_Result.
    return static_cast<MI_Result>(1000);
  }
  if (Faulty(Fault::kUnretrievedCloseSucceeds)) {
    // FAULT unretrieved_close_succeeds: the close is made as above, and reported as a success.
    return MI_RESULT_OK;
  }
  return final_missing ? MI_RESULT_FAILED : MI_RESULT_OK;
}

MI_Result Operation::GetSession(MI_Session* out) const {
  if (out == nullptr) return MI_RESULT_INVALID_PARAMETER;
  return session_->FillHandle(out) ? MI_RESULT_OK : MI_RESULT_FAILED;
}

// ---------------------------------------------------------------------------------------------

void Operation::Advance() {
  bool deliver_local = false;
  bool deliver_deferred = false;
  bool close_handler = false;
  bool retire = false;
  {
    std::lock_guard lock(session_->mutex());
    if (NeedsLocalFinal_locked() && !local_final_scheduled_) {
      local_final_scheduled_ = true;
      deliver_local = true;
    }
    if (NeedsDeferredDelivery_locked() && !deferred_scheduled_) {
      deferred_scheduled_ = true;
      deliver_deferred = true;
    }
    if (HandlerCloseDue_locked()) {
      handler_close_claimed_ = true;
      ++handler_calls_in_flight_;
      close_handler = true;
    } else {
      retire = Retirable_locked();
    }
    session_->NotifyChanged_locked();
  }
  if (deliver_local) {
    if (Reading(Fault::kReadingCallbacksOnCallersThread) && ReadingDeliverOnThisThread()) {
      // READING callbacks_on_callers_thread: inside the cancelling call, on its thread, with no
      // lock held (DeliverLocalFinal takes and drops the session's lock itself).
      auto self = shared_from_this();
      self->DeliverLocalFinal();
    } else {
      session_->Post([self = shared_from_this()] { self->DeliverLocalFinal(); });
    }
  }
  if (deliver_deferred) {
    session_->Post([self = shared_from_this()] { self->DeliverDeferred(); });
  }
  if (close_handler) {
    if (handler_operation_.ft && handler_operation_.ft->Close) {
      handler_operation_.ft->Close(&handler_operation_);
    }
    {
      std::lock_guard lock(session_->mutex());
      --handler_calls_in_flight_;
      handler_close_done_ = true;
    }
    Advance();
    return;
  }
  if (retire) session_->Retire(id_);
  if (Faulty(Fault::kIgnoresOpenHandles)) {
    // FAULT ignores_open_handles: an operation the session's close left registered
    // (FaultHandleOpen) is no longer in the session's list, so Retire does not find it.
    if (retire) Unregister();
  }
}

bool Operation::FaultHandleOpen() {
  std::lock_guard lock(session_->mutex());
  return !app_closed_;
}

}  // namespace miconform::reference

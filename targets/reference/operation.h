// operation.h - one operation of the reference: the application's handle, the handler operation
// behind it, and the delivery of results from one to the other; used by Session and by the
// operation table (operation_table.cc).
//
// Delivery. Results travel one at a time. A result handed to the application is "outstanding"
// until the application is done with it (manual-ack mode: it called the acknowledgement function;
// automatic mode: its callback returned; pull: it pulled the next result or closed the operation);
// only then is the handler's own acknowledgement called, and only then may the next result, the
// final one included, be handed over. The final result is "claimed" by whoever hands it over first:
// the handler's final result, or - after a cancel - the reference's own (MI_RESULT_FAILED), which a
// worker thread delivers as soon as nothing is outstanding. After the claim nothing more reaches
// the application; later handler results are acknowledged and dropped.
//
// State. Every mutable field is guarded by the owning session's mutex (Session::mutex()); no method
// is called with it held unless its name ends in _locked. An Operation lives while its session
// lists it or someone holds a shared_ptr to it. The handler's callback context is the operation's
// id, looked up in the registry at every callback: under the variant
// cancel_by_closing_handler_operation a handler may still call back after the reference closed
// the handler operation (a result it had already committed to), when a session close may have
// released the operation; such a callback is dropped (a result acknowledged). Otherwise the
// handler operation is closed only after its final result (HandlerCloseDue_locked).
#ifndef MICONFORM_REFERENCE_OPERATION_H
#define MICONFORM_REFERENCE_OPERATION_H

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "miconform/mi_abi.h"

namespace miconform::reference {

class Session;

// Starts the operation in the handler: (handler flags, the reference's callbacks, handler handle).
using HandlerStart = std::function<void(MI_Uint32, MI_OperationCallbacks*, MI_Operation*)>;

// Which of the application's result callbacks an operation's results go to, by its kind:
// instanceResult (the instance operations, Invoke, TestConnection), classResult (GetClass,
// EnumerateClasses) or indicationResult (Subscribe).
enum class ResultCallback { kInstance, kClass, kIndication };

class Operation : public std::enable_shared_from_this<Operation> {
 public:
  // callbacks == NULL means synchronous pull through GetInstance.
  Operation(std::shared_ptr<Session> session, MI_Uint32 flags,
            const MI_OperationCallbacks* callbacks,
            ResultCallback result_callback = ResultCallback::kInstance);
  Operation(const Operation&) = delete;
  Operation& operator=(const Operation&) = delete;

  static std::shared_ptr<Operation> Find(const MI_Operation* handle);
  // Makes the handle valid (registry) and fills *handle for the application.
  void Register(MI_Operation* handle);
  void Unregister();

  std::uint64_t id() const { return id_; }
  // True when `handle` is the one the reference passes into the operation's callbacks (its own),
  // not the application's copy filled by the start.
  bool IsCallbackHandle(const MI_Operation* handle) const { return handle == &handle_; }
  Session& session() const { return *session_; }

  // ---- start (called by Session::StartOperation)
  // The operation will run in the handler (call Start), or ends at once with `result` (then call
  // DeliverLocalFinal).
  void ExpectHandler_locked() { has_handler_operation_ = true; }
  void FinishLocally_locked(MI_Result result);
  void Start(const HandlerStart& start);

  // ---- application calls (operation table)
  MI_Result Close();
  MI_Result Cancel(MI_CancellationReason reason);
  MI_Result Acknowledge();
  // The synchronous pull of MI_Operation_GetInstance, GetIndication or GetClass (`as`: the
  // callback kind whose pull it is); a pull of another kind than the operation's is refused.
  MI_Result Pull(ResultCallback as, const MI_Instance** instance, const MI_Class** class_result,
                 MI_Boolean* moreResults, MI_Result* result, const MI_Char** errorMessage,
                 const MI_Instance** completionDetails);
  MI_Result GetSession(MI_Session* out) const;

  // ---- handler callbacks (through the reference's MI_OperationCallbacks)
  struct HandlerResult {
    MI_Operation* handler_operation = nullptr;
    const MI_Instance* instance = nullptr;
    MI_Boolean more = MI_FALSE;
    MI_Result code = MI_RESULT_OK;
    const MI_Char* error = nullptr;
    const MI_Instance* details = nullptr;
    MI_ResultAcknowledgement acknowledge = nullptr;
    const MI_Class* class_result = nullptr;  // the class of a classResult (instance is NULL)
  };
  void OnHandlerResult(const HandlerResult& result);
  // Passes writeMessage / writeProgress on to the application while its final result is not
  // yet claimed; `call` receives the application's handle and callbacks.
  void OnHandlerNotice(
      const std::function<void(MI_Operation*, const MI_OperationCallbacks&)>& call);

  // ---- session close and application close
  void RequestCancel(MI_CancellationReason reason);
  // True once the session may close around this operation: the application is done with it and
  // the handler operation is closed.
  bool SettledForSessionClose_locked() const;
  // True while the handler is inside one of the reference's callbacks for this operation.
  bool HandlerInsideCallback_locked() const { return handler_callbacks_in_flight_ > 0; }

  // ---- worker task
  // Hands the reference's own final result to the application if it is due and nothing is
  // outstanding; otherwise does nothing (it is scheduled again when it becomes due).
  void DeliverLocalFinal();
  // Hands over a handler result that arrived while an earlier one was still outstanding.
  void DeliverDeferred();

  // Used by variants only (fault.h, sync_close_in_callback_refused, second_close_ok): whether this
  // thread is inside an application callback of an operation of `session` (always false in the
  // reference, which does not keep track).
  static bool ThisThreadInCallbackOf(const Session* session);

  // Used by a variant only (fault.h, callbacks_on_callers_thread): while one lives on a thread's
  // stack, a final result the reference makes up after a cancel for `operation` (or, when it is
  // null, for any operation of `session`) that falls due on that thread is delivered there, before
  // the cancelling call returns, instead of being posted to a worker (Operation::Advance). Made by
  // Operation::Cancel and Session::Close around their cancels; scopes nest.
  class CallersThreadScope {
   public:
    CallersThreadScope(const Session* session, const Operation* operation);
    ~CallersThreadScope();
    CallersThreadScope(const CallersThreadScope&) = delete;
    CallersThreadScope& operator=(const CallersThreadScope&) = delete;

   private:
    friend class Operation;
    const Session* const session_;
    const Operation* const operation_;
    const CallersThreadScope* const outer_;
  };

  // Used by a mutant only (fault.h): the application has not closed the handle yet.
  bool FaultHandleOpen();
  // Used by a mutant only: one more application callback after the session's close ended.
  void FaultCallBackLate();
  // Used by a mutant only: an asynchronous operation whose final result is still to come.
  bool FaultRunning_locked() const { return !pull_ && !final_claimed_; }

 private:
  bool AppSideDone_locked() const;
  // AppSideDone_locked, as the session's close sees it (the seam of two timing mutants).
  bool AppSideDoneForClose_locked() const;
  bool NeedsLocalFinal_locked() const;
  bool NeedsDeferredDelivery_locked() const;
  // Claims a handler result for delivery to the application (counted, outstanding, held).
  void Claim_locked(const HandlerResult& result);
  bool HandlerCloseDue_locked() const;
  bool Retirable_locked() const;
  std::optional<HandlerResult> AcknowledgeOutstanding_locked();
  // A handler result taken out under the lock to be acknowledged outside it counts as a handler
  // call in flight from then until AcknowledgeToHandler has made it: the handler operation is not
  // closed meanwhile (a transport may free it in Close, and the acknowledgement would then use
  // it after that). Every result passed to PendAcknowledgement_locked goes to
  // AcknowledgeToHandler exactly once; the caller runs Advance afterwards.
  void PendAcknowledgement_locked(const std::optional<HandlerResult>& result);
  void AcknowledgeToHandler(const std::optional<HandlerResult>& result);
  // Calls an application callback; the caller has counted it in app_callbacks_in_flight_.
  template <typename Call>
  void CallApp(Call&& call);
  // Hands one result (counted, claimed and outstanding already) to the application's result
  // callback of this operation's kind (result_callback_); `class_result` is a classResult's class.
  void DeliverToApp(const MI_Instance* instance, MI_Boolean more, MI_Result code,
                    const MI_Char* error, const MI_Instance* details,
                    const MI_Class* class_result = nullptr);
  // Whether the application gave the result callback of this operation's kind.
  bool AppHasResultCallback() const;
  void ForwardCancelToHandler(MI_CancellationReason reason);
  // Used by a variant only (callbacks_on_callers_thread): whether this thread is inside a
  // CallersThreadScope covering this operation and not inside one of its application callbacks.
  bool ReadingDeliverOnThisThread() const;
  // The faulty final result of an operation cancelled in the handler, for the mutants of that
  // final result; false (nothing done) for any other operation or fault, and in the reference.
  bool FaultDeliverLocalFinal();
  // After every change: schedules the local final, closes the handler operation, retires the
  // operation, wakes the session's waiters - whichever is due.
  void Advance();

  const std::shared_ptr<Session> session_;
  const std::uint64_t id_;
  const bool pull_;        // no callbacks: synchronous pull
  const bool manual_ack_;  // the application asked for MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS
  const MI_Uint32 flags_;
  const MI_OperationCallbacks app_callbacks_;
  const ResultCallback result_callback_;
  MI_OperationCallbacks handler_callbacks_;  // the reference's, handed to the handler
  MI_Operation handle_{};                    // the application's handle, as the reference filled it
  MI_Operation handler_operation_{};         // written by the handler's start call

  // ---- guarded by session_->mutex()
  bool has_handler_operation_ = false;
  bool handler_started_ = false;  // the handler's start call has returned
  bool handler_cancel_forwarded_ = false;
  MI_CancellationReason cancel_reason_ = MI_REASON_NONE;
  bool handler_final_seen_ = false;
  int handler_callbacks_in_flight_ = 0;
  // The reference inside the handler's Cancel or Close, or about to acknowledge a result to it.
  int handler_calls_in_flight_ = 0;
  bool handler_close_claimed_ = false;
  bool handler_close_done_ = false;

  bool cancel_requested_ = false;
  MI_Result local_final_result_ = MI_RESULT_FAILED;
  bool local_final_scheduled_ = false;
  bool app_closed_ = false;
  bool final_claimed_ = false;
  bool final_acknowledged_ = false;
  bool outstanding_ = false;
  bool outstanding_is_final_ = false;
  int app_callbacks_in_flight_ = 0;
  bool pull_in_progress_ = false;
  std::optional<HandlerResult> held_;      // handler result whose acknowledgement waits for the app
  std::optional<HandlerResult> slot_;      // pull: handler result not yet pulled
  std::optional<HandlerResult> deferred_;  // arrived while another result was outstanding
  bool deferred_scheduled_ = false;
  // Used by a variant only (sync_operation_close_waits_for_pull): a Close waits for the final pull,
  // which has returned (Pull sets it after handing out the final result's pointers).
  bool reading_close_waiting_ = false;
  bool reading_final_pull_returned_ = false;
  // Used by a mutant only (cancel_in_callback_pins_operation): MI_Operation_Cancel was called
  // from inside one of this operation's callbacks.
  bool fault_cancelled_in_callback_ = false;
};

}  // namespace miconform::reference

#endif  // MICONFORM_REFERENCE_OPERATION_H

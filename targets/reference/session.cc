// session.cc - operations and close of one session of the reference (see session.h).
#include "session.h"

#include <chrono>
#include <cstdlib>
#include <new>
#include <thread>
#include <utility>
#include <vector>

#include "application.h"
#include "fault.h"
#include "handle_registry.h"
#include "reference.h"

namespace miconform::reference {
namespace {

HandleRegistry<Session>& Registry() {
  static HandleRegistry<Session> registry(0x4d4353455353494f);  // "MCSESSIO"
  return registry;
}

// Where the handler's session Close reports completion; lives on the closing thread's stack,
// which waits for it.
struct HandlerCloseCompletion {
  std::mutex mutex;
  std::condition_variable done_changed;
  bool done = false;
};

// Used by a variant only (second_close_ok): the ids of the sessions closed so far, one bit per
// object id. Ids count up from 1 and are never reused, so a closed session leaves one bit behind,
// not its memory, and no id of anything else is ever taken for a closed session's.
struct ClosedSessions {
  std::mutex mutex;
  std::vector<bool> closed;  // guarded by mutex
};

ClosedSessions& Closed() {
  static auto* closed = new ClosedSessions;  // never destroyed: closes may come at any time
  return *closed;
}

void OnHandlerSessionClosed(void* context) {
  auto* completion = static_cast<HandlerCloseCompletion*>(context);
  std::lock_guard lock(completion->mutex);  // notify under the lock: the waiter owns the memory
  completion->done = true;
  completion->done_changed.notify_all();
}

}  // namespace

Session::Session(Application* application, const MI_Session& handler_session)
    : application_(application), id_(NextObjectId()), handler_session_(handler_session) {}

std::shared_ptr<Session> Session::Find(const MI_Session* handle) { return Registry().Find(handle); }

bool Session::WasClosed(const MI_Session* handle) {
  const std::uint64_t id = Registry().IdOf(handle);
  ClosedSessions& sessions = Closed();
  std::lock_guard lock(sessions.mutex);
  return id != 0 && id < sessions.closed.size() && sessions.closed[id];
}

std::shared_ptr<Session> Session::Detached() {
  // Created once and never destroyed: operations of unknown sessions may be started at any time.
  static auto* detached = [] {
    auto* session = new std::shared_ptr<Session>(std::make_shared<Session>(nullptr, MI_Session{}));
    (*session)->closing_ = true;
    return session;
  }();
  return *detached;
}

void Session::Register(MI_Session* handle) {
  Registry().Add(id_, shared_from_this());
  Registry().Fill(handle, id_, &kSessionTable);
}

bool Session::FillHandle(MI_Session* handle) const {
  if (application_ == nullptr) {
    *handle = MI_Session{};
    return false;
  }
  Registry().Fill(handle, id_, &kSessionTable);
  return true;
}

MI_Result Session::GetApplication(MI_Application* out) const {
  if (out == nullptr || application_ == nullptr) return MI_RESULT_INVALID_PARAMETER;
  application_->FillHandle(out);
  return MI_RESULT_OK;
}

void Session::Post(std::function<void()> task) {
  if (application_ == nullptr) {
    task();
  } else {
    application_->dispatcher().Post(std::move(task));
  }
}

// ---------------------------------------------------------------------------------------------
// operations

void Session::StartOperation(
    MI_Uint32 flags, const MI_OperationCallbacks* callbacks, MI_Operation* handle,
    const std::function<void(MI_Session*, MI_Uint32, MI_OperationCallbacks*, MI_Operation*)>& start,
    ResultCallback result_callback) {
  auto operation =
      std::make_shared<Operation>(shared_from_this(), flags, callbacks, result_callback);
  operation->Register(handle);
  bool local;
  {
    std::lock_guard lock(mutex_);
    operations_[operation->id()] = operation;
    if (closing_ || application_closing_) {
      operation->FinishLocally_locked(MI_RESULT_FAILED);
    } else if (!start || handler_session_.ft == nullptr) {
      operation->FinishLocally_locked(MI_RESULT_NOT_SUPPORTED);
    } else {
      operation->ExpectHandler_locked();
    }
    local = !start || closing_ || application_closing_ || handler_session_.ft == nullptr;
  }
  if (local) {
    operation->DeliverLocalFinal();  // at once, on this thread (pull: the first pull returns it)
    return;
  }
  operation->Start([&](MI_Uint32 handler_flags, MI_OperationCallbacks* handler_callbacks,
                       MI_Operation* handler_operation) {
    start(&handler_session_, handler_flags, handler_callbacks, handler_operation);
  });
}

void Session::Retire(std::uint64_t operation_id) {
  std::shared_ptr<Operation> retired;
  {
    std::lock_guard lock(mutex_);
    auto it = operations_.find(operation_id);
    if (it == operations_.end()) return;
    retired = std::move(it->second);
    operations_.erase(it);
  }
  retired->Unregister();
}

// ---------------------------------------------------------------------------------------------
// close

MI_Result Session::Close(void* completion_context, MI_SessionCloseCompletion completion) {
  if (Faulty(Fault::kSyncCloseInCallbackCrashes) && completion == nullptr &&
      Operation::ThisThreadInCallbackOf(this)) {
    // FAULT sync_close_in_callback_crashes: a synchronous close from inside an operation callback
    // of this session, the call the page warns can deadlock, brings the process down instead.
    std::abort();
  }
  if (Faulty(Fault::kLockAcrossCallback)) {
    // FAULT lock_across_callback: the close first waits for the lock every application callback
    // of the session runs under (Operation::CallApp), so a close from inside a callback - even
    // one with a completion callback - waits for itself.
    std::lock_guard delivery(fault_callback_mutex_);
  }
  {
    std::unique_lock lock(mutex_);
    if (closing_) {
      if (Reading(Fault::kReadingSecondCloseOk) && application_ != nullptr) {
        // READING second_close_ok: the session is a handle NewSession returned, which is all
        // MI_Session_Close.md asks of it; a close of a session being closed is taken as
        // idempotent (MI_RESULT_OK once the session is closed, see CloseAgain).
        return CloseAgain(lock, completion_context, completion);
      }
      return MI_RESULT_INVALID_PARAMETER;  // a second close, or the detached session
    }
    if (Reading(Fault::kReadingSyncCloseInCallbackRefused) && completion == nullptr &&
        Operation::ThisThreadInCallbackOf(this)) {
      // READING sync_close_in_callback_refused: "If the MI_Session_Close is called from a
      // callback the completion callback must be specified. Not doing so can result in a
      // deadlock." A synchronous close from inside an operation callback of this session, on
      // this thread, would wait for that callback to return: it is refused at once instead, and
      // the session stays open (the application closes it later, or with a completion callback).
      // A close of a session already closing is answered above, as in the reference.
      return MI_RESULT_FAILED;
    }
    closing_ = true;
    // Read by FaultEndsEarly_locked only (the timing mutants that end the close early).
    fault_async_close_ = completion != nullptr;
    if (Faulty(Fault::kCallbackAfterSyncClose)) {
      // FAULT callback_after_sync_close: remembers the operations this close cancels, to call
      // them back after it returned.
      if (completion == nullptr) {
        for (auto& [id, operation] : operations_) {
          if (operation->FaultRunning_locked()) fault_late_operations_.push_back(operation);
        }
      }
    } else if (Faulty(Fault::kCallbackAfterCompletion)) {
      // FAULT callback_after_completion: remembers the operations this close cancels, to call
      // them back after the completion callback.
      if (completion != nullptr) {
        for (auto& [id, operation] : operations_) {
          if (operation->FaultRunning_locked()) fault_late_operations_.push_back(operation);
        }
      }
    }
  }
  if (Faulty(Fault::kSyncCloseReturnsEarly) && completion == nullptr) {
    // FAULT sync_close_returns_early: the synchronous close hands its whole work to a worker
    // thread, which gets to it a few milliseconds later (cancel, wait for the operations' final
    // results, free), and returns at once.
    Post([self = shared_from_this()] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      self->CancelOperations(MI_REASON_NONE);
      self->RunClose();
      self->application_->ForgetSession(self->id_);
    });
    return MI_RESULT_OK;
  }
  if (Reading(Fault::kReadingCallbacksOnCallersThread)) {
    // READING callbacks_on_callers_thread: the final results the reference makes up for the
    // operations this close cancels, those due at once, are delivered on this thread before the
    // close returns (synchronous or not), not on a worker (Operation::Advance). The waiting, and
    // an asynchronous close's completion callback, stay where the reference has them.
    const Operation::CallersThreadScope scope(this, nullptr);
    CancelOperations(MI_REASON_NONE);
  } else {
    CancelOperations(MI_REASON_NONE);
  }
  if (completion != nullptr) {
    if (Faulty(Fault::kAsyncCloseBlocks)) {
      // FAULT async_close_blocks: the waiting and the completion callback happen on the calling
      // thread, before the close returns, as if the close were synchronous.
      RunAsyncClose(completion_context, completion);
      return MI_RESULT_OK;
    }
    Post([self = shared_from_this(), completion_context, completion] {
      self->RunAsyncClose(completion_context, completion);
    });
    return MI_RESULT_OK;
  }
  RunClose();
  if (Faulty(Fault::kCallbackAfterSyncClose)) {
    // FAULT callback_after_sync_close: the operations are called back once more from a worker.
    Post([self = shared_from_this()] { self->FaultCallBackLate(); });
  }
  application_->ForgetSession(id_);
  if (Faulty(Fault::kSessionCloseInvalidResult)) {
    // FAULT session_close_invalid_result: the close is made, and its return is no MI_Result.
    return static_cast<MI_Result>(1000);
  }
  return MI_RESULT_OK;
}

void Session::RunAsyncClose(void* completion_context, MI_SessionCloseCompletion completion) {
  RunClose();
  bool dropped_by_application_close = false;
  if (Faulty(Fault::kAppCloseDropsPendingCompletion)) {
    // FAULT app_close_drops_pending_completion: a close still waiting when MI_Application_Close
    // began ends without its completion callback, as if the application close had taken the
    // session over.
    std::lock_guard lock(mutex_);
    dropped_by_application_close = application_closing_;
  }
  if (Faulty(Fault::kCompletionNeverCalled) || dropped_by_application_close) {
    // FAULT completion_never_called: the completion callback is dropped.
  } else if (Faulty(Fault::kCompletionCalledTwice)) {
    // FAULT completion_called_twice: the completion callback is called a second time.
    completion(completion_context);
    completion(completion_context);
  } else if (Faulty(Fault::kCompletionCalledAgainLater)) {
    // FAULT completion_called_again_later: a thread left behind calls the completion callback
    // again about a second later, long after every fixed quiet window of a test would have ended.
    completion(completion_context);
    std::thread([completion, completion_context] {
      std::this_thread::sleep_for(std::chrono::milliseconds(1000));
      completion(completion_context);
    }).detach();
  } else if (Faulty(Fault::kCompletionWrongContext)) {
    // FAULT completion_wrong_context: the completion callback gets a pointer of the library's own
    // (never NULL, never the application's) instead of the context given to the close.
    static char library_context;
    completion(&library_context);
  } else {
    completion(completion_context);
  }
  if (Faulty(Fault::kCallbackAfterCompletion)) {
    // FAULT callback_after_completion: the operations are called back once more after the
    // completion callback returned.
    FaultCallBackLate();
  }
  application_->ForgetSession(id_);
}

MI_Result Session::CloseAgain(std::unique_lock<std::mutex>& lock, void* completion_context,
                              MI_SessionCloseCompletion completion) {
  // READING second_close_ok: a repeated close ends like the first one.
  if (completion != nullptr) {
    // Asynchronous: it returns at once. Its completion callback is kept, and the first close's
    // Release calls it exactly once when the session is released, with no lock held; once the
    // session is released it is called at once, on this thread, before the close returns.
    if (!reading_close_done_) {
      reading_pending_completions_.emplace_back(completion_context, completion);
      return MI_RESULT_OK;
    }
    lock.unlock();
    completion(completion_context);
    return MI_RESULT_OK;
  }
  // Synchronous: it returns once the first close has released the session (no operation callback
  // comes after that). From inside an operation callback of this session on this thread it would
  // wait for itself (the release waits for that callback to return): it is answered at once
  // instead, as the reference answers every second close.
  if (Operation::ThisThreadInCallbackOf(this)) return MI_RESULT_INVALID_PARAMETER;
  changed_.wait(lock, [this] { return reading_close_done_; });
  return MI_RESULT_OK;
}

void Session::FaultCallBackLate() {
  std::vector<std::shared_ptr<Operation>> operations;
  {
    std::lock_guard lock(mutex_);
    operations.swap(fault_late_operations_);
  }
  // A few milliseconds later, so that the late callback falls after whatever the application
  // does right after the close ended.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  for (auto& operation : operations) operation->FaultCallBackLate();
}

bool Session::FaultEndsEarly_locked() const {
  if (Faulty(Fault::kCompletionRacesLastCallback)) return closing_ && fault_async_close_;
  if (Faulty(Fault::kSyncCloseFreesDuringCallback)) return closing_ && !fault_async_close_;
  return false;
}

void Session::CancelForApplicationClose() {
  {
    std::lock_guard lock(mutex_);
    application_closing_ = true;
  }
  CancelOperations(MI_REASON_SHUTDOWN);
}

void Session::CancelOperations(MI_CancellationReason reason) {
  if (Faulty(Fault::kCloseDoesNotCancel)) {
    // FAULT close_does_not_cancel: a session close (reason NONE) leaves its operations running;
    // only an application close (reason SHUTDOWN) still cancels them.
    if (reason == MI_REASON_NONE) return;
  }
  std::vector<std::shared_ptr<Operation>> running;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, operation] : operations_) running.push_back(operation);
  }
  for (auto& operation : running) operation->RequestCancel(reason);
}

void Session::RunClose() {
  WaitForOperations();
  CloseHandlerSession();
  WaitForHandlerCallbacks();
  Release();
}

void Session::WaitForOperations() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] {
    for (auto& [id, operation] : operations_) {
      if (!operation->SettledForSessionClose_locked()) return false;
    }
    return true;
  });
}

void Session::CloseHandlerSession() {
  if (handler_session_.ft == nullptr || handler_session_.ft->Close == nullptr) return;
  HandlerCloseCompletion completion;
  MI_Result result =
      handler_session_.ft->Close(&handler_session_, &completion, &OnHandlerSessionClosed);
  if (result != MI_RESULT_OK) return;  // a refused close reports no completion
  std::unique_lock lock(completion.mutex);
  completion.done_changed.wait(lock, [&] { return completion.done; });
}

void Session::WaitForHandlerCallbacks() {
  // The handler's session is closed, so no new callback starts; one may still be returning.
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] {
    for (auto& [id, operation] : operations_) {
      if (operation->HandlerInsideCallback_locked()) return false;
    }
    return true;
  });
}

void Session::Release() {
  std::map<std::uint64_t, std::shared_ptr<Operation>> operations;
  {
    std::lock_guard lock(mutex_);
    operations.swap(operations_);
  }
  if (Faulty(Fault::kIgnoresOpenHandles)) {
    // FAULT ignores_open_handles: a handle the application still holds stays valid after the
    // close, so that its later MI_Operation_Close still works; it unregisters then
    // (Operation::Advance).
    for (auto& [id, operation] : operations) {
      if (!operation->FaultHandleOpen()) operation->Unregister();
    }
  } else {
    for (auto& [id, operation] : operations) operation->Unregister();
  }
  if (Reading(Fault::kReadingSecondCloseOk)) {
    // READING second_close_ok: the session is remembered as closed before it leaves the registry,
    // so that a later close finds it one way or the other (SessionClose in session_table.cc), and
    // the closes that came while this one ran are released (CloseAgain): the synchronous ones
    // wake, and the completion callbacks of the asynchronous ones are called here, each once,
    // with no lock held, before the application forgets the session.
    {
      ClosedSessions& sessions = Closed();
      std::lock_guard lock(sessions.mutex);
      try {
        // The record grows to one bit past the highest id of a closed session: one bit for every
        // object (application, session, operation) this library made until then, some 1 MiB per
        // 8 million objects (twice that at most with the vector's spare room), never shrunk.
        if (sessions.closed.size() <= id_) sessions.closed.resize(id_ + 1);
        sessions.closed[id_] = true;
      } catch (const std::bad_alloc&) {
        // Not recorded: the close goes on, and a later close of this handle finds no session and
        // gets the reference's answer (MI_RESULT_INVALID_PARAMETER). No exception may cross the
        // C interface.
      }
    }
    std::vector<std::pair<void*, MI_SessionCloseCompletion>> pending;
    {
      std::lock_guard lock(mutex_);
      reading_close_done_ = true;
      pending.swap(reading_pending_completions_);
      changed_.notify_all();
    }
    for (auto& [context, completion] : pending) completion(context);
  }
  Registry().Remove(id_);
  if (Faulty(Fault::kAppCloseLeaksClosingSession)) {
    // FAULT app_close_leaks_closing_session: as close_leaks_session, for a session whose close
    // completes while MI_Application_Close runs (it waits for such a session).
    bool application_closing = false;
    {
      std::lock_guard lock(mutex_);
      application_closing = application_closing_;
    }
    if (application_closing) new std::shared_ptr<Session>(shared_from_this());
  }
  if (Faulty(Fault::kCloseLeaksSession)) {
    // FAULT close_leaks_session: the closed session keeps a reference to itself, so its memory
    // is never given back.
    new std::shared_ptr<Session>(shared_from_this());
  }
  if (Reading(Fault::kReadingMemoryFreedByReaper)) {
    // READING memory_freed_by_reaper: "Closes a session and releases all associated memory."
    // says nothing of when. The session and its operations are handed to the application's
    // reaper, whose reference is the last one once the close has returned (or its completion
    // callback has): it frees them 20-45 ms later, in a batch with other sessions closed
    // meanwhile (Reaper, dispatcher.h); MI_Application_Close frees what it still holds.
    for (auto& [id, operation] : operations) application_->reaper().Hand(std::move(operation));
    application_->reaper().Hand(shared_from_this());
  }
  // `operations` goes out of scope here: the operation -> session references go with it.
}

}  // namespace miconform::reference

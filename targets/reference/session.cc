// session.cc - operations and close of one session of the reference (see session.h).
#include "session.h"

#include <chrono>
#include <thread>

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
    const std::function<void(MI_Session*, MI_Uint32, MI_OperationCallbacks*, MI_Operation*)>&
        start) {
  auto operation = std::make_shared<Operation>(shared_from_this(), flags, callbacks);
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
  if (Faulty(Fault::kLockAcrossCallback)) {
    // FAULT lock_across_callback: the close first waits for the lock every application callback
    // of the session runs under (Operation::CallApp), so a close from inside a callback - even
    // one with a completion callback - waits for itself.
    std::lock_guard delivery(fault_callback_mutex_);
  }
  {
    std::lock_guard lock(mutex_);
    if (closing_) return MI_RESULT_INVALID_PARAMETER;  // a second close, or the detached session
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
  CancelOperations(MI_REASON_NONE);
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
  return MI_RESULT_OK;
}

void Session::RunAsyncClose(void* completion_context, MI_SessionCloseCompletion completion) {
  RunClose();
  if (Faulty(Fault::kCompletionNeverCalled)) {
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
  MI_Result result = handler_session_.ft->Close(&handler_session_, &completion,
                                                &OnHandlerSessionClosed);
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
  Registry().Remove(id_);
  if (Faulty(Fault::kCloseLeaksSession)) {
    // FAULT close_leaks_session: the closed session keeps a reference to itself, so its memory
    // is never given back.
    new std::shared_ptr<Session>(shared_from_this());
  }
  // `operations` goes out of scope here: the operation -> session references go with it.
}

}  // namespace miconform::reference

// session.h - one session of the reference: the handler session behind it, its operations, and
// its close (the contract under test); used by Application, Operation and the session table.
//
// Lifetime: created by Application::NewSession; the registry, the application's session set and
// every operation of the session hold it. Close() unregisters it and, once the close is complete,
// drops every operation (releasing the operation -> session references) and leaves the
// application's set, so its memory goes with the last reference.
//
// The "detached" session is a session that is always closing and belongs to no application; an
// operation started on a session handle the reference does not know lives there, so that it gets
// its final result and can be closed like any other.
//
// Thread-safety: every method may be called from any thread; mutex() guards the session and all
// its operations (lock order: Application::mutex_ before it, registries after it).
#ifndef MICONFORM_REFERENCE_SESSION_H
#define MICONFORM_REFERENCE_SESSION_H

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "miconform/mi_abi.h"
#include "operation.h"

namespace miconform::reference {

class Application;

class Session : public std::enable_shared_from_this<Session> {
 public:
  // `application` outlives the session (Application::Close waits for every session).
  Session(Application* application, const MI_Session& handler_session);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  static std::shared_ptr<Session> Find(const MI_Session* handle);
  // Used by a variant only (fault.h, second_close_ok): whether the handle names a session of this
  // library that is closed (always false in the reference, which does not remember them).
  static bool WasClosed(const MI_Session* handle);
  static std::shared_ptr<Session> Detached();
  void Register(MI_Session* handle);

  std::uint64_t id() const { return id_; }
  std::mutex& mutex() { return mutex_; }
  // Wakes everyone waiting for a change of the session's operations. Needs mutex().
  void NotifyChanged_locked() { changed_.notify_all(); }
  std::condition_variable& changed() { return changed_; }

  // Fills *handle with this session's handle; false for the detached session.
  bool FillHandle(MI_Session* handle) const;
  MI_Result GetApplication(MI_Application* out) const;

  // Starts an operation whose results go to `result_callback`; `start` empty means the kind is
  // not supported (final NOT_SUPPORTED). *handle is filled before any callback can run.
  void StartOperation(MI_Uint32 flags, const MI_OperationCallbacks* callbacks, MI_Operation* handle,
                      const std::function<void(MI_Session*, MI_Uint32, MI_OperationCallbacks*,
                                               MI_Operation*)>& start,
                      ResultCallback result_callback = ResultCallback::kInstance);

  MI_Result Close(void* completion_context, MI_SessionCloseCompletion completion);
  // Application::Close: cancels every operation; later operations end at once.
  void CancelForApplicationClose();

  // Runs a task on the application's workers (on the calling thread for the detached session).
  void Post(std::function<void()> task);
  // Forgets an operation the application and the handler are both done with.
  void Retire(std::uint64_t operation_id);

  // Used by a mutant only (fault.h): the lock held across every application callback of the
  // session's operations.
  std::mutex& fault_callback_mutex() { return fault_callback_mutex_; }
  // Used by a mutant only: whether MI_Session_Close was called on the session. Needs mutex().
  bool FaultClosing_locked() const { return closing_ && application_ != nullptr; }
  // Used by a mutant only (app_close_ignores_idle_sessions): open, not closing, and with no
  // operation.
  bool FaultIdle_locked() const { return !closing_ && operations_.empty(); }
  // Used by a mutant only: whether the session is being closed in the way the mutant gets wrong
  // (asynchronously, or synchronously); always false in the reference. Needs mutex().
  bool FaultEndsEarly_locked() const;

 private:
  void CancelOperations(MI_CancellationReason reason);
  void WaitForOperations();
  void CloseHandlerSession();
  void WaitForHandlerCallbacks();
  void Release();
  void RunClose();  // WaitForOperations .. Release
  void RunAsyncClose(void* completion_context, MI_SessionCloseCompletion completion);
  // Used by a variant only (second_close_ok): a close of a session already closing; `lock` holds
  // mutex_ (a synchronous close waits on it; an asynchronous one may release it).
  MI_Result CloseAgain(std::unique_lock<std::mutex>& lock, void* completion_context,
                       MI_SessionCloseCompletion completion);

  Application* const application_;  // nullptr for the detached session
  const std::uint64_t id_;
  MI_Session handler_session_;

  std::mutex mutex_;
  std::condition_variable changed_;
  // ---- guarded by mutex_
  std::map<std::uint64_t, std::shared_ptr<Operation>> operations_;
  bool closing_ = false;
  bool application_closing_ = false;

  // Used by mutants only (fault.h); always empty or unused in the reference.
  // The operations the close found, to be called back once more after it (guarded by mutex_).
  std::vector<std::shared_ptr<Operation>> fault_late_operations_;
  void FaultCallBackLate();
  std::mutex fault_callback_mutex_;
  bool fault_async_close_ = false;  // the close has a completion callback; guarded by mutex_
  // Used by a variant only (second_close_ok): the first close has released the session (guarded
  // by mutex_; CloseAgain waits for it).
  bool reading_close_done_ = false;
  // Used by a variant only (second_close_ok): the (context, completion) of every asynchronous
  // repeated close made before the release, which Release calls (guarded by mutex_).
  std::vector<std::pair<void*, MI_SessionCloseCompletion>> reading_pending_completions_;
};

}  // namespace miconform::reference

#endif  // MICONFORM_REFERENCE_SESSION_H

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

  // Starts an operation; `start` empty means the kind is not supported (final NOT_SUPPORTED).
  // *handle is filled before any callback can run.
  void StartOperation(MI_Uint32 flags, const MI_OperationCallbacks* callbacks,
                      MI_Operation* handle,
                      const std::function<void(MI_Session*, MI_Uint32, MI_OperationCallbacks*,
                                               MI_Operation*)>& start);

  MI_Result Close(void* completion_context, MI_SessionCloseCompletion completion);
  // Application::Close: cancels every operation; later operations end at once.
  void CancelForApplicationClose();

  // Runs a task on the application's workers (on the calling thread for the detached session).
  void Post(std::function<void()> task);
  // Forgets an operation the application and the handler are both done with.
  void Retire(std::uint64_t operation_id);

#if defined(MICONFORM_FAULT_LOCK_ACROSS_CALLBACK)
  // Mutant only: the lock held across every application callback of the session's operations.
  std::mutex& fault_callback_mutex() { return fault_callback_mutex_; }
#endif
#if defined(MICONFORM_FAULT_CANCEL_NO_FINAL) || defined(MICONFORM_FAULT_CANCEL_TWO_FINALS) || \
    defined(MICONFORM_FAULT_FINAL_MORE_RESULTS_TRUE)
  // Mutant only: whether MI_Session_Close was called on the session. Needs mutex().
  bool FaultClosing_locked() const { return closing_ && application_ != nullptr; }
#endif
#if defined(MICONFORM_FAULT_COMPLETION_RACES_LAST_CALLBACK) || \
    defined(MICONFORM_FAULT_SYNC_CLOSE_FREES_DURING_CALLBACK)
  // Mutant only: whether the session is being closed in the way the mutant gets wrong
  // (asynchronously, or synchronously). Needs mutex().
  bool FaultEndsEarly_locked() const;
#endif

 private:
  void CancelOperations(MI_CancellationReason reason);
  void WaitForOperations();
  void CloseHandlerSession();
  void WaitForHandlerCallbacks();
  void Release();
  void RunClose();  // WaitForOperations .. Release
  void RunAsyncClose(void* completion_context, MI_SessionCloseCompletion completion);

  Application* const application_;  // nullptr for the detached session
  const std::uint64_t id_;
  MI_Session handler_session_;

  std::mutex mutex_;
  std::condition_variable changed_;
  // ---- guarded by mutex_
  std::map<std::uint64_t, std::shared_ptr<Operation>> operations_;
  bool closing_ = false;
  bool application_closing_ = false;

#if defined(MICONFORM_FAULT_CALLBACK_AFTER_SYNC_CLOSE) || \
    defined(MICONFORM_FAULT_CALLBACK_AFTER_COMPLETION)
  // Mutant only: the operations the close found, to be called back once more after it (guarded
  // by mutex_).
  std::vector<std::shared_ptr<Operation>> fault_late_operations_;
  void FaultCallBackLate();
#endif
#if defined(MICONFORM_FAULT_LOCK_ACROSS_CALLBACK)
  std::mutex fault_callback_mutex_;
#endif
#if defined(MICONFORM_FAULT_COMPLETION_RACES_LAST_CALLBACK) || \
    defined(MICONFORM_FAULT_SYNC_CLOSE_FREES_DURING_CALLBACK)
  bool fault_async_close_ = false;  // guarded by mutex_
#endif
};

}  // namespace miconform::reference

#endif  // MICONFORM_REFERENCE_SESSION_H

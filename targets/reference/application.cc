// application.cc - sessions, handler selection and close of the reference's application (see
// application.h).
#include "application.h"

#include <atomic>
#include <cstdlib>
#include <thread>
#include <vector>

#include "fault.h"
#include "handle_registry.h"
#include "reference.h"
#include "session.h"

namespace miconform::reference {
namespace {

// Used by a mutant only (reinitialize_crashes): an application of this process was closed.
std::atomic<bool> g_fault_application_closed{false};

HandleRegistry<Application>& Registry() {
  static HandleRegistry<Application> registry(0x4d434150504c4943);  // "MCAPPLIC"
  return registry;
}

}  // namespace

Application::Application(HandlerConfig config) : id_(NextObjectId()), config_(std::move(config)) {
  for (const auto& registration : config_.handlers) {
    // The first registration of a name wins, as a reader of the file would expect.
    if (!handlers_.count(registration.name)) {
      handlers_[registration.name] = std::make_unique<ProtocolHandler>(registration);
    }
  }
}

MI_Result Application::Initialize(MI_Application* out) {
  if (Faulty(Fault::kReinitializeCrashes) && g_fault_application_closed.load()) {
    // FAULT reinitialize_crashes: an initialisation after an application of the process was
    // closed, the risk the page warns of ("call MI_Application_Close only at shutdown"), brings
    // the process down instead of hanging or working.
    std::abort();
  }
  auto application = std::make_shared<Application>(ReadHandlerConfigFromEnvironment());
  Registry().Add(application->id_, application);
  application->FillHandle(out);
  return MI_RESULT_OK;
}

std::shared_ptr<Application> Application::Find(const MI_Application* handle) {
  return Registry().Find(handle);
}

void Application::FillHandle(MI_Application* handle) const {
  Registry().Fill(handle, id_, &kApplicationTable);
}

ProtocolHandler* Application::SelectHandler(const MI_Char* protocol, const MI_Char* destination) {
  std::string name;
  if (protocol != nullptr) {
    name = protocol;
  } else {
    name = destination == nullptr ? config_.default_local : config_.default_remote;
  }
  auto it = handlers_.find(name);
  return it == handlers_.end() ? nullptr : it->second.get();
}

MI_Result Application::NewSession(const MI_Char* protocol, const MI_Char* destination,
                                  MI_Instance** extended_error, MI_Session* out) {
  if (extended_error) *extended_error = nullptr;
  if (out == nullptr) return MI_RESULT_INVALID_PARAMETER;
  *out = MI_Session{};
  {
    std::lock_guard lock(mutex_);
    if (closing_) return MI_RESULT_FAILED;
  }
  ProtocolHandler* handler = SelectHandler(protocol, destination);
  if (handler == nullptr) return MI_RESULT_NOT_FOUND;
  MI_Application* handler_application = nullptr;
  MI_Result result = handler->Load(&handler_application);
  if (result != MI_RESULT_OK) return result;
  const MI_ApplicationFT* table = handler_application->ft;
  if (table->NewSession == nullptr || table->NewDestinationOptions == nullptr) {
    return MI_RESULT_NOT_SUPPORTED;
  }

  // Like OMI: fresh handler destination options around every NewSession. The reference offers no
  // destination options of its own, so there is nothing to copy into them.
  MI_DestinationOptions handler_options{};
  result = table->NewDestinationOptions(handler_application, &handler_options);
  if (result != MI_RESULT_OK) return result;
  MI_Session handler_session{};
  result = table->NewSession(handler_application, handler->name().c_str(), destination,
                             &handler_options, nullptr, extended_error, &handler_session);
  if (handler_options.ft != nullptr && handler_options.ft->Delete != nullptr) {
    handler_options.ft->Delete(&handler_options);
  }
  if (result != MI_RESULT_OK) return result;
  if (handler_session.ft == nullptr) return MI_RESULT_FAILED;

  auto session = std::make_shared<Session>(this, handler_session);
  bool closing;
  {
    std::lock_guard lock(mutex_);
    sessions_[session->id()] = session;
    closing = closing_;
  }
  // An application close that began meanwhile has not seen this session: its operations must
  // end at once like those of every other session.
  if (closing) session->CancelForApplicationClose();
  session->Register(out);
  return MI_RESULT_OK;
}

void Application::ForgetSession(std::uint64_t session_id) {
  std::shared_ptr<Session> forgotten;  // destroyed after the lock is released
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(session_id);
  if (it == sessions_.end()) return;
  forgotten = std::move(it->second);
  sessions_.erase(it);
  sessions_changed_.notify_all();
}

void Application::WaitForSessions() {
  std::unique_lock lock(mutex_);
  sessions_changed_.wait(lock, [this] { return sessions_.empty(); });
}

MI_Result Application::Close() {
  std::vector<std::shared_ptr<Session>> sessions;
  {
    std::lock_guard lock(mutex_);
    if (closing_) return MI_RESULT_INVALID_PARAMETER;
    if (Faulty(Fault::kAppCloseInCallbackRefused)) {
      // FAULT app_close_in_callback_refused: a close from inside a callback of one of the
      // application's sessions is refused instead of waiting for that callback to return.
      for (auto& [id, session] : sessions_) {
        if (Operation::ThisThreadInCallbackOf(session.get())) return MI_RESULT_FAILED;
      }
    }
    closing_ = true;
    for (auto& [id, session] : sessions_) sessions.push_back(session);
  }
  if (!Faulty(Fault::kAppCloseDoesNotCancel)) {
    // FAULT app_close_does_not_cancel skips this: the close only waits for the sessions.
    for (auto& session : sessions) session->CancelForApplicationClose();
  }
  sessions.clear();
  if (Faulty(Fault::kAppCloseNoWait) || Faulty(Fault::kAppCloseIgnoresClosingSessions) ||
      Faulty(Fault::kAppCloseIgnoresIdleSessions)) {
    // FAULT app_close_no_wait: with sessions still open the close returns at once; a background
    // thread waits for them and tears the application down afterwards (so nothing is freed under
    // a live session). FAULT app_close_ignores_closing_sessions: the same, when every session
    // left is one whose close was already called.
    bool sessions_open;
    std::vector<std::shared_ptr<Session>> left;
    {
      std::lock_guard lock(mutex_);
      sessions_open = !sessions_.empty();
      for (auto& [id, session] : sessions_) left.push_back(session);
    }
    if (Faulty(Fault::kAppCloseIgnoresClosingSessions)) {
      // Each session's lock on its own, never under the application's.
      for (auto& session : left) {
        std::lock_guard session_lock(session->mutex());
        if (!session->FaultClosing_locked()) sessions_open = false;
      }
    }
    if (Faulty(Fault::kAppCloseIgnoresIdleSessions)) {
      // FAULT app_close_ignores_idle_sessions: the same, when every session left is open with no
      // operation.
      for (auto& session : left) {
        std::lock_guard session_lock(session->mutex());
        if (!session->FaultIdle_locked()) sessions_open = false;
      }
    }
    left.clear();
    if (sessions_open) {
      std::thread([this] {
        WaitForSessions();
        dispatcher_.Stop();
        for (auto& [name, handler] : handlers_) handler->Unload();
        Registry().Remove(id_);  // may destroy *this: the last thing this thread does with it
      }).detach();
      return MI_RESULT_OK;
    }
  }
  WaitForSessions();
  dispatcher_.Stop();
  if (Reading(Fault::kReadingMemoryFreedByReaper)) {
    // READING memory_freed_by_reaper: what the reaper still holds of the closed sessions is freed
    // now, and its thread joined, so that no thread of the library outlives the application (it
    // may be unloaded next). Every session is closed and forgotten, so nothing is handed to it
    // any more.
    reaper_.Stop();
  }
  if (!Faulty(Fault::kAppCloseKeepsHandlerLoaded)) {
    // FAULT app_close_keeps_handler_loaded skips this: the handlers stay open and loaded.
    for (auto& [name, handler] : handlers_) handler->Unload();
  }
  Registry().Remove(id_);
  g_fault_application_closed = true;
  return MI_RESULT_OK;
}

}  // namespace miconform::reference

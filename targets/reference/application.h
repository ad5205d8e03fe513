// application.h - the reference's application: its handler registrations, its sessions, its
// worker threads; used by the entry point, the application table and Session.
//
// Lifetime: created by Initialize (entry point); the registry holds it until Close returns. Every
// session holds a raw pointer to it, which stays valid because Close waits for every session.
// Thread-safety: every method may be called from any thread; see reference.h for the lock order.
#ifndef MICONFORM_REFERENCE_APPLICATION_H
#define MICONFORM_REFERENCE_APPLICATION_H

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "dispatcher.h"
#include "handler_config.h"
#include "miconform/mi_abi.h"
#include "protocol_handler.h"

namespace miconform::reference {

class Session;

class Application {
 public:
  explicit Application(HandlerConfig config);
  Application(const Application&) = delete;
  Application& operator=(const Application&) = delete;

  // Creates an application from $MICONFORM_REFERENCE_CONFIG_DIR/omicli.conf and fills *out.
  static MI_Result Initialize(MI_Application* out);
  static std::shared_ptr<Application> Find(const MI_Application* handle);
  void FillHandle(MI_Application* handle) const;

  MI_Result NewSession(const MI_Char* protocol, const MI_Char* destination,
                       MI_Instance** extended_error, MI_Session* out);
  MI_Result Close();

  Dispatcher& dispatcher() { return dispatcher_; }
  // Used by a variant only (fault.h, memory_freed_by_reaper): the thread that frees closed
  // sessions' memory after the close; Close() frees what it still holds and joins it.
  Reaper& reaper() { return reaper_; }
  // Called by a session once its close is complete (after an asynchronous close's completion
  // callback has returned).
  void ForgetSession(std::uint64_t session_id);

 private:
  ProtocolHandler* SelectHandler(const MI_Char* protocol, const MI_Char* destination);
  void WaitForSessions();

  const std::uint64_t id_;
  const HandlerConfig config_;
  std::map<std::string, std::unique_ptr<ProtocolHandler>> handlers_;  // fixed after construction
  Dispatcher dispatcher_;
  Reaper reaper_;  // idle (no thread) but in the variant memory_freed_by_reaper

  std::mutex mutex_;
  std::condition_variable sessions_changed_;
  // ---- guarded by mutex_
  std::map<std::uint64_t, std::shared_ptr<Session>> sessions_;
  bool closing_ = false;
};

}  // namespace miconform::reference

#endif  // MICONFORM_REFERENCE_APPLICATION_H

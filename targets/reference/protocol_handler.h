// protocol_handler.h - one protocol handler registered in omicli.conf, loaded lazily by the
// reference's application at the first NewSession that selects it.
//
// Lifetime: owned by the Application. Load() may be called from any thread; the first call opens
// the library and calls its entry point (flags 0, NULL extendedError) under load_mutex_, later
// calls return the first outcome. Unload() is called once, by Application::Close, after every
// session using the handler is gone: it calls the handler application's Close and dlcloses it.
#ifndef MICONFORM_REFERENCE_PROTOCOL_HANDLER_H
#define MICONFORM_REFERENCE_PROTOCOL_HANDLER_H

#include <mutex>

#include "handler_config.h"
#include "miconform/mi_abi.h"

namespace miconform::reference {

class ProtocolHandler {
 public:
  explicit ProtocolHandler(HandlerRegistration registration);
  ProtocolHandler(const ProtocolHandler&) = delete;
  ProtocolHandler& operator=(const ProtocolHandler&) = delete;

  const std::string& name() const { return registration_.name; }

  // On MI_RESULT_OK, *application is the handler's application (valid until Unload).
  MI_Result Load(MI_Application** application);
  void Unload();

 private:
  const HandlerRegistration registration_;
  std::mutex load_mutex_;
  bool attempted_ = false;
  MI_Result load_result_ = MI_RESULT_FAILED;
  void* library_ = nullptr;
  MI_Application application_{};
};

}  // namespace miconform::reference

#endif  // MICONFORM_REFERENCE_PROTOCOL_HANDLER_H

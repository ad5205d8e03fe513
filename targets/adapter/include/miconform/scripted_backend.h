// scripted_backend.h - the suite's side of the scripted protocol handler: loads the handler
// library and offers its control API (handler_control.h) as C++; used by the cases and the
// runner's probe.
//
// The wrapper dlopens the very file the vendor client will load (RTLD_NOW | RTLD_GLOBAL), so both
// reach one loaded copy of the handler and its one set of scripts and records. Load it before the
// target opens its first session.
//
// Threading: every method is thread-safe (the handler's functions are) and may be called from
// inside a callback. Lifetime: the handler stays loaded while the ScriptedBackend lives; destroy
// it only after every session and operation the target opened has ended.
#ifndef MICONFORM_SCRIPTED_BACKEND_H
#define MICONFORM_SCRIPTED_BACKEND_H

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "miconform/handler_control.h"
#include "miconform/target.h"

namespace miconform {

namespace adapter {
class SharedLibrary;
}

class ScriptedBackend {
 public:
  // Loads the handler library at `handler_path` and resolves every control function. Throws
  // TargetLoadError: kHandlerMissing when the file is not there or unreadable,
  // kHandlerNotLoadable when dlopen fails or a control function is missing (naming it).
  explicit ScriptedBackend(const std::string& handler_path);
  ~ScriptedBackend();
  ScriptedBackend(const ScriptedBackend&) = delete;
  ScriptedBackend& operator=(const ScriptedBackend&) = delete;

  const std::string& HandlerPath() const { return path_; }

  // ---- scripts (handler_control.h, "Scripts")
  void SetDefaultScript(const MiconformScript& script);
  void SetScript(const std::string& name, const MiconformScript& script);
  void RemoveScript(const std::string& name);
  // The initial default script.
  MiconformScript ScriptDefaults() const;
  // Parses "key=value;..." (without "script:") over `base`; nothing when the text is invalid.
  std::optional<MiconformScript> ParseScript(const std::string& text,
                                             const MiconformScript& base) const;

  // ---- records: snapshots, in id order
  std::vector<MiconformOperationRecord> OperationRecords() const;
  std::vector<MiconformSessionRecord> SessionRecords() const;
  // The client's duties toward the handler it saw broken, and how the client reached it
  // (handler_control.h, "Integration findings"), in first-occurrence order.
  std::vector<MiconformIntegrationFinding> IntegrationFindings() const;
  // What the handler knows of `address` as an object it handed out with a result
  // (handler_control.h, miconform_handler_result_argument); nothing when it is not one of them.
  std::optional<MiconformResultArgument> ResultArgument(const void* address) const;
  std::uint32_t InitializeCount() const;
  std::uint32_t ApplicationCloseCount() const;

  // True once at least `count` cancels (in total) / started operations were seen; false when
  // `timeout_ms` passed first.
  bool WaitCancels(std::uint32_t count, std::uint32_t timeout_ms) const;
  bool WaitStarted(std::uint32_t count, std::uint32_t timeout_ms) const;

  // Forgets records and scripts. False (and nothing done) while an operation or session lives.
  bool Reset();

  // {"initialize_count", "application_close_count", "operations": [...], "sessions": [...]}; every
  // record field under its handler_control.h name, results also by name. For report evidence.
  nlohmann::json RecordsJson() const;

 private:
  struct Api;
  std::string path_;
  std::unique_ptr<adapter::SharedLibrary> library_;
  std::unique_ptr<Api> api_;
};

// Spells `script` in the "script:key=value;..." form the handler parses from a class name. With
// `base`, only the fields that differ from it are spelled (shorter names in records; the handler
// starts from its current default script, so pass that); without, every field is.
std::string InlineScript(const MiconformScript& script, const MiconformScript* base = nullptr);

// One script as JSON, every field under its handler_control.h name.
nlohmann::json ScriptJson(const MiconformScript& script);

}  // namespace miconform

#endif  // MICONFORM_SCRIPTED_BACKEND_H

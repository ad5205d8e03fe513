// scripted_backend.cc - the handler control wrapper of scripted_backend.h.
#include "miconform/scripted_backend.h"

#include <dlfcn.h>

#include <cstring>

#include "miconform/result_names.h"
#include "shared_library.h"

namespace miconform {

using Kind = TargetLoadError::Kind;

// The handler's control functions, resolved once.
struct ScriptedBackend::Api {
  decltype(&miconform_handler_set_default_script) set_default_script;
  decltype(&miconform_handler_set_script) set_script;
  decltype(&miconform_handler_script_defaults) script_defaults;
  decltype(&miconform_handler_parse_script) parse_script;
  decltype(&miconform_handler_operation_count) operation_count;
  decltype(&miconform_handler_operation_record) operation_record;
  decltype(&miconform_handler_session_count) session_count;
  decltype(&miconform_handler_session_record) session_record;
  decltype(&miconform_handler_initialize_count) initialize_count;
  decltype(&miconform_handler_application_close_count) application_close_count;
  decltype(&miconform_handler_wait_cancels) wait_cancels;
  decltype(&miconform_handler_wait_started) wait_started;
  decltype(&miconform_handler_reset) reset;
  decltype(&miconform_handler_integration_finding_count) integration_finding_count;
  decltype(&miconform_handler_integration_finding) integration_finding;
  decltype(&miconform_handler_result_argument) result_argument;
};

namespace {

template <typename Fn>
void Resolve(const adapter::SharedLibrary& library, const std::string& path, const char* name,
             Fn* out) {
  std::string error;
  void* address = library.Find(name, &error);
  if (address == nullptr) {
    throw TargetLoadError(Kind::kHandlerNotLoadable,
                          "the scripted protocol handler '" + path +
                              "' lacks the control function " + name + " (" + error +
                              "); it is not a miconform handler of this version");
  }
  *out = reinterpret_cast<Fn>(address);
}

}  // namespace

ScriptedBackend::ScriptedBackend(const std::string& handler_path)
    : path_(handler_path),
      library_(std::make_unique<adapter::SharedLibrary>()),
      api_(std::make_unique<Api>()) {
  const std::string unreadable = adapter::UnreadableFileReason(path_);
  if (!unreadable.empty()) {
    throw TargetLoadError(Kind::kHandlerMissing, "the scripted protocol handler '" + path_ +
                                                     "' is not usable: " + unreadable);
  }
  std::string error;
  if (!library_->Open(path_, RTLD_NOW | RTLD_GLOBAL, &error)) {
    throw TargetLoadError(Kind::kHandlerNotLoadable, "the scripted protocol handler '" + path_ +
                                                         "' cannot be loaded: " + error);
  }
  Api& api = *api_;
  Resolve(*library_, path_, "miconform_handler_set_default_script", &api.set_default_script);
  Resolve(*library_, path_, "miconform_handler_set_script", &api.set_script);
  Resolve(*library_, path_, "miconform_handler_script_defaults", &api.script_defaults);
  Resolve(*library_, path_, "miconform_handler_parse_script", &api.parse_script);
  Resolve(*library_, path_, "miconform_handler_operation_count", &api.operation_count);
  Resolve(*library_, path_, "miconform_handler_operation_record", &api.operation_record);
  Resolve(*library_, path_, "miconform_handler_session_count", &api.session_count);
  Resolve(*library_, path_, "miconform_handler_session_record", &api.session_record);
  Resolve(*library_, path_, "miconform_handler_initialize_count", &api.initialize_count);
  Resolve(*library_, path_, "miconform_handler_application_close_count",
          &api.application_close_count);
  Resolve(*library_, path_, "miconform_handler_wait_cancels", &api.wait_cancels);
  Resolve(*library_, path_, "miconform_handler_wait_started", &api.wait_started);
  Resolve(*library_, path_, "miconform_handler_reset", &api.reset);
  Resolve(*library_, path_, "miconform_handler_integration_finding_count",
          &api.integration_finding_count);
  Resolve(*library_, path_, "miconform_handler_integration_finding", &api.integration_finding);
  Resolve(*library_, path_, "miconform_handler_result_argument", &api.result_argument);
  // The entry point itself is not called here, but a handler without it cannot be registered.
  MI_Application_InitializeV1_Fn entry = nullptr;
  Resolve(*library_, path_, MICONFORM_HANDLER_ENTRY, &entry);
}

ScriptedBackend::~ScriptedBackend() = default;

void ScriptedBackend::SetDefaultScript(const MiconformScript& script) {
  api_->set_default_script(&script);
}

void ScriptedBackend::SetScript(const std::string& name, const MiconformScript& script) {
  api_->set_script(name.c_str(), &script);
}

void ScriptedBackend::RemoveScript(const std::string& name) {
  api_->set_script(name.c_str(), nullptr);
}

MiconformScript ScriptedBackend::ScriptDefaults() const {
  MiconformScript script{};
  api_->script_defaults(&script);
  return script;
}

std::optional<MiconformScript> ScriptedBackend::ParseScript(const std::string& text,
                                                            const MiconformScript& base) const {
  MiconformScript script = base;
  if (api_->parse_script(text.c_str(), &script) != 0) return std::nullopt;
  return script;
}

namespace {

// Every entry of one of the handler's indexed lists (count, then copy by index), in index order;
// an index that no longer copies (the list was reset meanwhile) is left out.
template <typename Entry>
std::vector<Entry> ReadAll(std::uint32_t (*count)(), int (*copy)(std::uint32_t, Entry*)) {
  std::vector<Entry> entries;
  const std::uint32_t total = count();
  entries.reserve(total);
  for (std::uint32_t i = 0; i < total; ++i) {
    Entry entry{};
    if (copy(i, &entry) == 0) entries.push_back(entry);
  }
  return entries;
}

}  // namespace

std::vector<MiconformOperationRecord> ScriptedBackend::OperationRecords() const {
  return ReadAll(api_->operation_count, api_->operation_record);
}

std::vector<MiconformSessionRecord> ScriptedBackend::SessionRecords() const {
  return ReadAll(api_->session_count, api_->session_record);
}

std::vector<MiconformIntegrationFinding> ScriptedBackend::IntegrationFindings() const {
  return ReadAll(api_->integration_finding_count, api_->integration_finding);
}

std::optional<MiconformResultArgument> ScriptedBackend::ResultArgument(const void* address) const {
  MiconformResultArgument argument{};
  if (api_->result_argument(address, &argument) != 1) return std::nullopt;
  return argument;
}

std::uint32_t ScriptedBackend::InitializeCount() const { return api_->initialize_count(); }

std::uint32_t ScriptedBackend::ApplicationCloseCount() const {
  return api_->application_close_count();
}

bool ScriptedBackend::WaitCancels(std::uint32_t count, std::uint32_t timeout_ms) const {
  return api_->wait_cancels(count, timeout_ms) == 1;
}

bool ScriptedBackend::WaitStarted(std::uint32_t count, std::uint32_t timeout_ms) const {
  return api_->wait_started(count, timeout_ms) == 1;
}

bool ScriptedBackend::Reset() { return api_->reset() == 0; }

namespace {

nlohmann::json OperationJson(const MiconformOperationRecord& r) {
  return {{"id", r.id},
          {"session_id", r.session_id},
          {"class_name", std::string(r.class_name, strnlen(r.class_name, sizeof r.class_name))},
          {"kind", std::string(r.kind, strnlen(r.kind, sizeof r.kind))},
          {"flags", r.flags},
          {"started_ns", r.started_ns},
          {"results_sent", r.results_sent},
          {"results_acknowledged", r.results_acknowledged},
          {"final_sent", r.final_sent},
          {"final_result", static_cast<int>(r.final_result)},
          {"final_result_name", ResultName(r.final_result)},
          {"final_ns", r.final_ns},
          {"cancel_count", r.cancel_count},
          {"first_cancel_ns", r.first_cancel_ns},
          {"cancel_reason", static_cast<int>(r.cancel_reason)},
          {"close_count", r.close_count},
          {"close_ns", r.close_ns},
          {"callbacks_in_flight", r.callbacks_in_flight},
          {"released", r.released != 0}};
}

nlohmann::json SessionJson(const MiconformSessionRecord& r) {
  return {{"id", r.id},
          {"opened_ns", r.opened_ns},
          {"close_count", r.close_count},
          {"close_ns", r.close_ns},
          {"completions_called", r.completions_called},
          {"completed_ns", r.completed_ns}};
}

// Field name, value as text, in MiconformScript order.
std::vector<std::pair<const char*, long long>> ScriptFields(const MiconformScript& s) {
  return {{"results", s.results},
          {"result_delay_ms", s.result_delay_ms},
          {"until_cancelled", s.until_cancelled},
          {"ignore_cancel", s.ignore_cancel},
          {"cancel_delay_ms", s.cancel_delay_ms},
          {"operation_close_delay_ms", s.operation_close_delay_ms},
          {"session_close_delay_ms", s.session_close_delay_ms},
          {"messages", s.messages},
          {"progress", s.progress},
          {"callback_thread", s.callback_thread},
          {"final_result", static_cast<long long>(s.final_result)}};
}

}  // namespace

nlohmann::json ScriptedBackend::RecordsJson() const {
  nlohmann::json operations = nlohmann::json::array();
  for (const auto& record : OperationRecords()) operations.push_back(OperationJson(record));
  nlohmann::json sessions = nlohmann::json::array();
  for (const auto& record : SessionRecords()) sessions.push_back(SessionJson(record));
  return {{"initialize_count", InitializeCount()},
          {"application_close_count", ApplicationCloseCount()},
          {"operations", std::move(operations)},
          {"sessions", std::move(sessions)}};
}

std::string InlineScript(const MiconformScript& script, const MiconformScript* base) {
  const auto fields = ScriptFields(script);
  const auto base_fields = base != nullptr ? ScriptFields(*base) : decltype(fields){};
  std::string text = "script:";
  bool first = true;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (base != nullptr && fields[i].second == base_fields[i].second) continue;
    if (!first) text += ';';
    text += std::string(fields[i].first) + "=" + std::to_string(fields[i].second);
    first = false;
  }
  return text;
}

nlohmann::json ScriptJson(const MiconformScript& script) {
  nlohmann::json json = nlohmann::json::object();
  for (const auto& [name, value] : ScriptFields(script)) json[name] = value;
  return json;
}

}  // namespace miconform

// control_api.cc - the exported control surface of handler_control.h: scripts, records, waits
// and reset, used by the suite (and the self-tests) in the same process as the client.
#include <chrono>
#include <string>

#include "clock.h"
#include "export.h"
#include "handler_state.h"
#include "integration_findings.h"
#include "result_arguments.h"
#include "script.h"

using namespace miconform::handler;

extern "C" {

void miconform_handler_set_default_script(const MiconformScript* script) {
  State& s = state();
  std::lock_guard lock(s.mu);
  s.default_script = script ? *script : DefaultScriptValues();
}

void miconform_handler_set_script(const char* name, const MiconformScript* script) {
  if (!name) {
    return;
  }
  State& s = state();
  std::lock_guard lock(s.mu);
  if (script) {
    s.scripts[name] = *script;
  } else {
    s.scripts.erase(name);
  }
}

void miconform_handler_script_defaults(MiconformScript* script) {
  if (script) {
    *script = DefaultScriptValues();
  }
}

int miconform_handler_parse_script(const char* text, MiconformScript* script) {
  if (!text || !script) {
    return -1;
  }
  std::string error;
  return ParseScript(text, script, &error) ? 0 : -1;
}

uint32_t miconform_handler_operation_count(void) {
  State& s = state();
  std::lock_guard lock(s.mu);
  return static_cast<uint32_t>(s.operation_records.size());
}

int miconform_handler_operation_record(uint32_t index, MiconformOperationRecord* out) {
  State& s = state();
  std::lock_guard lock(s.mu);
  if (!out || index >= s.operation_records.size()) {
    return -1;
  }
  *out = s.operation_records[index];
  return 0;
}

uint32_t miconform_handler_session_count(void) {
  State& s = state();
  std::lock_guard lock(s.mu);
  return static_cast<uint32_t>(s.session_records.size());
}

int miconform_handler_session_record(uint32_t index, MiconformSessionRecord* out) {
  State& s = state();
  std::lock_guard lock(s.mu);
  if (!out || index >= s.session_records.size()) {
    return -1;
  }
  *out = s.session_records[index];
  return 0;
}

uint32_t miconform_handler_initialize_count(void) {
  State& s = state();
  std::lock_guard lock(s.mu);
  return s.initialize_count;
}

uint32_t miconform_handler_application_close_count(void) {
  State& s = state();
  std::lock_guard lock(s.mu);
  return s.application_close_count;
}

int miconform_handler_wait_cancels(uint32_t count, uint32_t timeout_ms) {
  State& s = state();
  std::unique_lock lock(s.mu);
  return s.cv.wait_for(lock, ms(timeout_ms), [&] { return s.total_cancels >= count; }) ? 1 : 0;
}

int miconform_handler_wait_started(uint32_t count, uint32_t timeout_ms) {
  State& s = state();
  std::unique_lock lock(s.mu);
  return s.cv.wait_for(lock, ms(timeout_ms), [&] { return s.operation_records.size() >= count; })
             ? 1
             : 0;
}

int miconform_handler_reset(void) {
  State& s = state();
  std::lock_guard lock(s.mu);
  if (!s.live_operations.empty() || !s.live_sessions.empty()) {
    return -1;
  }
  ++s.generation;
  s.default_script = DefaultScriptValues();
  s.scripts.clear();
  s.operation_records.clear();
  s.session_records.clear();
  s.initialize_count = 0;
  s.application_close_count = 0;
  s.total_cancels = 0;
  ForgetFindingsLocked();
  s.cv.notify_all();
  return 0;
}

int miconform_handler_result_argument(const void* address, MiconformResultArgument* out) {
  if (out == nullptr) return 0;
  std::lock_guard lock(state().mu);
  return DescribeArgumentLocked(address, out) ? 1 : 0;
}

uint32_t miconform_handler_integration_finding_count(void) {
  std::lock_guard lock(state().mu);
  return FindingCountLocked();
}

int miconform_handler_integration_finding(uint32_t index, MiconformIntegrationFinding* out) {
  std::lock_guard lock(state().mu);
  return CopyFindingLocked(index, out) ? 0 : -1;
}

}  // extern "C"

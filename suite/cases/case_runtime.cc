// case_runtime.cc - the runtime a case child installs and the outcome notes (case_runtime.h).
#include "case_runtime.h"

#include <algorithm>
#include <atomic>

#include "check_attribution.h"
#include "phase_channel.h"
#include "stall_oracle.h"

namespace miconform::cases {
namespace {

CaseRuntime g_runtime;
std::atomic<bool> g_installed{false};
// A finding is written at once; the runner collects it from the channel.
void Note(report::Verdict verdict, const std::string& requirement_id, const std::string& text) {
  watchdog::PhaseChannel::Get().Finding(report::ToString(verdict), requirement_id, text);
}

}  // namespace

void SetCaseRuntime(const CaseRuntime& runtime) {
  g_runtime = runtime;
  g_installed.store(true, std::memory_order_release);
}

const CaseRuntime* GetCaseRuntime() {
  return g_installed.load(std::memory_order_acquire) ? &g_runtime : nullptr;
}

bool CaseNames(const std::string& requirement_id) {
  const CaseRuntime* runtime = GetCaseRuntime();
  if (runtime == nullptr) return false;
  return std::find(runtime->requirements.begin(), runtime->requirements.end(), requirement_id) !=
         runtime->requirements.end();
}

std::string Judges(const std::string& requirement_id) {
  return std::string(kJudgesTagOpen) + requirement_id + "] ";
}

void NoteDeviation(const std::string& requirement_id, const std::string& text) {
  Note(report::Verdict::kDeviation, requirement_id, text);
}

void NoteDocumentedHang(const std::string& requirement_id, const std::string& text) {
  Note(report::Verdict::kDocumentedHang, requirement_id, text);
}

void NoteInconclusive(const std::string& text) { Note(report::Verdict::kInconclusive, "", text); }

void Observe(const std::string& requirement_id, const std::string& text) {
  watchdog::PhaseChannel::Get().Observation(requirement_id, text);
}

std::chrono::milliseconds Eventually() {
  const CaseRuntime* runtime = GetCaseRuntime();
  return runtime != nullptr ? std::chrono::milliseconds(runtime->eventually_ms)
                            : watchdog::Timing{}.eventually;
}

std::chrono::milliseconds Settle() {
  const CaseRuntime* runtime = GetCaseRuntime();
  return runtime != nullptr ? std::chrono::milliseconds(runtime->settle_ms)
                            : watchdog::Timing{}.settle;
}

std::chrono::milliseconds ObserveWindow() {
  const CaseRuntime* runtime = GetCaseRuntime();
  return runtime != nullptr ? std::chrono::milliseconds(runtime->observe_ms)
                            : watchdog::Timing{}.observe;
}

void Phase(const std::string& text) {
  CaseStallOracle::Get().NotePhase(text);
  watchdog::PhaseChannel::Get().Phase(text);
}

void Trace(const std::string& text) { watchdog::PhaseChannel::Get().Trace(text); }

}  // namespace miconform::cases

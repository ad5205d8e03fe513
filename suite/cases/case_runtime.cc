// case_runtime.cc - the runtime a case child installs and the outcome notes (case_runtime.h).
#include "case_runtime.h"

#include <algorithm>
#include <atomic>

#include "phase_channel.h"

namespace miconform::cases {
namespace {

CaseRuntime g_runtime;
std::atomic<bool> g_installed{false};
std::atomic<int> g_deviations{0};
std::atomic<int> g_documented_hangs{0};

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

void NoteDeviation(const std::string& requirement_id, const std::string& text) {
  g_deviations.fetch_add(1);
  watchdog::PhaseChannel::Get().Message("deviation from " + requirement_id + ": " + text);
}

void NoteDocumentedHang(const std::string& requirement_id, const std::string& text) {
  g_documented_hangs.fetch_add(1);
  watchdog::PhaseChannel::Get().Message("documented hang (" + requirement_id + "): " + text);
}

int DeviationCount() { return g_deviations.load(); }
int DocumentedHangCount() { return g_documented_hangs.load(); }

}  // namespace miconform::cases

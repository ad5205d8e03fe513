// transport_state.cc - the handler's records in words (transport_state.h).
#include "transport_state.h"

#include <array>

#include "miconform/report/root_causes.h"

namespace miconform::cases {
namespace {

enum Clause {
  kRunningUntouched,
  kRunningCancelled,
  kClosedBeforeFinal,
  kFinalUnacknowledged,
  kFinishedNotClosed,
  kSessionOpen,
  kClauseCount,
};

constexpr std::array<const char*, kClauseCount> kClauseText = {
    "an operation running that the client had neither cancelled nor closed",
    "an operation the client had cancelled, still running",
    "an operation the client had closed before its final result, without a cancel",
    "a final result the client had not acknowledged",
    "a finished operation the client had not closed",
    "a handler session the client had not closed",
};

Clause ClauseOf(const MiconformOperationRecord& operation, bool* clean) {
  *clean = false;
  if (operation.final_sent == 0) {
    if (operation.cancel_count > 0) return kRunningCancelled;
    return operation.close_count > 0 ? kClosedBeforeFinal : kRunningUntouched;
  }
  // Every result delivered, the final one included, is acknowledged once.
  if (operation.results_acknowledged < operation.results_sent + operation.final_sent) {
    return kFinalUnacknowledged;
  }
  if (operation.close_count == 0) return kFinishedNotClosed;
  *clean = true;
  return kClauseCount;
}

}  // namespace

std::string DescribeTransport(const std::vector<MiconformOperationRecord>& operations,
                              const std::vector<MiconformSessionRecord>& sessions) {
  std::array<bool, kClauseCount> present{};
  for (const MiconformOperationRecord& operation : operations) {
    bool clean = false;
    const Clause clause = ClauseOf(operation, &clean);
    if (!clean) present[clause] = true;
  }
  for (const MiconformSessionRecord& session : sessions) {
    if (session.close_count == 0) present[kSessionOpen] = true;
  }
  std::string text;
  for (int clause = 0; clause < kClauseCount; ++clause) {
    if (!present[clause]) continue;
    if (!text.empty()) text += "; ";
    text += kClauseText[clause];
  }
  if (!text.empty()) return text;
  if (operations.empty() && sessions.empty()) return std::string(report::kTransportEmpty);
  return std::string(report::kTransportSettled);
}

}  // namespace miconform::cases

// transport_state.cc - the handler's records in words (transport_state.h).
#include "transport_state.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "miconform/report/root_causes.h"
#include "phase_channel.h"

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
  // Every result delivered, the final one included, is acknowledged once, when its callback has
  // returned: one in flight is still being delivered.
  if (operation.results_acknowledged + operation.callbacks_in_flight <
      operation.results_sent + operation.final_sent) {
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

std::vector<std::string> ClosesCalled(const std::vector<std::string>& channel_lines) {
  static constexpr std::array<std::string_view, 4> kCloses = {
      "MI_Session_Close", "MI_Operation_Close", "MI_Operation_Cancel", "MI_Application_Close"};
  std::vector<std::string> called;
  for (const std::string& line : channel_lines) {
    const watchdog::ChannelLine read = watchdog::ReadChannelLine(line);
    std::string call;
    bool entered = false;
    if (read.kind != watchdog::ChannelLine::Kind::kPhase ||
        !watchdog::ParseCallPhase(read.text, &call, &entered) || !entered) {
      continue;
    }
    if (std::find(kCloses.begin(), kCloses.end(), call) != kCloses.end() &&
        std::find(called.begin(), called.end(), call) == called.end()) {
      called.push_back(call);
    }
  }
  return called;
}

std::string TransportAtFailure(const std::vector<std::string>& closes_called,
                               const std::string& state) {
  if (closes_called.empty()) return state;
  std::string calls;
  for (const std::string& call : closes_called) calls += (calls.empty() ? "" : " and ") + call;
  return std::string(report::kTransportAfter) + calls + std::string(report::kTransportCalled) +
         state;
}

}  // namespace miconform::cases

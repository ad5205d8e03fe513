// planned_faults.cc - the account of planned and fired faults, and harness errors
// (planned_faults.h).
#include "planned_faults.h"

#include <algorithm>
#include <mutex>

#include "phase_channel.h"

namespace miconform::cases {
namespace {

struct PlannedPointSet {
  std::mutex mutex;
  std::set<std::string> points;
};

PlannedPointSet& Planned() {
  static auto* set = new PlannedPointSet();  // never freed: callbacks may run at exit
  return *set;
}

}  // namespace

void NotePlannedPoint(const std::string& point) {
  std::lock_guard<std::mutex> lock(Planned().mutex);
  Planned().points.insert(point);
}

std::vector<std::string> PlannedPoints() {
  std::lock_guard<std::mutex> lock(Planned().mutex);
  return {Planned().points.begin(), Planned().points.end()};
}

std::vector<std::string> HandlerPointsPlannedBy(const MiconformScript& script) {
  // result_delay_ms paces the results (an endless stream until cancelled, or a few spread out);
  // a cancel that comes before a pause ends is the scenario itself, so handler.before_result is
  // reported when it fires but never planned.
  std::vector<std::string> points;
  if (script.cancel_delay_ms > 0) points.emplace_back("handler.before_cancel");
  if (script.operation_close_delay_ms > 0) points.emplace_back("handler.in_operation_close");
  if (script.session_close_delay_ms > 0) points.emplace_back("handler.in_session_close");
  return points;
}

std::map<std::string, std::uint64_t> HandlerPointFires(
    const std::vector<MiconformOperationRecord>& operations,
    const std::vector<MiconformSessionRecord>& sessions) {
  std::map<std::string, std::uint64_t> fires = {{"handler.before_result", 0},
                                                {"handler.before_cancel", 0},
                                                {"handler.in_operation_close", 0},
                                                {"handler.in_session_close", 0}};
  for (const MiconformOperationRecord& record : operations) {
    fires["handler.before_result"] += record.result_delays_waited;
    fires["handler.before_cancel"] += record.cancel_delays_waited;
    fires["handler.in_operation_close"] += record.close_delays_waited;
  }
  for (const MiconformSessionRecord& record : sessions) {
    fires["handler.in_session_close"] += record.close_delays_waited;
  }
  return fires;
}

std::vector<std::string> UnfiredPlannedPoints(const std::vector<std::string>& planned,
                                              const std::set<std::string>& fired) {
  std::vector<std::string> unfired;
  for (const std::string& point : planned) {
    if (fired.count(point) == 0) unfired.push_back(point);
  }
  std::sort(unfired.begin(), unfired.end());
  unfired.erase(std::unique(unfired.begin(), unfired.end()), unfired.end());
  return unfired;
}

void NoteHarnessError(const std::string& text) { watchdog::PhaseChannel::Get().HarnessError(text); }

}  // namespace miconform::cases

// callback_points.cc - the callback layer's delays and their counts (callback_points.h).
#include "callback_points.h"

#include <map>
#include <mutex>
#include <thread>

#include "case_runtime.h"
#include "phase_channel.h"
#include "planned_faults.h"

namespace miconform::cases {
namespace {

struct CallbackPointSetting {
  std::chrono::milliseconds delay{0};
  int fires = 0;
};

// Process-wide: a case child runs one case, and callbacks may outlive the fixture.
struct CallbackPointTable {
  std::mutex mutex;  // never held while sleeping or writing to the channel
  std::map<std::string, CallbackPointSetting> points;
};

CallbackPointTable& CallbackPoints() {
  static auto* table = new CallbackPointTable();  // never freed: callbacks may run at exit
  return *table;
}

}  // namespace

bool IsCallbackPoint(const std::string& point) {
  for (const char* name : kCallbackPoints) {
    if (point == name) return true;
  }
  return false;
}

void DelayCallbackPoint(const std::string& point, std::chrono::milliseconds delay) {
  if (!IsCallbackPoint(point)) {
    NoteHarnessError("\"" + point +
                     "\" is no callback-layer injection point; the case cannot "
                     "delay it");
    return;
  }
  Trace("callback point " + point + " delays " + std::to_string(delay.count()) + " ms");
  if (delay.count() > 0) NotePlannedPoint(point);
  std::lock_guard<std::mutex> lock(CallbackPoints().mutex);
  CallbackPoints().points[point].delay = delay;
}

void AtCallbackPoint(const char* point) {
  std::chrono::milliseconds delay{0};
  {
    std::lock_guard<std::mutex> lock(CallbackPoints().mutex);
    auto it = CallbackPoints().points.find(point);
    if (it == CallbackPoints().points.end() || it->second.delay.count() <= 0) return;
    delay = it->second.delay;
    ++it->second.fires;
  }
  watchdog::PhaseChannel::Get().Fired(point);
  std::this_thread::sleep_for(delay);
}

int CallbackPointFires(const std::string& point) {
  std::lock_guard<std::mutex> lock(CallbackPoints().mutex);
  auto it = CallbackPoints().points.find(point);
  return it == CallbackPoints().points.end() ? 0 : it->second.fires;
}

std::set<std::string> FiredCallbackPoints() {
  std::set<std::string> fired;
  std::lock_guard<std::mutex> lock(CallbackPoints().mutex);
  for (const auto& [point, setting] : CallbackPoints().points) {
    if (setting.fires > 0) fired.insert(point);
  }
  return fired;
}

MI_Result AcknowledgeResult(MI_ResultAcknowledgement ack, MI_Operation* operation) {
  if (ack == nullptr) return MI_RESULT_OK;
  AtCallbackPoint("callback.before_ack");
  const MI_Result result = ack(operation);
  AtCallbackPoint("callback.after_ack");
  return result;
}

}  // namespace miconform::cases

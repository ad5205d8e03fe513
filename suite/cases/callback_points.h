// callback_points.h - delays in the suite's own callbacks: the callback layer of the injection
// points (injection_point_table.h). A case sets a delay for a named point before starting what
// calls back; the case's callbacks call AtCallbackPoint(point) where the point is, which then
// sleeps the delay and writes `fired <point>` on the phase channel each time. Points without a
// delay cost nothing and write nothing. Used by the case files and case_child.cc.
//
// Thread-safety: the settings are process-wide (one case per process) and every function may be
// called from any callback on any thread, also after the case's fixture is gone.
#ifndef MICONFORM_CASES_CALLBACK_POINTS_H
#define MICONFORM_CASES_CALLBACK_POINTS_H

#include <chrono>
#include <set>
#include <string>

#include "miconform/injection_point_table.h"
#include "miconform/mi_abi.h"

namespace miconform::cases {

// The names are exactly the callback-layer lines of the point registry, in table order.
#define MICONFORM_CASES_CALLBACK_POINT(layer, ident, description) \
  MICONFORM_CASES_CALLBACK_POINT_##layer(ident)
#define MICONFORM_CASES_CALLBACK_POINT_callback(ident) "callback." #ident,
#define MICONFORM_CASES_CALLBACK_POINT_handler(ident)
#define MICONFORM_CASES_CALLBACK_POINT_interposer(ident)
inline constexpr const char* kCallbackPoints[] = {
    MICONFORM_INJECTION_POINT_TABLE(MICONFORM_CASES_CALLBACK_POINT)};
#undef MICONFORM_CASES_CALLBACK_POINT_interposer
#undef MICONFORM_CASES_CALLBACK_POINT_handler
#undef MICONFORM_CASES_CALLBACK_POINT_callback
#undef MICONFORM_CASES_CALLBACK_POINT

bool IsCallbackPoint(const std::string& point);
// Sets (0 ms: removes) the delay of `point`. A positive delay plans the point (planned_faults.h).
// An unknown name is a harness error (NoteHarnessError: the verdict is ERROR).
void DelayCallbackPoint(const std::string& point, std::chrono::milliseconds delay);
void AtCallbackPoint(const char* point);
// How often `point` has fired (slept its delay) so far.
int CallbackPointFires(const std::string& point);
// The callback-layer points that have fired at least once so far.
std::set<std::string> FiredCallbackPoints();
// Calls `ack(operation)` between the points callback.before_ack and callback.after_ack and
// returns its result; a NULL `ack` is not called (MI_RESULT_OK).
MI_Result AcknowledgeResult(MI_ResultAcknowledgement ack, MI_Operation* operation);

}  // namespace miconform::cases

#endif  // MICONFORM_CASES_CALLBACK_POINTS_H

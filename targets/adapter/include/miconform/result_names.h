// result_names.h - the spelled names of MI_Result codes, used by every message and report that
// shows a result code.
#ifndef MICONFORM_RESULT_NAMES_H
#define MICONFORM_RESULT_NAMES_H

#include <string>

#include "miconform/mi_abi.h"

namespace miconform {

// "MI_RESULT_OK", "MI_RESULT_FAILED", ...; for a value the enumeration does not define (a target
// may return anything) "invalid MI_Result (N)". Thread-safe.
std::string ResultName(MI_Result result);

// ResultName plus the number: "MI_RESULT_FAILED (1)"; an undefined value as in ResultName.
std::string ResultNameAndCode(MI_Result result);

}  // namespace miconform

#endif  // MICONFORM_RESULT_NAMES_H

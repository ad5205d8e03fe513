// case_checks.h - the judging helpers the case files share: names of MI_Result values and of
// operation kinds, the check
// of a close's result code, and which sentence a missing final result breaks. Used by the case
// files and the fixture.
//
// Thread-safety: every function may be called from any thread, callbacks included.
#ifndef MICONFORM_CASES_CASE_CHECKS_H
#define MICONFORM_CASES_CASE_CHECKS_H

#include <chrono>
#include <string>

#include <gmock/gmock.h>

#include "miconform/mi_abi.h"
#include "miconform/scripted_backend.h"
#include "miconform/target.h"

namespace miconform::cases {

// "MI_RESULT_OK", ..., or "MI_Result(<n>) (not a valid MI_Result)".
std::string ResultName(int result);
// The kind as a part of a case ID: GetClass -> "get_class".
std::string OperationKindId(OperationKind kind);

// The pages name no success code for a close, only a value of the MI_Result enumeration: that is
// judged (as `requirement`), and any code other than MI_RESULT_OK is observed. True when the call
// returned MI_RESULT_OK, which the checks that assume a finished close depend on.
bool CheckResult(const char* requirement, const std::string& call, int result);
// A running operation of a closed session delivered no final result. The provider tells which
// sentence broke: an operation it saw cancelled or closed was let go of by the client, so its
// final result was lost (SC-REM-2); when it saw none, the close did not cancel (SC-REM-1).
const char* MissedFinalRequirement(const ScriptedBackend& backend);
// The provider's operations it saw cancelled, and those it saw closed without a cancel, as text.
// Whether a cancel reaches the provider is open (the client may just disconnect): observed only.
std::string ProviderSaw(const ScriptedBackend& backend);
// The provider had not seen `operations` operations start within `waited`: the close is made on
// operations that may not have reached it. No page says when an operation reaches the provider,
// so this is only observed.
void ObserveNotStarted(int operations, std::chrono::milliseconds waited);

// gmock matcher: the argument is a value of the MI_Result enumeration.
MATCHER(IsValidResult, "is a valid MI_Result") { return MI_Result_IsValid(static_cast<int>(arg)); }

}  // namespace miconform::cases

#endif  // MICONFORM_CASES_CASE_CHECKS_H

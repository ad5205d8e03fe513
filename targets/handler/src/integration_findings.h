// integration_findings.h - the client's duties toward its transport as the handler sees them kept
// or broken (README, "The client's duties"; MI-ABI.md, "Protocol handlers"), and how the client
// reached the handler: the call history of every operation and session, and one finding per kind
// with the calls of its first occurrence. Used by the operation, session and application tables;
// read through the control API (handler_control.h, "Integration findings").
//
// A finding is never a reason for the handler to behave differently: it keeps its contract
// whatever the client does, and the suite reports findings apart from the verdicts on the pages.
//
// Locking: every function here takes State::mu itself unless its name ends in _locked (call with
// State::mu held). None calls out of the handler.
#ifndef MICONFORM_HANDLER_INTEGRATION_FINDINGS_H
#define MICONFORM_HANDLER_INTEGRATION_FINDINGS_H

#include <cstdint>
#include <string>

#include "export.h"

namespace miconform::handler {

enum class FindingKind {
  acknowledged_after_close,    // resultAcknowledgement after the operation's Close
  operation_call_after_close,  // Cancel or GetSession on an operation after its Close
  operation_closed_twice,
  session_call_after_close,  // an operation started, or GetApplication, after the session's Close
  session_closed_twice,
  session_closed_with_open_operations,
  application_closed_in_callback,  // application Close from inside one of the handler's callbacks
  entry_point_unsplit,             // the entry point looked up under its comma-bearing alias
};

// Appends one call to an operation's or session's history (bounded: the oldest calls are
// dropped and counted). A call made from inside one of the handler's callbacks says so.
void NoteOperationCallLocked(uint64_t operation_id, const std::string& call);
void NoteSessionCallLocked(uint64_t session_id, const std::string& call);

// Notes `call` in the object's history and records `kind`: the first occurrence keeps the
// object's history as the finding's calls, later ones only count.
void OperationFindingLocked(FindingKind kind, uint64_t operation_id, const std::string& call);
void SessionFindingLocked(FindingKind kind, uint64_t session_id, const std::string& call);
// A finding about no operation or session; `calls` is what showed it.
void FindingLocked(FindingKind kind, const std::string& calls);

// Marks this thread as inside one of the handler's callbacks to the client for its lifetime
// (operation callbacks and session-close completions).
class InHandlerCallback {
 public:
  InHandlerCallback();
  ~InHandlerCallback();
  InHandlerCallback(const InHandlerCallback&) = delete;
  InHandlerCallback& operator=(const InHandlerCallback&) = delete;
};
bool IsInHandlerCallback();

// Control API helpers: the findings so far, and forgetting them with the records (reset).
uint32_t FindingCountLocked();
bool CopyFindingLocked(uint32_t index, MiconformIntegrationFinding* out);
void ForgetFindingsLocked();

}  // namespace miconform::handler

#endif

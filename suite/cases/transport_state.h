// transport_state.h - what the scripted handler had seen of the client, in words: the state of
// its operations and sessions, without counts or times, so that the failures one fault causes in
// many cases read alike. Sent once per case, when its first check fails (case_child.cc); the
// report groups failures by it (reports/root_causes.h).
#ifndef MICONFORM_CASES_TRANSPORT_STATE_H
#define MICONFORM_CASES_TRANSPORT_STATE_H

#include <string>
#include <vector>

#include "miconform/handler_control.h"

namespace miconform::cases {

// One clause per kind of unfinished business, in a fixed order, joined by "; ":
//   "an operation running that the client had neither cancelled nor closed",
//   "an operation the client had cancelled, still running", "an operation the client had closed
//   before its final result, without a cancel", "a final result the client had not acknowledged",
//   "a finished operation the client had not closed", "a handler session the client had not
//   closed".
// When there is none: "every operation finished, acknowledged and closed, and every handler
// session closed" (or "no operation and no handler session" before the first).
// A result the handler is delivering right now (a callback in flight) is not yet unacknowledged.
std::string DescribeTransport(const std::vector<MiconformOperationRecord>& operations,
                              const std::vector<MiconformSessionRecord>& sessions);

// The close calls (MI_Session_Close, MI_Operation_Close, MI_Operation_Cancel, MI_Application_Close)
// the case had entered, each once in the order of its first entry, read off the lines its phase
// channel wrote ("phase entered MI_Session_Close ...").
std::vector<std::string> ClosesCalled(const std::vector<std::string>& channel_lines);

// The line the case sends at its first failed check: "after MI_Session_Close had been called:
// STATE" when it had made close calls (several joined with " and "), else "STATE" (the words are
// shared with the report's root causes: reports/include/miconform/report/root_causes.h).
std::string TransportAtFailure(const std::vector<std::string>& closes_called,
                               const std::string& state);

}  // namespace miconform::cases

#endif  // MICONFORM_CASES_TRANSPORT_STATE_H

// integration_findings.cc - call histories and integration findings (integration_findings.h).
#include "integration_findings.h"

#include <cstring>
#include <deque>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "handler_state.h"

namespace miconform::handler {
namespace {

// The calls an object's history keeps; older ones are counted, not kept.
constexpr size_t kHistoryCalls = 24;

struct History {
  std::deque<std::string> calls;
  uint64_t dropped = 0;
};

struct Finding {
  FindingKind kind;
  std::string calls;
  uint32_t occurrences = 0;
};

// Guarded by State::mu, like everything of the handler's state.
struct Log {
  std::map<uint64_t, History> operations;
  std::map<uint64_t, History> sessions;
  std::vector<Finding> findings;                    // first occurrence order
  std::set<std::pair<FindingKind, uint64_t>> seen;  // (kind, object) already counted
};

Log& log() {
  static Log* instance = new Log;  // never destroyed: handler threads may outlive static teardown
  return *instance;
}

thread_local int callback_depth = 0;

const char* KindName(FindingKind kind) {
  switch (kind) {
    case FindingKind::acknowledged_after_close: return "acknowledged_after_close";
    case FindingKind::operation_call_after_close: return "operation_call_after_close";
    case FindingKind::operation_closed_twice: return "operation_closed_twice";
    case FindingKind::session_call_after_close: return "session_call_after_close";
    case FindingKind::session_closed_twice: return "session_closed_twice";
    case FindingKind::session_closed_with_open_operations:
      return "session_closed_with_open_operations";
    case FindingKind::application_closed_in_callback: return "application_closed_in_callback";
    case FindingKind::entry_point_unsplit: return "entry_point_unsplit";
  }
  return "unknown";
}

// The duty, in one sentence: what the client did and why a transport cares.
const char* WhatOf(FindingKind kind) {
  switch (kind) {
    case FindingKind::acknowledged_after_close:
      return "The client acknowledged a result after it had called the handler operation's "
             "Close: a transport that frees the operation in Close is used after it was freed.";
    case FindingKind::operation_call_after_close:
      return "The client called into a handler operation after its Close (Cancel or "
             "GetSession): a transport that frees the operation in Close is used after it was "
             "freed.";
    case FindingKind::operation_closed_twice:
      return "The client closed one handler operation twice: a transport that frees the "
             "operation in its first Close is used after it was freed.";
    case FindingKind::session_call_after_close:
      return "The client used a handler session after its Close (started an operation on it or "
             "asked for its application): the handler answered MI_RESULT_INVALID_PARAMETER.";
    case FindingKind::session_closed_twice:
      return "The client closed one handler session twice: a transport that frees the session "
             "in its first Close is used after it was freed.";
    case FindingKind::session_closed_with_open_operations:
      return "The client closed a handler session while operations it had started on it were "
             "not closed yet: a transport may tear down the connection they still use.";
    case FindingKind::application_closed_in_callback:
      return "The client closed the handler's application from inside one of the handler's "
             "callbacks: a transport that joins its threads in application Close waits for the "
             "thread it runs on (this handler detaches that thread instead).";
    case FindingKind::entry_point_unsplit:
      return "The client looked up the handler's entry point as \"MiconformHandlerInit,1,0\": "
             "it hands the omicli.conf fields after the handler name unsplit to dlopen and "
             "dlsym, so the registration needed the comma-bearing library link and symbol "
             "alias (MI-ABI.md, \"Protocol handlers\").";
  }
  return "";
}

void append(History& history, const std::string& call) {
  history.calls.push_back(callback_depth > 0 ? call + " [inside a handler callback]" : call);
  if (history.calls.size() > kHistoryCalls) {
    history.calls.pop_front();
    ++history.dropped;
  }
}

std::string LinesOf(const History& history) {
  std::string text;
  if (history.dropped > 0) {
    text = "(" + std::to_string(history.dropped) + " earlier calls not kept)\n";
  }
  for (const std::string& call : history.calls) {
    text += call;
    text += '\n';
  }
  if (!text.empty()) {
    text.pop_back();
  }
  return text;
}

// Counts one occurrence of `kind` on `object` (0: no object); the first one keeps `calls`.
void record(FindingKind kind, uint64_t object, const std::string& calls) {
  Log& l = log();
  if (object != 0 && !l.seen.insert({kind, object}).second) {
    return;
  }
  for (Finding& finding : l.findings) {
    if (finding.kind == kind) {
      ++finding.occurrences;
      return;
    }
  }
  l.findings.push_back(Finding{kind, calls, 1});
}

void CopyText(char* out, size_t size, const std::string& text) {
  const size_t n = std::min(size - 1, text.size());
  std::memcpy(out, text.data(), n);
  out[n] = '\0';
}

}  // namespace

void NoteOperationCallLocked(uint64_t operation_id, const std::string& call) {
  append(log().operations[operation_id], "operation " + std::to_string(operation_id) + ": " + call);
}

void NoteSessionCallLocked(uint64_t session_id, const std::string& call) {
  append(log().sessions[session_id], "session " + std::to_string(session_id) + ": " + call);
}

void OperationFindingLocked(FindingKind kind, uint64_t operation_id, const std::string& call) {
  NoteOperationCallLocked(operation_id, call);
  record(kind, operation_id, LinesOf(log().operations[operation_id]));
}

void SessionFindingLocked(FindingKind kind, uint64_t session_id, const std::string& call) {
  NoteSessionCallLocked(session_id, call);
  record(kind, session_id, LinesOf(log().sessions[session_id]));
}

void FindingLocked(FindingKind kind, const std::string& calls) { record(kind, 0, calls); }

InHandlerCallback::InHandlerCallback() { ++callback_depth; }

InHandlerCallback::~InHandlerCallback() { --callback_depth; }

bool IsInHandlerCallback() { return callback_depth > 0; }

uint32_t FindingCountLocked() { return static_cast<uint32_t>(log().findings.size()); }

bool CopyFindingLocked(uint32_t index, MiconformIntegrationFinding* out) {
  const Log& l = log();
  if (!out || index >= l.findings.size()) {
    return false;
  }
  const Finding& finding = l.findings[index];
  *out = MiconformIntegrationFinding{};
  CopyText(out->kind, sizeof out->kind, KindName(finding.kind));
  CopyText(out->what, sizeof out->what, WhatOf(finding.kind));
  CopyText(out->calls, sizeof out->calls, finding.calls);
  out->occurrences = finding.occurrences;
  return true;
}

void ForgetFindingsLocked() {
  Log& l = log();
  l.operations.clear();
  l.sessions.clear();
  l.findings.clear();
  l.seen.clear();
}

}  // namespace miconform::handler

// script.cc - defaults and the "key=value;..." parser of MiconformScript; used by the control API
// (miconform_handler_parse_script) and by operation start (inline "script:" class names).
#include "script.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string_view>

namespace miconform::handler {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

bool ParseUint32(std::string_view text, uint32_t* out) {
  if (text.empty() || text.size() > 10) {
    return false;
  }
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value > std::numeric_limits<uint32_t>::max()) {
    return false;
  }
  *out = static_cast<uint32_t>(value);
  return true;
}

bool ParseFlag(std::string_view text, int32_t* out) {
  if (text == "1" || text == "true" || text == "yes") {
    *out = 1;
    return true;
  }
  if (text == "0" || text == "false" || text == "no") {
    *out = 0;
    return true;
  }
  return false;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'a' && a[i] <= 'z' ? static_cast<char>(a[i] - 'a' + 'A') : a[i];
    char y = b[i] >= 'a' && b[i] <= 'z' ? static_cast<char>(b[i] - 'a' + 'A') : b[i];
    if (x != y) {
      return false;
    }
  }
  return true;
}

struct ResultName {
  const char* name;
  MI_Result value;
};

constexpr ResultName kResultNames[] = {
    {"OK", MI_RESULT_OK},
    {"FAILED", MI_RESULT_FAILED},
    {"ACCESS_DENIED", MI_RESULT_ACCESS_DENIED},
    {"INVALID_NAMESPACE", MI_RESULT_INVALID_NAMESPACE},
    {"INVALID_PARAMETER", MI_RESULT_INVALID_PARAMETER},
    {"INVALID_CLASS", MI_RESULT_INVALID_CLASS},
    {"NOT_FOUND", MI_RESULT_NOT_FOUND},
    {"NOT_SUPPORTED", MI_RESULT_NOT_SUPPORTED},
    {"CLASS_HAS_CHILDREN", MI_RESULT_CLASS_HAS_CHILDREN},
    {"CLASS_HAS_INSTANCES", MI_RESULT_CLASS_HAS_INSTANCES},
    {"INVALID_SUPERCLASS", MI_RESULT_INVALID_SUPERCLASS},
    {"ALREADY_EXISTS", MI_RESULT_ALREADY_EXISTS},
    {"NO_SUCH_PROPERTY", MI_RESULT_NO_SUCH_PROPERTY},
    {"TYPE_MISMATCH", MI_RESULT_TYPE_MISMATCH},
    {"QUERY_LANGUAGE_NOT_SUPPORTED", MI_RESULT_QUERY_LANGUAGE_NOT_SUPPORTED},
    {"INVALID_QUERY", MI_RESULT_INVALID_QUERY},
    {"METHOD_NOT_AVAILABLE", MI_RESULT_METHOD_NOT_AVAILABLE},
    {"METHOD_NOT_FOUND", MI_RESULT_METHOD_NOT_FOUND},
    {"NAMESPACE_NOT_EMPTY", MI_RESULT_NAMESPACE_NOT_EMPTY},
    {"INVALID_ENUMERATION_CONTEXT", MI_RESULT_INVALID_ENUMERATION_CONTEXT},
    {"INVALID_OPERATION_TIMEOUT", MI_RESULT_INVALID_OPERATION_TIMEOUT},
    {"PULL_HAS_BEEN_ABANDONED", MI_RESULT_PULL_HAS_BEEN_ABANDONED},
    {"PULL_CANNOT_BE_ABANDONED", MI_RESULT_PULL_CANNOT_BE_ABANDONED},
    {"FILTERED_ENUMERATION_NOT_SUPPORTED", MI_RESULT_FILTERED_ENUMERATION_NOT_SUPPORTED},
    {"CONTINUATION_ON_ERROR_NOT_SUPPORTED", MI_RESULT_CONTINUATION_ON_ERROR_NOT_SUPPORTED},
    {"SERVER_LIMITS_EXCEEDED", MI_RESULT_SERVER_LIMITS_EXCEEDED},
    {"SERVER_IS_SHUTTING_DOWN", MI_RESULT_SERVER_IS_SHUTTING_DOWN},
};

}  // namespace

const char* NameOfResult(MI_Result result) {
  for (const ResultName& entry : kResultNames) {
    if (entry.value == result) {
      return entry.name;
    }
  }
  return "unknown";
}

namespace {

// Accepts a number that MI_Result defines, or a name with or without the MI_RESULT_ prefix.
bool ParseResult(std::string_view text, MI_Result* out) {
  uint32_t number = 0;
  if (ParseUint32(text, &number)) {
    if (number > 28 || !MI_Result_IsValid(static_cast<int>(number))) {
      return false;
    }
    *out = static_cast<MI_Result>(number);
    return true;
  }
  constexpr std::string_view prefix = "MI_RESULT_";
  if (text.size() > prefix.size() && EqualsIgnoringCase(text.substr(0, prefix.size()), prefix)) {
    text.remove_prefix(prefix.size());
  }
  for (const ResultName& entry : kResultNames) {
    if (EqualsIgnoringCase(text, entry.name)) {
      *out = entry.value;
      return true;
    }
  }
  return false;
}

bool ParseThread(std::string_view text, int32_t* out) {
  if (text == "0" || EqualsIgnoringCase(text, "handler")) {
    *out = MICONFORM_THREAD_HANDLER;
    return true;
  }
  if (text == "1" || EqualsIgnoringCase(text, "caller")) {
    *out = MICONFORM_THREAD_CALLER;
    return true;
  }
  return false;
}

// Applies one key; returns false when the key is unknown (*known=false) or the value is bad.
bool apply(std::string_view key, std::string_view value, MiconformScript* s, bool* known) {
  *known = true;
  if (key == "results") return ParseUint32(value, &s->results);
  if (key == "result_delay_ms") return ParseUint32(value, &s->result_delay_ms);
  if (key == "until_cancelled") return ParseFlag(value, &s->until_cancelled);
  if (key == "ignore_cancel") return ParseFlag(value, &s->ignore_cancel);
  if (key == "cancel_delay_ms") return ParseUint32(value, &s->cancel_delay_ms);
  if (key == "operation_close_delay_ms") return ParseUint32(value, &s->operation_close_delay_ms);
  if (key == "session_close_delay_ms") return ParseUint32(value, &s->session_close_delay_ms);
  if (key == "messages") return ParseUint32(value, &s->messages);
  if (key == "progress") return ParseUint32(value, &s->progress);
  if (key == "callback_thread") return ParseThread(value, &s->callback_thread);
  if (key == "final_result") return ParseResult(value, &s->final_result);
  *known = false;
  return false;
}

}  // namespace

MiconformScript DefaultScriptValues() {
  MiconformScript script{};
  script.results = 1;
  script.callback_thread = MICONFORM_THREAD_HANDLER;
  script.final_result = MI_RESULT_OK;
  return script;
}

bool ParseScript(const std::string& text, MiconformScript* script, std::string* error) {
  MiconformScript parsed = *script;
  std::string_view rest(text);
  while (!rest.empty()) {
    const size_t end = rest.find(';');
    std::string_view item = trim(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (item.empty()) {
      continue;  // tolerate ";;" and a trailing ';'
    }
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      *error = "script key '" + std::string(item) + "' has no '=value'";
      return false;
    }
    const std::string_view key = trim(item.substr(0, eq));
    const std::string_view value = trim(item.substr(eq + 1));
    bool known = false;
    if (!apply(key, value, &parsed, &known)) {
      *error = known ? "script key '" + std::string(key) + "' has a bad value '" +
                           std::string(value) + "'"
                     : "unknown script key '" + std::string(key) + "'";
      return false;
    }
  }
  *script = parsed;
  return true;
}

}  // namespace miconform::handler

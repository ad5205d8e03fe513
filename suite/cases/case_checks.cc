// case_checks.cc - names of MI_Result values, and the judging helpers the case files share
// (case_checks.h).
#include "case_checks.h"

#include <cctype>
#include <string>

#include "case_runtime.h"

namespace miconform::cases {

std::string ResultName(int result) {
  static const char* const kNames[] = {
      "MI_RESULT_OK",
      "MI_RESULT_FAILED",
      "MI_RESULT_ACCESS_DENIED",
      "MI_RESULT_INVALID_NAMESPACE",
      "MI_RESULT_INVALID_PARAMETER",
      "MI_RESULT_INVALID_CLASS",
      "MI_RESULT_NOT_FOUND",
      "MI_RESULT_NOT_SUPPORTED",
      "MI_RESULT_CLASS_HAS_CHILDREN",
      "MI_RESULT_CLASS_HAS_INSTANCES",
      "MI_RESULT_INVALID_SUPERCLASS",
      "MI_RESULT_ALREADY_EXISTS",
      "MI_RESULT_NO_SUCH_PROPERTY",
      "MI_RESULT_TYPE_MISMATCH",
      "MI_RESULT_QUERY_LANGUAGE_NOT_SUPPORTED",
      "MI_RESULT_INVALID_QUERY",
      "MI_RESULT_METHOD_NOT_AVAILABLE",
      "MI_RESULT_METHOD_NOT_FOUND",
      nullptr,
      nullptr,
      "MI_RESULT_NAMESPACE_NOT_EMPTY",
      "MI_RESULT_INVALID_ENUMERATION_CONTEXT",
      "MI_RESULT_INVALID_OPERATION_TIMEOUT",
      "MI_RESULT_PULL_HAS_BEEN_ABANDONED",
      "MI_RESULT_PULL_CANNOT_BE_ABANDONED",
      "MI_RESULT_FILTERED_ENUMERATION_NOT_SUPPORTED",
      "MI_RESULT_CONTINUATION_ON_ERROR_NOT_SUPPORTED",
      "MI_RESULT_SERVER_LIMITS_EXCEEDED",
      "MI_RESULT_SERVER_IS_SHUTTING_DOWN",
  };
  if (MI_Result_IsValid(result) && kNames[result] != nullptr) return kNames[result];
  return "MI_Result(" + std::to_string(result) + ") (not a valid MI_Result)";
}

std::string OperationKindId(OperationKind kind) {
  std::string id;
  for (const char* c = OperationKindName(kind); *c != '\0'; ++c) {
    if (std::isupper(static_cast<unsigned char>(*c)) && !id.empty()) id += '_';
    id += static_cast<char>(std::tolower(static_cast<unsigned char>(*c)));
  }
  return id;
}

bool CheckResult(const char* requirement, const std::string& call, int result) {
  EXPECT_THAT(result, IsValidResult())
      << Judges(requirement) << call << " returned " << ResultName(result);
  if (result == MI_RESULT_OK) return true;
  Observe(requirement, call + " returned " + ResultName(result));
  return false;
}

const char* MissedFinalRequirement(const ScriptedBackend& backend) {
  for (const MiconformOperationRecord& record : backend.OperationRecords()) {
    if (record.cancel_count > 0 || record.close_count > 0) return "SC-REM-2";
  }
  return "SC-REM-1";
}

std::string ProviderSaw(const ScriptedBackend& backend) {
  int cancelled = 0;
  int closed_only = 0;
  int operations = 0;
  for (const MiconformOperationRecord& record : backend.OperationRecords()) {
    ++operations;
    if (record.cancel_count > 0) {
      ++cancelled;
    } else if (record.close_count > 0) {
      ++closed_only;
    }
  }
  return "the provider saw " + std::to_string(cancelled) + " of its " + std::to_string(operations) +
         " operation(s) cancelled and " + std::to_string(closed_only) + " closed without a cancel";
}

void ObserveNotStarted(int operations, std::chrono::milliseconds waited) {
  Observe("SC-REM-1", "the provider had not seen " + std::to_string(operations) +
                          " operation(s) start within " + std::to_string(waited.count()) +
                          " ms; the session was closed all the same");
}

}  // namespace miconform::cases

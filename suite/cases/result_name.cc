// result_name.cc - names of MI_Result values for phase lines and messages (case_fixture.h).
#include <string>

#include "case_fixture.h"

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

}  // namespace miconform::cases

// result_names.cc - the MI_Result name table of result_names.h.
#include "miconform/result_names.h"

namespace miconform {
namespace {

const char* KnownName(int value) {
  switch (value) {
    case MI_RESULT_OK: return "MI_RESULT_OK";
    case MI_RESULT_FAILED: return "MI_RESULT_FAILED";
    case MI_RESULT_ACCESS_DENIED: return "MI_RESULT_ACCESS_DENIED";
    case MI_RESULT_INVALID_NAMESPACE: return "MI_RESULT_INVALID_NAMESPACE";
    case MI_RESULT_INVALID_PARAMETER: return "MI_RESULT_INVALID_PARAMETER";
    case MI_RESULT_INVALID_CLASS: return "MI_RESULT_INVALID_CLASS";
    case MI_RESULT_NOT_FOUND: return "MI_RESULT_NOT_FOUND";
    case MI_RESULT_NOT_SUPPORTED: return "MI_RESULT_NOT_SUPPORTED";
    case MI_RESULT_CLASS_HAS_CHILDREN: return "MI_RESULT_CLASS_HAS_CHILDREN";
    case MI_RESULT_CLASS_HAS_INSTANCES: return "MI_RESULT_CLASS_HAS_INSTANCES";
    case MI_RESULT_INVALID_SUPERCLASS: return "MI_RESULT_INVALID_SUPERCLASS";
    case MI_RESULT_ALREADY_EXISTS: return "MI_RESULT_ALREADY_EXISTS";
    case MI_RESULT_NO_SUCH_PROPERTY: return "MI_RESULT_NO_SUCH_PROPERTY";
    case MI_RESULT_TYPE_MISMATCH: return "MI_RESULT_TYPE_MISMATCH";
    case MI_RESULT_QUERY_LANGUAGE_NOT_SUPPORTED: return "MI_RESULT_QUERY_LANGUAGE_NOT_SUPPORTED";
    case MI_RESULT_INVALID_QUERY: return "MI_RESULT_INVALID_QUERY";
    case MI_RESULT_METHOD_NOT_AVAILABLE: return "MI_RESULT_METHOD_NOT_AVAILABLE";
    case MI_RESULT_METHOD_NOT_FOUND: return "MI_RESULT_METHOD_NOT_FOUND";
    case MI_RESULT_NAMESPACE_NOT_EMPTY: return "MI_RESULT_NAMESPACE_NOT_EMPTY";
    case MI_RESULT_INVALID_ENUMERATION_CONTEXT: return "MI_RESULT_INVALID_ENUMERATION_CONTEXT";
    case MI_RESULT_INVALID_OPERATION_TIMEOUT: return "MI_RESULT_INVALID_OPERATION_TIMEOUT";
    case MI_RESULT_PULL_HAS_BEEN_ABANDONED: return "MI_RESULT_PULL_HAS_BEEN_ABANDONED";
    case MI_RESULT_PULL_CANNOT_BE_ABANDONED: return "MI_RESULT_PULL_CANNOT_BE_ABANDONED";
    case MI_RESULT_FILTERED_ENUMERATION_NOT_SUPPORTED:
      return "MI_RESULT_FILTERED_ENUMERATION_NOT_SUPPORTED";
    case MI_RESULT_CONTINUATION_ON_ERROR_NOT_SUPPORTED:
      return "MI_RESULT_CONTINUATION_ON_ERROR_NOT_SUPPORTED";
    case MI_RESULT_SERVER_LIMITS_EXCEEDED: return "MI_RESULT_SERVER_LIMITS_EXCEEDED";
    case MI_RESULT_SERVER_IS_SHUTTING_DOWN: return "MI_RESULT_SERVER_IS_SHUTTING_DOWN";
  }
  return nullptr;
}

}  // namespace

std::string ResultName(MI_Result result) {
  // A target's return value is untrusted: read it as the int it is on the wire.
  const int value = static_cast<int>(result);
  if (const char* name = KnownName(value)) return name;
  return "invalid MI_Result (" + std::to_string(value) + ")";
}

std::string ResultNameAndCode(MI_Result result) {
  const int value = static_cast<int>(result);
  if (const char* name = KnownName(value))
    return std::string(name) + " (" + std::to_string(value) + ")";
  return ResultName(result);
}

}  // namespace miconform

// operation_table.cc - the reference's MI_OperationFT: validates the operation handle and routes
// each call to its Operation.
#include "fault.h"
#include "operation.h"
#include "reference.h"

namespace miconform::reference {
namespace {

MI_Result OperationClose(MI_Operation* handle) {
  auto operation = Operation::Find(handle);
  if (!operation) return MI_RESULT_INVALID_PARAMETER;
  if (Faulty(Fault::kCloseIgnoresCallbackHandle) && operation->IsCallbackHandle(handle)) {
    // FAULT close_ignores_callback_handle: a close through the callback's handle is dropped.
    return MI_RESULT_OK;
  }
  return operation->Close();
}

MI_Result OperationCancel(MI_Operation* handle, MI_CancellationReason reason) {
  auto operation = Operation::Find(handle);
  if (!operation) return MI_RESULT_INVALID_PARAMETER;
  if (Faulty(Fault::kCancelIgnoresCallbackHandle) && operation->IsCallbackHandle(handle)) {
    // FAULT cancel_ignores_callback_handle: a cancel through the callback's handle is dropped.
    return MI_RESULT_OK;
  }
  return operation->Cancel(reason);
}

MI_Result OperationGetSession(MI_Operation* handle, MI_Session* session) {
  auto operation = Operation::Find(handle);
  return operation ? operation->GetSession(session) : MI_RESULT_INVALID_PARAMETER;
}

MI_Result OperationGetInstance(MI_Operation* handle, const MI_Instance** instance,
                               MI_Boolean* more_results, MI_Result* result,
                               const MI_Char** error_message,
                               const MI_Instance** completion_details) {
  auto operation = Operation::Find(handle);
  if (!operation) return MI_RESULT_INVALID_PARAMETER;
  return operation->Pull(ResultCallback::kInstance, instance, nullptr, more_results, result,
                         error_message, completion_details);
}

// The pull of a Subscribe; the reference passes on no bookmark and no machine ID.
MI_Result OperationGetIndication(MI_Operation* handle, const MI_Instance** instance,
                                 const MI_Char** bookmark, const MI_Char** machine_id,
                                 MI_Boolean* more_results, MI_Result* result,
                                 const MI_Char** error_message,
                                 const MI_Instance** completion_details) {
  auto operation = Operation::Find(handle);
  if (!operation) return MI_RESULT_INVALID_PARAMETER;
  if (bookmark) *bookmark = nullptr;
  if (machine_id) *machine_id = nullptr;
  return operation->Pull(ResultCallback::kIndication, instance, nullptr, more_results, result,
                         error_message, completion_details);
}

// The pull of a GetClass or EnumerateClasses.
MI_Result OperationGetClass(MI_Operation* handle, const MI_Class** class_result,
                            MI_Boolean* more_results, MI_Result* result,
                            const MI_Char** error_message, const MI_Instance** completion_details) {
  auto operation = Operation::Find(handle);
  if (!operation) return MI_RESULT_INVALID_PARAMETER;
  return operation->Pull(ResultCallback::kClass, nullptr, class_result, more_results, result,
                         error_message, completion_details);
}

}  // namespace

const MI_OperationFT kOperationTable = {
    OperationClose,       OperationCancel,        OperationGetSession,
    OperationGetInstance, OperationGetIndication, OperationGetClass,
};

}  // namespace miconform::reference

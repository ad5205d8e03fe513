// callback_trampolines.cc - the C-linkage MI callbacks that trace each call and forward it to the
// mock bound to its context (callback_trampolines.h).
#include "miconform/mocks/callback_trampolines.h"

#include <string>

#include "miconform/mocks/callback_mocks.h"
#include "mock_registry.h"

using miconform::mocks::CallbackTrace;
using miconform::mocks::CallGuard;
using miconform::mocks::kCompletionMock;
using miconform::mocks::kOperationMock;
using miconform::mocks::MockOperationCallbacks;
using miconform::mocks::MockSessionCloseCompletion;

namespace {

// Traces the call and, when a mock is bound to the context, runs `forward` on it between the
// mock's entered/returned notes. `more_results` is -1 for non-result callbacks.
template <typename Forward>
void RouteOperationCall(const char* name, void* context, int more_results, int result,
                        Forward forward) {
  CallGuard guard(kOperationMock, context);
  auto* mock = static_cast<MockOperationCallbacks*>(guard.mock());
  CallbackTrace::Get().Record(mock ? std::string(name) : std::string("stray:") + name, context,
                              more_results, result);
  if (mock == nullptr) return;
  const bool is_final = more_results == MI_FALSE;
  mock->NoteEntered(is_final);
  forward(*mock);
  mock->NoteReturned(is_final);
}

}  // namespace

extern "C" {

void miconform_mock_prompt_user(MI_Operation* operation, void* callbackContext,
                                const MI_Char* message, MI_PromptType promptType,
                                MI_ResponseCallback promptUserResult) {
  RouteOperationCall("promptUser", callbackContext, -1, -1, [&](MockOperationCallbacks& mock) {
    mock.PromptUser(operation, callbackContext, message, promptType, promptUserResult);
  });
}

void miconform_mock_write_error(MI_Operation* operation, void* callbackContext,
                                MI_Instance* instance, MI_ResponseCallback writeErrorResult) {
  RouteOperationCall("writeError", callbackContext, -1, -1, [&](MockOperationCallbacks& mock) {
    mock.WriteError(operation, callbackContext, instance, writeErrorResult);
  });
}

void miconform_mock_write_message(MI_Operation* operation, void* callbackContext, MI_Uint32 channel,
                                  const MI_Char* message) {
  RouteOperationCall("writeMessage", callbackContext, -1, -1, [&](MockOperationCallbacks& mock) {
    mock.WriteMessage(operation, callbackContext, channel, message);
  });
}

void miconform_mock_write_progress(MI_Operation* operation, void* callbackContext,
                                   const MI_Char* activity, const MI_Char* currentOperation,
                                   const MI_Char* statusDescription, MI_Uint32 percentageComplete,
                                   MI_Uint32 secondsRemaining) {
  RouteOperationCall("writeProgress", callbackContext, -1, -1, [&](MockOperationCallbacks& mock) {
    mock.WriteProgress(operation, callbackContext, activity, currentOperation, statusDescription,
                       percentageComplete, secondsRemaining);
  });
}

void miconform_mock_instance_result(MI_Operation* operation, void* callbackContext,
                                    const MI_Instance* instance, MI_Boolean moreResults,
                                    MI_Result resultCode, const MI_Char* errorString,
                                    const MI_Instance* errorDetails,
                                    MI_ResultAcknowledgement resultAcknowledgement) {
  RouteOperationCall("instanceResult", callbackContext, moreResults ? MI_TRUE : MI_FALSE,
                     static_cast<int>(resultCode), [&](MockOperationCallbacks& mock) {
                       mock.InstanceResult(operation, callbackContext, instance, moreResults,
                                           resultCode, errorString, errorDetails,
                                           resultAcknowledgement);
                     });
}

void miconform_mock_indication_result(MI_Operation* operation, void* callbackContext,
                                      const MI_Instance* instance, const MI_Char* bookmark,
                                      const MI_Char* machineID, MI_Boolean moreResults,
                                      MI_Result resultCode, const MI_Char* errorString,
                                      const MI_Instance* errorDetails,
                                      MI_ResultAcknowledgement resultAcknowledgement) {
  RouteOperationCall("indicationResult", callbackContext, moreResults ? MI_TRUE : MI_FALSE,
                     static_cast<int>(resultCode), [&](MockOperationCallbacks& mock) {
                       mock.IndicationResult(operation, callbackContext, instance, bookmark,
                                             machineID, moreResults, resultCode, errorString,
                                             errorDetails, resultAcknowledgement);
                     });
}

void miconform_mock_class_result(MI_Operation* operation, void* callbackContext,
                                 const MI_Class* classResult, MI_Boolean moreResults,
                                 MI_Result resultCode, const MI_Char* errorString,
                                 const MI_Instance* errorDetails,
                                 MI_ResultAcknowledgement resultAcknowledgement) {
  RouteOperationCall("classResult", callbackContext, moreResults ? MI_TRUE : MI_FALSE,
                     static_cast<int>(resultCode), [&](MockOperationCallbacks& mock) {
                       mock.ClassResult(operation, callbackContext, classResult, moreResults,
                                        resultCode, errorString, errorDetails,
                                        resultAcknowledgement);
                     });
}

void miconform_mock_session_close_completion(void* completionContext) {
  CallGuard guard(kCompletionMock, completionContext);
  auto* mock = static_cast<MockSessionCloseCompletion*>(guard.mock());
  CallbackTrace::Get().Record(mock ? "completion" : "stray:completion", completionContext, -1, -1);
  if (mock == nullptr) return;
  mock->NoteEntered();
  mock->Completed(completionContext);
  mock->NoteReturned();
}

}  // extern "C"

/* callback_trampolines.h - C entry points with the exact MI callback signatures that route each
 * call to the GoogleMock object bound to its callbackContext / completionContext; used by the
 * conformance cases (through callback_mocks.h) and by any C code that needs a traced callback.
 *
 * Routing: each trampoline looks the context pointer up among the live bound mocks
 * (callback_mocks.h). A context no mock is bound to is recorded in the callback trace as a stray
 * call and otherwise ignored (an unknown manual-ack result is not acknowledged).
 *
 * Threading: every trampoline may be called from any thread, concurrently and reentrantly; no lock
 * is held while the mock runs. Plain C; usable from C and C++. */
#ifndef MICONFORM_MOCKS_CALLBACK_TRAMPOLINES_H
#define MICONFORM_MOCKS_CALLBACK_TRAMPOLINES_H

#include "miconform/mi_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

void miconform_mock_prompt_user(MI_Operation* operation, void* callbackContext,
                                const MI_Char* message, MI_PromptType promptType,
                                MI_ResponseCallback promptUserResult);
void miconform_mock_write_error(MI_Operation* operation, void* callbackContext,
                                MI_Instance* instance, MI_ResponseCallback writeErrorResult);
void miconform_mock_write_message(MI_Operation* operation, void* callbackContext, MI_Uint32 channel,
                                  const MI_Char* message);
void miconform_mock_write_progress(MI_Operation* operation, void* callbackContext,
                                   const MI_Char* activity, const MI_Char* currentOperation,
                                   const MI_Char* statusDescription, MI_Uint32 percentageComplete,
                                   MI_Uint32 secondsRemaining);
void miconform_mock_instance_result(MI_Operation* operation, void* callbackContext,
                                    const MI_Instance* instance, MI_Boolean moreResults,
                                    MI_Result resultCode, const MI_Char* errorString,
                                    const MI_Instance* errorDetails,
                                    MI_ResultAcknowledgement resultAcknowledgement);
void miconform_mock_indication_result(MI_Operation* operation, void* callbackContext,
                                      const MI_Instance* instance, const MI_Char* bookmark,
                                      const MI_Char* machineID, MI_Boolean moreResults,
                                      MI_Result resultCode, const MI_Char* errorString,
                                      const MI_Instance* errorDetails,
                                      MI_ResultAcknowledgement resultAcknowledgement);
void miconform_mock_class_result(MI_Operation* operation, void* callbackContext,
                                 const MI_Class* classResult, MI_Boolean moreResults,
                                 MI_Result resultCode, const MI_Char* errorString,
                                 const MI_Instance* errorDetails,
                                 MI_ResultAcknowledgement resultAcknowledgement);
/* The MI_SessionCloseCompletion trampoline. */
void miconform_mock_session_close_completion(void* completionContext);

#ifdef __cplusplus
}
#endif

#endif /* MICONFORM_MOCKS_CALLBACK_TRAMPOLINES_H */

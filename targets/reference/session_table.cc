// session_table.cc - the reference's MI_SessionFT: validates the session handle and routes each
// call to its Session (operations of an unknown handle go to the detached session).
#include <functional>

#include "fault.h"
#include "reference.h"
#include "session.h"

namespace miconform::reference {
namespace {

using Start = std::function<void(MI_Session*, MI_Uint32, MI_OperationCallbacks*, MI_Operation*)>;

// Every kind of the table runs in the protocol handler; its results go to `result_callback`.
void StartOperation(MI_Session* handle, MI_Uint32 flags, MI_OperationCallbacks* callbacks,
                    MI_Operation* operation, const Start& start,
                    ResultCallback result_callback = ResultCallback::kInstance) {
  if (operation == nullptr) return;  // nowhere to report anything
  auto session = Session::Find(handle);
  if (!session) session = Session::Detached();
  session->StartOperation(flags, callbacks, operation, start, result_callback);
}

MI_Result SessionClose(MI_Session* handle, void* completion_context,
                       MI_SessionCloseCompletion completion) {
  auto session = Session::Find(handle);  // NULL, zeroed, foreign and closed handles fail here
  if (Faulty(Fault::kForeignHandleCrashes)) {
    // FAULT foreign_handle_crashes: a handle the registry does not know is trusted to carry a
    // pointer to a session object in reserved1 (as libraries that store pointers there do) and
    // read through unchecked: a zeroed or stale handle makes it read address 0 or a small id.
    if (!session && handle != nullptr) {
      const auto* object = reinterpret_cast<const volatile MI_Uint64*>(handle->reserved1);
      if (*object == 0) return MI_RESULT_FAILED;
    }
  }
  if (!session && Reading(Fault::kReadingSecondCloseOk) && Session::WasClosed(handle)) {
    // READING second_close_ok: a handle NewSession returned, of a session closed before. The
    // close has nothing left to do, so it succeeds; its completion callback, if it has one, is
    // called once with its context, on this thread, before the close returns.
    if (completion != nullptr) completion(completion_context);
    return MI_RESULT_OK;
  }
  if (!session) return MI_RESULT_INVALID_PARAMETER;
  return session->Close(completion_context, completion);
}

MI_Result SessionGetApplication(MI_Session* handle, MI_Application* application) {
  auto session = Session::Find(handle);
  if (!session) return MI_RESULT_INVALID_PARAMETER;
  return session->GetApplication(application);
}

void SessionGetInstance(MI_Session* handle, MI_Uint32 flags, MI_OperationOptions*,
                        const MI_Char* namespace_name, const MI_Instance* inbound_instance,
                        MI_OperationCallbacks* callbacks, MI_Operation* operation) {
  StartOperation(handle, flags, callbacks, operation,
                 [&](MI_Session* handler, MI_Uint32 handler_flags,
                     MI_OperationCallbacks* handler_callbacks, MI_Operation* handler_operation) {
                   handler->ft->GetInstance(handler, handler_flags, nullptr, namespace_name,
                                            inbound_instance, handler_callbacks, handler_operation);
                 });
}

void SessionInvoke(MI_Session* handle, MI_Uint32 flags, MI_OperationOptions*,
                   const MI_Char* namespace_name, const MI_Char* class_name,
                   const MI_Char* method_name, const MI_Instance* inbound_instance,
                   const MI_Instance* inbound_properties, MI_OperationCallbacks* callbacks,
                   MI_Operation* operation) {
  StartOperation(handle, flags, callbacks, operation,
                 [&](MI_Session* handler, MI_Uint32 handler_flags,
                     MI_OperationCallbacks* handler_callbacks, MI_Operation* handler_operation) {
                   handler->ft->Invoke(handler, handler_flags, nullptr, namespace_name, class_name,
                                       method_name, inbound_instance, inbound_properties,
                                       handler_callbacks, handler_operation);
                 });
}

void SessionEnumerateInstances(MI_Session* handle, MI_Uint32 flags, MI_OperationOptions*,
                               const MI_Char* namespace_name, const MI_Char* class_name,
                               MI_Boolean keys_only, MI_OperationCallbacks* callbacks,
                               MI_Operation* operation) {
  StartOperation(handle, flags, callbacks, operation,
                 [&](MI_Session* handler, MI_Uint32 handler_flags,
                     MI_OperationCallbacks* handler_callbacks, MI_Operation* handler_operation) {
                   handler->ft->EnumerateInstances(handler, handler_flags, nullptr, namespace_name,
                                                   class_name, keys_only, handler_callbacks,
                                                   handler_operation);
                 });
}

void SessionTestConnection(MI_Session* handle, MI_Uint32 flags, MI_OperationCallbacks* callbacks,
                           MI_Operation* operation) {
  StartOperation(handle, flags, callbacks, operation,
                 [&](MI_Session* handler, MI_Uint32 handler_flags,
                     MI_OperationCallbacks* handler_callbacks, MI_Operation* handler_operation) {
                   handler->ft->TestConnection(handler, handler_flags, handler_callbacks,
                                               handler_operation);
                 });
}

void SessionModifyInstance(MI_Session* handle, MI_Uint32 flags, MI_OperationOptions*,
                           const MI_Char* namespace_name, const MI_Instance* inbound_instance,
                           MI_OperationCallbacks* callbacks, MI_Operation* operation) {
  StartOperation(handle, flags, callbacks, operation,
                 [&](MI_Session* handler, MI_Uint32 handler_flags,
                     MI_OperationCallbacks* handler_callbacks, MI_Operation* handler_operation) {
                   handler->ft->ModifyInstance(handler, handler_flags, nullptr, namespace_name,
                                               inbound_instance, handler_callbacks,
                                               handler_operation);
                 });
}

void SessionCreateInstance(MI_Session* handle, MI_Uint32 flags, MI_OperationOptions*,
                           const MI_Char* namespace_name, const MI_Instance* inbound_instance,
                           MI_OperationCallbacks* callbacks, MI_Operation* operation) {
  StartOperation(handle, flags, callbacks, operation,
                 [&](MI_Session* handler, MI_Uint32 handler_flags,
                     MI_OperationCallbacks* handler_callbacks, MI_Operation* handler_operation) {
                   handler->ft->CreateInstance(handler, handler_flags, nullptr, namespace_name,
                                               inbound_instance, handler_callbacks,
                                               handler_operation);
                 });
}

void SessionDeleteInstance(MI_Session* handle, MI_Uint32 flags, MI_OperationOptions*,
                           const MI_Char* namespace_name, const MI_Instance* inbound_instance,
                           MI_OperationCallbacks* callbacks, MI_Operation* operation) {
  StartOperation(handle, flags, callbacks, operation,
                 [&](MI_Session* handler, MI_Uint32 handler_flags,
                     MI_OperationCallbacks* handler_callbacks, MI_Operation* handler_operation) {
                   handler->ft->DeleteInstance(handler, handler_flags, nullptr, namespace_name,
                                               inbound_instance, handler_callbacks,
                                               handler_operation);
                 });
}

void SessionQueryInstances(MI_Session* handle, MI_Uint32 flags, MI_OperationOptions*,
                           const MI_Char* namespace_name, const MI_Char* dialect,
                           const MI_Char* expression, MI_OperationCallbacks* callbacks,
                           MI_Operation* operation) {
  StartOperation(handle, flags, callbacks, operation,
                 [&](MI_Session* handler, MI_Uint32 handler_flags,
                     MI_OperationCallbacks* handler_callbacks, MI_Operation* handler_operation) {
                   handler->ft->QueryInstances(handler, handler_flags, nullptr, namespace_name,
                                               dialect, expression, handler_callbacks,
                                               handler_operation);
                 });
}

void SessionAssociatorInstances(MI_Session* handle, MI_Uint32 flags, MI_OperationOptions*,
                                const MI_Char* namespace_name, const MI_Instance* instance,
                                const MI_Char* assoc_class, const MI_Char* result_class,
                                const MI_Char* role, const MI_Char* result_role,
                                MI_Boolean keys_only, MI_OperationCallbacks* callbacks,
                                MI_Operation* operation) {
  StartOperation(handle, flags, callbacks, operation,
                 [&](MI_Session* handler, MI_Uint32 handler_flags,
                     MI_OperationCallbacks* handler_callbacks, MI_Operation* handler_operation) {
                   handler->ft->AssociatorInstances(handler, handler_flags, nullptr, namespace_name,
                                                    instance, assoc_class, result_class, role,
                                                    result_role, keys_only, handler_callbacks,
                                                    handler_operation);
                 });
}

void SessionReferenceInstances(MI_Session* handle, MI_Uint32 flags, MI_OperationOptions*,
                               const MI_Char* namespace_name, const MI_Instance* instance,
                               const MI_Char* result_class, const MI_Char* role,
                               MI_Boolean keys_only, MI_OperationCallbacks* callbacks,
                               MI_Operation* operation) {
  StartOperation(handle, flags, callbacks, operation,
                 [&](MI_Session* handler, MI_Uint32 handler_flags,
                     MI_OperationCallbacks* handler_callbacks, MI_Operation* handler_operation) {
                   handler->ft->ReferenceInstances(handler, handler_flags, nullptr, namespace_name,
                                                   instance, result_class, role, keys_only,
                                                   handler_callbacks, handler_operation);
                 });
}

void SessionSubscribe(MI_Session* handle, MI_Uint32 flags, MI_OperationOptions*,
                      const MI_Char* namespace_name, const MI_Char* dialect,
                      const MI_Char* expression, const MI_SubscriptionDeliveryOptions* delivery,
                      MI_OperationCallbacks* callbacks, MI_Operation* operation) {
  StartOperation(
      handle, flags, callbacks, operation,
      [&](MI_Session* handler, MI_Uint32 handler_flags, MI_OperationCallbacks* handler_callbacks,
          MI_Operation* handler_operation) {
        handler->ft->Subscribe(handler, handler_flags, nullptr, namespace_name, dialect, expression,
                               delivery, handler_callbacks, handler_operation);
      },
      ResultCallback::kIndication);
}

void SessionGetClass(MI_Session* handle, MI_Uint32 flags, MI_OperationOptions*,
                     const MI_Char* namespace_name, const MI_Char* class_name,
                     MI_OperationCallbacks* callbacks, MI_Operation* operation) {
  StartOperation(
      handle, flags, callbacks, operation,
      [&](MI_Session* handler, MI_Uint32 handler_flags, MI_OperationCallbacks* handler_callbacks,
          MI_Operation* handler_operation) {
        handler->ft->GetClass(handler, handler_flags, nullptr, namespace_name, class_name,
                              handler_callbacks, handler_operation);
      },
      ResultCallback::kClass);
}

void SessionEnumerateClasses(MI_Session* handle, MI_Uint32 flags, MI_OperationOptions*,
                             const MI_Char* namespace_name, const MI_Char* class_name,
                             MI_Boolean class_names_only, MI_OperationCallbacks* callbacks,
                             MI_Operation* operation) {
  StartOperation(
      handle, flags, callbacks, operation,
      [&](MI_Session* handler, MI_Uint32 handler_flags, MI_OperationCallbacks* handler_callbacks,
          MI_Operation* handler_operation) {
        handler->ft->EnumerateClasses(handler, handler_flags, nullptr, namespace_name, class_name,
                                      class_names_only, handler_callbacks, handler_operation);
      },
      ResultCallback::kClass);
}

}  // namespace

const MI_SessionFT kSessionTable = {
    SessionClose,
    SessionGetApplication,
    SessionGetInstance,
    SessionModifyInstance,
    SessionCreateInstance,
    SessionDeleteInstance,
    SessionInvoke,
    SessionEnumerateInstances,
    SessionQueryInstances,
    SessionAssociatorInstances,
    SessionReferenceInstances,
    SessionSubscribe,
    SessionGetClass,
    SessionEnumerateClasses,
    SessionTestConnection,
};

}  // namespace miconform::reference

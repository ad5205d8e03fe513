// application_table.cc - the reference's MI_ApplicationFT and its exported entry point
// MI_Application_InitializeV1, the only symbol the library exports.
#include "application.h"
#include "reference.h"

namespace miconform::reference {
namespace {

MI_Result ApplicationClose(MI_Application* handle) {
  auto application = Application::Find(handle);
  if (!application) return MI_RESULT_INVALID_PARAMETER;
  return application->Close();
}

MI_Result ApplicationNewSession(MI_Application* handle, const MI_Char* protocol,
                                const MI_Char* destination, MI_DestinationOptions*,
                                MI_SessionCallbacks*, MI_Instance** extended_error,
                                MI_Session* session) {
  auto application = Application::Find(handle);
  if (!application) {
    if (extended_error) *extended_error = nullptr;
    return MI_RESULT_INVALID_PARAMETER;
  }
  return application->NewSession(protocol, destination, extended_error, session);
}

// Parts of the MI client API the session-close contract does not need.
MI_Result NewHostedProvider(MI_Application*, const MI_Char*, const MI_Char*, MI_MainFunction,
                            MI_Instance** extended_error, MI_HostedProvider*) {
  if (extended_error) *extended_error = nullptr;
  return MI_RESULT_NOT_SUPPORTED;
}
MI_Result NewInstance(MI_Application*, const MI_Char*, const MI_ClassDecl*, MI_Instance**) {
  return MI_RESULT_NOT_SUPPORTED;
}
MI_Result NewDestinationOptions(MI_Application*, MI_DestinationOptions*) {
  return MI_RESULT_NOT_SUPPORTED;
}
MI_Result NewOperationOptions(MI_Application*, MI_Boolean, MI_OperationOptions*) {
  return MI_RESULT_NOT_SUPPORTED;
}
MI_Result NewSubscriptionDeliveryOptions(MI_Application*, MI_SubscriptionDeliveryType,
                                         MI_SubscriptionDeliveryOptions*) {
  return MI_RESULT_NOT_SUPPORTED;
}
MI_Result NewSerializer(MI_Application*, MI_Uint32, MI_Char*, MI_Serializer*) {
  return MI_RESULT_NOT_SUPPORTED;
}
MI_Result NewDeserializer(MI_Application*, MI_Uint32, MI_Char*, MI_Deserializer*) {
  return MI_RESULT_NOT_SUPPORTED;
}
MI_Result NewInstanceFromClass(MI_Application*, const MI_Char*, const MI_Class*, MI_Instance**) {
  return MI_RESULT_NOT_SUPPORTED;
}
MI_Result NewClass(MI_Application*, const MI_ClassDecl*, const MI_Char*, const MI_Char*,
                   MI_Class**) {
  return MI_RESULT_NOT_SUPPORTED;
}

}  // namespace

const MI_ApplicationFT kApplicationTable = {
    ApplicationClose,
    ApplicationNewSession,
    NewHostedProvider,
    NewInstance,
    NewDestinationOptions,
    NewOperationOptions,
    NewSubscriptionDeliveryOptions,
    NewSerializer,
    NewDeserializer,
    NewInstanceFromClass,
    NewClass,
};

}  // namespace miconform::reference

extern "C" __attribute__((visibility("default"))) MI_Result MI_Application_InitializeV1(
    MI_Uint32 flags, const MI_Char* /*applicationID*/, MI_Instance** extendedError,
    MI_Application* application) {
  if (extendedError) *extendedError = nullptr;
  if (flags != 0 || application == nullptr) return MI_RESULT_INVALID_PARAMETER;
  return miconform::reference::Application::Initialize(application);
}

// application.cc - the handler's entry point (MiconformHandlerInit and its comma-bearing alias for
// OMI's configuration parser) and its MI_ApplicationFT.
#include "application.h"

#include "destination_options.h"
#include "handler_state.h"
#include "integration_findings.h"
#include "operation.h"
#include "session.h"
#include "thread_registry.h"

namespace miconform::handler {
namespace {

MI_Result close_application(MI_Application* application);

bool application_id_of(const MI_Application* application, uint64_t* id);

MI_Result new_session_slot(MI_Application* application, const MI_Char*, const MI_Char*,
                           MI_DestinationOptions*, MI_SessionCallbacks*,
                           MI_Instance** extended_error, MI_Session* session) {
  if (extended_error) {
    *extended_error = nullptr;
  }
  uint64_t id = 0;
  if (!application_id_of(application, &id) || !session) {
    return MI_RESULT_INVALID_PARAMETER;
  }
  return new_session(id, session);
}

MI_Result new_hosted_provider(MI_Application*, const MI_Char*, const MI_Char*, MI_MainFunction,
                              MI_Instance** extended_error, MI_HostedProvider*) {
  if (extended_error) {
    *extended_error = nullptr;
  }
  return MI_RESULT_NOT_SUPPORTED;
}

MI_Result new_instance(MI_Application*, const MI_Char*, const MI_ClassDecl*, MI_Instance**) {
  return MI_RESULT_NOT_SUPPORTED;
}

MI_Result new_destination_options_slot(MI_Application* application,
                                       MI_DestinationOptions* options) {
  uint64_t id = 0;
  if (!application_id_of(application, &id)) {
    return MI_RESULT_INVALID_PARAMETER;
  }
  return new_destination_options(options);
}

MI_Result new_operation_options(MI_Application*, MI_Boolean, MI_OperationOptions*) {
  return MI_RESULT_NOT_SUPPORTED;
}

MI_Result new_subscription_delivery_options(MI_Application*, MI_SubscriptionDeliveryType,
                                            MI_SubscriptionDeliveryOptions*) {
  return MI_RESULT_NOT_SUPPORTED;
}

MI_Result new_serializer(MI_Application*, MI_Uint32, MI_Char*, MI_Serializer*) {
  return MI_RESULT_NOT_SUPPORTED;
}

MI_Result new_deserializer(MI_Application*, MI_Uint32, MI_Char*, MI_Deserializer*) {
  return MI_RESULT_NOT_SUPPORTED;
}

MI_Result new_instance_from_class(MI_Application*, const MI_Char*, const MI_Class*, MI_Instance**) {
  return MI_RESULT_NOT_SUPPORTED;
}

MI_Result new_class(MI_Application*, const MI_ClassDecl*, const MI_Char*, const MI_Char*,
                    MI_Class**) {
  return MI_RESULT_NOT_SUPPORTED;
}

const MI_ApplicationFT kApplicationTable = {
    close_application,
    new_session_slot,
    new_hosted_provider,
    new_instance,
    new_destination_options_slot,
    new_operation_options,
    new_subscription_delivery_options,
    new_serializer,
    new_deserializer,
    new_instance_from_class,
    new_class,
};

// Application handles are not tied to a generation: an application outlives resets.
bool application_id_of(const MI_Application* application, uint64_t* id) {
  if (!application || application->ft != &kApplicationTable ||
      application->reserved2 != handle_tag(HandleKind::application, 0) ||
      application->reserved1 == 0) {
    return false;
  }
  *id = application->reserved1;
  return true;
}

// Stops the application's operations (a well-behaved client has closed them all already; the
// rest must not keep a thread alive) and joins every thread serving the application, so the
// client may unload the library when this returns.
MI_Result close_application(MI_Application* application) {
  uint64_t id = 0;
  if (!application_id_of(application, &id)) {
    return MI_RESULT_INVALID_PARAMETER;
  }
  {
    State& s = state();
    std::lock_guard lock(s.mu);
    ++s.application_close_count;
    if (in_handler_callback()) {
      finding_locked(FindingKind::application_closed_in_callback,
                     "application " + std::to_string(id) + ": Close [inside a handler callback]");
    }
    abandon_application_operations(id);
  }
  join_application_threads(id);
  return MI_RESULT_OK;
}

}  // namespace

void fill_application_handle(MI_Application* out, uint64_t application_id) {
  out->reserved1 = application_id;
  out->reserved2 = handle_tag(HandleKind::application, 0);
  out->ft = &kApplicationTable;
}

}  // namespace miconform::handler

extern "C" MI_Result MiconformHandlerInit(MI_Uint32 flags, const MI_Char*,
                                          MI_Instance** extendedError,
                                          MI_Application* application) {
  using namespace miconform::handler;
  if (extendedError) {
    *extendedError = nullptr;
  }
  State& s = state();
  uint64_t id = 0;
  {
    std::lock_guard lock(s.mu);
    ++s.initialize_count;
    if (flags != 0 || !application) {
      return MI_RESULT_INVALID_PARAMETER;
    }
    id = s.next_application_id++;
  }
  fill_application_handle(application, id);
  return MI_RESULT_OK;
}

// OMI's parser hands "EntryPointName,1,0" unsplit to dlsym, so the entry point is also exported
// under that comma-bearing name. C cannot spell it; the assembler can, with a quoted symbol. The
// alias names its own function, so the handler can tell how the client looked it up.
extern "C" MI_Result miconform_handler_init_unsplit(MI_Uint32 flags, const MI_Char* id,
                                                    MI_Instance** extendedError,
                                                    MI_Application* application) {
  using namespace miconform::handler;
  {
    std::lock_guard lock(state().mu);
    finding_locked(FindingKind::entry_point_unsplit,
                   "entry point called as \"MiconformHandlerInit,1,0\"");
  }
  return MiconformHandlerInit(flags, id, extendedError, application);
}

__asm__(
    ".globl \"MiconformHandlerInit,1,0\"\n"
    ".type \"MiconformHandlerInit,1,0\", @function\n"
    ".set \"MiconformHandlerInit,1,0\", miconform_handler_init_unsplit\n");

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

MI_Result CloseApplication(MI_Application* application);

bool ApplicationIdOf(const MI_Application* application, uint64_t* id);

MI_Result NewSessionSlot(MI_Application* application, const MI_Char*, const MI_Char*,
                         MI_DestinationOptions*, MI_SessionCallbacks*, MI_Instance** extended_error,
                         MI_Session* session) {
  if (extended_error) {
    *extended_error = nullptr;
  }
  uint64_t id = 0;
  if (!ApplicationIdOf(application, &id) || !session) {
    return MI_RESULT_INVALID_PARAMETER;
  }
  return NewSession(id, session);
}

MI_Result NewHostedProvider(MI_Application*, const MI_Char*, const MI_Char*, MI_MainFunction,
                            MI_Instance** extended_error, MI_HostedProvider*) {
  if (extended_error) {
    *extended_error = nullptr;
  }
  return MI_RESULT_NOT_SUPPORTED;
}

MI_Result NewInstance(MI_Application*, const MI_Char*, const MI_ClassDecl*, MI_Instance**) {
  return MI_RESULT_NOT_SUPPORTED;
}

MI_Result NewDestinationOptionsSlot(MI_Application* application, MI_DestinationOptions* options) {
  uint64_t id = 0;
  if (!ApplicationIdOf(application, &id)) {
    return MI_RESULT_INVALID_PARAMETER;
  }
  return NewDestinationOptions(options);
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

const MI_ApplicationFT kApplicationTable = {
    CloseApplication,
    NewSessionSlot,
    NewHostedProvider,
    NewInstance,
    NewDestinationOptionsSlot,
    NewOperationOptions,
    NewSubscriptionDeliveryOptions,
    NewSerializer,
    NewDeserializer,
    NewInstanceFromClass,
    NewClass,
};

// Application handles are not tied to a generation: an application outlives resets.
bool ApplicationIdOf(const MI_Application* application, uint64_t* id) {
  if (!application || application->ft != &kApplicationTable ||
      application->reserved2 != HandleTag(HandleKind::application, 0) ||
      application->reserved1 == 0) {
    return false;
  }
  *id = application->reserved1;
  return true;
}

// Stops the application's operations (a well-behaved client has closed them all already; the
// rest must not keep a thread alive) and joins every thread serving the application, so the
// client may unload the library when this returns.
MI_Result CloseApplication(MI_Application* application) {
  uint64_t id = 0;
  if (!ApplicationIdOf(application, &id)) {
    return MI_RESULT_INVALID_PARAMETER;
  }
  {
    State& s = state();
    std::lock_guard lock(s.mu);
    ++s.application_close_count;
    if (IsInHandlerCallback()) {
      FindingLocked(FindingKind::application_closed_in_callback,
                    "application " + std::to_string(id) + ": Close [inside a handler callback]");
    }
    AbandonApplicationOperations(id);
  }
  JoinApplicationThreads(id);
  return MI_RESULT_OK;
}

}  // namespace

void FillApplicationHandle(MI_Application* out, uint64_t application_id) {
  out->reserved1 = application_id;
  out->reserved2 = HandleTag(HandleKind::application, 0);
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
  FillApplicationHandle(application, id);
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
    FindingLocked(FindingKind::entry_point_unsplit,
                  "entry point called as \"MiconformHandlerInit,1,0\"");
  }
  return MiconformHandlerInit(flags, id, extendedError, application);
}

__asm__(
    ".globl \"MiconformHandlerInit,1,0\"\n"
    ".type \"MiconformHandlerInit,1,0\", @function\n"
    ".set \"MiconformHandlerInit,1,0\", miconform_handler_init_unsplit\n");

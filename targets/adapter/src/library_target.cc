// library_target.cc - LoadTarget and the call-through LibraryTarget of library_target.h.
#include "miconform/library_target.h"

#include <dlfcn.h>

#include "miconform/result_names.h"
#include "shared_library.h"

namespace miconform {

using Kind = TargetLoadError::Kind;

LibraryTarget::LibraryTarget(const TargetSpec& spec)
    : spec_(spec), library_(std::make_unique<adapter::SharedLibrary>()) {
  const std::string unreadable = adapter::UnreadableFileReason(spec_.library);
  if (!unreadable.empty()) {
    throw TargetLoadError(Kind::kFileMissing,
                          "cannot load the target library '" + spec_.library + "': " + unreadable);
  }
  std::string error;
  if (!library_->Open(spec_.library, RTLD_NOW | RTLD_LOCAL, &error)) {
    throw TargetLoadError(Kind::kNotSharedObject,
                          "the target library '" + spec_.library +
                              "' exists but is not a loadable shared library: " + error);
  }
  if (spec_.entry.empty()) {
    throw TargetLoadError(
        Kind::kEntryPointMissing,
        "no entry point name was given for the target library '" + spec_.library + "'");
  }
  void* entry = library_->Find(spec_.entry, &error);
  if (entry == nullptr) {
    throw TargetLoadError(Kind::kEntryPointMissing,
                          "the target library '" + spec_.library + "' has no entry point '" +
                              spec_.entry + "' (" + error +
                              "); name the library's entry point with --entry");
  }
  entry_ = reinterpret_cast<MI_Application_InitializeV1_Fn>(entry);
}

LibraryTarget::~LibraryTarget() = default;

std::string LibraryTarget::Describe() const {
  return spec_.builtin.empty() ? spec_.library : spec_.builtin;
}

MI_Result LibraryTarget::InitializeApplication(MI_Application* application,
                                               MI_Instance** extendedError) {
  return entry_(0, nullptr, extendedError, application);
}

MI_Result LibraryTarget::CloseApplication(MI_Application* application) {
  return application->ft->Close(application);
}

MI_Result LibraryTarget::NewSession(MI_Application* application, MI_SessionCallbacks* callbacks,
                                    MI_Session* session) {
  return application->ft->NewSession(application, spec_.protocol.c_str(), nullptr, nullptr,
                                     callbacks, nullptr, session);
}

MI_Result LibraryTarget::CloseSession(MI_Session* session, void* completionContext,
                                      MI_SessionCloseCompletion completionCallback) {
  return MI_Session_Close(session, completionContext, completionCallback);
}

MI_Result LibraryTarget::CloseSessionRaw(const MI_SessionFT* table, MI_Session* session,
                                         void* completionContext,
                                         MI_SessionCloseCompletion completionCallback) {
  return table->Close(session, completionContext, completionCallback);
}

void LibraryTarget::EnumerateInstances(MI_Session* session, MI_Uint32 flags, const char* className,
                                       MI_OperationCallbacks* callbacks, MI_Operation* operation) {
  session->ft->EnumerateInstances(session, flags, nullptr, kSuiteNamespace, className, MI_FALSE,
                                  callbacks, operation);
}

void LibraryTarget::StartOperation(OperationKind kind, MI_Session* session, MI_Uint32 flags,
                                   const char* script, MI_OperationCallbacks* callbacks,
                                   MI_Operation* operation) {
  const MI_SessionFT& ft = *session->ft;
  switch (kind) {
    case OperationKind::kGetInstance:
      ft.GetInstance(session, flags, nullptr, script, nullptr, callbacks, operation);
      return;
    case OperationKind::kModifyInstance:
      ft.ModifyInstance(session, flags, nullptr, script, nullptr, callbacks, operation);
      return;
    case OperationKind::kCreateInstance:
      ft.CreateInstance(session, flags, nullptr, script, nullptr, callbacks, operation);
      return;
    case OperationKind::kDeleteInstance:
      ft.DeleteInstance(session, flags, nullptr, script, nullptr, callbacks, operation);
      return;
    case OperationKind::kInvoke:
      ft.Invoke(session, flags, nullptr, kSuiteNamespace, script, "Method", nullptr, nullptr,
                callbacks, operation);
      return;
    case OperationKind::kEnumerateInstances:
      ft.EnumerateInstances(session, flags, nullptr, kSuiteNamespace, script, MI_FALSE, callbacks,
                            operation);
      return;
    case OperationKind::kQueryInstances:
      ft.QueryInstances(session, flags, nullptr, script, "WQL", "SELECT * FROM Class", callbacks,
                        operation);
      return;
    case OperationKind::kAssociatorInstances:
      ft.AssociatorInstances(session, flags, nullptr, kSuiteNamespace, nullptr, script, nullptr,
                             nullptr, nullptr, MI_FALSE, callbacks, operation);
      return;
    case OperationKind::kReferenceInstances:
      ft.ReferenceInstances(session, flags, nullptr, kSuiteNamespace, nullptr, script, nullptr,
                            MI_FALSE, callbacks, operation);
      return;
    case OperationKind::kSubscribe:
      ft.Subscribe(session, flags, nullptr, script, "WQL", "SELECT * FROM Indication", nullptr,
                   callbacks, operation);
      return;
    case OperationKind::kGetClass:
      ft.GetClass(session, flags, nullptr, kSuiteNamespace, script, callbacks, operation);
      return;
    case OperationKind::kEnumerateClasses:
      ft.EnumerateClasses(session, flags, nullptr, kSuiteNamespace, script, MI_FALSE, callbacks,
                          operation);
      return;
    case OperationKind::kTestConnection:
      ft.TestConnection(session, flags, callbacks, operation);
      return;
  }
}

MI_Result LibraryTarget::PullResult(OperationKind kind, MI_Operation* operation,
                                    MI_Boolean* moreResults, MI_Result* result,
                                    const MI_Char** errorMessage) {
  const MI_Instance* details = nullptr;
  switch (kind) {
    case OperationKind::kGetClass:
    case OperationKind::kEnumerateClasses: {
      const MI_Class* class_result = nullptr;
      return operation->ft->GetClass(operation, &class_result, moreResults, result, errorMessage,
                                     &details);
    }
    case OperationKind::kSubscribe: {
      const MI_Instance* indication = nullptr;
      const MI_Char* bookmark = nullptr;
      const MI_Char* machine_id = nullptr;
      return operation->ft->GetIndication(operation, &indication, &bookmark, &machine_id,
                                          moreResults, result, errorMessage, &details);
    }
    default: {
      const MI_Instance* instance = nullptr;
      return operation->ft->GetInstance(operation, &instance, moreResults, result, errorMessage,
                                        &details);
    }
  }
}

const char* PullFunctionName(OperationKind kind) {
  switch (kind) {
    case OperationKind::kGetClass:
    case OperationKind::kEnumerateClasses: return "MI_Operation_GetClass";
    case OperationKind::kSubscribe: return "MI_Operation_GetIndication";
    default: return "MI_Operation_GetInstance";
  }
}

const char* OperationKindName(OperationKind kind) {
  switch (kind) {
    case OperationKind::kGetInstance: return "GetInstance";
    case OperationKind::kModifyInstance: return "ModifyInstance";
    case OperationKind::kCreateInstance: return "CreateInstance";
    case OperationKind::kDeleteInstance: return "DeleteInstance";
    case OperationKind::kInvoke: return "Invoke";
    case OperationKind::kEnumerateInstances: return "EnumerateInstances";
    case OperationKind::kQueryInstances: return "QueryInstances";
    case OperationKind::kAssociatorInstances: return "AssociatorInstances";
    case OperationKind::kReferenceInstances: return "ReferenceInstances";
    case OperationKind::kSubscribe: return "Subscribe";
    case OperationKind::kGetClass: return "GetClass";
    case OperationKind::kEnumerateClasses: return "EnumerateClasses";
    case OperationKind::kTestConnection: return "TestConnection";
  }
  return "unknown";
}

MI_Result LibraryTarget::GetInstanceResult(MI_Operation* operation, const MI_Instance** instance,
                                           MI_Boolean* moreResults, MI_Result* result,
                                           const MI_Char** errorMessage,
                                           const MI_Instance** completionDetails) {
  return operation->ft->GetInstance(operation, instance, moreResults, result, errorMessage,
                                    completionDetails);
}

MI_Result LibraryTarget::CancelOperation(MI_Operation* operation, MI_CancellationReason reason) {
  return operation->ft->Cancel(operation, reason);
}

MI_Result LibraryTarget::CloseOperation(MI_Operation* operation) {
  return operation->ft->Close(operation);
}

std::unique_ptr<Target> LoadTarget(const TargetSpec& spec) {
  return std::make_unique<LibraryTarget>(spec);
}

void CheckTargetStarts(Target& target) {
  const auto* library_target = dynamic_cast<const LibraryTarget*>(&target);
  const std::string entry =
      library_target != nullptr ? library_target->EntryName() : std::string("the entry point");
  const std::string where = " (target library '" + target.LibraryPath() + "')";
  MI_Application application{};
  const MI_Result initialized = target.InitializeApplication(&application, nullptr);
  if (initialized != MI_RESULT_OK) {
    throw TargetLoadError(Kind::kEntryPointFailed,
                          entry + " returned " + ResultNameAndCode(initialized) + where);
  }
  if (application.ft == nullptr) {
    throw TargetLoadError(Kind::kEntryPointFailed,
                          entry +
                              " returned MI_RESULT_OK but left the application's function "
                              "table NULL" +
                              where);
  }
  target.CloseApplication(&application);
}

}  // namespace miconform

// library_target.h - the Target that drives an MI library loaded by path (LoadTarget's result),
// and the start-up check the runner's probe and the self-tests use.
//
// Lifetime: the library stays loaded as long as the LibraryTarget lives; every application,
// session and operation started through it must be closed before it is destroyed (the
// destructor dlcloses, and code of the library must not run after that).
// Threading: as target.h says - no locking is added; calls go straight to the library.
#ifndef MICONFORM_LIBRARY_TARGET_H
#define MICONFORM_LIBRARY_TARGET_H

#include <memory>
#include <string>

#include "miconform/target.h"

namespace miconform {

namespace adapter {
class SharedLibrary;
}

class LibraryTarget final : public Target {
 public:
  // Loads spec.library (RTLD_NOW | RTLD_LOCAL) and finds spec.entry. Throws TargetLoadError:
  // kFileMissing, kNotSharedObject or kEntryPointMissing, each naming the path and the cause.
  explicit LibraryTarget(const TargetSpec& spec);
  ~LibraryTarget() override;
  LibraryTarget(const LibraryTarget&) = delete;
  LibraryTarget& operator=(const LibraryTarget&) = delete;

  // The entry point's symbol name (spec.entry).
  const std::string& EntryName() const { return spec_.entry; }

  std::string Describe() const override;
  std::string LibraryPath() const override { return spec_.library; }
  std::string Protocol() const override { return spec_.protocol; }

  MI_Result InitializeApplication(MI_Application* application,
                                  MI_Instance** extendedError) override;
  MI_Result CloseApplication(MI_Application* application) override;
  MI_Result NewSession(MI_Application* application, MI_SessionCallbacks* callbacks,
                       MI_Session* session) override;
  MI_Result CloseSession(MI_Session* session, void* completionContext,
                         MI_SessionCloseCompletion completionCallback) override;
  MI_Result CloseSessionRaw(const MI_SessionFT* table, MI_Session* session, void* completionContext,
                            MI_SessionCloseCompletion completionCallback) override;
  void EnumerateInstances(MI_Session* session, MI_Uint32 flags, const char* className,
                          MI_OperationCallbacks* callbacks, MI_Operation* operation) override;
  MI_Result PullResult(OperationKind kind, MI_Operation* operation, MI_Boolean* moreResults,
                       MI_Result* result, const MI_Char** errorMessage) override;
  void StartOperation(OperationKind kind, MI_Session* session, MI_Uint32 flags, const char* script,
                      MI_OperationCallbacks* callbacks, MI_Operation* operation) override;
  MI_Result GetInstanceResult(MI_Operation* operation, const MI_Instance** instance,
                              MI_Boolean* moreResults, MI_Result* result,
                              const MI_Char** errorMessage,
                              const MI_Instance** completionDetails) override;
  MI_Result CancelOperation(MI_Operation* operation, MI_CancellationReason reason) override;
  MI_Result CloseOperation(MI_Operation* operation) override;

 private:
  TargetSpec spec_;
  std::unique_ptr<adapter::SharedLibrary> library_;
  MI_Application_InitializeV1_Fn entry_ = nullptr;
};

// Initializes one application through `target` and closes it again. Throws TargetLoadError
// kEntryPointFailed when the entry point returns an error ("MI_Application_InitializeV1 returned
// MI_RESULT_FAILED (1)", naming the library) or returns MI_RESULT_OK with no application table.
// The result of the application's Close is not judged here (that is the cases' business).
void CheckTargetStarts(Target& target);

}  // namespace miconform

#endif  // MICONFORM_LIBRARY_TARGET_H

// target.h - the pluggable target interface the conformance cases are written against.
//
// A target is an MI client library under test. Cases never call a library directly: they hold a
// miconform::Target and call through it, so any implementation can be plugged in (a vendor
// library loaded by path, the in-tree reference, a mutant, or a fake in the project's own tests).
//
// Lifecycle of a Target object: LoadTarget() loads it (dlopen + entry point lookup); the case then
// initializes applications, opens sessions on the scripted backend, starts operations, closes
// them; destroying the Target unloads the library. All methods except the constructor and
// destructor are thread-safe exactly as far as the library itself is: the interface adds no
// locking, so what a case observes is the library's own behaviour.
//
// Calls pass straight through the library's function tables (MI-ABI.md), with one exception:
// CloseSession applies the header's MI_Session_Close wrapper logic (NULL session or NULL ft never
// reach the library), as an application compiled against a vendor header would.
#ifndef MICONFORM_TARGET_H
#define MICONFORM_TARGET_H

#include <memory>
#include <stdexcept>
#include <string>

#include "miconform/mi_abi.h"

namespace miconform {

// How a user names a target: a built-in name or a library path, plus the target options.
struct TargetSpec {
  std::string builtin;  // "reference", "mutant:<name>", ... ; empty when `library` is given
  std::string library;  // path of the shared library (resolved for built-ins)
  std::string entry = MI_APPLICATION_INITIALIZE_V1_SYMBOL;  // --entry
  std::string protocol = "MICONFORM";                       // --protocol
  std::string config_dir;  // --config-dir: the directory whose omicli.conf registers the handler
};

// Why loading a target (or registering the scripted handler for it) failed. Each kind has its own
// message; the runner maps every kind to exit code 2.
class TargetLoadError : public std::runtime_error {
 public:
  enum class Kind {
    kUnknownBuiltin,      // --target NAME is no built-in target
    kFileMissing,         // the library path does not exist or cannot be read
    kNotSharedObject,     // the file exists but dlopen rejects it
    kEntryPointMissing,   // dlsym found no such entry point
    kEntryPointFailed,    // the entry point returned an error
    kHandlerMissing,      // the scripted handler library was not found
    kHandlerNotLoadable,  // the scripted handler library could not be loaded
    kConfigDirUnusable,   // --config-dir missing, not a directory, or not writable
  };
  TargetLoadError(Kind kind, const std::string& message)
      : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

// The operation kinds of the session table, in slot order (MI-ABI.md, slots 2-14).
enum class OperationKind {
  kGetInstance,
  kModifyInstance,
  kCreateInstance,
  kDeleteInstance,
  kInvoke,
  kEnumerateInstances,
  kQueryInstances,
  kAssociatorInstances,
  kReferenceInstances,
  kSubscribe,
  kGetClass,
  kEnumerateClasses,
  kTestConnection,
};
inline constexpr OperationKind kOperationKinds[] = {OperationKind::kGetInstance,
                                                    OperationKind::kModifyInstance,
                                                    OperationKind::kCreateInstance,
                                                    OperationKind::kDeleteInstance,
                                                    OperationKind::kInvoke,
                                                    OperationKind::kEnumerateInstances,
                                                    OperationKind::kQueryInstances,
                                                    OperationKind::kAssociatorInstances,
                                                    OperationKind::kReferenceInstances,
                                                    OperationKind::kSubscribe,
                                                    OperationKind::kGetClass,
                                                    OperationKind::kEnumerateClasses,
                                                    OperationKind::kTestConnection};
// The slot's name without its prefix: "GetInstance", "EnumerateClasses", ...
const char* OperationKindName(OperationKind kind);
// The pull function of an operation of that kind: "MI_Operation_GetInstance",
// "MI_Operation_GetClass" or "MI_Operation_GetIndication".
const char* PullFunctionName(OperationKind kind);

// The namespace every operation of the suite names (the scripted handler ignores it unless it
// carries a script, see handler_control.h).
inline constexpr const char* kSuiteNamespace = "root/miconform";

class Target {
 public:
  virtual ~Target() = default;

  // "reference", "mutant:<name>" or the library path; for reports and messages.
  virtual std::string Describe() const = 0;
  // The library file this target was loaded from (for the report's SHA-256).
  virtual std::string LibraryPath() const = 0;
  // The protocol name sessions are opened with (the scripted handler's registration name).
  virtual std::string Protocol() const = 0;

  // ---- application
  // Calls the entry point with flags 0 and a NULL applicationID.
  virtual MI_Result InitializeApplication(MI_Application* application,
                                          MI_Instance** extendedError) = 0;
  virtual MI_Result CloseApplication(MI_Application* application) = 0;

  // ---- session: opened on the scripted backend (protocol = Protocol(), destination NULL).
  virtual MI_Result NewSession(MI_Application* application, MI_SessionCallbacks* callbacks,
                               MI_Session* session) = 0;
  // MI_Session_Close: the header's wrapper logic, then session->ft->Close.
  virtual MI_Result CloseSession(MI_Session* session, void* completionContext,
                                 MI_SessionCloseCompletion completionCallback) = 0;
  // session->ft->Close called directly, without the wrapper logic (for handles the library does
  // not own: the table must be non-NULL).
  virtual MI_Result CloseSessionRaw(const MI_SessionFT* table, MI_Session* session,
                                    void* completionContext,
                                    MI_SessionCloseCompletion completionCallback) = 0;

  // ---- operations. `callbacks` NULL means synchronous pull through GetInstanceResult.
  // The class name selects the scripted handler's script (handler_control.h).
  virtual void EnumerateInstances(MI_Session* session, MI_Uint32 flags, const char* className,
                                  MI_OperationCallbacks* callbacks, MI_Operation* operation) = 0;
  // Any operation kind of the session table (slots 2-14 of MI-ABI.md), asynchronous or pulled.
  // `script` travels where the scripted handler reads it: as the class name where the slot has
  // one (Invoke, EnumerateInstances, Associator/ReferenceInstances, GetClass, EnumerateClasses),
  // else as the namespace name (TestConnection has neither and follows the default script).
  // Instances the slots take are NULL: the suite has none of the target's to pass.
  virtual void StartOperation(OperationKind kind, MI_Session* session, MI_Uint32 flags,
                              const char* script, MI_OperationCallbacks* callbacks,
                              MI_Operation* operation) = 0;

  // operation->ft->GetInstance: the synchronous pull.
  virtual MI_Result GetInstanceResult(MI_Operation* operation, const MI_Instance** instance,
                                      MI_Boolean* moreResults, MI_Result* result,
                                      const MI_Char** errorMessage,
                                      const MI_Instance** completionDetails) = 0;
  // The synchronous pull of an operation of `kind`: operation->ft->GetClass for GetClass and
  // EnumerateClasses, ->GetIndication for Subscribe, ->GetInstance otherwise. Only the flag, the
  // result code and the error string are handed back (instances and classes are opaque).
  virtual MI_Result PullResult(OperationKind kind, MI_Operation* operation, MI_Boolean* moreResults,
                               MI_Result* result, const MI_Char** errorMessage) = 0;
  virtual MI_Result CancelOperation(MI_Operation* operation, MI_CancellationReason reason) = 0;
  virtual MI_Result CloseOperation(MI_Operation* operation) = 0;
};

// Loads the library `spec.library` with dlopen and finds `spec.entry`. Throws TargetLoadError.
// Does not call the entry point (InitializeApplication does), so a load can be checked cheaply.
std::unique_ptr<Target> LoadTarget(const TargetSpec& spec);

}  // namespace miconform

#endif  // MICONFORM_TARGET_H

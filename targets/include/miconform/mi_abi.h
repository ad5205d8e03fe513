/* mi_abi.h - the MI client C ABI as miconform shares it with every target and protocol handler.
 *
 * Written by the project from the binary facts of the MI client API (Linux x86_64, LP64, GNU
 * toolchain): scalar types, result codes, the 24-byte handle shape, the function-table slot order,
 * the callback structures and the entry point. The suite never links against a target: it loads
 * the library with dlopen and reaches everything through the tables declared here, so every slot
 * position and every size below is part of the contract. targets/abi/abi_layout_check.c pins each
 * fact with a compile-time assertion.
 *
 * Types the suite only passes through (instances, classes, values, credentials) are opaque.
 * Plain C; usable from C and C++. */
#ifndef MICONFORM_MI_ABI_H
#define MICONFORM_MI_ABI_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- scalar types -------------------------------------------------------------------------- */

typedef unsigned char MI_Boolean;
#define MI_TRUE ((MI_Boolean)1)
#define MI_FALSE ((MI_Boolean)0)

typedef unsigned int MI_Uint32;
typedef unsigned long long MI_Uint64;
typedef char MI_Char; /* UTF-8 on Unix */

typedef enum _MI_Result {
  MI_RESULT_OK = 0,
  MI_RESULT_FAILED = 1,
  MI_RESULT_ACCESS_DENIED = 2,
  MI_RESULT_INVALID_NAMESPACE = 3,
  MI_RESULT_INVALID_PARAMETER = 4,
  MI_RESULT_INVALID_CLASS = 5,
  MI_RESULT_NOT_FOUND = 6,
  MI_RESULT_NOT_SUPPORTED = 7,
  MI_RESULT_CLASS_HAS_CHILDREN = 8,
  MI_RESULT_CLASS_HAS_INSTANCES = 9,
  MI_RESULT_INVALID_SUPERCLASS = 10,
  MI_RESULT_ALREADY_EXISTS = 11,
  MI_RESULT_NO_SUCH_PROPERTY = 12,
  MI_RESULT_TYPE_MISMATCH = 13,
  MI_RESULT_QUERY_LANGUAGE_NOT_SUPPORTED = 14,
  MI_RESULT_INVALID_QUERY = 15,
  MI_RESULT_METHOD_NOT_AVAILABLE = 16,
  MI_RESULT_METHOD_NOT_FOUND = 17,
  /* 18 and 19 are unused */
  MI_RESULT_NAMESPACE_NOT_EMPTY = 20,
  MI_RESULT_INVALID_ENUMERATION_CONTEXT = 21,
  MI_RESULT_INVALID_OPERATION_TIMEOUT = 22,
  MI_RESULT_PULL_HAS_BEEN_ABANDONED = 23,
  MI_RESULT_PULL_CANNOT_BE_ABANDONED = 24,
  MI_RESULT_FILTERED_ENUMERATION_NOT_SUPPORTED = 25,
  MI_RESULT_CONTINUATION_ON_ERROR_NOT_SUPPORTED = 26,
  MI_RESULT_SERVER_LIMITS_EXCEEDED = 27,
  MI_RESULT_SERVER_IS_SHUTTING_DOWN = 28
} MI_Result;

typedef enum _MI_CancellationReason {
  MI_REASON_NONE = 0,
  MI_REASON_TIMEOUT = 1,
  MI_REASON_SHUTDOWN = 2,
  MI_REASON_SERVICESTOP = 3
} MI_CancellationReason;

/* Enumerations of the wider API that appear only as callback or slot arguments here. They are
 * C enums, so int-sized; the suite never interprets them. */
typedef int MI_PromptType;
typedef int MI_OperationCallback_ResponseType;
typedef int MI_Type;
typedef int MI_SubscriptionDeliveryType;

/* Operation flags that matter for the session-close contract. */
#define MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS 0x0001u
#define MI_OPERATIONFLAGS_REPORT_OPERATION_STARTED 0x0200u

/* ---- opaque pass-through types ------------------------------------------------------------- */

typedef struct _MI_Instance MI_Instance;
typedef struct _MI_Class MI_Class;
typedef struct _MI_ClassDecl MI_ClassDecl;
typedef struct _MI_Value MI_Value;
typedef struct _MI_UserCredentials MI_UserCredentials;
typedef struct _MI_Interval MI_Interval;
typedef struct _MI_HostedProvider MI_HostedProvider;
typedef struct _MI_Serializer MI_Serializer;
typedef struct _MI_Deserializer MI_Deserializer;
typedef struct _MI_SubscriptionDeliveryOptions MI_SubscriptionDeliveryOptions;
typedef void* MI_MainFunction; /* the hosted-provider entry; never called by the suite */

/* ---- handles: one 24-byte shape, passed by pointer and owned by the caller ------------------- */

typedef struct _MI_Application MI_Application;
typedef struct _MI_Session MI_Session;
typedef struct _MI_Operation MI_Operation;
typedef struct _MI_DestinationOptions MI_DestinationOptions;
typedef struct _MI_OperationOptions MI_OperationOptions;

typedef struct _MI_ApplicationFT MI_ApplicationFT;
typedef struct _MI_SessionFT MI_SessionFT;
typedef struct _MI_OperationFT MI_OperationFT;
typedef struct _MI_DestinationOptionsFT MI_DestinationOptionsFT;
typedef struct _MI_OperationOptionsFT MI_OperationOptionsFT;

struct _MI_Application {
  MI_Uint64 reserved1;
  ptrdiff_t reserved2;
  const MI_ApplicationFT* ft;
};
struct _MI_Session {
  MI_Uint64 reserved1;
  ptrdiff_t reserved2;
  const MI_SessionFT* ft;
};
struct _MI_Operation {
  MI_Uint64 reserved1;
  ptrdiff_t reserved2;
  const MI_OperationFT* ft;
};
struct _MI_DestinationOptions {
  MI_Uint64 reserved1;
  ptrdiff_t reserved2;
  const MI_DestinationOptionsFT* ft;
};
struct _MI_OperationOptions {
  MI_Uint64 reserved1;
  ptrdiff_t reserved2;
  const MI_OperationOptionsFT* ft;
};

/* ---- callbacks ----------------------------------------------------------------------------- */

typedef MI_Result (*MI_ResultAcknowledgement)(MI_Operation* operation);
typedef MI_Result (*MI_ResponseCallback)(MI_Operation* operation,
                                         MI_OperationCallback_ResponseType response);

typedef void (*MI_OperationCallback_PromptUser)(MI_Operation* operation, void* callbackContext,
                                                const MI_Char* message, MI_PromptType promptType,
                                                MI_ResponseCallback promptUserResult);
typedef void (*MI_OperationCallback_WriteError)(MI_Operation* operation, void* callbackContext,
                                                MI_Instance* instance,
                                                MI_ResponseCallback writeErrorResult);
typedef void (*MI_OperationCallback_WriteMessage)(MI_Operation* operation, void* callbackContext,
                                                  MI_Uint32 channel, const MI_Char* message);
typedef void (*MI_OperationCallback_WriteProgress)(MI_Operation* operation, void* callbackContext,
                                                   const MI_Char* activity,
                                                   const MI_Char* currentOperation,
                                                   const MI_Char* statusDescription,
                                                   MI_Uint32 percentageComplete,
                                                   MI_Uint32 secondsRemaining);
typedef void (*MI_OperationCallback_Instance)(MI_Operation* operation, void* callbackContext,
                                              const MI_Instance* instance, MI_Boolean moreResults,
                                              MI_Result resultCode, const MI_Char* errorString,
                                              const MI_Instance* errorDetails,
                                              MI_ResultAcknowledgement resultAcknowledgement);
typedef void (*MI_OperationCallback_Indication)(MI_Operation* operation, void* callbackContext,
                                                const MI_Instance* instance,
                                                const MI_Char* bookmark, const MI_Char* machineID,
                                                MI_Boolean moreResults, MI_Result resultCode,
                                                const MI_Char* errorString,
                                                const MI_Instance* errorDetails,
                                                MI_ResultAcknowledgement resultAcknowledgement);
typedef void (*MI_OperationCallback_Class)(MI_Operation* operation, void* callbackContext,
                                           const MI_Class* classResult, MI_Boolean moreResults,
                                           MI_Result resultCode, const MI_Char* errorString,
                                           const MI_Instance* errorDetails,
                                           MI_ResultAcknowledgement resultAcknowledgement);
typedef void (*MI_OperationCallback_StreamedParameter)(
    MI_Operation* operation, void* callbackContext, const MI_Char* parameterName,
    MI_Type resultType, const MI_Value* result, MI_ResultAcknowledgement resultAcknowledgement);

/* Nine pointers, in this order. */
typedef struct _MI_OperationCallbacks {
  void* callbackContext;
  MI_OperationCallback_PromptUser promptUser;
  MI_OperationCallback_WriteError writeError;
  MI_OperationCallback_WriteMessage writeMessage;
  MI_OperationCallback_WriteProgress writeProgress;
  MI_OperationCallback_Instance instanceResult;
  MI_OperationCallback_Indication indicationResult;
  MI_OperationCallback_Class classResult;
  MI_OperationCallback_StreamedParameter streamedParameterResult;
} MI_OperationCallbacks;

typedef void (*MI_SessionCallback_WriteMessage)(MI_Application* application, void* callbackContext,
                                                MI_Uint32 channel, const MI_Char* message);
typedef void (*MI_SessionCallback_WriteError)(MI_Application* application, void* callbackContext,
                                              MI_Instance* instance);

/* Three pointers, in this order. */
typedef struct _MI_SessionCallbacks {
  void* callbackContext;
  MI_SessionCallback_WriteMessage writeMessage;
  MI_SessionCallback_WriteError writeError;
} MI_SessionCallbacks;

/* The completion callback of an asynchronous MI_Session_Close. */
typedef void (*MI_SessionCloseCompletion)(void* completionContext);

/* ---- function tables (slot order is the ABI) ------------------------------------------------ */

/* 11 slots */
struct _MI_ApplicationFT {
  MI_Result (*Close)(MI_Application* application);
  MI_Result (*NewSession)(MI_Application* application, const MI_Char* protocol,
                          const MI_Char* destination, MI_DestinationOptions* options,
                          MI_SessionCallbacks* callbacks, MI_Instance** extendedError,
                          MI_Session* session);
  MI_Result (*NewHostedProvider)(MI_Application* application, const MI_Char* namespaceName,
                                 const MI_Char* providerName, MI_MainFunction mi_main,
                                 MI_Instance** extendedError, MI_HostedProvider* provider);
  MI_Result (*NewInstance)(MI_Application* application, const MI_Char* className,
                           const MI_ClassDecl* classRTTI, MI_Instance** instance);
  MI_Result (*NewDestinationOptions)(MI_Application* application, MI_DestinationOptions* options);
  MI_Result (*NewOperationOptions)(MI_Application* application, MI_Boolean mustUnderstand,
                                   MI_OperationOptions* options);
  MI_Result (*NewSubscriptionDeliveryOptions)(MI_Application* application,
                                              MI_SubscriptionDeliveryType deliveryType,
                                              MI_SubscriptionDeliveryOptions* deliveryOptions);
  MI_Result (*NewSerializer)(MI_Application* application, MI_Uint32 flags, MI_Char* format,
                             MI_Serializer* serializer);
  MI_Result (*NewDeserializer)(MI_Application* application, MI_Uint32 flags, MI_Char* format,
                               MI_Deserializer* deserializer);
  MI_Result (*NewInstanceFromClass)(MI_Application* application, const MI_Char* className,
                                    const MI_Class* classObject, MI_Instance** instance);
  MI_Result (*NewClass)(MI_Application* application, const MI_ClassDecl* classDecl,
                        const MI_Char* namespaceName, const MI_Char* serverName,
                        MI_Class** classObject);
};

/* 15 slots. Slots 2 to 14 return void and report through callbacks or the operation handle;
 * the operation handle is always the last argument. */
struct _MI_SessionFT {
  MI_Result (*Close)(MI_Session* session, void* completionContext,
                     MI_SessionCloseCompletion completionCallback);
  MI_Result (*GetApplication)(MI_Session* session, MI_Application* application);
  void (*GetInstance)(MI_Session* session, MI_Uint32 flags, MI_OperationOptions* options,
                      const MI_Char* namespaceName, const MI_Instance* inboundInstance,
                      MI_OperationCallbacks* callbacks, MI_Operation* operation);
  void (*ModifyInstance)(MI_Session* session, MI_Uint32 flags, MI_OperationOptions* options,
                         const MI_Char* namespaceName, const MI_Instance* inboundInstance,
                         MI_OperationCallbacks* callbacks, MI_Operation* operation);
  void (*CreateInstance)(MI_Session* session, MI_Uint32 flags, MI_OperationOptions* options,
                         const MI_Char* namespaceName, const MI_Instance* inboundInstance,
                         MI_OperationCallbacks* callbacks, MI_Operation* operation);
  void (*DeleteInstance)(MI_Session* session, MI_Uint32 flags, MI_OperationOptions* options,
                         const MI_Char* namespaceName, const MI_Instance* inboundInstance,
                         MI_OperationCallbacks* callbacks, MI_Operation* operation);
  void (*Invoke)(MI_Session* session, MI_Uint32 flags, MI_OperationOptions* options,
                 const MI_Char* namespaceName, const MI_Char* className, const MI_Char* methodName,
                 const MI_Instance* inboundInstance, const MI_Instance* inboundProperties,
                 MI_OperationCallbacks* callbacks, MI_Operation* operation);
  void (*EnumerateInstances)(MI_Session* session, MI_Uint32 flags, MI_OperationOptions* options,
                             const MI_Char* namespaceName, const MI_Char* className,
                             MI_Boolean keysOnly, MI_OperationCallbacks* callbacks,
                             MI_Operation* operation);
  void (*QueryInstances)(MI_Session* session, MI_Uint32 flags, MI_OperationOptions* options,
                         const MI_Char* namespaceName, const MI_Char* queryDialect,
                         const MI_Char* queryExpression, MI_OperationCallbacks* callbacks,
                         MI_Operation* operation);
  void (*AssociatorInstances)(MI_Session* session, MI_Uint32 flags, MI_OperationOptions* options,
                              const MI_Char* namespaceName, const MI_Instance* instanceKey,
                              const MI_Char* assocClass, const MI_Char* resultClass,
                              const MI_Char* role, const MI_Char* resultRole, MI_Boolean keysOnly,
                              MI_OperationCallbacks* callbacks, MI_Operation* operation);
  void (*ReferenceInstances)(MI_Session* session, MI_Uint32 flags, MI_OperationOptions* options,
                             const MI_Char* namespaceName, const MI_Instance* instanceKey,
                             const MI_Char* resultClass, const MI_Char* role, MI_Boolean keysOnly,
                             MI_OperationCallbacks* callbacks, MI_Operation* operation);
  void (*Subscribe)(MI_Session* session, MI_Uint32 flags, MI_OperationOptions* options,
                    const MI_Char* namespaceName, const MI_Char* queryDialect,
                    const MI_Char* queryExpression,
                    const MI_SubscriptionDeliveryOptions* deliverOptions,
                    MI_OperationCallbacks* callbacks, MI_Operation* operation);
  void (*GetClass)(MI_Session* session, MI_Uint32 flags, MI_OperationOptions* options,
                   const MI_Char* namespaceName, const MI_Char* className,
                   MI_OperationCallbacks* callbacks, MI_Operation* operation);
  void (*EnumerateClasses)(MI_Session* session, MI_Uint32 flags, MI_OperationOptions* options,
                           const MI_Char* namespaceName, const MI_Char* className,
                           MI_Boolean classNamesOnly, MI_OperationCallbacks* callbacks,
                           MI_Operation* operation);
  void (*TestConnection)(MI_Session* session, MI_Uint32 flags, MI_OperationCallbacks* callbacks,
                         MI_Operation* operation);
};

/* 6 slots */
struct _MI_OperationFT {
  MI_Result (*Close)(MI_Operation* operation);
  MI_Result (*Cancel)(MI_Operation* operation, MI_CancellationReason reason);
  MI_Result (*GetSession)(MI_Operation* operation, MI_Session* session);
  MI_Result (*GetInstance)(MI_Operation* operation, const MI_Instance** instance,
                           MI_Boolean* moreResults, MI_Result* result, const MI_Char** errorMessage,
                           const MI_Instance** completionDetails);
  MI_Result (*GetIndication)(MI_Operation* operation, const MI_Instance** instance,
                             const MI_Char** bookmark, const MI_Char** machineID,
                             MI_Boolean* moreResults, MI_Result* result,
                             const MI_Char** errorMessage, const MI_Instance** completionDetails);
  MI_Result (*GetClass)(MI_Operation* operation, const MI_Class** classResult,
                        MI_Boolean* moreResults, MI_Result* result, const MI_Char** errorMessage,
                        const MI_Instance** completionDetails);
};

/* 15 slots; slot 0 returns void, the rest MI_Result. A protocol handler must provide one. */
struct _MI_DestinationOptionsFT {
  void (*Delete)(MI_DestinationOptions* options);
  MI_Result (*SetString)(MI_DestinationOptions* options, const MI_Char* optionName,
                         const MI_Char* value, MI_Uint32 flags);
  MI_Result (*SetNumber)(MI_DestinationOptions* options, const MI_Char* optionName, MI_Uint32 value,
                         MI_Uint32 flags);
  MI_Result (*AddCredentials)(MI_DestinationOptions* options, const MI_Char* optionName,
                              const MI_UserCredentials* credentials, MI_Uint32 flags);
  MI_Result (*GetString)(const MI_DestinationOptions* options, const MI_Char* optionName,
                         const MI_Char** value, MI_Uint32* index, MI_Uint32* flags);
  MI_Result (*GetNumber)(const MI_DestinationOptions* options, const MI_Char* optionName,
                         MI_Uint32* value, MI_Uint32* index, MI_Uint32* flags);
  MI_Result (*GetOptionCount)(const MI_DestinationOptions* options, MI_Uint32* count);
  MI_Result (*GetOptionAt)(const MI_DestinationOptions* options, MI_Uint32 index,
                           const MI_Char** optionName, MI_Value* value, MI_Type* type,
                           MI_Uint32* flags);
  MI_Result (*GetOption)(const MI_DestinationOptions* options, const MI_Char* optionName,
                         MI_Value* value, MI_Type* type, MI_Uint32* index, MI_Uint32* flags);
  MI_Result (*GetCredentialsCount)(const MI_DestinationOptions* options, MI_Uint32* count);
  MI_Result (*GetCredentialsAt)(const MI_DestinationOptions* options, MI_Uint32 index,
                                const MI_Char** optionName, MI_UserCredentials* credentials,
                                MI_Uint32* flags);
  MI_Result (*GetCredentialsPasswordAt)(const MI_DestinationOptions* options, MI_Uint32 index,
                                        const MI_Char** optionName, MI_Char* password,
                                        MI_Uint32 bufferLength, MI_Uint32* passwordLength,
                                        MI_Uint32* flags);
  MI_Result (*Clone)(const MI_DestinationOptions* self, MI_DestinationOptions* newOptions);
  MI_Result (*SetInterval)(MI_DestinationOptions* options, const MI_Char* optionName,
                           const MI_Interval* value, MI_Uint32 flags);
  MI_Result (*GetInterval)(const MI_DestinationOptions* options, const MI_Char* optionName,
                           MI_Interval* value, MI_Uint32* index, MI_Uint32* flags);
};

/* ---- entry point --------------------------------------------------------------------------- */

/* The one exported function of a target (and, under a name of its own, of a protocol handler).
 * flags must be 0; applicationID and extendedError may be NULL. */
typedef MI_Result (*MI_Application_InitializeV1_Fn)(MI_Uint32 flags, const MI_Char* applicationID,
                                                    MI_Instance** extendedError,
                                                    MI_Application* application);

#define MI_APPLICATION_INITIALIZE_V1_SYMBOL "MI_Application_InitializeV1"

/* The application-side wrapper logic of MI_Session_Close, as a vendor header compiles it into the
 * caller: call the table when the session and its ft are non-NULL; otherwise call the completion
 * callback once (if given) and return OK, or return INVALID_PARAMETER. */
static inline MI_Result MI_Session_Close(MI_Session* session, void* completionContext,
                                         MI_SessionCloseCompletion completionCallback) {
  if (session && session->ft) {
    return session->ft->Close(session, completionContext, completionCallback);
  }
  if (completionCallback) {
    completionCallback(completionContext);
    return MI_RESULT_OK;
  }
  return MI_RESULT_INVALID_PARAMETER;
}

/* True for every value the MI_Result enumeration defines. */
static inline int MI_Result_IsValid(int value) {
  return (value >= 0 && value <= 17) || (value >= 20 && value <= 28);
}

#ifdef __cplusplus
}
#endif

#endif /* MICONFORM_MI_ABI_H */

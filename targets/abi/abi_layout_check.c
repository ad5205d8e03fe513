/* abi_layout_check.c - compile-time proof that mi_abi.h matches every binary fact of the MI ABI.
 *
 * Compiled into the miconform_abi library; if any size, offset, slot position or value drifts,
 * the build stops here. Nothing in this file runs. */
#include <stddef.h>

#include "miconform/mi_abi.h"

#define SLOT(table, field, index) \
  _Static_assert(offsetof(table, field) == (index) * sizeof(void*), #table "." #field " slot")

/* scalar types */
_Static_assert(sizeof(MI_Boolean) == 1, "MI_Boolean is 1 byte");
_Static_assert(MI_TRUE == 1 && MI_FALSE == 0, "MI_TRUE/MI_FALSE values");
_Static_assert(sizeof(MI_Uint32) == 4, "MI_Uint32 is 4 bytes");
_Static_assert(sizeof(MI_Uint64) == 8, "MI_Uint64 is 8 bytes");
_Static_assert(sizeof(MI_Char) == 1, "MI_Char is 1 byte on Unix");
_Static_assert(sizeof(MI_Result) == 4, "MI_Result is int-sized");
_Static_assert(sizeof(MI_CancellationReason) == 4, "MI_CancellationReason is int-sized");
_Static_assert(sizeof(void*) == 8 && sizeof(ptrdiff_t) == 8, "LP64");

/* cancellation reasons */
_Static_assert(MI_REASON_NONE == 0 && MI_REASON_TIMEOUT == 1 && MI_REASON_SHUTDOWN == 2 &&
                   MI_REASON_SERVICESTOP == 3,
               "MI_CancellationReason values");

/* result codes */
_Static_assert(MI_RESULT_OK == 0 && MI_RESULT_FAILED == 1 && MI_RESULT_ACCESS_DENIED == 2 &&
                   MI_RESULT_INVALID_NAMESPACE == 3 && MI_RESULT_INVALID_PARAMETER == 4 &&
                   MI_RESULT_INVALID_CLASS == 5 && MI_RESULT_NOT_FOUND == 6 &&
                   MI_RESULT_NOT_SUPPORTED == 7 && MI_RESULT_CLASS_HAS_CHILDREN == 8 &&
                   MI_RESULT_CLASS_HAS_INSTANCES == 9 && MI_RESULT_INVALID_SUPERCLASS == 10 &&
                   MI_RESULT_ALREADY_EXISTS == 11 && MI_RESULT_NO_SUCH_PROPERTY == 12 &&
                   MI_RESULT_TYPE_MISMATCH == 13 && MI_RESULT_QUERY_LANGUAGE_NOT_SUPPORTED == 14 &&
                   MI_RESULT_INVALID_QUERY == 15 && MI_RESULT_METHOD_NOT_AVAILABLE == 16 &&
                   MI_RESULT_METHOD_NOT_FOUND == 17,
               "MI_Result values 0-17");
_Static_assert(MI_RESULT_NAMESPACE_NOT_EMPTY == 20 && MI_RESULT_INVALID_ENUMERATION_CONTEXT == 21 &&
                   MI_RESULT_INVALID_OPERATION_TIMEOUT == 22 &&
                   MI_RESULT_PULL_HAS_BEEN_ABANDONED == 23 &&
                   MI_RESULT_PULL_CANNOT_BE_ABANDONED == 24 &&
                   MI_RESULT_FILTERED_ENUMERATION_NOT_SUPPORTED == 25 &&
                   MI_RESULT_CONTINUATION_ON_ERROR_NOT_SUPPORTED == 26 &&
                   MI_RESULT_SERVER_LIMITS_EXCEEDED == 27 &&
                   MI_RESULT_SERVER_IS_SHUTTING_DOWN == 28,
               "MI_Result values 20-28");

/* operation flags */
_Static_assert(MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS == 0x0001u, "manual ack flag");
_Static_assert(MI_OPERATIONFLAGS_REPORT_OPERATION_STARTED == 0x0200u, "report started flag");

/* handles: 24 bytes, reserved1 at 0, reserved2 at 8, ft at 16 */
#define HANDLE(type)                                                       \
  _Static_assert(sizeof(type) == 24, #type " is 24 bytes");                \
  _Static_assert(offsetof(type, reserved1) == 0, #type ".reserved1 at 0"); \
  _Static_assert(offsetof(type, reserved2) == 8, #type ".reserved2 at 8"); \
  _Static_assert(offsetof(type, ft) == 16, #type ".ft at 16")
HANDLE(MI_Application);
HANDLE(MI_Session);
HANDLE(MI_Operation);
HANDLE(MI_DestinationOptions);
HANDLE(MI_OperationOptions);

/* MI_ApplicationFT: 11 slots */
_Static_assert(sizeof(MI_ApplicationFT) == 11 * sizeof(void*), "MI_ApplicationFT has 11 slots");
SLOT(MI_ApplicationFT, Close, 0);
SLOT(MI_ApplicationFT, NewSession, 1);
SLOT(MI_ApplicationFT, NewHostedProvider, 2);
SLOT(MI_ApplicationFT, NewInstance, 3);
SLOT(MI_ApplicationFT, NewDestinationOptions, 4);
SLOT(MI_ApplicationFT, NewOperationOptions, 5);
SLOT(MI_ApplicationFT, NewSubscriptionDeliveryOptions, 6);
SLOT(MI_ApplicationFT, NewSerializer, 7);
SLOT(MI_ApplicationFT, NewDeserializer, 8);
SLOT(MI_ApplicationFT, NewInstanceFromClass, 9);
SLOT(MI_ApplicationFT, NewClass, 10);

/* MI_SessionFT: 15 slots */
_Static_assert(sizeof(MI_SessionFT) == 15 * sizeof(void*), "MI_SessionFT has 15 slots");
SLOT(MI_SessionFT, Close, 0);
SLOT(MI_SessionFT, GetApplication, 1);
SLOT(MI_SessionFT, GetInstance, 2);
SLOT(MI_SessionFT, ModifyInstance, 3);
SLOT(MI_SessionFT, CreateInstance, 4);
SLOT(MI_SessionFT, DeleteInstance, 5);
SLOT(MI_SessionFT, Invoke, 6);
SLOT(MI_SessionFT, EnumerateInstances, 7);
SLOT(MI_SessionFT, QueryInstances, 8);
SLOT(MI_SessionFT, AssociatorInstances, 9);
SLOT(MI_SessionFT, ReferenceInstances, 10);
SLOT(MI_SessionFT, Subscribe, 11);
SLOT(MI_SessionFT, GetClass, 12);
SLOT(MI_SessionFT, EnumerateClasses, 13);
SLOT(MI_SessionFT, TestConnection, 14);

/* MI_OperationFT: 6 slots */
_Static_assert(sizeof(MI_OperationFT) == 6 * sizeof(void*), "MI_OperationFT has 6 slots");
SLOT(MI_OperationFT, Close, 0);
SLOT(MI_OperationFT, Cancel, 1);
SLOT(MI_OperationFT, GetSession, 2);
SLOT(MI_OperationFT, GetInstance, 3);
SLOT(MI_OperationFT, GetIndication, 4);
SLOT(MI_OperationFT, GetClass, 5);

/* MI_OperationCallbacks: 9 pointers */
_Static_assert(sizeof(MI_OperationCallbacks) == 9 * sizeof(void*), "MI_OperationCallbacks size");
SLOT(MI_OperationCallbacks, callbackContext, 0);
SLOT(MI_OperationCallbacks, promptUser, 1);
SLOT(MI_OperationCallbacks, writeError, 2);
SLOT(MI_OperationCallbacks, writeMessage, 3);
SLOT(MI_OperationCallbacks, writeProgress, 4);
SLOT(MI_OperationCallbacks, instanceResult, 5);
SLOT(MI_OperationCallbacks, indicationResult, 6);
SLOT(MI_OperationCallbacks, classResult, 7);
SLOT(MI_OperationCallbacks, streamedParameterResult, 8);

/* MI_SessionCallbacks: 3 pointers */
_Static_assert(sizeof(MI_SessionCallbacks) == 3 * sizeof(void*), "MI_SessionCallbacks size");
SLOT(MI_SessionCallbacks, callbackContext, 0);
SLOT(MI_SessionCallbacks, writeMessage, 1);
SLOT(MI_SessionCallbacks, writeError, 2);

/* MI_DestinationOptionsFT: 15 slots */
_Static_assert(sizeof(MI_DestinationOptionsFT) == 15 * sizeof(void*),
               "MI_DestinationOptionsFT has 15 slots");
SLOT(MI_DestinationOptionsFT, Delete, 0);
SLOT(MI_DestinationOptionsFT, SetString, 1);
SLOT(MI_DestinationOptionsFT, SetNumber, 2);
SLOT(MI_DestinationOptionsFT, AddCredentials, 3);
SLOT(MI_DestinationOptionsFT, GetString, 4);
SLOT(MI_DestinationOptionsFT, GetNumber, 5);
SLOT(MI_DestinationOptionsFT, GetOptionCount, 6);
SLOT(MI_DestinationOptionsFT, GetOptionAt, 7);
SLOT(MI_DestinationOptionsFT, GetOption, 8);
SLOT(MI_DestinationOptionsFT, GetCredentialsCount, 9);
SLOT(MI_DestinationOptionsFT, GetCredentialsAt, 10);
SLOT(MI_DestinationOptionsFT, GetCredentialsPasswordAt, 11);
SLOT(MI_DestinationOptionsFT, Clone, 12);
SLOT(MI_DestinationOptionsFT, SetInterval, 13);
SLOT(MI_DestinationOptionsFT, GetInterval, 14);

/* A translation unit must declare something. */
int miconform_abi_layout_checked = 1;

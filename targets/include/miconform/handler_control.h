/* handler_control.h - the control surface of the scripted protocol handler
 * (libmiconform_handler.so).
 *
 * The handler is the backend the suite controls. A vendor client loads it like any transport (see
 * MI-ABI.md, "Protocol handlers"); the suite process dlopens the very same library file, so both
 * reach one loaded copy and these functions steer the operations the client starts and read back
 * what happened to them.
 *
 * Scripts. Every operation the handler starts follows a script, chosen when the operation starts:
 *   1. if the operation's class name (EnumerateInstances, GetClass, Invoke...) is a name registered
 *      with miconform_handler_set_script, that script;
 *   2. else if the class name has the form "script:key=value;key=value..." (keys are the field
 *      names of MiconformScript, e.g. "script:results=3;result_delay_ms=10;until_cancelled=1"),
 *      the script it spells, starting from the default script;
 *   3. else the default script (miconform_handler_set_default_script; initially: 1 result,
 *      no delays, finishes with MI_RESULT_OK, honours cancel).
 * Operations that carry no class name (GetInstance) are scripted by their namespace name by the
 * same rules; TestConnection always follows the default script.
 *
 * Threading. Every function here is thread-safe and may be called at any time, also from inside
 * a callback the handler is making.
 *
 * Plain C; usable from C and C++. */
#ifndef MICONFORM_HANDLER_CONTROL_H
#define MICONFORM_HANDLER_CONTROL_H

#include <stdint.h>

#include "miconform/mi_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The entry point the handler exports (signature of MI_Application_InitializeV1), and the
 * protocol name the suite registers it under unless told another. */
#define MICONFORM_HANDLER_ENTRY "MiconformHandlerInit"
#define MICONFORM_HANDLER_DEFAULT_PROTOCOL "MICONFORM"

/* Where the handler delivers an operation's callbacks. */
typedef enum MiconformCallbackThread {
  /* A thread the handler owns per operation: calls return at once, results arrive later. */
  MICONFORM_THREAD_HANDLER = 0,
  /* The caller's thread: the first callback is made inside the call that starts the operation;
   * each next one inside the call that acknowledges the previous result; the final result after
   * a cancel inside the Cancel call. No handler thread exists for such an operation. */
  MICONFORM_THREAD_CALLER = 1
} MiconformCallbackThread;

typedef struct MiconformScript {
  uint32_t results;         /* non-final results before the final one (instance != NULL) */
  uint32_t result_delay_ms; /* delay before each result, the final one included */
  int32_t until_cancelled;  /* 1: after `results`, keep sending results (each after
                               result_delay_ms) until cancelled; never finishes alone */
  int32_t ignore_cancel;    /* 1: the server never confirms a cancel; the transport still ends the
                               operation */
  uint32_t cancel_delay_ms; /* delay between receiving a cancel and honouring it */
  uint32_t operation_close_delay_ms; /* delay inside the operation's Close */
  uint32_t session_close_delay_ms;   /* delay before a session Close completes */
  uint32_t messages;                 /* writeMessage calls before the first result */
  uint32_t progress;                 /* writeProgress calls before the first result */
  int32_t callback_thread;           /* a MiconformCallbackThread value */
  MI_Result final_result;            /* result code of the final result when not cancelled */
} MiconformScript;

/* What happened to one operation. Times are CLOCK_MONOTONIC nanoseconds, 0 when it never
 * happened. Counts count every call, so a second Close or Cancel shows. */
typedef struct MiconformOperationRecord {
  uint64_t id;          /* 1, 2, 3... in start order since the last reset */
  uint64_t session_id;  /* which handler session started it */
  char class_name[128]; /* truncated; "" when the operation had none */
  char kind[32];        /* "EnumerateInstances", "GetInstance", "Invoke", ... */
  uint32_t flags;       /* the flags the client passed */
  uint64_t started_ns;
  uint32_t results_sent;         /* non-final results delivered */
  uint32_t results_acknowledged; /* acknowledgements received, the final one included */
  uint32_t final_sent;           /* final results delivered (must end up 1) */
  MI_Result final_result;        /* result code of the final result */
  uint64_t final_ns;
  uint32_t cancel_count;
  uint64_t first_cancel_ns;
  MI_CancellationReason cancel_reason; /* reason of the first cancel */
  uint32_t close_count;
  uint64_t close_ns;
  uint32_t callbacks_in_flight; /* callbacks entered and not yet returned, right now */
  int32_t released;             /* 1 once both Close and the final acknowledgement happened */
  /* Scripted delays this operation actually waited out, one count per injection point
   * (suite/injection; appended after the fields above, whose layout is unchanged). A delay of 0
   * is never counted; a result delay cut short (by Close, a due cancel, application Close) is
   * not counted either. */
  uint32_t result_delays_waited; /* handler.before_result: result_delay_ms elapsed before a
                                    result (or the final one) was delivered */
  uint32_t cancel_delays_waited; /* handler.before_cancel: the first cancel of a running
                                    operation started its cancel_delay_ms (counted when it
                                    starts: a Close may end the slow wind-down early) */
  uint32_t close_delays_waited;  /* handler.in_operation_close: Close slept
                                    operation_close_delay_ms */
} MiconformOperationRecord;

typedef struct MiconformSessionRecord {
  uint64_t id;
  uint64_t opened_ns;
  uint32_t close_count;
  uint64_t close_ns;
  uint32_t completions_called; /* completion callbacks the handler made for Close (must be 1) */
  uint64_t completed_ns;
  /* handler.in_session_close (appended): 1 once Close slept its session_close_delay_ms (> 0). */
  uint32_t close_delays_waited;
} MiconformSessionRecord;

/* Scripts. Names are copied; a NULL script removes the name. */
void miconform_handler_set_default_script(const MiconformScript* script);
void miconform_handler_set_script(const char* name, const MiconformScript* script);
/* Fills *script with the initial default script. */
void miconform_handler_script_defaults(MiconformScript* script);
/* Parses the "key=value;..." text (without the "script:" prefix) over *script. Returns 0 on
 * success, -1 on an unknown key or a bad number (then *script is unchanged). */
int miconform_handler_parse_script(const char* text, MiconformScript* script);

/* Records. Counts and copies; a copy is a snapshot. */
uint32_t miconform_handler_operation_count(void);
int miconform_handler_operation_record(uint32_t index, MiconformOperationRecord* out); /* 0 ok */
uint32_t miconform_handler_session_count(void);
int miconform_handler_session_record(uint32_t index, MiconformSessionRecord* out); /* 0 ok */
/* Number of entry-point (initialize) and application Close calls the handler has received. */
uint32_t miconform_handler_initialize_count(void);
uint32_t miconform_handler_application_close_count(void);

/* Integration findings: a duty of the client toward its transport that the handler saw broken
 * (MI-ABI.md, "Protocol handlers"; targets/handler/README.md, "The client's duties"), or a fact of
 * how the client reached the handler. They are not verdicts on the MI pages: the handler keeps its
 * contract whatever the client does. One finding per kind; `occurrences` counts the objects
 * (operations, sessions, calls) that showed it, `calls` is the call sequence of the first one. */
typedef struct MiconformIntegrationFinding {
  char kind[48];    /* "acknowledged_after_close", "operation_call_after_close", ... */
  char what[320];   /* one sentence: what the client did and why a transport cares */
  char calls[2048]; /* the calls that showed it, oldest first, one per line; truncated */
  uint32_t occurrences;
} MiconformIntegrationFinding;
uint32_t miconform_handler_integration_finding_count(void);
int miconform_handler_integration_finding(uint32_t index,
                                          MiconformIntegrationFinding* out); /* 0 ok */

/* The objects the handler hands to the client with a result: the instance (instanceResult,
 * indicationResult) or class (classResult) of a non-final result, and the error string of a final
 * one. Each is valid until the client acknowledges the result, or, when the client did not ask for
 * manual acknowledgement, until the result's callback returns; the handler then poisons it (its
 * memory stays readable and is never reused by anything but another such object). The suite asks
 * by address whether an argument the application was handed is such an object, and whether it is
 * still valid. */
typedef struct MiconformResultArgument {
  uint64_t serial;       /* unique per object handed out (an address reused later gets another) */
  int32_t valid;         /* 1: still valid; 0: the client acknowledged its result, or the result's
                            callback returned under automatic acknowledgement */
  uint64_t operation_id; /* the operation whose result it came with */
  uint32_t result_index; /* 0-based; UINT32_MAX: the final result */
  uint64_t ended_ns;     /* CLOCK_MONOTONIC; 0 while valid */
  char kind[16];         /* "instance", "class" or "error string" */
} MiconformResultArgument;
/* Returns 1 and fills *out when `address` is one of those objects (valid or ended), 0 when it is
 * not one: an object of the client's own, NULL, or one the handler could not track. */
int miconform_handler_result_argument(const void* address, MiconformResultArgument* out);

/* Blocks up to timeout_ms until the handler has received at least `count` cancels in total
 * (over all operations). Returns 1 when reached, 0 on timeout. */
int miconform_handler_wait_cancels(uint32_t count, uint32_t timeout_ms);
/* Blocks up to timeout_ms until at least `count` operations have started. 1 reached, 0 timeout. */
int miconform_handler_wait_started(uint32_t count, uint32_t timeout_ms);

/* Forgets every record, integration finding and script and restores the default script. Only valid
 * while no operation or session of the handler is alive; returns -1 (and does nothing) otherwise.
 */
int miconform_handler_reset(void);

/* The handler's own entry point (exported also under the comma-bearing alias
 * "MiconformHandlerInit,1,0" for OMI's configuration parser). */
MI_Result MiconformHandlerInit(MI_Uint32 flags, const MI_Char* applicationID,
                               MI_Instance** extendedError, MI_Application* application);

#ifdef __cplusplus
}
#endif

#endif /* MICONFORM_HANDLER_CONTROL_H */

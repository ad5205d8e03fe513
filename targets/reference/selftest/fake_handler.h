/* fake_handler.h - a tiny scripted protocol handler (libmiconform_reference_test_handler.so) that
 * the reference's self-tests register in omicli.conf, so that they need no other part of the
 * project; its control functions let a test script operations and read what happened.
 *
 * Scripts. An operation's class name (EnumerateInstances, Invoke) or namespace (GetInstance) is a
 * list of words separated by ';': "results=N" (non-final results before the final, default 0),
 * "forever" (keep sending results until cancelled), "hold" (send nothing until cancelled),
 * "ignore_cancel" (the server ignores a cancel: the transport still ends the operation, as a
 * conforming one does, by disconnecting "disconnect_ms=N" after the cancel, default 20, or at
 * once after fake_handler_disconnect), "messages=N" (writeMessage calls first), "delay_ms=N"
 * (before each result). An operation closed before its end stops silently. TestConnection: no
 * results.
 * Results are sent one at a time on a thread per operation, each after the previous one was
 * acknowledged; the final result is MI_RESULT_FAILED after an honoured cancel, else MI_RESULT_OK.
 *
 * Threading: every function is thread-safe. Plain C interface. */
#ifndef MICONFORM_REFERENCE_SELFTEST_FAKE_HANDLER_H
#define MICONFORM_REFERENCE_SELFTEST_FAKE_HANDLER_H

#include "miconform/mi_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FAKE_HANDLER_ENTRY "FakeHandlerInit"

typedef struct FakeHandlerStats {
  unsigned initialized;
  unsigned application_closed;
  unsigned destination_options_created;
  unsigned destination_options_deleted;
  unsigned sessions_opened;
  unsigned sessions_closed;
  unsigned sessions_closed_with_open_operations; /* handler session Close before op Close */
  unsigned operations_started;
  unsigned operations_without_manual_ack; /* started without MANUAL_ACK_RESULTS */
  unsigned operations_closed;
  unsigned cancels;
  unsigned calls_after_close; /* Cancel or second Close after Close */
  unsigned results_sent;
  unsigned finals_sent;
  unsigned acknowledgements;
  unsigned unknown_acknowledgements;
  unsigned finals_returned; /* final instanceResult calls that returned */
  unsigned disconnects;     /* finals of ignore_cancel operations, sent by disconnecting */
} FakeHandlerStats;

MI_Result FakeHandlerInit(MI_Uint32 flags, const MI_Char* applicationID,
                          MI_Instance** extendedError, MI_Application* application);

void fake_handler_stats(FakeHandlerStats* out);
/* Forgets every record (joins leftover operation threads first). */
void fake_handler_reset(void);
/* Every cancelled ignore_cancel operation disconnects now (until the next reset). */
void fake_handler_disconnect(void);
/* Blocks up to timeout_ms until results_sent >= count; 1 reached, 0 timeout. */
int fake_handler_wait_results(unsigned count, unsigned timeout_ms);
/* Blocks up to timeout_ms until cancels >= count; 1 reached, 0 timeout. */
int fake_handler_wait_cancels(unsigned count, unsigned timeout_ms);
/* Blocks up to timeout_ms until finals_returned >= count; 1 reached, 0 timeout. */
int fake_handler_wait_finals_returned(unsigned count, unsigned timeout_ms);

#ifdef __cplusplus
}
#endif

#endif /* MICONFORM_REFERENCE_SELFTEST_FAKE_HANDLER_H */

/* injection_point_table.h - THE table of fault-injection points of miconform: every point of every
 * layer is one line here. The C++ registry (injection_points.h), the plan parser and the interposer
 * library (libmiconform_interposer.so) all expand this one table, so a point exists everywhere as
 * soon as its line is added.
 *
 * A line is  P(layer, identifier, "one-line description")  and declares the point named
 * "<layer>.<identifier>". layer is one of:
 *   callback    inside the suite's own MI callbacks;
 *   handler     inside the scripted protocol handler;
 *   interposer  inside the target's process, at a libc/libpthread call
 * (libmiconform_interposer.so). identifier is a lower-case C identifier. Points of the interposer
 * layer must also be wired to an interposed function in suite/injection/interposer/interposer.c;
 * points of the other layers are fired by the code of their layer (callback:
 * suite/cases/case_fixture.cc, which also checks that its list equals this table's callback lines;
 * handler: targets/handler, driven by the script fields named in the descriptions). The interposer
 * counts and fires only its own layer's points: a plan may name points of any layer, and the
 * interposer ignores the names of other layers.
 */
#ifndef MICONFORM_INJECTION_POINT_TABLE_H
#define MICONFORM_INJECTION_POINT_TABLE_H

#define MICONFORM_INJECTION_POINT_TABLE(P)                                                         \
  P(callback, before_ack, "delay in a result callback before the suite acknowledges the result")   \
  P(callback, after_ack, "delay in a result callback after the acknowledgement call returned")     \
  P(callback, in_completion, "delay inside the suite's session-close completion callback")         \
  P(callback, in_write_message, "delay inside the suite's writeMessage callback")                  \
  P(callback, in_write_progress, "delay inside the suite's writeProgress callback")                \
  P(callback, after_final_close, "delay in a final result callback after it closed its operation") \
  P(handler, before_result, "handler waits result_delay_ms before delivering a result")            \
  P(handler, before_cancel, "handler waits cancel_delay_ms between a cancel and honouring it")     \
  P(handler, in_operation_close, "handler sleeps operation_close_delay_ms inside operation Close") \
  P(handler, in_session_close, "handler waits session_close_delay_ms before a session Close ends") \
  P(interposer, mutex_lock, "delay before pthread_mutex_lock takes the mutex")                     \
  P(interposer, mutex_unlock, "delay after pthread_mutex_unlock released the mutex")               \
  P(interposer, cond_wait, "delay before pthread_cond_wait / pthread_cond_timedwait")              \
  P(interposer, cond_signal, "delay after pthread_cond_signal / pthread_cond_broadcast")           \
  P(interposer, thread_create, "delay before pthread_create starts a thread")                      \
  P(interposer, poll, "delay before poll")                                                         \
  P(interposer, read, "delay before read")                                                         \
  P(interposer, write, "delay before write")                                                       \
  P(interposer, sched_yield, "delay before sched_yield")

#endif /* MICONFORM_INJECTION_POINT_TABLE_H */

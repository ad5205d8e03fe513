/* injection_point_table.h - THE table of fault-injection points of miconform: every point of every
 * layer is one line here. The C++ registry (injection_points.h), the plan parser and the interposer
 * library (libmiconform_interposer.so) all expand this one table, so a point exists everywhere as
 * soon as its line is added.
 *
 * A line is  P(layer, identifier, "one-line description")  and declares the point named
 * "<layer>.<identifier>". layer is one of:
 *   callback    inside the suite's own MI callbacks;
 *   handler     inside the scripted protocol handler;
 *   interposer  inside the target's process, at a libc/libpthread call (libmiconform_interposer.so).
 * identifier is a lower-case C identifier. Points of the interposer layer must also be wired to an
 * interposed function in suite/injection/interposer/interposer.c; points of the other layers are
 * fired by the code of their layer.
 */
#ifndef MICONFORM_INJECTION_POINT_TABLE_H
#define MICONFORM_INJECTION_POINT_TABLE_H

#define MICONFORM_INJECTION_POINT_TABLE(P)                                                          \
  P(interposer, mutex_lock, "delay before pthread_mutex_lock takes the mutex")                      \
  P(interposer, mutex_unlock, "delay after pthread_mutex_unlock released the mutex")                \
  P(interposer, cond_wait, "delay before pthread_cond_wait / pthread_cond_timedwait")               \
  P(interposer, cond_signal, "delay after pthread_cond_signal / pthread_cond_broadcast")            \
  P(interposer, thread_create, "delay before pthread_create starts a thread")                       \
  P(interposer, poll, "delay before poll")                                                          \
  P(interposer, read, "delay before read")                                                          \
  P(interposer, write, "delay before write")                                                        \
  P(interposer, sched_yield, "delay before sched_yield")

#endif /* MICONFORM_INJECTION_POINT_TABLE_H */

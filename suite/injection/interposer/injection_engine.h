/* injection_engine.h - the decision half of the interposer: reads the plan at load, counts hits,
 * decides which fire, performs the delays, numbers threads and keeps the statistics. Used only by
 * the wrappers of interposer.c.
 *
 * Threading: lock-free (atomics and initial-exec thread-locals only); never allocates; safe to
 * enter from a signal handler (a nested hit on the same thread is passed through uncounted).
 * Every function preserves errno.
 */
#ifndef MICONFORM_INTERPOSER_INJECTION_ENGINE_H
#define MICONFORM_INTERPOSER_INJECTION_ENGINE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "miconform/injection_point_table.h"

/* The interposer-layer points of the table, numbered 0..INTERPOSER_POINT_COUNT-1. */
#define MICONFORM_ENGINE_POINT_ENUM(layer, ident, description) MICONFORM_ENGINE_ENUM_##layer(ident)
#define MICONFORM_ENGINE_ENUM_interposer(ident) POINT_##ident,
#define MICONFORM_ENGINE_ENUM_callback(ident)
#define MICONFORM_ENGINE_ENUM_handler(ident)
typedef enum {
  MICONFORM_INJECTION_POINT_TABLE(MICONFORM_ENGINE_POINT_ENUM) INTERPOSER_POINT_COUNT
} InterposerPoint;

/* 1 once a valid random/countdown/pct plan is loaded; the wrappers' only check in pass-through. */
extern _Atomic int miconform_engine_on __attribute__((visibility("hidden")));

/* One call of an interposed function at `point`, made from code at `caller`: counts it if the
 * point is enabled and the caller passes the only= filter, and sleeps/yields if it fires. */
void miconform_engine_hit(InterposerPoint point, const void* caller)
    __attribute__((visibility("hidden")));

static inline void miconform_engine_call(InterposerPoint point, const void* caller) {
  if (atomic_load_explicit(&miconform_engine_on, memory_order_acquire)) {
    miconform_engine_hit(point, caller);
  }
}

/* pthread_create support in random and pct modes: wraps (start, arg) so the new thread learns its
 * creation index before running start (and, in pct mode, leaves the live-thread table when start
 * returns or the thread exits). Returns 0 and sets *trampoline / *trampoline_arg, or -1 when no
 * numbering is needed or no launch slot is free (then create the thread unchanged). The slot is
 * released by the new thread, or by miconform_engine_launch_abandoned() when creation failed. */
int miconform_engine_prepare_launch(void* (*start)(void*), void* arg, void* (**trampoline)(void*),
                                    void** trampoline_arg) __attribute__((visibility("hidden")));
void miconform_engine_launch_abandoned(void* trampoline_arg) __attribute__((visibility("hidden")));

/* sched_yield as a raw system call (neither interposed nor a cancellation point). */
void miconform_engine_raw_yield(void) __attribute__((visibility("hidden")));

#endif /* MICONFORM_INTERPOSER_INJECTION_ENGINE_H */

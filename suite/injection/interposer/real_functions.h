/* real_functions.h - the interposer's access to the functions it wraps (the next definition in
 * symbol order, i.e. the C library's), resolved with dlsym(RTLD_NEXT) once and then read with one
 * atomic load. Used only by interposer.c. */
#ifndef MICONFORM_INTERPOSER_REAL_FUNCTIONS_H
#define MICONFORM_INTERPOSER_REAL_FUNCTIONS_H

typedef enum {
  REAL_MUTEX_LOCK,
  REAL_MUTEX_UNLOCK,
  REAL_COND_WAIT,
  REAL_COND_TIMEDWAIT,
  REAL_COND_SIGNAL,
  REAL_COND_BROADCAST,
  REAL_THREAD_CREATE,
  REAL_POLL,
  REAL_READ,
  REAL_WRITE,
  REAL_SCHED_YIELD,
  REAL_FUNCTION_COUNT
} RealFunction;

/* The real function, or NULL while it cannot be had without recursing: the calling thread is
 * itself inside a dlsym() of the interposer (dlsym may lock mutexes or allocate), or resolution
 * failed. Callers then use a non-blocking, non-recursing fallback. Never blocks. */
void* miconform_real_function(RealFunction which);

/* Resolves every function now (called from the library constructor). */
void miconform_resolve_real_functions(void);

#endif /* MICONFORM_INTERPOSER_REAL_FUNCTIONS_H */

/* real_functions.c - lazy, recursion-guarded resolution of the functions the interposer wraps.
 *
 * dlsym() may itself call interposed functions (a mutex of the dynamic loader's helpers, an
 * allocator that locks). A thread-local flag marks "this thread is resolving": a wrapper entered
 * in that state gets NULL and takes its fallback instead of calling dlsym again. Several threads
 * may resolve the same function concurrently; they store the same pointer, so the race is benign.
 */
#define _GNU_SOURCE
#include "real_functions.h"

#include <dlfcn.h>
#include <stdatomic.h>
#include <stddef.h>

#define THREAD_LOCAL static __thread __attribute__((tls_model("initial-exec")))

typedef struct {
  const char* name;
  const char* version; /* preferred symbol version, or NULL for the default one */
} RealName;

/* The condition variable functions exist in two versions on x86_64; the current one is
 * GLIBC_2.3.2 (the other is the pre-NPTL compatibility version with a different layout). */
static const RealName kNames[REAL_FUNCTION_COUNT] = {
    [REAL_MUTEX_LOCK] = {"pthread_mutex_lock", NULL},
    [REAL_MUTEX_UNLOCK] = {"pthread_mutex_unlock", NULL},
    [REAL_COND_WAIT] = {"pthread_cond_wait", "GLIBC_2.3.2"},
    [REAL_COND_TIMEDWAIT] = {"pthread_cond_timedwait", "GLIBC_2.3.2"},
    [REAL_COND_SIGNAL] = {"pthread_cond_signal", "GLIBC_2.3.2"},
    [REAL_COND_BROADCAST] = {"pthread_cond_broadcast", "GLIBC_2.3.2"},
    [REAL_THREAD_CREATE] = {"pthread_create", NULL},
    [REAL_POLL] = {"poll", NULL},
    [REAL_READ] = {"read", NULL},
    [REAL_WRITE] = {"write", NULL},
    [REAL_SCHED_YIELD] = {"sched_yield", NULL},
};

static void* _Atomic g_real[REAL_FUNCTION_COUNT];
THREAD_LOCAL int t_resolving;

static void* resolve(RealFunction which) {
  void* found = NULL;
  if (kNames[which].version) found = dlvsym(RTLD_NEXT, kNames[which].name, kNames[which].version);
  if (!found) found = dlsym(RTLD_NEXT, kNames[which].name);
  return found;
}

void* miconform_real_function(RealFunction which) {
  void* function = atomic_load_explicit(&g_real[which], memory_order_acquire);
  if (function || t_resolving) return function;
  t_resolving = 1;
  function = resolve(which);
  t_resolving = 0;
  if (function) atomic_store_explicit(&g_real[which], function, memory_order_release);
  return function;
}

void miconform_resolve_real_functions(void) {
  for (int which = 0; which < REAL_FUNCTION_COUNT; ++which) {
    (void)miconform_real_function((RealFunction)which);
  }
}

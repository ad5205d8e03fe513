/* interposer.c - libmiconform_interposer.so's interposed functions: each forwards to the C
 * library's definition and, while a plan is active, passes through the injection engine before
 * (lock, wait, create, poll, read, write, yield) or after (unlock, signal, broadcast) the real
 * call, so a delay widens exactly the window a timing bug needs.
 *
 * Semantics are those of the real call: same arguments, return value and errno (the engine
 * preserves errno). When a real function cannot be resolved without recursing into dlsym, a
 * fallback that neither blocks on the interposer nor recurses is used (see each one).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "injection_engine.h"
#include "real_functions.h"

#define INTERPOSED __attribute__((visibility("default")))
#define CALLER __builtin_return_address(0)

/* glibc's own entry points of the mutex functions (compatibility aliases), used only while the
 * real ones cannot be resolved on this thread; weak, so their absence is tolerated. */
extern int miconform_libc_mutex_lock(pthread_mutex_t*) __attribute__((weak));
extern int miconform_libc_mutex_unlock(pthread_mutex_t*) __attribute__((weak));
__asm__(".symver miconform_libc_mutex_lock, __pthread_mutex_lock@GLIBC_2.2.5");
__asm__(".symver miconform_libc_mutex_unlock, __pthread_mutex_unlock@GLIBC_2.2.5");

typedef int (*MutexFunction)(pthread_mutex_t*);
typedef int (*CondWaitFunction)(pthread_cond_t*, pthread_mutex_t*);
typedef int (*CondTimedWaitFunction)(pthread_cond_t*, pthread_mutex_t*, const struct timespec*);
typedef int (*CondFunction)(pthread_cond_t*);
typedef int (*CreateFunction)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);
typedef int (*PollFunction)(struct pollfd*, nfds_t, int);
typedef ssize_t (*ReadFunction)(int, void*, size_t);
typedef ssize_t (*WriteFunction)(int, const void*, size_t);
typedef int (*YieldFunction)(void);

INTERPOSED int pthread_mutex_lock(pthread_mutex_t* mutex) {
  MutexFunction real = (MutexFunction)miconform_real_function(REAL_MUTEX_LOCK);
  if (!real) {
    if (miconform_libc_mutex_lock) return miconform_libc_mutex_lock(mutex);
    int status;
    while ((status = pthread_mutex_trylock(mutex)) == EBUSY) miconform_engine_raw_yield();
    return status;
  }
  miconform_engine_call(POINT_mutex_lock, CALLER);
  return real(mutex);
}

INTERPOSED int pthread_mutex_unlock(pthread_mutex_t* mutex) {
  MutexFunction real = (MutexFunction)miconform_real_function(REAL_MUTEX_UNLOCK);
  if (!real) return miconform_libc_mutex_unlock ? miconform_libc_mutex_unlock(mutex) : EINVAL;
  const int status = real(mutex);
  miconform_engine_call(POINT_mutex_unlock, CALLER);
  return status;
}

/* Unresolvable waits return at once: a spurious wakeup, which every caller must tolerate. */
INTERPOSED int pthread_cond_wait(pthread_cond_t* cond, pthread_mutex_t* mutex) {
  CondWaitFunction real = (CondWaitFunction)miconform_real_function(REAL_COND_WAIT);
  if (!real) return 0;
  miconform_engine_call(POINT_cond_wait, CALLER);
  return real(cond, mutex);
}

INTERPOSED int pthread_cond_timedwait(pthread_cond_t* cond, pthread_mutex_t* mutex,
                                      const struct timespec* deadline) {
  CondTimedWaitFunction real = (CondTimedWaitFunction)miconform_real_function(REAL_COND_TIMEDWAIT);
  if (!real) return 0;
  miconform_engine_call(POINT_cond_wait, CALLER);
  return real(cond, mutex, deadline);
}

/* Unresolvable signals are dropped; they can only arise inside dlsym, which waits on no
 * condition variable of the program. */
INTERPOSED int pthread_cond_signal(pthread_cond_t* cond) {
  CondFunction real = (CondFunction)miconform_real_function(REAL_COND_SIGNAL);
  if (!real) return 0;
  const int status = real(cond);
  miconform_engine_call(POINT_cond_signal, CALLER);
  return status;
}

INTERPOSED int pthread_cond_broadcast(pthread_cond_t* cond) {
  CondFunction real = (CondFunction)miconform_real_function(REAL_COND_BROADCAST);
  if (!real) return 0;
  const int status = real(cond);
  miconform_engine_call(POINT_cond_signal, CALLER);
  return status;
}

/* Unresolvable: EAGAIN, the documented "insufficient resources" answer. */
INTERPOSED int pthread_create(pthread_t* thread, const pthread_attr_t* attributes,
                              void* (*start)(void*), void* arg) {
  CreateFunction real = (CreateFunction)miconform_real_function(REAL_THREAD_CREATE);
  if (!real) return EAGAIN;
  miconform_engine_call(POINT_thread_create, CALLER);
  void* (*trampoline)(void*) = NULL;
  void* trampoline_arg = NULL;
  if (miconform_engine_prepare_launch(start, arg, &trampoline, &trampoline_arg) != 0) {
    return real(thread, attributes, start, arg);
  }
  const int status = real(thread, attributes, trampoline, trampoline_arg);
  if (status != 0) miconform_engine_launch_abandoned(trampoline_arg);
  return status;
}

/* poll, read, write and sched_yield fall back to the raw system call (syscall() sets errno). */
INTERPOSED int poll(struct pollfd* fds, nfds_t count, int timeout_ms) {
  PollFunction real = (PollFunction)miconform_real_function(REAL_POLL);
  if (!real) return (int)syscall(SYS_poll, fds, count, timeout_ms);
  miconform_engine_call(POINT_poll, CALLER);
  return real(fds, count, timeout_ms);
}

INTERPOSED ssize_t read(int fd, void* buffer, size_t size) {
  ReadFunction real = (ReadFunction)miconform_real_function(REAL_READ);
  if (!real) return syscall(SYS_read, fd, buffer, size);
  miconform_engine_call(POINT_read, CALLER);
  return real(fd, buffer, size);
}

INTERPOSED ssize_t write(int fd, const void* buffer, size_t size) {
  WriteFunction real = (WriteFunction)miconform_real_function(REAL_WRITE);
  if (!real) return syscall(SYS_write, fd, buffer, size);
  miconform_engine_call(POINT_write, CALLER);
  return real(fd, buffer, size);
}

INTERPOSED int sched_yield(void) {
  YieldFunction real = (YieldFunction)miconform_real_function(REAL_SCHED_YIELD);
  if (!real) return (int)syscall(SYS_sched_yield);
  miconform_engine_call(POINT_sched_yield, CALLER);
  return real();
}

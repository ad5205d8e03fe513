/* injection_caller.h - a test shared library (libmiconform_injection_caller.so) whose only job is
 * to make mutex calls from an object other than the test executable, for the only= filter test. */
#ifndef MICONFORM_INJECTION_CALLER_H
#define MICONFORM_INJECTION_CALLER_H

#include <pthread.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Locks and unlocks mutex `times` times; returns the number of pairs that both returned 0. */
int injection_caller_lock_unlock(pthread_mutex_t* mutex, int times);

#ifdef __cplusplus
}
#endif

#endif /* MICONFORM_INJECTION_CALLER_H */

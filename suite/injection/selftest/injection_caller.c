/* injection_caller.c - libmiconform_injection_caller.so: mutex calls made from a shared library
 * (see injection_caller.h). */
#include "injection_caller.h"

int injection_caller_lock_unlock(pthread_mutex_t* mutex, int times) {
  int succeeded = 0;
  for (int i = 0; i < times; ++i) {
    if (pthread_mutex_lock(mutex) == 0 && pthread_mutex_unlock(mutex) == 0) ++succeeded;
  }
  return succeeded;
}

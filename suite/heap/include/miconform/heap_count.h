/* heap_count.h - the C API exported by libmiconform_heapcount.so, the malloc-accounting library
 * the runner preloads (LD_PRELOAD) into a case process; cases reach it through heap_probe.h.
 *
 * Contract:
 *  - The symbols exist only when the library is loaded. Cases look them up at run time with
 *    dlsym(RTLD_DEFAULT, ...) and never link against the library.
 *  - Counters are process-wide and kept with lock-free atomics; both functions are safe from any
 *    thread, from signal handlers, and in a child after fork(). Neither allocates.
 *  - A snapshot reads three counters one after another, not as one atomic unit: take snapshots
 *    while the measured work is quiescent (e.g. after the call under test has returned).
 *  - Counter values are modular uint64_t. A free of a block the library never saw allocated (a
 *    block from before the preload was live, or from an allocation entry point it does not see)
 *    is still subtracted, so an absolute value can wrap below zero. Only the DIFFERENCE of two
 *    snapshots taken in the same process after start-up is meaningful: (int64_t)(after - before).
 */
#ifndef MICONFORM_HEAP_COUNT_H
#define MICONFORM_HEAP_COUNT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The counters at one moment. */
typedef struct MiconformHeapSnapshot {
  /* Sum of malloc_usable_size() over live blocks: what the allocator really handed out. */
  uint64_t live_bytes;
  /* Blocks allocated and not yet freed. */
  uint64_t live_blocks;
  /* Successful allocations since start-up: malloc, calloc, the aligned family, and every realloc
   * that returned a block (in place or moved). Never decreases. */
  uint64_t total_allocations;
} MiconformHeapSnapshot;

/* 1 when the accounting is live (the next allocator was resolved and every allocation is being
 * counted); 0 when the library runs in pass-through mode and the counters mean nothing. */
int miconform_heap_active(void);

/* Copies the counters into *out (no effect when out is NULL). */
void miconform_heap_snapshot(MiconformHeapSnapshot* out);

#ifdef __cplusplus
}
#endif

#endif /* MICONFORM_HEAP_COUNT_H */

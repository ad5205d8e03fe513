/* bootstrap_arena.h - the static bump arena that serves allocations made while the heap-count
 * library is still resolving the real allocator (dlsym may call malloc/calloc). Internal to
 * libmiconform_heapcount.so.
 *
 * Contract: lock-free (one atomic bump pointer), safe from any thread. Memory is zero-filled and
 * never reused or handed to the real allocator; freeing an arena block is a no-op. The arena is
 * small: it only has to cover the few allocations of symbol resolution.
 */
#ifndef MICONFORM_HEAP_BOOTSTRAP_ARENA_H
#define MICONFORM_HEAP_BOOTSTRAP_ARENA_H

#include <stddef.h>

/* A zeroed block of `size` bytes aligned to `alignment` (a power of two, at most 4096), or NULL
 * with errno = ENOMEM when the arena is exhausted or the request cannot be met. */
void* miconform_arena_allocate(size_t size, size_t alignment) __attribute__((visibility("hidden")));

/* 1 when `block` points into the arena. */
int miconform_arena_owns(const void* block) __attribute__((visibility("hidden")));

/* The size requested for an arena block (block must be owned by the arena). */
size_t miconform_arena_block_size(const void* block) __attribute__((visibility("hidden")));

#ifdef MICONFORM_HEAP_ARENA_TESTING
/* Self-test builds only: forgets every block and zeroes the arena, so arena tests can repeat. */
void miconform_arena_reset_for_testing(void);
#endif

#endif /* MICONFORM_HEAP_BOOTSTRAP_ARENA_H */

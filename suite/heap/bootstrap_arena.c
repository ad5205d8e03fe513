/* bootstrap_arena.c - the static bump arena of libmiconform_heapcount.so (see bootstrap_arena.h).
 */
#include "bootstrap_arena.h"

#include <errno.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

enum {
  kArenaBytes = 64 * 1024,
  kHeaderBytes = 16, /* keeps the default alignment of 16 for every block */
  kMaxAlignment = 4096
};

static alignas(kMaxAlignment) unsigned char arena[kArenaBytes];
static atomic_size_t arena_top;

void* miconform_arena_allocate(size_t size, size_t alignment) {
  if (alignment < kHeaderBytes) alignment = kHeaderBytes;
  if (alignment > kMaxAlignment || (alignment & (alignment - 1)) != 0 || size > kArenaBytes) {
    errno = ENOMEM;
    return NULL;
  }
  size_t top = atomic_load_explicit(&arena_top, memory_order_relaxed);
  for (;;) {
    size_t start = (top + kHeaderBytes + alignment - 1) & ~(alignment - 1);
    if (start > kArenaBytes || size > kArenaBytes - start) {
      errno = ENOMEM;
      return NULL;
    }
    size_t end = start + size;
    if (atomic_compare_exchange_weak_explicit(&arena_top, &top, end, memory_order_relaxed,
                                              memory_order_relaxed)) {
      /* The size header sits right before the block; this range belongs to us alone now. */
      size_t* header = (size_t*)(void*)(arena + start - sizeof(size_t));
      *header = size;
      return arena + start;
    }
  }
}

int miconform_arena_owns(const void* block) {
  uintptr_t address = (uintptr_t)block;
  return address >= (uintptr_t)arena && address < (uintptr_t)arena + kArenaBytes;
}

size_t miconform_arena_block_size(const void* block) {
  return *(const size_t*)(const void*)((const unsigned char*)block - sizeof(size_t));
}

#ifdef MICONFORM_HEAP_ARENA_TESTING
void miconform_arena_reset_for_testing(void) {
  memset(arena, 0, sizeof arena);
  atomic_store(&arena_top, 0);
}
#endif

/* heap_count.c - libmiconform_heapcount.so: the malloc-accounting interposer the runner preloads
 * into case processes. Every allocation call is forwarded to the next allocator in symbol order
 * (dlsym(RTLD_NEXT)) and counted; cases read the counters through heap_count.h.
 *
 * Design constraints, because this code runs inside the vendor library under test:
 *  - Blocks stay genuine blocks of the real allocator (no headers), so malloc_usable_size, realloc
 *    and frees through paths not seen here keep working.
 *  - Only lock-free atomics: an allocation may come from a signal handler, from a thread holding
 *    the allocator's own callers' locks, or from a child after fork().
 *  - Sizes are the real usable size of the block, so a free subtracts exactly what its allocation
 *    added, whichever thread frees it.
 *  - If the real allocator cannot be resolved, the library passes every call through to glibc's
 *    __libc_* entry points and reports itself inactive instead of guessing.
 */
#define _GNU_SOURCE
#include "miconform/heap_count.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "bootstrap_arena.h"

#define INTERPOSED __attribute__((visibility("default")))

/* ---- the real allocator ------------------------------------------------------------------- */

typedef struct {
  void* (*fn_malloc)(size_t);
  void (*fn_free)(void*);
  void* (*fn_calloc)(size_t, size_t);
  void* (*fn_realloc)(void*, size_t);
  int (*fn_posix_memalign)(void**, size_t, size_t);
  void* (*fn_aligned_alloc)(size_t, size_t);
  void* (*fn_memalign)(size_t, size_t);
  void* (*fn_valloc)(size_t);
  void* (*fn_pvalloc)(size_t);
  size_t (*fn_usable_size)(void*);
} Allocator;

/* glibc's own entry points: the pass-through when RTLD_NEXT resolution fails. Weak, so the
 * library still loads (and falls back to the arena) on a C library without them. */
extern void* __libc_malloc(size_t) __attribute__((weak));
extern void __libc_free(void*) __attribute__((weak));
extern void* __libc_calloc(size_t, size_t) __attribute__((weak));
extern void* __libc_realloc(void*, size_t) __attribute__((weak));
extern void* __libc_memalign(size_t, size_t) __attribute__((weak));
extern void* __libc_valloc(size_t) __attribute__((weak));
extern void* __libc_pvalloc(size_t) __attribute__((weak));

enum Mode {
  kUnresolved = 0,  /* nothing called yet */
  kResolving = 1,   /* one thread is inside dlsym; allocations meanwhile come from the arena */
  kActive = 2,      /* real allocator resolved; every call is forwarded and counted */
  kPassThrough = 3, /* resolution failed; calls go to __libc_*, nothing is counted */
  kUnavailable = 4  /* neither: only the arena is left (allocations fail once it is spent) */
};

static atomic_int mode = kUnresolved;
static Allocator
    real; /* written once before mode becomes kActive (release), read after (acquire) */

static _Atomic uint64_t live_bytes;
static _Atomic uint64_t live_blocks;
static _Atomic uint64_t total_allocations;

#define RESOLVE(field, name) (a.field = (__typeof__(a.field))dlsym(RTLD_NEXT, name)) != NULL

static int resolve_next_allocator(void) {
#ifdef MICONFORM_HEAP_REFUSE_NEXT_ALLOCATOR
  /* Self-test variant only: exercises the pass-through path that a failed lookup takes. */
  return 0;
#endif
  Allocator a;
  memset(&a, 0, sizeof a);
  int ok = RESOLVE(fn_malloc, "malloc") && RESOLVE(fn_free, "free") &&
           RESOLVE(fn_calloc, "calloc") && RESOLVE(fn_realloc, "realloc") &&
           RESOLVE(fn_posix_memalign, "posix_memalign") &&
           RESOLVE(fn_aligned_alloc, "aligned_alloc") && RESOLVE(fn_memalign, "memalign") &&
           RESOLVE(fn_valloc, "valloc") && RESOLVE(fn_pvalloc, "pvalloc") &&
           RESOLVE(fn_usable_size, "malloc_usable_size");
  if (!ok) return 0;
  real = a;
  return 1;
}

static int libc_entry_points_present(void) {
  return __libc_malloc && __libc_free && __libc_calloc && __libc_realloc && __libc_memalign &&
         __libc_valloc && __libc_pvalloc;
}

/* Exactly one thread resolves; a recursive call from inside dlsym (same thread) or a concurrent
 * call (other thread) sees kResolving and is served by the arena, so nobody ever waits here. */
static int current_mode(void) {
  int m = atomic_load_explicit(&mode, memory_order_acquire);
  if (m != kUnresolved) return m;
  int expected = kUnresolved;
  if (!atomic_compare_exchange_strong_explicit(&mode, &expected, kResolving, memory_order_acq_rel,
                                               memory_order_acquire))
    return expected;
  int saved_errno = errno;
  int outcome = resolve_next_allocator()      ? kActive
                : libc_entry_points_present() ? kPassThrough
                                              : kUnavailable;
  errno = saved_errno;
  atomic_store_explicit(&mode, outcome, memory_order_release);
  return outcome;
}

/* Resolve as early as possible, while the process is still single-threaded. */
__attribute__((constructor)) static void heap_count_start(void) { (void)current_mode(); }

/* ---- accounting --------------------------------------------------------------------------- */

static void* counted(void* block) {
  if (block) {
    atomic_fetch_add_explicit(&live_bytes, real.fn_usable_size(block), memory_order_relaxed);
    atomic_fetch_add_explicit(&live_blocks, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&total_allocations, 1, memory_order_relaxed);
  }
  return block;
}

static void uncount(void* block) {
  atomic_fetch_sub_explicit(&live_bytes, real.fn_usable_size(block), memory_order_relaxed);
  atomic_fetch_sub_explicit(&live_blocks, 1, memory_order_relaxed);
}

static int valid_posix_alignment(size_t alignment) {
  return alignment >= sizeof(void*) && (alignment & (alignment - 1)) == 0;
}

static size_t page_size(void) {
  long size = sysconf(_SC_PAGESIZE);
  return size > 0 ? (size_t)size : 4096;
}

/* ---- interposed entry points -------------------------------------------------------------- */

INTERPOSED void* malloc(size_t size) {
  switch (current_mode()) {
    case kActive: return counted(real.fn_malloc(size));
    case kPassThrough: return __libc_malloc(size);
    default: return miconform_arena_allocate(size, 16);
  }
}

INTERPOSED void free(void* block) {
  if (!block || miconform_arena_owns(block)) return;
  switch (current_mode()) {
    case kActive:
      uncount(block);
      real.fn_free(block);
      return;
    case kPassThrough: __libc_free(block); return;
    default: return; /* a real block while nothing real is known: leaking it is the safe choice */
  }
}

INTERPOSED void* calloc(size_t count, size_t size) {
  switch (current_mode()) {
    case kActive: return counted(real.fn_calloc(count, size));
    case kPassThrough: return __libc_calloc(count, size);
    default:
      if (size != 0 && count > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
      }
      return miconform_arena_allocate(count * size, 16); /* arena memory is zeroed */
  }
}

/* realloc of a bootstrap block: move it to a real (counted) block; the arena copy stays behind. */
static void* realloc_from_arena(void* block, size_t size) {
  if (size == 0) return NULL;
  void* moved = malloc(size);
  if (moved) {
    size_t old_size = miconform_arena_block_size(block);
    memcpy(moved, block, old_size < size ? old_size : size);
  }
  return moved;
}

INTERPOSED void* realloc(void* block, size_t size) {
  if (block && miconform_arena_owns(block)) return realloc_from_arena(block, size);
  switch (current_mode()) {
    case kActive: {
      if (!block) return counted(real.fn_realloc(NULL, size));
      size_t old_usable = real.fn_usable_size(block);
      void* moved = real.fn_realloc(block, size);
      if (moved) {
        /* One modular add keeps a concurrent snapshot from seeing a half-applied change. */
        uint64_t change = (uint64_t)real.fn_usable_size(moved) - (uint64_t)old_usable;
        atomic_fetch_add_explicit(&live_bytes, change, memory_order_relaxed);
        atomic_fetch_add_explicit(&total_allocations, 1, memory_order_relaxed);
      } else if (size == 0) {
        /* glibc frees the block for realloc(p, 0) and returns NULL. */
        atomic_fetch_sub_explicit(&live_bytes, old_usable, memory_order_relaxed);
        atomic_fetch_sub_explicit(&live_blocks, 1, memory_order_relaxed);
      }
      return moved;
    }
    case kPassThrough: return __libc_realloc(block, size);
    default:
      if (!block) return miconform_arena_allocate(size, 16);
      errno = ENOMEM; /* a real block cannot be resized before the real allocator is known */
      return NULL;
  }
}

INTERPOSED int posix_memalign(void** out, size_t alignment, size_t size) {
  int m = current_mode();
  if (m == kActive) {
    int status = real.fn_posix_memalign(out, alignment, size);
    if (status == 0) counted(*out);
    return status;
  }
  if (!valid_posix_alignment(alignment)) return EINVAL;
  int saved_errno = errno; /* posix_memalign reports through its result, never errno */
  void* block = m == kPassThrough ? __libc_memalign(alignment, size)
                                  : miconform_arena_allocate(size, alignment);
  errno = saved_errno;
  if (!block) return ENOMEM;
  *out = block;
  return 0;
}

INTERPOSED void* aligned_alloc(size_t alignment, size_t size) {
  switch (current_mode()) {
    case kActive: return counted(real.fn_aligned_alloc(alignment, size));
    case kPassThrough: return __libc_memalign(alignment, size);
    default: return miconform_arena_allocate(size, alignment);
  }
}

INTERPOSED void* memalign(size_t alignment, size_t size) {
  switch (current_mode()) {
    case kActive: return counted(real.fn_memalign(alignment, size));
    case kPassThrough: return __libc_memalign(alignment, size);
    default: return miconform_arena_allocate(size, alignment);
  }
}

INTERPOSED void* valloc(size_t size) {
  switch (current_mode()) {
    case kActive: return counted(real.fn_valloc(size));
    case kPassThrough: return __libc_valloc(size);
    default: return miconform_arena_allocate(size, page_size());
  }
}

INTERPOSED void* pvalloc(size_t size) {
  switch (current_mode()) {
    case kActive: return counted(real.fn_pvalloc(size));
    case kPassThrough: return __libc_pvalloc(size);
    default: {
      size_t page = page_size();
      if (size > SIZE_MAX - page) {
        errno = ENOMEM;
        return NULL;
      }
      return miconform_arena_allocate(size == 0 ? page : (size + page - 1) & ~(page - 1), page);
    }
  }
}

/* C23 sized frees: a C library that adds them would otherwise release counted blocks unseen and
 * turn them into phantom leaks. The size hint is optional by contract, so plain free is exact. */
INTERPOSED void free_sized(void* block, size_t size) {
  (void)size;
  free(block);
}

INTERPOSED void free_aligned_sized(void* block, size_t alignment, size_t size) {
  (void)alignment;
  (void)size;
  free(block);
}

/* ---- the case-facing API (heap_count.h) --------------------------------------------------- */

INTERPOSED int miconform_heap_active(void) { return current_mode() == kActive; }

INTERPOSED void miconform_heap_snapshot(MiconformHeapSnapshot* out) {
  if (!out) return;
  out->live_bytes = atomic_load_explicit(&live_bytes, memory_order_relaxed);
  out->live_blocks = atomic_load_explicit(&live_blocks, memory_order_relaxed);
  out->total_allocations = atomic_load_explicit(&total_allocations, memory_order_relaxed);
}

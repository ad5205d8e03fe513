// opaque_allocation.h - allocation functions called through volatile pointers, so the compiler
// cannot elide or merge the malloc/free pairs the heap self-tests count. Used by selftest_heap.
#ifndef MICONFORM_HEAP_SELFTEST_OPAQUE_ALLOCATION_H
#define MICONFORM_HEAP_SELFTEST_OPAQUE_ALLOCATION_H

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include <cstddef>
#include <new>

namespace miconform::heap::selftest {

inline void* (*volatile opaque_malloc)(std::size_t) = ::malloc;
inline void (*volatile opaque_free)(void*) = ::free;
inline void* (*volatile opaque_calloc)(std::size_t, std::size_t) = ::calloc;
inline void* (*volatile opaque_realloc)(void*, std::size_t) = ::realloc;
inline void* (*volatile opaque_reallocarray)(void*, std::size_t, std::size_t) = ::reallocarray;
inline int (*volatile opaque_posix_memalign)(void**, std::size_t, std::size_t) = ::posix_memalign;
inline void* (*volatile opaque_aligned_alloc)(std::size_t, std::size_t) = ::aligned_alloc;
inline void* (*volatile opaque_memalign)(std::size_t, std::size_t) = ::memalign;
inline void* (*volatile opaque_valloc)(std::size_t) = ::valloc;
inline void* (*volatile opaque_pvalloc)(std::size_t) = ::pvalloc;
inline char* (*volatile opaque_strdup)(const char*) = ::strdup;
inline void* (*volatile opaque_operator_new)(std::size_t) =
    static_cast<void* (*)(std::size_t)>(::operator new);
inline void (*volatile opaque_operator_delete)(void*) noexcept =
    static_cast<void (*)(void*) noexcept>(::operator delete);

}  // namespace miconform::heap::selftest

#endif  // MICONFORM_HEAP_SELFTEST_OPAQUE_ALLOCATION_H

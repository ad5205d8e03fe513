// handle_registry.h - maps the reserved fields of an MI handle to the live reference object it
// names; used by every table entry of the reference to validate a handle before touching it.
//
// Thread-safe. The registry's mutex is a leaf: no other lock is taken while it is held, and no
// callback runs under it. Ids are never reused, so a handle of a closed object stays invalid.
#ifndef MICONFORM_REFERENCE_HANDLE_REGISTRY_H
#define MICONFORM_REFERENCE_HANDLE_REGISTRY_H

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "miconform/mi_abi.h"

namespace miconform::reference {

// A fresh object id, unique over every kind of handle of the process.
inline std::uint64_t NextObjectId() {
  static std::atomic<std::uint64_t> next{0};
  return ++next;
}

template <typename Object>
class HandleRegistry {
 public:
  // `tag` goes into reserved2 of every handle of this kind; it tells kinds apart and makes a
  // zeroed or foreign handle fail the lookup before the id is even looked at.
  explicit HandleRegistry(std::ptrdiff_t tag) : tag_(tag) {}

  void Add(std::uint64_t id, std::shared_ptr<Object> object) {
    std::lock_guard lock(mutex_);
    objects_[id] = std::move(object);
  }

  // Idempotent.
  void Remove(std::uint64_t id) {
    std::shared_ptr<Object> dropped;  // destroyed after the lock is released
    std::lock_guard lock(mutex_);
    auto it = objects_.find(id);
    if (it != objects_.end()) {
      dropped = std::move(it->second);
      objects_.erase(it);
    }
  }

  // The live object the handle names, or nullptr (NULL pointer, wrong tag, unknown id).
  template <typename Handle>
  std::shared_ptr<Object> Find(const Handle* handle) const {
    if (handle == nullptr || handle->reserved2 != tag_ || handle->reserved1 == 0) {
      return nullptr;
    }
    std::lock_guard lock(mutex_);
    auto it = objects_.find(handle->reserved1);
    return it == objects_.end() ? nullptr : it->second;
  }

  // The id a handle of this kind carries, live or not; 0 for a NULL pointer or another kind's tag.
  template <typename Handle>
  std::uint64_t IdOf(const Handle* handle) const {
    return handle == nullptr || handle->reserved2 != tag_ ? 0 : handle->reserved1;
  }

  // The live object with this id, or nullptr (never registered, or removed since).
  std::shared_ptr<Object> FindId(std::uint64_t id) const {
    std::lock_guard lock(mutex_);
    auto it = objects_.find(id);
    return it == objects_.end() ? nullptr : it->second;
  }

  template <typename Handle, typename Table>
  void Fill(Handle* handle, std::uint64_t id, const Table* table) const {
    handle->reserved1 = id;
    handle->reserved2 = tag_;
    handle->ft = table;
  }

 private:
  const std::ptrdiff_t tag_;
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, std::shared_ptr<Object>> objects_;
};

}  // namespace miconform::reference

#endif  // MICONFORM_REFERENCE_HANDLE_REGISTRY_H

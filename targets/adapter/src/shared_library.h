// shared_library.h - an owned dlopen handle with precise failure reasons, used by the library
// target and the scripted-backend wrapper.
#ifndef MICONFORM_ADAPTER_SHARED_LIBRARY_H
#define MICONFORM_ADAPTER_SHARED_LIBRARY_H

#include <string>

namespace miconform::adapter {

// Why a library file cannot be opened, found before dlopen is tried so the message can be
// precise; empty when the path names a readable regular file.
std::string UnreadableFileReason(const std::string& path);

// dlopen keeps the handle; the destructor dlcloses it. Not copyable, movable. Thread-compatible
// (dlopen/dlsym/dlclose are themselves thread-safe).
class SharedLibrary {
 public:
  SharedLibrary() = default;
  SharedLibrary(const SharedLibrary&) = delete;
  SharedLibrary& operator=(const SharedLibrary&) = delete;
  SharedLibrary(SharedLibrary&& other) noexcept;
  SharedLibrary& operator=(SharedLibrary&& other) noexcept;
  ~SharedLibrary();

  // Opens `path` with `flags` (RTLD_*). A path without '/' is taken relative to the working
  // directory, never searched for on the library path. Returns false and fills *error with
  // dlerror() on failure.
  bool Open(const std::string& path, int flags, std::string* error);
  // The symbol's address, or nullptr (then *error holds the reason).
  void* Find(const std::string& symbol, std::string* error) const;
  bool is_open() const { return handle_ != nullptr; }

 private:
  void* handle_ = nullptr;
};

}  // namespace miconform::adapter

#endif  // MICONFORM_ADAPTER_SHARED_LIBRARY_H

// shared_library.cc - the dlopen wrapper of shared_library.h.
#include "shared_library.h"

#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace miconform::adapter {

std::string UnreadableFileReason(const std::string& path) {
  if (path.empty()) return "no path was given";
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return "no such file";
    return std::strerror(errno);
  }
  if (S_ISDIR(info.st_mode)) return "it is a directory, not a library file";
  if (!S_ISREG(info.st_mode)) return "it is not a regular file";
  if (access(path.c_str(), R_OK) != 0)
    return std::string("it cannot be read: ") + std::strerror(errno);
  return {};
}

SharedLibrary::SharedLibrary(SharedLibrary&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)) {}

SharedLibrary& SharedLibrary::operator=(SharedLibrary&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) dlclose(handle_);
    handle_ = std::exchange(other.handle_, nullptr);
  }
  return *this;
}

SharedLibrary::~SharedLibrary() {
  if (handle_ != nullptr) dlclose(handle_);
}

bool SharedLibrary::Open(const std::string& path, int flags, std::string* error) {
  // dlopen searches LD_LIBRARY_PATH and the system directories for a bare name; the user named a
  // file, so keep it a file.
  const std::string file = path.find('/') == std::string::npos ? "./" + path : path;
  void* handle = dlopen(file.c_str(), flags);
  if (handle == nullptr) {
    const char* reason = dlerror();
    *error = reason != nullptr ? reason : "dlopen failed without a reason";
    return false;
  }
  if (handle_ != nullptr) dlclose(handle_);
  handle_ = handle;
  return true;
}

void* SharedLibrary::Find(const std::string& symbol, std::string* error) const {
  if (handle_ == nullptr) {
    *error = "the library is not open";
    return nullptr;
  }
  dlerror();  // clear a stale error so a NULL-valued symbol is told apart from a missing one
  void* address = dlsym(handle_, symbol.c_str());
  if (address == nullptr) {
    const char* reason = dlerror();
    *error = reason != nullptr ? reason : "the symbol's address is NULL";
  }
  return address;
}

}  // namespace miconform::adapter

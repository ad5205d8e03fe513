// test_support.h - small helpers of the adapter's self-tests: scoped environment variables and
// whole-file reads and writes.
#ifndef MICONFORM_ADAPTER_SELFTEST_TEST_SUPPORT_H
#define MICONFORM_ADAPTER_SELFTEST_TEST_SUPPORT_H

#include <stdlib.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace miconform::selftest {

// Sets (or, with nullopt, unsets) an environment variable and restores the old value when
// destroyed. Tests using it must not start threads that read the environment meanwhile.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::optional<std::string>& value) : name_(name) {
    if (const char* old = getenv(name)) old_ = old;
    if (value)
      setenv(name, value->c_str(), 1);
    else
      unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      setenv(name_.c_str(), old_->c_str(), 1);
    else
      unsetenv(name_.c_str());
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

inline void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

}  // namespace miconform::selftest

#endif  // MICONFORM_ADAPTER_SELFTEST_TEST_SUPPORT_H

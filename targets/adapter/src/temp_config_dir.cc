// temp_config_dir.cc - the self-removing private directory of temp_config_dir.h.
#include "miconform/temp_config_dir.h"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "miconform/target.h"

namespace miconform {

namespace adapter {
std::string TempRoot() {
  const char* root = std::getenv("TMPDIR");
  return root != nullptr && *root != '\0' ? root : "/tmp";
}
}  // namespace adapter

TempConfigDir::TempConfigDir() {
  std::string pattern = adapter::TempRoot() + "/miconform-config-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (mkdtemp(buffer.data()) == nullptr) {
    throw TargetLoadError(TargetLoadError::Kind::kConfigDirUnusable,
                          "cannot create a private configuration directory '" + pattern +
                              "': " + std::strerror(errno));
  }
  path_ = buffer.data();
}

TempConfigDir::~TempConfigDir() {
  std::error_code ignored;  // a destructor must not throw; a leftover temp dir is harmless
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace miconform

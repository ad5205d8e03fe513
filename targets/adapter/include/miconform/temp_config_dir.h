// temp_config_dir.h - a private configuration directory for a run against a built-in target
// (whose omicli.conf the runner's handler registration writes); used by the runner and the
// self-tests.
#ifndef MICONFORM_TEMP_CONFIG_DIR_H
#define MICONFORM_TEMP_CONFIG_DIR_H

#include <string>

namespace miconform {

// Creates a fresh directory `miconform-config-XXXXXX` under $TMPDIR (or /tmp when unset or empty)
// and removes it with all its content when destroyed. Throws TargetLoadError kConfigDirUnusable
// when it cannot be created. Not copyable; not thread-safe (owned by one thread).
class TempConfigDir {
 public:
  TempConfigDir();
  ~TempConfigDir();
  TempConfigDir(const TempConfigDir&) = delete;
  TempConfigDir& operator=(const TempConfigDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

namespace adapter {
// $TMPDIR, or /tmp when it is unset or empty.
std::string TempRoot();
}  // namespace adapter

}  // namespace miconform

#endif  // MICONFORM_TEMP_CONFIG_DIR_H

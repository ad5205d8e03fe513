// omicli_conf.h - line-exact reading and atomic rewriting of an omicli.conf, for the handler
// registration. Every line keeps its own terminator, so removing lines leaves every other byte
// as it was.
#ifndef MICONFORM_ADAPTER_OMICLI_CONF_H
#define MICONFORM_ADAPTER_OMICLI_CONF_H

#include <sys/types.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace miconform::adapter {

// An exclusive flock on a directory, held while one process reads, changes and replaces the
// configuration file in it, so two runs sharing a directory never lose each other's lines.
// Throws std::runtime_error when the directory cannot be opened or locked.
class DirectoryLock {
 public:
  explicit DirectoryLock(const std::string& directory);
  ~DirectoryLock();
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

 private:
  int fd_ = -1;
};

struct ConfFile {
  std::string path;       // as named by the caller
  std::string real_path;  // the file really replaced (symbolic links followed)
  bool exists = false;
  mode_t mode = 0644;
  uid_t owner = 0;
  gid_t group = 0;
  std::vector<std::string> lines;  // each with its '\n', the last possibly without
};

// Reads `path` (a missing file is an empty ConfFile with exists == false). Throws
// std::runtime_error naming the cause.
ConfFile ReadConf(const std::string& path);

// Replaces the file with `lines` through a temporary file in the same directory and rename, with
// the original mode (and owner, where permitted). Throws std::runtime_error naming the cause.
void WriteConf(const ConfFile& file, const std::vector<std::string>& lines);

// A line without its terminator ("\n" or "\r\n").
std::string LineText(const std::string& line);

// For `protocolhandler = NAME , ...` lines: NAME (trimmed); empty for every other line.
std::string RegisteredProtocol(const std::string& line);

}  // namespace miconform::adapter

#endif  // MICONFORM_ADAPTER_OMICLI_CONF_H

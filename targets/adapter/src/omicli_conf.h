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

// An exclusive flock held while one process reads, changes and replaces a configuration file,
// so two runs sharing the file never lose each other's lines, whichever name they reach it by.
// What is locked: the directory that really holds the file (the canonical path's directory,
// symbolic links followed), so two configuration directories whose omicli.conf are links to one
// file take one lock. Not the file itself: every rewrite replaces it by rename, so a lock on it
// would be on an inode the next rewrite retires, and an absent file has none. Not a separate lock
// file: it would stay behind in the vendor's directory. The directory receiving the rename is the
// one object every writer of the file shares. After locking, the path is resolved again, and the
// lock moves if a link was changed meanwhile. Throws std::runtime_error when the directory cannot
// be opened or locked.
class ConfFileLock {
 public:
  explicit ConfFileLock(const std::string& path);
  ~ConfFileLock();
  ConfFileLock(const ConfFileLock&) = delete;
  ConfFileLock& operator=(const ConfFileLock&) = delete;

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

// Reads `path` (a missing file is an empty ConfFile with exists == false); call it under the
// ConfFileLock of `path` before every rewrite. Throws std::runtime_error naming the cause.
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

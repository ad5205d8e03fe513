// omicli_conf.cc - reading, locking and atomic rewriting of omicli.conf (omicli_conf.h).
#include "omicli_conf.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace miconform::adapter {
namespace {

std::string Errno() { return std::strerror(errno); }

std::string Trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

bool WriteAll(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t written = write(fd, data.data() + done, data.size() - done);
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<std::size_t>(written);
  }
  return true;
}

// The directory that really holds `path`: that of its canonical path when it resolves, else (an
// absent file, a dangling link) the canonical directory it is named in, where a rewrite creates it.
std::string RealDirectoryOf(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::path real = fs::canonical(path, error);
  if (!error) return real.parent_path().string();
  fs::path directory = fs::path(path).parent_path();
  if (directory.empty()) directory = ".";
  const fs::path real_directory = fs::canonical(directory, error);
  return error ? directory.string() : real_directory.string();
}

}  // namespace

ConfFileLock::ConfFileLock(const std::string& path) {
  // Gives up after this many moves of the lock; links changing that often are not ours to fix.
  constexpr int kMaxAttempts = 100;
  for (int attempt = 1;; ++attempt) {
    const std::string directory = RealDirectoryOf(path);
    fd_ = open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_ < 0) throw std::runtime_error("cannot open '" + directory + "': " + Errno());
    while (flock(fd_, LOCK_EX) != 0) {
      if (errno == EINTR) continue;
      const std::string reason = Errno();
      close(fd_);
      throw std::runtime_error("cannot lock '" + directory + "': " + reason);
    }
    if (RealDirectoryOf(path) == directory) return;
    close(fd_);
    fd_ = -1;
    if (attempt == kMaxAttempts) {
      throw std::runtime_error("cannot lock '" + path + "': its symbolic links keep changing");
    }
  }
}

ConfFileLock::~ConfFileLock() {
  if (fd_ >= 0) close(fd_);  // closing releases the flock
}

ConfFile ReadConf(const std::string& path) {
  ConfFile file;
  file.path = path;
  file.real_path = path;
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return file;
    throw std::runtime_error("cannot examine '" + path + "': " + Errno());
  }
  if (!S_ISREG(info.st_mode)) throw std::runtime_error("'" + path + "' is not a regular file");
  file.exists = true;
  file.mode = info.st_mode & 07777;
  file.owner = info.st_uid;
  file.group = info.st_gid;
  std::error_code error;
  const auto real = std::filesystem::canonical(path, error);
  if (!error) file.real_path = real.string();

  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read '" + path + "': " + Errno());
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) throw std::runtime_error("cannot read '" + path + "'");
  const std::string text = content.str();
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      file.lines.push_back(text.substr(start));
      break;
    }
    file.lines.push_back(text.substr(start, end - start + 1));
    start = end + 1;
  }
  return file;
}

void WriteConf(const ConfFile& file, const std::vector<std::string>& lines) {
  const std::filesystem::path target(file.real_path);
  std::string pattern =
      (target.parent_path() / ("." + target.filename().string() + ".miconform-XXXXXX")).string();
  const int fd = mkstemp(pattern.data());
  if (fd < 0)
    throw std::runtime_error("cannot create a temporary file next to '" + file.real_path +
                             "': " + Errno());
  std::string content;
  for (const std::string& line : lines) content += line;
  bool ok = WriteAll(fd, content) && fchmod(fd, file.mode) == 0;
  std::string reason = ok ? "" : Errno();
  if (ok && file.exists && (file.owner != geteuid() || file.group != getegid())) {
    // Keep the file's owner when we are allowed to; failing that, the content still matters more.
    if (fchown(fd, file.owner, file.group) != 0) { /* not permitted: keep our ownership */
    }
  }
  if (ok && fsync(fd) != 0) {
    ok = false;
    reason = Errno();
  }
  close(fd);
  if (ok && rename(pattern.c_str(), file.real_path.c_str()) != 0) {
    ok = false;
    reason = Errno();
  }
  if (!ok) {
    unlink(pattern.c_str());
    throw std::runtime_error("cannot write '" + file.real_path + "': " + reason);
  }
}

std::string LineText(const std::string& line) {
  std::string text = line;
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
  return text;
}

std::string RegisteredProtocol(const std::string& line) {
  const std::string text = Trim(LineText(line));
  static const std::string kKey = "protocolhandler";
  if (text.compare(0, kKey.size(), kKey) != 0) return {};
  std::string rest = Trim(text.substr(kKey.size()));
  if (rest.empty() || rest[0] != '=') return {};
  rest = rest.substr(1);
  return Trim(rest.substr(0, rest.find(',')));
}

}  // namespace miconform::adapter

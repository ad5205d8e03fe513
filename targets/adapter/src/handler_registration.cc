// handler_registration.cc - the omicli.conf registration of the scripted handler
// (handler_registration.h).
#include "miconform/handler_registration.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <vector>

#include "omicli_conf.h"
#include "shared_library.h"

namespace miconform {
namespace {

using Kind = TargetLoadError::Kind;
namespace fs = std::filesystem;

constexpr const char* kConfFileName = "omicli.conf";
constexpr const char* kLinkDirPrefix = "miconform-handler-";
constexpr const char* kMarkerPrefix = "# miconform ";
constexpr const char* kMarkerSuffix = ": added for a conformance run; removed when it ends";
constexpr const char* kBuiltinProtocols[] = {"OMI_SOCKETS", "MI_REMOTE_WSMAN"};

std::string MarkerFor(pid_t pid) {
  return kMarkerPrefix + std::to_string(pid) + kMarkerSuffix;
}

// The pid of a marker line, or nothing for any other line.
std::optional<pid_t> MarkerPid(const std::string& line) {
  const std::string text = adapter::LineText(line);
  const std::string prefix = kMarkerPrefix;
  const std::string suffix = kMarkerSuffix;
  if (text.size() <= prefix.size() + suffix.size()) return std::nullopt;
  if (text.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  if (text.compare(text.size() - suffix.size(), suffix.size(), suffix) != 0) return std::nullopt;
  const std::string digits = text.substr(prefix.size(), text.size() - prefix.size() - suffix.size());
  if (digits.empty() || digits.size() > 9) return std::nullopt;
  for (char c : digits) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  return static_cast<pid_t>(std::stol(digits));
}

bool ProcessAlive(pid_t pid) {
  if (pid <= 0) return false;
  if (pid == getpid()) return true;
  return kill(pid, 0) == 0 || errno == EPERM;
}

bool EqualsIgnoringCase(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) !=
        std::toupper(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

void CheckConfigDir(const std::string& dir) {
  const std::string hint = ": the suite registers its scripted handler in " + dir + "/" +
                           kConfFileName + " (--config-dir)";
  if (dir.empty()) {
    throw TargetLoadError(Kind::kConfigDirUnusable, "no configuration directory was given");
  }
  struct stat info {};
  if (stat(dir.c_str(), &info) != 0) {
    const std::string reason = errno == ENOENT ? "does not exist" : std::strerror(errno);
    throw TargetLoadError(Kind::kConfigDirUnusable,
                          "the configuration directory '" + dir + "' " + reason + hint);
  }
  if (!S_ISDIR(info.st_mode)) {
    throw TargetLoadError(Kind::kConfigDirUnusable,
                          "the configuration directory '" + dir + "' is not a directory" + hint);
  }
  if (access(dir.c_str(), W_OK | X_OK) != 0) {
    throw TargetLoadError(Kind::kConfigDirUnusable,
                          "the configuration directory '" + dir + "' is not writable (" +
                              std::strerror(errno) + ")" + hint);
  }
}

// The library path of a registration line's value (what follows NAME and precedes the entry
// field), or "" when the line is not shaped like ours.
std::string RegisteredLibraryOf(const std::string& line) {
  const std::string text = adapter::LineText(line);
  const auto equals = text.find('=');
  if (equals == std::string::npos) return {};
  const auto comma = text.find(',', equals);
  if (comma == std::string::npos) return {};
  const std::string rest = text.substr(comma + 1);
  const std::string suffix = std::string(",") + HandlerRegistration::kHandlerEntryField;
  if (rest.size() <= suffix.size() ||
      rest.compare(rest.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return {};
  }
  return rest.substr(0, rest.size() - suffix.size());
}

// Deletes a registration's private link directory, but only if it has the shape this file
// creates: a `miconform-handler-*` directory holding symbolic links.
void RemoveLinkDirectoryOf(const std::string& library) {
  const fs::path lib(library);
  const fs::path dir = lib.parent_path();
  if (dir.filename().string().rfind(kLinkDirPrefix, 0) != 0) return;
  for (const std::string& link :
       {lib.string(), lib.string() + "," + HandlerRegistration::kHandlerEntryField}) {
    struct stat info {};
    if (lstat(link.c_str(), &info) == 0 && S_ISLNK(info.st_mode)) unlink(link.c_str());
  }
  rmdir(dir.c_str());
}

}  // namespace

void HandlerRegistration::ValidateProtocolName(const std::string& protocol) {
  const std::string what = "the protocol name '" + protocol + "' (--protocol) ";
  if (protocol.empty()) {
    throw TargetLoadError(Kind::kConfigDirUnusable, "the protocol name (--protocol) is empty");
  }
  for (const char* builtin : kBuiltinProtocols) {
    if (EqualsIgnoringCase(protocol, builtin)) {
      throw TargetLoadError(Kind::kConfigDirUnusable,
                            what + "is a built-in protocol handler of OMI, which OMI looks up "
                                   "before configured handlers; choose another name");
    }
  }
  if (protocol.size() > kMaxFieldLength) {
    throw TargetLoadError(Kind::kConfigDirUnusable,
                          what + "is " + std::to_string(protocol.size()) +
                              " characters long; omicli.conf accepts at most " +
                              std::to_string(kMaxFieldLength));
  }
  for (char c : protocol) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == ',' || std::isspace(byte) || std::iscntrl(byte)) {
      throw TargetLoadError(Kind::kConfigDirUnusable,
                            what + "must not contain a comma, white space or a control "
                                   "character (omicli.conf splits its lines on them)");
    }
  }
}

HandlerRegistration::HandlerRegistration(const std::string& config_dir,
                                         const std::string& protocol,
                                         const std::string& handler_path) {
  static_assert(std::char_traits<char>::length(kHandlerEntryField) <= kMaxFieldLength);
  ValidateProtocolName(protocol);
  CheckConfigDir(config_dir);
  const std::string unreadable = adapter::UnreadableFileReason(handler_path);
  if (!unreadable.empty()) {
    throw TargetLoadError(Kind::kHandlerMissing, "the scripted protocol handler '" +
                                                     handler_path + "' is not usable: " +
                                                     unreadable);
  }
  std::error_code fs_error;
  fs::path handler = fs::canonical(handler_path, fs_error);
  if (fs_error) handler = fs::absolute(handler_path);
  config_file_ = (fs::path(config_dir) / kConfFileName).string();

  // The private link directory.
  std::string pattern = adapter::TempRoot() + "/" + kLinkDirPrefix + "XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    throw TargetLoadError(Kind::kConfigDirUnusable,
                          "cannot create a directory for the handler's links ('" + pattern +
                              "'): " + std::strerror(errno));
  }
  link_dir_ = pattern;
  registered_library_ = link_dir_ + "/" + handler.filename().string();
  comma_link_ = registered_library_ + "," + kHandlerEntryField;
  try {
    for (const std::string& link : {registered_library_, comma_link_}) {
      if (symlink(handler.c_str(), link.c_str()) != 0) {
        throw TargetLoadError(Kind::kConfigDirUnusable,
                              "cannot create the symbolic link '" + link + "' to the handler: " +
                                  std::strerror(errno));
      }
    }
    marker_line_ = MarkerFor(getpid());
    registration_line_ =
        "protocolhandler=" + protocol + "," + registered_library_ + "," + kHandlerEntryField;

    adapter::DirectoryLock lock(config_dir);
    adapter::ConfFile file = adapter::ReadConf(config_file_);
    std::optional<pid_t> previous_marker;
    for (std::size_t i = 0; i < file.lines.size(); ++i) {
      const std::string registered = adapter::RegisteredProtocol(file.lines[i]);
      if (!registered.empty() && EqualsIgnoringCase(registered, protocol)) {
        std::string by;
        if (previous_marker) {
          by = " for the miconform run with process id " + std::to_string(*previous_marker) +
               (ProcessAlive(*previous_marker) ? ", which is still running"
                                               : ", which was interrupted");
        }
        throw TargetLoadError(Kind::kConfigDirUnusable,
                              config_file_ + " already registers protocol '" + registered +
                                  "'" + by + " (line " + std::to_string(i + 1) + ": " +
                                  adapter::LineText(file.lines[i]) +
                                  "); the suite will not shadow it: choose another name with "
                                  "--protocol");
      }
      previous_marker = MarkerPid(file.lines[i]);
    }
    std::vector<std::string> lines = file.lines;
    if (!lines.empty() && lines.back().back() != '\n') {
      lines.back() += '\n';
      added_line_break_ = true;
    }
    lines.push_back(marker_line_ + "\n");
    lines.push_back(registration_line_ + "\n");
    adapter::WriteConf(file, lines);
    created_file_ = !file.exists;
    active_ = true;
  } catch (const TargetLoadError&) {
    RemoveLinks();
    throw;
  } catch (const std::exception& error) {
    RemoveLinks();
    throw TargetLoadError(Kind::kConfigDirUnusable,
                          "cannot register the scripted handler in " + config_file_ + ": " +
                              error.what());
  }
}

HandlerRegistration::~HandlerRegistration() { Remove(); }

bool HandlerRegistration::Remove() noexcept {
  if (!active_) return true;
  active_ = false;
  bool ok = true;
  try {
    adapter::DirectoryLock lock(fs::path(config_file_).parent_path().string());
    adapter::ConfFile file = adapter::ReadConf(config_file_);
    std::vector<std::string> lines = file.lines;
    bool changed = false;
    for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
      if (adapter::LineText(lines[i]) == marker_line_ &&
          adapter::LineText(lines[i + 1]) == registration_line_) {
        lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(i),
                    lines.begin() + static_cast<std::ptrdiff_t>(i + 2));
        // The line break added before the block goes too, unless someone appended after it.
        if (added_line_break_ && i == lines.size() && i > 0 && lines[i - 1].back() == '\n') {
          lines[i - 1].pop_back();
        }
        changed = true;
        break;
      }
    }
    if (!changed) {
      // The pair was separated by a hand edit: take out our exact lines wherever they are.
      for (const std::string& own : {marker_line_, registration_line_}) {
        for (auto it = lines.begin(); it != lines.end(); ++it) {
          if (adapter::LineText(*it) == own) {
            lines.erase(it);
            changed = true;
            break;
          }
        }
      }
    }
    if (changed) {
      if (created_file_ && lines.empty()) {
        if (unlink(file.real_path.c_str()) != 0 && errno != ENOENT) {
          throw std::runtime_error("cannot delete '" + file.real_path + "': " + std::strerror(errno));
        }
      } else {
        adapter::WriteConf(file, lines);
      }
    }
  } catch (const std::exception& error) {
    ok = false;
    std::cerr << "miconform: could not remove the scripted handler's registration from "
              << config_file_ << " (" << error.what() << "); remove these two lines by hand:\n  "
              << marker_line_ << "\n  " << registration_line_ << "\n";
  } catch (...) {
    ok = false;
  }
  RemoveLinks();
  return ok;
}

void HandlerRegistration::RemoveLinks() noexcept {
  if (link_dir_.empty()) return;
  for (const std::string& link : {comma_link_, registered_library_}) {
    if (!link.empty()) unlink(link.c_str());
  }
  rmdir(link_dir_.c_str());
  link_dir_.clear();
}

int HandlerRegistration::RemoveStaleRegistrations(const std::string& config_dir) {
  struct stat info {};
  if (stat(config_dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) return 0;
  const std::string path = (fs::path(config_dir) / kConfFileName).string();
  if (access(path.c_str(), F_OK) != 0) return 0;
  try {
    adapter::DirectoryLock lock(config_dir);
    adapter::ConfFile file = adapter::ReadConf(path);
    std::vector<std::string> kept;
    std::vector<std::string> stale_libraries;
    int removed = 0;
    for (std::size_t i = 0; i < file.lines.size(); ++i) {
      const std::optional<pid_t> pid = MarkerPid(file.lines[i]);
      if (!pid || ProcessAlive(*pid)) {
        kept.push_back(file.lines[i]);
        continue;
      }
      ++removed;
      if (i + 1 < file.lines.size() && !adapter::RegisteredProtocol(file.lines[i + 1]).empty()) {
        stale_libraries.push_back(RegisteredLibraryOf(file.lines[i + 1]));
        ++i;
      }
    }
    if (removed == 0) return 0;
    adapter::WriteConf(file, kept);
    for (const std::string& library : stale_libraries) {
      if (!library.empty()) RemoveLinkDirectoryOf(library);
    }
    return removed;
  } catch (const std::exception& error) {
    throw TargetLoadError(Kind::kConfigDirUnusable,
                          "cannot remove stale handler registrations from " + path + ": " +
                              error.what());
  }
}

}  // namespace miconform

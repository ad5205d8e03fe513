// handler_registration.cc - the omicli.conf registration of the scripted handler
// (handler_registration.h).
#include "miconform/handler_registration.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
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

// What a marker line records about its registration. The marker reads
//   # miconform <pid> (start <ticks>[, line break above added]): added for a conformance run; ...
// Markers of older versions carry the process id alone ("# miconform <pid>: ...").
struct Marker {
  pid_t pid = 0;
  std::optional<unsigned long long> start_time;  // field 22 of /proc/<pid>/stat
  // The line above the registration had no '\n' and the registration added one: whoever removes
  // the registration gives it back (EraseRegistration).
  bool added_line_break = false;
};

constexpr const char* kStartItem = "start ";
constexpr const char* kLineBreakItem = "line break above added";

std::string FormatMarker(const Marker& marker) {
  std::vector<std::string> items;
  if (marker.start_time) items.push_back(kStartItem + std::to_string(*marker.start_time));
  if (marker.added_line_break) items.push_back(kLineBreakItem);
  std::string text = kMarkerPrefix + std::to_string(marker.pid);
  for (std::size_t i = 0; i < items.size(); ++i) text += (i == 0 ? " (" : ", ") + items[i];
  if (!items.empty()) text += ")";
  return text + kMarkerSuffix;
}

bool AllDigits(const std::string& text, std::size_t max_length) {
  if (text.empty() || text.size() > max_length) return false;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// The marker of a marker line, or nothing for any other line. Unknown items are ignored.
std::optional<Marker> ParseMarker(const std::string& line) {
  const std::string text = adapter::LineText(line);
  const std::string prefix = kMarkerPrefix;
  const std::string suffix = kMarkerSuffix;
  if (text.size() <= prefix.size() + suffix.size()) return std::nullopt;
  if (text.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  if (text.compare(text.size() - suffix.size(), suffix.size(), suffix) != 0) return std::nullopt;
  const std::string middle =
      text.substr(prefix.size(), text.size() - prefix.size() - suffix.size());
  const std::size_t digits_end = std::min(middle.find(' '), middle.size());
  const std::string digits = middle.substr(0, digits_end);
  if (!AllDigits(digits, 9)) return std::nullopt;
  Marker marker;
  marker.pid = static_cast<pid_t>(std::stol(digits));
  if (digits_end == middle.size()) return marker;
  const std::string items = middle.substr(digits_end);
  if (items.size() < 3 || items.compare(0, 2, " (") != 0 || items.back() != ')')
    return std::nullopt;
  std::size_t start = 2;
  while (start < items.size() - 1) {
    const std::size_t end = std::min(items.find(", ", start), items.size() - 1);
    const std::string item = items.substr(start, end - start);
    if (item.rfind(kStartItem, 0) == 0) {
      const std::string ticks = item.substr(std::strlen(kStartItem));
      if (!AllDigits(ticks, 19)) return std::nullopt;
      marker.start_time = std::stoull(ticks);
    } else if (item == kLineBreakItem) {
      marker.added_line_break = true;
    }
    start = end + 2;
  }
  return marker;
}

// When process `pid` started (field 22 of /proc/<pid>/stat, in clock ticks since boot), or
// nothing when that cannot be read.
std::optional<unsigned long long> StartTimeOf(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!in || !std::getline(in, stat)) return std::nullopt;
  // Field 2 is the command name in parentheses and may itself hold spaces and parentheses.
  const auto name_end = stat.rfind(')');
  if (name_end == std::string::npos) return std::nullopt;
  std::istringstream fields(stat.substr(name_end + 1));
  std::string field;
  for (int number = 3; number <= 22; ++number) {
    if (!(fields >> field)) return std::nullopt;
  }
  if (!AllDigits(field, 19)) return std::nullopt;
  return std::stoull(field);
}

// Whether the run that wrote `marker` is still running: its process exists and, when the marker
// records a start time, started then (otherwise the id was reused). Markers without a start time
// go by the process id alone, as do processes whose start time cannot be read.
bool ProcessAlive(const Marker& marker) {
  if (marker.pid <= 0) return false;
  if (marker.pid != getpid() && kill(marker.pid, 0) != 0 && errno != EPERM) return false;
  if (!marker.start_time) return true;
  const std::optional<unsigned long long> started = StartTimeOf(marker.pid);
  return !started || *started == *marker.start_time;
}

bool SameRun(const Marker& a, const Marker& b) {
  return a.pid == b.pid && a.start_time == b.start_time;
}

// Takes a registration (`count` lines, its marker first, at `at`) out of `lines`. A marker noting
// that the registration added the line break above gives it back: the break goes when the
// registration ended the file, the note passes to the marker of a registration directly after it
// (which gives the break back in its turn, so two runs may end in any order), and the break stays
// when anything else follows, which now relies on it. Markers of older versions, matched by their
// exact text, are not rewritten; the break then stays.
void EraseRegistration(std::vector<std::string>& lines, std::size_t at, std::size_t count) {
  const std::optional<Marker> marker = ParseMarker(lines[at]);
  lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(at),
              lines.begin() + static_cast<std::ptrdiff_t>(std::min(at + count, lines.size())));
  if (!marker || !marker->added_line_break || at == 0) return;
  if (at == lines.size()) {
    if (lines[at - 1].back() == '\n') lines[at - 1].pop_back();
    return;
  }
  std::optional<Marker> next = ParseMarker(lines[at]);
  if (next && next->start_time) {
    next->added_line_break = true;
    const std::string terminator = lines[at].substr(adapter::LineText(lines[at]).size());
    lines[at] = FormatMarker(*next) + terminator;
  }
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
    throw TargetLoadError(Kind::kConfigDirUnusable, "the configuration directory '" + dir +
                                                        "' is not writable (" +
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
    throw TargetLoadError(Kind::kConfigDirUnusable, "the protocol name is empty");
  }
  for (const char* builtin : kBuiltinProtocols) {
    if (EqualsIgnoringCase(protocol, builtin)) {
      throw TargetLoadError(Kind::kConfigDirUnusable,
                            what +
                                "is a built-in protocol handler of OMI, which OMI looks up "
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
                            what +
                                "must not contain a comma, white space or a control "
                                "character (omicli.conf splits its lines on them)");
    }
    if (c == '=' || c == '#') {
      throw TargetLoadError(Kind::kConfigDirUnusable,
                            what +
                                "must not contain '=' or '#' (omicli.conf reads them as the "
                                "end of a key and the start of a comment)");
    }
  }
}

HandlerRegistration::HandlerRegistration(const std::string& config_dir, const std::string& protocol,
                                         const std::string& handler_path) {
  static_assert(std::char_traits<char>::length(kHandlerEntryField) <= kMaxFieldLength);
  ValidateProtocolName(protocol);
  CheckConfigDir(config_dir);
  const std::string unreadable = adapter::UnreadableFileReason(handler_path);
  if (!unreadable.empty()) {
    throw TargetLoadError(Kind::kHandlerMissing, "the scripted protocol handler '" + handler_path +
                                                     "' is not usable: " + unreadable);
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
                              "cannot create the symbolic link '" + link +
                                  "' to the handler: " + std::strerror(errno));
      }
    }
    Marker marker;
    marker.pid = getpid();
    marker.start_time = StartTimeOf(marker.pid);
    registration_line_ =
        "protocolhandler=" + protocol + "," + registered_library_ + "," + kHandlerEntryField;

    adapter::ConfFileLock lock(config_file_);
    adapter::ConfFile file = adapter::ReadConf(config_file_);
    std::optional<Marker> previous_marker;
    for (std::size_t i = 0; i < file.lines.size(); ++i) {
      const std::string registered = adapter::RegisteredProtocol(file.lines[i]);
      if (!registered.empty() && EqualsIgnoringCase(registered, protocol)) {
        std::string by;
        if (previous_marker) {
          by = " for the miconform run with process id " + std::to_string(previous_marker->pid) +
               (ProcessAlive(*previous_marker) ? ", which is still running"
                                               : ", which was interrupted");
        }
        throw TargetLoadError(Kind::kConfigDirUnusable,
                              config_file_ + " already registers protocol '" + registered + "'" +
                                  by + " (line " + std::to_string(i + 1) + ": " +
                                  adapter::LineText(file.lines[i]) +
                                  "); the suite will not shadow it: choose another name with "
                                  "--protocol");
      }
      previous_marker = ParseMarker(file.lines[i]);
    }
    std::vector<std::string> lines = file.lines;
    if (!lines.empty() && lines.back().back() != '\n') {
      lines.back() += '\n';
      marker.added_line_break = true;
    }
    marker_line_ = FormatMarker(marker);
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
    throw TargetLoadError(Kind::kConfigDirUnusable, "cannot register the scripted handler in " +
                                                        config_file_ + ": " + error.what());
  }
}

HandlerRegistration::~HandlerRegistration() { Remove(); }

bool HandlerRegistration::Remove() noexcept {
  if (!active_) return true;
  active_ = false;
  bool ok = true;
  try {
    adapter::ConfFileLock lock(config_file_);
    adapter::ConfFile file = adapter::ReadConf(config_file_);
    std::vector<std::string> lines = file.lines;
    // Our marker is found by its run, not its text: another run's removal may have added the
    // line-break note to it (EraseRegistration).
    const std::optional<Marker> own = ParseMarker(marker_line_);
    const auto is_own_marker = [&own](const std::string& line) {
      const std::optional<Marker> marker = ParseMarker(line);
      return own && marker && SameRun(*marker, *own);
    };
    bool changed = false;
    for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
      if (is_own_marker(lines[i]) && adapter::LineText(lines[i + 1]) == registration_line_) {
        EraseRegistration(lines, i, 2);
        changed = true;
        break;
      }
    }
    if (!changed) {
      // The pair was separated by a hand edit: take out our exact lines wherever they are.
      for (auto it = lines.begin(); it != lines.end(); ++it) {
        if (is_own_marker(*it)) {
          lines.erase(it);
          changed = true;
          break;
        }
      }
      for (auto it = lines.begin(); it != lines.end(); ++it) {
        if (adapter::LineText(*it) == registration_line_) {
          lines.erase(it);
          changed = true;
          break;
        }
      }
    }
    if (changed) {
      if (created_file_ && lines.empty()) {
        if (unlink(file.real_path.c_str()) != 0 && errno != ENOENT) {
          throw std::runtime_error("cannot delete '" + file.real_path +
                                   "': " + std::strerror(errno));
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
    adapter::ConfFileLock lock(path);
    adapter::ConfFile file = adapter::ReadConf(path);
    std::vector<std::string> lines = file.lines;
    std::vector<std::string> stale_libraries;
    int removed = 0;
    for (std::size_t i = 0; i < lines.size();) {
      const std::optional<Marker> marker = ParseMarker(lines[i]);
      if (!marker || ProcessAlive(*marker)) {
        ++i;
        continue;
      }
      ++removed;
      std::size_t count = 1;
      if (i + 1 < lines.size() && !adapter::RegisteredProtocol(lines[i + 1]).empty()) {
        stale_libraries.push_back(RegisteredLibraryOf(lines[i + 1]));
        count = 2;
      }
      EraseRegistration(lines, i, count);  // lines[i] is now the next line, looked at in turn
    }
    if (removed == 0) return 0;
    adapter::WriteConf(file, lines);
    for (const std::string& library : stale_libraries) {
      if (!library.empty()) RemoveLinkDirectoryOf(library);
    }
    return removed;
  } catch (const std::exception& error) {
    throw TargetLoadError(
        Kind::kConfigDirUnusable,
        "cannot remove stale handler registrations from " + path + ": " + error.what());
  }
}

}  // namespace miconform

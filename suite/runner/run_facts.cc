// run_facts.cc - host description and timestamps for report::RunInfo.
#include "run_facts.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <cstring>
#include <ctime>

namespace miconform::runner {

std::string HostDescription() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) std::strcpy(name, "unknown-host");
  struct utsname uts {};
  if (uname(&uts) != 0) return name;
  return std::string(name) + " (" + uts.sysname + " " + uts.release + " " + uts.machine + ")";
}

std::string IsoTimestamp(std::chrono::system_clock::time_point when) {
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  struct tm utc {};
  gmtime_r(&seconds, &utc);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", text, static_cast<int>(millis % 1000));
  return out;
}

std::optional<std::chrono::system_clock::time_point> ParseIsoTimestamp(std::string_view text) {
  // "YYYY-MM-DDTHH:MM:SS.mmmZ": 24 characters exactly.
  if (text.size() != 24 || text[10] != 'T' || text[19] != '.' || text[23] != 'Z')
    return std::nullopt;
  struct tm utc {};
  const std::string date(text.substr(0, 19));
  const char* end = strptime(date.c_str(), "%Y-%m-%dT%H:%M:%S", &utc);
  if (end == nullptr || *end != '\0') return std::nullopt;
  int millis = 0;
  for (char c : text.substr(20, 3)) {
    if (c < '0' || c > '9') return std::nullopt;
    millis = millis * 10 + (c - '0');
  }
  const std::time_t seconds = timegm(&utc);
  return std::chrono::system_clock::from_time_t(seconds) + std::chrono::milliseconds(millis);
}

}  // namespace miconform::runner

// journal.cc - the append-only JSON Lines record of a run, and its replay into a Report.
#include "miconform/report/journal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "json_model.h"

namespace miconform::report {
namespace {

using nlohmann::json;
using ordered = nlohmann::ordered_json;

}  // namespace

Journal::Journal(const std::filesystem::path& path, Mode mode) : path_(path) {
  const int flags = mode == Mode::kNew ? O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC
                                       : O_RDWR | O_APPEND | O_CLOEXEC;
  fd_ = ::open(path.c_str(), flags, 0644);
  if (fd_ < 0) {
    throw std::runtime_error("cannot open the run journal " + path.string() + ": " +
                             std::strerror(errno));
  }
  if (mode == Mode::kContinue) {
    // Cut a last line a killed writer left without its newline, so the next line starts clean.
    struct stat info {};
    off_t keep = 0;
    if (::fstat(fd_, &info) == 0) {
      char byte = 0;
      for (off_t at = info.st_size; at > 0; --at) {
        if (::pread(fd_, &byte, 1, at - 1) != 1) break;
        if (byte == '\n') {
          keep = at;
          break;
        }
      }
      if (keep != info.st_size && ::ftruncate(fd_, keep) != 0) {
        const std::string why = std::strerror(errno);
        ::close(fd_);
        fd_ = -1;
        throw std::runtime_error("cannot continue the run journal " + path.string() + ": " + why);
      }
    }
  }
}

Journal::~Journal() {
  if (fd_ >= 0) ::close(fd_);
}

void Journal::Begin(const RunInfo& run) {
  ordered event = ordered::object();
  event["event"] = "begin";
  event["schema_version"] = kSchemaVersion;
  event["run"] = json_model::ToJson(run);
  Append(json_model::Dump(event, -1));
}

void Journal::Record(const CaseResult& result) {
  ordered event = ordered::object();
  event["event"] = "case";
  event["case"] = json_model::ToJson(result);
  Append(json_model::Dump(event, -1));
}

void Journal::End(const std::string& ended) {
  ordered event = ordered::object();
  event["event"] = "end";
  event["ended"] = ended;
  Append(json_model::Dump(event, -1));
}

std::string Journal::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

void Journal::Append(const std::string& line) {
  const std::string record = line + "\n";
  std::lock_guard lock(mutex_);
  if (!error_.empty()) return;
  const char* data = record.data();
  std::size_t left = record.size();
  while (left > 0) {
    const ssize_t written = ::write(fd_, data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      error_ = "cannot append to the run journal " + path_.string() + ": " + std::strerror(errno);
      return;
    }
    data += written;
    left -= static_cast<std::size_t>(written);
  }
  if (::fsync(fd_) != 0 && errno != EINVAL) {
    error_ = "cannot flush the run journal " + path_.string() + ": " + std::strerror(errno);
  }
}

Report Journal::Replay(const std::filesystem::path& path, std::map<std::string, int>* records) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read the run journal " + path.string() + ": " +
                             std::strerror(errno));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string content = buffer.str();
  if (in.bad()) throw std::runtime_error("cannot read the run journal " + path.string());

  Report report;
  bool begun = false;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < content.size()) {
    ++line_number;
    const std::size_t newline = content.find('\n', start);
    const bool complete = newline != std::string::npos;
    const std::string line = content.substr(start, complete ? newline - start : std::string::npos);
    start = complete ? newline + 1 : content.size();
    const std::string where = path.string() + ":" + std::to_string(line_number);
    if (line.empty()) continue;

    json event;
    try {
      event = json::parse(line);
    } catch (const json::exception& error) {
      // A writer killed mid-line leaves a last line without its newline; that event never
      // happened as far as the record is concerned.
      if (!complete) break;
      throw std::runtime_error(where + ": not a JSON line: " + error.what());
    }
    try {
      const std::string kind = json_model::StringField(event, "event", "");
      if (kind == "begin") {
        const json& version = json_model::Field(event, "schema_version", "");
        if (!version.is_number_integer() || version.get<long long>() != kSchemaVersion) {
          throw std::runtime_error("schema_version: expected " + std::to_string(kSchemaVersion) +
                                   ", found " + version.dump());
        }
        report = Report();
        if (records != nullptr) records->clear();
        report.run = json_model::RunInfoFrom(json_model::Field(event, "run", ""), "run");
        // Only an end event proves the run ended, whatever the begin event carried.
        report.run.ended.clear();
        begun = true;
      } else if (!begun) {
        throw std::runtime_error("\"" + kind + "\" event before the begin event");
      } else if (kind == "case") {
        // A later record of a case supersedes the earlier one (the runner records a race case
        // again once its schedules have run).
        CaseResult result = json_model::CaseFrom(json_model::Field(event, "case", ""), "case");
        if (records != nullptr) ++(*records)[result.id];
        auto same = std::find_if(report.cases.begin(), report.cases.end(),
                                 [&](const CaseResult& c) { return c.id == result.id; });
        if (same != report.cases.end()) {
          *same = std::move(result);
        } else {
          report.cases.push_back(std::move(result));
        }
      } else if (kind == "end") {
        report.run.ended = json_model::StringField(event, "ended", "");
      } else {
        throw std::runtime_error("event: unknown event \"" + kind + "\"");
      }
    } catch (const json::exception& error) {
      throw std::runtime_error(where + ": " + error.what());
    } catch (const std::runtime_error& error) {
      throw std::runtime_error(where + ": " + error.what());
    }
  }
  if (!begun) throw std::runtime_error(path.string() + ": the journal has no begin event");
  return report;
}

}  // namespace miconform::report

// report_directory.cc - writes the four report files into a directory, each one atomically; and
// the lock a run holds on that directory.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>

#include "miconform/report/digest.h"
#include "miconform/report/directory_lock.h"
#include "miconform/report/expectations.h"
#include "miconform/report/writers.h"

namespace miconform::report {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void Fail(const std::string& what, const fs::path& path, int error) {
  throw std::runtime_error("cannot " + what + " " + path.string() + ": " + std::strerror(error));
}

// Closes the descriptor and removes the temporary file unless the rename happened.
class TemporaryFile {
 public:
  explicit TemporaryFile(const fs::path& final_path) {
    std::string pattern =
        (final_path.parent_path() / ("." + final_path.filename().string() + ".tmp-XXXXXX"))
            .string();
    fd_ = ::mkostemp(pattern.data(), O_CLOEXEC);
    if (fd_ < 0) Fail("create a temporary file for", final_path, errno);
    path_ = pattern;
  }
  ~TemporaryFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;

  void Write(const std::string& content) {
    const char* data = content.data();
    std::size_t left = content.size();
    while (left > 0) {
      const ssize_t written = ::write(fd_, data, left);
      if (written < 0) {
        if (errno == EINTR) continue;
        Fail("write", path_, errno);
      }
      data += written;
      left -= static_cast<std::size_t>(written);
    }
  }

  // Makes the content durable, then gives it the final name in one step.
  void Commit(const fs::path& final_path) {
    // mkstemp creates the file private to its owner; a report is meant to be read by others.
    if (::fchmod(fd_, 0644) != 0) Fail("set the permissions of", path_, errno);
    if (::fsync(fd_) != 0) Fail("flush", path_, errno);
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) Fail("close", path_, errno);
    if (::rename(path_.c_str(), final_path.c_str()) != 0)
      Fail("rename into place", final_path, errno);
    path_.clear();
  }

 private:
  int fd_ = -1;
  fs::path path_;
};

// The renames are durable only once the directory entry is on disk too.
void SyncDirectory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) Fail("open the report directory", dir, errno);
  const int result = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  // Some file systems cannot fsync a directory (EINVAL); the files themselves are already safe.
  if (result != 0 && error != EINVAL) Fail("flush the report directory", dir, error);
}

// What makes a directory able to take a report: a path, the directory (created with its parents
// when missing), and the right to write into it. Throws naming the directory otherwise.
void PrepareDirectory(const fs::path& dir) {
  if (dir.empty()) throw std::runtime_error("no report directory given: the path is empty");
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) {
    throw std::runtime_error("cannot create the report directory " + dir.string() + ": " +
                             error.message());
  }
  if (!fs::is_directory(dir, error)) {
    throw std::runtime_error("cannot use the report directory " + dir.string() +
                             ": it is not a directory");
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) Fail("write into the report directory", dir, errno);
}

std::string Render(const Report& report, void (*writer)(const Report&, std::ostream&)) {
  std::ostringstream out;
  writer(report, out);
  return std::move(out).str();
}

// The files a manifest covers, sorted: the journal and the expectations are there when the run
// had them (a directory written by a writer alone has no journal), the report files always.
constexpr const char* kJournalName = "journal.jsonl";
constexpr const char* kReportFiles[] = {"junit.xml", "report.html", "report.json", "report.md"};

std::string Manifest(const fs::path& dir) {
  std::set<std::string> names(std::begin(kReportFiles), std::end(kReportFiles));
  std::error_code error;
  for (const char* optional : {kJournalName, kExpectationsName}) {
    if (fs::is_regular_file(dir / optional, error)) names.insert(optional);
  }
  std::string manifest;
  for (const std::string& name : names) manifest += Sha256OfFile(dir / name) + "  " + name + "\n";
  return manifest;
}

}  // namespace

void WriteFileAtomically(const fs::path& path, const std::string& content) {
  TemporaryFile file(path);
  file.Write(content);
  file.Commit(path);
}

void KeepExpectations(const std::vector<Expectation>& entries, const fs::path& dir) {
  if (!entries.empty()) {
    WriteFileAtomically(dir / kExpectationsName, ExpectationsText(entries));
  } else if (::unlink((dir / kExpectationsName).c_str()) != 0 && errno != ENOENT) {
    Fail("remove", dir / kExpectationsName, errno);
  }
}

void WriteReportDirectory(const Report& report, const fs::path& dir) {
  PrepareDirectory(dir);
  // Every file is rendered before any is written, so a writer that throws leaves the directory
  // as it was.
  const std::string json = Render(report, WriteJson);
  const std::string junit = Render(report, WriteJunit);
  const std::string markdown = Render(report, WriteMarkdown);
  const std::string html = Render(report, WriteHtml);
  // The expectations first: removing a stale file is the step most likely to fail, and it must
  // fail before any report file is replaced.
  KeepExpectations(report.expectations, dir);
  WriteFileAtomically(dir / "report.json", json);
  WriteFileAtomically(dir / "junit.xml", junit);
  WriteFileAtomically(dir / "report.md", markdown);
  WriteFileAtomically(dir / "report.html", html);
  WriteFileAtomically(dir / kManifestName, Manifest(dir));
  SyncDirectory(dir);
}

std::vector<std::string> CheckManifest(const fs::path& dir) {
  std::vector<std::string> problems;
  std::ifstream in(dir / kManifestName);
  if (!in) {
    problems.push_back("no " + std::string(kManifestName) + " in " + dir.string() +
                       ": the directory was not written by a run of this suite, or was edited");
    return problems;
  }
  std::set<std::string> listed;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::size_t gap = line.find("  ");
    if (line.size() < 67 || gap != 64 || line.find_first_not_of("0123456789abcdef") < 64) {
      problems.push_back(std::string(kManifestName) + " line " + std::to_string(number) +
                         " is not \"<SHA-256>  <file>\"");
      continue;
    }
    const std::string name = line.substr(66);
    const std::string expected = line.substr(0, 64);
    listed.insert(name);
    std::error_code error;
    if (name.find('/') != std::string::npos || !fs::is_regular_file(dir / name, error)) {
      problems.push_back(name + " is listed in " + kManifestName + " but is not in the directory");
      continue;
    }
    std::string actual;
    try {
      actual = Sha256OfFile(dir / name);
    } catch (const std::exception& failure) {
      problems.push_back(failure.what());
      continue;
    }
    if (actual != expected) {
      problems.push_back(name + " is not as the run wrote it (SHA-256 " + actual + ", " +
                         kManifestName + " " + expected + ")");
    }
  }
  std::set<std::string> covered(std::begin(kReportFiles), std::end(kReportFiles));
  covered.insert(kJournalName);
  std::error_code error;
  if (fs::exists(dir / kExpectationsName, error)) covered.insert(kExpectationsName);
  for (const std::string& name : covered) {
    if (!listed.count(name)) {
      problems.push_back(name + " is not covered by " + std::string(kManifestName));
    }
  }
  return problems;
}

ReportDirectoryLock::ReportDirectoryLock(const fs::path& dir) {
  PrepareDirectory(dir);
  const fs::path path = dir / kFileName;
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) Fail("create the lock file", path, errno);
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(fd_);
    fd_ = -1;
    if (error == EWOULDBLOCK) {
      throw std::runtime_error("the report directory " + dir.string() +
                               " is in use by another miconform run (it holds " + path.string() +
                               "); wait for that run to end or choose another directory");
    }
    Fail("lock", path, error);
  }
}

ReportDirectoryLock::~ReportDirectoryLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace miconform::report

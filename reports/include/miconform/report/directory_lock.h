// directory_lock.h - a report directory checked and held by one run from its start until its
// report is written.
//
// The runner takes the lock before its first case (before it even probes the target), so a
// directory that cannot take a report is refused before anything has run, and two runs given one
// directory never mix their journals: the second is refused at once.
#ifndef MICONFORM_REPORT_DIRECTORY_LOCK_H
#define MICONFORM_REPORT_DIRECTORY_LOCK_H

#include <filesystem>

namespace miconform::report {

class ReportDirectoryLock {
 public:
  // The lock file inside the directory. It is not a report file, and it stays behind (removing it
  // would let a third run lock a new file while a second still holds the old one).
  static constexpr const char* kFileName = ".miconform.lock";

  // Checks `dir` the way WriteReportDirectory does (a non-empty path; created with its parents
  // when missing; a directory this process may write into), then takes an exclusive flock on
  // `dir`/.miconform.lock without waiting. The descriptor is close-on-exec, so no child of the run
  // can keep the directory locked. Throws std::runtime_error naming the directory when it cannot
  // be used or another process holds the lock.
  explicit ReportDirectoryLock(const std::filesystem::path& dir);
  ~ReportDirectoryLock();
  ReportDirectoryLock(const ReportDirectoryLock&) = delete;
  ReportDirectoryLock& operator=(const ReportDirectoryLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace miconform::report

#endif  // MICONFORM_REPORT_DIRECTORY_LOCK_H

// journal.h - the run journal: the canonical record of a run, appended as the run goes.
//
// The runner opens a Journal in the report directory before the first case and records every
// case result the moment it is judged, so a runner that crashes or is killed still leaves a
// record of everything that finished. Replay turns a journal back into a Report.
#ifndef MICONFORM_REPORT_JOURNAL_H
#define MICONFORM_REPORT_JOURNAL_H

#include <filesystem>
#include <map>
#include <mutex>
#include <string>

#include "miconform/report/report.h"

namespace miconform::report {

// Format: JSON Lines, one event per line, each line flushed to disk (fsync) before the call
// returns:
//   {"event":"begin","schema_version":1,"run":{...RunInfo as in report.json...}}
//   {"event":"case","case":{...CaseResult as in report.json...}}
//   {"event":"end","ended":"2026-11-25T13:40:00.000Z"}
//
// Threading: Begin, Record and End may be called from any thread, concurrently; each line is
// written whole. Lifetime: the file stays open until the Journal is destroyed.
class Journal {
 public:
  enum class Mode {
    kNew,       // create or truncate: a journal records one run
    kContinue,  // append to the journal of an interrupted run (miconform run --resume): its last
                // line, if a killed writer left it without its newline, is cut off first
  };

  // Opens `path`. Throws std::runtime_error naming the path and the system error if the file
  // cannot be opened (with kContinue: if it does not exist).
  explicit Journal(const std::filesystem::path& path, Mode mode = Mode::kNew);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // These never throw: the journal must not end the run it records. The first write failure is
  // kept (see error()) and the journal writes nothing after it, so only its last line can be
  // incomplete.
  void Begin(const RunInfo& run);
  void Record(const CaseResult& result);
  void End(const std::string& ended);

  // Empty while every write succeeded; otherwise the first failure (path and system error).
  std::string error() const;
  const std::filesystem::path& path() const { return path_; }

  // Rebuilds a Report from a journal file: run info (run.ended stays empty if the run never
  // ended) and the case results in recording order. Requirements are left empty (the caller
  // fills them from the catalog and calls Aggregate). A last line without its newline that does
  // not parse is the trace of a killed writer and is ignored; any other bad line, a file without
  // a begin event, or an unreadable file throws std::runtime_error naming the file and line.
  // A later begin event starts over (the file was appended to by a second run). A later record
  // of a case ID already seen replaces the earlier one in place. With `records`, also counts the
  // records of each case ID (a race case is recorded again once its schedules have run).
  static Report Replay(const std::filesystem::path& path,
                       std::map<std::string, int>* records = nullptr);

 private:
  void Append(const std::string& line);

  std::filesystem::path path_;
  mutable std::mutex mutex_;
  int fd_ = -1;        // guarded by mutex_
  std::string error_;  // guarded by mutex_
};

}  // namespace miconform::report

#endif  // MICONFORM_REPORT_JOURNAL_H

// resume.h - `miconform run --resume DIR`: what an interrupted or killed run left in its journal,
// and whether the run asked for now is the same run (so it may go on where that one stopped).
//
// The journal (report/journal.h) is the run's record: every case result the moment it was judged,
// and a race case again once its schedules ran. A resumed run keeps those results, runs the cases
// the journal does not hold, explores the race cases it holds only once, appends to the same
// journal and writes the report of the whole run.
#ifndef MICONFORM_RUNNER_RESUME_H
#define MICONFORM_RUNNER_RESUME_H

#include <filesystem>
#include <map>
#include <string>

#include "miconform/report/report.h"

namespace miconform::runner {

struct ResumePoint {
  report::Report recorded;             // the journal replayed (run info and case results)
  std::map<std::string, int> records;  // records per case ID: 2 once a race case was explored
};

// Reads DIR/journal.jsonl. Throws std::runtime_error naming the file and what is wrong (missing,
// unreadable, not a journal).
ResumePoint LoadResumePoint(const std::filesystem::path& report_dir);

// Empty when `now` describes the same run as `recorded`: the same target library (by SHA-256)
// and the same options (the number of parallel jobs aside, which changes no verdict). Otherwise
// says what differs, with the recorded values, so the user can give the run's options again.
std::string ResumeMismatch(const report::RunInfo& recorded, const report::RunInfo& now);

}  // namespace miconform::runner

#endif  // MICONFORM_RUNNER_RESUME_H

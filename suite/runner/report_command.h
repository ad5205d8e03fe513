// report_command.h - `miconform report DIR`: rebuilds every report file of a report directory from
// its journal alone (a killed run's journal, or a report file lost or edited).
//
// Exit statuses: 0 the report files were written; 2 they were not (no journal, a journal that
// does not parse, a case this suite does not have, a directory in use by a run or not writable).
// The report's verdict is in the files and the summary, not in the status.
#ifndef MICONFORM_RUNNER_REPORT_COMMAND_H
#define MICONFORM_RUNNER_REPORT_COMMAND_H

#include <string>

namespace miconform::runner {

int ReportCommand(const std::string& report_dir);

}  // namespace miconform::runner

#endif  // MICONFORM_RUNNER_REPORT_COMMAND_H

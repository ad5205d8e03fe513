// report_reading.h - a finished run's report read back from its directory (`diff`, `compare`).
#ifndef MICONFORM_RUNNER_REPORT_READING_H
#define MICONFORM_RUNNER_REPORT_READING_H

#include <filesystem>

#include "miconform/report/report.h"

namespace miconform::runner {

// The report in `dir`/report.json. Throws std::runtime_error naming the directory when it is not
// a report directory or its report.json cannot be read or parsed.
report::Report ReadReportDirectory(const std::filesystem::path& dir);

}  // namespace miconform::runner

#endif  // MICONFORM_RUNNER_REPORT_READING_H

// expectations_file.h - reads a vendor's expectations file (`run --expectations FILE`, and the
// copy a report directory keeps) and checks it against this suite.
//
// The format and the marks it gives: miconform/report/expectations.h and report.h.
#ifndef MICONFORM_RUNNER_EXPECTATIONS_FILE_H
#define MICONFORM_RUNNER_EXPECTATIONS_FILE_H

#include <filesystem>
#include <vector>

#include "miconform/report/report.h"

namespace miconform::runner {

// The entries of `file`. Throws std::runtime_error naming the file (and the line) when it cannot
// be read, does not parse, names an ID that is neither a case nor a requirement of this suite
// (a typo would otherwise excuse nothing, silently), or holds no entry at all.
std::vector<report::Expectation> ReadExpectationsFile(const std::filesystem::path& file);

// The expectations a report directory keeps (report::kExpectationsName, written with the report of
// a run given --expectations); none when it keeps none. Throws as ReadExpectationsFile.
std::vector<report::Expectation> ReadKeptExpectations(const std::filesystem::path& report_dir);

}  // namespace miconform::runner

#endif  // MICONFORM_RUNNER_EXPECTATIONS_FILE_H

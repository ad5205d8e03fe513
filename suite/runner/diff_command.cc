// diff_command.cc - `miconform diff` (diff_command.h).
#include "diff_command.h"

#include <cstdio>
#include <exception>

#include "report_reading.h"
#include "run_command.h"

namespace miconform::runner {

int DiffCommand(const std::string& before_dir, const std::string& after_dir,
                const report::DiffOptions& options, std::ostream& out) {
  report::Report before;
  report::Report after;
  try {
    before = ReadReportDirectory(before_dir);
    after = ReadReportDirectory(after_dir);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "miconform: diff: %s\n", error.what());
    return kExitError;
  }
  const report::ReportDiff diff = report::Diff(before, after, options);
  out << "miconform diff " << before_dir << " -> " << after_dir << "\n";
  report::WriteDiff(diff, out);
  out.flush();
  return diff.VerdictsChanged() ? 1 : 0;
}

}  // namespace miconform::runner

// report_command.cc - `miconform report DIR` (report_command.h).
#include "report_command.h"

#include <cstdio>
#include <exception>
#include <filesystem>
#include <optional>

#include "case_registry.h"
#include "expectations_file.h"
#include "miconform/report/directory_lock.h"
#include "miconform/report/journal.h"
#include "miconform/report/writers.h"
#include "run_command.h"

namespace miconform::runner {

int ReportCommand(const std::string& report_dir) {
  auto fail = [](const std::string& message) {
    std::fprintf(stderr, "miconform: %s\n", message.c_str());
    return kExitError;
  };
  std::optional<report::ReportDirectoryLock> lock;
  try {
    lock.emplace(report_dir);
  } catch (const std::exception& error) {
    return fail(std::string("report: ") + error.what());
  }
  report::Report report;
  try {
    report = report::Journal::Replay(std::filesystem::path(report_dir) / "journal.jsonl");
  } catch (const std::exception& error) {
    return fail(std::string("report: ") + error.what());
  }
  try {
    report.expectations = ReadKeptExpectations(report_dir);
  } catch (const std::exception& error) {
    return fail(std::string("report: ") + error.what());
  }
  if (const std::string unknown = FinishReport(&report); !unknown.empty()) {
    return fail("report: the journal holds case '" + unknown + "', which this suite (" +
                report.run.suite_version + " recorded, " + MICONFORM_VERSION +
                " now) does not have");
  }
  try {
    report::WriteReportDirectory(report, report_dir);
  } catch (const std::exception& error) {
    PrintSummary(report, report_dir, /*interrupted=*/false, /*report_written=*/false);
    return fail(error.what());
  }
  const bool ended = !report.run.ended.empty();
  if (!ended) {
    std::printf(
        "miconform: the journal's run never ended (interrupted or killed): the report "
        "holds the %zu cases it judged\n",
        report.cases.size());
  }
  PrintSummary(report, report_dir, /*interrupted=*/!ended, /*report_written=*/true);
  return 0;
}

}  // namespace miconform::runner

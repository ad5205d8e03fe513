// compare_command.cc - `miconform compare` (compare_command.h).
#include "compare_command.h"

#include <cstdio>
#include <exception>
#include <filesystem>
#include <sstream>

#include "miconform/report/comparison.h"
#include "miconform/report/writers.h"
#include "report_reading.h"
#include "run_command.h"

namespace miconform::runner {
namespace {

namespace fs = std::filesystem;

// Writes the page `writer` makes of `runs` to `path` (WriteFileAtomically), or says why not.
std::string WritePage(const fs::path& path, const std::vector<report::ComparedRun>& runs,
                      void (*writer)(const std::vector<report::ComparedRun>&, std::ostream&)) {
  std::ostringstream page;
  writer(runs, page);
  try {
    report::WriteFileAtomically(path, page.str());
  } catch (const std::exception& error) {
    return error.what();
  }
  return {};
}

}  // namespace

int CompareCommand(const std::string& out_dir, const std::vector<std::string>& report_dirs) {
  auto fail = [](const std::string& message) {
    std::fprintf(stderr, "miconform: compare: %s\n", message.c_str());
    return kExitError;
  };
  std::vector<report::ComparedRun> runs;
  try {
    for (const std::string& dir : report_dirs) runs.push_back({dir, ReadReportDirectory(dir)});
  } catch (const std::exception& error) {
    return fail(error.what());
  }
  std::error_code error;
  fs::create_directories(out_dir, error);
  if (error || !fs::is_directory(out_dir, error)) {
    return fail("cannot use the output directory " + out_dir +
                (error ? ": " + error.message() : std::string(": it is not a directory")));
  }
  for (const auto& [name, writer] : {std::pair{"compare.md", &report::WriteComparisonMarkdown},
                                     std::pair{"compare.html", &report::WriteComparisonHtml}}) {
    if (const std::string problem = WritePage(fs::path(out_dir) / name, runs, writer);
        !problem.empty()) {
      return fail(problem);
    }
  }
  std::printf("miconform: compared %zu runs: %s/compare.md, %s/compare.html\n", runs.size(),
              out_dir.c_str(), out_dir.c_str());
  return 0;
}

}  // namespace miconform::runner

// compare_command.cc - `miconform compare` (compare_command.h).
#include "compare_command.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "miconform/report/comparison.h"
#include "report_reading.h"
#include "run_command.h"

namespace miconform::runner {
namespace {

namespace fs = std::filesystem;

// Writes `path` whole, or says why not. The page is rendered first, then written to a temporary
// file in the same directory and renamed over `path`, so a reader never sees half a page.
std::string WritePage(const fs::path& path, const std::vector<report::ComparedRun>& runs,
                      void (*writer)(const std::vector<report::ComparedRun>&, std::ostream&)) {
  std::ostringstream page;
  writer(runs, page);
  const fs::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) return "cannot create " + temporary.string() + ": " + std::strerror(errno);
    out << page.str();
    out.flush();
    if (!out) {
      const int error = errno;
      fs::remove(temporary);
      return "cannot write " + temporary.string() + ": " + std::strerror(error);
    }
  }
  std::error_code error;
  fs::rename(temporary, path, error);
  if (error) {
    fs::remove(temporary);
    return "cannot rename " + temporary.string() + " to " + path.string() + ": " + error.message();
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
  for (const auto& [name, writer] :
       {std::pair{"compare.md", &report::WriteComparisonMarkdown},
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

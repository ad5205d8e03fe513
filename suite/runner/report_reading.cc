// report_reading.cc - ReadReportDirectory (report_reading.h).
#include "report_reading.h"

#include <fstream>
#include <stdexcept>

#include "miconform/report/writers.h"

namespace miconform::runner {

report::Report ReadReportDirectory(const std::filesystem::path& dir) {
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) {
    throw std::runtime_error(dir.string() + " is not a report directory");
  }
  std::ifstream in(dir / "report.json", std::ios::binary);
  if (!in) {
    throw std::runtime_error(dir.string() + " holds no readable report.json (if it holds a " +
                             "journal, `miconform report " + dir.string() + "` writes one)");
  }
  try {
    return report::ReadJson(in);
  } catch (const std::exception& failure) {
    throw std::runtime_error(dir.string() + ": " + failure.what());
  }
}

}  // namespace miconform::runner

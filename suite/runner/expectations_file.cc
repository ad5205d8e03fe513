// expectations_file.cc - ReadExpectationsFile (expectations_file.h).
#include "expectations_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "case_registry.h"
#include "catalog.h"
#include "miconform/report/expectations.h"

namespace miconform::runner {

std::vector<report::Expectation> ReadExpectationsFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read the expectations file " + file.string() + ": " +
                             std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw std::runtime_error("cannot read the expectations file " + file.string());
  std::vector<report::Expectation> entries;
  try {
    entries = report::ParseExpectations(text.str());
  } catch (const std::exception& error) {
    throw std::runtime_error(file.string() + ": " + error.what());
  }
  if (entries.empty()) {
    throw std::runtime_error(
        file.string() + ": no entry (one a line: ID FAILS|FLAKY reason; '#' starts a comment)");
  }
  for (const report::Expectation& entry : entries) {
    if (FindCase(entry.id) == nullptr && FindRequirement(entry.id) == nullptr) {
      throw std::runtime_error(file.string() + ": '" + entry.id +
                               "' is neither a case nor a requirement of this suite "
                               "(`miconform list --cases` and `miconform list` show them)");
    }
  }
  return entries;
}

std::vector<report::Expectation> ReadKeptExpectations(const std::filesystem::path& report_dir) {
  const std::filesystem::path file = report_dir / report::kExpectationsName;
  std::error_code error;
  if (!std::filesystem::exists(file, error)) return {};
  return ReadExpectationsFile(file);
}

}  // namespace miconform::runner

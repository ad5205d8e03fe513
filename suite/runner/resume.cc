// resume.cc - the resume point and the sameness rule of resume.h.
#include "resume.h"

#include <stdexcept>

#include "miconform/report/journal.h"

namespace miconform::runner {

ResumePoint LoadResumePoint(const std::filesystem::path& report_dir) {
  const std::filesystem::path journal = report_dir / "journal.jsonl";
  std::error_code error;
  if (!std::filesystem::is_regular_file(journal, error)) {
    throw std::runtime_error("--resume: " + journal.string() +
                             " does not exist: nothing to resume (give the --report directory of "
                             "the interrupted run)");
  }
  ResumePoint point;
  point.recorded = report::Journal::Replay(journal, &point.records);
  return point;
}

std::string ResumeMismatch(const report::RunInfo& recorded, const report::RunInfo& now) {
  std::string differences;
  auto add = [&differences](const std::string& what) {
    differences += (differences.empty() ? "" : "; ") + what;
  };
  if (recorded.target_sha256 != now.target_sha256) {
    add("the target library " + now.target_library + " is not the one the run tested (SHA-256 " +
        now.target_sha256 + ", recorded " + recorded.target_sha256 + ")");
  }
  for (const auto& [name, value] : recorded.options) {
    if (name == "jobs") continue;
    const auto found = now.options.find(name);
    const std::string current = found == now.options.end() ? "(not given)" : found->second;
    if (current != value) add(name + " is " + current + ", the run had " + value);
  }
  for (const auto& [name, value] : now.options) {
    if (name != "jobs" && recorded.options.count(name) == 0) {
      add(name + " is " + value + ", the run had no such option");
    }
  }
  if (differences.empty()) return {};
  return "--resume: not the same run: " + differences +
         "; resume with the options of the interrupted run";
}

}  // namespace miconform::runner

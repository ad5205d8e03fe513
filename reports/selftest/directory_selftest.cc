// directory_selftest.cc - self-tests of WriteReportDirectory: the four files, atomic replacement,
// no temporary files left behind, and clear errors for directories that cannot be used; and of
// ReportDirectoryLock: the same checks before a run, one run per directory.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>

#include "miconform/report/directory_lock.h"
#include "miconform/report/writers.h"
#include "sample_report.h"
#include "temp_dir.h"

namespace miconform::report {
namespace {

namespace fs = std::filesystem;

using testing::Slurp;

std::set<std::string> Entries(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir))
    names.insert(entry.path().filename().string());
  return names;
}

std::string WriteError(const Report& report, const fs::path& dir) {
  try {
    WriteReportDirectory(report, dir);
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "(no error)";
}

std::string LockError(const fs::path& dir) {
  try {
    ReportDirectoryLock lock(dir);
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "(no error)";
}

const std::set<std::string> kReportFiles = {"report.json", "junit.xml", "report.md", "report.html",
                                            kManifestName};

TEST(ReportDirectory, WritesTheFourFilesAndTheirManifestAndNothingElse) {
  testing::TempDir temp;
  const fs::path dir = temp.path() / "nested" / "report";
  const Report report = testing::SampleReport();
  WriteReportDirectory(report, dir);
  EXPECT_EQ(Entries(dir), kReportFiles);

  std::ostringstream json, junit, markdown, html;
  WriteJson(report, json);
  WriteJunit(report, junit);
  WriteMarkdown(report, markdown);
  WriteHtml(report, html);
  EXPECT_EQ(Slurp(dir / "report.json"), json.str());
  EXPECT_EQ(Slurp(dir / "junit.xml"), junit.str());
  EXPECT_EQ(Slurp(dir / "report.md"), markdown.str());
  EXPECT_EQ(Slurp(dir / "report.html"), html.str());

  struct stat info {};
  ASSERT_EQ(::stat((dir / "report.md").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0644u) << "reports are readable by others";
}

TEST(ReportDirectory, RewriteReplacesFilesAndKeepsOtherEntries) {
  testing::TempDir temp;
  Report report = testing::SampleReport();
  WriteReportDirectory(report, temp.path());
  { std::ofstream(temp.path() / "journal.jsonl") << "{}\n"; }
  report.run.target = "mutant:second";
  WriteReportDirectory(report, temp.path());
  std::set<std::string> expected = kReportFiles;
  expected.insert("journal.jsonl");
  EXPECT_EQ(Entries(temp.path()), expected);
  EXPECT_NE(Slurp(temp.path() / "report.md").find("mutant:second"), std::string::npos);
}

bool Mentions(const std::vector<std::string>& problems, const std::string& text) {
  for (const std::string& problem : problems) {
    if (problem.find(text) != std::string::npos) return true;
  }
  return false;
}

// The manifest covers the journal and the report files as written; any edit, loss or omission is
// named, and the format is the one `sha256sum -c` reads.
TEST(ReportManifest, AnUntouchedDirectoryChecksCleanAndEveryChangeIsNamed) {
  testing::TempDir temp;
  { std::ofstream(temp.path() / "journal.jsonl") << "{\"event\":\"begin\"}\n"; }
  WriteReportDirectory(testing::SampleReport(), temp.path());
  EXPECT_EQ(CheckManifest(temp.path()), std::vector<std::string>{});
  const std::string manifest = Slurp(temp.path() / kManifestName);
  EXPECT_EQ(std::count(manifest.begin(), manifest.end(), '\n'), 5) << manifest;
  EXPECT_EQ(manifest.find("  journal.jsonl\n"), 64u) << "sorted, sha256sum format: " << manifest;

  { std::ofstream(temp.path() / "report.json", std::ios::app) << " "; }
  EXPECT_TRUE(Mentions(CheckManifest(temp.path()), "report.json is not as the run wrote it"));
  fs::remove(temp.path() / "report.md");
  EXPECT_TRUE(Mentions(CheckManifest(temp.path()), "report.md is listed"));
  {
    std::ofstream out(temp.path() / kManifestName, std::ios::trunc);
    out << manifest.substr(0, manifest.find('\n') + 1) << "not a line\n";
  }
  const std::vector<std::string> problems = CheckManifest(temp.path());
  EXPECT_TRUE(Mentions(problems, "line 2 is not")) << problems.size();
  EXPECT_TRUE(Mentions(problems, "report.html is not covered"));
  fs::remove(temp.path() / kManifestName);
  EXPECT_TRUE(Mentions(CheckManifest(temp.path()), "no manifest.sha256"));
}

TEST(ReportDirectory, PathUnderARegularFileIsAClearError) {
  testing::TempDir temp;
  { std::ofstream(temp.path() / "plain") << "x"; }
  const fs::path dir = temp.path() / "plain" / "report";
  const std::string message = WriteError(testing::SampleReport(), dir);
  EXPECT_NE(message.find(dir.string()), std::string::npos) << message;
  EXPECT_NE(message.find("Not a directory"), std::string::npos) << message;
}

TEST(ReportDirectory, RegularFileAsDirectoryIsAClearError) {
  testing::TempDir temp;
  { std::ofstream(temp.path() / "plain") << "x"; }
  const std::string message = WriteError(testing::SampleReport(), temp.path() / "plain");
  EXPECT_NE(message.find((temp.path() / "plain").string()), std::string::npos) << message;
}

TEST(ReportDirectory, ReadOnlyDirectoryFailsWithoutLeavingTemporaryFiles) {
  if (::geteuid() == 0) GTEST_SKIP() << "permissions do not stop root";
  testing::TempDir temp;
  const fs::path dir = temp.path() / "locked";
  fs::create_directory(dir);
  fs::permissions(dir, fs::perms::owner_read | fs::perms::owner_exec);
  const std::string message = WriteError(testing::SampleReport(), dir);
  fs::permissions(dir, fs::perms::owner_all);
  EXPECT_NE(message.find(dir.string()), std::string::npos) << message;
  EXPECT_NE(message.find("Permission denied"), std::string::npos) << message;
  EXPECT_TRUE(Entries(dir).empty());
}

TEST(ReportDirectory, FailedRenameLeavesNoTemporaryFile) {
  // A directory squatting on a report file's name makes the rename fail, even for root.
  testing::TempDir temp;
  fs::create_directories(temp.path() / "report.md" / "occupied");
  const std::string message = WriteError(testing::SampleReport(), temp.path());
  EXPECT_NE(message.find((temp.path() / "report.md").string()), std::string::npos) << message;
  EXPECT_NE(message.find("Is a directory"), std::string::npos) << message;
  for (const std::string& name : Entries(temp.path())) {
    EXPECT_EQ(name.find(".tmp-"), std::string::npos) << "left behind: " << name;
  }
  EXPECT_TRUE(fs::is_directory(temp.path() / "report.md" / "occupied"));
}

TEST(ReportDirectory, EmptyPathIsAClearError) {
  const std::string message = WriteError(testing::SampleReport(), "");
  EXPECT_NE(message.find("the path is empty"), std::string::npos) << message;
}

TEST(ReportDirectoryLock, CreatesTheDirectoryAndOnlyItsLockFile) {
  testing::TempDir temp;
  const fs::path dir = temp.path() / "nested" / "report";
  {
    ReportDirectoryLock lock(dir);
    EXPECT_EQ(Entries(dir), std::set<std::string>{ReportDirectoryLock::kFileName});
    WriteReportDirectory(testing::SampleReport(), dir);
  }
  std::set<std::string> expected = kReportFiles;
  expected.insert(ReportDirectoryLock::kFileName);
  EXPECT_EQ(Entries(dir), expected);
}

TEST(ReportDirectoryLock, SecondLockIsRefusedNamingTheDirectoryUntilTheFirstEnds) {
  testing::TempDir temp;
  const fs::path dir = temp.path() / "report";
  {
    ReportDirectoryLock first(dir);
    const std::string message = LockError(dir);
    EXPECT_NE(message.find(dir.string()), std::string::npos) << message;
    EXPECT_NE(message.find("in use by another miconform run"), std::string::npos) << message;
  }
  EXPECT_EQ(LockError(dir), "(no error)");
}

TEST(ReportDirectoryLock, LockIsNotInheritedByChildren) {
  testing::TempDir temp;
  ReportDirectoryLock lock(temp.path());
  const fs::path lock_file = temp.path() / ReportDirectoryLock::kFileName;
  int found = 0;
  for (const auto& entry : fs::directory_iterator("/proc/self/fd")) {
    std::error_code error;
    if (fs::read_symlink(entry.path(), error) != lock_file) continue;
    ++found;
    std::ifstream info("/proc/self/fdinfo/" + entry.path().filename().string());
    std::string line;
    while (std::getline(info, line)) {
      if (line.rfind("flags:", 0) != 0) continue;
      const unsigned long flags = std::stoul(line.substr(6), nullptr, 8);
      EXPECT_NE(flags & 02000000UL, 0u) << "the lock's descriptor is not close-on-exec";
    }
  }
  EXPECT_EQ(found, 1);
}

TEST(ReportDirectoryLock, EmptyPathIsAClearError) {
  const std::string message = LockError("");
  EXPECT_NE(message.find("the path is empty"), std::string::npos) << message;
}

TEST(ReportDirectoryLock, RegularFileIsAClearError) {
  testing::TempDir temp;
  { std::ofstream(temp.path() / "plain") << "x"; }
  const std::string message = LockError(temp.path() / "plain");
  EXPECT_NE(message.find((temp.path() / "plain").string()), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(temp.path() / "plain" / ReportDirectoryLock::kFileName));
}

TEST(ReportDirectoryLock, PathUnderARegularFileIsAClearError) {
  testing::TempDir temp;
  { std::ofstream(temp.path() / "plain") << "x"; }
  const fs::path dir = temp.path() / "plain" / "report";
  const std::string message = LockError(dir);
  EXPECT_NE(message.find(dir.string()), std::string::npos) << message;
  EXPECT_NE(message.find("Not a directory"), std::string::npos) << message;
}

TEST(ReportDirectoryLock, ReadOnlyDirectoryIsAClearError) {
  if (::geteuid() == 0) GTEST_SKIP() << "permissions do not stop root";
  testing::TempDir temp;
  const fs::path dir = temp.path() / "locked";
  fs::create_directory(dir);
  fs::permissions(dir, fs::perms::owner_read | fs::perms::owner_exec);
  const std::string message = LockError(dir);
  fs::permissions(dir, fs::perms::owner_all);
  EXPECT_NE(message.find(dir.string()), std::string::npos) << message;
  EXPECT_NE(message.find("Permission denied"), std::string::npos) << message;
  EXPECT_TRUE(Entries(dir).empty());
}

}  // namespace
}  // namespace miconform::report

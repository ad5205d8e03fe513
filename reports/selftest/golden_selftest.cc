// golden_selftest.cc - byte-for-byte comparison of every writer's output for the sample Report with
// the files in reports/selftest/golden/.
//
// After an intended change to a writer, regenerate with
//   MICONFORM_REGENERATE_GOLDEN=1 build/bin/selftest_reports --gtest_filter='Golden.*'
// and review the diff of the golden files like any other change.
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "miconform/report/writers.h"
#include "sample_report.h"

namespace miconform::report {
namespace {

namespace fs = std::filesystem;

bool Regenerating() {
  const char* value = std::getenv("MICONFORM_REGENERATE_GOLDEN");
  return value != nullptr && std::string(value) == "1";
}

void CheckGolden(const std::string& name, void (*writer)(const Report&, std::ostream&)) {
  std::ostringstream rendered;
  writer(testing::SampleReport(), rendered);
  const fs::path path = fs::path(MICONFORM_GOLDEN_DIR) / name;
  if (Regenerating()) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << rendered.str();
    out.close();
    ASSERT_TRUE(out) << "cannot write " << path;
    std::printf("regenerated %s\n", path.c_str());
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "missing golden file " << path
                  << " (run with MICONFORM_REGENERATE_GOLDEN=1 to create it)";
  std::ostringstream expected;
  expected << in.rdbuf();
  const std::string want = expected.str();
  const std::string got = rendered.str();
  if (want == got) return;
  std::size_t at = 0;
  while (at < want.size() && at < got.size() && want[at] == got[at]) ++at;
  const std::size_t line =
      static_cast<std::size_t>(std::count(got.begin(), got.begin() + static_cast<long>(at), '\n')) +
      1;
  FAIL() << name << " differs from " << path << " first at byte " << at << " (line " << line
         << ")\n  golden: " << want.substr(at, 80) << "\n  output: " << got.substr(at, 80)
         << "\nIf the change is intended, regenerate with MICONFORM_REGENERATE_GOLDEN=1.";
}

TEST(Golden, ReportJson) { CheckGolden("report.json", WriteJson); }
TEST(Golden, JunitXml) { CheckGolden("report.xml", WriteJunit); }
TEST(Golden, ReportMarkdown) { CheckGolden("report.md", WriteMarkdown); }
TEST(Golden, ReportHtml) { CheckGolden("report.html", WriteHtml); }

TEST(Golden, SampleHoldsEveryVerdict) {
  const Report report = testing::SampleReport();
  for (Verdict verdict : {Verdict::kPass, Verdict::kDocumentedHang, Verdict::kNotSupported,
                          Verdict::kNotExercised, Verdict::kInconclusive, Verdict::kDeviation,
                          Verdict::kFail, Verdict::kHang, Verdict::kCrash, Verdict::kError}) {
    EXPECT_GE(report.Count(verdict), 1) << ToString(verdict);
  }
}

}  // namespace
}  // namespace miconform::report

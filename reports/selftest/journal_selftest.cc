// journal_selftest.cc - self-tests of the run journal: one fsync'd line per event, replay, a killed
// writer's truncated last line, corrupt journals, and concurrent recording.
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "miconform/report/journal.h"
#include "sample_report.h"
#include "temp_dir.h"

namespace miconform::report {
namespace {

namespace fs = std::filesystem;

using testing::Slurp;

void Spit(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

std::string ReplayError(const fs::path& path) {
  try {
    Journal::Replay(path);
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "(no error)";
}

// A journal of the sample run, written the way the runner writes it.
fs::path WriteSampleJournal(const fs::path& dir, const Report& report) {
  const fs::path path = dir / "journal.jsonl";
  Journal journal(path);
  journal.Begin(report.run);
  for (const CaseResult& result : report.cases) journal.Record(result);
  journal.End(report.run.ended);
  EXPECT_EQ(journal.error(), "");
  return path;
}

// The sample as Replay sees it: no requirements, no aggregation.
// What a journal holds of a report: the run and its cases. The requirements, the claim gaps and
// the aggregate are the runner's to rebuild from them.
Report Replayable(Report report) {
  report.requirements.clear();
  report.claim_gaps.clear();
  report.conformant = false;
  report.cases_conform = false;
  return report;
}

TEST(Journal, OneLinePerEventAndReplayRebuildsTheRun) {
  testing::TempDir temp;
  const Report report = testing::SampleReport();
  const fs::path path = WriteSampleJournal(temp.path(), report);
  const std::string content = Slurp(path);
  EXPECT_EQ(std::count(content.begin(), content.end(), '\n'), 1 + 10 + 1);
  EXPECT_EQ(content.rfind("{\"event\":\"begin\",\"schema_version\":1,", 0), 0u);
  testing::ExpectSameReport(Replayable(report), Journal::Replay(path));
}

TEST(Journal, RunWithoutEndReplaysWithEmptyEndTime) {
  testing::TempDir temp;
  const Report report = testing::SampleReport();
  const fs::path path = temp.path() / "journal.jsonl";
  {
    Journal journal(path);
    journal.Begin(report.run);
    journal.Record(report.cases[0]);
  }
  const Report back = Journal::Replay(path);
  EXPECT_EQ(back.run.ended, "");
  EXPECT_EQ(back.run.started, report.run.started);
  ASSERT_EQ(back.cases.size(), 1u);
}

TEST(Journal, ALaterRecordOfACaseReplacesTheEarlierOne) {
  testing::TempDir temp;
  const Report report = testing::SampleReport();
  const fs::path path = temp.path() / "journal.jsonl";
  CaseResult again = report.cases[0];
  again.verdict = Verdict::kFail;
  again.messages = {"found under a schedule"};
  {
    Journal journal(path);
    journal.Begin(report.run);
    journal.Record(report.cases[0]);
    journal.Record(report.cases[1]);
    journal.Record(again);
  }
  const Report back = Journal::Replay(path);
  ASSERT_EQ(back.cases.size(), 2u);
  EXPECT_EQ(back.cases[0].id, report.cases[0].id);
  EXPECT_EQ(back.cases[0].verdict, Verdict::kFail);
  EXPECT_EQ(back.cases[0].messages, again.messages);
  EXPECT_EQ(back.cases[1].id, report.cases[1].id);
}

TEST(Journal, TruncatedLastLineIsIgnored) {
  testing::TempDir temp;
  const Report report = testing::SampleReport();
  const fs::path path = WriteSampleJournal(temp.path(), report);
  const std::string content = Slurp(path);
  // Cut in the middle of the last case line, as a killed writer would leave it.
  const std::size_t end_line = content.rfind("{\"event\":\"end\"");
  const std::size_t last_case = content.rfind("{\"event\":\"case\"", end_line - 1);
  for (const std::size_t cut : {last_case + 1, last_case + 40, end_line - 2}) {
    Spit(path, content.substr(0, cut));
    Report back;
    ASSERT_NO_THROW(back = Journal::Replay(path)) << "cut at " << cut;
    EXPECT_EQ(back.cases.size(), 9u) << "cut at " << cut;
    EXPECT_EQ(back.run.ended, "");
  }
  // Cut just before the final newline: the last line is whole, only its newline is missing.
  Spit(path, content.substr(0, content.size() - 1));
  EXPECT_EQ(Journal::Replay(path).run.ended, report.run.ended);
}

TEST(Journal, CorruptLineInTheMiddleIsAnError) {
  testing::TempDir temp;
  const fs::path path = WriteSampleJournal(temp.path(), testing::SampleReport());
  std::string content = Slurp(path);
  const std::size_t second_line = content.find('\n') + 1;
  content.insert(second_line, "{\"event\":\"case\",\n");
  Spit(path, content);
  const std::string message = ReplayError(path);
  EXPECT_NE(message.find(path.string() + ":2: not a JSON line"), std::string::npos) << message;
}

TEST(Journal, MalformedEventsAreErrorsNamingTheLine) {
  testing::TempDir temp;
  const fs::path path = temp.path() / "journal.jsonl";
  const std::string begin =
      "{\"event\":\"begin\",\"schema_version\":1,\"run\":{\"suite_version\":\"0\",\"target\":\"t\","
      "\"target_library\":\"l\",\"target_sha256\":\"s\",\"options\":{},\"started\":\"a\","
      "\"ended\":\"\",\"host\":\"h\"}}\n";

  Spit(path, "");
  EXPECT_NE(ReplayError(path).find("no begin event"), std::string::npos);
  Spit(path, "{\"event\":\"case\",\"case\":{}}\n");
  EXPECT_NE(ReplayError(path).find(":1: \"case\" event before the begin event"), std::string::npos)
      << ReplayError(path);
  Spit(path, begin + "{\"event\":\"party\"}\n");
  EXPECT_NE(ReplayError(path).find(":2: event: unknown event \"party\""), std::string::npos)
      << ReplayError(path);
  Spit(path, begin + "{\"event\":\"case\",\"case\":{\"id\":\"x\"}}\n");
  EXPECT_NE(ReplayError(path).find(":2: case.requirements: missing"), std::string::npos)
      << ReplayError(path);
  Spit(path, "{\"event\":\"begin\",\"schema_version\":7}\n");
  EXPECT_NE(ReplayError(path).find(":1: schema_version: expected 1, found 7"), std::string::npos)
      << ReplayError(path);
  EXPECT_NE(ReplayError(temp.path() / "absent.jsonl").find("cannot read the run journal"),
            std::string::npos);
  Spit(path, begin);
  EXPECT_EQ(ReplayError(path), "(no error)");
}

TEST(Journal, SecondBeginStartsOver) {
  testing::TempDir temp;
  const Report report = testing::SampleReport();
  const fs::path path = WriteSampleJournal(temp.path(), report);
  std::string content = Slurp(path);
  const std::string first_line = content.substr(0, content.find('\n') + 1);
  Spit(path, content + first_line);
  const Report back = Journal::Replay(path);
  EXPECT_TRUE(back.cases.empty());
  EXPECT_EQ(back.run.ended, "");
}

TEST(Journal, OpeningTruncatesAnOldJournal) {
  testing::TempDir temp;
  const fs::path path = WriteSampleJournal(temp.path(), testing::SampleReport());
  { Journal again(path); }
  EXPECT_EQ(Slurp(path), "");
}

TEST(Journal, UnopenableFileIsAClearError) {
  testing::TempDir temp;
  const fs::path path = temp.path() / "missing-dir" / "journal.jsonl";
  try {
    Journal journal(path);
    FAIL() << "opened " << path;
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find(path.string()), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("No such file or directory"), std::string::npos);
  }
}

TEST(Journal, ConcurrentRecordsNeverInterleave) {
  testing::TempDir temp;
  const fs::path path = temp.path() / "journal.jsonl";
  const Report sample = testing::SampleReport();
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25;
  {
    Journal journal(path);
    journal.Begin(sample.run);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&journal, &sample, t] {
        for (int i = 0; i < kPerThread; ++i) {
          CaseResult result = sample.cases[static_cast<std::size_t>(i) % sample.cases.size()];
          result.id = "thread" + std::to_string(t) + ".case" + std::to_string(i);
          journal.Record(result);
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    journal.End(sample.run.ended);
    EXPECT_EQ(journal.error(), "");
  }
  const Report back = Journal::Replay(path);
  ASSERT_EQ(back.cases.size(), static_cast<std::size_t>(kThreads * kPerThread));
  std::set<std::string> ids;
  for (const CaseResult& result : back.cases) ids.insert(result.id);
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kThreads * kPerThread));
  EXPECT_EQ(back.run.ended, sample.run.ended);
}

TEST(Journal, WriteFailureIsKeptNotThrown) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full on this system";
  Journal journal("/dev/full");
  EXPECT_NO_THROW(journal.Begin(testing::SampleReport().run));
  EXPECT_NE(journal.error().find("/dev/full"), std::string::npos) << journal.error();
  EXPECT_NE(journal.error().find("No space left on device"), std::string::npos) << journal.error();
}

}  // namespace
}  // namespace miconform::report

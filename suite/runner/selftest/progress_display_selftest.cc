// progress_display_selftest.cc - the progress on stderr: when it is live and coloured, what the
// status line says, and the lines a piped run gets.
#include <cstdio>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "progress_display.h"

namespace miconform::runner {
namespace {

using namespace std::chrono_literals;

TEST(ProgressSettingsSelftest, LiveAndColourOnlyOnATerminalAndNoColorIsHonoured) {
  const ProgressSettings piped = ChooseProgress("always", false, "xterm", nullptr);
  EXPECT_TRUE(piped.lines);
  EXPECT_FALSE(piped.live);
  EXPECT_FALSE(piped.colour);
  EXPECT_FALSE(ChooseProgress("auto", false, "xterm", nullptr).lines);
  const ProgressSettings terminal = ChooseProgress("auto", true, "xterm", nullptr);
  EXPECT_TRUE(terminal.lines && terminal.live && terminal.colour);
  EXPECT_FALSE(ChooseProgress("auto", true, "xterm", "1").colour);
  EXPECT_TRUE(ChooseProgress("auto", true, "xterm", "").colour);  // set but empty: not set
  const ProgressSettings dumb = ChooseProgress("auto", true, "dumb", nullptr);
  EXPECT_TRUE(dumb.lines);
  EXPECT_FALSE(dumb.live || dumb.colour);
  EXPECT_FALSE(ChooseProgress("never", true, "xterm", nullptr).lines);
}

TEST(StatusLineSelftest, CountsTimesAndTheRunningCasesCutToTheWidth) {
  ProgressState state;
  state.done = 3;
  state.done_here = 3;
  state.total = 9;
  state.running = {"a.one", "a.two", "a.three"};
  EXPECT_EQ(StatusLine(state, 30s, 200),
            "3/9 cases | 0:30 elapsed, about 1:00 left | running a.one, a.two +1");
  EXPECT_EQ(StatusLine(state, 30s, 20),
            "3/9 cases | 0:30 el");  // width - 1: the cursor never wraps
  // Resumed: 6 judged earlier, 1 here in 10 s: 2 left take about 20 s.
  state.done = 7;
  state.done_here = 1;
  EXPECT_EQ(StatusLine(state, 10s, 200),
            "7/9 cases | 0:10 elapsed, about 0:20 left | running a.one, a.two +1");
  state.done = 0;
  state.done_here = 0;
  EXPECT_EQ(StatusLine(state, 2s, 200), "0/9 cases | 0:02 elapsed | running a.one, a.two +1");
  state.exploring = true;
  state.race_cases = 12;
  state.schedules = 1;
  EXPECT_EQ(StatusLine(state, 3725s, 200),
            "exploring the schedules of 12 race cases: 1 schedule run | 1:02:05 elapsed");
}

TEST(StatusLineSelftest, VerdictWordsAreColouredOnlyWhenAsked) {
  EXPECT_EQ(VerdictWord(report::Verdict::kFail, false), "FAIL");
  EXPECT_EQ(VerdictWord(report::Verdict::kPass, true), "\033[32mPASS\033[0m");
}

// Piped: a line per finished case, counted from the cases a resumed run had already judged, and
// nothing else (no status line, no escape sequence).
TEST(ProgressDisplaySelftest, PipedItWritesOnlyTheCaseLines) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  {
    ProgressDisplay display(out, ChooseProgress("always", false, nullptr, nullptr),
                            {"a.one", "a.two"}, 2, /*already_done=*/1);
    display.CaseFinished(1, report::Verdict::kFail, 1.5);
    display.ExplorationStarted(4);
    display.ScheduleRun();
    display.CaseFinished(0, report::Verdict::kPass, 0.25);
  }
  std::rewind(out);
  std::string text(4096, '\0');
  text.resize(std::fread(text.data(), 1, text.size(), out));
  std::fclose(out);
  EXPECT_EQ(text,
            "[  2/3] FAIL            a.two (1.50 s)\n"
            "exploring schedules of 4 race cases\n"
            "[  3/3] PASS            a.one (0.25 s)\n");
}

// Live: the status line is redrawn in place (by the ticker too) and cleared at the end; cases
// finishing on two threads at once each get their whole line. Under ThreadSanitizer this is the
// ticker's and the callers' locking checked.
TEST(ProgressDisplaySelftest, LiveItRedrawsTheStatusLineAndClearsItAtTheEnd) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  ProgressSettings live;
  live.lines = live.live = true;
  {
    ProgressDisplay display(out, live, {"a.one", "a.two", "a.three"}, 2, 0);
    std::thread other([&display] { display.CaseFinished(1, report::Verdict::kPass, 0.5); });
    display.CaseFinished(0, report::Verdict::kHang, 2.0);
    other.join();
    std::this_thread::sleep_for(1200ms);  // at least one tick of the ticker
    display.Finish();
  }
  std::rewind(out);
  std::string text(1 << 16, '\0');
  text.resize(std::fread(text.data(), 1, text.size(), out));
  std::fclose(out);
  EXPECT_NE(text.find("HANG            a.one (2.00 s)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("PASS            a.two (0.50 s)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\r\033[K2/3 cases | "), std::string::npos) << text;
  EXPECT_NE(text.find("running a.three"), std::string::npos) << text;
  // Ends with the status line cleared: nothing after the last erase.
  ASSERT_GE(text.size(), 4u);
  EXPECT_EQ(text.substr(text.size() - 4), "\r\033[K") << text;
}

}  // namespace
}  // namespace miconform::runner

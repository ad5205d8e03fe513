// phase_channel_selftest.cc - the child side's wire format: exact lines, truncation, newline
// replacement, in-memory copy, and survival of a vanished reader.
#include <fcntl.h>
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

#include "phase_channel.h"

namespace miconform::watchdog {
namespace {

// Reads everything currently in the pipe (the write ends stay open, so read without blocking).
std::string Drain(int fd) {
  std::string text;
  char buffer[8192];
  for (;;) {
    const ssize_t read = ::read(fd, buffer, sizeof buffer);
    if (read <= 0) break;
    text.append(buffer, static_cast<std::size_t>(read));
  }
  return text;
}

class PipeChannel : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::pipe2(fds_, O_CLOEXEC), 0);
    ASSERT_EQ(::fcntl(fds_[0], F_SETFL, O_NONBLOCK), 0);
  }
  void TearDown() override {
    ::close(fds_[0]);
    if (fds_[1] >= 0) ::close(fds_[1]);
  }
  int fds_[2] = {-1, -1};
};

TEST_F(PipeChannel, EveryKindWritesItsExactLine) {
  PhaseChannel channel(fds_[1]);
  channel.Phase("entered MI_Session_Close");
  channel.Arm("REQ-1", "MI_Session_Close");
  channel.Phase("returned MI_Session_Close");
  channel.Disarm();
  channel.Trace("close returned MI_RESULT_OK");
  channel.Fired("handler.close.delay");
  channel.Backend(R"({"sessions": 1})");
  channel.Message("all good");
  channel.Verdict("PASS");
  const std::string expected =
      "phase entered MI_Session_Close\n"
      "arm REQ-1 MI_Session_Close\n"
      "phase returned MI_Session_Close\n"
      "disarm\n"
      "trace close returned MI_RESULT_OK\n"
      "fired handler.close.delay\n"
      "backend {\"sessions\": 1}\n"
      "message all good\n"
      "verdict PASS\n";
  EXPECT_EQ(Drain(fds_[0]), expected);
  EXPECT_EQ(channel.Lines().size(), 9u);
  EXPECT_EQ(channel.Lines().front(), "phase entered MI_Session_Close");
  EXPECT_EQ(channel.Lines()[3], "disarm");
}

TEST_F(PipeChannel, NewlinesBecomeSpacesAndSpacesInARequirementIdBecomeUnderscores) {
  PhaseChannel channel(fds_[1]);
  channel.Message("first\nsecond\n");
  channel.Arm("REQ 1", "MI_Session_Close");
  EXPECT_EQ(Drain(fds_[0]), "message first second \narm REQ_1 MI_Session_Close\n");
}

TEST_F(PipeChannel, LongLinesAreCutToTheLimitAtACharacterBoundary) {
  PhaseChannel channel(fds_[1]);
  channel.Phase(std::string(10000, 'x'));
  std::string text = Drain(fds_[0]);
  EXPECT_EQ(text.size(), PhaseChannel::kMaxLineBytes);
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(text.rfind("phase xxx", 0), 0u);

  // "é" is two bytes; a cut must never split it.
  std::string accents;
  while (accents.size() < 5000) accents += "\xc3\xa9";
  channel.Trace(accents);
  text = Drain(fds_[0]);
  ASSERT_LE(text.size(), PhaseChannel::kMaxLineBytes);
  const std::string body = text.substr(6, text.size() - 7);  // without "trace " and '\n'
  EXPECT_EQ(body.size() % 2, 0u);
  EXPECT_EQ(static_cast<unsigned char>(body.back()), 0xa9);
}

TEST_F(PipeChannel, AVanishedReaderNeitherKillsNorBlocks) {
  ::close(fds_[0]);
  fds_[0] = ::open("/dev/null", O_RDONLY);  // keeps TearDown simple
  int dead[2];
  ASSERT_EQ(::pipe2(dead, O_CLOEXEC), 0);
  ::close(dead[0]);
  PhaseChannel channel(dead[1]);
  channel.Phase("nobody listens");  // would raise SIGPIPE without the shield
  channel.Verdict("PASS");
  ::close(dead[1]);
  EXPECT_EQ(channel.Lines(), (std::vector<std::string>{"phase nobody listens", "verdict PASS"}));
}

TEST(BareChannel, WritesNowhereButKeepsLines) {
  PhaseChannel channel(-1);
  channel.Phase("bare");
  channel.Disarm();
  EXPECT_EQ(channel.Lines(), (std::vector<std::string>{"phase bare", "disarm"}));
}

TEST(BareChannel, FormatIsTheOneDefinition) {
  EXPECT_EQ(FormatChannelLine("phase", "x"), "phase x");
  EXPECT_EQ(FormatChannelLine("disarm", "ignored"), "disarm");
  EXPECT_EQ(FormatChannelLine("trace", ""), "trace ");
}

// What the channel writes, the one reader reads back into the same fields.
}  // namespace
}  // namespace miconform::watchdog

namespace miconform::watchdog {
namespace {

TEST(CallPhase, EnteredAndReturnedNameTheCall) {
  std::string call;
  bool entered = false;
  ASSERT_TRUE(ParseCallPhase("entered MI_Session_Close (NULL session)", &call, &entered));
  EXPECT_EQ(call, "MI_Session_Close");
  EXPECT_TRUE(entered);
  ASSERT_TRUE(ParseCallPhase("returned MI_Session_Close (MI_RESULT_OK)", &call, &entered));
  EXPECT_EQ(call, "MI_Session_Close");
  EXPECT_FALSE(entered);
  EXPECT_FALSE(ParseCallPhase("cleanup", &call, &entered));
  EXPECT_FALSE(ParseCallPhase("entered ", &call, &entered));
}

// What the channel writes, the one reader reads back into the same fields.
TEST(ReadChannelLine, ReadsBackWhatEveryWriterWrote) {
  PhaseChannel channel(-1);
  channel.Phase("entered MI_Session_Close");
  channel.Arm("SC-REM-3", "MI_Session_Close");
  channel.Disarm();
  channel.Finding("FAIL", "SC-REM-2", "case.cc:1: no final");
  channel.Finding("FAIL", "", "unnamed");
  channel.Observation("OCAN-REM-6", "the provider saw 1 cancel");
  channel.Wait(1234);
  channel.Woke(1234);
  channel.Verdict("PASS");
  const std::vector<std::string> lines = channel.Lines();
  ASSERT_EQ(lines.size(), 9u);
  using Kind = ChannelLine::Kind;
  const ChannelLine phase = ReadChannelLine(lines[0]);
  EXPECT_EQ(phase.kind, Kind::kPhase);
  EXPECT_EQ(phase.text, "entered MI_Session_Close");
  const ChannelLine arm = ReadChannelLine(lines[1]);
  EXPECT_EQ(arm.kind, Kind::kArm);
  EXPECT_EQ(arm.requirement_id, "SC-REM-3");
  EXPECT_EQ(arm.call, "MI_Session_Close");
  EXPECT_EQ(ReadChannelLine(lines[2]).kind, Kind::kDisarm);
  const ChannelLine finding = ReadChannelLine(lines[3]);
  EXPECT_EQ(finding.kind, Kind::kFinding);
  EXPECT_EQ(finding.verdict, "FAIL");
  EXPECT_EQ(finding.requirement_id, "SC-REM-2");
  EXPECT_EQ(finding.text, "case.cc:1: no final");
  EXPECT_EQ(ReadChannelLine(lines[4]).requirement_id, "") << "\"-\" reads as no requirement";
  const ChannelLine observation = ReadChannelLine(lines[5]);
  EXPECT_EQ(observation.kind, Kind::kObservation);
  EXPECT_EQ(observation.requirement_id, "OCAN-REM-6");
  EXPECT_EQ(observation.text, "the provider saw 1 cancel");
  EXPECT_EQ(ReadChannelLine(lines[6]).kind, Kind::kWait);
  EXPECT_EQ(ReadChannelLine(lines[6]).tid, 1234);
  EXPECT_EQ(ReadChannelLine(lines[7]).kind, Kind::kWoke);
  EXPECT_EQ(ReadChannelLine(lines[8]).kind, Kind::kVerdict);
  EXPECT_EQ(ReadChannelLine(lines[8]).text, "PASS");
}

TEST(ReadChannelLine, AnythingElseIsMalformedAndKeptWhole) {
  using Kind = ChannelLine::Kind;
  for (const char* line : {"", "bogus text", "arm", "arm SC-REM-3", "finding FAIL", "wait x",
                           "wait -3", "observation", " phase x"}) {
    const ChannelLine read = ReadChannelLine(line);
    EXPECT_EQ(read.kind, Kind::kMalformed) << line;
    EXPECT_EQ(read.text, line);
  }
}

TEST_F(PipeChannel, ATokenFramesEveryLine) {
  const std::string token = NewChannelToken();
  ASSERT_EQ(token.size(), kChannelTokenDigits);
  EXPECT_NE(token, NewChannelToken());
  PhaseChannel channel(fds_[1], token);
  channel.Phase("entered MI_Session_Close");
  channel.End();
  EXPECT_EQ(Drain(fds_[0]), token + " phase entered MI_Session_Close\n" + token + " end\n");
  EXPECT_EQ(channel.Lines().back(), "end");  // the in-memory copy is without the token
}

std::vector<std::string> FeedAll(ChannelReader& reader, const std::vector<std::string>& chunks) {
  std::vector<std::string> lines;
  for (const std::string& chunk : chunks) {
    reader.Feed(chunk, [&lines](std::string line) { lines.push_back(std::move(line)); });
  }
  reader.Close([&lines](std::string line) { lines.push_back(std::move(line)); });
  return lines;
}

TEST(ChannelReader, KeepsFramedLinesAcrossChunksAndSetsApartTheRest) {
  const std::string token(kChannelTokenDigits, 'a');
  ChannelReader reader(token);
  const auto lines = FeedAll(reader, {token + " phase one\n" + token.substr(0, 5),
                                      token.substr(5) + " end\nend\nverdict PASS\n",
                                      std::string(token.size(), 'b') + " end\n", token + " last"});
  EXPECT_EQ(lines, (std::vector<std::string>{"phase one", "end", "last"}));
  const std::string foreign = "end\nverdict PASS\n" + std::string(token.size(), 'b') + " end\n";
  EXPECT_EQ(reader.foreign_bytes(), foreign.size());
  EXPECT_EQ(reader.foreign_sample(), foreign);
}

TEST(ChannelReader, ALineLongerThanTheLimitIsForeignEvenWithTheTokenAndNeverHeldWhole) {
  const std::string token(kChannelTokenDigits, 'c');
  ChannelReader reader(token);
  std::vector<std::string> chunks;
  chunks.push_back(token + " phase ");
  for (int i = 0; i < 1000; ++i) chunks.push_back(std::string(4096, 'x'));
  chunks.push_back("\n" + token + " end\n");
  const auto lines = FeedAll(reader, chunks);
  EXPECT_EQ(lines, std::vector<std::string>{"end"});
  EXPECT_EQ(reader.foreign_bytes(), token.size() + 7 + 1000 * 4096 + 1);
  EXPECT_EQ(reader.foreign_sample().size(), ChannelReader::kForeignSample);
}

TEST(ChannelReader, TheLongestLineTheChannelWritesIsStillTaken) {
  const std::string token(kChannelTokenDigits, 'd');
  ChannelReader reader(token);
  const std::string line = FormatChannelLine("trace", std::string(10000, 'y'));
  EXPECT_EQ(FeedAll(reader, {token + " " + line + "\n"}), std::vector<std::string>{line});
  EXPECT_EQ(reader.foreign_bytes(), 0u);
}

}  // namespace
}  // namespace miconform::watchdog

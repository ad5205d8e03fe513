// run_facts_selftest.cc - self-tests of the run facts (timestamps) and of the
// case selection (globs, shards).
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "case_selection.h"
#include "run_facts.h"

namespace miconform::runner {
namespace {

TEST(RunFactsSelftest, IsoTimestampIsUtcWithMilliseconds) {
  const auto when = std::chrono::system_clock::time_point(std::chrono::milliseconds(1764077745123));
  EXPECT_EQ(IsoTimestamp(when), "2025-11-25T13:35:45.123Z");
}

TEST(RunFactsSelftest, IsoTimestampParsesBackAndRejectsOtherText) {
  const auto when = std::chrono::system_clock::time_point(std::chrono::milliseconds(1764675345123));
  EXPECT_EQ(ParseIsoTimestamp(IsoTimestamp(when)), when);
  EXPECT_EQ(ParseIsoTimestamp("2026-11-25T13:35:45Z"), std::nullopt);
  EXPECT_EQ(ParseIsoTimestamp("2026-11-25T13:35:45.12xZ"), std::nullopt);
  EXPECT_EQ(ParseIsoTimestamp(""), std::nullopt);
}

TEST(CaseSelectionSelftest, SplitsAndMatchesGlobs) {
  EXPECT_EQ(SplitList(" a.b , c.*,,"), (std::vector<std::string>{"a.b", "c.*"}));
  EXPECT_TRUE(MatchesAny("session_close.sync.idle", {}));
  EXPECT_TRUE(MatchesAny("session_close.sync.idle", {"session_close.*"}));
  EXPECT_TRUE(MatchesAny("session_close.sync.idle", {"x", "*.idle"}));
  EXPECT_FALSE(MatchesAny("session_close.sync.idle", {"session_close.async.*"}));
}

TEST(CaseSelectionSelftest, ParsesGoogleTestShardVariables) {
  Shard shard{5, 5};
  EXPECT_EQ(ParseShard(nullptr, nullptr, &shard), "");
  EXPECT_EQ(shard.total, 0);  // not sharded
  EXPECT_EQ(ParseShard("3", "2", &shard), "");
  EXPECT_EQ(shard.index, 2);
  EXPECT_EQ(shard.total, 3);
  EXPECT_EQ(ParseShard("1", "0", &shard), "");
  EXPECT_EQ(shard.total, 1);
  for (const auto& [total, index] :
       std::vector<std::pair<const char*, const char*>>{{"2", "2"},
                                                        {"2", "-1"},
                                                        {"0", "0"},
                                                        {"-2", "0"},
                                                        {"abc", "0"},
                                                        {"2", "1x"},
                                                        {"2", ""},
                                                        {"", "0"},
                                                        {" 2", "0"},
                                                        {"+2", "0"},
                                                        {"2.0", "1"},
                                                        {"4294967298", "0"},
                                                        {"2", nullptr},
                                                        {nullptr, "0"}}) {
    const std::string problem = ParseShard(total, index, &shard);
    EXPECT_NE(problem.find("GTEST_"), std::string::npos)
        << "GTEST_TOTAL_SHARDS=" << (total ? total : "(unset)")
        << " GTEST_SHARD_INDEX=" << (index ? index : "(unset)") << ": " << problem;
    EXPECT_EQ(shard.total, 0);
  }
}

TEST(CaseSelectionSelftest, ShardsPartitionThePositionsLikeGoogleTest) {
  EXPECT_TRUE(InShard(7, Shard{}));  // not sharded: every case
  EXPECT_TRUE(InShard(0, Shard{0, 3}));
  EXPECT_TRUE(InShard(3, Shard{0, 3}));
  EXPECT_TRUE(InShard(4, Shard{1, 3}));
  EXPECT_FALSE(InShard(4, Shard{2, 3}));
  for (std::size_t position = 0; position < 20; ++position) {
    int owners = 0;
    for (int index = 0; index < 4; ++index) owners += InShard(position, Shard{index, 4}) ? 1 : 0;
    EXPECT_EQ(owners, 1) << "position " << position;
  }
}

}  // namespace
}  // namespace miconform::runner

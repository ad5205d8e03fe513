// run_facts_selftest.cc - self-tests of the run facts (SHA-256 vectors, timestamps) and of the
// case selection globs.
#include <chrono>
#include <fstream>

#include <gtest/gtest.h>

#include "case_selection.h"
#include "run_facts.h"

namespace miconform::runner {
namespace {

TEST(RunFactsSelftest, Sha256KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(RunFactsSelftest, Sha256OfFileMatchesTheBytesAndNamesAMissingPath) {
  const std::string path = ::testing::TempDir() + "miconform_sha_input";
  {
    std::ofstream out(path, std::ios::binary);
    out << "abc";
  }
  EXPECT_EQ(Sha256OfFile(path), Sha256Hex("abc"));
  try {
    Sha256OfFile("/nonexistent/miconform");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent/miconform"), std::string::npos);
  }
}

TEST(RunFactsSelftest, IsoTimestampIsUtcWithMilliseconds) {
  const auto when = std::chrono::system_clock::time_point(std::chrono::milliseconds(1764077745123));
  EXPECT_EQ(IsoTimestamp(when), "2025-11-25T13:35:45.123Z");
}

TEST(CaseSelectionSelftest, SplitsAndMatchesGlobs) {
  EXPECT_EQ(SplitList(" a.b , c.*,,"), (std::vector<std::string>{"a.b", "c.*"}));
  EXPECT_TRUE(MatchesAny("session_close.sync.idle", {}));
  EXPECT_TRUE(MatchesAny("session_close.sync.idle", {"session_close.*"}));
  EXPECT_TRUE(MatchesAny("session_close.sync.idle", {"x", "*.idle"}));
  EXPECT_FALSE(MatchesAny("session_close.sync.idle", {"session_close.async.*"}));
}

}  // namespace
}  // namespace miconform::runner

// digest_selftest.cc - SHA-256 (digest.h): the FIPS 180-4 vectors, files of every size, a missing
// file.
#include <fstream>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "miconform/report/digest.h"

namespace miconform::report {
namespace {

TEST(DigestTest, Sha256KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(DigestTest, Sha256OfFileMatchesTheBytesAndNamesAMissingPath) {
  const std::string path = ::testing::TempDir() + "miconform_sha_input";
  {
    std::ofstream out(path, std::ios::binary);
    out << "abc";
  }
  EXPECT_EQ(Sha256OfFile(path), Sha256Hex("abc"));
  { std::ofstream out(path, std::ios::binary | std::ios::trunc); }
  EXPECT_EQ(Sha256OfFile(path), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // More than 1 MiB, read in many pieces and a short last one: 2 MiB + 1 bytes 'a' (the digest
  // from coreutils: head -c 2097153 /dev/zero | tr '\0' a | sha256sum).
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << std::string((1 << 21) + 1, 'a');
  }
  EXPECT_EQ(Sha256OfFile(path), "16a429a1e5162fcf59e3079724763e9afafcef1e2c7f862571e9267b3d959113");
  EXPECT_EQ(Sha256Hex(std::string((1 << 21) + 1, 'a')), Sha256OfFile(path));
  try {
    Sha256OfFile("/nonexistent/miconform");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent/miconform"), std::string::npos);
  }
}

}  // namespace
}  // namespace miconform::report

// verdict_selftest.cc - self-tests of the verdict words, severity order and conformance classes.
#include <gtest/gtest.h>

#include "miconform/report/verdict.h"

namespace miconform::report {
namespace {

const Verdict kBestToWorst[] = {Verdict::kPass,         Verdict::kDocumentedHang,
                                Verdict::kNotSupported, Verdict::kNotExercised,
                                Verdict::kInconclusive, Verdict::kDeviation,
                                Verdict::kFail,         Verdict::kHang,
                                Verdict::kCrash,        Verdict::kError};

TEST(Verdict, WordsAreTheReportFormat) {
  EXPECT_EQ(ToString(Verdict::kPass), "PASS");
  EXPECT_EQ(ToString(Verdict::kDocumentedHang), "DOCUMENTED-HANG");
  EXPECT_EQ(ToString(Verdict::kNotSupported), "NOT-SUPPORTED");
  EXPECT_EQ(ToString(Verdict::kNotExercised), "NOT-EXERCISED");
  EXPECT_EQ(ToString(Verdict::kInconclusive), "INCONCLUSIVE");
  EXPECT_EQ(ToString(Verdict::kDeviation), "DEVIATION");
  EXPECT_EQ(ToString(Verdict::kFail), "FAIL");
  EXPECT_EQ(ToString(Verdict::kHang), "HANG");
  EXPECT_EQ(ToString(Verdict::kCrash), "CRASH");
  EXPECT_EQ(ToString(Verdict::kError), "ERROR");
}

TEST(Verdict, ParseIsTheInverseOfToString) {
  for (Verdict verdict : kBestToWorst) EXPECT_EQ(ParseVerdict(ToString(verdict)), verdict);
  EXPECT_EQ(ParseVerdict("pass"), std::nullopt);
  EXPECT_EQ(ParseVerdict(""), std::nullopt);
  EXPECT_EQ(ParseVerdict("PASS "), std::nullopt);
  EXPECT_EQ(ParseVerdict("DOCUMENTED_HANG"), std::nullopt);
}

TEST(Verdict, SeverityOrdersBestToWorst) {
  for (std::size_t i = 0; i + 1 < std::size(kBestToWorst); ++i) {
    EXPECT_LT(Severity(kBestToWorst[i]), Severity(kBestToWorst[i + 1]))
        << ToString(kBestToWorst[i]) << " vs " << ToString(kBestToWorst[i + 1]);
  }
}

TEST(Verdict, WorstPicksTheMoreSevereEitherWayRound) {
  for (Verdict a : kBestToWorst) {
    for (Verdict b : kBestToWorst) {
      const Verdict expected = Severity(a) >= Severity(b) ? a : b;
      EXPECT_EQ(Worst(a, b), expected) << ToString(a) << ", " << ToString(b);
      EXPECT_EQ(Worst(b, a), expected) << ToString(b) << ", " << ToString(a);
    }
  }
  EXPECT_EQ(Worst(Verdict::kDeviation, Verdict::kNotSupported), Verdict::kDeviation);
  EXPECT_EQ(Worst(Verdict::kCrash, Verdict::kHang), Verdict::kCrash);
  EXPECT_EQ(Worst(Verdict::kError, Verdict::kCrash), Verdict::kError);
}

TEST(Verdict, ConformantAndWarningClasses) {
  EXPECT_TRUE(IsConformant(Verdict::kPass));
  EXPECT_TRUE(IsConformant(Verdict::kDocumentedHang));
  EXPECT_TRUE(IsConformant(Verdict::kNotSupported));
  EXPECT_TRUE(IsConformant(Verdict::kNotExercised));
  EXPECT_TRUE(IsConformant(Verdict::kInconclusive));
  EXPECT_TRUE(IsConformant(Verdict::kDeviation));
  EXPECT_FALSE(IsConformant(Verdict::kFail));
  EXPECT_FALSE(IsConformant(Verdict::kHang));
  EXPECT_FALSE(IsConformant(Verdict::kCrash));
  EXPECT_FALSE(IsConformant(Verdict::kError));

  EXPECT_FALSE(IsWarning(Verdict::kPass));
  EXPECT_FALSE(IsWarning(Verdict::kDocumentedHang));
  EXPECT_TRUE(IsWarning(Verdict::kNotSupported));
  EXPECT_TRUE(IsWarning(Verdict::kNotExercised));
  EXPECT_TRUE(IsWarning(Verdict::kInconclusive));
  EXPECT_TRUE(IsWarning(Verdict::kDeviation));
  for (Verdict verdict : {Verdict::kFail, Verdict::kHang, Verdict::kCrash, Verdict::kError}) {
    EXPECT_FALSE(IsWarning(verdict)) << ToString(verdict);
  }
}

TEST(Verdict, NonConformantIsFailHangOrCrashOnly) {
  for (Verdict verdict : {Verdict::kFail, Verdict::kHang, Verdict::kCrash}) {
    EXPECT_TRUE(IsNonConformant(verdict)) << ToString(verdict);
  }
  for (Verdict verdict : {Verdict::kPass, Verdict::kDocumentedHang, Verdict::kNotSupported,
                          Verdict::kNotExercised, Verdict::kDeviation, Verdict::kError}) {
    EXPECT_FALSE(IsNonConformant(verdict)) << ToString(verdict);
  }
}

TEST(Verdict, OutOfRangeValueIsTreatedAsError) {
  const auto bogus = static_cast<Verdict>(97);
  EXPECT_EQ(ToString(bogus), "ERROR");
  EXPECT_FALSE(IsConformant(bogus));
  EXPECT_EQ(Severity(bogus), Severity(Verdict::kError));
}

}  // namespace
}  // namespace miconform::report

// result_names_selftest.cc - self-tests of ResultName (result_names.h).
#include <gtest/gtest.h>

#include "miconform/result_names.h"

namespace miconform {
namespace {

TEST(ResultName, NamesEveryDefinedValue) {
  EXPECT_EQ(ResultName(MI_RESULT_OK), "MI_RESULT_OK");
  EXPECT_EQ(ResultName(MI_RESULT_FAILED), "MI_RESULT_FAILED");
  EXPECT_EQ(ResultName(MI_RESULT_INVALID_PARAMETER), "MI_RESULT_INVALID_PARAMETER");
  EXPECT_EQ(ResultName(MI_RESULT_METHOD_NOT_FOUND), "MI_RESULT_METHOD_NOT_FOUND");
  EXPECT_EQ(ResultName(MI_RESULT_NAMESPACE_NOT_EMPTY), "MI_RESULT_NAMESPACE_NOT_EMPTY");
  EXPECT_EQ(ResultName(MI_RESULT_SERVER_IS_SHUTTING_DOWN), "MI_RESULT_SERVER_IS_SHUTTING_DOWN");
  for (int value = -2; value <= 30; ++value) {
    const std::string name = ResultName(static_cast<MI_Result>(value));
    if (MI_Result_IsValid(value)) {
      EXPECT_EQ(name.rfind("MI_RESULT_", 0), 0u) << value;
    } else {
      EXPECT_EQ(name, "invalid MI_Result (" + std::to_string(value) + ")");
    }
  }
}

TEST(ResultName, UnusedAndOutOfRangeValuesAreInvalid) {
  EXPECT_EQ(ResultName(static_cast<MI_Result>(18)), "invalid MI_Result (18)");
  EXPECT_EQ(ResultName(static_cast<MI_Result>(19)), "invalid MI_Result (19)");
  EXPECT_EQ(ResultName(static_cast<MI_Result>(-1)), "invalid MI_Result (-1)");
  EXPECT_EQ(ResultName(static_cast<MI_Result>(1000)), "invalid MI_Result (1000)");
}

TEST(ResultName, WithCodeAddsTheNumber) {
  EXPECT_EQ(ResultNameAndCode(MI_RESULT_FAILED), "MI_RESULT_FAILED (1)");
  EXPECT_EQ(ResultNameAndCode(MI_RESULT_SERVER_LIMITS_EXCEEDED),
            "MI_RESULT_SERVER_LIMITS_EXCEEDED (27)");
  EXPECT_EQ(ResultNameAndCode(static_cast<MI_Result>(19)), "invalid MI_Result (19)");
}

}  // namespace
}  // namespace miconform

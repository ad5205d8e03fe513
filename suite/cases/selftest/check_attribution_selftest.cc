// check_attribution_selftest.cc - self-tests of how a failed check names the requirement it
// judges (check_attribution.h): the Judges() tag, a registered expectation, a call that matched
// no expectation, and none.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include "case_runtime.h"
#include "check_attribution.h"
#include "miconform/mocks/callback_mocks.h"

namespace miconform::cases {
namespace {

TEST(CheckAttribution, TheJudgesTagWins) {
  const std::string message = Judges("SC-REM-2") + "no final result";
  EXPECT_EQ(message, "[judges SC-REM-2] no final result");
  EXPECT_EQ(RequirementOfFailure("case.cc", 10, message), "SC-REM-2");
  // The tag is read wherever GoogleTest put it (after "Value of: ..." lines).
  EXPECT_EQ(RequirementOfFailure("case.cc", 10, "Value of: x\n  Actual: false\n" + message),
            "SC-REM-2");
}

TEST(CheckAttribution, ARegisteredExpectationNamesItsRequirement) {
  NoteExpectation("some_case.cc", 42, "SC-PARAM-CB-1");
  EXPECT_EQ(
      RequirementOfFailure("some_case.cc", 42, "Mock function called more times than expected"),
      "SC-PARAM-CB-1");
  EXPECT_EQ(RequirementOfFailure("some_case.cc", 43, "anything"), "");
}

TEST(CheckAttribution, AnUnexpectedCallIsChargedToItsCallbacksContract) {
  EXPECT_EQ(RequirementOfFailure(nullptr, -1,
                                 "Unexpected mock function call - returning directly.\n"
                                 "    Function call: Completed(0x1234)"),
            "SC-PARAM-CB-1");
  EXPECT_EQ(RequirementOfFailure(nullptr, -1,
                                 "Unexpected mock function call - returning directly.\n"
                                 "    Function call: InstanceResult(0x1, 0x2, ...)"),
            "OI-FINAL-1");
  EXPECT_EQ(RequirementOfFailure(nullptr, -1, "Value of: done\n  Actual: false"), "");
}

TEST(CheckAttribution, TheMacroRegistersTheExpectationsLine) {
  mocks::MockSessionCloseCompletion completion(nullptr);
  const int line = __LINE__ + 1;
  MICONFORM_EXPECT_CALL("SC-PARAM-CB-1", completion, Completed(testing::_)).Times(1);
  EXPECT_EQ(RequirementOfFailure(__FILE__, line, "never called"), "SC-PARAM-CB-1");
  // The unmet expectation is reported at that line, so its failure names SC-PARAM-CB-1.
  EXPECT_NONFATAL_FAILURE(testing::Mock::VerifyAndClearExpectations(&completion), "never called");
}

}  // namespace
}  // namespace miconform::cases

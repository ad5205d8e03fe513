// check_attribution.h - which requirement a failed check judges. The one place that reads it off
// a GoogleTest failure: the Judges() tag in the message (case_runtime.h), else the mock
// expectation it came from (MICONFORM_EXPECT_CALL), else, for a call no expectation matched, the
// requirement of the callback that was called (the table in check_attribution.cc).
//
// Thread-safety: NoteExpectation and RequirementOfFailure may be called from any thread.
#ifndef MICONFORM_CASES_CHECK_ATTRIBUTION_H
#define MICONFORM_CASES_CHECK_ATTRIBUTION_H

#include <string>

#include <gmock/gmock.h>

namespace miconform::cases {

// The text Judges() puts in front of a failure message: "[judges SC-REM-2] ...".
inline constexpr const char* kJudgesTagOpen = "[judges ";

// Records that the expectation declared at file:line judges `requirement_id`; returns the id.
const char* NoteExpectation(const char* file, int line, const char* requirement_id);

// The requirement a failed check judges, or "" when it names none.
std::string RequirementOfFailure(const char* file, int line, const std::string& message);

}  // namespace miconform::cases

// EXPECT_CALL that names the requirement its expectation judges:
//   MICONFORM_EXPECT_CALL("SC-PARAM-CB-1", completion, Completed(_)).Times(1);
// A call that over-saturates it, or a count left unmet at verification, charges that requirement.
#define MICONFORM_EXPECT_CALL(requirement_id, obj, call) \
  (::miconform::cases::NoteExpectation(__FILE__, __LINE__, requirement_id), EXPECT_CALL(obj, call))

#endif  // MICONFORM_CASES_CHECK_ATTRIBUTION_H

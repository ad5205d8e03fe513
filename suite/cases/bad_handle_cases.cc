// bad_handle_cases.cc - conformance cases for session handles that are NULL, that the library
// never issued, or that it already closed: an error result, no crash, no hang.
#include "case_fixture.h"

namespace miconform::cases {
namespace {

using SessionCloseForeignHandle = CaseFixture;

// The MI_Session_Close wrapper's own rules for a NULL session or table (MI-ABI.md, ABI-WRAP-1)
// are the suite's, not the target's: they are proved by the adapter's self-tests
// (targets/adapter/selftest/session_close_wrapper_selftest.cc), never charged to a target.

MICONFORM_CASE(SessionCloseForeignHandle, Zeroed, "session_close.foreign_handle.zeroed",
               "The library's own session Close given a handle it never issued (zeroed reserved "
               "fields, its real session table) should answer it with an error MI_Result "
               "(SHOULD), without crash or hang; the real session then still closes.",
               "SC-PARAM-SESSION-1", "SC-RET-1") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  const MI_SessionFT* table = session->handle.ft;
  auto* foreign = new MI_Session{0, 0, table};  // never freed: the library might keep it
  Phase("entered MI_Session_Close (library table, foreign handle)");
  const MI_Result result = target().CloseSessionRaw(table, foreign, nullptr, nullptr);
  Phase("returned MI_Session_Close (" + ResultName(result) + ")");
  // An error is a value of the MI_Result enumeration other than MI_RESULT_OK.
  EXPECT_TRUE(MI_Result_IsValid(result))
      << Judges("SC-PARAM-SESSION-1") << "a session handle the library never issued was answered "
      << "with " << ResultName(result) << ", not with an error of the MI_Result enumeration";
  EXPECT_NE(result, MI_RESULT_OK) << Judges("SC-PARAM-SESSION-1")
                                  << "a session handle the library never issued was accepted";
  // The pages name no success code: the real session's close returns a valid MI_Result, and
  // anything other than MI_RESULT_OK is observed.
  const MI_Result real = CloseSessionSync(session);
  EXPECT_THAT(real, IsValidResult())
      << Judges("SC-RET-1") << "the real session's MI_Session_Close, after the foreign handle, "
      << "returned " << ResultName(real);
  if (real != MI_RESULT_OK) {
    Observe("SC-RET-1", "the real session's MI_Session_Close, after the foreign handle, returned " +
                            ResultName(real));
  }
}

MICONFORM_CASE(SessionCloseForeignHandle, AlreadyClosed,
               "session_close.foreign_handle.already_closed",
               "The library's own session Close given a copy of a session handle it already "
               "closed: what it returns (the pages do not say) is recorded; a crash or hang in it "
               "is not excused.",
               "SC-PARAM-SESSION-1", "SC-RET-1") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  auto* copy = new MI_Session(session->handle);  // never freed: the library might keep it
  const MI_Result first = CloseSessionSync(session);
  EXPECT_THAT(first, IsValidResult())
      << Judges("SC-RET-1") << "MI_Session_Close returned " << ResultName(first);
  if (first != MI_RESULT_OK) {
    // The session may still be open: the copy would not be one of a closed session.
    Observe("SC-RET-1", "MI_Session_Close returned " + ResultName(first) +
                            "; the copy of the handle was not tried");
    return;
  }
  Phase("entered MI_Session_Close (copy of a closed session)");
  const MI_Result result = target().CloseSessionRaw(copy->ft, copy, nullptr, nullptr);
  Phase("returned MI_Session_Close (" + ResultName(result) + ")");
  // A stale copy is no handle the library owns any more: a broken precondition of the caller,
  // whose answer the pages leave open.
  Observe("SC-PARAM-SESSION-1",
          "MI_Session_Close given a copy of a session handle closed before "
          "returned " +
              ResultName(result) +
              (MI_Result_IsValid(result) ? ""
                                         : " (not a value of the MI_Result "
                                           "enumeration)"));
}

}  // namespace
}  // namespace miconform::cases

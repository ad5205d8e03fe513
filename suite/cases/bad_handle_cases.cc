// bad_handle_cases.cc - conformance cases for session handles that are NULL, that the library
// never issued, or that it already closed: an error result, no crash, no hang.
#include "case_fixture.h"

namespace miconform::cases {
namespace {

using testing::Eq;

int g_first_tag = 0;
int g_second_tag = 0;

MICONFORM_CASE(SessionCloseNullSession, WithCallback, "session_close.null_session.with_callback",
               "The MI_Session_Close wrapper given a NULL session (or a session with a NULL "
               "table) and a completion callback calls the callback once with the context and "
               "returns MI_RESULT_OK.",
               "ABI-WRAP-1", "SC-PARAM-CTX-1") {
  auto& first = NewCompletionMock(&g_first_tag);
  auto& second = NewCompletionMock(&g_second_tag);
  EXPECT_CALL(first, Completed(Eq(&g_first_tag))).Times(1);
  EXPECT_CALL(second, Completed(Eq(&g_second_tag))).Times(1);
  Phase("entered MI_Session_Close (NULL session)");
  EXPECT_EQ(target().CloseSession(nullptr, &g_first_tag, first.Callback()), MI_RESULT_OK);
  Phase("returned MI_Session_Close");
  Phase("entered MI_Session_Close (session with a NULL table)");
  MI_Session zeroed{};
  EXPECT_EQ(target().CloseSession(&zeroed, &g_second_tag, second.Callback()), MI_RESULT_OK);
  Phase("returned MI_Session_Close");
  EXPECT_TRUE(first.WaitReturned(1, Eventually())) << "no completion for the NULL session";
  EXPECT_TRUE(second.WaitReturned(1, Eventually())) << "no completion for the NULL table";
}

MICONFORM_CASE(SessionCloseNullSession, WithoutCallback,
               "session_close.null_session.without_callback",
               "The MI_Session_Close wrapper given a NULL session (or a session with a NULL "
               "table) and no completion callback returns MI_RESULT_INVALID_PARAMETER.",
               "ABI-WRAP-1") {
  Phase("entered MI_Session_Close (NULL session)");
  EXPECT_EQ(target().CloseSession(nullptr, nullptr, nullptr), MI_RESULT_INVALID_PARAMETER);
  Phase("returned MI_Session_Close");
  Phase("entered MI_Session_Close (session with a NULL table)");
  MI_Session zeroed{};
  EXPECT_EQ(target().CloseSession(&zeroed, nullptr, nullptr), MI_RESULT_INVALID_PARAMETER);
  Phase("returned MI_Session_Close");
}

MICONFORM_CASE(SessionCloseForeignHandle, Zeroed, "session_close.foreign_handle.zeroed",
               "The library's own session Close given a handle it never issued (zeroed reserved "
               "fields, its real session table) returns an error MI_Result, without crash or "
               "hang; the real session still closes.",
               "SC-PARAM-SESSION-1", "SC-RET-1") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  const MI_SessionFT* table = session->handle.ft;
  auto* foreign = new MI_Session{0, 0, table};  // never freed: the library might keep it
  Phase("entered MI_Session_Close (library table, foreign handle)");
  const MI_Result result = target().CloseSessionRaw(table, foreign, nullptr, nullptr);
  Phase("returned MI_Session_Close (" + ResultName(result) + ")");
  EXPECT_TRUE(MI_Result_IsValid(result)) << "returned " << ResultName(result);
  EXPECT_NE(result, MI_RESULT_OK) << "a session handle the library never issued was accepted";
  EXPECT_EQ(CloseSessionSync(session), MI_RESULT_OK)
      << "the real session no longer closes after the foreign handle";
}

MICONFORM_CASE(SessionCloseForeignHandle, AlreadyClosed,
               "session_close.foreign_handle.already_closed",
               "The library's own session Close given a copy of a session handle it already "
               "closed returns an error MI_Result, without crash or hang.",
               "SC-PARAM-SESSION-1", "SC-RET-1") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  auto* copy = new MI_Session(session->handle);  // never freed: the library might keep it
  ASSERT_EQ(CloseSessionSync(session), MI_RESULT_OK);
  Phase("entered MI_Session_Close (copy of a closed session)");
  const MI_Result result = target().CloseSessionRaw(copy->ft, copy, nullptr, nullptr);
  Phase("returned MI_Session_Close (" + ResultName(result) + ")");
  EXPECT_TRUE(MI_Result_IsValid(result)) << "returned " << ResultName(result);
  EXPECT_NE(result, MI_RESULT_OK) << "a session handle closed before was accepted again";
}

}  // namespace
}  // namespace miconform::cases

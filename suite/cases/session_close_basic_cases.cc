// session_close_basic_cases.cc - conformance cases for ordinary synchronous and asynchronous
// session closes: idle sessions, finished operations, completion context, quiet after close.
#include "case_fixture.h"

namespace miconform::cases {
namespace {

using testing::_;
using testing::Eq;

int g_completion_tag = 0;  // a context value no library could invent

MICONFORM_CASE(SessionCloseSync, Idle, "session_close.sync.idle",
               "A synchronous close of a session that never started an operation returns "
               "MI_RESULT_OK.",
               "SC-DESC-1", "SC-PARAM-CB-2", "SC-RET-1", "ANS-PARAM-1", "ANS-REM-1") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  EXPECT_EQ(CloseSessionSync(session), MI_RESULT_OK);
}

MICONFORM_CASE(SessionCloseSync, AfterOperationsClosed, "session_close.sync.after_operations_closed",
               "A synchronous close of a session whose operations all delivered their final "
               "result and were closed returns MI_RESULT_OK.",
               "SC-DESC-1", "SC-PARAM-CB-2", "ANS-REM-2", "OI-FINAL-1", "OCL-DESC-1",
               "OCL-RET-1") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  MiconformScript script = Script();
  script.results = 2;
  for (int i = 0; i < 3; ++i) {
    auto& mock = NewOperationMock();
    StartClosingOnFinal(session, script, mock);
    ASSERT_TRUE(mock.WaitFinalResults(1, Eventually()))
        << "operation " << i << " delivered no final result within " << Eventually().count()
        << " ms";
  }
  EXPECT_EQ(CloseSessionSync(session), MI_RESULT_OK);
}

MICONFORM_CASE(SessionCloseAsync, SlowWindingDown, "session_close.async.slow_winding_down",
               "An asynchronous close of a session whose cancelled operation winds down slowly "
               "returns, then calls the completion callback once with the exact context, after "
               "the operation's final result.",
               "SC-PARAM-CB-1", "SC-PARAM-CTX-1", "SC-REM-1", "SC-REM-2") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  MiconformScript script = RunningScript(10);
  script.cancel_delay_ms = 30;
  script.operation_close_delay_ms = 50;
  script.session_close_delay_ms = 50;
  auto& mock = NewOperationMock();
  auto& completion = NewCompletionMock(&g_completion_tag);
  testing::Sequence order;
  StartClosingOnFinal(session, script, mock, 0, &order);
  EXPECT_CALL(completion, Completed(Eq(&g_completion_tag))).Times(1).InSequence(order);
  ASSERT_TRUE(mock.WaitCalls(1, Eventually())) << "the operation delivered nothing";

  EXPECT_EQ(CloseSessionAsync(session, &g_completion_tag, completion.Callback()), MI_RESULT_OK);
  Trace(std::string("completion callback already called when MI_Session_Close returned: ") +
        (completion.Calls() > 0 ? "yes" : "no"));
  EXPECT_TRUE(completion.WaitReturned(1, Eventually()))
      << "the completion callback was not called within " << Eventually().count() << " ms";
}

MICONFORM_CASE(SessionCloseAsync, NullContext, "session_close.async.null_context",
               "An asynchronous close with a NULL completion context calls the completion "
               "callback exactly once, with NULL.",
               "SC-PARAM-CTX-1", "SC-PARAM-CB-1") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  auto& mock = NewOperationMock();
  auto& completion = NewCompletionMock(nullptr);
  testing::Sequence order;
  MiconformScript script = Script();
  script.operation_close_delay_ms = 20;
  StartClosingOnFinal(session, script, mock, 0, &order);
  ASSERT_TRUE(mock.WaitFinalResults(1, Eventually())) << "the operation delivered no final result";
  EXPECT_CALL(completion, Completed(Eq(nullptr))).Times(1).InSequence(order);
  EXPECT_EQ(CloseSessionAsync(session, nullptr, completion.Callback()), MI_RESULT_OK);
  EXPECT_TRUE(completion.WaitReturned(1, Eventually()))
      << "the completion callback was not called within " << Eventually().count() << " ms";
}

MICONFORM_CASE(SessionCloseSync, QuietAfterReturn, "session_close.sync.no_callback_after_return",
               "Once a synchronous close returns, every running operation has delivered its "
               "final result and no operation callback runs any more.",
               "SC-PARAM-CB-2", "SC-REM-1", "SC-REM-2") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  MiconformScript script = RunningScript(10);
  std::vector<mocks::MockOperationCallbacks*> operation_mocks;
  for (int i = 0; i < 3; ++i) {
    auto& mock = NewOperationMock();
    operation_mocks.push_back(&mock);
    StartClosingOnFinal(session, script, mock);
  }
  ASSERT_TRUE(backend().WaitStarted(3, Eventually().count())) << "the backend saw no 3 operations";

  EXPECT_EQ(CloseSessionSync(session), MI_RESULT_OK);
  int calls_at_return = 0;
  for (auto* mock : operation_mocks) {
    EXPECT_EQ(mock->FinalResults(), 1)
        << "MI_Session_Close returned before an operation delivered its final result";
    calls_at_return += mock->Calls();
  }
  Phase("watching for callbacks after MI_Session_Close returned");
  const int entries_at_return = static_cast<int>(mocks::CallbackTrace::Get().Entries().size());
  std::this_thread::sleep_for(observe());  // a quiet period: nothing may happen in it
  int calls_later = 0;
  for (auto* mock : operation_mocks) calls_later += mock->Calls();
  EXPECT_EQ(calls_later, calls_at_return) << "operation callbacks ran after MI_Session_Close "
                                             "returned";
  EXPECT_EQ(static_cast<int>(mocks::CallbackTrace::Get().Entries().size()), entries_at_return)
      << "callbacks arrived after MI_Session_Close returned";
}

MICONFORM_CASE(SessionCloseAsync, QuietAfterCompletion,
               "session_close.async.no_callback_after_completion",
               "Once the completion callback of an asynchronous close has run, no operation "
               "callback runs any more.",
               "SC-PARAM-CB-1", "SC-REM-2") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  MiconformScript script = RunningScript(10);
  auto& completion = NewCompletionMock(&g_completion_tag);
  EXPECT_CALL(completion, Completed(Eq(&g_completion_tag))).Times(1);
  std::vector<mocks::MockOperationCallbacks*> operation_mocks;
  for (int i = 0; i < 3; ++i) {
    auto& mock = NewOperationMock();
    operation_mocks.push_back(&mock);
    StartClosingOnFinal(session, script, mock);
  }
  ASSERT_TRUE(backend().WaitStarted(3, Eventually().count())) << "the backend saw no 3 operations";

  EXPECT_EQ(CloseSessionAsync(session, &g_completion_tag, completion.Callback()), MI_RESULT_OK);
  ASSERT_TRUE(completion.WaitReturned(1, Eventually()))
      << "the completion callback was not called within " << Eventually().count() << " ms";
  int calls_at_completion = 0;
  for (auto* mock : operation_mocks) {
    EXPECT_EQ(mock->FinalResults(), 1)
        << "the completion callback ran before an operation delivered its final result";
    calls_at_completion += mock->Calls();
  }
  Phase("watching for callbacks after the completion callback");
  std::this_thread::sleep_for(observe());  // a quiet period: nothing may happen in it
  int calls_later = 0;
  for (auto* mock : operation_mocks) calls_later += mock->Calls();
  EXPECT_EQ(calls_later, calls_at_completion)
      << "operation callbacks ran after the completion callback";
  EXPECT_EQ(completion.Calls(), 1) << "the completion callback ran more than once";
}

MICONFORM_CASE(SessionCloseSync, Twice, "session_close.sync.twice",
               "Closing the same session handle twice: the first close returns MI_RESULT_OK, the "
               "second a valid MI_Result, without crash or hang.",
               "SC-RET-1", "SC-PARAM-SESSION-1") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  EXPECT_EQ(CloseSessionSync(session), MI_RESULT_OK);
  Trace(std::string("after the first close the handle's table is ") +
        (session->handle.ft == nullptr ? "NULL" : "still set"));
  const MI_Result second = CloseSessionSync(session);
  Trace("the second MI_Session_Close returned " + ResultName(second));
}

}  // namespace
}  // namespace miconform::cases

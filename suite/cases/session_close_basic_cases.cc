// session_close_basic_cases.cc - conformance cases for ordinary synchronous and asynchronous
// session closes: idle sessions, finished operations, completion context, quiet after close.
#include "case_fixture.h"

namespace miconform::cases {
namespace {

using SessionCloseSync = CaseFixture;
using SessionCloseAsync = CaseFixture;

using testing::_;
using testing::AtMost;
using testing::Eq;

MICONFORM_CASE(SessionCloseSync, Idle, "session_close.sync.idle",
               "A synchronous close of a session that never started an operation returns a "
               "value of the MI_Result enumeration.",
               "SC-DESC-1", "SC-PARAM-CB-2", "SC-RET-1") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  // "Creating a session may not communicate with the destination": a permission, so what the
  // protocol handler saw of this session before any operation is only recorded.
  const std::size_t handler_sessions = backend().SessionRecords().size();
  Observe("ANS-REM-3",
          handler_sessions == 0
              ? std::string("MI_Application_NewSession opened no session of the protocol handler; "
                            "the library waits for an operation before it uses its transport")
              : "MI_Application_NewSession opened " + std::to_string(handler_sessions) +
                    " session(s) of the protocol handler before any operation (whether the "
                    "handler then contacts a destination is not seen by the suite)");
  CheckResult("SC-RET-1", "MI_Session_Close", CloseSessionSync(session));
}

MICONFORM_CASE(SessionCloseSync, AfterOperationsClosed,
               "session_close.sync.after_operations_closed",
               "A synchronous close of a session whose operations all delivered their final "
               "result and were closed returns a value of the MI_Result enumeration.",
               "SC-DESC-1", "SC-PARAM-CB-2", "OI-FINAL-1", "OCL-DESC-1", "OCL-RET-1") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  MiconformScript script = Script();
  script.results = 2;
  for (int i = 0; i < 3; ++i) {
    auto& mock = NewOperationMock();
    StartClosingOnFinal(session, script, mock);
    ASSERT_TRUE(mock.WaitFinalResults(1, Eventually()))
        << Judges("OI-FINAL-1") << "operation " << i << " delivered no final result within "
        << Eventually().count() << " ms";
  }
  CheckResult("SC-RET-1", "MI_Session_Close", CloseSessionSync(session));
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
  // At most once here; that it is called at all is judged below, once the close returned
  // MI_RESULT_OK (a refused close owes no completion).
  MICONFORM_EXPECT_CALL("SC-PARAM-CB-1", completion, Completed(Eq(&g_completion_tag)))
      .Times(AtMost(1))
      .InSequence(order);
  ASSERT_TRUE(mock.WaitCalls(1, Eventually()))
      << Judges("OI-FINAL-1") << "the operation delivered nothing";

  const MI_Result result = CloseSessionAsync(session, &g_completion_tag, completion.Callback());
  // Whether an asynchronous close may complete before it returns the pages do not say.
  Observe("SC-PARAM-CB-1",
          std::string("completion callback already called when MI_Session_Close returned: ") +
              (completion.Calls() > 0 ? "yes" : "no"));
  if (!CheckResult("SC-RET-1", "MI_Session_Close", result)) return;
  EXPECT_TRUE(completion.WaitReturned(1, Eventually()))
      << Judges("SC-PARAM-CB-1") << "the completion callback was not called within "
      << Eventually().count() << " ms";
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
  ASSERT_TRUE(mock.WaitFinalResults(1, Eventually()))
      << Judges("OI-FINAL-1") << "the operation delivered no final result";
  // At most once here; that it is called at all is judged below (see slow_winding_down). A context
  // other than NULL reaches no mock of the case (TearDown judges such a call, SC-PARAM-CTX-1).
  MICONFORM_EXPECT_CALL("SC-PARAM-CB-1", completion, Completed(Eq(nullptr)))
      .Times(AtMost(1))
      .InSequence(order);
  if (!CheckResult("SC-RET-1", "MI_Session_Close",
                   CloseSessionAsync(session, nullptr, completion.Callback()))) {
    return;
  }
  EXPECT_TRUE(completion.WaitReturned(1, Eventually()))
      << Judges("SC-PARAM-CB-1") << "the completion callback was not called within "
      << Eventually().count() << " ms";
}

MICONFORM_CASE(SessionCloseSync, QuietAfterReturn, "session_close.sync.no_callback_after_return",
               "Once a synchronous close returns MI_RESULT_OK, every running operation has "
               "delivered its final result and no operation callback runs any more.",
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
  if (!backend().WaitStarted(3, Eventually().count())) ObserveNotStarted(3, Eventually());

  if (!CheckResult("SC-RET-1", "MI_Session_Close", CloseSessionSync(session))) return;
  int calls_at_return = 0;
  for (auto* mock : operation_mocks) {
    // A final result still missing now comes after the return, or never.
    EXPECT_EQ(mock->FinalResults(), 1)
        << Judges("SC-PARAM-CB-2")
        << "MI_Session_Close returned before an operation delivered its final result";
    calls_at_return += mock->Calls();
  }
  Phase("watching for callbacks after MI_Session_Close returned");
  const int entries_at_return = static_cast<int>(mocks::CallbackTrace::Get().Entries().size());
  std::this_thread::sleep_for(ObserveWindow());  // a quiet period: nothing may happen in it
  int calls_later = 0;
  for (auto* mock : operation_mocks) calls_later += mock->Calls();
  EXPECT_EQ(calls_later, calls_at_return)
      << Judges("SC-PARAM-CB-2") << "operation callbacks ran after MI_Session_Close returned";
  EXPECT_EQ(static_cast<int>(mocks::CallbackTrace::Get().Entries().size()), entries_at_return)
      << Judges("SC-PARAM-CB-2") << "callbacks arrived after MI_Session_Close returned";
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
  // At most once here; that it is called at all is judged below, once the close returned
  // MI_RESULT_OK.
  MICONFORM_EXPECT_CALL("SC-PARAM-CB-1", completion, Completed(Eq(&g_completion_tag)))
      .Times(AtMost(1));
  std::vector<mocks::MockOperationCallbacks*> operation_mocks;
  for (int i = 0; i < 3; ++i) {
    auto& mock = NewOperationMock();
    operation_mocks.push_back(&mock);
    StartClosingOnFinal(session, script, mock);
  }
  if (!backend().WaitStarted(3, Eventually().count())) ObserveNotStarted(3, Eventually());

  if (!CheckResult("SC-RET-1", "MI_Session_Close",
                   CloseSessionAsync(session, &g_completion_tag, completion.Callback()))) {
    return;
  }
  ASSERT_TRUE(completion.WaitReturned(1, Eventually()))
      << Judges("SC-PARAM-CB-1") << "the completion callback was not called within "
      << Eventually().count() << " ms";
  int calls_at_completion = 0;
  for (auto* mock : operation_mocks) {
    // A final result still missing now comes after the completion, or never.
    EXPECT_EQ(mock->FinalResults(), 1)
        << Judges("SC-PARAM-CB-1")
        << "the completion callback ran before an operation delivered its final result";
    calls_at_completion += mock->Calls();
  }
  Phase("watching for callbacks after the completion callback");
  std::this_thread::sleep_for(ObserveWindow());  // a quiet period: nothing may happen in it
  int calls_later = 0;
  for (auto* mock : operation_mocks) calls_later += mock->Calls();
  EXPECT_EQ(calls_later, calls_at_completion)
      << Judges("SC-PARAM-CB-1") << "operation callbacks ran after the completion callback";
  EXPECT_EQ(completion.Calls(), 1)
      << Judges("SC-PARAM-CB-1") << "the completion callback ran more than once";
}

MICONFORM_CASE(SessionCloseSync, Twice, "session_close.sync.twice",
               "Closing the same session handle twice: the first close returns a value of the "
               "MI_Result enumeration; what the second returns (the pages do not say) is "
               "recorded, a crash or hang in it is not excused.",
               "SC-RET-1", "SC-PARAM-SESSION-1") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  const MI_Result first = CloseSessionSync(session);
  CheckResult("SC-RET-1", "the first MI_Session_Close", first);
  Trace(std::string("after the first close the handle's table is ") +
        (session->handle.ft == nullptr ? "NULL" : "still set"));
  // The handle is no longer one the library owns: a precondition of the caller is broken, and the
  // pages leave the answer open. Called directly (not through CloseSessionSync, whose checks are
  // for a session the library issued).
  Phase("entered MI_Session_Close (the same handle again)");
  const MI_Result second = target().CloseSession(&session->handle, nullptr, nullptr);
  Phase("returned MI_Session_Close (" + ResultName(second) + ")");
  Observe("SC-PARAM-SESSION-1",
          "a second MI_Session_Close of a session handle closed before "
          "(first close: " +
              ResultName(first) + ") returned " + ResultName(second));
}

}  // namespace
}  // namespace miconform::cases

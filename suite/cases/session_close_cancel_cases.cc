// session_close_cancel_cases.cc - conformance cases for the cancellation a session close causes:
// running asynchronous operations, synchronous pulls, and a provider that ignores cancels.
#include <memory>
#include <thread>

#include "case_fixture.h"

namespace miconform::cases {
namespace {

using testing::Eq;

int g_completion_tag = 0;

MICONFORM_CASE(SessionCloseCancel, RunningAsync, "session_close.cancel.running_async",
               "Closing a session with 4 running asynchronous operations cancels each: exactly one "
               "final result with moreResults MI_FALSE per operation (extra results before it "
               "tolerated, none after), the backend sees the cancels, then the completion runs.",
               "SC-REM-1", "SC-REM-2", "OCAN-REM-3", "OCAN-REM-5", "OI-FINAL-1") {
  constexpr int kOperations = 4;
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  MiconformScript script = RunningScript(10);
  auto& completion = NewCompletionMock(&g_completion_tag);
  std::vector<testing::Sequence> orders(kOperations);
  std::vector<mocks::MockOperationCallbacks*> operation_mocks;
  for (int i = 0; i < kOperations; ++i) {
    auto& mock = NewOperationMock();
    operation_mocks.push_back(&mock);
    StartClosingOnFinal(session, script, mock, 0, &orders[i]);
  }
  EXPECT_CALL(completion, Completed(Eq(&g_completion_tag)))
      .Times(1)
      .InSequence(orders[0], orders[1], orders[2], orders[3]);
  ASSERT_TRUE(backend().WaitStarted(kOperations, Eventually().count()))
      << "the backend did not see " << kOperations << " operations start";

  EXPECT_EQ(CloseSessionAsync(session, &g_completion_tag, completion.Callback()), MI_RESULT_OK);
  EXPECT_TRUE(backend().WaitCancels(kOperations, Eventually().count()))
      << "the backend did not see a cancel for each of the " << kOperations
      << " running operations";
  for (int i = 0; i < kOperations; ++i) {
    EXPECT_TRUE(operation_mocks[i]->WaitFinalResults(1, Eventually()))
        << "operation " << i << " delivered no final result after the session close";
  }
  EXPECT_TRUE(completion.WaitReturned(1, Eventually()))
      << "the completion callback was not called within " << Eventually().count() << " ms";
}

MICONFORM_CASE(SessionCloseCancel, SyncPullReleased, "session_close.cancel.sync_pull_released",
               "An operation pulled synchronously (NULL callbacks) whose pull is blocked on "
               "another thread is released by the session close: the pull returns the final "
               "result, the handle is closed, and the completion callback runs once.",
               "SC-REM-1", "OCAN-REM-4", "OCL-REM-1") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  MiconformScript script = Script();
  script.results = 0;
  script.until_cancelled = 1;
  script.result_delay_ms = 200;  // each pull blocks a while; only the cancel ends the stream
  OperationSlot* operation = StartEnumerate(session, script, nullptr);
  ASSERT_TRUE(backend().WaitStarted(1, Eventually().count())) << "the operation did not start";

  // The puller owns only what outlives the case (slots are never freed), so a stuck pull cannot
  // touch a destroyed fixture.
  auto final_pulled = std::make_shared<Signal>();
  auto pull_failed = std::make_shared<std::atomic<int>>(-1);
  std::thread([operation, final_pulled, pull_failed] {
    for (;;) {
      MI_Boolean more = MI_TRUE;
      MI_Result result = MI_RESULT_OK;
      const MI_Result pulled = PullResult(operation, &more, &result);
      if (pulled != MI_RESULT_OK) {
        pull_failed->store(static_cast<int>(pulled));
        break;
      }
      if (!more) break;
    }
    final_pulled->Set();
    CloseOperation(operation);
  }).detach();

  auto& completion = NewCompletionMock(&g_completion_tag);
  EXPECT_CALL(completion, Completed(Eq(&g_completion_tag))).Times(1);
  EXPECT_EQ(CloseSessionAsync(session, &g_completion_tag, completion.Callback()), MI_RESULT_OK);
  ASSERT_TRUE(final_pulled->WaitFor(Eventually()))
      << "the blocked MI_Operation_GetInstance did not return within " << Eventually().count()
      << " ms of the session close";
  EXPECT_EQ(pull_failed->load(), -1)
      << "MI_Operation_GetInstance failed with " << ResultName(pull_failed->load())
      << " instead of returning the final result";
  EXPECT_TRUE(operation->final_pulled) << "the pull never saw moreResults MI_FALSE";
  EXPECT_TRUE(completion.WaitReturned(1, Eventually()))
      << "the completion callback was not called within " << Eventually().count()
      << " ms of the operation's close";
}

MICONFORM_CASE(SessionCloseCancel, ProviderIgnoresCancel,
               "session_close.cancel.provider_ignores_cancel",
               "With a provider that records cancels but never honours them, the session close "
               "still delivers the operation's final result (the client does not wait for the "
               "provider) and completes.",
               "OCAN-REM-7", "OCAN-REM-1", "SC-REM-1", "SC-REM-2") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  MiconformScript script = Script();
  script.results = 0;
  script.until_cancelled = 1;
  script.ignore_cancel = 1;
  script.result_delay_ms = 10;
  auto& mock = NewOperationMock();
  auto& completion = NewCompletionMock(&g_completion_tag);
  testing::Sequence order;
  StartClosingOnFinal(session, script, mock, 0, &order);
  EXPECT_CALL(completion, Completed(Eq(&g_completion_tag))).Times(1).InSequence(order);
  ASSERT_TRUE(mock.WaitCalls(1, Eventually())) << "the operation delivered nothing";

  EXPECT_EQ(CloseSessionAsync(session, &g_completion_tag, completion.Callback()), MI_RESULT_OK);
  EXPECT_TRUE(mock.WaitFinalResults(1, Eventually()))
      << "no final result within " << Eventually().count()
      << " ms: the client waited for a provider that ignores the cancel";
  EXPECT_TRUE(completion.WaitReturned(1, Eventually()))
      << "the completion callback was not called within " << Eventually().count() << " ms";
  Trace(std::string("the backend recorded a cancel: ") +
        (backend().WaitCancels(1, 0) ? "yes" : "no"));
}

}  // namespace
}  // namespace miconform::cases

// session_close_cancel_cases.cc - conformance cases for the cancellation a session close causes:
// running asynchronous operations, synchronous pulls, and a provider that ignores cancels.
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "case_fixture.h"
#include "case_registry.h"

namespace miconform::cases {
namespace {

using testing::AtMost;
using testing::Eq;

using SessionCloseCancel = CaseFixture;

MICONFORM_CASE(SessionCloseCancel, RunningAsync, "session_close.cancel.running_async",
               "Closing a session with 4 running asynchronous operations cancels each: exactly one "
               "final result with moreResults MI_FALSE per operation (extra results before it "
               "tolerated, none after), then the completion runs; how many cancels reach the "
               "provider is recorded.",
               "SC-REM-1", "SC-REM-2", "OCAN-REM-3", "OI-FINAL-1") {
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
  // At most once here; that it is called at all is judged below, once the close returned
  // MI_RESULT_OK (a refused close owes no completion).
  MICONFORM_EXPECT_CALL("SC-PARAM-CB-1", completion, Completed(Eq(&g_completion_tag)))
      .Times(AtMost(1))
      .InSequence(orders[0], orders[1], orders[2], orders[3]);
  if (!backend().WaitStarted(kOperations, Eventually().count())) {
    ObserveNotStarted(kOperations, Eventually());
  }

  if (!CheckResult("SC-RET-1", "MI_Session_Close",
                   CloseSessionAsync(session, &g_completion_tag, completion.Callback()))) {
    return;
  }
  for (int i = 0; i < kOperations; ++i) {
    if (operation_mocks[i]->WaitFinalResults(1, Eventually())) continue;
    ADD_FAILURE() << Judges(MissedFinalRequirement(backend())) << "operation " << i
                  << " delivered no final result after the session close ("
                  << ProviderSaw(backend()) << ")";
  }
  EXPECT_TRUE(completion.WaitReturned(1, Eventually()))
      << Judges("SC-PARAM-CB-1") << "the completion callback was not called within "
      << Eventually().count() << " ms";
  // Not all cancels get through to the provider, and the client may disconnect instead.
  Observe("OCAN-REM-6", ProviderSaw(backend()));
}

// A synchronous operation (NULL callbacks) whose pull is blocked on another thread, released by
// the session close ("MI_Operation_Get* function call's moreResults parameter",
// MI_Session_Close.md); one case per operation kind of the session table, each pulled with its
// kind's function: MI_Operation_GetInstance for the instance kinds, MI_Operation_GetIndication
// for Subscribe, MI_Operation_GetClass for GetClass and EnumerateClasses.
class SyncPullOfKindCase : public CaseFixture {
 public:
  explicit SyncPullOfKindCase(OperationKind kind) : kind_(kind) {}
  void TestBody() override {
    SessionSlot* session = OpenSession();
    if (session == nullptr) return;
    MiconformScript script = Script();
    script.results = 0;
    script.until_cancelled = 1;
    script.result_delay_ms = 200;  // each pull blocks a while; only the cancel ends the stream
    OperationSlot* operation = StartSynchronous(session, kind_, script);
    if (!backend().WaitStarted(1, Eventually().count())) ObserveNotStarted(1, Eventually());

    const auto pull = StartPullToTheEnd(operation);
    pull->pulling.Wait();
    // A pull that returns before any close (the kind or its pull not supported, or an error)
    // leaves nothing for the close to release: the case cannot judge it. The first pull blocks
    // for the script's 200 ms otherwise, so this wait ends long before it would.
    if (pull->released.PollFor(std::chrono::milliseconds(50))) {
      const bool not_supported = pull->failed.load() == MI_RESULT_NOT_SUPPORTED ||
                                 pull->final_result.load() == MI_RESULT_NOT_SUPPORTED;
      const std::string how =
          pull->failed.load() != -1
              ? "returned " + ResultName(pull->failed.load())
              : "gave the final result " + ResultName(pull->final_result.load());
      if (not_supported) {
        GTEST_SKIP() << "the target reports MI_RESULT_NOT_SUPPORTED for a pulled "
                     << OperationKindName(kind_) << " (" << pull->function << " " << how << ")";
      }
      GTEST_SKIP() << "the pulled " << OperationKindName(kind_) << " ended before the session "
                   << "close (" << pull->function << " " << how << "): nothing was left to release";
    }
    const auto* completion = CloseSessionWithCompletion(session);
    if (completion == nullptr) return;
    // The cancel the close causes should make the final result available to the pull soon
    // (OCAN-REM-4, a SHOULD); a pull that returns an error is released all the same. A pull
    // provably stuck for good is that SHOULD missed, not a hang for the watchdog.
    ASSERT_TRUE(pull->released.WaitFor(Eventually(), /*defer_stuck_to_watchdog=*/false))
        << Judges("OCAN-REM-4") << "the blocked " << pull->function << " of a "
        << OperationKindName(kind_) << " operation did not return within " << Eventually().count()
        << " ms of the session close";
    ObservePullRelease(*pull);
    // The completion waits for the handle's close, which the pages let fail when the final
    // result was not retrieved (OCL-REM-1): then the handle is still open and the completion
    // withheld.
    if (!AwaitHandleClosedAfterPull(*pull)) return;
    EXPECT_TRUE(completion->WaitReturned(1, Eventually()))
        << Judges("SC-PARAM-CB-1") << "the completion callback was not called within "
        << Eventually().count() << " ms of the operation's close";
  }

 private:
  OperationKind kind_;
};

std::vector<CaseRow<OperationKind>> SyncPullRows() {
  std::vector<CaseRow<OperationKind>> rows;
  for (OperationKind kind : kOperationKinds) {
    const std::string id = "session_close.cancel.sync_pull." + OperationKindId(kind);
    const std::string function = PullFunctionName(kind);
    rows.push_back(
        {id,
         "An operation pulled synchronously (NULL callbacks), " +
             std::string(OperationKindName(kind)) + ", whose " + function +
             " is blocked on another thread is released by the session close (SHOULD: soon; by "
             "the final result or by an error return), the handle is closed, and the completion "
             "callback runs once. NOT-SUPPORTED when the operation ends before the close (the "
             "target does not run the kind, or refuses its start without an instance).",
         {"SC-REM-1", "OCAN-REM-4", "OCL-REM-1"},
         kind});
  }
  return rows;
}

MICONFORM_CASE_FAMILY(SyncPullOfKindCase, SyncPullRows());

MICONFORM_CASE(SessionCloseCancel, ProviderIgnoresCancel,
               "session_close.cancel.provider_ignores_cancel",
               "With a provider that records cancels but never honours them, the session close "
               "still delivers the operation's final result (the client does not wait for the "
               "provider) and completes.",
               "OCAN-REM-7", "SC-REM-1", "SC-REM-2") {
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
  // At most once here; that it is called at all is judged below.
  MICONFORM_EXPECT_CALL("SC-PARAM-CB-1", completion, Completed(Eq(&g_completion_tag)))
      .Times(AtMost(1))
      .InSequence(order);
  ASSERT_TRUE(mock.WaitCalls(1, Eventually()))
      << Judges("OI-FINAL-1") << "the operation delivered nothing";

  if (!CheckResult("SC-RET-1", "MI_Session_Close",
                   CloseSessionAsync(session, &g_completion_tag, completion.Callback()))) {
    return;
  }
  EXPECT_TRUE(mock.WaitFinalResults(1, Eventually()))
      << Judges("OCAN-REM-7") << "no final result within " << Eventually().count()
      << " ms: the client waited for a provider that ignores the cancel";
  EXPECT_TRUE(completion.WaitReturned(1, Eventually()))
      << Judges("SC-PARAM-CB-1") << "the completion callback was not called within "
      << Eventually().count() << " ms";
  Observe("OCAN-REM-6", ProviderSaw(backend()));
}

}  // namespace
}  // namespace miconform::cases

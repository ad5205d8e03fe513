// operation_cases.cc - conformance cases for the operation side of the close lifecycle: cancel,
// operation close (from a callback, synchronous, asynchronous) and application close.
#include <atomic>
#include <memory>

#include "case_fixture.h"
#include "stall_oracle.h"

namespace miconform::cases {
namespace {

using ApplicationClose = CaseFixture;
using OperationCancel = CaseFixture;
using OperationClose = CaseFixture;

using testing::_;
using testing::AtMost;
using testing::Eq;

MICONFORM_CASE(OperationCancel, AsyncFinal, "operation_cancel.async_final",
               "MI_Operation_Cancel of a running asynchronous operation leads to exactly one "
               "final result, whatever the cancel returned (the page names no return; recorded); "
               "closing the handle then lets the session close. Whether the final result came "
               "before the cancel returned is recorded.",
               "OCAN-REM-3", "OI-FINAL-1") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  MiconformScript script = RunningScript(10);
  auto& mock = NewOperationMock();
  OperationSlot* operation = NewOperation();
  ExpectResultsThenFinal(mock, nullptr);
  StartEnumerate(session, operation, script, &mock);
  ASSERT_TRUE(mock.WaitCalls(1, Eventually()))
      << Judges("OI-FINAL-1") << "the operation delivered nothing";
  Phase("entered MI_Operation_Cancel");
  const MI_Result cancelled = target().CancelOperation(&operation->handle, MI_REASON_NONE);
  const bool final_before_return = mock.FinalResults() > 0;
  Phase("returned MI_Operation_Cancel (" + ResultName(cancelled) + ")");
  // "Cancellation is asynchronous" orders nothing: the final callback may come before the cancel
  // returns (even on this thread, inside the call) or after it.
  Observe("OCAN-REM-1", std::string("when MI_Operation_Cancel returned, the final result had ") +
                            (final_before_return ? "already" : "not yet") + " begun");
  if (cancelled != MI_RESULT_OK) {
    // The Cancel page names no return value: a code other than MI_RESULT_OK is recorded, and the
    // operation, which runs until cancelled, still has to end ("Cancels a running operation").
    Observe("OCAN-REM-3", "MI_Operation_Cancel of a running asynchronous operation returned " +
                              ResultName(cancelled));
  }
  EXPECT_TRUE(mock.WaitFinalResults(1, Eventually()))
      << Judges("OCAN-REM-3") << "no final result within " << Eventually().count()
      << " ms of the cancel";
  if (!CheckResult("OCL-RET-1", "MI_Operation_Close", CloseOperation(operation))) return;
  CheckResult("SC-RET-1", "MI_Session_Close", CloseSessionSync(session));
}

MICONFORM_CASE(OperationClose, CallbackHandle, "operation_close.callback_handle",
               "An asynchronous operation closed through the handle passed into its final "
               "callback counts as closed: the session's close then completes. When it does not, "
               "the same close through the handle the start returned tells whether the callback's "
               "handle was ignored (OCL-PARAM-1) or the session did not close (SC-DESC-1).",
               "OCL-PARAM-1", "OCL-RET-1", "OCL-DESC-1", "SC-DESC-1") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  auto& mock = NewOperationMock();
  OperationSlot* operation = NewOperation();
  auto closed = std::make_shared<std::atomic<int>>(-1);
  ExpectResultsThenFinal(mock, [operation, closed](MI_Operation* passed) {
    operation->close_called = true;  // closed here, through the callback's handle
    Phase("entered MI_Operation_Close (the callback's handle)");
    const MI_Result result = TheTarget().CloseOperation(passed);
    Phase("returned MI_Operation_Close (" + ResultName(result) + ")");
    closed->store(static_cast<int>(result));
  });
  StartEnumerate(session, operation, Script(), &mock);
  ASSERT_TRUE(mock.WaitFinalResults(1, Eventually()))
      << Judges("OI-FINAL-1") << "the operation delivered no final result";
  // WaitFinalResults waited for the final callback to return, so the close's result is in.
  if (!CheckResult("OCL-RET-1", "MI_Operation_Close (the handle passed into the final callback)",
                   closed->load())) {
    // Refused through the callback's handle, which the page lets the caller pass: the same close
    // through the handle the start returned tells whether that handle was the reason.
    if (MI_Result_IsValid(closed->load())) {
      if (CloseThroughStartHandle(operation) == MI_RESULT_OK) {
        ADD_FAILURE() << Judges("OCL-PARAM-1")
                      << "MI_Operation_Close through the handle passed into the final callback "
                         "returned "
                      << ResultName(closed->load())
                      << "; the same close through the handle the start returned succeeded";
        return;
      }
    }
    // The handle may still be open, and the session's close would then wait for it (SC-REM-3):
    // not made; the fixture's cleanup closes both.
    operation->close_called = false;
    return;
  }
  // The handle counts as closed when the session's close completes; its completion tells it
  // without the risk of a synchronous close that never returns.
  const auto* completion = CloseSessionWithCompletion(session);
  if (completion != nullptr && !completion->WaitReturned(1, Eventually())) {
    JudgeCloseAfterCallbackHandleClose(operation, *completion, "the final result's callback");
  }
}

MICONFORM_CASE(OperationClose, SyncUnretrieved, "operation_close.sync_unretrieved",
               "Closing a synchronous operation whose results were not all pulled fails "
               "(SHOULD), or waits until the final result is pulled (the other reading of "
               "\"synchronous on retrieving the final result\", released by pulling); which one, "
               "and what the handle does afterwards, is recorded.",
               "OCL-REM-1", "OCL-RET-1") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  MiconformScript script = Script();
  script.results = 2;
  OperationSlot* operation = StartEnumerate(session, script, nullptr);
  if (!backend().WaitStarted(1, Eventually().count())) {
    // No page says when an operation reaches the provider (a library may wait for the first
    // pull): observed, and the close is made all the same.
    Observe("OCL-REM-1", "the provider had not seen the synchronous operation start within " +
                             std::to_string(Eventually().count()) + " ms");
  }
  operation->close_called = true;  // called now; the cleanup must never close it again
  auto early = std::make_shared<std::atomic<int>>(MI_RESULT_OK);
  const std::shared_ptr<WatchedCall> close = StartWatched("MI_Operation_Close", [operation, early] {
    Phase("entered MI_Operation_Close (results not retrieved)");
    const MI_Result result = TheTarget().CloseOperation(&operation->handle);
    Phase("returned MI_Operation_Close (" + ResultName(result) + ")");
    early->store(result);
  });
  std::string how;
  const Watched watched = Watch(*close, &how);
  if (watched == Watched::kStuckElsewhere) {
    Trace(how + "; left to the watchdog");
    close->returned.Wait();  // a stuck process is the watchdog's to judge (HANG)
    return;
  }
  if (watched == Watched::kBlocked) {
    // "Synchronous on retrieving the final result" read as: the close waits for it. Lawful, so
    // observed, not judged; pulling releases it, and then it must return.
    Observe("OCL-REM-1",
            "MI_Operation_Close of a synchronous operation with results not "
            "retrieved blocks until they are pulled (" +
                how + ")");
    Trace("pulling the results from another thread");
    CaseStallOracle::Get().ExpectBlocked("MI_Operation_Close");
    for (int pulls = 0; pulls < 100 && !operation->final_pulled; ++pulls) {
      MI_Boolean more = MI_TRUE;
      MI_Result result = MI_RESULT_OK;
      if (PullResult(operation, &more, &result) != MI_RESULT_OK) break;
    }
    CaseStallOracle::Get().UnexpectBlocked("MI_Operation_Close");
    Phase("waiting for MI_Operation_Close to return after the results were pulled");
    close->returned.Wait();  // unbounded: a close that pulling does not release is a HANG
    Trace("MI_Operation_Close returned " + ResultName(early->load()) +
          " after the results were pulled");
    EXPECT_TRUE(MI_Result_IsValid(early->load()))
        << Judges("OCL-RET-1") << "MI_Operation_Close returned " << ResultName(early->load());
    return;
  }
  const MI_Result result = static_cast<MI_Result>(early->load());
  EXPECT_TRUE(MI_Result_IsValid(result))
      << Judges("OCL-RET-1") << "MI_Operation_Close returned " << ResultName(result);
  Observe("OCL-REM-1",
          "MI_Operation_Close of a synchronous operation with results not retrieved "
          "returned " +
              ResultName(result) + " without blocking");
  if (result == MI_RESULT_OK) {
    NoteDeviation("OCL-REM-1",
                  "MI_Operation_Close of a synchronous operation whose results were "
                  "not retrieved returned MI_RESULT_OK");
    return;
  }
  // The page does not say what a failed close leaves behind: record it without judging. A handle
  // that still pulls is drained and closed; one that no longer does counts as released.
  operation->close_called = false;
  for (int pulls = 0; pulls < 100 && !operation->final_pulled; ++pulls) {
    MI_Boolean more = MI_TRUE;
    MI_Result pulled_result = MI_RESULT_OK;
    if (PullResult(operation, &more, &pulled_result) != MI_RESULT_OK) {
      Trace("after the failed close the operation handle no longer pulls; treated as released");
      operation->close_called = true;
      return;
    }
  }
  const MI_Result late = CloseOperation(operation);
  Trace("MI_Operation_Close after the final result was pulled returned " + ResultName(late));
}

MICONFORM_CASE(OperationClose, AsyncNotBlocking, "operation_close.async_not_blocking",
               "MI_Operation_Close of a running asynchronous operation does not block and returns "
               "a value of the MI_Result enumeration; when it returned MI_RESULT_OK, the session "
               "then closes.",
               "OCL-REM-2", "OCL-RET-1") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  MiconformScript script = RunningScript(10);
  auto& mock = NewOperationMock();
  OperationSlot* operation = StartEnumerate(session, script, &mock);
  ASSERT_TRUE(mock.WaitCalls(1, Eventually()))
      << Judges("OI-FINAL-1") << "the operation delivered nothing";
  // Unarmed on purpose: a block here is no documented hang, so the watchdog records a HANG.
  const MI_Result result = CloseOperation(operation);
  if (!CheckResult("OCL-RET-1", "MI_Operation_Close of a running asynchronous operation", result)) {
    // The page only says it returns an MI_Result and does not block: refused, the handle is still
    // open, and a synchronous session close would then stop responding (SC-REM-3). Not made; the
    // fixture's cleanup closes the handle and the session.
    Observe("OCL-REM-2", "MI_Operation_Close of a running asynchronous operation returned " +
                             ResultName(result) + "; the handle was taken as still open");
    operation->close_called = false;
    return;
  }
  CheckResult("SC-RET-1", "MI_Session_Close", CloseSessionSync(session));
}

MICONFORM_CASE(ApplicationClose, InitializeAgain, "application_close.initialize_again",
               "MI_Application_Close after every session was closed, then the entry point again "
               "in the same process (not at shutdown): a hang in the new initialisation or its "
               "first NewSession is the risk the page warns of (MAY-DEADLOCK); when they return, "
               "the new application runs an operation to its final result and closes its session.",
               "AC-REM-5", "OI-FINAL-1", "SC-RET-1") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  auto& mock = NewOperationMock();
  StartClosingOnFinal(session, Script(), mock);
  ASSERT_TRUE(mock.WaitFinalResults(1, Eventually()))
      << Judges("OI-FINAL-1") << "the operation delivered no final result";
  if (!CheckResult("SC-RET-1", "MI_Session_Close", CloseSessionSync(session))) return;
  // What it returns is only observed (its page names no return value); one that failed may have
  // left the application open, and is then not one to initialise again after.
  if (const MI_Result closed = CloseApplication(); closed != MI_RESULT_OK) {
    Observe("AC-REM-5", "MI_Application_Close returned " + ResultName(closed) +
                            "; the application was not initialised again");
    return;
  }

  // "To avoid a system hang, call MI_Application_Close only at shutdown": this close was not.
  Arm("AC-REM-5", "MI_Application_Initialize");
  const MI_Result again = InitializeApplicationAgain();
  Disarm();
  if (again != MI_RESULT_OK) {
    Observe("AC-REM-5", "MI_Application_Initialize after MI_Application_Close returned " +
                            ResultName(again) + "; nothing more was run");
    return;
  }
  Arm("AC-REM-5", "MI_Application_NewSession");
  SessionSlot* second = OpenSession();
  Disarm();
  if (second == nullptr) return;
  auto& second_mock = NewOperationMock();
  StartClosingOnFinal(second, Script(), second_mock);
  ASSERT_TRUE(second_mock.WaitFinalResults(1, Eventually()))
      << Judges("OI-FINAL-1") << "after the application was initialised again, the operation "
      << "delivered no final result within " << Eventually().count() << " ms";
  CheckResult("SC-RET-1", "MI_Session_Close", CloseSessionSync(second));
}

MICONFORM_CASE(ApplicationClose, AfterEverythingClosed, "application_close.after_everything_closed",
               "MI_Application_Close after every operation and session was closed returns and "
               "takes the protocol handler down.",
               "AC-DESC-1", "AC-REM-1") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  auto& mock = NewOperationMock();
  StartClosingOnFinal(session, Script(), mock);
  ASSERT_TRUE(mock.WaitFinalResults(1, Eventually()))
      << Judges("OI-FINAL-1") << "the operation delivered no final result";
  // A session whose close was refused may still be open: the application close below would then
  // not be one "after everything was closed".
  if (!CheckResult("SC-RET-1", "MI_Session_Close", CloseSessionSync(session))) return;
  const std::uint32_t closes_before = backend().ApplicationCloseCount();
  // The page names no return value for MI_Application_Close: what it returns is only observed
  // (the fixture observes a value outside the enumeration).
  const MI_Result closed = CloseApplication();
  if (closed != MI_RESULT_OK) {
    Observe("AC-DESC-1", "MI_Application_Close returned " + ResultName(closed));
  }
  const std::uint32_t closes_after = backend().ApplicationCloseCount();
  Trace("protocol handler application closes: " + std::to_string(closes_before) + " -> " +
        std::to_string(closes_after));
  if (closes_after == closes_before) {
    ADD_FAILURE() << Judges("AC-REM-1")
                  << "MI_Application_Close returned without closing the protocol handler it had "
                     "loaded";
  }
}

}  // namespace
}  // namespace miconform::cases

// documented_hang_cases.cc - conformance cases for the documented stop-responding outcomes: open
// operation handles, unacknowledged results, application close with open sessions or from inside
// a callback. Each watches the documented hang, then releases it where the document allows.
#include <memory>

#include "case_fixture.h"
#include "stall_oracle.h"

namespace miconform::cases {
namespace {

using testing::_;
using testing::AnyNumber;
using testing::AtMost;
using testing::Eq;
using testing::Ne;

// A running operation that the close cancels; its final result leaves the handle open.
MiconformScript CancelledByClose(MiconformScript script) {
  script.results = 0;
  script.until_cancelled = 1;
  script.result_delay_ms = 10;
  return script;
}

// The fixture of the documented-hang cases: most of them leave an operation handle open.
class DocumentedHangCase : public CaseFixture {
 protected:
  // Starts a running operation (CancelledByClose) whose final result leaves its handle open, and
  // waits until it delivered something; with `order`, its final result is part of that sequence.
  // nullptr, after recording the failure, when it delivered nothing.
  OperationSlot* StartLeftOpen(SessionSlot* session, mocks::MockOperationCallbacks& mock,
                               testing::Sequence* order = nullptr) {
    ExpectResultsThenFinal(mock, nullptr, false, order);
    OperationSlot* operation = StartEnumerate(session, CancelledByClose(Script()), &mock);
    if (!mock.WaitCalls(1, Eventually())) {
      ADD_FAILURE() << Judges("OI-FINAL-1") << "the operation delivered nothing";
      return nullptr;
    }
    return operation;
  }
};

using ApplicationCloseHang = DocumentedHangCase;
using SessionCloseManualAck = DocumentedHangCase;
using SessionCloseOpenHandle = DocumentedHangCase;

MICONFORM_CASE(SessionCloseOpenHandle, SyncStopsResponding,
               "session_close.open_handle.sync_stops_responding",
               "With an operation handle left open, a synchronous session close stops "
               "responding (documented); closing the handle from another thread releases it.",
               "SC-REM-3", "OCAN-REM-2") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  auto& mock = NewOperationMock();
  OperationSlot* operation = StartLeftOpen(session, mock);
  if (operation == nullptr) return;

  ExpectDocumentedHang(
      "SC-REM-3", "MI_Session_Close", [session] { CloseSessionSync(session); },
      [this, &mock, operation] {
        EXPECT_TRUE(mock.WaitFinalResults(1, Eventually()))
            << Judges(MissedFinalRequirement(backend()))
            << "the blocked session close did not cancel the operation (no final result; "
            << ProviderSaw(backend()) << ")";
        CloseOperation(operation);
      });
}

MICONFORM_CASE(SessionCloseOpenHandle, CancelledHandleStillOpen,
               "session_close.open_handle.cancelled_still_open",
               "An operation cancelled with MI_Operation_Cancel, its final result delivered, and "
               "its handle left open: the handle still needs to be closed (documented), so a "
               "synchronous session close stops responding until it is.",
               "OCAN-REM-2", "OCAN-REM-3", "OI-FINAL-1") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  auto& mock = NewOperationMock();
  OperationSlot* operation = StartLeftOpen(session, mock);
  if (operation == nullptr) return;
  Phase("entered MI_Operation_Cancel");
  const MI_Result cancelled = target().CancelOperation(&operation->handle, MI_REASON_NONE);
  Phase("returned MI_Operation_Cancel (" + ResultName(cancelled) + ")");
  if (cancelled != MI_RESULT_OK) {
    GTEST_SKIP() << "MI_Operation_Cancel returned " << ResultName(cancelled)
                 << ": no cancelled operation to leave open";
  }
  ASSERT_TRUE(mock.WaitFinalResults(1, Eventually()))
      << Judges("OCAN-REM-3") << "no final result within " << Eventually().count()
      << " ms of the cancel";
  ExpectDocumentedHang(
      "OCAN-REM-2", "MI_Session_Close", [session] { CloseSessionSync(session); },
      [operation] { CloseOperation(operation); });
}

MICONFORM_CASE(SessionCloseOpenHandle, AsyncCompletionWithheld,
               "session_close.open_handle.async_completion_withheld",
               "With an operation handle left open, an asynchronous session close returns but "
               "withholds the completion callback (documented); closing the handle releases it, "
               "and it runs once.",
               "SC-REM-3", "SC-PARAM-CB-1", "OCAN-REM-2") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  auto& mock = NewOperationMock();
  testing::Sequence order;
  OperationSlot* operation = StartLeftOpen(session, mock, &order);
  if (operation == nullptr) return;
  auto& completion = NewCompletionMock(&g_completion_tag);
  // At most once here; that it is called at all is judged below, once the close returned
  // MI_RESULT_OK and the handle was closed.
  MICONFORM_EXPECT_CALL("SC-PARAM-CB-1", completion, Completed(Eq(&g_completion_tag)))
      .Times(AtMost(1))
      .InSequence(order);

  const MI_Result closed = CloseSessionAsync(session, &g_completion_tag, completion.Callback());
  // The pages name no success code: a valid MI_Result is judged (also by the fixture), an error
  // observed, and a refused close owes no completion.
  EXPECT_THAT(closed, IsValidResult())
      << Judges("SC-RET-1") << "MI_Session_Close returned " << ResultName(closed);
  if (closed != MI_RESULT_OK) {
    Observe("SC-RET-1", "MI_Session_Close returned " + ResultName(closed));
    return;
  }
  ASSERT_TRUE(mock.WaitFinalResults(1, Eventually()))
      << Judges(MissedFinalRequirement(backend()))
      << "the session close did not cancel the operation (no final result; "
      << ProviderSaw(backend()) << ")";
  Phase("watching the completion callback while the operation handle is open");
  if (completion.WaitReturned(1, ObserveWindow())) {
    NoteDeviation("SC-REM-3",
                  "the completion callback ran although an operation handle of the "
                  "session was still open");
  } else {
    NoteDocumentedHang("SC-REM-3",
                       "the completion callback was withheld while an operation "
                       "handle was open, as documented (until the target went "
                       "provably quiet, or for at most " +
                           std::to_string(ObserveWindow().count()) + " ms)");
  }
  const MI_Result handle_closed = CloseOperation(operation);
  if (handle_closed != MI_RESULT_OK) {
    // The pages name no success code for it either; refused, the handle may still be open, and
    // the completion is then still withheld (SC-REM-3).
    Observe("OCL-RET-1", "MI_Operation_Close of the finished operation returned " +
                             ResultName(handle_closed) + "; the completion was not awaited");
    return;
  }
  EXPECT_TRUE(completion.WaitReturned(1, Eventually()))
      << Judges("SC-PARAM-CB-1") << "the completion callback was not called within "
      << Eventually().count() << " ms of closing the last operation handle";
}

MICONFORM_CASE(SessionCloseManualAck, UnacknowledgedBlocksClose,
               "session_close.manual_ack.unacknowledged_blocks_close",
               "An unacknowledged manual-ack result keeps the session close from completing "
               "(documented); the acknowledgement releases it.",
               "OI-ACK-1", "OI-ACK-2") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  MiconformScript script = Script();
  script.results = 1;
  auto& mock = NewOperationMock();
  OperationSlot* operation = NewOperation();
  struct Held {
    MI_Operation* operation = nullptr;
    MI_ResultAcknowledgement ack = nullptr;
    Signal arrived;
  };
  auto held = std::make_shared<Held>();
  void* const context = mock.context();
  // The script has one result: one non-final call (once per available result).
  MICONFORM_EXPECT_CALL("OI-FINAL-1", mock, InstanceResult(_, context, _, Ne(MI_FALSE), _, _, _, _))
      .Times(1)
      .WillOnce([held](MI_Operation* op, void*, const MI_Instance*, MI_Boolean, MI_Result,
                       const MI_Char*, const MI_Instance*, MI_ResultAcknowledgement ack) {
        held->operation = op;
        held->ack = ack;
        held->arrived.Set();  // deliberately not acknowledged
      });
  MICONFORM_EXPECT_CALL("OI-FINAL-1", mock,
                        InstanceResult(_, context, _, MI_FALSE, IsValidResult(), _, _, _))
      .Times(1)
      .WillOnce([operation](MI_Operation* op, void*, const MI_Instance*, MI_Boolean, MI_Result,
                            const MI_Char*, const MI_Instance*, MI_ResultAcknowledgement ack) {
        EXPECT_NE(ack, nullptr) << Judges("OI-ACK-1")
                                << "a manual-ack final result came without an acknowledgement "
                                   "function";
        if (ack != nullptr) ack(op);
        CloseOperation(operation);
      });
  StartEnumerate(session, operation, script, &mock, MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS);
  ASSERT_TRUE(held->arrived.WaitFor(Eventually()))
      << Judges("OI-FINAL-1") << "the first result never arrived";
  ASSERT_NE(held->ack, nullptr)
      << Judges("OI-ACK-1")
      << "a result of a MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS operation came without an "
         "acknowledgement function";

  ExpectDocumentedHang(
      "OI-ACK-2", "MI_Session_Close", [session] { CloseSessionSync(session); },
      [held] {
        Phase("acknowledging the held result");
        const MI_Result acked = held->ack(held->operation);
        Trace("resultAcknowledgement returned " + ResultName(acked));
      });
  EXPECT_EQ(mock.FinalResults(), 1)
      << Judges("OI-FINAL-1") << "the operation never delivered its final result";
}

// The manual-ack operations below acknowledge each result themselves, and hold one.
struct HeldAcknowledgement {
  MI_Operation* operation = nullptr;
  MI_ResultAcknowledgement ack = nullptr;
  Signal arrived;
};

MICONFORM_CASE(SessionCloseManualAck, UnacknowledgedHoldsEnumeration,
               "session_close.manual_ack.unacknowledged_holds_enumeration",
               "While a manual-ack result is unacknowledged the enumeration does not progress "
               "(documented): no next result comes until the acknowledgement, and then the rest "
               "and the final result do.",
               "OI-ACK-1", "OI-ACK-2") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  MiconformScript script = Script();
  script.results = 3;
  auto& mock = NewOperationMock();
  OperationSlot* operation = NewOperation();
  auto held = std::make_shared<HeldAcknowledgement>();
  auto second = std::make_shared<Signal>();
  auto results = std::make_shared<std::atomic<int>>(0);
  void* const context = mock.context();
  MICONFORM_EXPECT_CALL("OI-FINAL-1", mock, InstanceResult(_, context, _, Ne(MI_FALSE), _, _, _, _))
      .Times(AnyNumber())
      .WillRepeatedly([held, second, results](MI_Operation* op, void*, const MI_Instance*,
                                              MI_Boolean, MI_Result, const MI_Char*,
                                              const MI_Instance*, MI_ResultAcknowledgement ack) {
        if (results->fetch_add(1) == 0) {
          held->operation = op;
          held->ack = ack;
          held->arrived.Set();  // the first result: deliberately not acknowledged
          return;
        }
        second->Set();
        AcknowledgeResult(ack, op);
      });
  MICONFORM_EXPECT_CALL("OI-FINAL-1", mock,
                        InstanceResult(_, context, _, MI_FALSE, IsValidResult(), _, _, _))
      .Times(1)
      .WillOnce([results](MI_Operation* op, void*, const MI_Instance* instance, MI_Boolean,
                          MI_Result, const MI_Char*, const MI_Instance*,
                          MI_ResultAcknowledgement ack) {
        // Whether the last result comes on its own call or with the final one is left open.
        if (instance != nullptr) results->fetch_add(1);
        AcknowledgeResult(ack, op);
      });
  StartEnumerate(session, operation, script, &mock, MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS);
  ASSERT_TRUE(held->arrived.WaitFor(Eventually()))
      << Judges("OI-FINAL-1") << "the first result never arrived";
  ASSERT_NE(held->ack, nullptr)
      << Judges("OI-ACK-1")
      << "a result of a MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS operation came without an "
         "acknowledgement function";

  Phase("watching for a next result while the first is unacknowledged");
  if (second->WaitFor(ObserveWindow())) {
    NoteDeviation("OI-ACK-2",
                  "a next result came while the first one of the manual-ack "
                  "enumeration was still unacknowledged");
  } else {
    NoteDocumentedHang("OI-ACK-2",
                       "the enumeration did not progress while its first result was "
                       "unacknowledged, as documented (until the target went provably "
                       "quiet, or for at most " +
                           std::to_string(ObserveWindow().count()) + " ms)");
  }
  Phase("acknowledging the held result");
  const MI_Result acked = held->ack(held->operation);
  Trace("resultAcknowledgement returned " + ResultName(acked));
  ASSERT_TRUE(mock.WaitFinalResults(1, Eventually()))
      << Judges("OI-ACK-1") << "the enumeration did not go on to its final result within "
      << Eventually().count() << " ms of the acknowledgement";
  EXPECT_EQ(results->load(), 3) << Judges("OI-FINAL-1") << "the three scripted results came as "
                                << results->load() << " instances";
  if (!CheckResult("OCL-RET-1", "MI_Operation_Close", CloseOperation(operation))) return;
  CheckResult("SC-RET-1", "MI_Session_Close", CloseSessionSync(session));
}

MICONFORM_CASE(SessionCloseManualAck, UnacknowledgedFinalBlocksClose,
               "session_close.manual_ack.unacknowledged_final_blocks_close",
               "An unacknowledged manual-ack final result keeps the operation's close, and so "
               "the session's synchronous close, from completing (documented); the "
               "acknowledgement releases them.",
               "OI-ACK-1", "OI-ACK-2") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  MiconformScript script = Script();
  script.results = 1;
  auto& mock = NewOperationMock();
  OperationSlot* operation = NewOperation();
  auto held = std::make_shared<HeldAcknowledgement>();
  void* const context = mock.context();
  MICONFORM_EXPECT_CALL("OI-FINAL-1", mock, InstanceResult(_, context, _, Ne(MI_FALSE), _, _, _, _))
      .Times(AnyNumber())
      .WillRepeatedly([](MI_Operation* op, void*, const MI_Instance*, MI_Boolean, MI_Result,
                         const MI_Char*, const MI_Instance*,
                         MI_ResultAcknowledgement ack) { AcknowledgeResult(ack, op); });
  MICONFORM_EXPECT_CALL("OI-FINAL-1", mock,
                        InstanceResult(_, context, _, MI_FALSE, IsValidResult(), _, _, _))
      .Times(1)
      .WillOnce([held](MI_Operation* op, void*, const MI_Instance*, MI_Boolean, MI_Result,
                       const MI_Char*, const MI_Instance*, MI_ResultAcknowledgement ack) {
        held->operation = op;
        held->ack = ack;
        held->arrived.Set();  // the final result: deliberately not acknowledged
      });
  StartEnumerate(session, operation, script, &mock, MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS);
  ASSERT_TRUE(held->arrived.WaitFor(Eventually()))
      << Judges("OI-FINAL-1") << "the final result never arrived";
  ASSERT_NE(held->ack, nullptr)
      << Judges("OI-ACK-1")
      << "the final result of a MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS operation came without an "
         "acknowledgement function";

  // Which close stops responding is left open. MI_Operation_Close "will not block" for an
  // asynchronous operation (OCL-REM-2), yet the acknowledgement page says that the operation's
  // close does not complete: a library may block in it, or return and let the session's close
  // wait. Either is the documented hang of OI-ACK-2, and the acknowledgement releases it.
  auto acknowledge = [held] {
    Phase("acknowledging the held final result");
    const MI_Result acked = held->ack(held->operation);
    Trace("resultAcknowledgement returned " + ResultName(acked));
  };
  operation->close_called = true;
  Arm("OI-ACK-2", "MI_Operation_Close");
  const std::shared_ptr<WatchedCall> close = StartWatched("MI_Operation_Close", [operation] {
    Phase("entered MI_Operation_Close (final result unacknowledged)");
    const MI_Result result = TheTarget().CloseOperation(&operation->handle);
    Phase("returned MI_Operation_Close (" + ResultName(result) + ")");
  });
  std::string how;
  switch (Watch(*close, &how)) {
    case Watched::kStuckElsewhere:
      Trace(how + "; left to the watchdog");
      close->returned.Wait();
      Disarm();
      return;
    case Watched::kBlocked: {
      NoteDocumentedHang("OI-ACK-2",
                         "MI_Operation_Close stopped responding while the final "
                         "result was unacknowledged, as documented (" +
                             how + "); releasing it");
      Observe("OCL-REM-2",
              "MI_Operation_Close of an asynchronous operation blocked until its "
              "manual-ack final result was acknowledged (the acknowledgement page "
              "says the operation's close does not complete meanwhile)");
      CaseStallOracle::Get().ExpectBlocked("MI_Operation_Close");
      Disarm();
      acknowledge();
      Phase("waiting for MI_Operation_Close to return after the acknowledgement");
      close->returned.Wait();  // unbounded: the watchdog turns a hang here into HANG
      CaseStallOracle::Get().UnexpectBlocked("MI_Operation_Close");
      CheckResult("SC-RET-1", "MI_Session_Close", CloseSessionSync(session));
      return;
    }
    case Watched::kReturned: Disarm(); break;
  }
  if (!ExpectDocumentedHang(
          "OI-ACK-2", "MI_Session_Close", [session] { CloseSessionSync(session); }, acknowledge)) {
    // Both closes returned with the final result unacknowledged: the operation is gone, and its
    // acknowledgement function is not called any more.
    Trace("the held final result is not acknowledged after both closes returned");
  }
}

// A running operation that the close cancels; its final result leaves the handle open (as
// CancelledByClose above), under a session whose asynchronous close has returned.
MICONFORM_CASE(ApplicationCloseHang, ClosingSessionStopsResponding,
               "application_close.closing_session_stops_responding",
               "MI_Application_Close while an operation handle is still open under a session "
               "whose asynchronous close has returned (its completion withheld) stops responding "
               "(documented); closing the handle releases it, and the withheld completion is "
               "called exactly once.",
               "SC-REM-4", "AC-REM-3", "SC-PARAM-CB-1") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  auto& mock = NewOperationMock();
  OperationSlot* operation = StartLeftOpen(session, mock);
  if (operation == nullptr) return;
  auto& completion = NewCompletionMock(&g_completion_tag);
  // At most once; that it is called at all is judged at the end, once the handle was closed.
  MICONFORM_EXPECT_CALL("SC-PARAM-CB-1", completion, Completed(Eq(&g_completion_tag)))
      .Times(AtMost(1));
  const MI_Result closed = CloseSessionAsync(session, &g_completion_tag, completion.Callback());
  if (closed != MI_RESULT_OK) {
    Observe("SC-RET-1", "MI_Session_Close returned " + ResultName(closed) +
                            "; the application close was not made");
    return;
  }
  ASSERT_TRUE(mock.WaitFinalResults(1, Eventually()))
      << Judges(MissedFinalRequirement(backend()))
      << "the session close did not cancel the operation (no final result; "
      << ProviderSaw(backend()) << ")";
  if (completion.Calls() > 0) {
    // SC-REM-3's outcome is judged by session_close.open_handle.async_completion_withheld; here
    // the application close still has an open operation handle to stop responding on.
    Observe("SC-REM-4",
            "the completion callback ran before MI_Application_Close although an "
            "operation handle of the session was still open");
  }

  const bool released = ExpectDocumentedHang(
      "SC-REM-4", "MI_Application_Close", [this] { CloseApplication(); },
      [operation] { CloseOperation(operation); });
  if (!released) {
    // Returned with the handle open: what the handle and the withheld completion do after the
    // application is gone is nowhere said, so nothing more is judged.
    Trace("MI_Application_Close returned with an operation handle open; the handle is left");
    operation->close_called = true;  // nor does the cleanup touch it
    return;
  }
  EXPECT_TRUE(completion.WaitReturned(1, Eventually()))
      << Judges("SC-PARAM-CB-1") << "the completion callback of the asynchronous session close "
      << "was never called: MI_Application_Close returned after the last operation handle was "
         "closed, and "
      << Eventually().count() << " ms more passed";
}

MICONFORM_CASE(ApplicationCloseHang, OpenSessionStopsResponding,
               "application_close.open_session_stops_responding",
               "MI_Application_Close with a session still open cancels its running operation "
               "(its final result comes) and stops responding (documented); closing the session "
               "releases it. Whether the cancel reaches the provider is recorded.",
               "AC-REM-2", "AC-REM-3", "AC-REM-5", "SC-REM-4") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  auto& mock = NewOperationMock();
  StartClosingOnFinal(session, CancelledByClose(Script()), mock);
  ASSERT_TRUE(mock.WaitCalls(1, Eventually()))
      << Judges("OI-FINAL-1") << "the operation delivered nothing";

  ExpectDocumentedHang(
      "AC-REM-3", "MI_Application_Close", [this] { CloseApplication(); },
      [this, &mock, session] {
        EXPECT_TRUE(mock.WaitFinalResults(1, Eventually()))
            << Judges("AC-REM-2")
            << "the blocked MI_Application_Close did not cancel the running operation (no final "
               "result; "
            << ProviderSaw(backend()) << ")";
        CloseSessionSync(session);
      });
  // Not all cancels get through to the provider, and the client may disconnect instead.
  Observe("OCAN-REM-6", ProviderSaw(backend()));
}

MICONFORM_CASE(ApplicationCloseHang, IdleSessionStopsResponding,
               "application_close.idle_session_stops_responding",
               "MI_Application_Close with a session left open that never started an operation "
               "stops responding (documented: the session handle was not closed before the "
               "application was shut down); closing the session releases it.",
               "ANS-PARAM-2") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  ExpectDocumentedHang(
      "ANS-PARAM-2", "MI_Application_Close", [this] { CloseApplication(); },
      [session] { CloseSessionSync(session); });
}

MICONFORM_CASE(ApplicationCloseHang, FromCallback, "application_close.from_callback",
               "MI_Application_Close called from inside an instanceResult callback deadlocks "
               "(documented); nothing can release it.",
               "AC-REM-4") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  auto& mock = NewOperationMock();
  auto entered = std::make_shared<Signal>();
  auto returned = std::make_shared<Signal>();
  MICONFORM_EXPECT_CALL("OI-FINAL-1", mock, InstanceResult(_, mock.context(), _, _, _, _, _, _))
      .Times(AnyNumber())
      .WillOnce([this, entered, returned](MI_Operation*, void*, const MI_Instance*, MI_Boolean,
                                          MI_Result, const MI_Char*, const MI_Instance*,
                                          MI_ResultAcknowledgement) {
        entered->Set();
        CloseApplication();
        returned->Set();
      })
      .WillRepeatedly([](MI_Operation*, void*, const MI_Instance*, MI_Boolean, MI_Result,
                         const MI_Char*, const MI_Instance*, MI_ResultAcknowledgement) {});

  Arm("AC-REM-4", "MI_Application_Close");
  StartEnumerate(session, CancelledByClose(Script()), &mock);
  if (!entered->WaitFor(Eventually())) {
    Disarm();
    FAIL() << Judges("OI-FINAL-1")
           << "the operation delivered no instanceResult to close the application from";
  }
  returned->Wait();  // unbounded: the documented outcome is that this never happens
  Disarm();
  NoteDeviation("AC-REM-4",
                "MI_Application_Close returned although it was called from inside "
                "an asynchronous callback");
}

}  // namespace
}  // namespace miconform::cases

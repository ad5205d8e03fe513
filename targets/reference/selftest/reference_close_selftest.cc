// reference_close_selftest.cc - self-tests of the reference MI client library: initialize, session
// close (synchronous and asynchronous), cancel, operation close, manual acknowledgement and
// application close, driven through the function tables of the dlopen'ed library.
#include <future>
#include <thread>
#include <vector>

#include "reference_test_support.h"

namespace miconform::reference::selftest {
namespace {

using namespace std::chrono_literals;

// ---- initialize and sessions

TEST(ReferenceInitializeTest, RejectsNonZeroFlagsAndNullApplication) {
  MI_Application app{};
  EXPECT_EQ(MI_RESULT_INVALID_PARAMETER, ReferenceEntry()(1, nullptr, nullptr, &app));
  EXPECT_EQ(MI_RESULT_INVALID_PARAMETER, ReferenceEntry()(0, nullptr, nullptr, nullptr));
}

TEST_F(ReferenceTest, FillsEveryApplicationSlot) {
  const void* const* slots = reinterpret_cast<const void* const*>(app_.ft);
  for (int i = 0; i < 11; ++i) EXPECT_NE(nullptr, slots[i]) << "slot " << i;
  MI_OperationOptions options{};
  EXPECT_EQ(MI_RESULT_NOT_SUPPORTED, app_.ft->NewOperationOptions(&app_, MI_FALSE, &options));
}

TEST_F(ReferenceTest, UnknownProtocolIsNotFoundAndDefaultLocalHandlerIsUsed) {
  MI_Session session{};
  EXPECT_EQ(MI_RESULT_NOT_FOUND,
            app_.ft->NewSession(&app_, "NOSUCH", nullptr, nullptr, nullptr, nullptr, &session));
  ASSERT_EQ(MI_RESULT_OK,
            app_.ft->NewSession(&app_, nullptr, nullptr, nullptr, nullptr, nullptr, &session));
  EXPECT_EQ(MI_RESULT_OK, session.ft->Close(&session, nullptr, nullptr));
  FakeHandlerStats stats = Stats();
  EXPECT_EQ(1u, stats.initialized);
  EXPECT_EQ(1u, stats.destination_options_created);
  EXPECT_EQ(1u, stats.destination_options_deleted);
  EXPECT_EQ(1u, stats.sessions_closed);
  EXPECT_EQ(MI_RESULT_OK, CloseApplication());
  EXPECT_EQ(1u, Stats().application_closed);
}

TEST_F(ReferenceTest, SyncCloseOfIdleSessionClosesTheHandlerSession) {
  MI_Session session = OpenSession();
  EXPECT_EQ(MI_RESULT_OK, MI_Session_Close(&session, nullptr, nullptr));
  EXPECT_EQ(1u, Stats().sessions_closed);
}

// ---- bad handles

TEST_F(ReferenceTest, ForeignAndDoubleCloseAreInvalidParameter) {
  MI_Session session = OpenSession();
  const MI_SessionFT* table = session.ft;
  MI_Session foreign{0, 0, table};
  EXPECT_EQ(MI_RESULT_INVALID_PARAMETER, table->Close(&foreign, nullptr, nullptr));
  EXPECT_EQ(MI_RESULT_INVALID_PARAMETER, table->Close(nullptr, nullptr, nullptr));
  MI_Session made_up{session.reserved1 + 1000, session.reserved2, table};
  EXPECT_EQ(MI_RESULT_INVALID_PARAMETER, table->Close(&made_up, nullptr, nullptr));

  EXPECT_EQ(MI_RESULT_OK, table->Close(&session, nullptr, nullptr));
  EXPECT_EQ(MI_RESULT_INVALID_PARAMETER, table->Close(&session, nullptr, nullptr));
  CloseCompletion completion;
  EXPECT_EQ(MI_RESULT_INVALID_PARAMETER,
            table->Close(&session, &completion, &CloseCompletion::Callback));
  EXPECT_EQ(0, completion.Calls());
  EXPECT_EQ(1u, Stats().sessions_closed);
}

TEST_F(ReferenceTest, OperationOnClosedSessionFailsAtOnceAndMustBeClosed) {
  MI_Session session = OpenSession();
  MI_Session stale = session;
  ASSERT_EQ(MI_RESULT_OK, session.ft->Close(&session, nullptr, nullptr));
  OperationLog log;
  log.close_on_final = false;
  Enumerate(stale, "results=1", log);
  ASSERT_EQ(1, log.Finals());  // inside the call
  EXPECT_EQ(MI_RESULT_FAILED, log.final_code);
  EXPECT_EQ(MI_RESULT_OK, log.handle.ft->Close(&log.handle));
  EXPECT_EQ(MI_RESULT_INVALID_PARAMETER, log.handle.ft->Close(&log.handle));
  EXPECT_EQ(0u, Stats().operations_started);
}

// ---- operations and cancel

TEST_F(ReferenceTest, OperationRunsToItsFinalResultWithMessagesAndManualAckTowardsHandler) {
  MI_Session session = OpenSession();
  OperationLog log;
  Enumerate(session, "results=3;messages=2", log);
  ASSERT_TRUE(log.WaitFinal());
  EXPECT_EQ(3, log.results);
  EXPECT_EQ(2, log.messages);
  EXPECT_EQ(MI_RESULT_OK, log.final_code);
  EXPECT_EQ(MI_RESULT_OK, session.ft->Close(&session, nullptr, nullptr));
  FakeHandlerStats stats = Stats();
  EXPECT_EQ(0u, stats.operations_without_manual_ack);
  EXPECT_EQ(4u, stats.acknowledgements);  // three results and the final one
  EXPECT_EQ(1u, stats.operations_closed);
  EXPECT_EQ(0u, stats.sessions_closed_with_open_operations);
  EXPECT_EQ(0, log.after_final);
}

TEST_F(ReferenceTest, HandlerThatIgnoresCancelStillGivesTheAppItsFinalResultPromptly) {
  MI_Session session = OpenSession();
  OperationLog log;
  // The transport disconnects only when told to (fake_handler_disconnect).
  Enumerate(session, "forever;ignore_cancel;delay_ms=1;disconnect_ms=600000", log);
  ASSERT_TRUE(log.WaitResults(1));
  EXPECT_EQ(MI_RESULT_OK, log.handle.ft->Cancel(&log.handle, MI_REASON_NONE));
  ASSERT_TRUE(log.WaitFinal());
  EXPECT_EQ(MI_RESULT_FAILED, log.final_code);
  EXPECT_EQ(0u, Stats().finals_sent) << "the application's final result waited for the transport";
  // The handler operation is closed only after its own final result, which the transport's
  // disconnect brings; the session's close waits for that.
  fake_handler_disconnect();
  EXPECT_EQ(MI_RESULT_OK, session.ft->Close(&session, nullptr, nullptr));
  FakeHandlerStats stats = Stats();
  EXPECT_EQ(1u, stats.finals_sent);
  EXPECT_EQ(1u, stats.disconnects);
  EXPECT_EQ(1u, stats.operations_closed);
  EXPECT_EQ(0u, stats.calls_after_close);
  EXPECT_EQ(1, log.Finals());
  EXPECT_EQ(0, log.after_final);
}

// ---- session close

TEST_F(ReferenceTest, SyncCloseCancelsRunningOperationsEachGetsOneFinal) {
  MI_Session session = OpenSession();
  std::atomic<bool> close_returned{false};
  constexpr int kOperations = 4;
  std::vector<OperationLog> logs(kOperations);
  for (auto& log : logs) {
    log.close_returned = &close_returned;
    Enumerate(session, "forever;delay_ms=1", log);
  }
  ASSERT_TRUE(fake_handler_wait_results(kOperations, 20000));
  EXPECT_EQ(MI_RESULT_OK, session.ft->Close(&session, nullptr, nullptr));
  close_returned = true;
  for (auto& log : logs) {
    std::lock_guard lock(log.mutex);
    EXPECT_EQ(1, log.finals);
    EXPECT_EQ(0, log.in_callback);
    EXPECT_EQ(0, log.after_final);
  }
  FakeHandlerStats stats = Stats();
  EXPECT_EQ(static_cast<unsigned>(kOperations), stats.operations_closed);
  EXPECT_EQ(1u, stats.sessions_closed);
  EXPECT_EQ(0u, stats.sessions_closed_with_open_operations);
  EXPECT_EQ(MI_RESULT_OK, CloseApplication());
  for (auto& log : logs) EXPECT_EQ(0, log.after_close_returned);
}

void AsyncCloseCompletesOnceAfterTheLastCallback(MI_Session session, bool null_context) {
  std::vector<OperationLog> logs(3);
  OperationLog& held_open = logs[0];
  held_open.close_on_final = false;  // its handle stays open until the test closes it
  for (auto& log : logs) Enumerate(session, "forever;delay_ms=1", log);
  ASSERT_TRUE(fake_handler_wait_results(3, 20000));

  static CloseCompletion* null_context_completion;
  CloseCompletion completion;
  for (auto& log : logs) completion.operations.push_back(&log);
  null_context_completion = &completion;
  MI_SessionCloseCompletion callback =
      null_context ? +[](void* context) { null_context_completion->Record(context); }
                   : &CloseCompletion::Callback;
  void* context = null_context ? nullptr : &completion;
  // Returns although an operation handle is open: an asynchronous close never waits.
  EXPECT_EQ(MI_RESULT_OK, session.ft->Close(&session, context, callback));
  ASSERT_TRUE(held_open.WaitFinal());
  {
    std::unique_lock lock(completion.mutex);
    EXPECT_FALSE(completion.changed.wait_for(lock, kStillBlocked, [&] {
      return completion.calls > 0;
    })) << "completion called while an operation handle was open";
  }
  EXPECT_EQ(MI_RESULT_OK, held_open.handle.ft->Close(&held_open.handle));
  ASSERT_TRUE(completion.WaitCalled());
  EXPECT_EQ(1, completion.Calls());
  EXPECT_EQ(context, completion.context);
  EXPECT_TRUE(completion.operations_quiet_at_completion);
  for (auto& log : logs) {
    std::lock_guard lock(log.mutex);
    EXPECT_EQ(1, log.finals);
    EXPECT_EQ(0, log.after_final);
  }
}

TEST_F(ReferenceTest, AsyncCloseReturnsAtOnceAndCompletesOnceWithItsContext) {
  AsyncCloseCompletesOnceAfterTheLastCallback(OpenSession(), false);
  EXPECT_EQ(MI_RESULT_OK, CloseApplication());
}

TEST_F(ReferenceTest, AsyncCloseWithNullContextCompletesOnce) {
  AsyncCloseCompletesOnceAfterTheLastCallback(OpenSession(), true);
  EXPECT_EQ(MI_RESULT_OK, CloseApplication());
}

TEST_F(ReferenceTest, SyncPullIsReleasedByClose) {
  MI_Session session = OpenSession();
  MI_Operation operation{};
  session.ft->EnumerateInstances(&session, 0, nullptr, "root/test", "hold;ignore_cancel", MI_FALSE,
                                 nullptr, &operation);
  auto pulled = std::async(std::launch::async, [&] {
    const MI_Instance* instance = nullptr;
    MI_Boolean more = MI_TRUE;
    MI_Result result = MI_RESULT_OK;
    EXPECT_EQ(MI_RESULT_OK,
              operation.ft->GetInstance(&operation, &instance, &more, &result, nullptr, nullptr));
    EXPECT_EQ(MI_FALSE, more);
    EXPECT_EQ(MI_RESULT_FAILED, result);
    EXPECT_EQ(MI_RESULT_OK, operation.ft->Close(&operation));
  });
  auto closed =
      std::async(std::launch::async, [&] { return session.ft->Close(&session, nullptr, nullptr); });
  ASSERT_EQ(std::future_status::ready, pulled.wait_for(kEventually));
  ASSERT_EQ(std::future_status::ready, closed.wait_for(kEventually));
  EXPECT_EQ(MI_RESULT_OK, closed.get());
  EXPECT_EQ(1u, Stats().operations_closed);
}

TEST_F(ReferenceTest, SyncOperationClosedBeforeItsFinalFailsButIsClosed) {
  MI_Session session = OpenSession();
  MI_Operation operation{};
  session.ft->EnumerateInstances(&session, 0, nullptr, "root/test", "forever;delay_ms=1", MI_FALSE,
                                 nullptr, &operation);
  const MI_Instance* instance = nullptr;
  MI_Boolean more = MI_FALSE;
  MI_Result result = MI_RESULT_FAILED;
  ASSERT_EQ(MI_RESULT_OK,
            operation.ft->GetInstance(&operation, &instance, &more, &result, nullptr, nullptr));
  EXPECT_EQ(MI_TRUE, more);
  EXPECT_NE(nullptr, instance);
  EXPECT_EQ(MI_RESULT_FAILED, operation.ft->Close(&operation));
  EXPECT_EQ(MI_RESULT_INVALID_PARAMETER, operation.ft->Close(&operation));
  EXPECT_EQ(MI_RESULT_OK, session.ft->Close(&session, nullptr, nullptr));
  EXPECT_EQ(1u, Stats().operations_closed);
}

TEST_F(ReferenceTest, OpenOperationHandleBlocksSyncCloseUntilClosedFromAnotherThread) {
  MI_Session session = OpenSession();
  OperationLog log;
  log.close_on_final = false;
  Enumerate(session, "results=1", log);
  ASSERT_TRUE(log.WaitFinal());
  auto closed =
      std::async(std::launch::async, [&] { return session.ft->Close(&session, nullptr, nullptr); });
  EXPECT_EQ(std::future_status::timeout, closed.wait_for(kStillBlocked))
      << "sync close returned while an operation handle was open";

  // Meanwhile, an operation started on the closing session ends at once and must be closed too.
  OperationLog late;
  late.close_on_final = false;
  Enumerate(session, "results=1", late);
  ASSERT_EQ(1, late.Finals());
  EXPECT_EQ(MI_RESULT_FAILED, late.final_code);
  EXPECT_EQ(MI_RESULT_OK, late.handle.ft->Close(&late.handle));
  EXPECT_EQ(std::future_status::timeout, closed.wait_for(0ms));

  EXPECT_EQ(MI_RESULT_OK, log.handle.ft->Close(&log.handle));
  ASSERT_EQ(std::future_status::ready, closed.wait_for(kEventually));
  EXPECT_EQ(MI_RESULT_OK, closed.get());
}

TEST_F(ReferenceTest, UnacknowledgedResultBlocksCloseUntilAcknowledged) {
  MI_Session session = OpenSession();
  OperationLog log;
  log.acknowledge = false;
  log.close_on_final = false;  // closed below, before its final result
  Enumerate(session, "forever;delay_ms=1", log, MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS);
  ASSERT_TRUE(log.WaitResults(1));
  EXPECT_EQ(MI_RESULT_OK, log.handle.ft->Close(&log.handle));  // async: never blocks
  auto closed =
      std::async(std::launch::async, [&] { return session.ft->Close(&session, nullptr, nullptr); });
  EXPECT_EQ(std::future_status::timeout, closed.wait_for(kStillBlocked))
      << "sync close returned while a result was unacknowledged";
  EXPECT_EQ(0, log.Finals()) << "final result delivered before the previous one was acknowledged";
  log.AcknowledgePending();  // releases the final result ...
  ASSERT_TRUE(log.WaitFinal());
  EXPECT_EQ(std::future_status::timeout, closed.wait_for(kStillBlocked))
      << "sync close returned while the final result was unacknowledged";
  log.AcknowledgePending();  // ... whose acknowledgement releases the close
  ASSERT_EQ(std::future_status::ready, closed.wait_for(kEventually));
  EXPECT_EQ(MI_RESULT_OK, closed.get());
  EXPECT_EQ(1, log.Finals());
  EXPECT_EQ(0, log.after_final);
}

void CloseFromInsideInstanceResult(MI_Session& session, bool on_final) {
  CloseCompletion completion;
  OperationLog log;
  completion.operations.push_back(&log);
  std::atomic<int> close_calls{0};
  log.hook = [&](MI_Operation* operation, MI_Boolean more) {
    if ((more == MI_FALSE) != on_final || close_calls.exchange(1) != 0) return;
    if (on_final) {
      EXPECT_EQ(MI_RESULT_OK, operation->ft->Close(operation));
    }
    EXPECT_EQ(MI_RESULT_OK, MI_Session_Close(&session, &completion, &CloseCompletion::Callback));
  };
  log.close_on_final = !on_final;
  Enumerate(session, on_final ? "results=2" : "forever;delay_ms=1", log);
  ASSERT_TRUE(completion.WaitCalled()) << "close from inside a callback did not complete";
  EXPECT_EQ(1, completion.Calls());
  EXPECT_TRUE(completion.operations_quiet_at_completion);
  EXPECT_EQ(1, log.Finals());
}

TEST_F(ReferenceTest, CloseFromInsideNonFinalResultWithCompletionCompletes) {
  MI_Session session = OpenSession();
  CloseFromInsideInstanceResult(session, false);
}

TEST_F(ReferenceTest, CloseFromInsideFinalResultWithCompletionCompletes) {
  MI_Session session = OpenSession();
  CloseFromInsideInstanceResult(session, true);
}

// ---- application close

TEST_F(ReferenceTest, ApplicationCloseBlocksUntilTheLastSessionIsClosed) {
  MI_Session first = OpenSession();
  MI_Session last = OpenSession();
  OperationLog log;
  Enumerate(last, "forever;delay_ms=1", log);
  ASSERT_TRUE(log.WaitResults(1));
  ASSERT_EQ(MI_RESULT_OK, first.ft->Close(&first, nullptr, nullptr));
  auto closed = std::async(std::launch::async, [&] { return CloseApplication(); });
  ASSERT_TRUE(log.WaitFinal()) << "application close did not cancel the running operation";
  EXPECT_EQ(std::future_status::timeout, closed.wait_for(kStillBlocked))
      << "application close returned while a session was open";
  EXPECT_EQ(0u, Stats().application_closed);
  EXPECT_EQ(MI_RESULT_OK, last.ft->Close(&last, nullptr, nullptr));
  ASSERT_EQ(std::future_status::ready, closed.wait_for(kEventually));
  EXPECT_EQ(MI_RESULT_OK, closed.get());
  EXPECT_EQ(1u, Stats().application_closed);
  EXPECT_EQ(MI_RESULT_FAILED, log.final_code);
}

}  // namespace
}  // namespace miconform::reference::selftest

// reference_variants_selftest.cc - self-tests of the conforming variants of the reference (the
// "variants" of targets/mutants/mutants.json): each variant library, loaded like the reference and
// run against the fake handler, does what its lawful reading of the pages says, and otherwise what
// the reference does.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "reference_test_support.h"

namespace miconform::reference::selftest {
namespace {

using namespace std::chrono_literals;

// Pulls the next result of a synchronous operation; returns its moreResults, *code its result.
MI_Boolean Pull(MI_Operation& operation, MI_Result* code) {
  const MI_Instance* instance = nullptr;
  MI_Boolean more = MI_FALSE;
  EXPECT_EQ(MI_RESULT_OK,
            operation.ft->GetInstance(&operation, &instance, &more, code, nullptr, nullptr));
  return more;
}

// ---- second_close_ok

class SecondCloseOkTest : public VariantTest {
 protected:
  SecondCloseOkTest() : VariantTest("second_close_ok") {}
};

TEST_F(SecondCloseOkTest, RepeatedClosesOfAClosedSessionSucceedAndCompleteOnce) {
  MI_Session session = OpenSession();
  const MI_SessionFT* table = session.ft;
  OperationLog log;
  Enumerate(session, "results=1", log);
  ASSERT_TRUE(log.WaitFinal());
  ASSERT_EQ(MI_RESULT_OK, table->Close(&session, nullptr, nullptr));

  EXPECT_EQ(MI_RESULT_OK, table->Close(&session, nullptr, nullptr));
  CloseCompletion completion;
  EXPECT_EQ(MI_RESULT_OK, table->Close(&session, &completion, &CloseCompletion::Callback));
  ASSERT_TRUE(completion.WaitCalled());
  std::this_thread::sleep_for(kStillBlocked);
  EXPECT_EQ(1, completion.Calls());
  EXPECT_EQ(&completion, completion.context);
  EXPECT_EQ(1u, Stats().sessions_closed);

  // Handles that are no session's of this library stay foreign: zeroed, an id never issued, and
  // the id of an operation under the session's tag.
  MI_Session foreign{0, 0, table};
  EXPECT_EQ(MI_RESULT_INVALID_PARAMETER, table->Close(&foreign, nullptr, nullptr));
  MI_Session made_up{session.reserved1 + 1000, session.reserved2, table};
  EXPECT_EQ(MI_RESULT_INVALID_PARAMETER, table->Close(&made_up, nullptr, nullptr));
  MI_Session operation_id{log.handle.reserved1, session.reserved2, table};
  CloseCompletion refused;
  EXPECT_EQ(MI_RESULT_INVALID_PARAMETER,
            table->Close(&operation_id, &refused, &CloseCompletion::Callback));
  EXPECT_EQ(0, refused.Calls());
}

TEST_F(SecondCloseOkTest, ClosesRacingTheFirstSucceedOnceTheSessionIsClosed) {
  MI_Session session = OpenSession();
  OperationLog held_open;
  held_open.close_on_final = false;  // keeps the first close from ending until the test closes it
  Enumerate(session, "forever;delay_ms=1", held_open);
  ASSERT_TRUE(held_open.WaitResults(1));

  CloseCompletion first;
  CloseCompletion second;
  ASSERT_EQ(MI_RESULT_OK, session.ft->Close(&session, &first, &CloseCompletion::Callback));
  ASSERT_TRUE(held_open.WaitFinal());
  EXPECT_EQ(MI_RESULT_OK, session.ft->Close(&session, &second, &CloseCompletion::Callback));
  auto sync =
      std::async(std::launch::async, [&] { return session.ft->Close(&session, nullptr, nullptr); });
  EXPECT_EQ(std::future_status::timeout, sync.wait_for(kStillBlocked))
      << "a repeated synchronous close returned while the session was still open";
  EXPECT_EQ(0, first.Calls());
  EXPECT_EQ(0, second.Calls()) << "a repeated close completed while the session was still open";

  EXPECT_EQ(MI_RESULT_OK, held_open.handle.ft->Close(&held_open.handle));
  ASSERT_EQ(std::future_status::ready, sync.wait_for(kEventually));
  EXPECT_EQ(MI_RESULT_OK, sync.get());
  ASSERT_TRUE(first.WaitCalled());
  ASSERT_TRUE(second.WaitCalled());
  std::this_thread::sleep_for(kStillBlocked);
  EXPECT_EQ(1, first.Calls());
  EXPECT_EQ(1, second.Calls());
  EXPECT_EQ(&second, second.context);
  EXPECT_EQ(1, held_open.Finals());
  EXPECT_EQ(1u, Stats().sessions_closed);
}

TEST_F(SecondCloseOkTest, RepeatedSyncCloseFromACallbackOfTheSessionIsAnsweredAtOnce) {
  MI_Session session = OpenSession();
  OperationLog log;
  CloseCompletion first;
  CloseCompletion again;
  first.operations = {&log};
  again.operations = {&log};
  std::atomic<int> first_result{-1};
  std::atomic<int> sync_again{-1};
  std::atomic<int> async_again{-1};
  log.hook = [&](MI_Operation*, MI_Boolean more) {
    if (!more || first_result.load() != -1) return;
    first_result = MI_Session_Close(&session, &first, &CloseCompletion::Callback);
    // Would wait for the release, which waits for this callback to return: answered at once, as
    // the reference answers it.
    sync_again = MI_Session_Close(&session, nullptr, nullptr);
    async_again = MI_Session_Close(&session, &again, &CloseCompletion::Callback);
  };
  Enumerate(session, "forever;delay_ms=1", log);
  ASSERT_TRUE(first.WaitCalled());
  ASSERT_TRUE(again.WaitCalled());
  EXPECT_EQ(MI_RESULT_OK, first_result.load());
  EXPECT_EQ(MI_RESULT_INVALID_PARAMETER, sync_again.load());
  EXPECT_EQ(MI_RESULT_OK, async_again.load());
  std::this_thread::sleep_for(kStillBlocked);
  EXPECT_EQ(1, first.Calls());
  EXPECT_EQ(1, again.Calls());
  EXPECT_EQ(&again, again.context);
  EXPECT_TRUE(first.operations_quiet_at_completion);
  EXPECT_TRUE(again.operations_quiet_at_completion);
  EXPECT_EQ(1, log.Finals());
  EXPECT_EQ(MI_RESULT_FAILED, log.final_code);
  // Outside a callback, once closed: MI_RESULT_OK again.
  EXPECT_EQ(MI_RESULT_OK, MI_Session_Close(&session, nullptr, nullptr));
  EXPECT_EQ(1u, Stats().sessions_closed);
}

// ---- sync_close_in_callback_refused

class SyncCloseInCallbackRefusedTest : public VariantTest {
 protected:
  SyncCloseInCallbackRefusedTest() : VariantTest("sync_close_in_callback_refused") {}
};

TEST_F(SyncCloseInCallbackRefusedTest, SyncCloseFromACallbackIsRefusedAndTheSessionStaysOpen) {
  MI_Session session = OpenSession();
  OperationLog log;
  std::atomic<int> refused{-1};
  log.hook = [&](MI_Operation*, MI_Boolean more) {
    if (more && refused.load() == -1) refused = MI_Session_Close(&session, nullptr, nullptr);
  };
  Enumerate(session, "results=2", log);
  ASSERT_TRUE(log.WaitFinal());
  EXPECT_EQ(MI_RESULT_FAILED, refused.load());
  EXPECT_EQ(2, log.results) << "the refused close cancelled the operation";
  EXPECT_EQ(MI_RESULT_OK, log.final_code);

  // Still open: an operation started now runs to its end.
  OperationLog after;
  Enumerate(session, "results=1", after);
  ASSERT_TRUE(after.WaitFinal());
  EXPECT_EQ(MI_RESULT_OK, after.final_code);
  EXPECT_EQ(1, after.results);
  EXPECT_EQ(0u, Stats().sessions_closed);
  EXPECT_EQ(MI_RESULT_OK, MI_Session_Close(&session, nullptr, nullptr));
  EXPECT_EQ(1u, Stats().sessions_closed);
}

TEST_F(SyncCloseInCallbackRefusedTest, OtherClosesFromACallbackAreNotRefused) {
  MI_Session session = OpenSession();
  MI_Session other = OpenSession();
  CloseCompletion completion;
  OperationLog log;
  completion.operations.push_back(&log);
  std::atomic<int> other_result{-1};
  std::atomic<int> async_result{-1};
  log.hook = [&](MI_Operation*, MI_Boolean more) {
    if (!more || other_result.load() != -1) return;
    other_result = MI_Session_Close(&other, nullptr, nullptr);  // another session's: synchronous
    async_result = MI_Session_Close(&session, &completion, &CloseCompletion::Callback);
  };
  Enumerate(session, "forever;delay_ms=1", log);
  ASSERT_TRUE(completion.WaitCalled());
  EXPECT_EQ(MI_RESULT_OK, other_result.load());
  EXPECT_EQ(MI_RESULT_OK, async_result.load());
  EXPECT_TRUE(completion.operations_quiet_at_completion);
  EXPECT_EQ(MI_RESULT_FAILED, log.final_code);
  EXPECT_EQ(2u, Stats().sessions_closed);
}

TEST_F(SyncCloseInCallbackRefusedTest, RepeatedSyncCloseFromACallbackGetsTheReferencesAnswer) {
  MI_Session session = OpenSession();
  OperationLog log;
  CloseCompletion completion;
  completion.operations = {&log};
  std::atomic<int> async_result{-1};
  std::atomic<int> sync_again{-1};
  log.hook = [&](MI_Operation*, MI_Boolean more) {
    if (!more || async_result.load() != -1) return;
    async_result = MI_Session_Close(&session, &completion, &CloseCompletion::Callback);
    // The session is closing already: a second close, which the reference refuses as such.
    sync_again = MI_Session_Close(&session, nullptr, nullptr);
  };
  Enumerate(session, "forever;delay_ms=1", log);
  ASSERT_TRUE(completion.WaitCalled());
  EXPECT_EQ(MI_RESULT_OK, async_result.load());
  EXPECT_EQ(MI_RESULT_INVALID_PARAMETER, sync_again.load());
  EXPECT_TRUE(completion.operations_quiet_at_completion);
  EXPECT_EQ(MI_RESULT_FAILED, log.final_code);
  EXPECT_EQ(1u, Stats().sessions_closed);
}

// ---- cancel_by_closing_handler_operation

class CancelByClosingHandlerOperationTest : public VariantTest {
 protected:
  CancelByClosingHandlerOperationTest() : VariantTest("cancel_by_closing_handler_operation") {}
};

TEST_F(CancelByClosingHandlerOperationTest, CancelClosesTheHandlerOperationAndGivesOwnFinal) {
  MI_Session session = OpenSession();
  OperationLog log;
  Enumerate(session, "forever;delay_ms=1", log);
  ASSERT_TRUE(log.WaitResults(1));
  EXPECT_EQ(MI_RESULT_OK, log.handle.ft->Cancel(&log.handle, MI_REASON_NONE));
  ASSERT_TRUE(log.WaitFinal());
  EXPECT_EQ(MI_RESULT_FAILED, log.final_code);
  EXPECT_EQ(MI_RESULT_OK, session.ft->Close(&session, nullptr, nullptr));
  FakeHandlerStats stats = Stats();
  EXPECT_EQ(0u, stats.cancels) << "the handler operation was cancelled, not closed";
  EXPECT_EQ(1u, stats.operations_closed);
  EXPECT_EQ(0u, stats.finals_sent);
  EXPECT_EQ(0u, stats.calls_after_close);
  EXPECT_EQ(1, log.Finals());
  EXPECT_EQ(0, log.after_final);
}

TEST_F(CancelByClosingHandlerOperationTest, HandlerOperationStaysOpenWhileTheAppHoldsAResult) {
  MI_Session session = OpenSession();
  OperationLog log;
  log.acknowledge = false;
  Enumerate(session, "forever;delay_ms=1", log, MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS);
  ASSERT_TRUE(log.WaitResults(1));
  auto closed =
      std::async(std::launch::async, [&] { return session.ft->Close(&session, nullptr, nullptr); });
  EXPECT_EQ(std::future_status::timeout, closed.wait_for(kStillBlocked));
  EXPECT_EQ(0u, Stats().operations_closed)
      << "the handler operation was closed while the application held one of its results";
  EXPECT_EQ(0, log.Finals());
  log.AcknowledgePending();  // the handler operation is closed, the reference's final follows
  ASSERT_TRUE(log.WaitFinal());
  log.AcknowledgePending();  // the final result's acknowledgement lets the close end
  ASSERT_EQ(std::future_status::ready, closed.wait_for(kEventually));
  EXPECT_EQ(MI_RESULT_OK, closed.get());
  EXPECT_EQ(MI_RESULT_FAILED, log.final_code);
  FakeHandlerStats stats = Stats();
  EXPECT_EQ(0u, stats.cancels);
  EXPECT_EQ(1u, stats.operations_closed);
  EXPECT_EQ(0u, stats.calls_after_close);
  EXPECT_EQ(1, log.Finals());
}

TEST_F(CancelByClosingHandlerOperationTest, PulledFinalWaitingForThePullIsPulledBeforeTheClose) {
  MI_Session session = OpenSession();
  MI_Operation operation{};
  session.ft->EnumerateInstances(&session, 0, nullptr, "root/test", "results=0", MI_FALSE, nullptr,
                                 &operation);
  // The handler's final result has been handed over: it waits in the library for the pull.
  ASSERT_TRUE(fake_handler_wait_finals_returned(1, 20000));
  EXPECT_EQ(MI_RESULT_OK, operation.ft->Cancel(&operation, MI_REASON_NONE));
  EXPECT_EQ(0u, Stats().operations_closed)
      << "the handler operation was closed while its final result waited for the pull";
  const MI_Instance* instance = nullptr;
  MI_Boolean more = MI_TRUE;
  MI_Result code = MI_RESULT_FAILED;
  const MI_Char* error = nullptr;
  const MI_Instance* details = nullptr;
  ASSERT_EQ(MI_RESULT_OK,
            operation.ft->GetInstance(&operation, &instance, &more, &code, &error, &details));
  EXPECT_EQ(MI_FALSE, more);
  EXPECT_EQ(MI_RESULT_OK, code) << "not the handler's final result, which came before the cancel";
  EXPECT_EQ(0u, Stats().operations_closed)
      << "the handler operation was closed while the application held its final result";
  EXPECT_EQ(MI_RESULT_OK, operation.ft->Close(&operation));
  FakeHandlerStats stats = Stats();
  EXPECT_EQ(1u, stats.operations_closed);
  EXPECT_EQ(1u, stats.acknowledgements);
  EXPECT_EQ(0u, stats.cancels);
  EXPECT_EQ(0u, stats.calls_after_close);
  EXPECT_EQ(MI_RESULT_OK, session.ft->Close(&session, nullptr, nullptr));
}

// An OperationLog whose writeMessage callback blocks until the test opens its gate.
struct GatedMessageLog : OperationLog {
  bool inside = false;  // guarded by mutex
  bool open = false;    // guarded by mutex

  static void WriteMessage(MI_Operation*, void* context, MI_Uint32, const MI_Char*) {
    auto* log = static_cast<GatedMessageLog*>(static_cast<OperationLog*>(context));
    std::unique_lock lock(log->mutex);
    log->inside = true;
    log->changed.notify_all();
    log->changed.wait_for(lock, kEventually, [log] { return log->open; });
  }
  bool WaitInside() {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, kEventually, [this] { return inside; });
  }
  void Open() {
    std::lock_guard lock(mutex);
    open = true;
    changed.notify_all();
  }
};

TEST_F(CancelByClosingHandlerOperationTest, HandlerOperationStaysOpenWhileAMessageCallbackRuns) {
  MI_Session session = OpenSession();
  GatedMessageLog log;
  MI_OperationCallbacks callbacks = log.Callbacks();
  callbacks.writeMessage = &GatedMessageLog::WriteMessage;
  session.ft->EnumerateInstances(&session, 0, nullptr, "root/test", "messages=1;hold", MI_FALSE,
                                 &callbacks, &log.handle);
  struct OpenAtExit {
    GatedMessageLog& log;
    ~OpenAtExit() { log.Open(); }
  } open_at_exit{log};
  ASSERT_TRUE(log.WaitInside());
  // A cancel from this thread while the handler's writeMessage runs on its own: the application
  // may still be reading the handler's message, so its operation stays open.
  EXPECT_EQ(MI_RESULT_OK, log.handle.ft->Cancel(&log.handle, MI_REASON_NONE));
  EXPECT_EQ(0u, Stats().operations_closed)
      << "the handler operation was closed during one of its writeMessage callbacks";
  log.Open();
  ASSERT_TRUE(log.WaitFinal());
  EXPECT_EQ(MI_RESULT_FAILED, log.final_code);
  EXPECT_EQ(MI_RESULT_OK, session.ft->Close(&session, nullptr, nullptr));
  FakeHandlerStats stats = Stats();
  EXPECT_EQ(1u, stats.operations_closed);
  EXPECT_EQ(0u, stats.cancels);
  EXPECT_EQ(0u, stats.calls_after_close);
  EXPECT_EQ(1, log.Finals());
  EXPECT_EQ(0, log.after_final);
}

// ---- sync_operation_close_waits_for_pull

class SyncOperationCloseWaitsForPullTest : public VariantTest {
 protected:
  SyncOperationCloseWaitsForPullTest() : VariantTest("sync_operation_close_waits_for_pull") {}
};

TEST_F(SyncOperationCloseWaitsForPullTest, CloseWaitsUntilTheFinalResultIsPulled) {
  MI_Session session = OpenSession();
  MI_Operation operation{};
  session.ft->EnumerateInstances(&session, 0, nullptr, "root/test", "results=2", MI_FALSE, nullptr,
                                 &operation);
  MI_Result code = MI_RESULT_FAILED;
  ASSERT_EQ(MI_TRUE, Pull(operation, &code));
  auto first = std::async(std::launch::async, [&] { return operation.ft->Close(&operation); });
  EXPECT_EQ(std::future_status::timeout, first.wait_for(kStillBlocked))
      << "the close returned before the final result was pulled";
  // A second close while the first waits is refused at once. Which of the two waits depends on
  // which reached the library first (the first one's thread may not even have run yet), so the
  // second runs on a thread of its own too, and the test waits, bounded, until one of them has
  // answered. From here on nothing returns early while a close may still wait: the pulls below
  // end that wait.
  auto second = std::async(std::launch::async, [&] { return operation.ft->Close(&operation); });
  std::future<MI_Result>* refused = nullptr;
  std::future<MI_Result>* waiting = nullptr;
  const auto deadline = std::chrono::steady_clock::now() + kEventually;
  while (refused == nullptr && std::chrono::steady_clock::now() < deadline) {
    if (second.wait_for(1ms) == std::future_status::ready) {
      refused = &second;
      waiting = &first;
    } else if (first.wait_for(0ms) == std::future_status::ready) {
      refused = &first;
      waiting = &second;
    }
  }
  EXPECT_NE(nullptr, refused) << "a second close while the first waits did not return";
  if (refused != nullptr) {
    EXPECT_EQ(MI_RESULT_INVALID_PARAMETER, refused->get()) << "a second close while one waits";
  }
  EXPECT_EQ(MI_TRUE, Pull(operation, &code));
  if (waiting != nullptr) {
    EXPECT_EQ(std::future_status::timeout, waiting->wait_for(50ms));
  }
  EXPECT_EQ(MI_FALSE, Pull(operation, &code));
  EXPECT_EQ(MI_RESULT_OK, code);
  ASSERT_NE(nullptr, waiting);
  ASSERT_EQ(std::future_status::ready, waiting->wait_for(kEventually));
  EXPECT_EQ(MI_RESULT_OK, waiting->get());
  EXPECT_EQ(MI_RESULT_INVALID_PARAMETER, operation.ft->Close(&operation));
  EXPECT_EQ(MI_RESULT_OK, session.ft->Close(&session, nullptr, nullptr));
  EXPECT_EQ(1u, Stats().operations_closed);
}

TEST_F(SyncOperationCloseWaitsForPullTest, APullBlockedOnAnotherThreadEndsTheWait) {
  MI_Session session = OpenSession();
  MI_Operation operation{};
  session.ft->EnumerateInstances(&session, 0, nullptr, "root/test", "hold", MI_FALSE, nullptr,
                                 &operation);
  auto pulled = std::async(std::launch::async, [&] {
    MI_Result code = MI_RESULT_OK;
    const MI_Boolean more = Pull(operation, &code);
    return more == MI_FALSE ? code : MI_RESULT_OK;
  });
  auto closed = std::async(std::launch::async, [&] { return operation.ft->Close(&operation); });
  EXPECT_EQ(std::future_status::timeout, closed.wait_for(kStillBlocked));
  EXPECT_EQ(std::future_status::timeout, pulled.wait_for(0ms));
  // The cancel reaches the blocked pull while the close waits: the pull gets the final result.
  EXPECT_EQ(MI_RESULT_OK, operation.ft->Cancel(&operation, MI_REASON_NONE));
  ASSERT_EQ(std::future_status::ready, pulled.wait_for(kEventually));
  EXPECT_EQ(MI_RESULT_FAILED, pulled.get());
  ASSERT_EQ(std::future_status::ready, closed.wait_for(kEventually));
  EXPECT_EQ(MI_RESULT_OK, closed.get());
  EXPECT_EQ(MI_RESULT_OK, session.ft->Close(&session, nullptr, nullptr));
}

// ---- transport_final_after_cancel

class TransportFinalAfterCancelTest : public VariantTest {
 protected:
  TransportFinalAfterCancelTest() : VariantTest("transport_final_after_cancel") {}
};

TEST_F(TransportFinalAfterCancelTest, CancelledOperationEndsWithTheHandlersFinal) {
  MI_Session session = OpenSession();
  OperationLog log;
  std::atomic<int> handler_finals_at_final{-1};
  log.hook = [&](MI_Operation*, MI_Boolean more) {
    if (more) return;
    FakeHandlerStats stats;
    fake_handler_stats(&stats);
    handler_finals_at_final = static_cast<int>(stats.finals_sent);
  };
  Enumerate(session, "forever;delay_ms=20", log);
  ASSERT_TRUE(log.WaitResults(1));
  EXPECT_EQ(MI_RESULT_OK, log.handle.ft->Cancel(&log.handle, MI_REASON_NONE));
  ASSERT_TRUE(log.WaitFinal());
  EXPECT_EQ(1, handler_finals_at_final.load()) << "the final result was not the handler's";
  EXPECT_EQ(MI_RESULT_FAILED, log.final_code);
  EXPECT_EQ(MI_RESULT_OK, session.ft->Close(&session, nullptr, nullptr));
  EXPECT_EQ(1, log.Finals());
  EXPECT_EQ(0, log.after_final);
  EXPECT_EQ(1u, Stats().cancels);
}

TEST_F(TransportFinalAfterCancelTest, SessionCloseWaitsForTheHandlersFinalsAndPullsGetTheirs) {
  MI_Session session = OpenSession();
  OperationLog log;
  Enumerate(session, "forever;delay_ms=20", log);
  MI_Operation pulled_operation{};
  session.ft->EnumerateInstances(&session, 0, nullptr, "root/test", "hold", MI_FALSE, nullptr,
                                 &pulled_operation);
  ASSERT_TRUE(log.WaitResults(1));
  auto pulled = std::async(std::launch::async, [&] {
    MI_Result code = MI_RESULT_OK;
    EXPECT_EQ(MI_FALSE, Pull(pulled_operation, &code));
    EXPECT_EQ(MI_RESULT_OK, pulled_operation.ft->Close(&pulled_operation));
    return code;
  });
  EXPECT_EQ(MI_RESULT_OK, session.ft->Close(&session, nullptr, nullptr));
  ASSERT_EQ(std::future_status::ready, pulled.wait_for(kEventually));
  EXPECT_EQ(MI_RESULT_FAILED, pulled.get());
  FakeHandlerStats stats = Stats();
  EXPECT_EQ(2u, stats.finals_sent);
  EXPECT_EQ(2u, stats.operations_closed);
  EXPECT_EQ(1, log.Finals());
  EXPECT_EQ(MI_RESULT_FAILED, log.final_code);
}

// ---- memory_freed_by_reaper

// The threads of this process named like the variant's reaper (Reaper::Hand names it).
int ReaperThreads() {
  int count = 0;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    if (std::getline(comm, name) && name == "mi-reaper") ++count;
  }
  return count;
}

class MemoryFreedByReaperTest : public VariantTest {
 protected:
  MemoryFreedByReaperTest() : VariantTest("memory_freed_by_reaper") {}
};

TEST_F(MemoryFreedByReaperTest, ClosesLikeTheReferenceAndApplicationCloseJoinsTheReaper) {
  EXPECT_EQ(0, ReaperThreads()) << "a reaper before any session was closed";
  MI_Session session = OpenSession();
  OperationLog log;
  Enumerate(session, "results=2", log);
  ASSERT_TRUE(log.WaitFinal());
  EXPECT_EQ(MI_RESULT_OK, MI_Session_Close(&session, nullptr, nullptr));
  EXPECT_EQ(1, ReaperThreads()) << "the close handed the session to no reaper";
  // Closed for the application as in the reference: a second close is refused.
  EXPECT_EQ(MI_RESULT_INVALID_PARAMETER, MI_Session_Close(&session, nullptr, nullptr));

  // One reaper per application, whatever the number of sessions it frees; the asynchronous
  // close completes as in the reference.
  MI_Session second = OpenSession();
  OperationLog running;
  running.close_on_final = true;
  Enumerate(second, "forever;delay_ms=1", running);
  ASSERT_TRUE(running.WaitResults(1));
  CloseCompletion completion;
  completion.operations = {&running};
  ASSERT_EQ(MI_RESULT_OK, MI_Session_Close(&second, &completion, &CloseCompletion::Callback));
  ASSERT_TRUE(completion.WaitCalled());
  EXPECT_EQ(1, running.Finals());
  EXPECT_TRUE(completion.operations_quiet_at_completion);
  EXPECT_EQ(1, ReaperThreads());

  // The application close frees what the reaper still holds (the second session, closed a moment
  // ago) and joins it: no thread of the library is left behind.
  EXPECT_EQ(MI_RESULT_OK, CloseApplication());
  EXPECT_EQ(0, ReaperThreads()) << "MI_Application_Close left the reaper running";
  EXPECT_EQ(2u, Stats().sessions_closed);
}

// Sessions closed from several threads at once, synchronously and asynchronously, their memory
// handed to the reaper while it frees earlier ones; the application closed while it still holds
// some (under ThreadSanitizer in CI: the hand-over, the batches and the final join race).
TEST_F(MemoryFreedByReaperTest, ConcurrentClosesAndAnApplicationCloseWhileTheReaperHoldsMemory) {
  constexpr int kThreads = 4;
  constexpr int kSessionsPerThread = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kSessionsPerThread; ++i) {
        MI_Session session{};
        if (app_.ft->NewSession(&app_, kProtocol, nullptr, nullptr, nullptr, nullptr, &session) !=
            MI_RESULT_OK) {
          ++failures;
          continue;
        }
        OperationLog log;
        Enumerate(session, "results=1", log);
        if (!log.WaitFinal()) ++failures;
        if ((t + i) % 2 == 0) {
          if (MI_Session_Close(&session, nullptr, nullptr) != MI_RESULT_OK) ++failures;
        } else {
          CloseCompletion completion;
          if (MI_Session_Close(&session, &completion, &CloseCompletion::Callback) != MI_RESULT_OK ||
              !completion.WaitCalled()) {
            ++failures;
          }
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(0, failures.load());
  EXPECT_EQ(1, ReaperThreads());
  EXPECT_EQ(MI_RESULT_OK, CloseApplication());
  EXPECT_EQ(0, ReaperThreads()) << "MI_Application_Close left the reaper running";
  EXPECT_EQ(static_cast<unsigned>(kThreads * kSessionsPerThread), Stats().sessions_closed);
}

// ---- callbacks_on_callers_thread

class CallbacksOnCallersThreadTest : public VariantTest {
 protected:
  CallbacksOnCallersThreadTest() : VariantTest("callbacks_on_callers_thread") {}
};

// Where the final callback of an operation ran, and how deep in its callbacks the thread was.
struct FinalThread {
  std::mutex mutex;
  std::thread::id id;
  int depth = 0;  // the operation's callbacks running when the final one entered

  void Watch(OperationLog& log) {
    log.hook = [this, &log](MI_Operation*, MI_Boolean more) {
      if (more) return;
      int running;
      {
        std::lock_guard lock(log.mutex);
        running = log.in_callback;
      }
      std::lock_guard lock(mutex);
      id = std::this_thread::get_id();
      depth = running;
    };
  }
  std::thread::id Id() {
    std::lock_guard lock(mutex);
    return id;
  }
  int Depth() {
    std::lock_guard lock(mutex);
    return depth;
  }
};

TEST_F(CallbacksOnCallersThreadTest, CancelledOperationsFinalRunsInsideCancelOnTheCallersThread) {
  MI_Session session = OpenSession();
  // The handler sends nothing and ignores the cancel: the final result is the library's own.
  OperationLog log;
  FinalThread final_thread;
  final_thread.Watch(log);
  Enumerate(session, "hold;ignore_cancel", log);
  EXPECT_EQ(0, log.Finals());
  ASSERT_EQ(MI_RESULT_OK, log.handle.ft->Cancel(&log.handle, MI_REASON_NONE));
  // Before the cancel returned: the final callback has run, on this thread.
  EXPECT_EQ(1, log.Finals()) << "the final result did not come inside MI_Operation_Cancel";
  EXPECT_EQ(std::this_thread::get_id(), final_thread.Id());
  ASSERT_TRUE(log.WaitFinal());
  EXPECT_EQ(MI_RESULT_FAILED, log.final_code);

  // Manual acknowledgement: the final comes inside the cancel, and the close still waits for its
  // acknowledgement.
  OperationLog manual;
  manual.acknowledge = false;
  FinalThread manual_thread;
  manual_thread.Watch(manual);
  Enumerate(session, "hold;ignore_cancel", manual, MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS);
  ASSERT_EQ(MI_RESULT_OK, manual.handle.ft->Cancel(&manual.handle, MI_REASON_NONE));
  EXPECT_EQ(1, manual.Finals());
  EXPECT_EQ(std::this_thread::get_id(), manual_thread.Id());
  auto closed =
      std::async(std::launch::async, [&] { return session.ft->Close(&session, nullptr, nullptr); });
  EXPECT_EQ(std::future_status::timeout, closed.wait_for(kStillBlocked))
      << "the close ended before the final result was acknowledged";
  manual.AcknowledgePending();
  ASSERT_EQ(std::future_status::ready, closed.wait_for(kEventually));
  EXPECT_EQ(MI_RESULT_OK, closed.get());
  EXPECT_EQ(1, log.Finals());
  EXPECT_EQ(1, manual.Finals());
  EXPECT_EQ(0, log.after_final);
  EXPECT_EQ(0, manual.after_final);
}

TEST_F(CallbacksOnCallersThreadTest, SessionCloseDeliversItsCancelledFinalsOnTheClosingThread) {
  MI_Session session = OpenSession();
  OperationLog first;
  OperationLog second;
  FinalThread first_thread;
  FinalThread second_thread;
  first_thread.Watch(first);
  second_thread.Watch(second);
  Enumerate(session, "hold;ignore_cancel", first);
  Enumerate(session, "hold;ignore_cancel", second, MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS);
  CloseCompletion completion;
  completion.operations = {&first, &second};
  ASSERT_EQ(MI_RESULT_OK, MI_Session_Close(&session, &completion, &CloseCompletion::Callback));
  // The asynchronous close has returned: both finals came inside it, on this thread.
  EXPECT_EQ(1, first.Finals());
  EXPECT_EQ(1, second.Finals());
  EXPECT_EQ(std::this_thread::get_id(), first_thread.Id());
  EXPECT_EQ(std::this_thread::get_id(), second_thread.Id());
  ASSERT_TRUE(completion.WaitCalled());
  EXPECT_TRUE(completion.operations_quiet_at_completion);
  EXPECT_EQ(MI_RESULT_FAILED, first.final_code);
  EXPECT_EQ(MI_RESULT_FAILED, second.final_code);

  // A synchronous close: the same, on the closing thread.
  MI_Session other = OpenSession();
  OperationLog third;
  FinalThread third_thread;
  third_thread.Watch(third);
  Enumerate(other, "hold;ignore_cancel", third);
  ASSERT_EQ(MI_RESULT_OK, MI_Session_Close(&other, nullptr, nullptr));
  EXPECT_EQ(1, third.Finals());
  EXPECT_EQ(std::this_thread::get_id(), third_thread.Id());
  EXPECT_EQ(2u, Stats().sessions_closed);
}

TEST_F(CallbacksOnCallersThreadTest, CancelFromACallbackOfTheSameOperationDoesNotNest) {
  MI_Session session = OpenSession();
  OperationLog log;
  FinalThread final_thread;
  final_thread.Watch(log);
  std::atomic<int> cancelled{-1};
  auto watch_final = log.hook;
  log.hook = [&](MI_Operation* operation, MI_Boolean more) {
    if (more && cancelled.load() == -1) {
      cancelled = operation->ft->Cancel(operation, MI_REASON_NONE);
    }
    watch_final(operation, more);
  };
  Enumerate(session, "forever;ignore_cancel;delay_ms=1", log);
  ASSERT_TRUE(log.WaitFinal());
  EXPECT_EQ(MI_RESULT_OK, cancelled.load());
  EXPECT_EQ(1, final_thread.Depth()) << "the final result nested into a callback of its operation";
  EXPECT_EQ(MI_RESULT_FAILED, log.final_code);
  EXPECT_EQ(0, log.after_final);
  EXPECT_EQ(MI_RESULT_OK, MI_Session_Close(&session, nullptr, nullptr));

  // A close with a completion from inside a callback: the other operation's final comes inside
  // the close, nested in this callback of another operation; this one's after it returns.
  OperationLog closing;
  OperationLog other;
  FinalThread other_thread;
  other_thread.Watch(other);
  MI_Session second = OpenSession();
  CloseCompletion completion;
  completion.operations = {&closing, &other};
  std::atomic<int> close_result{-1};
  std::thread::id closing_thread;
  std::mutex closing_mutex;
  closing.hook = [&](MI_Operation*, MI_Boolean more) {
    if (!more || close_result.load() != -1) return;
    {
      std::lock_guard lock(closing_mutex);
      closing_thread = std::this_thread::get_id();
    }
    close_result = MI_Session_Close(&second, &completion, &CloseCompletion::Callback);
  };
  Enumerate(second, "hold;ignore_cancel", other);
  Enumerate(second, "forever;delay_ms=1", closing);
  ASSERT_TRUE(completion.WaitCalled());
  EXPECT_EQ(MI_RESULT_OK, close_result.load());
  EXPECT_TRUE(completion.operations_quiet_at_completion);
  EXPECT_EQ(1, closing.Finals());
  EXPECT_EQ(1, other.Finals());
  {
    std::lock_guard lock(closing_mutex);
    EXPECT_EQ(closing_thread, other_thread.Id());
  }
  EXPECT_EQ(2u, Stats().sessions_closed);
}

}  // namespace
}  // namespace miconform::reference::selftest

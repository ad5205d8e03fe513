// concurrency_cases.cc - conformance cases that race MI_Session_Close against other calls from
// other threads: a second close of the same session, a new operation, a blocked synchronous pull,
// many sessions closed at once, and callbacks the suite slows down at callback-layer injection
// points while the close arrives.
//
// Helper threads start together at a std::latch (no sleeps for synchronisation). They capture only
// what outlives the case (fixture slots, shared state, static tags), so a thread that a failing
// target keeps blocked can never touch a destroyed fixture; the test thread waits for them with
// bounded condition waits.
#include <array>
#include <atomic>
#include <condition_variable>
#include <latch>
#include <mutex>
#include <memory>
#include <thread>
#include <vector>

#include "case_fixture.h"

namespace miconform::cases {
namespace {

using testing::_;
using testing::AnyNumber;
using testing::AtMost;
using testing::Eq;
using testing::Ne;

constexpr std::chrono::milliseconds kSlowCallback{300};
// How much longer each round of the close-races-new-operation case holds its close back.
constexpr std::chrono::microseconds kCloseHoldStep{25};

// Completion contexts: each close gets its own, so a swapped context shows.
std::array<int, 64> g_tags{};

// Counts down to zero; the test thread waits for zero with a bound.
class Countdown {
 public:
  explicit Countdown(int count) : count_(count) {}
  void Done() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (--count_ == 0) zero_.notify_all();
  }
  bool WaitFor(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    return zero_.wait_for(lock, timeout, [&] { return count_ <= 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable zero_;
  int count_;
};

// Final results one operation delivered, counted by its final-result callback.
struct Finals {
  std::atomic<int> count{0};
  std::atomic<int> code{-1};  // the last final result's code
};

class ConcurrencyCase : public CaseFixture {
 protected:
  // The fixture's run-until-cancelled script, with its callbacks on the handler's own thread.
  MiconformScript RunningUntilCancelled(std::uint32_t delay_ms = 10) const {
    MiconformScript script = RunningScript(delay_ms);
    script.callback_thread = MICONFORM_THREAD_HANDLER;
    return script;
  }

  // An asynchronous operation mock: non-final results any number, exactly one final result that
  // counts into `finals` (before the handle is closed, so a synchronous close that the handle
  // releases sees it) and closes the handle. Results are acknowledged through the callback-layer
  // points when `manual_ack`; messages and progress pass through their points.
  void ExpectCountedFinal(mocks::MockOperationCallbacks& mock, OperationSlot* operation,
                          std::shared_ptr<Finals> finals, bool manual_ack,
                          testing::Sequence* order = nullptr) {
    void* const context = mock.context();
    EXPECT_CALL(mock, InstanceResult(_, context, _, Ne(MI_FALSE), _, _, _, _))
        .Times(AnyNumber())
        .WillRepeatedly([manual_ack](MI_Operation* passed, void*, const MI_Instance*, MI_Boolean,
                                     MI_Result, const MI_Char*, const MI_Instance*,
                                     MI_ResultAcknowledgement ack) {
          if (manual_ack) AcknowledgeResult(ack, passed);
        });
    auto& final_result =
        EXPECT_CALL(mock, InstanceResult(_, context, _, MI_FALSE, IsValidResult(), _, _, _))
            .Times(1);
    if (order != nullptr) final_result.InSequence(*order);
    final_result.WillOnce([manual_ack, finals, operation](
                              MI_Operation* passed, void*, const MI_Instance*, MI_Boolean,
                              MI_Result code, const MI_Char*, const MI_Instance*,
                              MI_ResultAcknowledgement ack) {
      finals->code = static_cast<int>(code);
      ++finals->count;
      if (manual_ack) AcknowledgeResult(ack, passed);
      CloseOperation(operation);
    });
  }

  // Closes `session` on the calling thread, synchronously or with `tag`'s completion.
  static MI_Result CloseEither(SessionSlot* session, bool synchronous, int* tag) {
    return synchronous ? CloseSessionSync(session)
                       : CloseSessionAsync(session, tag,
                                           mocks::MockSessionCloseCompletion::Callback());
  }

  // ---- two closes of one session at once
  void RunDoubleClose(bool first_sync, bool second_sync) {
    SessionSlot* session = OpenSession();
    if (session == nullptr) return;
    auto& mock = NewOperationMock();
    OperationSlot* operation = NewOperation();
    ExpectCountedFinal(mock, operation, std::make_shared<Finals>(), false);
    StartEnumerate(session, operation, RunningUntilCancelled(), &mock);
    ASSERT_TRUE(mock.WaitCalls(1, Eventually())) << "the operation delivered nothing";

    const bool sync[2] = {first_sync, second_sync};
    mocks::MockSessionCloseCompletion* completions[2] = {nullptr, nullptr};
    for (int i = 0; i < 2; ++i) {
      if (sync[i]) continue;
      completions[i] = &NewCompletionMock(&g_tags[i]);
      // Whether a refused close calls its completion the pages do not say: at most once each.
      EXPECT_CALL(*completions[i], Completed(Eq(&g_tags[i]))).Times(AtMost(1));
    }
    struct Race {
      std::latch start{2};
      Countdown done{2};
      std::atomic<int> results[2] = {-1, -1};
    };
    auto race = std::make_shared<Race>();
    for (int i = 0; i < 2; ++i) {
      std::thread([race, session, i, synchronous = sync[i]] {
        race->start.arrive_and_wait();
        race->results[i] = static_cast<int>(CloseEither(session, synchronous, &g_tags[i]));
        race->done.Done();
      }).detach();
    }
    ASSERT_TRUE(race->done.WaitFor(Eventually()))
        << "two concurrent MI_Session_Close calls on one session did not both return within "
        << Eventually().count() << " ms";
    int successes = 0;
    for (int i = 0; i < 2; ++i) {
      const int result = race->results[i].load();
      EXPECT_TRUE(MI_Result_IsValid(result)) << "close " << i << " returned " << ResultName(result);
      if (result == MI_RESULT_OK) ++successes;
      Trace("close " + std::to_string(i) + (sync[i] ? " (synchronous)" : " (asynchronous)") +
            " returned " + ResultName(result));
    }
    EXPECT_LE(successes, 1) << "both concurrent closes of one session succeeded; once one has "
                               "taken the session the other must be answered with an error "
                               "(SC-PARAM-SESSION-1)";
    if (successes == 0) Trace("neither close succeeded (the pages do not say which one must)");
    EXPECT_TRUE(mock.WaitFinalResults(1, Eventually()))
        << "the operation the close cancelled delivered no final result";
    for (int i = 0; i < 2; ++i) {
      if (completions[i] == nullptr) continue;
      if (race->results[i].load() == MI_RESULT_OK) {
        EXPECT_TRUE(completions[i]->WaitReturned(1, Eventually()))
            << "the completion callback of the successful asynchronous close " << i
            << " was not called within " << Eventually().count() << " ms";
      } else {
        Trace("the completion callback of the refused close " + std::to_string(i) +
              " was called " + std::to_string(completions[i]->Calls()) + " time(s)");
      }
    }
  }

  // ---- a close racing a new operation on the same session
  void RunCloseRacesNewOperation(bool sync_close) {
    constexpr int kRounds = 8;
    std::size_t operations_seen = backend().OperationRecords().size();
    for (int round = 0; round < kRounds; ++round) {
      Phase("round " + std::to_string(round));
      SessionSlot* session = OpenSession();
      if (session == nullptr) return;
      auto& mock = NewOperationMock();
      OperationSlot* operation = NewOperation();
      auto finals = std::make_shared<Finals>();
      ExpectCountedFinal(mock, operation, finals, false);
      MiconformScript script = Script();
      script.results = 2;
      script.result_delay_ms = 5;
      const std::string class_name = PrepareEnumerate(operation, script, &mock);
      int* const tag = &g_tags[round];
      mocks::MockSessionCloseCompletion* completion = nullptr;
      if (!sync_close) {
        completion = &NewCompletionMock(tag);
        EXPECT_CALL(*completion, Completed(Eq(tag))).Times(AtMost(1));
      }
      struct Race {
        std::latch start{2};
        Countdown done{2};
        std::atomic<int> close_result{-1};
      };
      auto race = std::make_shared<Race>();
      std::thread([race, session, operation, class_name] {
        race->start.arrive_and_wait();
        StartPrepared(session, operation, class_name);
        race->done.Done();
      }).detach();
      std::thread([race, session, sync_close, tag, round] {
        race->start.arrive_and_wait();
        // Later rounds hold the close back a little longer, so that the rounds spread over
        // "start first", "close first" and real overlap. A busy wait on the clock (not yields,
        // which on a loaded machine can each give the processor away for a whole time slice, and
        // not a sleep, which would always let the start win).
        const auto hold_until = std::chrono::steady_clock::now() + round * kCloseHoldStep;
        while (std::chrono::steady_clock::now() < hold_until) {
        }
        race->close_result = static_cast<int>(CloseEither(session, sync_close, tag));
        race->done.Done();
      }).detach();
      ASSERT_TRUE(race->done.WaitFor(Eventually()))
          << "MI_Session_Close racing MI_Session_EnumerateInstances on the same session: the "
             "calls did not both return within "
          << Eventually().count() << " ms";
      ASSERT_TRUE(mock.WaitFinalResults(1, Eventually()))
          << "the operation started while its session was closing got no final result within "
          << Eventually().count() << " ms";
      // Whether the operation reached the backend tells which call won the race.
      const bool reached_backend = backend().OperationRecords().size() > operations_seen;
      operations_seen = backend().OperationRecords().size();
      Trace("round " + std::to_string(round) + ": the operation " +
            (reached_backend ? "reached" : "never reached") + " the backend and ended with " +
            ResultName(finals->code) + "; the close returned " + ResultName(race->close_result));
      if (completion != nullptr && race->close_result.load() == MI_RESULT_OK) {
        EXPECT_TRUE(completion->WaitReturned(1, Eventually()))
            << "the session close did not complete within " << Eventually().count()
            << " ms of its last operation handle being closed";
      }
    }
  }

  // ---- a close while another thread is blocked in a synchronous pull
  void RunCloseDuringSyncPull(bool sync_close) {
    SessionSlot* session = OpenSession();
    if (session == nullptr) return;
    // No result comes on its own within the case: only the cancel ends the pull.
    OperationSlot* operation =
        StartEnumerate(session, RunningUntilCancelled(60000), nullptr);
    ASSERT_TRUE(backend().WaitStarted(1, Eventually().count())) << "the operation did not start";
    struct Pull {
      Signal pulling;
      Signal final_pulled;
      Signal handle_closed;
      std::atomic<int> failed{-1};
    };
    auto pull = std::make_shared<Pull>();
    std::thread([operation, pull] {
      for (;;) {
        pull->pulling.Set();
        MI_Boolean more = MI_TRUE;
        MI_Result result = MI_RESULT_OK;
        const MI_Result pulled = PullResult(operation, &more, &result);
        if (pulled != MI_RESULT_OK) {
          pull->failed = static_cast<int>(pulled);
          break;
        }
        if (!more) break;
      }
      pull->final_pulled.Set();
      CloseOperation(operation);
      pull->handle_closed.Set();
    }).detach();
    ASSERT_TRUE(pull->pulling.WaitFor(Eventually())) << "the pulling thread did not start";

    int* const tag = &g_tags[0];
    mocks::MockSessionCloseCompletion* completion = nullptr;
    if (!sync_close) {
      completion = &NewCompletionMock(tag);
      EXPECT_CALL(*completion, Completed(Eq(tag))).Times(1);
    }
    auto close_result = std::make_shared<std::atomic<int>>(-1);
    auto closed_before_handle = std::make_shared<std::atomic<bool>>(false);
    const bool returned = RunBounded(
        [session, sync_close, tag, close_result, closed_before_handle, pull] {
          *close_result = static_cast<int>(CloseEither(session, sync_close, tag));
          *closed_before_handle = !pull->handle_closed.IsSet();
        },
        Eventually());
    ASSERT_TRUE(returned) << "MI_Session_Close did not return within " << Eventually().count()
                          << " ms while another thread pulled an operation of the session";
    EXPECT_EQ(close_result->load(), MI_RESULT_OK);
    ASSERT_TRUE(pull->final_pulled.WaitFor(Eventually()))
        << "the blocked MI_Operation_GetInstance did not return within " << Eventually().count()
        << " ms of the session close";
    EXPECT_EQ(pull->failed.load(), -1)
        << "MI_Operation_GetInstance failed with " << ResultName(pull->failed.load())
        << " instead of returning the final result";
    EXPECT_TRUE(operation->final_pulled) << "the pull never saw moreResults MI_FALSE";
    if (sync_close) {
      Trace(std::string("the synchronous close returned ") +
            (closed_before_handle->load() ? "before" : "after") +
            " the pulling thread closed its operation handle");
    } else {
      EXPECT_TRUE(completion->WaitReturned(1, Eventually()))
          << "the completion callback was not called within " << Eventually().count()
          << " ms of the pulling thread closing its handle";
    }
  }

  // ---- 32 sessions with operations in flight, closed at once from 4 threads
  void RunManySessions() {
    constexpr int kSessions = 32;
    constexpr int kOperationsPerSession = 2;
    constexpr int kThreads = 4;
    struct Closing {
      SessionSlot* session = nullptr;
      bool synchronous = false;
      int* tag = nullptr;
      std::vector<std::shared_ptr<Finals>> finals;
      std::atomic<int> result{-1};
      std::atomic<int> finals_at_return{-1};
    };
    struct Race {
      std::latch start{kThreads};
      Countdown done{kThreads};
      std::array<Closing, kSessions> sessions;
    };
    auto race = std::make_shared<Race>();
    std::vector<mocks::MockOperationCallbacks*> operation_mocks;
    std::vector<mocks::MockSessionCloseCompletion*> completions(kSessions, nullptr);
    const MiconformScript script = RunningUntilCancelled(50);
    for (int i = 0; i < kSessions; ++i) {
      Closing& closing = race->sessions[i];
      closing.session = OpenSession();
      if (closing.session == nullptr) return;
      closing.synchronous = i % 2 == 0;
      closing.tag = &g_tags[i];
      testing::Sequence orders[kOperationsPerSession];  // one per operation: finals in any order
      for (int k = 0; k < kOperationsPerSession; ++k) {
        auto& mock = NewOperationMock();
        operation_mocks.push_back(&mock);
        OperationSlot* operation = NewOperation();
        closing.finals.push_back(std::make_shared<Finals>());
        ExpectCountedFinal(mock, operation, closing.finals.back(), false, &orders[k]);
        StartEnumerate(closing.session, operation, script, &mock);
      }
      if (!closing.synchronous) {
        completions[i] = &NewCompletionMock(closing.tag);
        static_assert(kOperationsPerSession == 2, "the completion follows every final result");
        EXPECT_CALL(*completions[i], Completed(Eq(closing.tag)))
            .Times(1)
            .InSequence(orders[0], orders[1]);
      }
    }
    for (auto* mock : operation_mocks) {
      ASSERT_TRUE(mock->WaitCalls(1, Eventually())) << "an operation delivered nothing";
    }
    for (int t = 0; t < kThreads; ++t) {
      std::thread([race, t] {
        race->start.arrive_and_wait();
        for (int i = t; i < kSessions; i += kThreads) {
          Closing& closing = race->sessions[i];
          closing.result =
              static_cast<int>(CloseEither(closing.session, closing.synchronous, closing.tag));
          int finals = 0;
          for (auto& counted : closing.finals) finals += counted->count.load();
          closing.finals_at_return = finals;
        }
        race->done.Done();
      }).detach();
    }
    ASSERT_TRUE(race->done.WaitFor(std::chrono::milliseconds(3 * Eventually().count())))
        << "the " << kSessions << " session closes did not all return";
    for (int i = 0; i < kSessions; ++i) {
      Closing& closing = race->sessions[i];
      EXPECT_EQ(closing.result.load(), MI_RESULT_OK) << "closing session " << i;
      if (closing.synchronous) {
        EXPECT_EQ(closing.finals_at_return.load(), kOperationsPerSession)
            << "the synchronous close of session " << i << " returned before each of its "
            << kOperationsPerSession << " operations delivered its final result";
      }
    }
    for (auto* mock : operation_mocks) {
      EXPECT_TRUE(mock->WaitFinalResults(1, Eventually()))
          << "an operation of a closed session delivered no final result";
    }
    for (int i = 0; i < kSessions; ++i) {
      if (completions[i] == nullptr) continue;
      EXPECT_TRUE(completions[i]->WaitReturned(1, Eventually()))
          << "the completion callback of session " << i << " was not called";
    }
  }

  // ---- a slow completion callback of one session while another session closes
  void RunSlowCompletionOtherSession() {
    DelayCallbackPoint("callback.in_completion", kSlowCallback);
    SessionSlot* sessions[2] = {OpenSession(), nullptr};
    if (sessions[0] == nullptr) return;
    sessions[1] = OpenSession();
    if (sessions[1] == nullptr) return;
    mocks::MockOperationCallbacks* operation_mocks[2];
    mocks::MockSessionCloseCompletion* completions[2];
    auto first_entered = std::make_shared<Signal>();
    auto first_returned = std::make_shared<Signal>();
    for (int i = 0; i < 2; ++i) {
      testing::Sequence order;
      operation_mocks[i] = &NewOperationMock();
      OperationSlot* operation = NewOperation();
      ExpectCountedFinal(*operation_mocks[i], operation, std::make_shared<Finals>(), false, &order);
      StartEnumerate(sessions[i], operation, RunningUntilCancelled(), operation_mocks[i]);
      completions[i] = &NewCompletionMock(&g_tags[i]);
      auto& completed =
          EXPECT_CALL(*completions[i], Completed(Eq(&g_tags[i]))).Times(1).InSequence(order);
      if (i == 0) {
        completed.WillOnce([first_entered, first_returned](void*) {
          first_entered->Set();
          AtCallbackPoint("callback.in_completion");
          first_returned->Set();
        });
      }
      ASSERT_TRUE(operation_mocks[i]->WaitCalls(1, Eventually())) << "operation " << i << " delivered nothing";
    }
    EXPECT_EQ(CloseSessionAsync(sessions[0], &g_tags[0], completions[0]->Callback()), MI_RESULT_OK);
    ASSERT_TRUE(first_entered->WaitFor(Eventually()))
        << "the first session's completion callback was not called within " << Eventually().count()
        << " ms";
    Phase("closing the second session while the first one's completion callback is slow");
    EXPECT_EQ(CloseSessionAsync(sessions[1], &g_tags[1], completions[1]->Callback()), MI_RESULT_OK);
    EXPECT_TRUE(operation_mocks[1]->WaitFinalResults(1, Eventually()))
        << "the second session's operation delivered no final result";
    EXPECT_TRUE(completions[1]->WaitReturned(1, Eventually()))
        << "the second session's completion callback was not called within "
        << Eventually().count() << " ms";
    Trace(std::string("the second session completed ") +
          (first_returned->IsSet() ? "after" : "while") +
          " the first session's completion callback was still running");
    EXPECT_TRUE(first_returned->WaitFor(Eventually()));
  }

  // ---- a close arriving while writeMessage / writeProgress is slow
  void RunCloseDuringSlowNotice(bool message, bool sync_close) {
    const char* point = message ? "callback.in_write_message" : "callback.in_write_progress";
    const char* callback = message ? "writeMessage" : "writeProgress";
    DelayCallbackPoint(point, kSlowCallback);
    SessionSlot* session = OpenSession();
    if (session == nullptr) return;
    auto& mock = NewOperationMock();
    OperationSlot* operation = NewOperation();
    testing::Sequence order;
    auto finals = std::make_shared<Finals>();
    ExpectCountedFinal(mock, operation, finals, false, sync_close ? nullptr : &order);
    auto entered = std::make_shared<Signal>();
    auto returned = std::make_shared<Signal>();
    auto notice = [entered, returned, point] {
      entered->Set();
      AtCallbackPoint(point);
      returned->Set();
    };
    if (message) {
      EXPECT_CALL(mock, WriteMessage(_, mock.context(), _, _))
          .Times(AnyNumber())
          .WillRepeatedly([notice](MI_Operation*, void*, MI_Uint32, const MI_Char*) { notice(); });
    } else {
      EXPECT_CALL(mock, WriteProgress(_, mock.context(), _, _, _, _, _))
          .Times(AnyNumber())
          .WillRepeatedly([notice](MI_Operation*, void*, const MI_Char*, const MI_Char*,
                                   const MI_Char*, MI_Uint32, MI_Uint32) { notice(); });
    }
    int* const tag = &g_tags[0];
    mocks::MockSessionCloseCompletion* completion = nullptr;
    if (!sync_close) {
      completion = &NewCompletionMock(tag);
      EXPECT_CALL(*completion, Completed(Eq(tag))).Times(AtMost(1)).InSequence(order);
    }
    MiconformScript script = RunningUntilCancelled();
    (message ? script.messages : script.progress) = 1;
    StartEnumerate(session, operation, script, &mock);
    if (!entered->WaitFor(Eventually())) {
      GTEST_SKIP() << "the target delivered no " << callback << " callback";
    }
    auto close_result = std::make_shared<std::atomic<int>>(-1);
    auto during_callback = std::make_shared<std::atomic<bool>>(false);
    auto finals_at_return = std::make_shared<std::atomic<int>>(-1);
    const bool close_returned = RunBounded(
        [session, sync_close, tag, close_result, during_callback, returned, finals,
         finals_at_return] {
          *close_result = static_cast<int>(CloseEither(session, sync_close, tag));
          *during_callback = !returned->IsSet();
          *finals_at_return = finals->count.load();
        },
        Eventually());
    ASSERT_TRUE(close_returned) << "MI_Session_Close made while " << callback
                                << " was slow did not return within " << Eventually().count()
                                << " ms";
    EXPECT_EQ(close_result->load(), MI_RESULT_OK);
    Trace(std::string("the close returned ") +
          (during_callback->load() ? std::string("while ") + callback + " was still running"
                                   : std::string("after ") + callback + " returned"));
    EXPECT_TRUE(mock.WaitFinalResults(1, Eventually()))
        << "the operation the close cancelled delivered no final result";
    if (sync_close) {
      EXPECT_EQ(finals_at_return->load(), 1)
          << "the synchronous close returned before the operation it cancelled delivered its "
             "final result";
    } else {
      EXPECT_TRUE(completion->WaitReturned(1, Eventually()))
          << "the completion callback was not called within " << Eventually().count() << " ms";
    }
    // A `point` that never fired leaves a PASS NOT-EXERCISED (RunCaseChild, planned faults).
  }

  // ---- a close arriving while manual acknowledgements are slow
  void RunCloseDuringSlowAck() {
    DelayCallbackPoint("callback.before_ack", std::chrono::milliseconds(100));
    DelayCallbackPoint("callback.after_ack", std::chrono::milliseconds(100));
    SessionSlot* session = OpenSession();
    if (session == nullptr) return;
    auto& mock = NewOperationMock();
    OperationSlot* operation = NewOperation();
    testing::Sequence order;
    ExpectCountedFinal(mock, operation, std::make_shared<Finals>(), true, &order);
    auto& completion = NewCompletionMock(&g_tags[0]);
    EXPECT_CALL(completion, Completed(Eq(&g_tags[0]))).Times(1).InSequence(order);
    StartEnumerate(session, operation, RunningUntilCancelled(), &mock,
                   MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS);
    ASSERT_TRUE(mock.WaitCalls(1, Eventually())) << "the operation delivered nothing";
    EXPECT_EQ(CloseSessionAsync(session, &g_tags[0], completion.Callback()), MI_RESULT_OK);
    EXPECT_TRUE(mock.WaitFinalResults(1, Eventually()))
        << "the operation the close cancelled delivered no final result";
    EXPECT_TRUE(completion.WaitReturned(1, Eventually()))
        << "the completion callback was not called within " << Eventually().count()
        << " ms of the last (slow) acknowledgement";
    Trace("callback.before_ack fired " + std::to_string(CallbackPointFires("callback.before_ack")) +
          " time(s), callback.after_ack " +
          std::to_string(CallbackPointFires("callback.after_ack")) + " time(s)");
  }
};

#define MICONFORM_CONCURRENCY_CASE(Name, id, summary, call, ...)                              \
  class Concurrency_##Name##_Case : public ConcurrencyCase {                                  \
   public:                                                                                    \
    void TestBody() override { call; }                                                        \
  };                                                                                          \
  [[maybe_unused]] const bool Concurrency_##Name##_declared = DeclareCase(                    \
      CaseInfo{id, {__VA_ARGS__}, "Concurrency." #Name, summary},                             \
      []() -> CaseFixture* { return new Concurrency_##Name##_Case; }, __FILE__, __LINE__)

#define MICONFORM_DOUBLE_CLOSE_SUMMARY(how)                                                     \
  "Two threads close the same session at once (" how "): each call returns a valid MI_Result, " \
  "at most one succeeds, the running operation gets exactly one final result, and a "           \
  "successful asynchronous close completes; which call wins is recorded."

MICONFORM_CONCURRENCY_CASE(TwiceSyncSync, "concurrency.session_close.twice_at_once.sync_sync",
                           MICONFORM_DOUBLE_CLOSE_SUMMARY("both synchronous"),
                           RunDoubleClose(true, true), "SC-RET-1", "SC-PARAM-SESSION-1",
                           "SC-REM-2", "SC-PARAM-CB-2");
MICONFORM_CONCURRENCY_CASE(TwiceAsyncAsync, "concurrency.session_close.twice_at_once.async_async",
                           MICONFORM_DOUBLE_CLOSE_SUMMARY("both with completion callbacks"),
                           RunDoubleClose(false, false), "SC-RET-1", "SC-PARAM-SESSION-1",
                           "SC-PARAM-CB-1", "SC-REM-2");
MICONFORM_CONCURRENCY_CASE(TwiceSyncAsync, "concurrency.session_close.twice_at_once.sync_async",
                           MICONFORM_DOUBLE_CLOSE_SUMMARY("one synchronous, one asynchronous"),
                           RunDoubleClose(true, false), "SC-RET-1", "SC-PARAM-SESSION-1",
                           "SC-PARAM-CB-1", "SC-PARAM-CB-2", "SC-REM-2");
MICONFORM_CONCURRENCY_CASE(
    RacesNewOperationSync, "concurrency.session_close.races_new_operation.sync",
    "A synchronous session close races an operation started on the same session from another "
    "thread (8 rounds): the operation completes or gets its final result, its handle closes, "
    "and the close returns.",
    RunCloseRacesNewOperation(true), "SC-REM-1", "SC-REM-2", "SC-DESC-1", "SC-RET-1",
    "SC-PARAM-CB-2");
MICONFORM_CONCURRENCY_CASE(
    RacesNewOperationAsync, "concurrency.session_close.races_new_operation.async",
    "A session close with a completion callback races an operation started on the same session "
    "from another thread (8 rounds): the operation completes or gets its final result, its "
    "handle closes, and the close completes.",
    RunCloseRacesNewOperation(false), "SC-REM-1", "SC-REM-2", "SC-DESC-1", "SC-PARAM-CB-1");
MICONFORM_CONCURRENCY_CASE(
    DuringSyncPullSync, "concurrency.session_close.during_sync_pull.sync",
    "A synchronous session close while another thread is blocked in a synchronous pull: the pull "
    "returns the final result, and the close returns once the pulling thread closed its handle.",
    RunCloseDuringSyncPull(true), "SC-REM-1", "OCAN-REM-4", "SC-DESC-1");
MICONFORM_CONCURRENCY_CASE(
    DuringSyncPullAsync, "concurrency.session_close.during_sync_pull.async",
    "A session close with a completion callback while another thread is blocked in a "
    "synchronous pull: the pull returns the final result, and the close completes once the "
    "pulling thread closed its handle.",
    RunCloseDuringSyncPull(false), "SC-REM-1", "OCAN-REM-4", "SC-PARAM-CB-1");
MICONFORM_CONCURRENCY_CASE(
    ManySessions, "concurrency.session_close.many_sessions",
    "32 sessions with 2 running operations each are closed at once from 4 threads, half "
    "synchronously and half with completion callbacks: every operation gets exactly one final "
    "result, every completion runs once with its own context, and every close finishes.",
    RunManySessions(), "SC-REM-1", "SC-REM-2", "SC-PARAM-CB-1", "SC-PARAM-CB-2",
    "SC-PARAM-CTX-1");
MICONFORM_CONCURRENCY_CASE(
    SlowCompletionOtherSession, "concurrency.session_close.slow_completion_other_session",
    "While one session's completion callback lingers (callback.in_completion), another session "
    "closes: its operation gets its final result and its completion runs once.",
    RunSlowCompletionOtherSession(), "SC-PARAM-CB-1", "SC-REM-2", "SC-DESC-1");
MICONFORM_CONCURRENCY_CASE(
    DuringSlowWriteMessageAsync, "concurrency.session_close.during_slow_write_message.async",
    "A session close with a completion callback arrives while writeMessage lingers "
    "(callback.in_write_message): the close returns, the operation gets one final result, and "
    "the completion runs once.",
    RunCloseDuringSlowNotice(true, false), "SC-PARAM-CB-1", "SC-REM-1", "SC-REM-2");
MICONFORM_CONCURRENCY_CASE(
    DuringSlowWriteMessageSync, "concurrency.session_close.during_slow_write_message.sync",
    "A synchronous session close arrives while writeMessage lingers (callback.in_write_message): "
    "it returns after the operation's final result.",
    RunCloseDuringSlowNotice(true, true), "SC-PARAM-CB-2", "SC-REM-1", "SC-REM-2");
MICONFORM_CONCURRENCY_CASE(
    DuringSlowWriteProgressAsync, "concurrency.session_close.during_slow_write_progress.async",
    "A session close with a completion callback arrives while writeProgress lingers "
    "(callback.in_write_progress): the close returns, the operation gets one final result, and "
    "the completion runs once.",
    RunCloseDuringSlowNotice(false, false), "SC-PARAM-CB-1", "SC-REM-1", "SC-REM-2");
MICONFORM_CONCURRENCY_CASE(
    DuringSlowAck, "concurrency.session_close.during_slow_ack",
    "A session close with a completion callback arrives while a manual-ack operation's "
    "acknowledgements are slow (callback.before_ack, callback.after_ack): the operation gets "
    "one final result and the completion runs once after it.",
    RunCloseDuringSlowAck(), "SC-REM-1", "SC-REM-2", "OI-ACK-1", "SC-PARAM-CB-1");

}  // namespace
}  // namespace miconform::cases

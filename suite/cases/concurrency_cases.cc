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
#include <memory>
#include <mutex>
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
 public:
  // Races: a PASS is run again under many schedules.
  static constexpr CaseTraits kTraits{.race = true};

 protected:
  // The fixture's run-until-cancelled script, with its callbacks on the handler's own thread.
  MiconformScript RunningUntilCancelled(std::uint32_t delay_ms = 10) const {
    MiconformScript script = RunningScript(delay_ms);
    script.callback_thread = MICONFORM_THREAD_HANDLER;
    return script;
  }

  // An asynchronous operation mock: non-final results any number, exactly one final result (at
  // most one with `final_may_not_come`) that counts into `finals` (before the handle is closed,
  // so a synchronous close that the handle releases sees it) and closes the handle. The final
  // result's count judges `final_requirement`: SC-REM-2 for an operation the session close
  // cancels. Results are acknowledged through the callback-layer points when `manual_ack`;
  // messages and progress pass through their points.
  void ExpectCountedFinal(mocks::MockOperationCallbacks& mock, OperationSlot* operation,
                          std::shared_ptr<Finals> finals, bool manual_ack,
                          testing::Sequence* order = nullptr,
                          const char* final_requirement = "SC-REM-2",
                          bool final_may_not_come = false) {
    void* const context = mock.context();
    MICONFORM_EXPECT_CALL("OI-FINAL-1", mock,
                          InstanceResult(_, context, _, Ne(MI_FALSE), _, _, _, _))
        .Times(AnyNumber())
        .WillRepeatedly([manual_ack](MI_Operation* passed, void*, const MI_Instance*, MI_Boolean,
                                     MI_Result, const MI_Char*, const MI_Instance*,
                                     MI_ResultAcknowledgement ack) {
          if (manual_ack) AcknowledgeResult(ack, passed);
        });
    auto& final_result = MICONFORM_EXPECT_CALL(
        final_requirement, mock, InstanceResult(_, context, _, MI_FALSE, IsValidResult(), _, _, _));
    if (final_may_not_come) {
      final_result.Times(AtMost(1));
    } else {
      final_result.Times(1);
    }
    if (order != nullptr) final_result.InSequence(*order);
    final_result.WillOnce(
        [manual_ack, finals, operation](MI_Operation* passed, void*, const MI_Instance*, MI_Boolean,
                                        MI_Result code, const MI_Char*, const MI_Instance*,
                                        MI_ResultAcknowledgement ack) {
          finals->code = static_cast<int>(code);
          ++finals->count;
          if (manual_ack) AcknowledgeResult(ack, passed);
          CloseOperation(operation);
          // The callback goes on after its handle is closed: a close that ends here (its completion
          // entered, or a synchronous close returned) ended before the session's callbacks did.
          AtCallbackPoint("callback.after_final_close");
        });
  }

  // Closes `session` on the calling thread, synchronously or with `tag`'s completion.
  static MI_Result CloseEither(SessionSlot* session, bool synchronous, int* tag) {
    return synchronous
               ? CloseSessionSync(session)
               : CloseSessionAsync(session, tag, mocks::MockSessionCloseCompletion::Callback());
  }

  // ---- two closes of one session at once. The second close of one session is made on a handle
  // the other call may already have taken: the pages leave its answer open (SC-PARAM-SESSION-1),
  // so which call wins and whether both succeed are observed. Judged: each call returns a valid
  // MI_Result, a successful close cancels the running operation, and a successful asynchronous
  // close calls its completion once.
  void RunDoubleClose(bool first_sync, bool second_sync) {
    SessionSlot* session = OpenSession();
    if (session == nullptr) return;
    auto& mock = NewOperationMock();
    OperationSlot* operation = NewOperation();
    auto finals = std::make_shared<Finals>();
    // At most one final result here: when neither close succeeds the operation may run on. That
    // it comes after a successful close is judged below.
    ExpectCountedFinal(mock, operation, finals, false, nullptr, "SC-REM-2",
                       /*final_may_not_come=*/true);
    StartEnumerate(session, operation, RunningUntilCancelled(), &mock);
    ASSERT_TRUE(mock.WaitCalls(1, Eventually()))
        << Judges("OI-FINAL-1") << "the operation delivered nothing";

    const bool sync[2] = {first_sync, second_sync};
    mocks::MockSessionCloseCompletion* completions[2] = {nullptr, nullptr};
    for (int i = 0; i < 2; ++i) {
      if (sync[i]) continue;
      completions[i] = &NewCompletionMock(&g_tags[i]);
      // Whether a refused close calls its completion the pages do not say: at most once each.
      MICONFORM_EXPECT_CALL("SC-PARAM-CB-1", *completions[i], Completed(Eq(&g_tags[i])))
          .Times(AtMost(1));
    }
    struct Race {
      std::latch start{2};
      Countdown done{2};
      std::atomic<int> results[2] = {-1, -1};
      std::atomic<bool> returned[2] = {false, false};
    };
    auto race = std::make_shared<Race>();
    for (int i = 0; i < 2; ++i) {
      std::thread([race, session, i, synchronous = sync[i]] {
        race->start.arrive_and_wait();
        race->results[i] = static_cast<int>(CloseEither(session, synchronous, &g_tags[i]));
        race->returned[i] = true;
        race->done.Done();
      }).detach();
    }
    if (!race->done.WaitFor(Eventually())) {
      // An asynchronous close returns without waiting (SC-PARAM-CB-1); a synchronous one once
      // the session's operation ended, its handle closed by its final result (SC-DESC-1), which
      // the close's cancel brings (SC-REM-1, SC-REM-2).
      for (int i = 0; i < 2; ++i) {
        if (race->returned[i].load()) continue;
        const char* requirement = "SC-PARAM-CB-1";
        if (sync[i]) {
          requirement = finals->count.load() == 0 ? MissedFinalRequirement(backend()) : "SC-DESC-1";
        }
        ADD_FAILURE() << Judges(requirement) << "close " << i
                      << (sync[i] ? " (synchronous)" : " (asynchronous)")
                      << " of two concurrent MI_Session_Close calls on one session did not "
                         "return within "
                      << Eventually().count()
                      << " ms (final results delivered: " << finals->count.load() << ")";
      }
      return;
    }
    int successes = 0;
    for (int i = 0; i < 2; ++i) {
      const int result = race->results[i].load();
      EXPECT_THAT(result, IsValidResult())
          << Judges("SC-RET-1") << "close " << i << " returned " << ResultName(result);
      if (result == MI_RESULT_OK) ++successes;
      Observe("SC-PARAM-SESSION-1",
              "close " + std::to_string(i) + (sync[i] ? " (synchronous)" : " (asynchronous)") +
                  " of two concurrent closes of one session returned " + ResultName(result));
    }
    if (successes > 1) {
      Observe("SC-PARAM-SESSION-1",
              "both concurrent closes of one session returned "
              "MI_RESULT_OK");
    }
    if (successes == 0) {
      // Neither close took the session: nothing says it was closed, or its operation cancelled.
      Observe("SC-PARAM-SESSION-1",
              "neither concurrent close returned MI_RESULT_OK (the pages do "
              "not say which one must); the close's effects were not "
              "judged");
      return;
    }
    if (!mock.WaitFinalResults(1, Eventually())) {
      ADD_FAILURE() << Judges(MissedFinalRequirement(backend()))
                    << "the operation the close cancelled delivered no final result";
    }
    for (int i = 0; i < 2; ++i) {
      if (completions[i] == nullptr) continue;
      if (race->results[i].load() == MI_RESULT_OK) {
        EXPECT_TRUE(completions[i]->WaitReturned(1, Eventually()))
            << Judges("SC-PARAM-CB-1") << "the completion callback of the successful "
            << "asynchronous close " << i << " was not called within " << Eventually().count()
            << " ms";
      } else {
        Observe("SC-PARAM-CB-1", "the completion callback of the refused close " +
                                     std::to_string(i) + " was called " +
                                     std::to_string(completions[i]->Calls()) + " time(s)");
      }
    }
  }

  // ---- a close racing a new operation on the same session. An operation whose start returned
  // before the close was entered was running when the session closed (or had finished): its final
  // result and the end of the close are judged. One started while the close was under way, or
  // after it, is made on a handle being closed, which no page covers: what happens to it is only
  // observed, over short waits (ObserveWindow()), so that a library that never answers it does not
  // run the case into its time limit.
  void RunCloseRacesNewOperation(bool sync_close) {
    constexpr int kRounds = 8;
    std::size_t operations_seen = backend().OperationRecords().size();
    for (int round = 0; round < kRounds; ++round) {
      const std::string round_name = "round " + std::to_string(round);
      Phase(round_name);
      SessionSlot* session = OpenSession();
      if (session == nullptr) return;
      auto& mock = NewOperationMock();
      OperationSlot* operation = NewOperation();
      auto finals = std::make_shared<Finals>();
      // At most one final result here; that it comes is judged below where the pages say so.
      ExpectCountedFinal(mock, operation, finals, false, nullptr, "OI-FINAL-1",
                         /*final_may_not_come=*/true);
      MiconformScript script = Script();
      script.results = 2;
      script.result_delay_ms = 5;
      const std::string class_name = PrepareEnumerate(operation, script, &mock);
      int* const tag = &g_tags[round];
      mocks::MockSessionCloseCompletion* completion = nullptr;
      if (!sync_close) {
        completion = &NewCompletionMock(tag);
        MICONFORM_EXPECT_CALL("SC-PARAM-CB-1", *completion, Completed(Eq(tag))).Times(AtMost(1));
      }
      struct Race {
        std::latch start{2};
        Countdown done{2};
        std::atomic<int> close_result{-1};
        std::atomic<bool> start_returned{false};
        std::atomic<bool> close_returned{false};
        std::atomic<bool> start_first{false};  // the start had returned when the close was entered
      };
      auto race = std::make_shared<Race>();
      std::thread([race, session, operation, class_name] {
        race->start.arrive_and_wait();
        StartPrepared(session, operation, class_name);
        race->start_returned = true;
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
        race->start_first = race->start_returned.load();
        race->close_result = static_cast<int>(CloseEither(session, sync_close, tag));
        race->close_returned = true;
        race->done.Done();
      }).detach();
      const bool both_returned = race->done.WaitFor(Eventually());
      const bool start_first = race->start_first.load();
      if (!both_returned) {
        if (start_first && !race->close_returned.load()) {
          // An asynchronous close returns without waiting (SC-PARAM-CB-1); a synchronous one once
          // the operation's final result closed its handle (SC-DESC-1), which the operation owes
          // (SC-REM-2).
          const char* requirement = "SC-PARAM-CB-1";
          if (sync_close) requirement = finals->count.load() == 0 ? "SC-REM-2" : "SC-DESC-1";
          ADD_FAILURE() << Judges(requirement) << round_name
                        << ": MI_Session_Close, made after an operation of the session had been "
                           "started, did not return within "
                        << Eventually().count()
                        << " ms (final results delivered: " << finals->count.load() << ")";
        } else {
          Observe("ABI-TABLE-1",
                  round_name +
                      ": MI_Session_Close racing MI_Session_EnumerateInstances on the "
                      "same session: " +
                      (race->start_returned.load() ? std::string("the close")
                                                   : std::string("the start")) +
                      " did not return within " + std::to_string(Eventually().count()) +
                      " ms; no further rounds were run");
        }
        return;
      }
      if (start_first) {
        ASSERT_TRUE(mock.WaitFinalResults(1, Eventually()))
            << Judges("SC-REM-2") << round_name
            << ": the operation whose start returned before the session close began got no "
               "final result within "
            << Eventually().count() << " ms";
      } else if (!mock.WaitFinalResults(1, ObserveWindow())) {
        Observe("ABI-TABLE-1", round_name +
                                   ": the operation started while its session was "
                                   "closing got no final result within " +
                                   std::to_string(ObserveWindow().count()) +
                                   " ms (the close returned " +
                                   ResultName(race->close_result.load()) + ")");
      }
      // Whether the operation reached the backend tells which call won the race.
      const bool reached_backend = backend().OperationRecords().size() > operations_seen;
      operations_seen = backend().OperationRecords().size();
      Trace(round_name + ": the operation " + (start_first ? "was" : "was not") +
            " started before the close began, " + (reached_backend ? "reached" : "never reached") +
            " the backend and ended with " + ResultName(finals->code) + "; the close returned " +
            ResultName(race->close_result));
      if (completion == nullptr) continue;
      if (race->close_result.load() != MI_RESULT_OK) {
        Observe("SC-RET-1", round_name + ": MI_Session_Close returned " +
                                ResultName(race->close_result.load()));
        continue;
      }
      if (finals->count.load() == 0) {
        // The handle is closed by the final result: still open, it withholds the completion.
        Observe("SC-REM-3", round_name +
                                ": the operation's handle stayed open (no final "
                                "result), so the completion was not awaited");
        continue;
      }
      if (start_first) {
        EXPECT_TRUE(completion->WaitReturned(1, Eventually()))
            << Judges("SC-DESC-1") << round_name << ": the session close did not complete within "
            << Eventually().count() << " ms of its last operation handle being closed";
      } else if (!completion->WaitReturned(1, ObserveWindow())) {
        Observe("SC-DESC-1", round_name +
                                 ": the session close, raced by an operation started "
                                 "while it was under way, had not completed " +
                                 std::to_string(ObserveWindow().count()) +
                                 " ms after that operation's handle was closed");
      }
    }
  }

  // ---- a close while another thread is blocked in a synchronous pull. The close's cancel should
  // release the pull soon (OCAN-REM-4, a SHOULD): by the final result or by an error return. The
  // pulling thread then closes its handle, which a synchronous close waits for (SC-REM-3) and an
  // asynchronous close's completion follows.
  void RunCloseDuringSyncPull(bool sync_close) {
    SessionSlot* session = OpenSession();
    if (session == nullptr) return;
    // No result comes on its own within the case: only the cancel ends the pull.
    OperationSlot* operation = StartEnumerate(session, RunningUntilCancelled(60000), nullptr);
    if (!backend().WaitStarted(1, Eventually().count())) {
      // No page says when an operation reaches the provider: observed, and the close is made all
      // the same.
      Observe("SC-REM-1", "the provider had not seen the synchronous operation start within " +
                              std::to_string(Eventually().count()) + " ms");
    }
    const auto pull = StartPullToTheEnd(operation);
    if (!pull->pulling.WaitFor(Eventually())) {
      // The suite's own thread: nothing of the target is judged by it.
      NoteInconclusive("the pulling thread did not start within " +
                       std::to_string(Eventually().count()) + " ms");
      return;
    }

    int* const tag = &g_tags[0];
    mocks::MockSessionCloseCompletion* completion = nullptr;
    if (!sync_close) {
      completion = &NewCompletionMock(tag);
      // At most once here; that it is called at all is judged below.
      MICONFORM_EXPECT_CALL("SC-PARAM-CB-1", *completion, Completed(Eq(tag))).Times(AtMost(1));
    }
    auto close_result = std::make_shared<std::atomic<int>>(-1);
    auto closed_before_handle = std::make_shared<std::atomic<bool>>(false);
    // A close provably stuck is judged here (what it waits for decides which sentence broke), not
    // left to the watchdog.
    const bool returned = RunBounded(
        [session, sync_close, tag, close_result, closed_before_handle, pull] {
          *close_result = static_cast<int>(CloseEither(session, sync_close, tag));
          *closed_before_handle = !pull->handle_closed.IsSet();
        },
        Eventually(), /*defer_stuck_to_watchdog=*/false);
    if (!returned) {
      if (sync_close && !pull->handle_closed.IsSet()) {
        // The handle is still open, so the synchronous close waits for it (SC-REM-3).
        if (!pull->released.IsSet()) {
          ADD_FAILURE() << Judges("OCAN-REM-4") << "the blocked MI_Operation_GetInstance was not "
                        << "released within " << Eventually().count() << " ms of the session "
                        << "close, so its handle stayed open and the synchronous close waited";
        } else if (pull->failed.load() == -1) {
          ADD_FAILURE() << Judges("OCL-REM-1") << "MI_Operation_Close did not return although "
                        << "the final result had been pulled (the synchronous session close "
                        << "waited for it)";
        } else {
          Observe("OCL-REM-1", "MI_Operation_Close, after the pull returned " +
                                   ResultName(pull->failed.load()) +
                                   ", did not return; the synchronous session close waited for "
                                   "it");
        }
        return;
      }
      ADD_FAILURE() << Judges(sync_close ? "SC-DESC-1" : "SC-PARAM-CB-1")
                    << "MI_Session_Close did not return within " << Eventually().count()
                    << " ms while another thread pulled an operation of the session";
      return;
    }
    if (!CheckResult("SC-RET-1", "MI_Session_Close", close_result->load())) return;
    ASSERT_TRUE(pull->released.WaitFor(Eventually(), /*defer_stuck_to_watchdog=*/false))
        << Judges("OCAN-REM-4") << "the blocked MI_Operation_GetInstance did not return within "
        << Eventually().count() << " ms of the session close";
    ObservePullRelease(*pull);
    if (sync_close) {
      // A synchronous close is documented to wait while an operation handle is open (SC-REM-3);
      // what this one did is recorded.
      Observe("SC-REM-3", std::string("the synchronous close returned ") +
                              (closed_before_handle->load() ? "before" : "after") +
                              " the pulling thread closed its operation handle");
      return;
    }
    // The completion follows the handle's close, which the pages let fail when the final result
    // was not retrieved (OCL-REM-1): then the handle is still open and the completion withheld.
    if (!AwaitHandleClosedAfterPull(*pull)) return;
    EXPECT_TRUE(completion->WaitReturned(1, Eventually()))
        << Judges("SC-PARAM-CB-1") << "the completion callback was not called within "
        << Eventually().count() << " ms of the pulling thread closing its handle";
  }

  // ---- 32 sessions with operations in flight, closed at once from 4 threads
  void RunManySessions() {
    constexpr int kSessions = 32;
    constexpr int kOperationsPerSession = 2;
    constexpr int kThreads = 4;
    // Each final result callback lingers after closing its handle, so a close that does not wait
    // for the callback to return (SC-PARAM-CB-5) ends inside that window on any machine, not
    // only when the threads happen to interleave that way.
    DelayCallbackPoint("callback.after_final_close", std::chrono::milliseconds(30));
    struct Closing {
      SessionSlot* session = nullptr;
      bool synchronous = false;
      int* tag = nullptr;
      std::vector<std::shared_ptr<Finals>> finals;
      std::vector<mocks::MockOperationCallbacks*> mocks;
      std::atomic<bool> entered{false};
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
        closing.mocks.push_back(&mock);
        OperationSlot* operation = NewOperation();
        closing.finals.push_back(std::make_shared<Finals>());
        ExpectCountedFinal(mock, operation, closing.finals.back(), false, &orders[k]);
        StartEnumerate(closing.session, operation, script, &mock);
      }
      if (!closing.synchronous) {
        completions[i] = &NewCompletionMock(closing.tag);
        static_assert(kOperationsPerSession == 2, "the completion follows every final result");
        // At most once here; that it is called at all is judged below, once the close returned
        // MI_RESULT_OK.
        MICONFORM_EXPECT_CALL("SC-PARAM-CB-1", *completions[i], Completed(Eq(closing.tag)))
            .Times(AtMost(1))
            .InSequence(orders[0], orders[1]);
      }
    }
    for (auto* mock : operation_mocks) {
      ASSERT_TRUE(mock->WaitCalls(1, Eventually()))
          << Judges("OI-FINAL-1") << "an operation delivered nothing";
    }
    for (int t = 0; t < kThreads; ++t) {
      std::thread([race, t] {
        race->start.arrive_and_wait();
        for (int i = t; i < kSessions; i += kThreads) {
          Closing& closing = race->sessions[i];
          closing.entered = true;
          closing.result =
              static_cast<int>(CloseEither(closing.session, closing.synchronous, closing.tag));
          int finals = 0;
          for (auto& counted : closing.finals) finals += counted->count.load();
          closing.finals_at_return = finals;
        }
        race->done.Done();
      }).detach();
    }
    if (!race->done.WaitFor(std::chrono::milliseconds(3 * Eventually().count()))) {
      // A close entered and not returned holds up its thread's later sessions. An asynchronous
      // close returns without waiting (SC-PARAM-CB-1); a synchronous one once its operations'
      // final results closed their handles (SC-DESC-1), which the close's cancel brings.
      for (int i = 0; i < kSessions; ++i) {
        Closing& closing = race->sessions[i];
        if (!closing.entered.load() || closing.result.load() != -1) continue;
        int finals = 0;
        for (auto& counted : closing.finals) finals += counted->count.load();
        const char* requirement = "SC-PARAM-CB-1";
        if (closing.synchronous) {
          requirement =
              finals < kOperationsPerSession ? MissedFinalRequirement(backend()) : "SC-DESC-1";
        }
        ADD_FAILURE() << Judges(requirement) << "the "
                      << (closing.synchronous ? "synchronous" : "asynchronous")
                      << " close of session " << i << " did not return (final results of its "
                      << kOperationsPerSession << " operations delivered: " << finals << ")";
      }
      return;
    }
    std::vector<bool> closed(kSessions, false);
    for (int i = 0; i < kSessions; ++i) {
      Closing& closing = race->sessions[i];
      closed[i] = CheckResult("SC-RET-1", "MI_Session_Close of session " + std::to_string(i),
                              closing.result.load());
      if (closed[i] && closing.synchronous) {
        // A final result still missing at the return comes after it, or never.
        EXPECT_EQ(closing.finals_at_return.load(), kOperationsPerSession)
            << Judges("SC-PARAM-CB-2") << "the synchronous close of session " << i
            << " returned before each of its " << kOperationsPerSession
            << " operations delivered its final result";
      }
    }
    for (int i = 0; i < kSessions; ++i) {
      if (!closed[i]) continue;  // a refused close cancels nothing the pages speak of
      for (auto* mock : race->sessions[i].mocks) {
        if (mock->WaitFinalResults(1, Eventually())) continue;
        ADD_FAILURE() << Judges(MissedFinalRequirement(backend())) << "an operation of session "
                      << i << " delivered no final result after the session was closed";
      }
    }
    for (int i = 0; i < kSessions; ++i) {
      if (completions[i] == nullptr || !closed[i]) continue;
      EXPECT_TRUE(completions[i]->WaitReturned(1, Eventually()))
          << Judges("SC-PARAM-CB-1") << "the completion callback of session " << i
          << " was not called";
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
      // At most once here; that it is called at all is judged below, once the close returned
      // MI_RESULT_OK.
      auto& completed =
          MICONFORM_EXPECT_CALL("SC-PARAM-CB-1", *completions[i], Completed(Eq(&g_tags[i])))
              .Times(AtMost(1))
              .InSequence(order);
      if (i == 0) {
        completed.WillOnce([first_entered, first_returned](void*) {
          first_entered->Set();
          AtCallbackPoint("callback.in_completion");
          first_returned->Set();
        });
      }
      ASSERT_TRUE(operation_mocks[i]->WaitCalls(1, Eventually()))
          << Judges("OI-FINAL-1") << "operation " << i << " delivered nothing";
    }
    if (!CheckResult("SC-RET-1", "MI_Session_Close of the first session",
                     CloseSessionAsync(sessions[0], &g_tags[0], completions[0]->Callback()))) {
      return;
    }
    ASSERT_TRUE(first_entered->WaitFor(Eventually()))
        << Judges("SC-PARAM-CB-1") << "the first session's completion callback was not called "
        << "within " << Eventually().count() << " ms";
    Phase("closing the second session while the first one's completion callback is slow");
    if (!CheckResult("SC-RET-1", "MI_Session_Close of the second session",
                     CloseSessionAsync(sessions[1], &g_tags[1], completions[1]->Callback()))) {
      return;
    }
    if (!operation_mocks[1]->WaitFinalResults(1, Eventually())) {
      ADD_FAILURE() << Judges(MissedFinalRequirement(backend()))
                    << "the second session's operation delivered no final result";
    }
    EXPECT_TRUE(completions[1]->WaitReturned(1, Eventually()))
        << Judges("SC-PARAM-CB-1") << "the second session's completion callback was not called "
        << "within " << Eventually().count() << " ms";
    Trace(std::string("the second session completed ") +
          (first_returned->IsSet() ? "after" : "while") +
          " the first session's completion callback was still running");
    // The first completion is the suite's own callback lingering at its point: waited for, not
    // judged.
    if (!first_returned->WaitFor(Eventually())) {
      Trace("the first session's completion callback had not returned within " +
            std::to_string(Eventually().count()) + " ms");
    }
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
      MICONFORM_EXPECT_CALL("OI-FINAL-1", mock, WriteMessage(_, mock.context(), _, _))
          .Times(AnyNumber())
          .WillRepeatedly([notice](MI_Operation*, void*, MI_Uint32, const MI_Char*) { notice(); });
    } else {
      MICONFORM_EXPECT_CALL("OI-FINAL-1", mock, WriteProgress(_, mock.context(), _, _, _, _, _))
          .Times(AnyNumber())
          .WillRepeatedly([notice](MI_Operation*, void*, const MI_Char*, const MI_Char*,
                                   const MI_Char*, MI_Uint32, MI_Uint32) { notice(); });
    }
    int* const tag = &g_tags[0];
    mocks::MockSessionCloseCompletion* completion = nullptr;
    if (!sync_close) {
      completion = &NewCompletionMock(tag);
      // At most once here; that it is called at all is judged below.
      MICONFORM_EXPECT_CALL("SC-PARAM-CB-1", *completion, Completed(Eq(tag)))
          .Times(AtMost(1))
          .InSequence(order);
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
    if (!close_returned) {
      // An asynchronous close returns without waiting (SC-PARAM-CB-1); a synchronous one once
      // the operation's final result closed its handle (SC-DESC-1), which the close's cancel
      // brings.
      const char* requirement = "SC-PARAM-CB-1";
      if (sync_close) {
        requirement = finals->count.load() == 0 ? MissedFinalRequirement(backend()) : "SC-DESC-1";
      }
      ADD_FAILURE() << Judges(requirement) << "MI_Session_Close made while " << callback
                    << " was slow did not return within " << Eventually().count() << " ms";
      return;
    }
    if (!CheckResult("SC-RET-1", "MI_Session_Close", close_result->load())) return;
    Trace(std::string("the close returned ") +
          (during_callback->load() ? std::string("while ") + callback + " was still running"
                                   : std::string("after ") + callback + " returned"));
    if (!mock.WaitFinalResults(1, Eventually())) {
      ADD_FAILURE() << Judges(MissedFinalRequirement(backend()))
                    << "the operation the close cancelled delivered no final result";
    }
    if (sync_close) {
      // A final result still missing at the return comes after it, or never.
      EXPECT_EQ(finals_at_return->load(), 1)
          << Judges("SC-PARAM-CB-2") << "the synchronous close returned before the operation it "
          << "cancelled delivered its final result";
    } else {
      EXPECT_TRUE(completion->WaitReturned(1, Eventually()))
          << Judges("SC-PARAM-CB-1") << "the completion callback was not called within "
          << Eventually().count() << " ms";
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
    // At most once here; that it is called at all is judged below.
    MICONFORM_EXPECT_CALL("SC-PARAM-CB-1", completion, Completed(Eq(&g_tags[0])))
        .Times(AtMost(1))
        .InSequence(order);
    StartEnumerate(session, operation, RunningUntilCancelled(), &mock,
                   MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS);
    ASSERT_TRUE(mock.WaitCalls(1, Eventually()))
        << Judges("OI-FINAL-1") << "the operation delivered nothing";
    if (!CheckResult("SC-RET-1", "MI_Session_Close",
                     CloseSessionAsync(session, &g_tags[0], completion.Callback()))) {
      return;
    }
    if (!mock.WaitFinalResults(1, Eventually())) {
      ADD_FAILURE() << Judges(MissedFinalRequirement(backend()))
                    << "the operation the close cancelled delivered no final result";
    }
    EXPECT_TRUE(completion.WaitReturned(1, Eventually()))
        << Judges("SC-PARAM-CB-1") << "the completion callback was not called within "
        << Eventually().count() << " ms of the last (slow) acknowledgement";
    Trace("callback.before_ack fired " + std::to_string(CallbackPointFires("callback.before_ack")) +
          " time(s), callback.after_ack " +
          std::to_string(CallbackPointFires("callback.after_ack")) + " time(s)");
  }
};

#define MICONFORM_DOUBLE_CLOSE_SUMMARY(how)                                                   \
  "Two threads close the same session at once (" how                                          \
  "): each call returns a valid MI_Result; "                                                  \
  "once one succeeded, the running operation gets exactly one final result and a successful " \
  "asynchronous close completes. What each call returned (which one wins, whether both "      \
  "succeed) is recorded."

MICONFORM_CASE(ConcurrencyCase, TwiceSyncSync, "concurrency.session_close.twice_at_once.sync_sync",
               MICONFORM_DOUBLE_CLOSE_SUMMARY("both synchronous"), "SC-RET-1", "SC-PARAM-SESSION-1",
               "SC-REM-2", "SC-PARAM-CB-2") {
  RunDoubleClose(true, true);
}
MICONFORM_CASE(ConcurrencyCase, TwiceAsyncAsync,
               "concurrency.session_close.twice_at_once.async_async",
               MICONFORM_DOUBLE_CLOSE_SUMMARY("both with completion callbacks"), "SC-RET-1",
               "SC-PARAM-SESSION-1", "SC-PARAM-CB-1", "SC-REM-2") {
  RunDoubleClose(false, false);
}
MICONFORM_CASE(ConcurrencyCase, TwiceSyncAsync,
               "concurrency.session_close.twice_at_once.sync_async",
               MICONFORM_DOUBLE_CLOSE_SUMMARY("one synchronous, one asynchronous"), "SC-RET-1",
               "SC-PARAM-SESSION-1", "SC-PARAM-CB-1", "SC-PARAM-CB-2", "SC-REM-2") {
  RunDoubleClose(true, false);
}
MICONFORM_CASE(
    ConcurrencyCase, RacesNewOperationSync, "concurrency.session_close.races_new_operation.sync",
    "A synchronous session close races an operation started on the same session from another "
    "thread (8 rounds): an operation whose start returned before the close began gets its final "
    "result, its handle closes, and the close returns; what happens to one started while the "
    "session was closing is recorded.",
    "SC-REM-1", "SC-REM-2", "SC-DESC-1", "SC-RET-1", "SC-PARAM-CB-2") {
  RunCloseRacesNewOperation(true);
}
MICONFORM_CASE(
    ConcurrencyCase, RacesNewOperationAsync, "concurrency.session_close.races_new_operation.async",
    "A session close with a completion callback races an operation started on the same session "
    "from another thread (8 rounds): an operation whose start returned before the close began "
    "gets its final result, its handle closes, and the close completes; what happens to one "
    "started while the session was closing is recorded.",
    "SC-REM-1", "SC-REM-2", "SC-DESC-1", "SC-PARAM-CB-1") {
  RunCloseRacesNewOperation(false);
}
MICONFORM_CASE(
    ConcurrencyCase, DuringSyncPullSync, "concurrency.session_close.during_sync_pull.sync",
    "A synchronous session close while another thread is blocked in a synchronous pull: the pull "
    "is released soon (SHOULD; by the final result or an error return, recorded), and the close "
    "returns once the pulling thread closed its handle.",
    "SC-REM-1", "OCAN-REM-4", "SC-DESC-1") {
  RunCloseDuringSyncPull(true);
}
MICONFORM_CASE(
    ConcurrencyCase, DuringSyncPullAsync, "concurrency.session_close.during_sync_pull.async",
    "A session close with a completion callback while another thread is blocked in a "
    "synchronous pull: the pull is released soon (SHOULD; by the final result or an error "
    "return, recorded), and the close completes once the pulling thread closed its handle.",
    "SC-REM-1", "OCAN-REM-4", "SC-PARAM-CB-1") {
  RunCloseDuringSyncPull(false);
}
MICONFORM_CASE(
    ConcurrencyCase, ManySessions, "concurrency.session_close.many_sessions",
    "32 sessions with 2 running operations each are closed at once from 4 threads, half "
    "synchronously and half with completion callbacks, each final result callback lingering "
    "after it closed its handle (callback.after_final_close): every operation gets exactly one "
    "final result, every completion runs once with its own context, every close finishes, and "
    "none ends while a callback of its session is still running.",
    "SC-REM-1", "SC-REM-2", "SC-PARAM-CB-1", "SC-PARAM-CB-2", "SC-PARAM-CTX-1", "SC-PARAM-CB-5") {
  RunManySessions();
}
MICONFORM_CASE(
    ConcurrencyCase, SlowCompletionOtherSession,
    "concurrency.session_close.slow_completion_other_session",
    "While one session's completion callback lingers (callback.in_completion), another session "
    "closes: its operation gets its final result and its completion runs once.",
    "SC-PARAM-CB-1", "SC-REM-2", "SC-DESC-1") {
  RunSlowCompletionOtherSession();
}
MICONFORM_CASE(
    ConcurrencyCase, DuringSlowWriteMessageAsync,
    "concurrency.session_close.during_slow_write_message.async",
    "A session close with a completion callback arrives while writeMessage lingers "
    "(callback.in_write_message): the close returns, the operation gets one final result, and "
    "the completion runs once.",
    "SC-PARAM-CB-1", "SC-REM-1", "SC-REM-2", "SC-PARAM-CB-5") {
  RunCloseDuringSlowNotice(true, false);
}
MICONFORM_CASE(
    ConcurrencyCase, DuringSlowWriteMessageSync,
    "concurrency.session_close.during_slow_write_message.sync",
    "A synchronous session close arrives while writeMessage lingers (callback.in_write_message): "
    "it returns after the operation's final result.",
    "SC-PARAM-CB-2", "SC-REM-1", "SC-REM-2", "SC-PARAM-CB-5") {
  RunCloseDuringSlowNotice(true, true);
}
MICONFORM_CASE(
    ConcurrencyCase, DuringSlowWriteProgressAsync,
    "concurrency.session_close.during_slow_write_progress.async",
    "A session close with a completion callback arrives while writeProgress lingers "
    "(callback.in_write_progress): the close returns, the operation gets one final result, and "
    "the completion runs once.",
    "SC-PARAM-CB-1", "SC-REM-1", "SC-REM-2", "SC-PARAM-CB-5") {
  RunCloseDuringSlowNotice(false, false);
}
MICONFORM_CASE(
    ConcurrencyCase, DuringSlowAck, "concurrency.session_close.during_slow_ack",
    "A session close with a completion callback arrives while a manual-ack operation's "
    "acknowledgements are slow (callback.before_ack, callback.after_ack): the operation gets "
    "one final result and the completion runs once after it.",
    "SC-REM-1", "SC-REM-2", "OI-ACK-1", "SC-PARAM-CB-1", "SC-PARAM-CB-5") {
  RunCloseDuringSlowAck();
}

}  // namespace
}  // namespace miconform::cases

// reentrancy_matrix_cases.cc - the reentrancy matrix: MI_Session_Close, MI_Operation_Cancel,
// MI_Operation_Close and MI_Application_Close called from inside each kind of callback, with the
// operations' callbacks on the handler's thread and on the calling thread. Every combination is
// one generated case (IDs reentrancy.<call>.<callback>[.<completion>].<thread>[.<variant>]).
//
// On the calling thread (MICONFORM_THREAD_CALLER) the first callback is made inside the start
// call and the later ones inside acknowledgement or cancel calls, so a reentrant call there is
// nested inside another library call of the same thread. The expectations do not change with the
// thread: the pages say "called from a callback" without naming a thread, so whatever a callback
// on the handler's thread must do, one made inside a start, acknowledgement or cancel call must do
// too.
#include <cstdint>
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

int g_first_tag = 0;
int g_second_tag = 0;

constexpr std::chrono::milliseconds kRowDelay{200};

enum class Call { kSessionClose, kOperationCancel, kOperationClose, kApplicationClose };
enum class Source {
  kInstanceNonFinal,
  kInstanceFinal,
  kWriteMessage,
  kWriteProgress,
  kOtherCompletion
};

// One case of the matrix.
struct Row {
  Call call;
  Source source;
  bool with_completion;  // MI_Session_Close only
  MiconformCallbackThread thread;
  const char* delay_point;  // a callback-layer delay of this variant, or nullptr
  const char* variant;      // ID suffix of such a variant, or nullptr
};

const char* SourceId(Source source) {
  switch (source) {
    case Source::kInstanceNonFinal: return "instance_nonfinal";
    case Source::kInstanceFinal: return "instance_final";
    case Source::kWriteMessage: return "write_message";
    case Source::kWriteProgress: return "write_progress";
    case Source::kOtherCompletion: return "other_session_completion";
  }
  return "?";
}

const char* SourceText(Source source) {
  switch (source) {
    case Source::kInstanceNonFinal: return "a non-final instanceResult";
    case Source::kInstanceFinal: return "the final instanceResult";
    case Source::kWriteMessage: return "writeMessage";
    case Source::kWriteProgress: return "writeProgress";
    case Source::kOtherCompletion: return "another session's close-completion callback";
  }
  return "?";
}

const char* CallId(Call call) {
  switch (call) {
    case Call::kSessionClose: return "session_close";
    case Call::kOperationCancel: return "operation_cancel";
    case Call::kOperationClose: return "operation_close";
    case Call::kApplicationClose: return "application_close";
  }
  return "?";
}

const char* CallName(Call call) {
  switch (call) {
    case Call::kSessionClose: return "MI_Session_Close";
    case Call::kOperationCancel: return "MI_Operation_Cancel";
    case Call::kOperationClose: return "MI_Operation_Close";
    case Call::kApplicationClose: return "MI_Application_Close";
  }
  return "?";
}

const char* ThreadId(MiconformCallbackThread thread) {
  return thread == MICONFORM_THREAD_CALLER ? "caller_thread" : "handler_thread";
}

const char* ThreadText(MiconformCallbackThread thread) {
  return thread == MICONFORM_THREAD_CALLER
             ? "callbacks made on the calling thread (inside start, acknowledgement and cancel "
               "calls)"
             : "callbacks made on the handler's own thread";
}

std::string RowId(const Row& row) {
  std::string id = std::string("reentrancy.") + CallId(row.call) + "." + SourceId(row.source);
  if (row.call == Call::kSessionClose) {
    id += row.with_completion ? ".with_completion" : ".without_completion";
  }
  id += std::string(".") + ThreadId(row.thread);
  if (row.variant != nullptr) id += std::string(".") + row.variant;
  return id;
}

std::string RowSummary(const Row& row) {
  std::string summary = std::string(CallName(row.call));
  if (row.call == Call::kSessionClose) {
    summary +=
        row.with_completion ? " with a completion callback" : " without a completion callback";
  }
  summary += std::string(" called from inside ") + SourceText(row.source) + ", " +
             ThreadText(row.thread) + ": ";
  switch (row.call) {
    case Call::kSessionClose:
      summary += row.with_completion
                     ? "it returns, the cancelled operation gets one final result, and the "
                       "completion runs once."
                     : "a deadlock (documented) or a return (with or without an error, the close "
                       "done or deferred), either recorded.";
      break;
    case Call::kOperationCancel:
      summary +=
          "it returns a value of the MI_Result enumeration, the operation gets exactly one "
          "final result, and the session then closes.";
      break;
    case Call::kOperationClose:
      summary +=
          "it returns (an asynchronous operation's close does not block); once the handle "
          "is closed, the session closes.";
      break;
    case Call::kApplicationClose:
      summary += "it deadlocks (documented); nothing can release it.";
      break;
  }
  if (row.delay_point != nullptr) {
    summary += std::string(" The callback then lingers at ") + row.delay_point + ".";
  }
  return summary;
}

std::vector<std::string> RowRequirements(const Row& row) {
  switch (row.call) {
    case Call::kSessionClose:
      if (row.with_completion) {
        return {"SC-PARAM-CB-3", "SC-PARAM-CB-1", "SC-REM-1", "SC-REM-2", "SC-RET-1"};
      }
      return {"SC-PARAM-CB-4"};
    // The cancel is made on the handle passed into the callback (MI_Operation_Cancel's parameter);
    // the handle is closed through the slot, not through the callback's handle.
    case Call::kOperationCancel: return {"OCAN-REM-1", "OCAN-REM-3", "OCAN-PARAM-1", "SC-DESC-1"};
    case Call::kOperationClose: return {"OCL-REM-2", "OCL-PARAM-1", "OCL-RET-1", "SC-DESC-1"};
    case Call::kApplicationClose: return {"AC-REM-4"};
  }
  return {};
}

// Non-final results of an operation whose callbacks are made on the calling thread.
constexpr std::uint32_t kCallerThreadResults = 30;

// The running operation whose callbacks make the reentrant call. On the handler's thread it runs
// until cancelled. On the calling thread it is a finite stream instead: there the backend makes
// the callbacks inside the client's own start and acknowledgement calls, so an endless stream
// keeps the start call busy until the client passes a cancel on, and a client may - the pages do
// not say otherwise - hold a cancel back until its call into the backend returned. The finite
// stream still delivers non-final results long after the reentrant call.
MiconformScript SourceScript(MiconformScript script, Source source,
                             MiconformCallbackThread thread) {
  const bool finite = source == Source::kInstanceFinal || thread == MICONFORM_THREAD_CALLER;
  script.results = source == Source::kInstanceFinal ? 0 : finite ? kCallerThreadResults : 0;
  script.until_cancelled = finite ? 0 : 1;
  script.result_delay_ms = 10;
  script.messages = source == Source::kWriteMessage ? 1 : 0;
  script.progress = source == Source::kWriteProgress ? 1 : 0;
  script.callback_thread = thread;
  return script;
}

// What the reentrant call reports back to the test thread. Shared with the callbacks, which may
// outlive the case body.
struct Reentry {
  std::atomic<bool> claimed{false};  // only the first callback of the source kind makes the call
  Signal entered;
  Signal returned;
  std::atomic<int> result{-1};
  std::atomic<int> finals{0};             // final results the operation delivered so far
  std::atomic<int> finals_at_return{-1};  // ... when the reentrant call returned
};
using Action = std::function<MI_Result(MI_Operation* passed)>;

void Reenter(const std::shared_ptr<Reentry>& reentry, const Action& action, MI_Operation* passed) {
  if (reentry->claimed.exchange(true)) return;
  reentry->entered.Set();
  reentry->result = static_cast<int>(action(passed));
  reentry->finals_at_return = reentry->finals.load();
  reentry->returned.Set();
}

class ReentrancyCase : public CaseFixture {
 public:
  // Races: a PASS is run again under many schedules.
  static constexpr CaseTraits kTraits{.race = true};

  explicit ReentrancyCase(const Row& row) : row_(row) {}

  void TestBody() override {
    if (row_.delay_point != nullptr) DelayCallbackPoint(row_.delay_point, kRowDelay);
    switch (row_.call) {
      case Call::kSessionClose:
        if (row_.source == Source::kOtherCompletion) {
          RunSessionCloseFromOtherCompletion();
        } else {
          RunSessionClose();
        }
        break;
      case Call::kOperationCancel:
      case Call::kOperationClose: RunOperationCall(); break;
      case Call::kApplicationClose: RunApplicationClose(); break;
    }
    if (row_.delay_point != nullptr) {
      Trace(std::string(row_.delay_point) + " fired " +
            std::to_string(CallbackPointFires(row_.delay_point)) + " time(s)");
    }
  }

 private:
  static void CloseOperationOnce(OperationSlot* operation) {
    if (!operation->close_called) CloseOperation(operation);
  }

  // Sets the operation mock's expectations: non-final results and messages any number of times,
  // one final result (exactly one, or at most one when `final_may_not_come`), which closes the
  // handle. The first callback of the row's source runs `action` once; in the final result the
  // handle is closed before the action when `close_before_action` (a session close needs that to
  // be able to complete), after it otherwise.
  void Wire(mocks::MockOperationCallbacks& mock, OperationSlot* operation,
            const std::shared_ptr<Reentry>& reentry, Action action, bool close_before_action,
            bool final_may_not_come, testing::Sequence* order) {
    const Source source = row_.source;
    void* const context = mock.context();
    auto& nonfinal = MICONFORM_EXPECT_CALL("OI-FINAL-1", mock,
                                           InstanceResult(_, context, _, Ne(MI_FALSE), _, _, _, _))
                         .Times(AnyNumber());
    if (source == Source::kInstanceNonFinal) {
      nonfinal.WillRepeatedly(
          [reentry, action](MI_Operation* passed, void*, const MI_Instance*, MI_Boolean, MI_Result,
                            const MI_Char*, const MI_Instance*,
                            MI_ResultAcknowledgement) { Reenter(reentry, action, passed); });
    }
    auto& final_result =
        MICONFORM_EXPECT_CALL(FinalRequirement(), mock,
                              InstanceResult(_, context, _, MI_FALSE, IsValidResult(), _, _, _));
    if (final_may_not_come) {
      final_result.Times(AtMost(1));
    } else {
      final_result.Times(1);
    }
    if (order != nullptr) final_result.InSequence(*order);
    final_result.WillOnce([source, reentry, action, operation, close_before_action](
                              MI_Operation* passed, void*, const MI_Instance*, MI_Boolean,
                              MI_Result, const MI_Char*, const MI_Instance*,
                              MI_ResultAcknowledgement) {
      ++reentry->finals;
      if (source == Source::kInstanceFinal) {
        if (close_before_action) CloseOperationOnce(operation);
        Reenter(reentry, action, passed);
      }
      CloseOperationOnce(operation);
    });
    MICONFORM_EXPECT_CALL("OI-FINAL-1", mock, WriteMessage(_, context, _, _))
        .Times(AnyNumber())
        .WillRepeatedly(
            [source, reentry, action](MI_Operation* passed, void*, MI_Uint32, const MI_Char*) {
              if (source == Source::kWriteMessage) Reenter(reentry, action, passed);
              AtCallbackPoint("callback.in_write_message");
            });
    MICONFORM_EXPECT_CALL("OI-FINAL-1", mock, WriteProgress(_, context, _, _, _, _, _))
        .Times(AnyNumber())
        .WillRepeatedly([source, reentry, action](MI_Operation* passed, void*, const MI_Char*,
                                                  const MI_Char*, const MI_Char*, MI_Uint32,
                                                  MI_Uint32) {
          if (source == Source::kWriteProgress) Reenter(reentry, action, passed);
          AtCallbackPoint("callback.in_write_progress");
        });
  }

  std::string Where() const { return std::string("inside ") + SourceText(row_.source); }

  // What the operation's one final result judges: the end of an operation the session close
  // cancelled (SC-REM-2), of one MI_Operation_Cancel cancelled (OCAN-REM-3), or of any other
  // (OI-FINAL-1: the last call comes exactly once). An operation whose final result makes the
  // reentrant call has finished on its own.
  const char* FinalRequirement() const {
    if (row_.source == Source::kInstanceFinal) return "OI-FINAL-1";
    switch (row_.call) {
      case Call::kSessionClose: return "SC-REM-2";
      case Call::kOperationCancel: return "OCAN-REM-3";
      case Call::kOperationClose:
      case Call::kApplicationClose: return "OI-FINAL-1";
    }
    return "OI-FINAL-1";
  }

  // The reentrant call with a completion callback: it must return and complete (SC-PARAM-CB-3).
  void CheckCompletedClose(const std::shared_ptr<Reentry>& reentry,
                           mocks::MockOperationCallbacks& mock,
                           mocks::MockSessionCloseCompletion& completion) {
    ASSERT_TRUE(reentry->returned.WaitFor(Eventually()))
        << Judges("SC-PARAM-CB-3") << "MI_Session_Close with a completion callback, called from "
        << Where() << ", did not return within " << Eventually().count() << " ms";
    // The pages name no success code: a valid MI_Result is judged, an error observed (and a
    // refused close owes no completion).
    const int result = reentry->result.load();
    EXPECT_THAT(result, IsValidResult())
        << Judges("SC-RET-1") << "MI_Session_Close returned " << ResultName(result);
    if (result != MI_RESULT_OK) {
      Observe("SC-RET-1", "MI_Session_Close with a completion callback, called from " + Where() +
                              ", returned " + ResultName(result));
      return;
    }
    if (!mock.WaitFinalResults(1, Eventually())) {
      ADD_FAILURE() << Judges(MissedFinalRequirement(backend()))
                    << "the operation the close cancelled delivered no final result within "
                    << Eventually().count() << " ms";
    }
    EXPECT_TRUE(completion.WaitReturned(1, Eventually()))
        << Judges("SC-PARAM-CB-3") << "the completion callback of a close made from " << Where()
        << " was not called within " << Eventually().count() << " ms";
  }

  // The reentrant call without a completion callback, armed by the callback right before it: a
  // deadlock is documented (SC-PARAM-CB-4), and so is a return, with or without an error, the
  // close done by then or deferred: what happened is observed. A refused close leaves `session`
  // open, to the fixture's cleanup.
  void AwaitSynchronousClose(const std::shared_ptr<Reentry>& reentry, SessionSlot* session) {
    reentry->returned.Wait();  // unbounded: the watchdog records a deadlock here
    Disarm();
    const int result = reentry->result.load();
    Observe("SC-PARAM-CB-4", "MI_Session_Close without a completion callback, called from " +
                                 Where() + ", did not deadlock: it returned " + ResultName(result) +
                                 " with " + std::to_string(reentry->finals_at_return.load()) +
                                 " final result(s) of the operation delivered by then");
    if (result != MI_RESULT_OK) session->close_called = false;
  }

  void RunSessionClose() {
    SessionSlot* session = OpenSession();
    if (session == nullptr) return;
    auto& mock = NewOperationMock();
    OperationSlot* operation = NewOperation();
    auto reentry = std::make_shared<Reentry>();
    mocks::MockSessionCloseCompletion* completion =
        row_.with_completion ? &NewCompletionMock(&g_first_tag) : nullptr;
    testing::Sequence order;
    Action close_session = [session, completion](MI_Operation*) {
      if (completion != nullptr) {
        return CloseSessionAsync(session, completion->context(), completion->Callback());
      }
      Arm("SC-PARAM-CB-4", "MI_Session_Close");  // right before the call that may deadlock
      return CloseSessionSync(session);
    };
    Wire(mock, operation, reentry, close_session, /*close_before_action=*/true,
         /*final_may_not_come=*/false, completion != nullptr ? &order : nullptr);
    if (completion != nullptr) {
      MICONFORM_EXPECT_CALL("SC-PARAM-CB-1", *completion, Completed(Eq(completion->context())))
          .Times(AtMost(1))
          .InSequence(order)
          .WillOnce([](void*) { AtCallbackPoint("callback.in_completion"); });
    }
    StartEnumerate(session, operation, SourceScript(Script(), row_.source, row_.thread), &mock);
    if (!reentry->entered.WaitFor(Eventually())) {
      GTEST_SKIP() << "the target delivered no " << SourceText(row_.source)
                   << " callback to close the session from";
    }
    if (completion != nullptr) {
      CheckCompletedClose(reentry, mock, *completion);
    } else {
      AwaitSynchronousClose(reentry, session);
    }
  }

  // Session A's completion callback closes session B, whose operation is running (its callbacks
  // in the row's thread mode; on the calling thread it is started from a helper thread, which the
  // script keeps inside the start call until the cancel).
  void RunSessionCloseFromOtherCompletion() {
    SessionSlot* first = OpenSession();
    if (first == nullptr) return;
    SessionSlot* second = OpenSession();
    if (second == nullptr) return;
    auto& mock = NewOperationMock();
    OperationSlot* operation = NewOperation();
    auto reentry = std::make_shared<Reentry>();
    auto& first_completion = NewCompletionMock(&g_first_tag);
    mocks::MockSessionCloseCompletion* second_completion =
        row_.with_completion ? &NewCompletionMock(&g_second_tag) : nullptr;
    testing::Sequence order;
    Action close_second = [second, second_completion](MI_Operation*) {
      if (second_completion != nullptr) {
        return CloseSessionAsync(second, second_completion->context(),
                                 second_completion->Callback());
      }
      Arm("SC-PARAM-CB-4", "MI_Session_Close");  // right before the call that may deadlock
      return CloseSessionSync(second);
    };
    Wire(mock, operation, reentry, nullptr, /*close_before_action=*/true,
         /*final_may_not_come=*/false, second_completion != nullptr ? &order : nullptr);
    MICONFORM_EXPECT_CALL("SC-PARAM-CB-1", first_completion, Completed(Eq(&g_first_tag)))
        .Times(AtMost(1))
        .WillOnce([reentry, close_second](void*) {
          Reenter(reentry, close_second, nullptr);
          AtCallbackPoint("callback.in_completion");
        });
    if (second_completion != nullptr) {
      MICONFORM_EXPECT_CALL("SC-PARAM-CB-1", *second_completion, Completed(Eq(&g_second_tag)))
          .Times(AtMost(1))
          .InSequence(order)
          .WillOnce([](void*) { AtCallbackPoint("callback.in_completion"); });
    }

    const MiconformScript script = SourceScript(Script(), Source::kInstanceNonFinal, row_.thread);
    auto start_returned = std::make_shared<Signal>();
    if (row_.thread == MICONFORM_THREAD_CALLER) {
      const std::string class_name = PrepareEnumerate(operation, script, &mock);
      std::thread([second, operation, class_name, start_returned] {
        StartPrepared(second, operation, class_name);
        start_returned->Set();
      }).detach();
    } else {
      StartEnumerate(second, operation, script, &mock);
      start_returned->Set();
    }
    ASSERT_TRUE(mock.WaitCalls(1, Eventually()))
        << Judges("OI-FINAL-1") << "the operation of the second session delivered nothing";

    // The pages name no success code: a valid MI_Result is judged, an error observed (and a
    // refused close owes no completion, from which the second session would be closed).
    const MI_Result first_closed =
        CloseSessionAsync(first, &g_first_tag, first_completion.Callback());
    EXPECT_THAT(first_closed, IsValidResult())
        << Judges("SC-RET-1") << "MI_Session_Close returned " << ResultName(first_closed);
    if (first_closed != MI_RESULT_OK) {
      Observe("SC-RET-1",
              "MI_Session_Close of the first session returned " + ResultName(first_closed));
      return;
    }
    if (!reentry->entered.WaitFor(Eventually())) {
      FAIL() << Judges("SC-DESC-1")
             << "the completion callback of the first session's close (nothing left open) was "
                "not called within "
             << Eventually().count() << " ms";
    }
    if (second_completion != nullptr) {
      CheckCompletedClose(reentry, mock, *second_completion);
    } else {
      AwaitSynchronousClose(reentry, second);
    }
    Trace(std::string("the call that started the second session's operation ") +
          (start_returned->WaitFor(Eventually(), /*defer_stuck_to_watchdog=*/false)
               ? "returned"
               : "had not returned yet"));
  }

  // MI_Operation_Cancel / MI_Operation_Close on the handle passed into the callback.
  void RunOperationCall() {
    const bool cancel = row_.call == Call::kOperationCancel;
    SessionSlot* session = OpenSession();
    if (session == nullptr) return;
    auto& mock = NewOperationMock();
    OperationSlot* operation = NewOperation();
    auto reentry = std::make_shared<Reentry>();
    Action action;
    if (cancel) {
      action = [](MI_Operation* passed) {
        Phase("entered MI_Operation_Cancel (the callback's handle)");
        const MI_Result result = TheTarget().CancelOperation(passed, MI_REASON_NONE);
        Phase("returned MI_Operation_Cancel (" + ResultName(result) + ")");
        return result;
      };
    } else {
      action = [operation](MI_Operation* passed) {
        if (operation->close_called.exchange(true)) return MI_RESULT_OK;
        Phase("entered MI_Operation_Close (the callback's handle)");
        const MI_Result result = TheTarget().CloseOperation(passed);
        Phase("returned MI_Operation_Close (" + ResultName(result) + ")");
        return result;
      };
    }
    // A running operation closed from its callback: the pages do not say whether a final result
    // still comes, so at most one is expected.
    const bool closed_while_running = !cancel && row_.source != Source::kInstanceFinal;
    Wire(mock, operation, reentry, action, /*close_before_action=*/false, closed_while_running,
         nullptr);
    StartEnumerate(session, operation, SourceScript(Script(), row_.source, row_.thread), &mock);
    if (!reentry->entered.WaitFor(Eventually())) {
      GTEST_SKIP() << "the target delivered no " << SourceText(row_.source) << " callback to call "
                   << CallName(row_.call) << " from";
    }
    // A cancel is asynchronous (OCAN-REM-1), an asynchronous operation's close does not block
    // (OCL-REM-2).
    ASSERT_TRUE(reentry->returned.WaitFor(Eventually()))
        << Judges(cancel ? "OCAN-REM-1" : "OCL-REM-2") << CallName(row_.call) << " called from "
        << Where() << " did not return within " << Eventually().count() << " ms";
    const int result = reentry->result.load();
    // The callback's handle is accepted: a cancel made on it returns a valid MI_Result
    // (OCAN-PARAM-1); a close returns one as every close does (OCL-RET-1). No page names a
    // success code, so any other code than MI_RESULT_OK is observed.
    EXPECT_THAT(result, IsValidResult())
        << Judges(cancel ? "OCAN-PARAM-1" : "OCL-RET-1") << CallName(row_.call) << " returned "
        << ResultName(result);
    if (result != MI_RESULT_OK && MI_Result_IsValid(result)) {
      // Refused through the callback's handle, which the pages let the caller pass: the same call
      // through the handle the start returned tells whether that handle was the reason.
      const MI_Result again =
          cancel ? CancelThroughStartHandle(operation) : CloseThroughStartHandle(operation);
      if (again == MI_RESULT_OK) {
        if (!cancel) operation->close_called = true;  // closed, through the start handle
        ADD_FAILURE() << Judges(cancel ? "OCAN-PARAM-1" : "OCL-PARAM-1") << CallName(row_.call)
                      << " through the handle passed into the callback, called from " << Where()
                      << ", returned " << ResultName(result)
                      << "; the same call through the handle the start returned succeeded";
        return;
      }
    }
    if (result != MI_RESULT_OK) {
      Observe(cancel ? "OCAN-PARAM-1" : "OCL-RET-1",
              std::string(CallName(row_.call)) + " on the handle passed into the callback, " +
                  "called from " + Where() + ", returned " + ResultName(result));
    }
    // A refused close leaves the handle open: the session close would then withhold its
    // completion (SC-REM-3), so it is not expected; the fixture's cleanup closes the handle.
    if (!cancel && result != MI_RESULT_OK) {
      if (closed_while_running) {
        Observe("OCL-REM-2", "MI_Operation_Close of the running operation from " + Where() +
                                 " returned " + ResultName(result) +
                                 "; the handle was taken as still open");
      }
      operation->close_called = false;
      return;
    }
    if (!closed_while_running) {
      // A refused cancel may leave the operation running: its final result then comes from the
      // session close below, and is not awaited here.
      if (!cancel || result == MI_RESULT_OK) {
        if (!mock.WaitFinalResults(1, Eventually())) {
          // Whose fault: the cancel, or the handle it was made through? The same cancel through
          // the handle the start returned tells them apart: when that one ends the operation,
          // the callback's handle was not taken as the operation (OCAN-PARAM-1); otherwise the
          // cancel brings no final result at all (OCAN-REM-3).
          const char* judged = cancel ? "OCAN-REM-3" : "OI-FINAL-1";
          std::string through_start_handle;
          if (cancel) {
            if (CancelThroughStartHandle(operation) == MI_RESULT_OK &&
                mock.WaitFinalResults(1, Eventually())) {
              judged = "OCAN-PARAM-1";
              through_start_handle =
                  "; the same cancel through the handle the start returned "
                  "then ended it";
            }
          }
          ADD_FAILURE() << Judges(judged) << "the operation delivered no final result within "
                        << Eventually().count() << " ms of " << CallName(row_.call)
                        << " called from " << Where() << through_start_handle;
        }
      }
    }

    auto& completion = NewCompletionMock(&g_first_tag);
    // At most once here; that it is called at all is judged below, once the close returned
    // MI_RESULT_OK.
    MICONFORM_EXPECT_CALL("SC-PARAM-CB-1", completion, Completed(Eq(&g_first_tag)))
        .Times(AtMost(1));
    const MI_Result closed = CloseSessionAsync(session, &g_first_tag, completion.Callback());
    EXPECT_THAT(closed, IsValidResult())
        << Judges("SC-RET-1") << "MI_Session_Close returned " << ResultName(closed);
    if (closed != MI_RESULT_OK) {
      Observe("SC-RET-1", "MI_Session_Close returned " + ResultName(closed));
      return;
    }
    if (!completion.WaitReturned(1, Eventually())) {
      if (operation->close_called && !cancel) {
        // Nothing of the session was left open, if the close through the callback's handle did
        // close it.
        JudgeCloseAfterCallbackHandleClose(operation, completion, Where());
      } else if (operation->close_called) {
        // Nothing of the session was left open.
        ADD_FAILURE() << Judges("SC-DESC-1") << "the session close did not complete within "
                      << Eventually().count() << " ms although its operation handle was closed";
      } else {
        // The handle is closed by the operation's final result, which never came.
        ADD_FAILURE() << Judges(MissedFinalRequirement(backend()))
                      << "the operation delivered no final result after the session close, so "
                         "its handle stayed open and the close did not complete within "
                      << Eventually().count() << " ms";
      }
    }
    if (closed_while_running) {
      // Whether a final result still comes after a running operation was closed the pages do not
      // say.
      Observe("OI-FINAL-1", "final results the operation delivered after it was closed from " +
                                Where() + ": " + std::to_string(mock.FinalResults()));
    }
  }

  // Documented deadlock (AC-REM-4): armed by the callback right before the call (on the calling
  // thread that is inside the start call); never released.
  void RunApplicationClose() {
    SessionSlot* session = OpenSession();
    if (session == nullptr) return;
    auto& mock = NewOperationMock();
    OperationSlot* operation = NewOperation();
    auto reentry = std::make_shared<Reentry>();
    Wire(
        mock, operation, reentry,
        [this](MI_Operation*) {
          Arm("AC-REM-4", "MI_Application_Close");  // right before the documented deadlock
          return CloseApplication();
        },
        /*close_before_action=*/false, /*final_may_not_come=*/true, nullptr);
    StartEnumerate(session, operation, SourceScript(Script(), row_.source, row_.thread), &mock);
    if (!reentry->entered.WaitFor(Eventually())) {
      FAIL() << Judges("OI-FINAL-1") << "the operation delivered no " << SourceText(row_.source)
             << " to close the application from";
    }
    reentry->returned.Wait();  // unbounded: the documented outcome is that this never happens
    Disarm();
    NoteDeviation("AC-REM-4", "MI_Application_Close returned (" + ResultName(reentry->result) +
                                  ") although it was called from " + Where());
  }

  const Row row_;
};

// The matrix: every combination of the dimensions is one case.
std::vector<Row> MatrixRows() {
  constexpr MiconformCallbackThread kThreads[] = {MICONFORM_THREAD_HANDLER,
                                                  MICONFORM_THREAD_CALLER};
  constexpr Source kCallbackSources[] = {Source::kInstanceNonFinal, Source::kInstanceFinal,
                                         Source::kWriteMessage, Source::kWriteProgress};
  std::vector<Row> rows;
  for (MiconformCallbackThread thread : kThreads) {
    for (Source source : kCallbackSources) {
      rows.push_back({Call::kSessionClose, source, true, thread, nullptr, nullptr});
      rows.push_back({Call::kSessionClose, source, false, thread, nullptr, nullptr});
      rows.push_back({Call::kOperationCancel, source, false, thread, nullptr, nullptr});
      rows.push_back({Call::kOperationClose, source, false, thread, nullptr, nullptr});
    }
    rows.push_back({Call::kSessionClose, Source::kOtherCompletion, true, thread, nullptr, nullptr});
    rows.push_back(
        {Call::kSessionClose, Source::kOtherCompletion, false, thread, nullptr, nullptr});
    rows.push_back(
        {Call::kApplicationClose, Source::kInstanceNonFinal, false, thread, nullptr, nullptr});
  }
  // Variants whose callback lingers at a callback-layer point after its reentrant call returned.
  const Row kSlowVariants[] = {
      {Call::kSessionClose, Source::kWriteMessage, true, MICONFORM_THREAD_HANDLER,
       "callback.in_write_message", "slow_write_message"},
      {Call::kSessionClose, Source::kWriteProgress, true, MICONFORM_THREAD_CALLER,
       "callback.in_write_progress", "slow_write_progress"},
      {Call::kSessionClose, Source::kOtherCompletion, true, MICONFORM_THREAD_HANDLER,
       "callback.in_completion", "slow_completion"},
      {Call::kOperationCancel, Source::kWriteMessage, false, MICONFORM_THREAD_HANDLER,
       "callback.in_write_message", "slow_write_message"},
      {Call::kOperationClose, Source::kWriteProgress, false, MICONFORM_THREAD_HANDLER,
       "callback.in_write_progress", "slow_write_progress"},
  };
  for (const Row& row : kSlowVariants) rows.push_back(row);
  return rows;
}

std::vector<CaseRow<Row>> MatrixCaseRows() {
  std::vector<CaseRow<Row>> rows;
  for (const Row& row : MatrixRows()) {
    rows.push_back({RowId(row), RowSummary(row), RowRequirements(row), row});
  }
  return rows;
}

MICONFORM_CASE_FAMILY(ReentrancyCase, MatrixCaseRows());

}  // namespace
}  // namespace miconform::cases

// close_from_callback_cases.cc - conformance cases that close the session from inside an
// operation callback: with a completion callback the close must complete; without one it may
// deadlock (either outcome conforms and is recorded).
#include <memory>

#include "case_fixture.h"

namespace miconform::cases {
namespace {

using testing::_;
using testing::AnyNumber;
using testing::AtMost;
using testing::Eq;
using testing::Ne;

enum class Where { kInstanceNonFinal, kInstanceFinal, kWriteMessage, kWriteProgress };

const char* WhereName(Where where) {
  switch (where) {
    case Where::kInstanceNonFinal: return "a non-final instanceResult";
    case Where::kInstanceFinal: return "the final instanceResult";
    case Where::kWriteMessage: return "writeMessage";
    case Where::kWriteProgress: return "writeProgress";
  }
  return "?";
}

// What the callback that closes the session reports back to the test thread.
struct CloseFromCallback {
  std::atomic<bool> claimed{false};  // the first callback to claim it closes the session
  Signal entered;
  Signal returned;
  std::atomic<int> result{-1};
};

class CloseFromCallbackCase : public CaseFixture {
 protected:
  // Starts an operation whose callback at `where` closes `session` (asynchronously with
  // `completion`, synchronously when it is NULL). The final result closes the operation handle
  // (before the session close, when that is where the close happens).
  std::shared_ptr<CloseFromCallback> Start(Where where, SessionSlot* session,
                                           mocks::MockOperationCallbacks& mock,
                                           mocks::MockSessionCloseCompletion* completion,
                                           testing::Sequence* order) {
    auto state = std::make_shared<CloseFromCallback>();
    MiconformScript script = Script();
    script.results = 0;
    script.until_cancelled = where == Where::kInstanceFinal ? 0 : 1;
    script.result_delay_ms = 10;
    if (where == Where::kWriteMessage) script.messages = 1;
    if (where == Where::kWriteProgress) script.progress = 1;
    OperationSlot* operation = NewOperation();
    auto close_session = [state, session, completion] {
      if (state->claimed.exchange(true)) return;  // only the first such callback closes
      state->entered.Set();
      const MI_Result result =
          completion != nullptr
              ? CloseSessionAsync(session, completion->context(), completion->Callback())
              : CloseSessionSync(session);
      state->result = static_cast<int>(result);
      state->returned.Set();
    };
    void* const context = mock.context();
    // The final result ends an operation the session close cancelled (SC-REM-2), except where
    // the operation finishes on its own before the close (the final instanceResult).
    const char* const final_requirement =
        where == Where::kInstanceFinal ? "OI-FINAL-1" : "SC-REM-2";
    auto& nonfinal = MICONFORM_EXPECT_CALL("OI-FINAL-1", mock,
                                           InstanceResult(_, context, _, Ne(MI_FALSE), _, _, _, _))
                         .Times(AnyNumber());
    if (where == Where::kInstanceNonFinal) {
      nonfinal.WillRepeatedly([close_session](MI_Operation*, void*, const MI_Instance*, MI_Boolean,
                                              MI_Result, const MI_Char*, const MI_Instance*,
                                              MI_ResultAcknowledgement) { close_session(); });
    }
    auto& final_result =
        MICONFORM_EXPECT_CALL(final_requirement, mock,
                              InstanceResult(_, context, _, MI_FALSE, IsValidResult(), _, _, _))
            .Times(1);
    if (order != nullptr) final_result.InSequence(*order);
    final_result.WillOnce([where, operation, close_session](
                              MI_Operation*, void*, const MI_Instance*, MI_Boolean, MI_Result,
                              const MI_Char*, const MI_Instance*, MI_ResultAcknowledgement) {
      if (where == Where::kInstanceFinal) {
        // The handle is closed first so that a synchronous close has a chance to complete.
        CloseOperation(operation);
        close_session();
      } else {
        CloseOperation(operation);
      }
    });
    if (where == Where::kWriteMessage) {
      MICONFORM_EXPECT_CALL("OI-FINAL-1", mock, WriteMessage(_, context, _, _))
          .Times(AnyNumber())
          .WillRepeatedly([close_session](MI_Operation*, void*, MI_Uint32, const MI_Char*) {
            close_session();
          });
    }
    if (where == Where::kWriteProgress) {
      MICONFORM_EXPECT_CALL("OI-FINAL-1", mock, WriteProgress(_, context, _, _, _, _, _))
          .Times(AnyNumber())
          .WillRepeatedly([close_session](MI_Operation*, void*, const MI_Char*, const MI_Char*,
                                          const MI_Char*, MI_Uint32,
                                          MI_Uint32) { close_session(); });
    }
    if (completion != nullptr) {
      // At most once here; that it is called at all is judged by RunWithCompletion, once the
      // close returned MI_RESULT_OK (a refused close owes no completion).
      auto& completed =
          MICONFORM_EXPECT_CALL("SC-PARAM-CB-1", *completion, Completed(Eq(completion->context())))
              .Times(AtMost(1));
      if (order != nullptr) completed.InSequence(*order);
    }
    StartEnumerate(session, operation, script, &mock);
    return state;
  }

  // MUST: with a completion callback the close made inside the callback returns and completes.
  void RunWithCompletion(Where where) {
    SessionSlot* session = OpenSession();
    if (session == nullptr) return;
    auto& mock = NewOperationMock();
    auto& completion = NewCompletionMock(&g_completion_tag);
    testing::Sequence order;
    auto state = Start(where, session, mock, &completion, &order);
    if (!state->entered.WaitFor(Eventually())) {
      GTEST_SKIP() << "the target delivered no " << WhereName(where)
                   << " callback to close the session from";
    }
    ASSERT_TRUE(state->returned.WaitFor(Eventually()))
        << Judges("SC-PARAM-CB-3") << "MI_Session_Close with a completion callback, called from "
        << "inside " << WhereName(where) << ", did not return within " << Eventually().count()
        << " ms";
    // The pages name no success code: a valid MI_Result is judged, an error observed (and a
    // refused close owes no completion).
    const int result = state->result.load();
    EXPECT_THAT(result, IsValidResult())
        << Judges("SC-RET-1") << "MI_Session_Close returned " << ResultName(result);
    if (result != MI_RESULT_OK) {
      Observe("SC-RET-1", "MI_Session_Close with a completion callback, called from inside " +
                              std::string(WhereName(where)) + ", returned " + ResultName(result));
      return;
    }
    EXPECT_TRUE(completion.WaitReturned(1, Eventually()))
        << Judges("SC-PARAM-CB-3") << "the completion callback of a close made from inside "
        << WhereName(where) << " was not called within " << Eventually().count() << " ms";
  }

  // MAY-DEADLOCK: without a completion callback the close may never return.
  void RunWithoutCompletion(Where where) {
    SessionSlot* session = OpenSession();
    if (session == nullptr) return;
    auto& mock = NewOperationMock();
    Arm("SC-PARAM-CB-4", "MI_Session_Close");
    auto state = Start(where, session, mock, nullptr, nullptr);
    if (!state->entered.WaitFor(Eventually())) {
      Disarm();
      GTEST_SKIP() << "the target delivered no " << WhereName(where)
                   << " callback to close the session from";
    }
    state->returned.Wait();  // unbounded: a deadlock here is a documented outcome
    Disarm();
    // A return conforms as well, with or without an error (SC-PARAM-CB-4): observed.
    const int result = state->result.load();
    Observe("SC-PARAM-CB-4",
            std::string("MI_Session_Close without a completion callback, called from inside ") +
                WhereName(where) + ", did not deadlock: it returned " + ResultName(result));
    // Refused, the session is still open: the fixture's cleanup closes it.
    if (result != MI_RESULT_OK) session->close_called = false;
  }
};

MICONFORM_CASE(
    CloseFromCallbackCase, InstanceNonFinalAsync, "session_close.from_callback.instance_nonfinal",
    "MI_Session_Close with a completion callback, called from inside a non-final instanceResult, "
    "returns and completes once.",
    "SC-PARAM-CB-3") {
  RunWithCompletion(Where::kInstanceNonFinal);
}
MICONFORM_CASE(
    CloseFromCallbackCase, InstanceFinalAsync, "session_close.from_callback.instance_final",
    "MI_Session_Close with a completion callback, called from inside the final instanceResult, "
    "returns and completes once.",
    "SC-PARAM-CB-3") {
  RunWithCompletion(Where::kInstanceFinal);
}
MICONFORM_CASE(
    CloseFromCallbackCase, WriteMessageAsync, "session_close.from_callback.write_message",
    "MI_Session_Close with a completion callback, called from inside writeMessage, returns and "
    "completes once.",
    "SC-PARAM-CB-3") {
  RunWithCompletion(Where::kWriteMessage);
}
MICONFORM_CASE(
    CloseFromCallbackCase, WriteProgressAsync, "session_close.from_callback.write_progress",
    "MI_Session_Close with a completion callback, called from inside writeProgress, returns and "
    "completes once.",
    "SC-PARAM-CB-3") {
  RunWithCompletion(Where::kWriteProgress);
}
MICONFORM_CASE(CloseFromCallbackCase, InstanceNonFinalSync,
               "session_close.from_callback_sync.instance_nonfinal",
               "MI_Session_Close without a completion callback, called from inside a non-final "
               "instanceResult: a deadlock or a return, either recorded.",
               "SC-PARAM-CB-4") {
  RunWithoutCompletion(Where::kInstanceNonFinal);
}
MICONFORM_CASE(
    CloseFromCallbackCase, InstanceFinalSync, "session_close.from_callback_sync.instance_final",
    "MI_Session_Close without a completion callback, called from inside the final instanceResult "
    "after closing the operation: a deadlock or a return, either recorded.",
    "SC-PARAM-CB-4") {
  RunWithoutCompletion(Where::kInstanceFinal);
}
MICONFORM_CASE(
    CloseFromCallbackCase, WriteMessageSync, "session_close.from_callback_sync.write_message",
    "MI_Session_Close without a completion callback, called from inside writeMessage: a deadlock "
    "or a return, either recorded.",
    "SC-PARAM-CB-4") {
  RunWithoutCompletion(Where::kWriteMessage);
}
MICONFORM_CASE(
    CloseFromCallbackCase, WriteProgressSync, "session_close.from_callback_sync.write_progress",
    "MI_Session_Close without a completion callback, called from inside writeProgress: a "
    "deadlock or a return, either recorded.",
    "SC-PARAM-CB-4") {
  RunWithoutCompletion(Where::kWriteProgress);
}

}  // namespace
}  // namespace miconform::cases

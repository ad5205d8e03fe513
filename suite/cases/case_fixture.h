// case_fixture.h - the GoogleTest fixture every conformance case derives from: opens the
// application, sessions and scripted operations, wraps the close calls with phase lines, and
// cleans up without ever blocking the verdict. Used by the case files.
//
// The fixture holds the handles alone; the other concerns of a case have their own modules, all
// included here so a case file includes only this header: the run's bounds and the phase lines
// (case_runtime.h), documented hangs and bounded waits (hang_watch.h), delays in the suite's own
// callbacks (callback_points.h), the account of planned faults and harness errors
// (planned_faults.h), the shared checks (case_checks.h) and the one-shot Signal (case_signal.h).
//
// Handles: every handle the fixture opens lives in fixture-owned storage with a stable address
// until the process ends; a handle whose close was *called* is never closed again by the cleanup
// (whether or not the call returned).
//
// Threading: the helpers may be called from the test thread and from callbacks (closing an
// operation or a session from inside a callback is what several cases test). Opening handles is
// for the test thread only. No fixture lock is held while calling into the target.
//
// Teardown: cleanup (closing what is still open) runs on a helper thread with a bounded wait;
// a blocked cleanup is abandoned (traced, never a verdict of its own), so a failing case stays a
// FAIL instead of turning into a hang. Mocks are verified in TearDown, then unbound; a mock a
// callback is still stuck in is leaked on purpose.
#ifndef MICONFORM_CASES_CASE_FIXTURE_H
#define MICONFORM_CASES_CASE_FIXTURE_H

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "callback_points.h"
#include "case_checks.h"
#include "case_registry.h"
#include "case_runtime.h"
#include "case_signal.h"
#include "check_attribution.h"
#include "hang_watch.h"
#include "miconform/handler_control.h"
#include "miconform/mocks/callback_mocks.h"
#include "miconform/report/verdict.h"
#include "planned_faults.h"

namespace miconform::cases {

// The completion context the cases pass to asynchronous closes: its address is a value no library
// could invent.
inline int g_completion_tag = 0;

class CaseFixture : public testing::Test {
 public:
  // What the runner does around the case besides running it (case_registry.h): nothing for a
  // plain case. A fixture whose cases are races or measure the heap declares its own.
  static constexpr CaseTraits kTraits{};

  struct SessionSlot {
    MI_Session handle{};
    std::atomic<bool> close_called{false};
    // The mocks of the asynchronous operations whose start returned before the session's close
    // was called (any thread).
    void AddOperationMock(const mocks::MockOperationCallbacks* mock);
    // Callbacks of those operations running right now on threads other than the caller's.
    int OperationCallbacksRunningElsewhere() const;

   private:
    mutable std::mutex mutex_;
    std::vector<const mocks::MockOperationCallbacks*> operation_mocks_;
  };
  struct OperationSlot {
    MI_Operation handle{};
    bool synchronous = false;                                 // started with NULL callbacks (pull)
    OperationKind kind = OperationKind::kEnumerateInstances;  // which pull function it takes
    MI_OperationCallbacks callbacks{};  // what the library was handed (kept alive)
    const mocks::MockOperationCallbacks* mock = nullptr;  // whose callbacks those are
    std::atomic<bool> close_called{false};
    std::atomic<bool> final_pulled{false};  // synchronous: the pull saw moreResults MI_FALSE
  };

 protected:
  void SetUp() override;
  void TearDown() override;

  Target& target() const { return *runtime_->target; }
  ScriptedBackend& backend() const { return *runtime_->backend; }

  // ---- handles (test thread). OpenSession returns nullptr after recording a failure (or a skip,
  // when the target reports NOT_SUPPORTED); callers then simply return.
  MI_Application* application() { return &handles_->application; }
  SessionSlot* OpenSession();
  // The handler's default script for this run (handler_control.h).
  MiconformScript Script() const;
  // The default script for an operation that runs until cancelled: no results of its own before
  // that, one result every `result_delay_ms` meanwhile.
  MiconformScript RunningScript(std::uint32_t result_delay_ms) const;
  // A fresh operation slot (registered for cleanup before the operation starts, so a callback
  // made inside the start call can already close it).
  OperationSlot* NewOperation();
  // Starts EnumerateInstances with the script as class name. `mock` NULL: synchronous pull.
  // The script's positive delay fields plan their handler points (see "planned faults"), here and
  // in PrepareEnumerate.
  void StartEnumerate(SessionSlot* session, OperationSlot* operation, const MiconformScript& script,
                      mocks::MockOperationCallbacks* mock, MI_Uint32 flags = 0);
  OperationSlot* StartEnumerate(SessionSlot* session, const MiconformScript& script,
                                mocks::MockOperationCallbacks* mock, MI_Uint32 flags = 0);
  // An asynchronous enumeration whose final result closes its handle from inside the callback
  // (see ExpectResultsThenFinal).
  // A start from another thread: PrepareEnumerate (test thread) fills the slot's callbacks from
  // `mock` (NULL: synchronous pull) and returns the class name that carries `script`;
  // StartPrepared makes the call with phase lines from any thread (it touches only the slots and
  // the target, so a helper thread may run it and outlive the fixture).
  std::string PrepareEnumerate(OperationSlot* operation, const MiconformScript& script,
                               mocks::MockOperationCallbacks* mock);
  static void StartPrepared(SessionSlot* session, OperationSlot* operation,
                            const std::string& class_name, MI_Uint32 flags = 0);
  OperationSlot* StartClosingOnFinal(SessionSlot* session, const MiconformScript& script,
                                     mocks::MockOperationCallbacks& mock, MI_Uint32 flags = 0,
                                     testing::Sequence* sequence = nullptr);
  mocks::MockOperationCallbacks& NewOperationMock();  // a NiceMock, owned by the fixture
  mocks::MockSessionCloseCompletion& NewCompletionMock(void* context);

  // ---- calls with phase lines ("entered X" / "returned X (<result>)") and a check that the
  // result is a valid MI_Result. Static: safe from callbacks and helper threads at any time.
  static Target& TheTarget();
  static MI_Result CloseOperation(OperationSlot* operation);
  // Both closes also judge the end of the close (SC-PARAM-CB-5, a SHOULD): no operation callback
  // of the session should still be running on another thread when a synchronous close returns or
  // the completion callback is entered (the latter judged at TearDown).
  static MI_Result CloseSessionSync(SessionSlot* session);
  // Registers the operation with its session when its start returned before the close was called.
  static void NoteStartedBeforeClose(SessionSlot* session, OperationSlot* operation);
  // A close ended with `running` callbacks of its session still running elsewhere: a SHOULD
  // missed (SC-PARAM-CB-5), wherever it is seen.
  static void JudgeCloseEnd(const std::string& what, int running);
  static MI_Result CloseSessionAsync(SessionSlot* session, void* context,
                                     MI_SessionCloseCompletion callback);
  // MI_Session_Close with a completion callback (context &g_completion_tag) whose completion is
  // expected at most once (SC-PARAM-CB-1; that it comes at all is the caller's to judge, when
  // it waits for it); what the close returned is judged as SC-RET-1 (CheckResult). The completion
  // mock when the close returned MI_RESULT_OK, else nullptr (a refused close owes no completion).
  mocks::MockSessionCloseCompletion* CloseSessionWithCompletion(SessionSlot* session);
  MI_Result CloseApplication();
  // MI_Application_Initialize once more, after this case's MI_Application_Close returned: the
  // application handle is filled anew, and the cleanup closes it. What the entry point returned.
  MI_Result InitializeApplicationAgain();
  // The text that carries `script` to the handler in a start of `kind` (Target::StartOperation):
  // the script inline; for TestConnection, which carries no name, the handler's default script
  // is set to it as well.
  std::string ScriptFor(OperationKind kind, const MiconformScript& script);
  // Starts a synchronous (pulled) operation of `kind` running `script` (Target::StartOperation).
  OperationSlot* StartSynchronous(SessionSlot* session, OperationKind kind,
                                  const MiconformScript& script);
  // Pulls one result of a synchronous operation, with its kind's pull function (GetInstance,
  // GetClass or GetIndication); records when it was the final one.
  static MI_Result PullResult(OperationSlot* operation, MI_Boolean* more_results,
                              MI_Result* result);

  // ---- a synchronous operation pulled to its end on a helper thread: pulls until the final
  // result (moreResults MI_FALSE) or until a pull returns an error (either releases it), then
  // closes the operation's handle. The thread owns only what outlives the case.
  struct PullToTheEnd {
    std::string function;               // the pull function: "MI_Operation_GetInstance", ...
    Signal pulling;                     // the thread started pulling
    Signal released;                    // the pull returned for the last time
    Signal handle_closed;               // MI_Operation_Close returned afterwards
    std::atomic<int> failed{-1};        // the error a pull returned, -1 when none did
    std::atomic<int> final_result{-1};  // the result code of the final result, -1 when none
    std::atomic<int> close_result{-1};  // what MI_Operation_Close returned
  };
  static std::shared_ptr<PullToTheEnd> StartPullToTheEnd(OperationSlot* operation);
  // How the pull was released, observed under OCAN-REM-4: by the final result, or by an error.
  static void ObservePullRelease(const PullToTheEnd& pull);
  // Waits for the handle's close after the release: true when it returned MI_RESULT_OK. A close
  // that does not return is observed (OCL-REM-1 lets a close fail when the final result was not
  // retrieved); a valid code other than OK is observed by CheckResult (OCL-RET-1).
  bool AwaitHandleClosedAfterPull(const PullToTheEnd& pull);

  // ---- the same cancel or close once more, through the handle the start returned (with phase
  // lines): how the cases tell a library that ignores or refuses the handle passed into a
  // callback (OCAN-PARAM-1, OCL-PARAM-1) from one whose cancel or close fails whatever the handle.
  static MI_Result CancelThroughStartHandle(OperationSlot* operation);
  static MI_Result CloseThroughStartHandle(OperationSlot* operation);

  // ---- a session close whose completion did not come within Eventually() although its one
  // operation's handle was closed through the handle passed into a callback (`where`). The same
  // close through the handle the start returned tells whose fault it is: when the completion
  // then comes, the callback's handle was not taken as the operation (OCL-PARAM-1); otherwise the
  // session did not close (SC-DESC-1). Records the failure.
  static void JudgeCloseAfterCallbackHandleClose(
      OperationSlot* operation, const mocks::MockSessionCloseCompletion& completion,
      const std::string& where);

  // ---- expectations on an asynchronous operation mock: any number of non-final results with
  // this context, then exactly one final result (moreResults MI_FALSE, a valid MI_Result) after
  // which `on_final` runs (e.g. closing the handle). Results with manual acknowledgement are
  // acknowledged when `acknowledge` is set.
  // With `sequence`, the final result is part of it (e.g. before a completion callback).
  void ExpectResultsThenFinal(mocks::MockOperationCallbacks& mock,
                              std::function<void(MI_Operation*)> on_final, bool acknowledge = false,
                              testing::Sequence* sequence = nullptr);

 private:
  // Everything a helper thread may still touch after the fixture is gone: allocated once per case
  // and deliberately never freed (the child process ends with _exit right after the verdict).
  struct Handles {
    Target* target = nullptr;
    MI_Application application{};
    std::atomic<bool> application_open{false};
    std::atomic<bool> application_close_called{false};
    std::mutex mutex;  // guards the deques' structure, never held across a target call
    std::deque<std::unique_ptr<SessionSlot>> sessions;
    std::deque<std::unique_ptr<OperationSlot>> operations;
  };
  // Closes what is still open: operations, then sessions, then the application.
  static void Cleanup(Handles* handles);

  const CaseRuntime* runtime_ = nullptr;
  Handles* handles_ = nullptr;
  std::deque<std::unique_ptr<testing::NiceMock<mocks::MockOperationCallbacks>>> operation_mocks_;
  std::deque<std::unique_ptr<mocks::MockSessionCloseCompletion>> completion_mocks_;
};

}  // namespace miconform::cases

#endif  // MICONFORM_CASES_CASE_FIXTURE_H

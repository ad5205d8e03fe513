// case_fixture.h - the GoogleTest fixture every conformance case derives from: opens the
// application, sessions and scripted operations, wraps the close calls with phase lines, watches
// documented hangs, and cleans up without ever blocking the verdict. Used by the case files.
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

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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

#include "case_registry.h"
#include "case_runtime.h"
#include "check_attribution.h"
#include "miconform/handler_control.h"
#include "miconform/injection_point_table.h"
#include "miconform/mocks/callback_mocks.h"
#include "miconform/report/verdict.h"

namespace miconform::cases {

// The completion context the cases pass to asynchronous closes: its address is a value no library
// could invent.
inline int g_completion_tag = 0;

// ---- planned faults. A case *plans* a fault when it gives an injection point of the callback or
// handler layer a delay: DelayCallbackPoint with a positive delay, or a script with a positive
// delay field started through the fixture (StartEnumerate, PrepareEnumerate). A planned point
// that never fired means the run proved nothing about that fault: RunCaseChild then turns a PASS
// into NOT-EXERCISED (never any other verdict). Process-wide (one case per process), thread-safe.
void NotePlannedPoint(const std::string& point);
// The planned points, sorted.
std::vector<std::string> PlannedPoints();
// The handler-layer points a script's delay fields plan (cancel_delay_ms -> handler.before_cancel,
// operation_close_delay_ms -> handler.in_operation_close, session_close_delay_ms ->
// handler.in_session_close; only fields > 0). result_delay_ms only paces results: its point,
// handler.before_result, is reported when it fires but never planned.
std::vector<std::string> HandlerPointsPlannedBy(const MiconformScript& script);
// How often each handler-layer point fired according to the handler's records: every handler
// point of the registry is a key, with 0 when it never fired.
std::map<std::string, std::uint64_t> HandlerPointFires(
    const std::vector<MiconformOperationRecord>& operations,
    const std::vector<MiconformSessionRecord>& sessions);
// The callback-layer points that have fired (slept their delay) at least once so far.
std::set<std::string> FiredCallbackPoints();
// The planned points absent from `fired`, sorted and unique: each is written as an `unfired` line,
// and the runner's verdict rule (report.h, CaseVerdictOfFacts) turns a PASS into NOT-EXERCISED.
std::vector<std::string> UnfiredPlannedPoints(const std::vector<std::string>& planned,
                                              const std::set<std::string>& fired);

// ---- harness errors: the case itself is wrong (e.g. names an injection point that does not
// exist). Written as a `harness-error` line: the case's verdict becomes ERROR whatever else
// happened. Thread-safe.
void NoteHarnessError(const std::string& text);

// "MI_RESULT_OK", ..., or "MI_Result(<n>) (not a valid MI_Result)".
std::string ResultName(int result);

// ---- judging helpers shared by the case files.
// The pages name no success code for a close, only a value of the MI_Result enumeration: that is
// judged (as `requirement`), and any code other than MI_RESULT_OK is observed. True when the call
// returned MI_RESULT_OK, which the checks that assume a finished close depend on.
bool CheckResult(const char* requirement, const std::string& call, int result);
// A running operation of a closed session delivered no final result. The provider tells which
// sentence broke: an operation it saw cancelled or closed was let go of by the client, so its
// final result was lost (SC-REM-2); when it saw none, the close did not cancel (SC-REM-1).
const char* MissedFinalRequirement(const ScriptedBackend& backend);
// The provider's operations it saw cancelled, and those it saw closed without a cancel, as text.
// Whether a cancel reaches the provider is open (the client may just disconnect): observed only.
std::string ProviderSaw(const ScriptedBackend& backend);
// The provider had not seen `operations` operations start within `waited`: the close is made on
// operations that may not have reached it. No page says when an operation reaches the provider,
// so this is only observed.
void ObserveNotStarted(int operations, std::chrono::milliseconds waited);

// gmock matcher: the argument is a value of the MI_Result enumeration.
MATCHER(IsValidResult, "is a valid MI_Result") { return MI_Result_IsValid(static_cast<int>(arg)); }

// A one-shot flag with a condition wait, shareable with helper threads.
class Signal {
 public:
  void Set();
  bool IsSet() const;
  // False on timeout, or at once when the target provably went quiet without it; a target stuck
  // in a call of the suite makes it wait on for the watchdog (harness_wait.h) unless
  // `defer_stuck_to_watchdog` is false, when it returns false at once.
  bool WaitFor(std::chrono::milliseconds timeout, bool defer_stuck_to_watchdog = true) const;
  // A plain timed wait that never consults the stall oracle.
  bool PollFor(std::chrono::milliseconds timeout) const;
  void Wait() const;                                      // unbounded

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  bool set_ = false;
};

class CaseFixture : public testing::Test {
 public:
  // What the runner does around the case besides running it (case_registry.h): nothing for a
  // plain case. A fixture whose cases are races or measure the heap declares its own.
  static constexpr CaseTraits kTraits{};

  // The bound for "eventually" (--eventually): only reached when the target is failing and does
  // not go provably quiet first.
  static std::chrono::milliseconds Eventually();
  // How long a case waits for the target to go provably quiet (--settle).
  static std::chrono::milliseconds Settle();

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
    bool synchronous = false;                 // started with NULL callbacks (pull)
    OperationKind kind = OperationKind::kEnumerateInstances;  // which pull function it takes
    MI_OperationCallbacks callbacks{};        // what the library was handed (kept alive)
    const mocks::MockOperationCallbacks* mock = nullptr;  // whose callbacks those are
    std::atomic<bool> close_called{false};
    std::atomic<bool> final_pulled{false};    // synchronous: the pull saw moreResults MI_FALSE
  };

 protected:
  void SetUp() override;
  void TearDown() override;

  Target& target() const { return *runtime_->target; }
  ScriptedBackend& backend() const { return *runtime_->backend; }
  std::chrono::milliseconds observe() const {
    return std::chrono::milliseconds(runtime_->observe_ms);
  }

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
  void StartEnumerate(SessionSlot* session, OperationSlot* operation,
                      const MiconformScript& script, mocks::MockOperationCallbacks* mock,
                      MI_Uint32 flags = 0);
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
  MI_Result CloseApplication();
  // MI_Application_Initialize once more, after this case's MI_Application_Close returned: the
  // application handle is filled anew, and the cleanup closes it. What the entry point returned.
  MI_Result InitializeApplicationAgain();
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

  // ---- expectations on an asynchronous operation mock: any number of non-final results with
  // this context, then exactly one final result (moreResults MI_FALSE, a valid MI_Result) after
  // which `on_final` runs (e.g. closing the handle). Results with manual acknowledgement are
  // acknowledged when `acknowledge` is set.
  // With `sequence`, the final result is part of it (e.g. before a completion callback).
  void ExpectResultsThenFinal(mocks::MockOperationCallbacks& mock,
                              std::function<void(MI_Operation*)> on_final, bool acknowledge = false,
                              testing::Sequence* sequence = nullptr);

  // ---- documented hangs
  // Arms the watchdog, runs `call_fn` on a helper thread and watches it until it returns (a
  // DEVIATION for `requirement_id`), until the process is provably quiet with the helper blocked
  // in `call` (the documented hang, proven; stalled in another call, it is left to the watchdog,
  // which judges it HANG), or for observe() (the hang, by that window). Blocked: the documented
  // hang is noted, the watchdog disarmed, `release` run, and the call awaited without bound (a
  // hang there is a HANG). Returns true when the hang was observed and released.
  bool ExpectDocumentedHang(const std::string& requirement_id, const std::string& call,
                            std::function<void()> call_fn, std::function<void()> release);

  // A call started on a helper thread (StartWatched), watched by the test thread (Watch): did it
  // return, is it provably blocked in `call` (or, unproven, still blocked after observe()), or is
  // the process provably stuck somewhere else? The handle outlives the fixture.
  struct WatchedCall {
    std::string call;
    Signal returned;
    std::atomic<pid_t> thread{0};
  };
  enum class Watched { kReturned, kBlocked, kStuckElsewhere };
  // Runs `call_fn` (which makes `call` with its phase lines) on a detached helper thread.
  static std::shared_ptr<WatchedCall> StartWatched(const std::string& call,
                                                   std::function<void()> call_fn);
  // Watches until one of the outcomes above; *how says how it was decided.
  Watched Watch(WatchedCall& watched, std::string* how);
  // Runs `fn` on a helper thread; true when it returned within `limit`. A call still blocked is
  // abandoned (the thread is detached; `fn` must only capture what outlives the process).
  // With `defer_stuck_to_watchdog` false (the cleanup), a call provably stuck is abandoned at
  // once instead of being left to the watchdog.
  static bool RunBounded(std::function<void()> fn, std::chrono::milliseconds limit,
                         bool defer_stuck_to_watchdog = true);
  // Waits until the target is provably quiet (every thread but the harness's waiting ones parked
  // for good), at most Settle(); true when it is. Cases call it before judging that nothing more
  // happens.
  static bool SettleQuiet();

  // ---- callback-layer delays: injection points inside the suite's own callbacks. A case sets a
  // delay for a named point (before starting what calls back); the case's callbacks call
  // AtCallbackPoint(point) where the point is, which then sleeps the delay and writes
  // `fired <point>` on the phase channel each time. Points without a delay cost nothing and
  // write nothing. Settings are process-wide (one case per process) and thread-safe; the static
  // members may be called from any callback on any thread.
  // The names are exactly the callback-layer lines of the point registry
  // (injection_point_table.h), in table order.
#define MICONFORM_CASES_CALLBACK_POINT(layer, ident, description) \
  MICONFORM_CASES_CALLBACK_POINT_##layer(ident)
#define MICONFORM_CASES_CALLBACK_POINT_callback(ident) "callback." #ident,
#define MICONFORM_CASES_CALLBACK_POINT_handler(ident)
#define MICONFORM_CASES_CALLBACK_POINT_interposer(ident)
  static constexpr const char* kCallbackPoints[] = {
      MICONFORM_INJECTION_POINT_TABLE(MICONFORM_CASES_CALLBACK_POINT)};
#undef MICONFORM_CASES_CALLBACK_POINT_interposer
#undef MICONFORM_CASES_CALLBACK_POINT_handler
#undef MICONFORM_CASES_CALLBACK_POINT_callback
#undef MICONFORM_CASES_CALLBACK_POINT
  static bool IsCallbackPoint(const std::string& point);
  // Sets (0 ms: removes) the delay of `point`. A positive delay plans the point (see "planned
  // faults" above). An unknown name is a harness error (NoteHarnessError: the verdict is ERROR).
  void DelayCallbackPoint(const std::string& point, std::chrono::milliseconds delay);
  static void AtCallbackPoint(const char* point);
  // How often `point` has fired (slept its delay) so far.
  static int CallbackPointFires(const std::string& point);
  // Calls `ack(operation)` between the points callback.before_ack and callback.after_ack and
  // returns its result; a NULL `ack` is not called (MI_RESULT_OK).
  static MI_Result AcknowledgeResult(MI_ResultAcknowledgement ack, MI_Operation* operation);

  // The watchdog's armed window, for documented hangs a case arranges itself.
  static void Arm(const std::string& requirement_id, const std::string& call);
  static void Disarm();
  static void Trace(const std::string& text);
  static void Phase(const std::string& text);

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

// case_fixture.cc - the conformance-case fixture: handles, phase-wrapped calls, documented-hang
// watching and bounded cleanup (case_fixture.h).
#include "case_fixture.h"

#include "check_attribution.h"

#include <algorithm>
#include <map>
#include <thread>

#include "phase_channel.h"
#include "stall_oracle.h"
#include "timing.h"

namespace miconform::cases {
namespace {

using testing::_;

constexpr std::chrono::milliseconds kCleanupLimit{3000};
constexpr std::chrono::milliseconds kUnbindLimit{500};

watchdog::PhaseChannel& Channel() { return watchdog::PhaseChannel::Get(); }

}  // namespace

// ---- Signal ------------------------------------------------------------------------------------

void Signal::Set() {
  std::lock_guard<std::mutex> lock(mutex_);
  set_ = true;
  changed_.notify_all();
}
bool Signal::IsSet() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return set_;
}
bool Signal::WaitFor(std::chrono::milliseconds timeout, bool defer_stuck_to_watchdog) const {
  std::unique_lock<std::mutex> lock(mutex_);
  return mocks::HarnessWait(changed_, lock, timeout, [&] { return set_; }, "a signal of the case",
                            defer_stuck_to_watchdog);
}
bool Signal::PollFor(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return set_; });
}
void Signal::Wait() const {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return set_; });
}

// ---- setup and teardown ------------------------------------------------------------------------

void CaseFixture::SetUp() {
  runtime_ = GetCaseRuntime();
  if (runtime_ == nullptr || runtime_->target == nullptr || runtime_->backend == nullptr) {
    runtime_ = nullptr;
    GTEST_FAIL() << "no target installed: conformance cases run only inside `miconform __case`";
  }
  handles_ = new Handles();  // never freed: see Handles
  handles_->target = runtime_->target;
  mocks::CallbackTrace::Get().SetSink(
      [](const std::string& text) { Channel().Trace("callback " + text); });

  Phase("entered MI_Application_Initialize");
  const MI_Result result = target().InitializeApplication(&handles_->application, nullptr);
  Phase("returned MI_Application_Initialize (" + ResultName(result) + ")");
  if (result == MI_RESULT_NOT_SUPPORTED) {
    GTEST_SKIP() << "the target's MI_Application_InitializeV1 reports MI_RESULT_NOT_SUPPORTED";
  }
  if (result != MI_RESULT_OK) {
    // Not a sentence of the close contract: the case cannot be judged.
    NoteInconclusive("MI_Application_InitializeV1 failed: " + ResultName(result) +
                     "; nothing of the close contract could be judged");
    GTEST_SKIP() << "MI_Application_InitializeV1 failed";
  }
  handles_->application_open = true;
}

void CaseFixture::TearDown() {
  if (runtime_ == nullptr) return;
  Phase("cleanup");
  Handles* handles = handles_;
  if (!RunBounded([handles] { Cleanup(handles); }, kCleanupLimit,
                  /*defer_stuck_to_watchdog=*/false)) {
    Trace("cleanup did not finish within " + std::to_string(kCleanupLimit.count()) +
          " ms (or was provably stuck) and was abandoned (not part of the verdict)");
  }
  // "Exactly once" and "nothing after" are judged once the target has provably gone quiet (or
  // Settle() has passed), not over a fixed quiet window.
  if (!SettleQuiet()) {
    Trace("the target did not go provably quiet within " + std::to_string(Settle().count()) +
          " ms; the checks below judge what arrived until then");
  }

  // Checks every case makes of every operation: one final result at most, nothing after it, and
  // no callback with a context the suite never handed out.
  for (auto& mock : operation_mocks_) {
    EXPECT_LE(mock->FinalResults(), 1)
        << Judges("OI-FINAL-1")
        << "an operation delivered more than one final result (moreResults MI_FALSE)";
    EXPECT_EQ(mock->CallsAfterFinal(), 0)
        << Judges("OI-FINAL-1") << "an operation callback ran after the operation's final result";
  }
  for (const mocks::TraceEntry& entry : mocks::CallbackTrace::Get().Entries()) {
    if (entry.callback.rfind("stray:", 0) != 0) continue;
    // The completion hands back the close's context (SC-PARAM-CTX-1); an operation callback the
    // context its operation was started with (the callbacks of OI-FINAL-1).
    ADD_FAILURE() << Judges(entry.callback == "stray:completion" ? "SC-PARAM-CTX-1" : "OI-FINAL-1")
                  << "a callback (" << entry.callback.substr(6)
                  << ") arrived with a context pointer the suite never passed";
  }
  for (auto& mock : completion_mocks_) {
    JudgeCloseEnd("the completion callback of MI_Session_Close was entered",
                  mock->OperationCallbacksRunningAtEntry());
  }

  for (auto& mock : operation_mocks_) {
    testing::Mock::VerifyAndClearExpectations(mock.get());
    if (!mock->Unbind(kUnbindLimit)) (void)mock.release();  // a callback is stuck inside: keep it
  }
  for (auto& mock : completion_mocks_) {
    testing::Mock::VerifyAndClearExpectations(mock.get());
    if (!mock->Unbind(kUnbindLimit)) (void)mock.release();
  }
  Phase("cleanup done");
}

void CaseFixture::Cleanup(Handles* handles) {
  Target& target = *handles->target;
  std::vector<OperationSlot*> operations;
  std::vector<SessionSlot*> sessions;
  {
    std::lock_guard<std::mutex> lock(handles->mutex);
    for (auto& operation : handles->operations) operations.push_back(operation.get());
    for (auto& session : handles->sessions) sessions.push_back(session.get());
  }
  for (OperationSlot* operation : operations) {
    if (operation->close_called.exchange(true)) continue;
    target.CancelOperation(&operation->handle, MI_REASON_NONE);
    if (operation->synchronous && !operation->final_pulled) {
      // A synchronous close depends on the final result having been pulled.
      for (int pulls = 0; pulls < 100000; ++pulls) {
        MI_Boolean more = MI_FALSE;
        MI_Result result = MI_RESULT_OK;
        const MI_Char* message = nullptr;
        const MI_Result pulled =
            target.PullResult(operation->kind, &operation->handle, &more, &result, &message);
        if (pulled != MI_RESULT_OK || !more) break;
      }
    }
    target.CloseOperation(&operation->handle);
  }
  for (SessionSlot* session : sessions) {
    if (session->close_called.exchange(true)) continue;
    target.CloseSession(&session->handle, nullptr, nullptr);
  }
  if (handles->application_open && !handles->application_close_called.exchange(true)) {
    target.CloseApplication(&handles->application);
  }
}

// ---- handles -----------------------------------------------------------------------------------

CaseFixture::SessionSlot* CaseFixture::OpenSession() {
  auto slot = std::make_unique<SessionSlot>();
  Phase("entered MI_Application_NewSession");
  const MI_Result result = target().NewSession(&handles_->application, nullptr, &slot->handle);
  Phase("returned MI_Application_NewSession (" + ResultName(result) + ")");
  if (result == MI_RESULT_NOT_SUPPORTED) {
    const std::string protocol = target().Protocol();
    [&] { GTEST_SKIP() << "the target reports MI_RESULT_NOT_SUPPORTED for a session on protocol "
                       << protocol; }();
    return nullptr;
  }
  // A session that cannot be opened is not a sentence of the close contract: the case cannot
  // be judged.
  if (result != MI_RESULT_OK) {
    NoteInconclusive("MI_Application_NewSession on protocol " + target().Protocol() +
                     " failed: " + ResultName(result) + "; no session to close");
    [] { GTEST_SKIP() << "no session could be opened"; }();
    return nullptr;
  }
  if (slot->handle.ft == nullptr) {
    NoteInconclusive("MI_Application_NewSession returned MI_RESULT_OK with a NULL table");
    [] { GTEST_SKIP() << "no usable session"; }();
    return nullptr;
  }
  std::lock_guard<std::mutex> lock(handles_->mutex);
  handles_->sessions.push_back(std::move(slot));
  return handles_->sessions.back().get();
}

MiconformScript CaseFixture::Script() const { return backend().ScriptDefaults(); }

MiconformScript CaseFixture::RunningScript(std::uint32_t result_delay_ms) const {
  MiconformScript script = Script();
  script.results = 0;
  script.until_cancelled = 1;
  script.result_delay_ms = result_delay_ms;
  return script;
}

CaseFixture::OperationSlot* CaseFixture::NewOperation() {
  std::lock_guard<std::mutex> lock(handles_->mutex);
  handles_->operations.push_back(std::make_unique<OperationSlot>());
  return handles_->operations.back().get();
}

void CaseFixture::StartEnumerate(SessionSlot* session, OperationSlot* operation,
                                 const MiconformScript& script,
                                 mocks::MockOperationCallbacks* mock, MI_Uint32 flags) {
  operation->synchronous = mock == nullptr;
  operation->mock = mock;
  if (mock != nullptr) mock->Fill(&operation->callbacks);
  for (const std::string& point : HandlerPointsPlannedBy(script)) NotePlannedPoint(point);
  const MiconformScript defaults = backend().ScriptDefaults();
  const std::string class_name = InlineScript(script, &defaults);
  Phase("entered MI_Session_EnumerateInstances " + class_name);
  target().EnumerateInstances(&session->handle, flags, class_name.c_str(),
                              mock != nullptr ? &operation->callbacks : nullptr,
                              &operation->handle);
  Phase("returned MI_Session_EnumerateInstances");
  NoteStartedBeforeClose(session, operation);
}

CaseFixture::OperationSlot* CaseFixture::StartEnumerate(SessionSlot* session,
                                                        const MiconformScript& script,
                                                        mocks::MockOperationCallbacks* mock,
                                                        MI_Uint32 flags) {
  OperationSlot* operation = NewOperation();
  StartEnumerate(session, operation, script, mock, flags);
  return operation;
}

std::string CaseFixture::PrepareEnumerate(OperationSlot* operation, const MiconformScript& script,
                                          mocks::MockOperationCallbacks* mock) {
  operation->synchronous = mock == nullptr;
  operation->mock = mock;
  if (mock != nullptr) mock->Fill(&operation->callbacks);
  for (const std::string& point : HandlerPointsPlannedBy(script)) NotePlannedPoint(point);
  const MiconformScript defaults = backend().ScriptDefaults();
  return InlineScript(script, &defaults);
}

void CaseFixture::StartPrepared(SessionSlot* session, OperationSlot* operation,
                                const std::string& class_name, MI_Uint32 flags) {
  Phase("entered MI_Session_EnumerateInstances " + class_name);
  TheTarget().EnumerateInstances(&session->handle, flags, class_name.c_str(),
                                 operation->synchronous ? nullptr : &operation->callbacks,
                                 &operation->handle);
  Phase("returned MI_Session_EnumerateInstances");
  NoteStartedBeforeClose(session, operation);
}

void CaseFixture::NoteStartedBeforeClose(SessionSlot* session, OperationSlot* operation) {
  // An operation whose start returned before the session's close was called is one of the
  // session's running operations when the close begins; one started while the close is under way
  // races it, and the pages say nothing of when its callbacks may run.
  if (operation->mock != nullptr && !session->close_called.load()) {
    session->AddOperationMock(operation->mock);
  }
}

CaseFixture::OperationSlot* CaseFixture::StartClosingOnFinal(SessionSlot* session,
                                                             const MiconformScript& script,
                                                             mocks::MockOperationCallbacks& mock,
                                                             MI_Uint32 flags,
                                                             testing::Sequence* sequence) {
  OperationSlot* operation = NewOperation();
  const bool manual = (flags & MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS) != 0;
  ExpectResultsThenFinal(
      mock, [operation](MI_Operation*) { CloseOperation(operation); }, manual, sequence);
  StartEnumerate(session, operation, script, &mock, flags);
  return operation;
}

mocks::MockOperationCallbacks& CaseFixture::NewOperationMock() {
  operation_mocks_.push_back(std::make_unique<testing::NiceMock<mocks::MockOperationCallbacks>>());
  return *operation_mocks_.back();
}

mocks::MockSessionCloseCompletion& CaseFixture::NewCompletionMock(void* context) {
  completion_mocks_.push_back(std::make_unique<mocks::MockSessionCloseCompletion>(context));
  return *completion_mocks_.back();
}

// ---- calls -------------------------------------------------------------------------------------

Target& CaseFixture::TheTarget() { return *GetCaseRuntime()->target; }

std::chrono::milliseconds CaseFixture::Eventually() {
  const CaseRuntime* runtime = GetCaseRuntime();
  return runtime != nullptr ? std::chrono::milliseconds(runtime->eventually_ms)
                            : watchdog::Timing{}.eventually;
}

std::chrono::milliseconds CaseFixture::Settle() {
  const CaseRuntime* runtime = GetCaseRuntime();
  return runtime != nullptr ? std::chrono::milliseconds(runtime->settle_ms)
                            : watchdog::Timing{}.settle;
}

namespace {
// Every close returns a value of the MI_Result enumeration (SC-RET-1, OCL-RET-1; the application
// close's page names no return at all, so it is only traced).
void CheckValid(const char* call, const char* requirement_id, MI_Result result) {
  if (requirement_id == nullptr) return;
  EXPECT_TRUE(MI_Result_IsValid(static_cast<int>(result)))
      << Judges(requirement_id) << call << " returned " << ResultName(static_cast<int>(result));
}
}  // namespace

MI_Result CaseFixture::CloseOperation(OperationSlot* operation) {
  if (operation->close_called.exchange(true)) {
    Trace("MI_Operation_Close already called for this operation; not called again");
    return MI_RESULT_OK;
  }
  Phase("entered MI_Operation_Close");
  const MI_Result result = TheTarget().CloseOperation(&operation->handle);
  Phase("returned MI_Operation_Close (" + ResultName(result) + ")");
  CheckValid("MI_Operation_Close", "OCL-RET-1", result);
  return result;
}

void CaseFixture::SessionSlot::AddOperationMock(const mocks::MockOperationCallbacks* mock) {
  std::lock_guard<std::mutex> lock(mutex_);
  operation_mocks_.push_back(mock);
}

int CaseFixture::SessionSlot::OperationCallbacksRunningElsewhere() const {
  std::vector<const mocks::MockOperationCallbacks*> mocks;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    mocks = operation_mocks_;
  }
  int running = 0;
  for (const mocks::MockOperationCallbacks* mock : mocks) running += mock->InsideOnOtherThreads();
  return running;
}

void CaseFixture::JudgeCloseEnd(const std::string& what, int running) {
  if (running == 0) return;
  ADD_FAILURE() << Judges("SC-PARAM-CB-5") << what << " while " << running
                << " operation callback(s) of the session were still running on another thread: "
                   "the close ended before the session's callbacks did";
}

MI_Result CaseFixture::CloseSessionSync(SessionSlot* session) {
  session->close_called = true;
  Phase("entered MI_Session_Close");
  const MI_Result result = TheTarget().CloseSession(&session->handle, nullptr, nullptr);
  // Counted before anything else: a callback still inside now is running after the return.
  const int running = result == MI_RESULT_OK ? session->OperationCallbacksRunningElsewhere() : 0;
  Phase("returned MI_Session_Close (" + ResultName(result) + ")");
  CheckValid("MI_Session_Close", "SC-RET-1", result);
  JudgeCloseEnd("the synchronous MI_Session_Close returned", running);
  return result;
}

MI_Result CaseFixture::CloseSessionAsync(SessionSlot* session, void* context,
                                         MI_SessionCloseCompletion callback) {
  session->close_called = true;
  // The completion's mock (if the case made one for this context) counts, when it is entered,
  // the session's callbacks still running elsewhere; TearDown judges what it saw.
  mocks::MockSessionCloseCompletion::SetRunningCounterFor(
      context, [session] { return session->OperationCallbacksRunningElsewhere(); });
  Phase("entered MI_Session_Close");
  const MI_Result result = TheTarget().CloseSession(&session->handle, context, callback);
  Phase("returned MI_Session_Close (" + ResultName(result) + ")");
  CheckValid("MI_Session_Close", "SC-RET-1", result);
  return result;
}

MI_Result CaseFixture::CloseApplication() {
  handles_->application_close_called = true;
  Phase("entered MI_Application_Close");
  const MI_Result result = target().CloseApplication(&handles_->application);
  Phase("returned MI_Application_Close (" + ResultName(result) + ")");
  if (!MI_Result_IsValid(static_cast<int>(result))) {
    Observe("AC-DESC-1", "MI_Application_Close returned " + ResultName(result) +
                             ", not a value of the MI_Result enumeration");
  }
  return result;
}

CaseFixture::OperationSlot* CaseFixture::StartSynchronous(SessionSlot* session, OperationKind kind,
                                                          const MiconformScript& script) {
  OperationSlot* operation = NewOperation();
  operation->synchronous = true;
  operation->kind = kind;
  for (const std::string& point : HandlerPointsPlannedBy(script)) NotePlannedPoint(point);
  const MiconformScript defaults = backend().ScriptDefaults();
  const std::string text = InlineScript(script, &defaults);
  const std::string name = OperationKindName(kind);
  Phase("entered MI_Session_" + name + " " + text);
  target().StartOperation(kind, &session->handle, 0, text.c_str(), nullptr, &operation->handle);
  Phase("returned MI_Session_" + name);
  return operation;
}

MI_Result CaseFixture::InitializeApplicationAgain() {
  handles_->application = MI_Application{};
  Phase("entered MI_Application_Initialize (again)");
  const MI_Result result = target().InitializeApplication(&handles_->application, nullptr);
  Phase("returned MI_Application_Initialize (" + ResultName(result) + ")");
  if (result == MI_RESULT_OK) {
    handles_->application_close_called = false;
    handles_->application_open = true;
  }
  return result;
}

MI_Result CaseFixture::PullResult(OperationSlot* operation, MI_Boolean* more_results,
                                  MI_Result* result) {
  const MI_Char* message = nullptr;
  *more_results = MI_TRUE;
  *result = MI_RESULT_OK;
  const MI_Result pulled =
      TheTarget().PullResult(operation->kind, &operation->handle, more_results, result, &message);
  Trace(std::string(PullFunctionName(operation->kind)) + " returned " + ResultName(pulled) +
        " moreResults=" +
        std::to_string(*more_results) + " result=" + ResultName(*result));
  if (pulled == MI_RESULT_OK && !*more_results) operation->final_pulled = true;
  return pulled;
}

std::shared_ptr<CaseFixture::PullToTheEnd> CaseFixture::StartPullToTheEnd(
    OperationSlot* operation) {
  auto pull = std::make_shared<PullToTheEnd>();
  pull->function = PullFunctionName(operation->kind);
  std::thread([operation, pull] {
    for (;;) {
      pull->pulling.Set();
      MI_Boolean more = MI_TRUE;
      MI_Result result = MI_RESULT_OK;
      const MI_Result pulled = PullResult(operation, &more, &result);
      if (pulled != MI_RESULT_OK) {
        pull->failed.store(static_cast<int>(pulled));
        break;
      }
      if (!more) {
        pull->final_result.store(static_cast<int>(result));
        break;
      }
    }
    pull->released.Set();
    pull->close_result.store(static_cast<int>(CloseOperation(operation)));
    pull->handle_closed.Set();
  }).detach();
  return pull;
}

void CaseFixture::ObservePullRelease(const PullToTheEnd& pull) {
  if (pull.failed.load() != -1) {
    Observe("OCAN-REM-4", "the blocked " + pull.function + " was released by returning " +
                              ResultName(pull.failed.load()) +
                              " (no final result with moreResults MI_FALSE was pulled)");
  } else {
    Observe("OCAN-REM-4", "the blocked " + pull.function +
                              " was released by the final result (moreResults MI_FALSE) with "
                              "result code " +
                              ResultName(pull.final_result.load()));
  }
}

bool CaseFixture::AwaitHandleClosedAfterPull(const PullToTheEnd& pull) {
  if (!pull.handle_closed.WaitFor(Eventually(), /*defer_stuck_to_watchdog=*/false)) {
    Observe("OCL-REM-1", "MI_Operation_Close, called after the pull was released, had not "
                         "returned within " + std::to_string(Eventually().count()) + " ms");
    return false;
  }
  return CheckResult("OCL-RET-1", "MI_Operation_Close (after the pull was released)",
                     pull.close_result.load());
}

void CaseFixture::ExpectResultsThenFinal(mocks::MockOperationCallbacks& mock,
                                         std::function<void(MI_Operation*)> on_final,
                                         bool acknowledge, testing::Sequence* sequence) {
  using testing::AnyNumber;
  using testing::Ne;
  void* const context = mock.context();
  MICONFORM_EXPECT_CALL("OI-FINAL-1", mock, InstanceResult(_, context, _, Ne(MI_FALSE), _, _, _, _))
      .Times(AnyNumber())
      .WillRepeatedly([acknowledge](MI_Operation* operation, void*, const MI_Instance*, MI_Boolean,
                                    MI_Result, const MI_Char*, const MI_Instance*,
                                    MI_ResultAcknowledgement ack) {
        if (acknowledge && ack != nullptr) ack(operation);
      });
  auto& final_result =
      MICONFORM_EXPECT_CALL("OI-FINAL-1", mock,
                            InstanceResult(_, context, _, MI_FALSE, IsValidResult(), _, _, _))
          .Times(1);
  if (sequence != nullptr) final_result.InSequence(*sequence);
  final_result.WillOnce([acknowledge, on_final](MI_Operation* operation, void*, const MI_Instance*,
                                        MI_Boolean, MI_Result, const MI_Char*, const MI_Instance*,
                                        MI_ResultAcknowledgement ack) {
        if (acknowledge && ack != nullptr) ack(operation);
        if (on_final) on_final(operation);
      });
}

// ---- documented hangs --------------------------------------------------------------------------

std::shared_ptr<CaseFixture::WatchedCall> CaseFixture::StartWatched(const std::string& call,
                                                                    std::function<void()> call_fn) {
  auto watched = std::make_shared<WatchedCall>();
  watched->call = call;
  std::thread([call_fn, watched] {
    watched->thread.store(CaseStallOracle::CurrentThread());
    call_fn();
    watched->returned.Set();
  }).detach();
  return watched;
}

CaseFixture::Watched CaseFixture::Watch(WatchedCall& watched, std::string* how) {
  CaseStallOracle& oracle = CaseStallOracle::Get();
  const auto start = std::chrono::steady_clock::now();
  Watched outcome = Watched::kBlocked;
  oracle.BeginWait();
  for (;;) {
    if (watched.returned.PollFor(std::chrono::milliseconds(2))) {
      outcome = Watched::kReturned;
      break;
    }
    const auto elapsed = std::chrono::steady_clock::now() - start;
    std::string why;
    if (elapsed >= std::chrono::milliseconds(5) && oracle.Quiet(&why)) {
      if (watched.returned.IsSet()) {
        outcome = Watched::kReturned;
        break;
      }
      const std::string blocked_in = oracle.InnermostCall(watched.thread.load());
      if (blocked_in != watched.call) {
        *how = "the process stopped in " +
               (blocked_in.empty() ? std::string("no call") : blocked_in) + ", not in " +
               watched.call + " (proven: " + why + ")";
        outcome = Watched::kStuckElsewhere;
        break;
      }
      *how = "proven: " + why;
      break;
    }
    if (elapsed >= observe()) {
      *how = "not returned within " + std::to_string(observe().count()) + " ms (not proven: " +
             why + ")";
      break;
    }
  }
  oracle.EndWait();
  return outcome;
}

bool CaseFixture::ExpectDocumentedHang(const std::string& requirement_id, const std::string& call,
                                       std::function<void()> call_fn,
                                       std::function<void()> release) {
  Channel().Arm(requirement_id, call);
  const std::shared_ptr<WatchedCall> watched = StartWatched(call, std::move(call_fn));
  // Watch the call until it returns (a DEVIATION), until the process is provably quiet with the
  // call blocked (the documented hang, proven), or for observe() (the hang, by this window).
  std::string how;
  switch (Watch(*watched, &how)) {
    case Watched::kReturned:
      Channel().Disarm();
      NoteDeviation(requirement_id, call + " returned although the documentation says it stops "
                                           "responding here");
      return false;
    case Watched::kStuckElsewhere:
      // Not the documented outcome. The watchdog, armed for `call`, sees every thread parked and
      // judges it (HANG in the blocked call).
      Trace(how + "; left to the watchdog");
      watched->returned.Wait();
      Channel().Disarm();
      return false;
    case Watched::kBlocked:
      break;
  }
  NoteDocumentedHang(requirement_id, call + " stopped responding, as documented (" + how +
                                         "); releasing it");
  CaseStallOracle& oracle = CaseStallOracle::Get();
  oracle.ExpectBlocked(call);
  Channel().Disarm();
  Phase("releasing " + call);
  if (release) release();
  Phase("waiting for " + call + " to return after the release");
  watched->returned.Wait();  // unbounded on purpose: the watchdog turns a hang here into HANG
  oracle.UnexpectBlocked(call);
  Trace(call + " returned after the release");
  return true;
}

bool CaseFixture::RunBounded(std::function<void()> fn, std::chrono::milliseconds limit,
                             bool defer_stuck_to_watchdog) {
  auto returned = std::make_shared<Signal>();
  std::thread([fn, returned] {
    fn();
    returned->Set();
  }).detach();
  return returned->WaitFor(limit, defer_stuck_to_watchdog);
}

bool CaseFixture::SettleQuiet() {
  CaseStallOracle& oracle = CaseStallOracle::Get();
  const auto deadline = std::chrono::steady_clock::now() + Settle();
  std::string why;
  oracle.BeginWait();
  bool quiet = false;
  while (!(quiet = oracle.Quiet(&why)) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  oracle.EndWait();
  return quiet;
}

// ---- callback-layer delays ------------------------------------------------------------------

namespace {

struct CallbackPointSetting {
  std::chrono::milliseconds delay{0};
  int fires = 0;
};

// Process-wide: a case child runs one case, and callbacks may outlive the fixture.
struct CallbackPointTable {
  std::mutex mutex;  // never held while sleeping or writing to the channel
  std::map<std::string, CallbackPointSetting> points;
};

CallbackPointTable& CallbackPoints() {
  static auto* table = new CallbackPointTable();  // never freed: callbacks may run at exit
  return *table;
}

}  // namespace

bool CaseFixture::IsCallbackPoint(const std::string& point) {
  for (const char* name : kCallbackPoints) {
    if (point == name) return true;
  }
  return false;
}

void CaseFixture::DelayCallbackPoint(const std::string& point, std::chrono::milliseconds delay) {
  if (!IsCallbackPoint(point)) {
    NoteHarnessError("\"" + point + "\" is no callback-layer injection point; the case cannot "
                     "delay it");
    return;
  }
  Trace("callback point " + point + " delays " + std::to_string(delay.count()) + " ms");
  if (delay.count() > 0) NotePlannedPoint(point);
  std::lock_guard<std::mutex> lock(CallbackPoints().mutex);
  CallbackPoints().points[point].delay = delay;
}

void CaseFixture::AtCallbackPoint(const char* point) {
  std::chrono::milliseconds delay{0};
  {
    std::lock_guard<std::mutex> lock(CallbackPoints().mutex);
    auto it = CallbackPoints().points.find(point);
    if (it == CallbackPoints().points.end() || it->second.delay.count() <= 0) return;
    delay = it->second.delay;
    ++it->second.fires;
  }
  Channel().Fired(point);
  std::this_thread::sleep_for(delay);
}

int CaseFixture::CallbackPointFires(const std::string& point) {
  std::lock_guard<std::mutex> lock(CallbackPoints().mutex);
  auto it = CallbackPoints().points.find(point);
  return it == CallbackPoints().points.end() ? 0 : it->second.fires;
}

MI_Result CaseFixture::AcknowledgeResult(MI_ResultAcknowledgement ack, MI_Operation* operation) {
  if (ack == nullptr) return MI_RESULT_OK;
  AtCallbackPoint("callback.before_ack");
  const MI_Result result = ack(operation);
  AtCallbackPoint("callback.after_ack");
  return result;
}

// ---- planned faults and harness errors --------------------------------------------------------

namespace {

struct PlannedPointSet {
  std::mutex mutex;
  std::set<std::string> points;
};

PlannedPointSet& Planned() {
  static auto* set = new PlannedPointSet();  // never freed: callbacks may run at exit
  return *set;
}

}  // namespace

void NotePlannedPoint(const std::string& point) {
  std::lock_guard<std::mutex> lock(Planned().mutex);
  Planned().points.insert(point);
}

std::vector<std::string> PlannedPoints() {
  std::lock_guard<std::mutex> lock(Planned().mutex);
  return {Planned().points.begin(), Planned().points.end()};
}

std::vector<std::string> HandlerPointsPlannedBy(const MiconformScript& script) {
  // result_delay_ms paces the results (an endless stream until cancelled, or a few spread out);
  // a cancel that comes before a pause ends is the scenario itself, so handler.before_result is
  // reported when it fires but never planned.
  std::vector<std::string> points;
  if (script.cancel_delay_ms > 0) points.emplace_back("handler.before_cancel");
  if (script.operation_close_delay_ms > 0) points.emplace_back("handler.in_operation_close");
  if (script.session_close_delay_ms > 0) points.emplace_back("handler.in_session_close");
  return points;
}

std::map<std::string, std::uint64_t> HandlerPointFires(
    const std::vector<MiconformOperationRecord>& operations,
    const std::vector<MiconformSessionRecord>& sessions) {
  std::map<std::string, std::uint64_t> fires = {{"handler.before_result", 0},
                                                {"handler.before_cancel", 0},
                                                {"handler.in_operation_close", 0},
                                                {"handler.in_session_close", 0}};
  for (const MiconformOperationRecord& record : operations) {
    fires["handler.before_result"] += record.result_delays_waited;
    fires["handler.before_cancel"] += record.cancel_delays_waited;
    fires["handler.in_operation_close"] += record.close_delays_waited;
  }
  for (const MiconformSessionRecord& record : sessions) {
    fires["handler.in_session_close"] += record.close_delays_waited;
  }
  return fires;
}

std::set<std::string> FiredCallbackPoints() {
  std::set<std::string> fired;
  std::lock_guard<std::mutex> lock(CallbackPoints().mutex);
  for (const auto& [point, setting] : CallbackPoints().points) {
    if (setting.fires > 0) fired.insert(point);
  }
  return fired;
}

std::vector<std::string> UnfiredPlannedPoints(const std::vector<std::string>& planned,
                                              const std::set<std::string>& fired) {
  std::vector<std::string> unfired;
  for (const std::string& point : planned) {
    if (fired.count(point) == 0) unfired.push_back(point);
  }
  std::sort(unfired.begin(), unfired.end());
  unfired.erase(std::unique(unfired.begin(), unfired.end()), unfired.end());
  return unfired;
}

void NoteHarnessError(const std::string& text) { Channel().HarnessError(text); }

bool CheckResult(const char* requirement, const std::string& call, int result) {
  EXPECT_THAT(result, IsValidResult())
      << Judges(requirement) << call << " returned " << ResultName(result);
  if (result == MI_RESULT_OK) return true;
  Observe(requirement, call + " returned " + ResultName(result));
  return false;
}

const char* MissedFinalRequirement(const ScriptedBackend& backend) {
  for (const MiconformOperationRecord& record : backend.OperationRecords()) {
    if (record.cancel_count > 0 || record.close_count > 0) return "SC-REM-2";
  }
  return "SC-REM-1";
}

std::string ProviderSaw(const ScriptedBackend& backend) {
  int cancelled = 0;
  int closed_only = 0;
  int operations = 0;
  for (const MiconformOperationRecord& record : backend.OperationRecords()) {
    ++operations;
    if (record.cancel_count > 0) {
      ++cancelled;
    } else if (record.close_count > 0) {
      ++closed_only;
    }
  }
  return "the provider saw " + std::to_string(cancelled) + " of its " +
         std::to_string(operations) + " operation(s) cancelled and " +
         std::to_string(closed_only) + " closed without a cancel";
}

void ObserveNotStarted(int operations, std::chrono::milliseconds waited) {
  Observe("SC-REM-1", "the provider had not seen " + std::to_string(operations) +
                          " operation(s) start within " + std::to_string(waited.count()) +
                          " ms; the session was closed all the same");
}

void CaseFixture::Arm(const std::string& requirement_id, const std::string& call) {
  Channel().Arm(requirement_id, call);
}
void CaseFixture::Disarm() { Channel().Disarm(); }
void CaseFixture::Trace(const std::string& text) { Channel().Trace(text); }
void CaseFixture::Phase(const std::string& text) {
  CaseStallOracle::Get().NotePhase(text);
  Channel().Phase(text);
}

}  // namespace miconform::cases

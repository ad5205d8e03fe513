// case_fixture.cc - the conformance-case fixture: handles, phase-wrapped calls and bounded
// cleanup (case_fixture.h).
#include "case_fixture.h"

#include <algorithm>
#include <map>
#include <thread>

#include "check_attribution.h"
#include "phase_channel.h"
#include "stall_oracle.h"

namespace miconform::cases {
namespace {

using testing::_;

constexpr std::chrono::milliseconds kCleanupLimit{3000};
constexpr std::chrono::milliseconds kUnbindLimit{500};

watchdog::PhaseChannel& Channel() { return watchdog::PhaseChannel::Get(); }

}  // namespace

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
    [&] {
      GTEST_SKIP() << "the target reports MI_RESULT_NOT_SUPPORTED for a session on protocol "
                   << protocol;
    }();
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
                                 const MiconformScript& script, mocks::MockOperationCallbacks* mock,
                                 MI_Uint32 flags) {
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

mocks::MockSessionCloseCompletion* CaseFixture::CloseSessionWithCompletion(SessionSlot* session) {
  auto& completion = NewCompletionMock(&g_completion_tag);
  MICONFORM_EXPECT_CALL("SC-PARAM-CB-1", completion, Completed(testing::Eq(&g_completion_tag)))
      .Times(testing::AtMost(1));
  const MI_Result closed = CloseSessionAsync(session, &g_completion_tag, completion.Callback());
  return CheckResult("SC-RET-1", "MI_Session_Close", closed) ? &completion : nullptr;
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

std::string CaseFixture::ScriptFor(OperationKind kind, const MiconformScript& script) {
  if (kind == OperationKind::kTestConnection) {
    // TestConnection carries no name a script could travel in: the handler runs its default
    // script, which this case process sets to the same script.
    backend().SetDefaultScript(script);
  }
  const MiconformScript defaults = backend().ScriptDefaults();
  return InlineScript(script, &defaults);
}

CaseFixture::OperationSlot* CaseFixture::StartSynchronous(SessionSlot* session, OperationKind kind,
                                                          const MiconformScript& script) {
  OperationSlot* operation = NewOperation();
  operation->synchronous = true;
  operation->kind = kind;
  for (const std::string& point : HandlerPointsPlannedBy(script)) NotePlannedPoint(point);
  const std::string text = ScriptFor(kind, script);
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
        " moreResults=" + std::to_string(*more_results) + " result=" + ResultName(*result));
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
    Observe("OCL-REM-1",
            "MI_Operation_Close, called after the pull was released, had not "
            "returned within " +
                std::to_string(Eventually().count()) + " ms");
    return false;
  }
  return CheckResult("OCL-RET-1", "MI_Operation_Close (after the pull was released)",
                     pull.close_result.load());
}

MI_Result CaseFixture::CancelThroughStartHandle(OperationSlot* operation) {
  Phase("entered MI_Operation_Cancel (the handle the start returned)");
  const MI_Result result = TheTarget().CancelOperation(&operation->handle, MI_REASON_NONE);
  Phase("returned MI_Operation_Cancel (" + ResultName(result) + ")");
  return result;
}

MI_Result CaseFixture::CloseThroughStartHandle(OperationSlot* operation) {
  Phase("entered MI_Operation_Close (the handle the start returned)");
  const MI_Result result = TheTarget().CloseOperation(&operation->handle);
  Phase("returned MI_Operation_Close (" + ResultName(result) + ")");
  return result;
}

void CaseFixture::JudgeCloseAfterCallbackHandleClose(
    OperationSlot* operation, const mocks::MockSessionCloseCompletion& completion,
    const std::string& where) {
  // A second close of a handle the first close may have closed: made only once the session's
  // close has failed to complete, and said first, so that a library that crashes on it shows why.
  Trace(
      "the session's close did not complete: MI_Operation_Close once more, through the handle "
      "the start returned, tells OCL-PARAM-1 from SC-DESC-1");
  const MI_Result again = CloseThroughStartHandle(operation);
  if (again == MI_RESULT_OK && completion.WaitReturned(1, Eventually())) {
    ADD_FAILURE() << Judges("OCL-PARAM-1") << "MI_Operation_Close through the handle passed into "
                  << where << " returned MI_RESULT_OK but left the handle open: the session "
                  << "close completed only after the same close through the handle the start "
                     "returned";
    return;
  }
  ADD_FAILURE() << Judges("SC-DESC-1") << "the session close did not complete within "
                << Eventually().count() << " ms although its operation handle was closed (through "
                << "the handle passed into " << where << "; the same close through the handle "
                << "the start returned gave " << ResultName(again) << ")";
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
                                                MI_Boolean, MI_Result, const MI_Char*,
                                                const MI_Instance*, MI_ResultAcknowledgement ack) {
    if (acknowledge && ack != nullptr) ack(operation);
    if (on_final) on_final(operation);
  });
}

}  // namespace miconform::cases

// operation_kind_cases.cc - the session close's cancel for every operation kind of the session
// table (MI-ABI.md, slots 2-14), one generated case per kind: a running operation of that kind is
// cancelled by the close, delivers exactly one final result through its kind's callback
// (instanceResult; classResult for GetClass and EnumerateClasses; indicationResult for
// Subscribe), and the close completes. A kind the target does not run is NOT-SUPPORTED for that
// kind only.
#include <atomic>
#include <cctype>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "case_fixture.h"
#include "case_registry.h"

namespace miconform::cases {
namespace {

using testing::_;
using testing::AnyNumber;
using testing::AtMost;
using testing::Eq;
using testing::Ne;

enum class ResultCallbackKind { kInstance, kClass, kIndication };

ResultCallbackKind ResultCallbackOf(OperationKind kind) {
  switch (kind) {
    case OperationKind::kGetClass:
    case OperationKind::kEnumerateClasses: return ResultCallbackKind::kClass;
    case OperationKind::kSubscribe: return ResultCallbackKind::kIndication;
    default: return ResultCallbackKind::kInstance;
  }
}

const char* ResultCallbackName(ResultCallbackKind callback) {
  switch (callback) {
    case ResultCallbackKind::kClass: return "classResult";
    case ResultCallbackKind::kIndication: return "indicationResult";
    case ResultCallbackKind::kInstance: break;
  }
  return "instanceResult";
}

// The instance result callback page names "Get, Modify, Create, Delete, Enumerate and Invoke
// operations"; the associator, reference and query operations enumerate instances too.
// TestConnection is not named, and its final result is judged under SC-REM-2 alone.
bool InstanceCallbackPageNames(OperationKind kind) {
  return ResultCallbackOf(kind) == ResultCallbackKind::kInstance &&
         kind != OperationKind::kTestConnection;
}

// The requirement a final result of this kind is judged under: the instance callback's own page
// where it names the kind, else the close's cancel sentence.
const char* FinalRequirement(OperationKind kind) {
  return InstanceCallbackPageNames(kind) ? "OI-FINAL-1" : "SC-REM-2";
}

class OperationKindCase : public CaseFixture {
 public:
  explicit OperationKindCase(OperationKind kind) : kind_(kind) {}
  void TestBody() override;

 private:
  // What the final result said.
  struct Final {
    std::atomic<int> code{-1};
  };
  // Any number of non-final results, then exactly one final one (moreResults MI_FALSE, a valid
  // MI_Result), through the kind's result callback; the final one closes the handle from inside
  // the callback, as the handle passed into it may (OCL-PARAM-1).
  void ExpectKindResults(mocks::MockOperationCallbacks& mock, OperationSlot* operation,
                         std::shared_ptr<Final> final_result);

  OperationKind kind_;
};

void OperationKindCase::ExpectKindResults(mocks::MockOperationCallbacks& mock,
                                          OperationSlot* operation,
                                          std::shared_ptr<Final> final_result) {
  void* const context = mock.context();
  const char* judged = FinalRequirement(kind_);
  auto on_final = [operation, final_result](MI_Result code) {
    final_result->code = static_cast<int>(code);
    CloseOperation(operation);
  };
  switch (ResultCallbackOf(kind_)) {
    case ResultCallbackKind::kInstance:
      MICONFORM_EXPECT_CALL(judged, mock, InstanceResult(_, context, _, Ne(MI_FALSE), _, _, _, _))
          .Times(AnyNumber());
      MICONFORM_EXPECT_CALL(judged, mock,
                            InstanceResult(_, context, _, MI_FALSE, IsValidResult(), _, _, _))
          .Times(1)
          .WillOnce([on_final](MI_Operation*, void*, const MI_Instance*, MI_Boolean, MI_Result code,
                               const MI_Char*, const MI_Instance*,
                               MI_ResultAcknowledgement) { on_final(code); });
      return;
    case ResultCallbackKind::kClass:
      MICONFORM_EXPECT_CALL(judged, mock, ClassResult(_, context, _, Ne(MI_FALSE), _, _, _, _))
          .Times(AnyNumber());
      MICONFORM_EXPECT_CALL(judged, mock,
                            ClassResult(_, context, _, MI_FALSE, IsValidResult(), _, _, _))
          .Times(1)
          .WillOnce([on_final](MI_Operation*, void*, const MI_Class*, MI_Boolean, MI_Result code,
                               const MI_Char*, const MI_Instance*,
                               MI_ResultAcknowledgement) { on_final(code); });
      return;
    case ResultCallbackKind::kIndication:
      MICONFORM_EXPECT_CALL(judged, mock,
                            IndicationResult(_, context, _, _, _, Ne(MI_FALSE), _, _, _, _))
          .Times(AnyNumber());
      MICONFORM_EXPECT_CALL(
          judged, mock, IndicationResult(_, context, _, _, _, MI_FALSE, IsValidResult(), _, _, _))
          .Times(1)
          .WillOnce([on_final](MI_Operation*, void*, const MI_Instance*, const MI_Char*,
                               const MI_Char*, MI_Boolean, MI_Result code, const MI_Char*,
                               const MI_Instance*, MI_ResultAcknowledgement) { on_final(code); });
      return;
  }
}

void OperationKindCase::TestBody() {
  const std::string name = OperationKindName(kind_);
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  auto& mock = NewOperationMock();
  OperationSlot* operation = NewOperation();
  operation->mock = &mock;
  unsigned which =
      mocks::MockOperationCallbacks::kWriteMessage | mocks::MockOperationCallbacks::kWriteProgress;
  switch (ResultCallbackOf(kind_)) {
    case ResultCallbackKind::kInstance:
      which |= mocks::MockOperationCallbacks::kInstanceResult;
      break;
    case ResultCallbackKind::kClass: which |= mocks::MockOperationCallbacks::kClassResult; break;
    case ResultCallbackKind::kIndication:
      which |= mocks::MockOperationCallbacks::kIndicationResult;
      break;
  }
  mock.Fill(&operation->callbacks, which);
  auto final_result = std::make_shared<Final>();
  ExpectKindResults(mock, operation, final_result);

  // Runs until cancelled: a result every 10 ms meanwhile, never a final result of its own.
  const std::string script = ScriptFor(kind_, RunningScript(10));
  Phase("entered MI_Session_" + name + " " + script);
  target().StartOperation(kind_, &session->handle, 0, script.c_str(), &operation->callbacks,
                          &operation->handle);
  Phase("returned MI_Session_" + name);
  NoteStartedBeforeClose(session, operation);

  // No page says when an operation reaches the provider, nor that a result must come before the
  // operation ends: the close is made once the provider saw it start, or the operation ended, or
  // Eventually() passed (observed).
  const auto deadline = std::chrono::steady_clock::now() + Eventually();
  bool started = false;
  while (!(started = backend().WaitStarted(1, 10)) && mock.FinalResults() == 0 &&
         std::chrono::steady_clock::now() < deadline) {
  }
  if (!started && mock.FinalResults() == 0) ObserveNotStarted(1, Eventually());
  if (mock.FinalResults() > 0) {
    // It ended before any close: nothing is left for the close to cancel. The final result came
    // through the right callback (the expectations above), so the case ends here.
    mock.WaitFinalResults(1, Eventually());
    const int code = final_result->code.load();
    if (code == MI_RESULT_NOT_SUPPORTED) {
      GTEST_SKIP() << "the target reports MI_RESULT_NOT_SUPPORTED for " << name;
    }
    GTEST_SKIP() << name << " ended with " << ResultName(code)
                 << " before the session close, so the close had no running operation of this "
                    "kind to cancel (the suite passes no instance to the slots that take one)";
  }

  const auto* completion = CloseSessionWithCompletion(session);
  if (completion == nullptr) return;
  if (!mock.WaitFinalResults(1, Eventually())) {
    // Its handle is closed by the final result, which never came: with the handle open the
    // completion is withheld as documented (SC-REM-3), so it is not judged.
    ADD_FAILURE() << Judges(MissedFinalRequirement(backend())) << "the running " << name
                  << " operation delivered no final result through "
                  << ResultCallbackName(ResultCallbackOf(kind_)) << " after the session close ("
                  << ProviderSaw(backend()) << ")";
    return;
  }
  EXPECT_TRUE(completion->WaitReturned(1, Eventually()))
      << Judges("SC-PARAM-CB-1") << "the completion callback was not called within "
      << Eventually().count() << " ms";
  // Not all cancels get through to the provider ("enumerations can, invoke cannot").
  Observe("OCAN-REM-6", name + ": " + ProviderSaw(backend()));
}

std::vector<std::string> KindRequirements(OperationKind kind) {
  std::vector<std::string> ids = {"SC-REM-1", "SC-REM-2", "SC-PARAM-CB-1", "SC-RET-1"};
  if (InstanceCallbackPageNames(kind)) ids.push_back("OI-FINAL-1");
  return ids;
}

std::string KindSummary(OperationKind kind) {
  const std::string name = OperationKindName(kind);
  return "A session close with a completion callback cancels a running " + name +
         " operation: exactly one final result comes through " +
         ResultCallbackName(ResultCallbackOf(kind)) +
         ", then the completion runs. NOT-SUPPORTED when the target does not run " + name + ".";
}

std::vector<CaseRow<OperationKind>> KindRows() {
  std::vector<CaseRow<OperationKind>> rows;
  for (OperationKind kind : kOperationKinds) {
    rows.push_back({"session_close.cancel.kind." + OperationKindId(kind), KindSummary(kind),
                    KindRequirements(kind), kind});
  }
  return rows;
}

MICONFORM_CASE_FAMILY(OperationKindCase, KindRows());

}  // namespace
}  // namespace miconform::cases

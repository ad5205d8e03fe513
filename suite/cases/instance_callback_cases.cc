// instance_callback_cases.cc - conformance cases for the instance result callback's parameters
// (related/MI_OperationCallback_Instance.md): one call per available result, and a last call that
// has moreResults MI_FALSE and carries the operation's result code; the parameters stay valid
// until the acknowledgement (or until the callback returns, with automatic acknowledgement). What
// the page leaves open (the error string and details of a failed final result, whether every call
// gets the same operation handle, a NULL acknowledgement function under automatic
// acknowledgement) is observed.
#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "case_fixture.h"

namespace miconform::cases {
namespace {

using InstanceCallback = CaseFixture;

using testing::_;
using testing::AnyNumber;
using testing::Eq;
using testing::Ne;

// What the instance callback was handed, call by call (any thread).
struct InstanceCalls {
  std::mutex mutex;
  int calls = 0;
  int instances = 0;  // calls whose instance was not NULL
  int nonfinal_without_instance = 0;
  std::set<const MI_Operation*> handles;
  int null_acknowledgements = 0;  // under automatic acknowledgement
  int final_code = -1;
  bool final_error_string = false;
  bool final_error_details = false;

  void Note(const MI_Operation* operation, const MI_Instance* instance, MI_Boolean more,
            MI_Result code, const MI_Char* error, const MI_Instance* details,
            MI_ResultAcknowledgement acknowledge) {
    std::lock_guard<std::mutex> lock(mutex);
    ++calls;
    if (instance != nullptr) ++instances;
    if (instance == nullptr && more != MI_FALSE) ++nonfinal_without_instance;
    handles.insert(operation);
    if (acknowledge == nullptr) ++null_acknowledgements;
    if (more == MI_FALSE) {
      final_code = static_cast<int>(code);
      final_error_string = error != nullptr;
      final_error_details = details != nullptr;
    }
  }
};

constexpr MI_Uint32 kResults = 3;

MICONFORM_CASE(InstanceCallback, FinalCarriesResultCode,
               "instance_callback.final_carries_result_code",
               "An enumeration whose provider sends 3 instances and then ends with "
               "MI_RESULT_NOT_FOUND: the instance callback hands over each of the 3 instances, "
               "and its last call has moreResults MI_FALSE and carries MI_RESULT_NOT_FOUND. The "
               "failed final result's errorString and errorDetails, whether every call gets the "
               "same operation handle, and whether the acknowledgement function is NULL under "
               "automatic acknowledgement are recorded.",
               "OI-FINAL-1") {
  SessionSlot* session = OpenSession();
  if (session == nullptr) return;
  MiconformScript script = Script();
  script.results = kResults;
  script.final_result = MI_RESULT_NOT_FOUND;
  auto& mock = NewOperationMock();
  OperationSlot* operation = NewOperation();
  auto seen = std::make_shared<InstanceCalls>();
  void* const context = mock.context();
  MICONFORM_EXPECT_CALL("OI-FINAL-1", mock,
                        InstanceResult(_, Eq(context), _, Ne(MI_FALSE), _, _, _, _))
      .Times(AnyNumber())
      .WillRepeatedly([seen](MI_Operation* passed, void*, const MI_Instance* instance,
                             MI_Boolean more, MI_Result code, const MI_Char* error,
                             const MI_Instance* details, MI_ResultAcknowledgement acknowledge) {
        seen->Note(passed, instance, more, code, error, details, acknowledge);
      });
  MICONFORM_EXPECT_CALL("OI-FINAL-1", mock, InstanceResult(_, Eq(context), _, MI_FALSE, _, _, _, _))
      .Times(1)
      .WillOnce([seen, operation](MI_Operation* passed, void*, const MI_Instance* instance,
                                  MI_Boolean more, MI_Result code, const MI_Char* error,
                                  const MI_Instance* details,
                                  MI_ResultAcknowledgement acknowledge) {
        seen->Note(passed, instance, more, code, error, details, acknowledge);
        CloseOperation(operation);
      });
  StartEnumerate(session, operation, script, &mock);
  ASSERT_TRUE(mock.WaitFinalResults(1, Eventually()))
      << Judges("OI-FINAL-1") << "the operation delivered no final result within "
      << Eventually().count() << " ms";

  std::lock_guard<std::mutex> lock(seen->mutex);
  // "The last call ... carries the operation's result code": the provider ended the operation
  // with MI_RESULT_NOT_FOUND.
  EXPECT_EQ(seen->final_code, static_cast<int>(MI_RESULT_NOT_FOUND))
      << Judges("OI-FINAL-1") << "the last call carried " << ResultName(seen->final_code)
      << ", but the operation ended with MI_RESULT_NOT_FOUND";
  // "once per available result": each instance the provider sent is handed over (whether the
  // last one comes on its own call or with the final one is left open).
  EXPECT_EQ(seen->instances, static_cast<int>(kResults))
      << Judges("OI-FINAL-1") << "the provider sent " << kResults
      << " instances; the instance callback handed over " << seen->instances;
  if (seen->nonfinal_without_instance > 0) {
    Observe("OI-FINAL-1", std::to_string(seen->nonfinal_without_instance) +
                              " non-final call(s) came with a NULL instance");
  }
  Observe("OI-FINAL-1", std::string("the final result with MI_RESULT_NOT_FOUND came with ") +
                            (seen->final_error_string ? "an" : "no") + " errorString and " +
                            (seen->final_error_details ? "" : "no ") + "errorDetails");
  Observe("OI-FINAL-1", "the " + std::to_string(seen->calls) + " call(s) were handed " +
                            std::to_string(seen->handles.size()) + " distinct operation handle(s)");
  Observe("OI-ACK-3", "under automatic acknowledgement, " +
                          std::to_string(seen->null_acknowledgements) + " of " +
                          std::to_string(seen->calls) +
                          " call(s) came with a NULL acknowledgement function");
}

// ---- "All parameters are valid until resultAcknowledgement is called (or until the callback
// returns, with automatic acknowledgement)."
//
// Of the parameters, the instance and the error string can be checked; the rest are passed by
// value (moreResults, resultCode, the context) or are handles the suite does not look into. The
// suite cannot tell a valid instance from a freed one in general: instances are opaque. It can
// when the library passes on the object its transport handed it (the scripted handler's own
// object, which the handler releases, exactly like a real transport, when the client acknowledges
// the result to it): the handler says by address whether it still holds it valid
// (ScriptedBackend::ResultArgument). An object of the library's own is not judged, and not read
// after the callback (a freed one would be read); the handler's objects are poisoned when released,
// never freed, and are only asked about by address.

// What one call of the instance callback was handed, as seen when it was made.
struct HandedArguments {
  MI_Operation* operation = nullptr;
  MI_Boolean more = MI_FALSE;
  MI_ResultAcknowledgement ack = nullptr;
  const MI_Instance* instance = nullptr;
  std::optional<MiconformResultArgument> instance_at_call;  // nothing: not the transport's
  const MI_Char* error = nullptr;
  std::optional<MiconformResultArgument> error_at_call;
};

HandedArguments NoteHanded(const ScriptedBackend& backend, MI_Operation* operation,
                           const MI_Instance* instance, MI_Boolean more, const MI_Char* error,
                           MI_ResultAcknowledgement ack) {
  HandedArguments handed;
  handed.operation = operation;
  handed.more = more;
  handed.ack = ack;
  handed.instance = instance;
  if (instance != nullptr) handed.instance_at_call = backend.ResultArgument(instance);
  handed.error = error;
  if (error != nullptr) handed.error_at_call = backend.ResultArgument(error);
  return handed;
}

std::string NameOfCall(const HandedArguments& handed, size_t index) {
  return handed.more == MI_FALSE ? "the final call"
                                 : "call #" + std::to_string(index + 1) + " (a non-final result)";
}

// The breaches of OI-ACK-4 in what `handed` holds now, `when` (e.g. "after the callback returned,
// before the acknowledgement"); empty when none.
std::vector<std::string> ArgumentBreaches(const ScriptedBackend& backend,
                                          const HandedArguments& handed, const std::string& call,
                                          const std::string& when) {
  std::vector<std::string> breaches;
  // A transport object handed over already released, or released since.
  auto check = [&](const void* address, const std::optional<MiconformResultArgument>& at,
                   const std::string& what) {
    if (!at) return;  // not the transport's: opaque
    if (at->valid == 0) {
      breaches.push_back(call + " was handed " + what +
                         " its transport had already released (the client had acknowledged "
                         "that result to the transport before handing it over)");
      return;
    }
    const std::optional<MiconformResultArgument> now = backend.ResultArgument(address);
    if (!now || now->serial != at->serial || now->valid == 0) {
      breaches.push_back(call + " was handed " + what + " that its transport had released " + when +
                         " (the client had acknowledged the result to the transport)");
    }
  };
  check(handed.instance, handed.instance_at_call, "an instance");
  check(handed.error, handed.error_at_call, "an errorString");
  return breaches;
}

void ObserveWhoseObjects(const std::vector<HandedArguments>& calls) {
  int instances = 0;
  int transport_instances = 0;
  int errors = 0;
  int transport_errors = 0;
  for (const HandedArguments& handed : calls) {
    if (handed.instance != nullptr) ++instances;
    if (handed.instance_at_call) ++transport_instances;
    if (handed.error != nullptr) ++errors;
    if (handed.error_at_call) ++transport_errors;
  }
  Observe("OI-ACK-4", std::to_string(transport_instances) + " of the " + std::to_string(instances) +
                          " instance(s) and " + std::to_string(transport_errors) + " of the " +
                          std::to_string(errors) +
                          " error string(s) handed over were the transport's own objects, whose "
                          "validity the suite can follow; the library's own objects are opaque "
                          "to it");
}

// The provider sends this many instances, then a failed final result (which carries an error
// string).
constexpr size_t kArgumentResults = 2;
constexpr size_t kArgumentCalls = kArgumentResults + 1;

MiconformScript ArgumentsScript(const MiconformScript& base) {
  MiconformScript script = base;
  script.results = kArgumentResults;
  script.final_result = MI_RESULT_NOT_FOUND;
  return script;
}

// The calls of one operation, each signalled as it arrives.
struct HandedCalls {
  std::mutex mutex;
  std::vector<HandedArguments> calls;
  std::array<Signal, kArgumentCalls> arrived;
  std::vector<std::string> breaches_inside;  // found inside the callbacks

  void Add(HandedArguments handed, std::vector<std::string> breaches) {
    std::lock_guard<std::mutex> lock(mutex);
    breaches_inside.insert(breaches_inside.end(), breaches.begin(), breaches.end());
    calls.push_back(std::move(handed));
    if (calls.size() <= arrived.size()) arrived[calls.size() - 1].Set();
  }
  HandedArguments Call(size_t index) {
    std::lock_guard<std::mutex> lock(mutex);
    return calls.at(index);
  }
};

// The argument cases' fixture: their shared opening.
class InstanceArguments : public CaseFixture {
 protected:
  struct Started {
    SessionSlot* session = nullptr;
    OperationSlot* operation = nullptr;
    mocks::MockOperationCallbacks* mock = nullptr;
  };
  // Opens a session and starts the arguments enumeration (ArgumentsScript) with `flags`; every
  // call of its instance callback notes what it was handed (NoteHanded) and gives that to
  // `on_call`, on the callback's thread. Nothing when no session could be opened.
  std::optional<Started> StartArguments(MI_Uint32 flags,
                                        std::function<void(HandedArguments)> on_call) {
    Started started;
    started.session = OpenSession();
    if (started.session == nullptr) return std::nullopt;
    started.mock = &NewOperationMock();
    started.operation = NewOperation();
    const ScriptedBackend* const transport = &backend();
    MICONFORM_EXPECT_CALL("OI-FINAL-1", *started.mock,
                          InstanceResult(_, Eq(started.mock->context()), _, _, _, _, _, _))
        .Times(AnyNumber())
        .WillRepeatedly([transport, on_call](MI_Operation* passed, void*,
                                             const MI_Instance* instance, MI_Boolean more,
                                             MI_Result, const MI_Char* error, const MI_Instance*,
                                             MI_ResultAcknowledgement ack) {
          on_call(NoteHanded(*transport, passed, instance, more, error, ack));
        });
    StartEnumerate(started.session, started.operation, ArgumentsScript(Script()), started.mock,
                   flags);
    return started;
  }
};

MICONFORM_CASE(InstanceArguments, ArgumentsValidUntilAcknowledged,
               "instance_callback.arguments_valid_until_acknowledged",
               "A manual-ack enumeration whose provider sends 2 instances and then ends with "
               "MI_RESULT_NOT_FOUND; the application holds each result unacknowledged until the "
               "target is provably quiet after its callback returned. Each instance and the final "
               "result's errorString must still be valid then: not released by the transport "
               "they came from.",
               "OI-ACK-1", "OI-ACK-4") {
  auto handed = std::make_shared<HandedCalls>();
  // Deliberately not acknowledged inside the callback: the test thread does it.
  const std::optional<Started> started =
      StartArguments(MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS,
                     [handed](HandedArguments call) { handed->Add(std::move(call), {}); });
  if (!started) return;
  const ScriptedBackend* const transport = &backend();

  for (size_t index = 0; index < kArgumentCalls; ++index) {
    ASSERT_TRUE(handed->arrived[index].WaitFor(Eventually()))
        << Judges("OI-FINAL-1") << "call #" << index + 1 << " of the instance callback did not "
        << "come within " << Eventually().count() << " ms (the provider sent " << kArgumentResults
        << " instances and a final result)";
    const HandedArguments call = handed->Call(index);
    ASSERT_NE(call.ack, nullptr) << Judges("OI-ACK-1")
                                 << "a result of a MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS operation "
                                 << "came without an acknowledgement function";
    Phase("holding " + NameOfCall(call, index) + " unacknowledged until the target is quiet");
    SettleQuiet();
    for (const std::string& breach :
         ArgumentBreaches(*transport, call, NameOfCall(call, index),
                          "after the callback returned, before the application acknowledged")) {
      ADD_FAILURE() << Judges("OI-ACK-4") << breach;
    }
    Phase("acknowledging " + NameOfCall(call, index));
    const MI_Result acknowledged = AcknowledgeResult(call.ack, call.operation);
    Trace("resultAcknowledgement returned " + ResultName(acknowledged));
    if (call.more == MI_FALSE) break;
  }
  {
    std::lock_guard<std::mutex> lock(handed->mutex);
    ObserveWhoseObjects(handed->calls);
  }
  if (!CheckResult("OCL-RET-1", "MI_Operation_Close", CloseOperation(started->operation))) return;
  CheckResult("SC-RET-1", "MI_Session_Close", CloseSessionSync(started->session));
}

// How long the automatic-acknowledgement case holds each callback before looking again: a
// transport release that races the callback happens within it (a delay injected into the
// application's callback, not a bound on the target).
constexpr std::chrono::milliseconds kHoldInsideCallback{50};

MICONFORM_CASE(InstanceArguments, ArgumentsValidUntilCallbackReturns,
               "instance_callback.arguments_valid_until_callback_returns",
               "An enumeration under automatic acknowledgement whose provider sends 2 instances "
               "and then ends with MI_RESULT_NOT_FOUND; each callback holds its arguments for a "
               "moment before returning. Each instance and the final result's errorString must "
               "be valid until the callback returns: not released by the transport they came "
               "from.",
               "OI-ACK-4") {
  auto handed = std::make_shared<HandedCalls>();
  const ScriptedBackend* const transport = &backend();
  const std::optional<Started> started =
      StartArguments(0, [handed, transport](HandedArguments call) {
        size_t index = 0;
        {
          std::lock_guard<std::mutex> lock(handed->mutex);
          index = handed->calls.size();
        }
        std::this_thread::sleep_for(kHoldInsideCallback);
        std::vector<std::string> breaches = ArgumentBreaches(
            *transport, call, NameOfCall(call, index), "before the callback returned");
        handed->Add(std::move(call), std::move(breaches));
      });
  if (!started) return;
  ASSERT_TRUE(started->mock->WaitFinalResults(1, Eventually()))
      << Judges("OI-FINAL-1") << "the operation delivered no final result within "
      << Eventually().count() << " ms";
  {
    std::lock_guard<std::mutex> lock(handed->mutex);
    for (const std::string& breach : handed->breaches_inside) {
      ADD_FAILURE() << Judges("OI-ACK-4") << breach;
    }
    ObserveWhoseObjects(handed->calls);
  }
  if (!CheckResult("OCL-RET-1", "MI_Operation_Close", CloseOperation(started->operation))) return;
  CheckResult("SC-RET-1", "MI_Session_Close", CloseSessionSync(started->session));
}

}  // namespace
}  // namespace miconform::cases

// instance_callback_cases.cc - conformance cases for the instance result callback's parameters
// (related/MI_OperationCallback_Instance.md): one call per available result, and a last call that
// has moreResults MI_FALSE and carries the operation's result code. What the page leaves open
// (the error string and details of a failed final result, whether every call gets the same
// operation handle, a NULL acknowledgement function under automatic acknowledgement) is observed.
#include <memory>
#include <mutex>
#include <set>
#include <string>

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

}  // namespace
}  // namespace miconform::cases

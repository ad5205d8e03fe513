// end_to_end_selftest.cc - the adapter end to end: the reference target loaded through
// LoadTarget, the real scripted handler registered in a private omicli.conf, and a synchronous
// MI_Session_Close that must cancel a never-ending enumeration and deliver its final result once.
#include <condition_variable>
#include <mutex>
#include <vector>

#include <gtest/gtest.h>

#include "miconform/builtin_targets.h"
#include "miconform/handler_registration.h"
#include "miconform/library_target.h"
#include "miconform/result_names.h"
#include "miconform/scripted_backend.h"
#include "test_support.h"

namespace miconform {
namespace {

constexpr std::uint32_t kGenerousMs = 20000;

// What the enumeration's instanceResult callback saw, in order. Thread-safe: the callback runs
// on a thread of the target.
struct InstanceResults {
  struct Call {
    MI_Boolean more_results;
    MI_Result result;
  };
  std::mutex mutex;
  std::vector<Call> calls;
  MI_Result operation_close = MI_RESULT_FAILED;
  Target* target = nullptr;

  std::vector<Call> Snapshot() {
    std::lock_guard<std::mutex> lock(mutex);
    return calls;
  }
};

void OnInstance(MI_Operation* operation, void* context, const MI_Instance*, MI_Boolean moreResults,
                MI_Result resultCode, const MI_Char*, const MI_Instance*,
                MI_ResultAcknowledgement) {
  auto* results = static_cast<InstanceResults*>(context);
  {
    std::lock_guard<std::mutex> lock(results->mutex);
    results->calls.push_back({moreResults, resultCode});
  }
  if (moreResults == MI_FALSE) {
    // The session's close waits for every operation handle to be closed (MI_Session_Close.md);
    // the handle passed into the callback may be closed here (MI_Operation_Close.md). No lock is
    // held across the call into the target.
    const MI_Result closed = results->target->CloseOperation(operation);
    std::lock_guard<std::mutex> lock(results->mutex);
    results->operation_close = closed;
  }
}

TEST(EndToEnd, SynchronousSessionCloseCancelsARunningEnumeration) {
  selftest::ScopedEnv lib_dir("MICONFORM_LIB_DIR", std::nullopt);
  const std::string handler_path = HandlerLibraryPath();
  ScriptedBackend backend(handler_path);
  ASSERT_TRUE(backend.Reset());

  TargetSpec spec = ResolveTarget("reference");
  TempConfigDir config;
  spec.config_dir = config.path();
  HandlerRegistration registration(config.path(), spec.protocol, handler_path);
  selftest::ScopedEnv config_env("MICONFORM_REFERENCE_CONFIG_DIR", config.path());

  std::unique_ptr<Target> target = LoadTarget(spec);
  ASSERT_NO_THROW(CheckTargetStarts(*target));
  MI_Application application{};
  ASSERT_EQ(target->InitializeApplication(&application, nullptr), MI_RESULT_OK);
  MI_Session session{};
  ASSERT_EQ(target->NewSession(&application, nullptr, &session), MI_RESULT_OK);

  MiconformScript script = backend.ScriptDefaults();
  script.results = 0;
  script.until_cancelled = 1;
  script.result_delay_ms = 2;
  const std::string class_name = InlineScript(script);

  InstanceResults results;
  results.target = target.get();
  MI_OperationCallbacks callbacks{};
  callbacks.callbackContext = &results;
  callbacks.instanceResult = OnInstance;
  MI_Operation operation{};
  target->EnumerateInstances(&session, 0, class_name.c_str(), &callbacks, &operation);
  ASSERT_TRUE(backend.WaitStarted(1, kGenerousMs)) << "the enumeration never reached the handler";

  const MI_Result closed = target->CloseSession(&session, nullptr, nullptr);
  EXPECT_EQ(closed, MI_RESULT_OK) << ResultName(closed);
  EXPECT_TRUE(backend.WaitCancels(1, kGenerousMs)) << "the handler never received the cancel";

  // The final result arrived before the synchronous close returned, exactly once, last.
  std::vector<InstanceResults::Call> seen = results.Snapshot();
  ASSERT_FALSE(seen.empty()) << "no final result before MI_Session_Close returned";
  EXPECT_EQ(seen.back().more_results, MI_FALSE);
  int finals = 0;
  for (const auto& call : seen) finals += call.more_results == MI_FALSE ? 1 : 0;
  EXPECT_EQ(finals, 1);

  EXPECT_EQ(target->CloseApplication(&application), MI_RESULT_OK);
  const std::vector<InstanceResults::Call> after = results.Snapshot();
  EXPECT_EQ(after.size(), seen.size()) << "callbacks arrived after the final result";
  {
    std::lock_guard<std::mutex> lock(results.mutex);
    EXPECT_EQ(results.operation_close, MI_RESULT_OK) << ResultName(results.operation_close);
  }

  const auto operations = backend.OperationRecords();
  ASSERT_EQ(operations.size(), 1u) << backend.RecordsJson().dump();
  EXPECT_GE(operations[0].cancel_count, 1u);
  EXPECT_EQ(std::string(operations[0].kind), "EnumerateInstances");
  // Whether the handler's own final result was sent is the client's choice: a client may finish
  // a cancelled operation itself (MI_Operation_Cancel.md: it "will not wait for the entire
  // operation to complete"), so the handler's final_sent is not judged here.
}

}  // namespace
}  // namespace miconform

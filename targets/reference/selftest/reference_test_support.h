// reference_test_support.h - what the reference's self-tests share: the reference (or one of its
// conforming variants) loaded with dlopen over a temporary omicli.conf that registers the fake
// handler, an application fixture, and recorders for operation callbacks and session-close
// completions.
#ifndef MICONFORM_REFERENCE_SELFTEST_REFERENCE_TEST_SUPPORT_H
#define MICONFORM_REFERENCE_SELFTEST_REFERENCE_TEST_SUPPORT_H

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fake_handler.h"
#include "miconform/mi_abi.h"

namespace miconform::reference::selftest {

inline constexpr const char* kProtocol = "FAKE";
inline constexpr std::chrono::seconds kEventually{20};  // bound of every "eventually"
// How long a call that must keep blocking is watched before the test releases it.
inline constexpr std::chrono::milliseconds kStillBlocked{200};

// The entry point of the library at `path` (the reference, or one of its variants), loaded once
// per test program and path.
MI_Application_InitializeV1_Fn LibraryEntry(const std::string& path);
// The entry point of the reference.
MI_Application_InitializeV1_Fn ReferenceEntry();

// Everything one asynchronous operation's callbacks saw. Thread-safe.
struct OperationLog {
  std::mutex mutex;
  std::condition_variable changed;
  int results = 0;      // non-final results
  int finals = 0;       // moreResults == MI_FALSE
  int after_final = 0;  // callbacks of any kind after the final result
  int messages = 0;
  int in_callback = 0;
  int after_close_returned = 0;  // callbacks after *close_returned became true
  MI_Result final_code = MI_RESULT_OK;
  MI_ResultAcknowledgement pending_ack = nullptr;  // manual ack withheld (acknowledge == false)
  MI_Operation* pending_ack_operation = nullptr;

  // Behaviour of the callback.
  bool close_on_final = true;  // close the operation handle from inside the final callback
  bool acknowledge = true;     // manual-ack mode: acknowledge at once, else keep pending_ack
  const std::atomic<bool>* close_returned = nullptr;
  // Runs inside instanceResult (after the counts are updated, before acknowledge/close).
  std::function<void(MI_Operation*, MI_Boolean more)> hook;

  MI_Operation handle{};

  MI_OperationCallbacks Callbacks();
  bool WaitFinal();             // eventually exactly one final
  bool WaitResults(int count);  // eventually at least `count` non-final results
  int Finals();
  void AcknowledgePending();  // calls the withheld acknowledgement
};

// Records completion callbacks of MI_Session_Close. Thread-safe.
struct CloseCompletion {
  std::mutex mutex;
  std::condition_variable changed;
  int calls = 0;
  void* context = nullptr;
  // Checked when the completion runs: no operation callback may still be running, and each
  // operation must have had its final result.
  std::vector<OperationLog*> operations;
  bool operations_quiet_at_completion = true;

  static void Callback(void* context);  // context: the CloseCompletion
  // Records one completion call that received `context`.
  void Record(void* context);
  bool WaitCalled();
  int Calls();
};

// Starts EnumerateInstances with `script` as class name and the log's callbacks into log.handle.
void Enumerate(MI_Session& session, const char* script, OperationLog& log, MI_Uint32 flags = 0);

// An application of the reference per test; TearDown closes it if the test did not. A fixture
// for a variant of the reference overrides Library().
class ReferenceTest : public ::testing::Test {
 protected:
  virtual std::string Library() const { return MICONFORM_REFERENCE_LIBRARY; }
  void SetUp() override;
  void TearDown() override;
  MI_Session OpenSession();
  MI_Result CloseApplication();
  FakeHandlerStats Stats();

  MI_Application app_{};
  bool app_closed_ = false;
};

// The application of one conforming variant of the reference per test
// (libmiconform_variant_<name>.so, built beside the reference).
class VariantTest : public ReferenceTest {
 protected:
  explicit VariantTest(std::string name) : name_(std::move(name)) {}
  std::string Library() const override {
    return std::string(MICONFORM_VARIANT_LIBRARY_DIR) + "/libmiconform_variant_" + name_ + ".so";
  }

 private:
  const std::string name_;
};

}  // namespace miconform::reference::selftest

#endif  // MICONFORM_REFERENCE_SELFTEST_REFERENCE_TEST_SUPPORT_H

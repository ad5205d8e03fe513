// test_client.h - a small MI client for the handler self-tests: it opens the handler's application
// and a session through the tables, starts operations with recording callbacks, and lets a test
// react from inside a callback (acknowledge, cancel, close re-entrantly).
#ifndef MICONFORM_HANDLER_SELFTEST_TEST_CLIENT_H
#define MICONFORM_HANDLER_SELFTEST_TEST_CLIENT_H

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "miconform/handler_control.h"

namespace miconform::handler::selftest {

// Names the client call the current thread is inside ("start", "ack", "cancel"), so a
// caller-thread test can see which call a callback was delivered in.
class CallScope {
 public:
  explicit CallScope(const char* name);
  ~CallScope();
  static const char* current();

 private:
  const char* previous_;
};

struct Event {
  enum Kind { message, progress, result, final_result } kind;
  std::thread::id thread;
  std::string call;  // CallScope::current() at delivery, "" outside any scope
  const void* instance = nullptr;
  MI_Boolean more = MI_FALSE;
  MI_Result code = MI_RESULT_OK;
  std::string error;
  bool has_error = false;
  const MI_Char* error_address = nullptr;
  MI_ResultAcknowledgement ack = nullptr;
  int nesting = 0;                    // callbacks of this operation already running on this thread
  MiconformOperationRecord record{};  // snapshot taken inside the callback
};

class TestOperation {
 public:
  TestOperation();
  ~TestOperation();
  TestOperation(const TestOperation&) = delete;
  TestOperation& operator=(const TestOperation&) = delete;

  MI_Operation handle{};
  MI_OperationCallbacks callbacks{};
  uint32_t record_index = 0;  // set by the test when known (operation id - 1)

  // Runs inside every result callback (final included), after the event was recorded.
  std::function<void(TestOperation&, const Event&)> on_result;

  MI_Result ack();
  MI_Result cancel(MI_CancellationReason reason = MI_REASON_NONE);
  MI_Result close();

  std::vector<Event> events() const;
  size_t ResultCount() const;
  size_t FinalCount() const;
  // Waits (condition variable, generous timeout) until pred(events) holds.
  bool WaitUntil(const std::function<bool(const std::vector<Event>&)>& pred,
                 std::chrono::milliseconds timeout = std::chrono::seconds(20));
  bool WaitResults(size_t count);
  bool WaitFinal();

  // Called by the static callbacks.
  void record(Event event);

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Event> events_;
  MI_ResultAcknowledgement last_ack_ = nullptr;
  std::vector<std::thread::id> inside_;
};

// Opens the application and one session; closes what is still open at the end.
class HandlerTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Starts an EnumerateInstances with className `class_name`.
  void enumerate(TestOperation& op, const char* class_name,
                 MI_Uint32 flags = MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS);
  MiconformOperationRecord OperationRecord(uint32_t index);
  MiconformSessionRecord SessionRecord(uint32_t index);
  // Polls the record until pred holds (records have no condition to wait on).
  bool WaitRecord(uint32_t index, const std::function<bool(const MiconformOperationRecord&)>& pred);
  void CloseSession();
  void CloseApplication();

  MI_Application application_{};
  MI_Session session_{};
  bool session_open_ = false;
  bool application_open_ = false;
};

MiconformScript ScriptFrom(const char* text);

// A session-close completion callback that records its calls, context and thread.
struct Completion {
  std::mutex mu;
  std::condition_variable cv;
  int calls = 0;
  void* context = nullptr;
  std::thread::id thread;

  static void callback(void* context) {
    auto* self = static_cast<Completion*>(context);
    std::lock_guard lock(self->mu);
    ++self->calls;
    self->context = context;
    self->thread = std::this_thread::get_id();
    self->cv.notify_all();
  }
  bool wait() {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(20), [&] { return calls > 0; });
  }
};

}  // namespace miconform::handler::selftest

#endif

// test_client.cc - the recording callbacks and fixture of the handler self-tests.
#include "test_client.h"

#include <algorithm>

namespace miconform::handler::selftest {
namespace {

thread_local const char* t_call = nullptr;

TestOperation* from(void* context) { return static_cast<TestOperation*>(context); }

void OnMessage(MI_Operation*, void* context, MI_Uint32, const MI_Char*) {
  Event event{};
  event.kind = Event::message;
  from(context)->record(event);
}

void OnProgress(MI_Operation*, void* context, const MI_Char*, const MI_Char*, const MI_Char*,
                MI_Uint32, MI_Uint32) {
  Event event{};
  event.kind = Event::progress;
  from(context)->record(event);
}

void OnInstance(MI_Operation*, void* context, const MI_Instance* instance, MI_Boolean more,
                MI_Result code, const MI_Char* error, const MI_Instance*,
                MI_ResultAcknowledgement ack) {
  Event event{};
  event.kind = more ? Event::result : Event::final_result;
  event.instance = instance;
  event.more = more;
  event.code = code;
  event.has_error = error != nullptr;
  event.error = error ? error : "";
  event.error_address = error;
  event.ack = ack;
  from(context)->record(event);
}

void OnClass(MI_Operation* operation, void* context, const MI_Class* class_result, MI_Boolean more,
             MI_Result code, const MI_Char* error, const MI_Instance* details,
             MI_ResultAcknowledgement ack) {
  OnInstance(operation, context, reinterpret_cast<const MI_Instance*>(class_result), more, code,
             error, details, ack);
}

void OnIndication(MI_Operation* operation, void* context, const MI_Instance* instance,
                  const MI_Char*, const MI_Char*, MI_Boolean more, MI_Result code,
                  const MI_Char* error, const MI_Instance* details, MI_ResultAcknowledgement ack) {
  OnInstance(operation, context, instance, more, code, error, details, ack);
}

}  // namespace

CallScope::CallScope(const char* name) : previous_(t_call) { t_call = name; }

CallScope::~CallScope() { t_call = previous_; }

const char* CallScope::current() { return t_call; }

TestOperation::TestOperation() {
  callbacks.callbackContext = this;
  callbacks.writeMessage = OnMessage;
  callbacks.writeProgress = OnProgress;
  callbacks.instanceResult = OnInstance;
  callbacks.classResult = OnClass;
  callbacks.indicationResult = OnIndication;
}

MI_Result TestOperation::ack() {
  MI_ResultAcknowledgement ack;
  {
    std::lock_guard lock(mu_);
    ack = last_ack_;
  }
  EXPECT_NE(ack, nullptr);
  CallScope scope("ack");
  return ack ? ack(&handle) : MI_RESULT_FAILED;
}

MI_Result TestOperation::cancel(MI_CancellationReason reason) {
  CallScope scope("cancel");
  return handle.ft->Cancel(&handle, reason);
}

MI_Result TestOperation::close() {
  CallScope scope("close");
  return handle.ft->Close(&handle);
}

void TestOperation::record(Event event) {
  event.thread = std::this_thread::get_id();
  event.call = CallScope::current() ? CallScope::current() : "";
  miconform_handler_operation_record(record_index, &event.record);
  const bool is_result = event.kind == Event::result || event.kind == Event::final_result;
  {
    std::lock_guard lock(mu_);
    event.nesting =
        static_cast<int>(std::count(inside_.begin(), inside_.end(), std::this_thread::get_id()));
    if (event.ack) {
      last_ack_ = event.ack;
    }
    events_.push_back(event);
    inside_.push_back(std::this_thread::get_id());
  }
  cv_.notify_all();
  if (is_result && on_result) {
    on_result(*this, event);
  }
  std::lock_guard lock(mu_);
  inside_.erase(std::find(inside_.begin(), inside_.end(), std::this_thread::get_id()));
  cv_.notify_all();  // under the lock: the destructor may run as soon as it is released
}

TestOperation::~TestOperation() {
  // A handler thread may still be finishing a callback into this object after the test saw
  // what it needed; outliving that callback keeps the memory valid. The record counts a
  // callback from the moment it is claimed, before it reaches this object.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  MiconformOperationRecord record{};
  while (handle.ft && miconform_handler_operation_record(record_index, &record) == 0 &&
         record.id == handle.reserved1 && record.callbacks_in_flight != 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return inside_.empty(); });
}

std::vector<Event> TestOperation::events() const {
  std::lock_guard lock(mu_);
  return events_;
}

size_t TestOperation::ResultCount() const {
  std::lock_guard lock(mu_);
  return static_cast<size_t>(std::count_if(events_.begin(), events_.end(),
                                           [](const Event& e) { return e.kind == Event::result; }));
}

size_t TestOperation::FinalCount() const {
  std::lock_guard lock(mu_);
  return static_cast<size_t>(std::count_if(events_.begin(), events_.end(), [](const Event& e) {
    return e.kind == Event::final_result;
  }));
}

bool TestOperation::WaitUntil(const std::function<bool(const std::vector<Event>&)>& pred,
                              std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return pred(events_); });
}

bool TestOperation::WaitResults(size_t count) {
  return WaitUntil([count](const std::vector<Event>& events) {
    return static_cast<size_t>(std::count_if(events.begin(), events.end(), [](const Event& e) {
             return e.kind == Event::result;
           })) >= count;
  });
}

bool TestOperation::WaitFinal() {
  return WaitUntil([](const std::vector<Event>& events) {
    return std::any_of(events.begin(), events.end(),
                       [](const Event& e) { return e.kind == Event::final_result; });
  });
}

void HandlerTest::SetUp() {
  ASSERT_EQ(miconform_handler_reset(), 0) << "a previous test left an operation or session alive";
  ASSERT_EQ(MiconformHandlerInit(0, "selftest", nullptr, &application_), MI_RESULT_OK);
  application_open_ = true;
  ASSERT_NE(application_.ft, nullptr);
  ASSERT_EQ(application_.ft->NewSession(&application_, "MICONFORM", nullptr, nullptr, nullptr,
                                        nullptr, &session_),
            MI_RESULT_OK);
  session_open_ = true;
}

void HandlerTest::CloseSession() {
  if (session_open_) {
    session_open_ = false;
    EXPECT_EQ(session_.ft->Close(&session_, nullptr, nullptr), MI_RESULT_OK);
  }
}

void HandlerTest::CloseApplication() {
  if (application_open_) {
    application_open_ = false;
    EXPECT_EQ(application_.ft->Close(&application_), MI_RESULT_OK);
  }
}

void HandlerTest::TearDown() {
  CloseSession();
  CloseApplication();
  // Releases complete when the last callback returns, which may trail the test's final step
  // by a moment; there is no condition to wait on from outside, so poll briefly.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (miconform_handler_reset() != 0) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline)
        << "operations or sessions still alive after the test";
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void HandlerTest::enumerate(TestOperation& op, const char* class_name, MI_Uint32 flags) {
  op.record_index = miconform_handler_operation_count();
  CallScope scope("start");
  session_.ft->EnumerateInstances(&session_, flags, nullptr, "root/test", class_name, MI_FALSE,
                                  &op.callbacks, &op.handle);
}

MiconformOperationRecord HandlerTest::OperationRecord(uint32_t index) {
  MiconformOperationRecord record{};
  EXPECT_EQ(miconform_handler_operation_record(index, &record), 0);
  return record;
}

MiconformSessionRecord HandlerTest::SessionRecord(uint32_t index) {
  MiconformSessionRecord record{};
  EXPECT_EQ(miconform_handler_session_record(index, &record), 0);
  return record;
}

bool HandlerTest::WaitRecord(uint32_t index,
                             const std::function<bool(const MiconformOperationRecord&)>& pred) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (;;) {
    MiconformOperationRecord record{};
    if (miconform_handler_operation_record(index, &record) == 0 && pred(record)) {
      return true;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

MiconformScript ScriptFrom(const char* text) {
  MiconformScript script;
  miconform_handler_script_defaults(&script);
  EXPECT_EQ(miconform_handler_parse_script(text, &script), 0) << text;
  return script;
}

}  // namespace miconform::handler::selftest

// session_application_selftest.cc - self-tests of session Close (completion, delay, context), the
// application table and entry point, application Close joining the handler's threads, and the
// comma-bearing alias of the entry point.
#include <dlfcn.h>

#include <atomic>

#include "test_client.h"

namespace miconform::handler::selftest {
namespace {

using Sessions = HandlerTest;

TEST_F(Sessions, CompletionIsCalledOnceWithItsContextFromAHandlerThreadAfterTheDelay) {
  MiconformScript script = ScriptFrom("session_close_delay_ms=40");
  miconform_handler_set_default_script(&script);
  Completion completion;
  session_open_ = false;
  EXPECT_EQ(session_.ft->Close(&session_, &completion, Completion::callback), MI_RESULT_OK);
  ASSERT_TRUE(completion.wait());
  EXPECT_EQ(session_.ft->Close(&session_, &completion, Completion::callback),
            MI_RESULT_INVALID_PARAMETER);
  CloseApplication();  // joins the completion thread: no second call can be pending
  std::lock_guard lock(completion.mu);
  EXPECT_EQ(completion.calls, 1);
  EXPECT_EQ(completion.context, &completion);
  EXPECT_NE(completion.thread, std::this_thread::get_id());
  auto record = SessionRecord(0);
  EXPECT_EQ(record.close_count, 2u);
  EXPECT_EQ(record.completions_called, 1u);
  EXPECT_GE(record.completed_ns - record.close_ns, 40u * 1000000u);
  EXPECT_GE(record.close_ns, record.opened_ns);
}

TEST_F(Sessions, TheLargestDelayOfTheSessionsOperationsApplies) {
  TestOperation op;
  enumerate(op, "script:results=0;session_close_delay_ms=60");
  ASSERT_TRUE(op.WaitFinal());
  op.ack();
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  Completion completion;
  session_open_ = false;
  EXPECT_EQ(session_.ft->Close(&session_, &completion, Completion::callback), MI_RESULT_OK);
  ASSERT_TRUE(completion.wait());
  CloseApplication();
  auto record = SessionRecord(0);
  EXPECT_GE(record.completed_ns - record.close_ns, 60u * 1000000u);
}

TEST_F(Sessions, WithoutACallbackCloseSleepsTheDelayAndCallsNothing) {
  MiconformScript script = ScriptFrom("session_close_delay_ms=30");
  miconform_handler_set_default_script(&script);
  const auto before = std::chrono::steady_clock::now();
  session_open_ = false;
  EXPECT_EQ(session_.ft->Close(&session_, nullptr, nullptr), MI_RESULT_OK);
  EXPECT_GE(std::chrono::steady_clock::now() - before, std::chrono::milliseconds(30));
  auto record = SessionRecord(0);
  EXPECT_EQ(record.completions_called, 0u);
  EXPECT_EQ(record.close_count, 1u);
  EXPECT_GT(record.completed_ns, 0u);
}

TEST_F(Sessions, CloseDoesNotWaitForLiveOperations) {
  TestOperation op;
  op.on_result = [](TestOperation& self, const Event&) { self.ack(); };
  enumerate(op, "script:until_cancelled=1;result_delay_ms=1");
  ASSERT_TRUE(op.WaitResults(1));
  Completion completion;
  session_open_ = false;
  EXPECT_EQ(session_.ft->Close(&session_, &completion, Completion::callback), MI_RESULT_OK);
  ASSERT_TRUE(completion.wait());
  EXPECT_EQ(op.cancel(), MI_RESULT_OK);
  ASSERT_TRUE(op.WaitFinal());
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  ASSERT_TRUE(WaitRecord(op.record_index, [](auto& r) { return r.released == 1; }));
}

TEST_F(Sessions, GetApplicationAndSessionRecords) {
  MI_Application application{};
  EXPECT_EQ(session_.ft->GetApplication(&session_, &application), MI_RESULT_OK);
  EXPECT_EQ(application.ft, application_.ft);
  EXPECT_EQ(application.reserved1, application_.reserved1);
  EXPECT_EQ(miconform_handler_session_count(), 1u);
  MiconformSessionRecord record{};
  EXPECT_EQ(miconform_handler_session_record(1, &record), -1);
  EXPECT_EQ(SessionRecord(0).id, 1u);
  MI_Session foreign{};
  foreign.ft = session_.ft;
  EXPECT_EQ(foreign.ft->Close(&foreign, nullptr, nullptr), MI_RESULT_INVALID_PARAMETER);
}

using Application = HandlerTest;

TEST_F(Application, CloseJoinsThreadsSoPendingCompletionsHaveRun) {
  MiconformScript script = ScriptFrom("session_close_delay_ms=80");
  miconform_handler_set_default_script(&script);
  Completion completion;
  session_open_ = false;
  EXPECT_EQ(session_.ft->Close(&session_, &completion, Completion::callback), MI_RESULT_OK);
  CloseApplication();
  std::lock_guard lock(completion.mu);
  EXPECT_EQ(completion.calls, 1);
  EXPECT_EQ(miconform_handler_application_close_count(), 1u);
  EXPECT_EQ(miconform_handler_initialize_count(), 1u);
}

TEST_F(Application, CloseStopsOperationsTheClientLeftRunning) {
  TestOperation op;
  op.on_result = [](TestOperation& self, const Event&) { self.ack(); };
  enumerate(op, "script:until_cancelled=1;result_delay_ms=1");
  ASSERT_TRUE(op.WaitResults(2));
  CloseApplication();
  // Joined: nothing is in flight and nothing more will come.
  EXPECT_EQ(OperationRecord(op.record_index).callbacks_in_flight, 0u);
  const size_t seen = op.events().size();
  EXPECT_FALSE(
      op.WaitUntil([seen](auto& e) { return e.size() > seen; }, std::chrono::milliseconds(50)));
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  EXPECT_EQ(OperationRecord(op.record_index).released, 1);
}

TEST_F(Application, CloseFromInsideAHandlerThreadCallbackDoesNotDeadlock) {
  TestOperation op;
  std::atomic<int> close_result{-1};
  MI_Application* application = &application_;
  application_open_ = false;
  op.on_result = [&](TestOperation& self, const Event& event) {
    self.ack();
    if (!event.more) {
      close_result = application->ft->Close(application);
      self.close();
    }
  };
  enumerate(op, "script:results=1");
  ASSERT_TRUE(WaitRecord(op.record_index, [](auto& r) { return r.released == 1; }));
  EXPECT_EQ(close_result.load(), MI_RESULT_OK);
}

TEST_F(Application, EntryPointChecksItsArgumentsAndSlotsAreComplete) {
  MI_Application other{};
  MI_Instance* error = reinterpret_cast<MI_Instance*>(&other);
  EXPECT_EQ(MiconformHandlerInit(1, nullptr, &error, &other), MI_RESULT_INVALID_PARAMETER);
  EXPECT_EQ(error, nullptr);
  EXPECT_EQ(MiconformHandlerInit(0, nullptr, nullptr, nullptr), MI_RESULT_INVALID_PARAMETER);
  EXPECT_EQ(miconform_handler_initialize_count(), 3u);

  auto all_set = [](const void* table, size_t slots) {
    const void* const* slot = static_cast<const void* const*>(table);
    for (size_t i = 0; i < slots; ++i) {
      if (!slot[i]) return false;
    }
    return true;
  };
  EXPECT_TRUE(all_set(application_.ft, 11));
  EXPECT_TRUE(all_set(session_.ft, 15));
  TestOperation op;
  enumerate(op, "script:results=0");
  ASSERT_TRUE(op.WaitFinal());
  EXPECT_TRUE(all_set(op.handle.ft, 6));
  MI_DestinationOptions options{};
  ASSERT_EQ(application_.ft->NewDestinationOptions(&application_, &options), MI_RESULT_OK);
  EXPECT_TRUE(all_set(options.ft, 15));
  options.ft->Delete(&options);
  op.ack();
  EXPECT_EQ(op.close(), MI_RESULT_OK);

  MI_OperationOptions operation_options{};
  EXPECT_EQ(application_.ft->NewOperationOptions(&application_, MI_FALSE, &operation_options),
            MI_RESULT_NOT_SUPPORTED);
  MI_Instance* instance = nullptr;
  EXPECT_EQ(application_.ft->NewInstance(&application_, "X", nullptr, &instance),
            MI_RESULT_NOT_SUPPORTED);
  MI_Session bad{};
  EXPECT_EQ(application_.ft->NewSession(&application_, nullptr, nullptr, nullptr, nullptr, nullptr,
                                        nullptr),
            MI_RESULT_INVALID_PARAMETER);
  MI_Application foreign{};
  foreign.ft = application_.ft;
  EXPECT_EQ(foreign.ft->NewSession(&foreign, nullptr, nullptr, nullptr, nullptr, nullptr, &bad),
            MI_RESULT_INVALID_PARAMETER);
  EXPECT_EQ(foreign.ft->Close(&foreign), MI_RESULT_INVALID_PARAMETER);
}

// The alias is a function of its own (it notes that the client looked the entry point up under
// it, integration_findings_selftest.cc) that initializes like the plain name.
TEST(EntryPoint, CommaAliasIsExportedFromTheSameCopy) {
  void* library = dlopen(MICONFORM_HANDLER_PATH, RTLD_NOW);
  ASSERT_NE(library, nullptr) << dlerror();
  void* plain = dlsym(library, MICONFORM_HANDLER_ENTRY);
  void* alias = dlsym(library, "MiconformHandlerInit,1,0");
  ASSERT_NE(plain, nullptr);
  ASSERT_NE(alias, nullptr);
  EXPECT_EQ(plain, reinterpret_cast<void*>(&MiconformHandlerInit));
  // The link OMI's parser opens reaches the very same loaded copy.
  void* through_link = dlopen(MICONFORM_HANDLER_PATH ",MiconformHandlerInit,1,0", RTLD_NOW);
  ASSERT_NE(through_link, nullptr) << dlerror();
  EXPECT_EQ(dlsym(through_link, "MiconformHandlerInit,1,0"), alias);
  dlclose(through_link);
  dlclose(library);
}

}  // namespace
}  // namespace miconform::handler::selftest

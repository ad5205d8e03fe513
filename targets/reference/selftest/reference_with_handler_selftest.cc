// reference_with_handler_selftest.cc - runs the reference and its conforming variants against the
// project's scripted protocol handler (libmiconform_handler.so), in both of its callback-thread
// modes, and checks the handler's own records of what the library did to it.
#include <thread>
#include <vector>

#include "miconform/handler_control.h"
#include "reference_test_support.h"

namespace miconform::reference::selftest {
namespace {

// Polls `condition` until it holds or kEventually passed. The handler offers no wait for these
// records; a record settles only after its callback has returned into the handler.
template <typename Condition>
bool Eventually(Condition condition) {
  auto deadline = std::chrono::steady_clock::now() + kEventually;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

MiconformOperationRecord OperationRecord(uint32_t index) {
  MiconformOperationRecord record{};
  EXPECT_EQ(0, miconform_handler_operation_record(index, &record));
  return record;
}

// Operations in both callback-thread modes, closed by a synchronous session close: each ends once
// and each handler operation is closed once and released.
void ScriptedHandlerOperationsEachEndOnceAndAreReleasedByClose(MI_Application& app) {
  ASSERT_EQ(0, miconform_handler_reset());
  MI_Session session{};
  ASSERT_EQ(MI_RESULT_OK, app.ft->NewSession(&app, MICONFORM_HANDLER_DEFAULT_PROTOCOL, nullptr,
                                             nullptr, nullptr, nullptr, &session));
  struct Planned {
    const char* script;
    MI_Uint32 flags;
    bool finishes_alone;
  };
  const std::vector<Planned> plan = {
      {"script:until_cancelled=1;result_delay_ms=1", 0, false},
      {"script:until_cancelled=1;result_delay_ms=1", MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS, false},
      {"script:until_cancelled=1;ignore_cancel=1;result_delay_ms=1", 0, false},
      {"script:results=3;callback_thread=caller", 0, true},
      {"script:results=3;callback_thread=caller", MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS, true},
  };
  std::vector<OperationLog> logs(plan.size());
  for (size_t i = 0; i < plan.size(); ++i)
    Enumerate(session, plan[i].script, logs[i], plan[i].flags);
  for (size_t i = 0; i < plan.size(); ++i) {
    if (plan[i].finishes_alone) {
      EXPECT_TRUE(logs[i].WaitFinal());
      EXPECT_EQ(MI_RESULT_OK, logs[i].final_code);
      EXPECT_EQ(3, logs[i].results);
    } else {
      EXPECT_TRUE(logs[i].WaitResults(1));
    }
  }

  ASSERT_EQ(MI_RESULT_OK, session.ft->Close(&session, nullptr, nullptr));
  for (auto& log : logs) {
    std::lock_guard lock(log.mutex);
    EXPECT_EQ(1, log.finals);
    EXPECT_EQ(0, log.after_final);
    EXPECT_EQ(0, log.in_callback);
  }
  ASSERT_EQ(plan.size(), miconform_handler_operation_count());
  for (uint32_t i = 0; i < plan.size(); ++i) {
    EXPECT_TRUE(Eventually([&] { return OperationRecord(i).released == 1; })) << plan[i].script;
    MiconformOperationRecord record = OperationRecord(i);
    EXPECT_EQ(1u, record.close_count) << plan[i].script;
    EXPECT_LE(record.final_sent, 1u) << plan[i].script;
    EXPECT_NE(0u, record.flags & MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS) << plan[i].script;
  }
  ASSERT_EQ(1u, miconform_handler_session_count());
  MiconformSessionRecord session_record{};
  ASSERT_EQ(0, miconform_handler_session_record(0, &session_record));
  EXPECT_EQ(1u, session_record.close_count);
  EXPECT_EQ(1u, session_record.completions_called);
}

TEST_F(ReferenceTest, ScriptedHandlerOperationsEachEndOnceAndAreReleasedByClose) {
  ScriptedHandlerOperationsEachEndOnceAndAreReleasedByClose(app_);
  EXPECT_EQ(MI_RESULT_OK, CloseApplication());
  EXPECT_EQ(1u, miconform_handler_application_close_count());
}

// The same for every conforming variant: the scripted handler is a conforming transport, which
// the variants that read the cancel otherwise rely on.
class VariantWithScriptedHandlerTest : public VariantTest,
                                       public ::testing::WithParamInterface<const char*> {
 protected:
  VariantWithScriptedHandlerTest() : VariantTest(GetParam()) {}
};

TEST_P(VariantWithScriptedHandlerTest, OperationsEachEndOnceAndAreReleasedByClose) {
  ScriptedHandlerOperationsEachEndOnceAndAreReleasedByClose(app_);
  EXPECT_EQ(MI_RESULT_OK, CloseApplication());
}

INSTANTIATE_TEST_SUITE_P(Variants, VariantWithScriptedHandlerTest,
                         ::testing::Values("second_close_ok", "sync_close_in_callback_refused",
                                           "cancel_by_closing_handler_operation",
                                           "sync_operation_close_waits_for_pull",
                                           "transport_final_after_cancel", "memory_freed_by_reaper",
                                           "callbacks_on_callers_thread"));

}  // namespace
}  // namespace miconform::reference::selftest

// session_close_wrapper_selftest.cc - self-tests of the MI_Session_Close wrapper of mi_abi.h
// (MI-ABI.md, "Handles"). The wrapper is compiled into the application, here the suite, not into
// a target library, so no target behaviour can pass or fail it: its rules (ABI-WRAP-1, untestable
// as conformance evidence) are proved here instead.
#include <gtest/gtest.h>

#include "miconform/mi_abi.h"

namespace miconform {
namespace {

int g_completions = 0;
void* g_context_seen = nullptr;

void CountWrapperCompletion(void* context) {
  ++g_completions;
  g_context_seen = context;
}

MI_Session* g_closed = nullptr;
MI_Result CloseThroughTable(MI_Session* session, void* context,
                            MI_SessionCloseCompletion callback) {
  g_closed = session;
  if (callback != nullptr) callback(context);
  return MI_RESULT_FAILED;  // whatever the table returns, the wrapper returns
}

class SessionCloseWrapper : public testing::Test {
 protected:
  void SetUp() override {
    g_completions = 0;
    g_context_seen = nullptr;
    g_closed = nullptr;
  }
};

TEST_F(SessionCloseWrapper, ASessionWithATableIsClosedThroughItsTable) {
  MI_SessionFT table{};
  table.Close = &CloseThroughTable;
  MI_Session session{1, 2, &table};
  int tag = 0;
  EXPECT_EQ(MI_Session_Close(&session, &tag, &CountWrapperCompletion), MI_RESULT_FAILED);
  EXPECT_EQ(g_closed, &session);
  EXPECT_EQ(g_completions, 1);
  EXPECT_EQ(g_context_seen, &tag);
}

TEST_F(SessionCloseWrapper, NoSessionOrNoTableWithACallbackCallsItOnceAndReturnsOk) {
  int tag = 0;
  EXPECT_EQ(MI_Session_Close(nullptr, &tag, &CountWrapperCompletion), MI_RESULT_OK);
  EXPECT_EQ(g_completions, 1);
  EXPECT_EQ(g_context_seen, &tag);
  MI_Session zeroed{};
  EXPECT_EQ(MI_Session_Close(&zeroed, nullptr, &CountWrapperCompletion), MI_RESULT_OK);
  EXPECT_EQ(g_completions, 2);
  EXPECT_EQ(g_context_seen, nullptr);
}

TEST_F(SessionCloseWrapper, NoSessionOrNoTableWithoutACallbackIsAnInvalidParameter) {
  EXPECT_EQ(MI_Session_Close(nullptr, nullptr, nullptr), MI_RESULT_INVALID_PARAMETER);
  MI_Session zeroed{};
  EXPECT_EQ(MI_Session_Close(&zeroed, nullptr, nullptr), MI_RESULT_INVALID_PARAMETER);
  EXPECT_EQ(g_completions, 0);
}

}  // namespace
}  // namespace miconform

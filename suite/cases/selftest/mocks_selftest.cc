// mocks_selftest.cc - self-tests of the callback mocks: the C trampolines reach the mock bound to
// the context, strays are traced, counters and waits work across threads.
#include <stdexcept>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "miconform/mocks/callback_mocks.h"

namespace miconform::mocks {
namespace {

using testing::_;
using testing::Eq;
using testing::StrEq;

MI_Result Acknowledge(MI_Operation*) { return MI_RESULT_OK; }

TEST(Mocks, FillPointsAtTheTrampolinesWithTheMockContext) {
  testing::NiceMock<MockOperationCallbacks> mock;
  MI_OperationCallbacks callbacks;
  mock.Fill(&callbacks);
  EXPECT_EQ(callbacks.callbackContext, mock.context());
  EXPECT_EQ(callbacks.callbackContext, static_cast<void*>(&mock));
  EXPECT_EQ(callbacks.instanceResult, &miconform_mock_instance_result);
  EXPECT_EQ(callbacks.writeMessage, &miconform_mock_write_message);
  EXPECT_EQ(callbacks.writeProgress, &miconform_mock_write_progress);
  EXPECT_EQ(callbacks.writeError, &miconform_mock_write_error);
  EXPECT_EQ(callbacks.promptUser, &miconform_mock_prompt_user);
  EXPECT_EQ(callbacks.indicationResult, nullptr);
  mock.Fill(&callbacks, MockOperationCallbacks::kInstanceResult);
  EXPECT_EQ(callbacks.writeMessage, nullptr);
  EXPECT_EQ(callbacks.instanceResult, &miconform_mock_instance_result);
}

TEST(Mocks, InstanceResultTrampolineForwardsEveryArgument) {
  testing::NiceMock<MockOperationCallbacks> mock;
  MI_Operation operation{};
  const auto* instance = reinterpret_cast<const MI_Instance*>(0x1234);
  EXPECT_CALL(mock, InstanceResult(&operation, mock.context(), instance, MI_FALSE,
                                   MI_RESULT_NOT_FOUND, StrEq("gone"), nullptr, &Acknowledge))
      .Times(1);
  miconform_mock_instance_result(&operation, mock.context(), instance, MI_FALSE,
                                 MI_RESULT_NOT_FOUND, "gone", nullptr, &Acknowledge);
  EXPECT_EQ(mock.FinalResults(), 1);
  EXPECT_EQ(mock.FinalResultsReturned(), 1);
  EXPECT_EQ(mock.Calls(), 1);
}

TEST(Mocks, OtherTrampolinesForwardToTheirMethods) {
  testing::NiceMock<MockOperationCallbacks> mock;
  MI_Operation operation{};
  EXPECT_CALL(mock, WriteMessage(&operation, mock.context(), 3u, StrEq("hello"))).Times(1);
  EXPECT_CALL(
      mock, WriteProgress(&operation, mock.context(), StrEq("a"), StrEq("b"), StrEq("c"), 50u, 7u))
      .Times(1);
  EXPECT_CALL(mock, WriteError(&operation, mock.context(), nullptr, nullptr)).Times(1);
  EXPECT_CALL(mock, PromptUser(&operation, mock.context(), StrEq("sure?"), 1, nullptr)).Times(1);
  EXPECT_CALL(
      mock, ClassResult(&operation, mock.context(), nullptr, MI_TRUE, MI_RESULT_OK, _, _, nullptr))
      .Times(1);
  EXPECT_CALL(mock, IndicationResult(&operation, mock.context(), nullptr, StrEq("bm"), StrEq("m"),
                                     MI_TRUE, MI_RESULT_OK, _, _, nullptr))
      .Times(1);
  miconform_mock_write_message(&operation, mock.context(), 3, "hello");
  miconform_mock_write_progress(&operation, mock.context(), "a", "b", "c", 50, 7);
  miconform_mock_write_error(&operation, mock.context(), nullptr, nullptr);
  miconform_mock_prompt_user(&operation, mock.context(), "sure?", 1, nullptr);
  miconform_mock_class_result(&operation, mock.context(), nullptr, MI_TRUE, MI_RESULT_OK, nullptr,
                              nullptr, nullptr);
  miconform_mock_indication_result(&operation, mock.context(), nullptr, "bm", "m", MI_TRUE,
                                   MI_RESULT_OK, nullptr, nullptr, nullptr);
  EXPECT_EQ(mock.FinalResults(), 0);
  EXPECT_EQ(mock.Calls(), 6);
}

TEST(Mocks, EachContextReachesOnlyItsOwnMock) {
  testing::StrictMock<MockOperationCallbacks> first;
  testing::StrictMock<MockOperationCallbacks> second;
  EXPECT_CALL(second, WriteMessage(_, second.context(), _, _)).Times(1);
  miconform_mock_write_message(nullptr, second.context(), 0, "x");
}

TEST(Mocks, UnknownContextIsTracedAsStray) {
  CallbackTrace::Get().Clear();
  int unbound = 0;
  miconform_mock_instance_result(nullptr, &unbound, nullptr, MI_TRUE, MI_RESULT_OK, nullptr,
                                 nullptr, nullptr);
  miconform_mock_session_close_completion(&unbound);
  EXPECT_EQ(CallbackTrace::Get().StrayCount(), 2);
  const auto entries = CallbackTrace::Get().Entries();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].callback, "stray:instanceResult");
  EXPECT_EQ(entries[0].more_results, 1);
  EXPECT_EQ(entries[1].callback, "stray:completion");
  CallbackTrace::Get().Clear();
}

TEST(Mocks, CompletionRoutesByContextIncludingNull) {
  int tag = 0;
  MockSessionCloseCompletion tagged(&tag);
  MockSessionCloseCompletion null_context(nullptr);
  EXPECT_CALL(tagged, Completed(Eq(&tag))).Times(1);
  EXPECT_CALL(null_context, Completed(Eq(nullptr))).Times(2);
  MockSessionCloseCompletion::Callback()(&tag);
  MockSessionCloseCompletion::Callback()(nullptr);
  MockSessionCloseCompletion::Callback()(nullptr);
  EXPECT_EQ(tagged.Calls(), 1);
  EXPECT_EQ(null_context.Returned(), 2);
}

TEST(Mocks, OneMockPerContext) {
  int tag = 0;
  MockSessionCloseCompletion first(&tag);
  EXPECT_THROW(MockSessionCloseCompletion second(&tag), std::invalid_argument);
  MockOperationCallbacks operation_mock(&tag);  // another kind may share the pointer
  EXPECT_EQ(operation_mock.context(), static_cast<void*>(&tag));
}

TEST(Mocks, CountsCallbacksAfterTheFinalResult) {
  testing::NiceMock<MockOperationCallbacks> mock;
  miconform_mock_instance_result(nullptr, mock.context(), nullptr, MI_TRUE, MI_RESULT_OK, nullptr,
                                 nullptr, nullptr);
  miconform_mock_instance_result(nullptr, mock.context(), nullptr, MI_FALSE, MI_RESULT_OK, nullptr,
                                 nullptr, nullptr);
  EXPECT_EQ(mock.CallsAfterFinal(), 0);
  miconform_mock_write_message(nullptr, mock.context(), 0, "late");
  EXPECT_EQ(mock.CallsAfterFinal(), 1);
}

TEST(Mocks, TraceRecordsOrderThreadAndResult) {
  CallbackTrace::Get().Clear();
  testing::NiceMock<MockOperationCallbacks> mock;
  std::thread([&] {
    miconform_mock_instance_result(nullptr, mock.context(), nullptr, MI_FALSE, MI_RESULT_FAILED,
                                   nullptr, nullptr, nullptr);
  }).join();
  miconform_mock_write_message(nullptr, mock.context(), 0, "m");
  const auto entries = CallbackTrace::Get().Entries();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_LT(entries[0].sequence, entries[1].sequence);
  EXPECT_NE(entries[0].thread, std::this_thread::get_id());
  EXPECT_EQ(entries[1].thread, std::this_thread::get_id());
  EXPECT_EQ(entries[0].result, MI_RESULT_FAILED);
  EXPECT_EQ(entries[0].more_results, 0);
  EXPECT_NE(entries[0].ToString().find("instanceResult"), std::string::npos);
  CallbackTrace::Get().Clear();
}

TEST(Mocks, WaitFinalResultsSeesAFinalFromAnotherThread) {
  testing::NiceMock<MockOperationCallbacks> mock;
  std::thread caller([&] {
    miconform_mock_instance_result(nullptr, mock.context(), nullptr, MI_FALSE, MI_RESULT_OK,
                                   nullptr, nullptr, nullptr);
  });
  EXPECT_TRUE(mock.WaitFinalResults(1, std::chrono::seconds(5)));
  caller.join();
  EXPECT_FALSE(mock.WaitFinalResults(2, std::chrono::milliseconds(1)));
}

TEST(Mocks, UnbindWaitsForACallInsideTheMock) {
  testing::NiceMock<MockOperationCallbacks> mock;
  std::mutex gate;
  std::unique_lock<std::mutex> closed(gate);
  std::atomic<bool> inside{false};
  EXPECT_CALL(mock, WriteMessage(_, _, _, _))
      .WillOnce([&](MI_Operation*, void*, MI_Uint32, const MI_Char*) {
        inside = true;
        std::lock_guard<std::mutex> wait_for_gate(gate);
      });
  std::thread caller([&] { miconform_mock_write_message(nullptr, mock.context(), 0, "x"); });
  while (!inside) std::this_thread::yield();
  EXPECT_FALSE(mock.Unbind(std::chrono::milliseconds(20)));  // still inside: must be kept alive
  closed.unlock();
  caller.join();
  EXPECT_TRUE(mock.Unbind(std::chrono::seconds(5)));
  CallbackTrace::Get().Clear();
  miconform_mock_write_message(nullptr, mock.context(), 0, "after unbind");  // no longer routed
  EXPECT_EQ(CallbackTrace::Get().StrayCount(), 1);
  CallbackTrace::Get().Clear();
}

}  // namespace
}  // namespace miconform::mocks

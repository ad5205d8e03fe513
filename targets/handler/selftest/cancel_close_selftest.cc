// cancel_close_selftest.cc - self-tests of cancel (honoured, delayed, ignored), operation Close and
// release in either order, and calls that arrive after release.
#include <algorithm>

#include "test_client.h"

namespace miconform::handler::selftest {
namespace {

using CancelClose = HandlerTest;

bool NothingAfterFinal(const std::vector<Event>& events) {
  auto final_at = std::find_if(events.begin(), events.end(),
                               [](const Event& e) { return e.kind == Event::final_result; });
  return final_at != events.end() && final_at + 1 == events.end();
}

TEST_F(CancelClose, UntilCancelledThenCancelGivesExactlyOneFinalAndNothingAfter) {
  TestOperation op;
  op.on_result = [](TestOperation& self, const Event&) { self.ack(); };
  enumerate(op, "script:until_cancelled=1;result_delay_ms=1");
  ASSERT_TRUE(op.WaitResults(3));
  EXPECT_EQ(op.cancel(MI_REASON_TIMEOUT), MI_RESULT_OK);
  ASSERT_TRUE(op.WaitFinal());
  EXPECT_EQ(miconform_handler_wait_cancels(1, 20000), 1);
  // Give a misbehaving handler the chance to send more, then look.
  EXPECT_FALSE(
      op.WaitUntil([](auto& e) { return !NothingAfterFinal(e); }, std::chrono::milliseconds(100)));
  auto events = op.events();
  EXPECT_EQ(op.FinalCount(), 1u);
  EXPECT_EQ(events.back().code, MI_RESULT_FAILED);
  EXPECT_EQ(events.back().error, "cancelled");
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  ASSERT_TRUE(WaitRecord(op.record_index, [](auto& r) { return r.released == 1; }));
  auto record = OperationRecord(op.record_index);
  EXPECT_EQ(record.cancel_count, 1u);
  EXPECT_EQ(record.cancel_reason, MI_REASON_TIMEOUT);
  EXPECT_GT(record.first_cancel_ns, 0u);
  EXPECT_GE(record.final_ns, record.first_cancel_ns);
  EXPECT_EQ(record.final_sent, 1u);
}

TEST_F(CancelClose, CancelDelayIsHonouredBeforeTheFinal) {
  TestOperation op;
  op.on_result = [](TestOperation& self, const Event&) { self.ack(); };
  enumerate(op, "script:until_cancelled=1;result_delay_ms=2;cancel_delay_ms=80");
  ASSERT_TRUE(op.WaitResults(1));
  EXPECT_EQ(op.cancel(), MI_RESULT_OK);
  ASSERT_TRUE(op.WaitFinal());
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  ASSERT_TRUE(WaitRecord(op.record_index, [](auto& r) { return r.released == 1; }));
  auto record = OperationRecord(op.record_index);
  EXPECT_GE(record.final_ns - record.first_cancel_ns, 80u * 1000000u);
  EXPECT_EQ(op.events().back().error, "cancelled");
}

TEST_F(CancelClose, AServerIgnoringTheCancelStillGetsTheTransportsFinal) {
  // ignore_cancel scripts the server behind the transport; the transport keeps its duty: it
  // disconnects and ends the operation with a final result, and sends nothing after it.
  TestOperation op;
  op.on_result = [](TestOperation& self, const Event& event) {
    if (event.more && event.record.results_sent == 3) {
      self.cancel();
    }
    self.ack();
  };
  enumerate(op, "script:until_cancelled=1;ignore_cancel=1;result_delay_ms=1");
  ASSERT_TRUE(op.WaitFinal());
  EXPECT_FALSE(
      op.WaitUntil([](auto& e) { return !NothingAfterFinal(e); }, std::chrono::milliseconds(100)));
  const auto events = op.events();
  EXPECT_EQ(op.FinalCount(), 1u);
  EXPECT_EQ(events.back().code, MI_RESULT_FAILED);
  EXPECT_NE(events.back().error.find("disconnected"), std::string::npos) << events.back().error;
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  ASSERT_TRUE(WaitRecord(op.record_index, [](auto& r) { return r.released == 1; }));
  auto record = OperationRecord(op.record_index);
  EXPECT_EQ(record.cancel_count, 1u);
  EXPECT_EQ(record.final_sent, 1u);
  EXPECT_GE(record.final_ns, record.first_cancel_ns);
}

TEST_F(CancelClose, TheCancelsFinalWaitsForTheOutstandingAcknowledgement) {
  // A transport never sends a result before the previous one was acknowledged: the final
  // result a cancel brings waits for the acknowledgement the client still owes.
  TestOperation op;
  op.on_result = [](TestOperation& self, const Event&) { self.cancel(); };
  enumerate(op, "script:until_cancelled=1");
  ASSERT_TRUE(op.WaitResults(1));
  EXPECT_FALSE(op.WaitUntil([](auto& e) { return e.size() > 1; }, std::chrono::milliseconds(100)));
  EXPECT_EQ(op.FinalCount(), 0u);
  EXPECT_EQ(op.ack(), MI_RESULT_OK);
  ASSERT_TRUE(op.WaitFinal());
  EXPECT_EQ(op.ResultCount(), 1u);
  EXPECT_EQ(op.events().back().error, "cancelled");
  EXPECT_EQ(op.ack(), MI_RESULT_OK);
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  ASSERT_TRUE(WaitRecord(op.record_index, [](auto& r) { return r.released == 1; }));
}

TEST_F(CancelClose, CancelAfterTheFinalIsOnlyRecorded) {
  TestOperation op;
  enumerate(op, "script:results=0");
  ASSERT_TRUE(op.WaitFinal());
  EXPECT_EQ(op.cancel(), MI_RESULT_OK);
  EXPECT_EQ(op.ack(), MI_RESULT_OK);
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  ASSERT_TRUE(WaitRecord(op.record_index, [](auto& r) { return r.released == 1; }));
  auto record = OperationRecord(op.record_index);
  EXPECT_EQ(record.final_result, MI_RESULT_OK);
  EXPECT_EQ(record.final_sent, 1u);
  EXPECT_EQ(record.cancel_count, 1u);
  EXPECT_EQ(record.released, 1);
}

TEST_F(CancelClose, CloseThenAckReleasesOnlyAtTheAck) {
  TestOperation op;
  enumerate(op, "script:results=0");
  ASSERT_TRUE(op.WaitFinal());
  ASSERT_TRUE(WaitRecord(op.record_index, [](auto& r) { return r.callbacks_in_flight == 0; }));
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  EXPECT_EQ(OperationRecord(op.record_index).released, 0);
  EXPECT_EQ(op.ack(), MI_RESULT_OK);
  EXPECT_EQ(OperationRecord(op.record_index).released, 1);
}

TEST_F(CancelClose, AckThenCloseReleasesAtTheClose) {
  TestOperation op;
  enumerate(op, "script:results=0;operation_close_delay_ms=30");
  ASSERT_TRUE(op.WaitFinal());
  ASSERT_TRUE(WaitRecord(op.record_index, [](auto& r) { return r.callbacks_in_flight == 0; }));
  EXPECT_EQ(op.ack(), MI_RESULT_OK);
  EXPECT_EQ(OperationRecord(op.record_index).released, 0);
  const auto before = std::chrono::steady_clock::now();
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  EXPECT_GE(std::chrono::steady_clock::now() - before, std::chrono::milliseconds(30));
  EXPECT_EQ(OperationRecord(op.record_index).released, 1);
}

TEST_F(CancelClose, CallsAfterReleaseAreCountedAndRefused) {
  TestOperation op;
  enumerate(op, "script:results=0");
  ASSERT_TRUE(op.WaitFinal());
  EXPECT_EQ(op.ack(), MI_RESULT_OK);
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  ASSERT_TRUE(WaitRecord(op.record_index, [](auto& r) { return r.released == 1; }));
  EXPECT_EQ(op.close(), MI_RESULT_INVALID_PARAMETER);
  EXPECT_EQ(op.cancel(), MI_RESULT_INVALID_PARAMETER);
  EXPECT_EQ(op.ack(), MI_RESULT_INVALID_PARAMETER);
  MI_Session out{};
  EXPECT_EQ(op.handle.ft->GetSession(&op.handle, &out), MI_RESULT_INVALID_PARAMETER);
  auto record = OperationRecord(op.record_index);
  EXPECT_EQ(record.close_count, 2u);
  EXPECT_EQ(record.cancel_count, 1u);
  EXPECT_EQ(record.results_acknowledged, 2u);
  EXPECT_EQ(miconform_handler_wait_cancels(1, 1000), 1);
  // A handle the handler never filled is refused without touching any record.
  MI_Operation foreign{};
  foreign.ft = op.handle.ft;
  EXPECT_EQ(foreign.ft->Close(&foreign), MI_RESULT_INVALID_PARAMETER);
  EXPECT_EQ(foreign.ft->Cancel(&foreign, MI_REASON_NONE), MI_RESULT_INVALID_PARAMETER);
}

TEST_F(CancelClose, CloseBeforeAnyFinalReleasesAtOnceAndStopsCallbacks) {
  TestOperation op;
  enumerate(op, "script:results=5");
  ASSERT_TRUE(op.WaitResults(1));
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  EXPECT_EQ(op.close(), MI_RESULT_INVALID_PARAMETER);  // a second Close is counted, refused
  ASSERT_TRUE(WaitRecord(op.record_index, [](auto& r) { return r.released == 1; }));
  EXPECT_EQ(op.ack(), MI_RESULT_INVALID_PARAMETER);  // late: the operation is gone
  EXPECT_FALSE(op.WaitUntil([](auto& e) { return e.size() > 1; }, std::chrono::milliseconds(100)));
  auto record = OperationRecord(op.record_index);
  EXPECT_EQ(record.final_sent, 0u);
  EXPECT_EQ(record.close_count, 2u);
}

TEST_F(CancelClose, GetSessionAndPullSlots) {
  TestOperation op;
  enumerate(op, "script:results=0");
  ASSERT_TRUE(op.WaitFinal());
  MI_Session session{};
  EXPECT_EQ(op.handle.ft->GetSession(&op.handle, &session), MI_RESULT_OK);
  EXPECT_EQ(session.ft, session_.ft);
  EXPECT_EQ(session.reserved1, session_.reserved1);
  const MI_Instance* instance = reinterpret_cast<const MI_Instance*>(&op);
  MI_Boolean more = MI_TRUE;
  MI_Result result = MI_RESULT_OK;
  EXPECT_EQ(op.handle.ft->GetInstance(&op.handle, &instance, &more, &result, nullptr, nullptr),
            MI_RESULT_NOT_SUPPORTED);
  EXPECT_EQ(instance, nullptr);
  EXPECT_EQ(more, MI_FALSE);
  EXPECT_EQ(result, MI_RESULT_NOT_SUPPORTED);
  EXPECT_EQ(op.ack(), MI_RESULT_OK);
  EXPECT_EQ(op.close(), MI_RESULT_OK);
}

}  // namespace
}  // namespace miconform::handler::selftest

// results_selftest.cc - self-tests of result delivery on the handler thread: counts, order, flags,
// acknowledgement gating and the records of a completed operation.
#include "test_client.h"

namespace miconform::handler::selftest {
namespace {

using Results = HandlerTest;

TEST_F(Results, MessagesAndProgressThenNResultsThenOneFinal) {
  TestOperation op;
  op.on_result = [](TestOperation& self, const Event&) { self.ack(); };
  enumerate(op, "script:results=3;messages=2;progress=2;final_result=NOT_FOUND");
  ASSERT_TRUE(op.WaitFinal());
  auto events = op.events();
  ASSERT_EQ(events.size(), 8u);
  EXPECT_EQ(events[0].kind, Event::message);
  EXPECT_EQ(events[1].kind, Event::message);
  EXPECT_EQ(events[2].kind, Event::progress);
  EXPECT_EQ(events[3].kind, Event::progress);
  for (int i = 4; i < 7; ++i) {
    EXPECT_EQ(events[i].kind, Event::result);
    EXPECT_EQ(events[i].more, MI_TRUE);
    EXPECT_EQ(events[i].code, MI_RESULT_OK);
    EXPECT_NE(events[i].instance, nullptr);
    EXPECT_NE(events[i].ack, nullptr);
    EXPECT_NE(events[i].thread, std::this_thread::get_id());
  }
  EXPECT_EQ(events[7].kind, Event::final_result);
  EXPECT_EQ(events[7].more, MI_FALSE);
  EXPECT_EQ(events[7].instance, nullptr);
  EXPECT_EQ(events[7].code, MI_RESULT_NOT_FOUND);
  EXPECT_NE(events[7].ack, nullptr);
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  ASSERT_TRUE(WaitRecord(op.record_index, [](auto& r) { return r.released == 1; }));
  auto record = OperationRecord(op.record_index);
  EXPECT_EQ(record.results_sent, 3u);
  EXPECT_EQ(record.results_acknowledged, 4u);
  EXPECT_EQ(record.final_sent, 1u);
  EXPECT_EQ(record.final_result, MI_RESULT_NOT_FOUND);
  EXPECT_EQ(record.close_count, 1u);
  EXPECT_EQ(record.callbacks_in_flight, 0u);
}

TEST_F(Results, ManualAckGatesEveryNextResult) {
  TestOperation op;
  enumerate(op, "script:results=3");
  ASSERT_TRUE(op.WaitResults(1));
  // Without an acknowledgement nothing more may come, however long we look.
  EXPECT_FALSE(op.WaitUntil([](auto& e) { return e.size() > 1; }, std::chrono::milliseconds(150)));
  for (size_t i = 1; i <= 3; ++i) {
    const size_t seen = op.events().size();
    ASSERT_EQ(seen, i);
    EXPECT_EQ(op.ack(), MI_RESULT_OK);
    ASSERT_TRUE(op.WaitUntil([seen](auto& e) { return e.size() > seen; }));
  }
  EXPECT_EQ(op.ResultCount(), 3u);
  EXPECT_EQ(op.FinalCount(), 1u);
  EXPECT_EQ(op.ack(), MI_RESULT_OK);
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  // The final callback may still be returning on the handler thread.
  ASSERT_TRUE(WaitRecord(op.record_index, [](auto& r) { return r.released == 1; }));
}

TEST_F(Results, WithoutManualAckResultsFlowAndLateAcksAreCounted) {
  TestOperation op;
  enumerate(op, "script:results=5", 0);
  ASSERT_TRUE(op.WaitFinal());
  EXPECT_EQ(op.ResultCount(), 5u);
  EXPECT_EQ(op.ack(), MI_RESULT_OK);
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  ASSERT_TRUE(WaitRecord(op.record_index, [](auto& r) { return r.released == 1; }));
  EXPECT_EQ(OperationRecord(op.record_index).results_acknowledged, 1u);
  EXPECT_EQ(OperationRecord(op.record_index).flags, 0u);
}

TEST_F(Results, RecordDescribesTheOperationAndCallbacksInFlight) {
  TestOperation op;
  op.on_result = [](TestOperation& self, const Event&) { self.ack(); };
  enumerate(op, "script:results=1;result_delay_ms=1",
            MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS | MI_OPERATIONFLAGS_REPORT_OPERATION_STARTED);
  ASSERT_TRUE(op.WaitFinal());
  for (const Event& event : op.events()) {
    EXPECT_EQ(event.record.callbacks_in_flight, 1u);
  }
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  ASSERT_TRUE(WaitRecord(op.record_index, [](auto& r) { return r.released == 1; }));
  auto record = OperationRecord(op.record_index);
  EXPECT_EQ(record.id, op.record_index + 1);
  EXPECT_EQ(record.session_id, 1u);
  EXPECT_STREQ(record.kind, "EnumerateInstances");
  EXPECT_STREQ(record.class_name, "script:results=1;result_delay_ms=1");
  EXPECT_EQ(record.flags,
            MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS | MI_OPERATIONFLAGS_REPORT_OPERATION_STARTED);
  EXPECT_GT(record.started_ns, 0u);
  EXPECT_GE(record.final_ns, record.started_ns + 2000000u);  // two 1 ms result delays
  EXPECT_GE(record.close_ns, record.final_ns);
  EXPECT_EQ(record.cancel_count, 0u);
  EXPECT_EQ(record.first_cancel_ns, 0u);
  EXPECT_EQ(record.callbacks_in_flight, 0u);
  EXPECT_EQ(miconform_handler_operation_count(), op.record_index + 1);
  MiconformOperationRecord out{};
  EXPECT_EQ(miconform_handler_operation_record(op.record_index + 1, &out), -1);
}

TEST_F(Results, LongClassNamesAreTruncated) {
  std::string name = "script:results=0;" + std::string(300, ' ');
  TestOperation op;
  enumerate(op, name.c_str(), 0);
  ASSERT_TRUE(op.WaitFinal());
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  EXPECT_EQ(std::string(OperationRecord(op.record_index).class_name).size(), 127u);
}

TEST_F(Results, WaitStartedAndResetRefusesWhileAlive) {
  TestOperation op;
  enumerate(op, "script:results=1");
  EXPECT_EQ(miconform_handler_wait_started(1, 20000), 1);
  EXPECT_EQ(miconform_handler_wait_started(2, 50), 0);
  ASSERT_TRUE(op.WaitResults(1));
  EXPECT_EQ(miconform_handler_reset(), -1);
  EXPECT_EQ(miconform_handler_operation_count(), 1u);
  op.ack();
  ASSERT_TRUE(op.WaitFinal());
  op.ack();
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  EXPECT_EQ(miconform_handler_reset(), -1);  // the session is still open
}

}  // namespace
}  // namespace miconform::handler::selftest

// caller_thread_selftest.cc - self-tests of MICONFORM_THREAD_CALLER: every callback on the caller's
// thread, inside the start, acknowledgement or Cancel call the header names.
#include "test_client.h"

namespace miconform::handler::selftest {
namespace {

using CallerThread = HandlerTest;

TEST_F(CallerThread, FirstResultInsideStartEachNextInsideTheAck) {
  TestOperation op;
  enumerate(op, "script:callback_thread=caller;results=2;messages=1;progress=1");
  auto events = op.events();
  ASSERT_EQ(events.size(), 3u);  // message, progress, first result: all inside the start call
  for (const Event& event : events) {
    EXPECT_EQ(event.thread, std::this_thread::get_id());
    EXPECT_EQ(event.call, "start");
  }
  EXPECT_EQ(events[2].kind, Event::result);

  EXPECT_EQ(op.ack(), MI_RESULT_OK);
  events = op.events();
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[3].kind, Event::result);
  EXPECT_EQ(events[3].call, "ack");
  EXPECT_EQ(events[3].thread, std::this_thread::get_id());

  EXPECT_EQ(op.ack(), MI_RESULT_OK);
  events = op.events();
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[4].kind, Event::final_result);
  EXPECT_EQ(events[4].call, "ack");
  EXPECT_EQ(events[4].thread, std::this_thread::get_id());

  EXPECT_EQ(op.ack(), MI_RESULT_OK);  // acknowledges the final; nothing more comes
  EXPECT_EQ(op.events().size(), 5u);
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  EXPECT_EQ(OperationRecord(op.record_index).released, 1);
}

TEST_F(CallerThread, WithoutManualAckEverythingArrivesInsideStart) {
  TestOperation op;
  enumerate(op, "script:callback_thread=caller;results=4", 0);
  auto events = op.events();
  ASSERT_EQ(events.size(), 5u);
  for (const Event& event : events) {
    EXPECT_EQ(event.call, "start");
    EXPECT_EQ(event.thread, std::this_thread::get_id());
  }
  EXPECT_EQ(events.back().kind, Event::final_result);
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  EXPECT_EQ(OperationRecord(op.record_index).released, 1);
}

TEST_F(CallerThread, ACancelWithAnAcknowledgementOwedEndsInsideThatAcknowledgement) {
  TestOperation op;
  enumerate(op, "script:callback_thread=caller;until_cancelled=1;cancel_delay_ms=30");
  ASSERT_EQ(op.events().size(), 1u);
  // The first result is still unacknowledged: the Cancel call returns without the final, and
  // the acknowledgement call waits out the cancel's delay and makes it.
  const auto before = std::chrono::steady_clock::now();
  EXPECT_EQ(op.cancel(MI_REASON_SHUTDOWN), MI_RESULT_OK);
  EXPECT_EQ(op.events().size(), 1u);
  EXPECT_EQ(op.ack(), MI_RESULT_OK);
  auto events = op.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].kind, Event::final_result);
  EXPECT_EQ(events[1].error, "cancelled");
  EXPECT_EQ(events[1].thread, std::this_thread::get_id());
  EXPECT_GE(std::chrono::steady_clock::now() - before, std::chrono::milliseconds(30));
  EXPECT_EQ(events[1].call, "ack");
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  EXPECT_EQ(OperationRecord(op.record_index).released, 0);
  EXPECT_EQ(op.ack(), MI_RESULT_OK);
  EXPECT_EQ(OperationRecord(op.record_index).released, 1);
}

TEST_F(CallerThread, AnIgnoredCancelsFinalComesInsideTheOwedAcknowledgement) {
  // The server ignores the cancel; the transport still ends the operation, but only once the
  // result the client holds is acknowledged: the final result is made inside that ack call.
  TestOperation op;
  enumerate(op, "script:callback_thread=caller;results=2;ignore_cancel=1");
  EXPECT_EQ(op.cancel(), MI_RESULT_OK);
  EXPECT_EQ(op.events().size(), 1u);
  EXPECT_EQ(op.ack(), MI_RESULT_OK);
  auto events = op.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].kind, Event::final_result);
  EXPECT_EQ(events[1].code, MI_RESULT_FAILED);
  EXPECT_EQ(op.ack(), MI_RESULT_OK);
  EXPECT_EQ(op.close(), MI_RESULT_OK);
}

TEST_F(CallerThread, DelaysAreSleptOnTheCallersThread) {
  TestOperation op;
  const auto before = std::chrono::steady_clock::now();
  enumerate(op, "script:callback_thread=caller;results=1;result_delay_ms=25");
  EXPECT_GE(std::chrono::steady_clock::now() - before, std::chrono::milliseconds(25));
  ASSERT_EQ(op.ResultCount(), 1u);
  EXPECT_EQ(op.ack(), MI_RESULT_OK);
  EXPECT_EQ(op.FinalCount(), 1u);
  EXPECT_EQ(op.ack(), MI_RESULT_OK);
  EXPECT_EQ(op.close(), MI_RESULT_OK);
}

}  // namespace
}  // namespace miconform::handler::selftest

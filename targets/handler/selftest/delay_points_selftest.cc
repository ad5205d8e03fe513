// delay_points_selftest.cc - self-tests of the handler's injection-point counts: each scripted
// delay that is waited out is counted once in its record field, and delays of 0 or cut short are
// not.
#include "test_client.h"

namespace miconform::handler::selftest {
namespace {

void AcknowledgeEveryResult(TestOperation& op) {
  op.on_result = [](TestOperation& self, const Event&) { self.ack(); };
}

// The test fixture, plus one step most tests share: run a script whose results are all
// acknowledged to its final result, close the operation and wait until the handler released it.
class DelayPointsTest : public HandlerTest {
 protected:
  // False (with a failure recorded) when the operation did not end or was not released.
  bool RunToRelease(TestOperation& op, const char* script) {
    AcknowledgeEveryResult(op);
    enumerate(op, script);
    if (!op.WaitFinal()) {
      ADD_FAILURE() << "no final result for " << script;
      return false;
    }
    EXPECT_EQ(op.close(), MI_RESULT_OK);
    const bool released = WaitRecord(op.record_index, [](auto& r) { return r.released == 1; });
    EXPECT_TRUE(released) << "the handler did not release the operation of " << script;
    return released;
  }
};

TEST_F(DelayPointsTest, NoDelaysCountNothing) {
  TestOperation op;
  ASSERT_TRUE(RunToRelease(op, "script:results=2"));
  const MiconformOperationRecord record = OperationRecord(op.record_index);
  EXPECT_EQ(record.result_delays_waited, 0u);
  EXPECT_EQ(record.cancel_delays_waited, 0u);
  EXPECT_EQ(record.close_delays_waited, 0u);
  CloseSession();
  EXPECT_EQ(SessionRecord(0).close_delays_waited, 0u);
}

TEST_F(DelayPointsTest, EachResultDelayWaitedIsCountedTheFinalIncluded) {
  TestOperation op;
  ASSERT_TRUE(RunToRelease(op, "script:results=2;result_delay_ms=2"));
  const MiconformOperationRecord record = OperationRecord(op.record_index);
  EXPECT_EQ(record.results_sent, 2u);
  EXPECT_EQ(record.result_delays_waited, 3u);
  EXPECT_EQ(record.cancel_delays_waited, 0u);
  EXPECT_EQ(record.close_delays_waited, 0u);
}

TEST_F(DelayPointsTest, CallerThreadResultDelaysAreCountedToo) {
  TestOperation op;
  ASSERT_TRUE(RunToRelease(op, "script:results=1;result_delay_ms=2;callback_thread=caller"));
  EXPECT_EQ(OperationRecord(op.record_index).result_delays_waited, 2u);
}

TEST_F(DelayPointsTest, AResultDelayCutShortByCloseIsNotCounted) {
  TestOperation op;
  enumerate(op, "script:results=1;result_delay_ms=600000");
  ASSERT_EQ(miconform_handler_wait_started(1, 20000), 1);
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  ASSERT_TRUE(WaitRecord(op.record_index, [](auto& r) { return r.released == 1; }));
  const MiconformOperationRecord record = OperationRecord(op.record_index);
  EXPECT_EQ(record.results_sent, 0u);
  EXPECT_EQ(record.result_delays_waited, 0u);
}

TEST_F(DelayPointsTest, AnHonouredCancelDelayIsCountedOnce) {
  TestOperation op;
  AcknowledgeEveryResult(op);
  enumerate(op, "script:until_cancelled=1;result_delay_ms=1;cancel_delay_ms=20");
  ASSERT_TRUE(op.WaitResults(1));
  EXPECT_EQ(op.cancel(), MI_RESULT_OK);
  EXPECT_EQ(op.cancel(), MI_RESULT_OK);  // a second cancel starts no second delay
  ASSERT_TRUE(op.WaitFinal());
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  ASSERT_TRUE(WaitRecord(op.record_index, [](auto& r) { return r.released == 1; }));
  const MiconformOperationRecord record = OperationRecord(op.record_index);
  EXPECT_EQ(record.cancel_delays_waited, 1u);
  EXPECT_GE(record.result_delays_waited, 1u);
  EXPECT_EQ(op.events().back().error, "cancelled");
}

TEST_F(DelayPointsTest, ACancelWithoutDelayIsNotCountedOneCutShortByCloseIs) {
  TestOperation quick;
  AcknowledgeEveryResult(quick);
  enumerate(quick, "script:until_cancelled=1;result_delay_ms=1");
  ASSERT_TRUE(quick.WaitResults(1));
  EXPECT_EQ(quick.cancel(), MI_RESULT_OK);
  ASSERT_TRUE(quick.WaitFinal());
  EXPECT_EQ(quick.close(), MI_RESULT_OK);
  ASSERT_TRUE(WaitRecord(quick.record_index, [](auto& r) { return r.released == 1; }));
  EXPECT_EQ(OperationRecord(quick.record_index).cancel_delays_waited, 0u);

  TestOperation slow;
  AcknowledgeEveryResult(slow);
  enumerate(slow, "script:until_cancelled=1;result_delay_ms=1;cancel_delay_ms=600000");
  ASSERT_TRUE(slow.WaitResults(1));
  EXPECT_EQ(slow.cancel(), MI_RESULT_OK);
  EXPECT_EQ(slow.close(), MI_RESULT_OK);  // stops the operation inside its cancel delay
  ASSERT_TRUE(WaitRecord(slow.record_index, [](auto& r) { return r.released == 1; }));
  const MiconformOperationRecord record = OperationRecord(slow.record_index);
  EXPECT_EQ(record.final_sent, 0u);
  EXPECT_EQ(record.cancel_delays_waited, 1u);  // the slow wind-down had begun
}

TEST_F(DelayPointsTest, TheOperationCloseDelayIsCountedOncePerClose) {
  TestOperation op;
  AcknowledgeEveryResult(op);
  enumerate(op, "script:results=0;operation_close_delay_ms=5");
  ASSERT_TRUE(op.WaitFinal());
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  EXPECT_EQ(op.close(), MI_RESULT_INVALID_PARAMETER);  // no second sleep, no second count
  ASSERT_TRUE(WaitRecord(op.record_index, [](auto& r) { return r.released == 1; }));
  const MiconformOperationRecord record = OperationRecord(op.record_index);
  EXPECT_EQ(record.close_delays_waited, 1u);
  EXPECT_EQ(record.result_delays_waited, 0u);
}

TEST_F(DelayPointsTest, SynchronousSessionCloseDelayIsCounted) {
  MiconformScript script = ScriptFrom("session_close_delay_ms=5");
  miconform_handler_set_default_script(&script);
  CloseSession();
  const MiconformSessionRecord record = SessionRecord(0);
  EXPECT_EQ(record.close_delays_waited, 1u);
  EXPECT_EQ(record.completions_called, 0u);
}

TEST_F(DelayPointsTest, ACompletedSessionCloseDelayIsCountedBeforeTheCompletion) {
  TestOperation op;
  AcknowledgeEveryResult(op);
  enumerate(op, "script:results=0;session_close_delay_ms=5");
  ASSERT_TRUE(op.WaitFinal());
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  Completion completion;
  session_open_ = false;
  EXPECT_EQ(session_.ft->Close(&session_, &completion, Completion::callback), MI_RESULT_OK);
  ASSERT_TRUE(completion.wait());
  const MiconformSessionRecord record = SessionRecord(0);
  EXPECT_EQ(record.close_delays_waited, 1u);
  EXPECT_EQ(record.completions_called, 1u);
  // A second Close neither sleeps nor counts.
  EXPECT_EQ(session_.ft->Close(&session_, &completion, Completion::callback),
            MI_RESULT_INVALID_PARAMETER);
  CloseApplication();
  EXPECT_EQ(SessionRecord(0).close_delays_waited, 1u);
}

}  // namespace
}  // namespace miconform::handler::selftest

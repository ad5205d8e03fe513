// reentrancy_selftest.cc - self-tests of acknowledgement, Cancel and Close called from inside the
// handler's own instanceResult, on both thread modes.
#include <algorithm>
#include <string>

#include "test_client.h"

namespace miconform::handler::selftest {
namespace {

class Reentrancy : public HandlerTest, public ::testing::WithParamInterface<int> {
 protected:
  std::string script(const std::string& keys) const {
    return "script:callback_thread=" + std::to_string(GetParam()) + ";" + keys;
  }
  bool caller() const { return GetParam() == MICONFORM_THREAD_CALLER; }
};

TEST_P(Reentrancy, AckInsideEveryResultDeliversAllOfThem) {
  TestOperation op;
  op.on_result = [](TestOperation& self, const Event& event) {
    if (event.more) {
      EXPECT_EQ(self.ack(), MI_RESULT_OK);
    }
  };
  const std::string name = script("results=40");
  enumerate(op, name.c_str());
  ASSERT_TRUE(op.WaitFinal());
  auto events = op.events();
  EXPECT_EQ(op.ResultCount(), 40u);
  EXPECT_EQ(op.FinalCount(), 1u);
  int deepest = 0;
  for (const Event& event : events) {
    deepest = std::max(deepest, event.nesting);
  }
  if (caller()) {
    EXPECT_EQ(events.back().thread, std::this_thread::get_id());
    EXPECT_GT(deepest, 1);   // results nest inside the acknowledgement calls...
    EXPECT_LE(deepest, 17);  // ...but not without bound
  }
  EXPECT_EQ(op.ack(), MI_RESULT_OK);
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  ASSERT_TRUE(WaitRecord(op.record_index, [](auto& r) { return r.released == 1; }));
}

TEST_P(Reentrancy, CancelInsideAResultGivesOneFinal) {
  TestOperation op;
  op.on_result = [](TestOperation& self, const Event& event) {
    if (event.more && event.record.results_sent == 3) {
      EXPECT_EQ(self.cancel(), MI_RESULT_OK);
    }
    EXPECT_EQ(self.ack(), MI_RESULT_OK);
    if (!event.more) {
      EXPECT_EQ(self.close(), MI_RESULT_OK);
    }
  };
  const std::string name = script("until_cancelled=1");
  enumerate(op, name.c_str());
  ASSERT_TRUE(WaitRecord(op.record_index, [](auto& r) { return r.released == 1; }));
  auto events = op.events();
  EXPECT_EQ(op.FinalCount(), 1u);
  EXPECT_EQ(events.back().kind, Event::final_result);
  EXPECT_EQ(events.back().error, "cancelled");
  if (caller()) {
    // The cancel came with the third result still unacknowledged: the final result is made
    // inside that acknowledgement, never before it.
    EXPECT_EQ(op.ResultCount(), 3u);
    EXPECT_EQ(events.back().call, "ack");
  }
}

TEST_P(Reentrancy, UntilCancelledWithNestedAcksSurvivesManyResults) {
  TestOperation op;
  op.on_result = [](TestOperation& self, const Event& event) {
    if (event.more && event.record.results_sent == 500) {
      self.cancel();
    }
    self.ack();
  };
  const std::string name = script("until_cancelled=1");
  enumerate(op, name.c_str());
  ASSERT_TRUE(op.WaitFinal());
  EXPECT_GE(op.ResultCount(), 500u);
  EXPECT_EQ(op.FinalCount(), 1u);
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  ASSERT_TRUE(WaitRecord(op.record_index, [](auto& r) { return r.released == 1; }));
}

// OMI's pattern: the client closes the operation inside the final instanceResult and calls the
// acknowledgement afterwards.
TEST_P(Reentrancy, CloseThenAckInsideTheFinalReleases) {
  TestOperation op;
  op.on_result = [](TestOperation& self, const Event& event) {
    if (event.more) {
      self.ack();
      return;
    }
    EXPECT_EQ(self.close(), MI_RESULT_OK);
    EXPECT_EQ(self.ack(), MI_RESULT_OK);
    EXPECT_EQ(event.record.released, 0);
  };
  const std::string name = script("results=2");
  enumerate(op, name.c_str());
  ASSERT_TRUE(WaitRecord(op.record_index, [](auto& r) { return r.released == 1; }));
  EXPECT_EQ(op.FinalCount(), 1u);
}

TEST_P(Reentrancy, AckThenCloseInsideTheFinalReleases) {
  TestOperation op;
  op.on_result = [](TestOperation& self, const Event& event) {
    EXPECT_EQ(self.ack(), MI_RESULT_OK);
    if (!event.more) {
      EXPECT_EQ(self.close(), MI_RESULT_OK);
    }
  };
  const std::string name = script("results=1");
  enumerate(op, name.c_str());
  ASSERT_TRUE(WaitRecord(op.record_index, [](auto& r) { return r.released == 1; }));
}

TEST_P(Reentrancy, CloseInsideANonFinalResultStopsTheOperation) {
  TestOperation op;
  op.on_result = [](TestOperation& self, const Event& event) {
    if (event.record.results_sent == 2) {
      EXPECT_EQ(self.close(), MI_RESULT_OK);
      EXPECT_EQ(self.ack(), MI_RESULT_OK);
    } else {
      self.ack();
    }
  };
  const std::string name = script("results=5");
  enumerate(op, name.c_str());
  ASSERT_TRUE(WaitRecord(op.record_index, [](auto& r) { return r.released == 1; }));
  EXPECT_FALSE(op.WaitUntil([](auto& e) { return e.size() > 2; }, std::chrono::milliseconds(100)));
  EXPECT_EQ(op.ResultCount(), 2u);
  EXPECT_EQ(op.FinalCount(), 0u);
}

INSTANTIATE_TEST_SUITE_P(BothThreadModes, Reentrancy,
                         ::testing::Values(MICONFORM_THREAD_HANDLER, MICONFORM_THREAD_CALLER),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return info.param == MICONFORM_THREAD_CALLER ? std::string("Caller")
                                                                        : std::string("Handler");
                         });

}  // namespace
}  // namespace miconform::handler::selftest

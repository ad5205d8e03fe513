// transport_state_selftest.cc - DescribeTransport: the handler's records in words, without counts.
#include <gtest/gtest.h>

#include "miconform/report/root_causes.h"
#include "transport_state.h"

namespace miconform::cases {
namespace {

MiconformOperationRecord Operation(uint32_t results, uint32_t acknowledged, uint32_t finals,
                                   uint32_t cancels, uint32_t closes) {
  MiconformOperationRecord record{};
  record.results_sent = results;
  record.results_acknowledged = acknowledged;
  record.final_sent = finals;
  record.cancel_count = cancels;
  record.close_count = closes;
  return record;
}

MiconformSessionRecord Session(uint32_t closes) {
  MiconformSessionRecord record{};
  record.close_count = closes;
  return record;
}

TEST(DescribeTransport, NothingStartedAndEverythingSettledAreTheReportsTwoSettledStates) {
  EXPECT_EQ(DescribeTransport({}, {}), report::kTransportEmpty);
  EXPECT_EQ(DescribeTransport({Operation(3, 4, 1, 1, 1)}, {Session(1)}), report::kTransportSettled);
}

// The same state reads the same however many operations are in it: a close that never cancels
// reads alike in a case with one operation and in one with four.
TEST(DescribeTransport, CountsDoNotChangeTheWords) {
  const std::string one = DescribeTransport({Operation(5, 5, 0, 0, 0)}, {Session(0)});
  const std::string four = DescribeTransport({Operation(1, 1, 0, 0, 0), Operation(9, 8, 0, 0, 0),
                                              Operation(0, 0, 0, 0, 0), Operation(2, 2, 0, 0, 0)},
                                             {Session(0)});
  EXPECT_EQ(one, four);
  EXPECT_EQ(one,
            "an operation running that the client had neither cancelled nor closed; a handler "
            "session the client had not closed");
}

TEST(DescribeTransport, EachKindOfUnfinishedBusinessInAFixedOrder) {
  EXPECT_EQ(DescribeTransport({Operation(0, 1, 1, 0, 0), Operation(1, 1, 0, 1, 0)}, {Session(1)}),
            "an operation the client had cancelled, still running; a finished operation the client "
            "had not closed");
  EXPECT_EQ(DescribeTransport({Operation(0, 0, 0, 0, 1)}, {}),
            "an operation the client had closed before its final result, without a cancel");
  // The final result delivered but not acknowledged (one result and the final, one ack).
  EXPECT_EQ(DescribeTransport({Operation(1, 1, 1, 0, 1)}, {Session(1)}),
            "a final result the client had not acknowledged");
}

// A result whose callback is still running is being delivered, not left unacknowledged.
TEST(DescribeTransport, AResultBeingDeliveredIsNotUnacknowledged) {
  MiconformOperationRecord delivering = Operation(1, 1, 1, 0, 0);
  delivering.callbacks_in_flight = 1;
  EXPECT_EQ(DescribeTransport({delivering}, {Session(1)}),
            "a finished operation the client had not closed");
}

TEST(TransportAtFailure, TheCloseCallsMadeComeFirstInTheOrderTheyWereEntered) {
  const std::vector<std::string> lines = {"phase entered MI_Session_EnumerateInstances script:x",
                                          "phase returned MI_Session_EnumerateInstances",
                                          "trace callback #1 instanceResult",
                                          "phase entered MI_Operation_Cancel",
                                          "phase returned MI_Operation_Cancel (MI_RESULT_OK)",
                                          "phase entered MI_Session_Close",
                                          "phase entered MI_Operation_Cancel",
                                          "trace phase entered MI_Application_Close"};
  const std::vector<std::string> closes = ClosesCalled(lines);
  EXPECT_EQ(closes, (std::vector<std::string>{"MI_Operation_Cancel", "MI_Session_Close"}));
  EXPECT_EQ(TransportAtFailure(closes, "a handler session the client had not closed"),
            "after MI_Operation_Cancel and MI_Session_Close had been called: a handler session the "
            "client had not closed");
  EXPECT_EQ(TransportAtFailure({}, "no operation and no handler session"),
            "no operation and no handler session");
}

}  // namespace
}  // namespace miconform::cases

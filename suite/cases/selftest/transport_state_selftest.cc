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
  const std::string four = DescribeTransport(
      {Operation(1, 1, 0, 0, 0), Operation(9, 8, 0, 0, 0), Operation(0, 0, 0, 0, 0),
       Operation(2, 2, 0, 0, 0)},
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

}  // namespace
}  // namespace miconform::cases

// result_arguments_selftest.cc - self-tests of the objects handed out with results: valid until
// their acknowledgement (manual) or until their callback returns (automatic), then poisoned, and
// recognised by address through miconform_handler_result_argument.
#include <mutex>
#include <string>
#include <vector>

#include "test_client.h"

namespace miconform::handler::selftest {
namespace {

using ResultArguments = HandlerTest;

MiconformResultArgument Describe(const void* address) {
  MiconformResultArgument argument{};
  EXPECT_EQ(miconform_handler_result_argument(address, &argument), 1)
      << "not an object the handler handed out";
  return argument;
}

TEST_F(ResultArguments, ManualAckObjectsStayValidUntilTheirAcknowledgement) {
  TestOperation op;
  enumerate(op, "script:results=1;final_result=NOT_FOUND");
  ASSERT_TRUE(op.WaitResults(1));
  const void* instance = op.events()[0].instance;
  MiconformResultArgument argument = Describe(instance);
  EXPECT_EQ(argument.valid, 1);
  EXPECT_STREQ(argument.kind, "instance");
  EXPECT_EQ(argument.result_index, 0u);
  EXPECT_EQ(argument.ended_ns, 0u);
  const uint64_t serial = argument.serial;

  ASSERT_EQ(op.ack(), MI_RESULT_OK);
  argument = Describe(instance);
  EXPECT_EQ(argument.valid, 0) << "the acknowledgement ends the instance's validity";
  EXPECT_EQ(argument.serial, serial);
  EXPECT_NE(argument.ended_ns, 0u);

  ASSERT_TRUE(op.WaitFinal());
  const Event final_event = op.events().back();
  ASSERT_NE(final_event.error_address, nullptr);
  argument = Describe(final_event.error_address);
  EXPECT_EQ(argument.valid, 1);
  EXPECT_STREQ(argument.kind, "error string");
  EXPECT_EQ(argument.result_index, UINT32_MAX);
  EXPECT_NE(argument.serial, serial);
  EXPECT_EQ(std::string(final_event.error_address), final_event.error);

  ASSERT_EQ(op.ack(), MI_RESULT_OK);
  EXPECT_EQ(Describe(final_event.error_address).valid, 0);
  // Poisoned, still readable: a client that reads it late reads another text, not freed memory.
  EXPECT_NE(std::string(final_event.error_address), final_event.error);
  EXPECT_EQ(op.close(), MI_RESULT_OK);
}

TEST_F(ResultArguments, AutomaticAckObjectsEndWhenTheirCallbackReturns) {
  TestOperation op;
  std::mutex mu;
  std::vector<int> valid_inside;
  op.on_result = [&](TestOperation&, const Event& event) {
    const void* address = event.kind == Event::final_result
                              ? static_cast<const void*>(event.error_address)
                              : event.instance;
    MiconformResultArgument argument{};
    const int known = miconform_handler_result_argument(address, &argument);
    std::lock_guard lock(mu);
    valid_inside.push_back(known == 1 ? argument.valid : -1);
  };
  enumerate(op, "script:results=2;final_result=FAILED", 0);
  ASSERT_TRUE(op.WaitFinal());
  ASSERT_TRUE(WaitRecord(op.record_index, [](auto& r) { return r.callbacks_in_flight == 0; }));
  {
    std::lock_guard lock(mu);
    EXPECT_EQ(valid_inside, (std::vector<int>{1, 1, 1}));
  }
  for (const Event& event : op.events()) {
    const void* address = event.kind == Event::final_result
                              ? static_cast<const void*>(event.error_address)
                              : event.instance;
    EXPECT_EQ(Describe(address).valid, 0) << "every callback has returned";
  }
  EXPECT_EQ(op.close(), MI_RESULT_OK);
}

TEST_F(ResultArguments, ReleaseEndsWhatWasNeverAcknowledgedAndOtherAddressesAreUnknown) {
  TestOperation op;
  enumerate(op, "script:results=1;until_cancelled=1");
  ASSERT_TRUE(op.WaitResults(1));
  const void* instance = op.events()[0].instance;
  EXPECT_EQ(Describe(instance).valid, 1);
  // Closed with its result unacknowledged and no final result sent: the operation is released,
  // and with it the result's object.
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  ASSERT_TRUE(WaitRecord(op.record_index, [](auto& r) { return r.released == 1; }));
  EXPECT_EQ(Describe(instance).valid, 0);

  int own = 0;
  MiconformResultArgument argument{};
  EXPECT_EQ(miconform_handler_result_argument(&own, &argument), 0);
  EXPECT_EQ(miconform_handler_result_argument(nullptr, &argument), 0);
  EXPECT_EQ(miconform_handler_result_argument(instance, nullptr), 0);
  EXPECT_EQ(miconform_handler_result_argument(static_cast<const char*>(instance) + 1, &argument), 0)
      << "an address inside an object is not the object";
}

}  // namespace
}  // namespace miconform::handler::selftest

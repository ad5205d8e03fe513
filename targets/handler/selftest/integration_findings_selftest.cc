// integration_findings_selftest.cc - a client that keeps its duties toward the transport leaves no
// integration finding; a client that commits each breach gets exactly that finding, with the calls
// that showed it, while the handler keeps its contract.
#include <dlfcn.h>

#include <string>
#include <vector>

#include "test_client.h"

namespace miconform::handler::selftest {
namespace {

class IntegrationFindings : public HandlerTest {
 protected:
  // Waits until the operation's final result was delivered and acknowledged and no callback of
  // it runs: a client that closes only then keeps its duties (the final event is recorded
  // before the callback acknowledges it, so waiting for the event alone is not enough).
  void WaitSettled(const TestOperation& op) {
    ASSERT_TRUE(WaitRecord(op.record_index, [](const MiconformOperationRecord& r) {
      return r.final_sent == 1 && r.callbacks_in_flight == 0 &&
             r.results_acknowledged == r.results_sent + r.final_sent;
    }));
  }
};

std::vector<MiconformIntegrationFinding> findings() {
  std::vector<MiconformIntegrationFinding> all(miconform_handler_integration_finding_count());
  for (uint32_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(miconform_handler_integration_finding(i, &all[i]), 0);
  }
  return all;
}

std::vector<std::string> kinds() {
  std::vector<std::string> names;
  for (const auto& finding : findings()) {
    names.emplace_back(finding.kind);
  }
  return names;
}

MiconformIntegrationFinding OnlyFinding() {
  const auto all = findings();
  EXPECT_EQ(all.size(), 1u);
  return all.empty() ? MiconformIntegrationFinding{} : all.front();
}

// Acknowledges every result from inside its callback.
void RunToFinal(TestOperation& op) {
  op.on_result = [](TestOperation& self, const Event&) { self.ack(); };
}

TEST_F(IntegrationFindings, AClientKeepingItsDutiesLeavesNone) {
  TestOperation op;
  RunToFinal(op);
  enumerate(op, "script:results=2");
  ASSERT_TRUE(op.WaitFinal());
  WaitSettled(op);
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  ASSERT_TRUE(WaitRecord(op.record_index, [](auto& r) { return r.released == 1; }));
  CloseSession();
  CloseApplication();
  EXPECT_EQ(miconform_handler_integration_finding_count(), 0u);
  MiconformIntegrationFinding out{};
  EXPECT_EQ(miconform_handler_integration_finding(0, &out), -1);
}

TEST_F(IntegrationFindings, AcknowledgingTheFinalResultAfterCloseIsOne) {
  // OMI's nested pattern: Close inside the final callback, the acknowledgement after it.
  TestOperation op;
  op.on_result = [](TestOperation& self, const Event& event) {
    if (event.kind == Event::final_result) {
      EXPECT_EQ(self.close(), MI_RESULT_OK);
    }
    self.ack();
  };
  enumerate(op, "script:results=1");
  ASSERT_TRUE(op.WaitFinal());
  ASSERT_TRUE(WaitRecord(op.record_index, [](auto& r) { return r.released == 1; }));
  const auto finding = OnlyFinding();
  EXPECT_STREQ(finding.kind, "acknowledged_after_close");
  EXPECT_EQ(finding.occurrences, 1u);
  const std::string calls = finding.calls;
  EXPECT_NE(calls.find("operation 1: started as EnumerateInstances (flags 0x1)"), std::string::npos)
      << calls;
  EXPECT_NE(calls.find("operation 1: instanceResult final (moreResults=0, OK)"), std::string::npos)
      << calls;
  EXPECT_NE(
      calls.find("operation 1: Close [inside a handler callback]\n"
                 "operation 1: resultAcknowledgement after Close [inside a handler callback]"),
      std::string::npos)
      << calls;
  EXPECT_NE(std::string(finding.what).find("used after it was freed"), std::string::npos);
}

TEST_F(IntegrationFindings, CancelAfterCloseIsOneAndSoIsGetSession) {
  TestOperation op;
  RunToFinal(op);
  enumerate(op, "script:results=0");
  ASSERT_TRUE(op.WaitFinal());
  WaitSettled(op);
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  ASSERT_TRUE(WaitRecord(op.record_index, [](auto& r) { return r.released == 1; }));
  EXPECT_EQ(op.cancel(), MI_RESULT_INVALID_PARAMETER);  // the handler's answer is unchanged
  MI_Session session{};
  EXPECT_EQ(op.handle.ft->GetSession(&op.handle, &session), MI_RESULT_INVALID_PARAMETER);
  const auto finding = OnlyFinding();
  EXPECT_STREQ(finding.kind, "operation_call_after_close");
  EXPECT_EQ(finding.occurrences, 1u) << "one operation showed it, twice";
  EXPECT_NE(std::string(finding.calls).find("operation 1: Cancel after Close, operation released"),
            std::string::npos)
      << finding.calls;
}

TEST_F(IntegrationFindings, ClosingAnOperationTwiceIsOnePerOperation) {
  TestOperation first;
  TestOperation second;
  RunToFinal(first);
  RunToFinal(second);
  enumerate(first, "script:results=0");
  enumerate(second, "script:results=0");
  ASSERT_TRUE(first.WaitFinal());
  ASSERT_TRUE(second.WaitFinal());
  WaitSettled(first);
  WaitSettled(second);
  for (TestOperation* op : {&first, &second}) {
    EXPECT_EQ(op->close(), MI_RESULT_OK);
    EXPECT_EQ(op->close(), MI_RESULT_INVALID_PARAMETER);
    EXPECT_EQ(op->close(), MI_RESULT_INVALID_PARAMETER);
  }
  const auto finding = OnlyFinding();
  EXPECT_STREQ(finding.kind, "operation_closed_twice");
  EXPECT_EQ(finding.occurrences, 2u);
}

TEST_F(IntegrationFindings, ClosingTheSessionBeforeItsOperationsIsOneAndNamesThem) {
  TestOperation op;
  RunToFinal(op);
  enumerate(op, "script:results=0");
  ASSERT_TRUE(op.WaitFinal());
  WaitSettled(op);
  CloseSession();
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  const auto finding = OnlyFinding();
  EXPECT_STREQ(finding.kind, "session_closed_with_open_operations");
  EXPECT_NE(std::string(finding.calls)
                .find("session 1: opened\nsession 1: started operation 1 (EnumerateInstances)\n"
                      "session 1: Close while operation(s) 1 were not closed"),
            std::string::npos)
      << finding.calls;
}

TEST_F(IntegrationFindings, UsingOrClosingASessionAfterItsCloseAreFindings) {
  MI_Session copy = session_;
  CloseSession();
  TestOperation op;
  op.on_result = [](TestOperation& self, const Event&) { self.ack(); };
  op.record_index = miconform_handler_operation_count();
  copy.ft->EnumerateInstances(&copy, MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS, nullptr, "root/test",
                              "script:results=0", MI_FALSE, &op.callbacks, &op.handle);
  ASSERT_TRUE(op.WaitFinal());
  WaitSettled(op);
  EXPECT_EQ(op.events().back().code, MI_RESULT_INVALID_PARAMETER);  // the contract is kept
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  EXPECT_EQ(copy.ft->Close(&copy, nullptr, nullptr), MI_RESULT_INVALID_PARAMETER);
  EXPECT_EQ(kinds(),
            (std::vector<std::string>{"session_call_after_close", "session_closed_twice"}));
  const std::string calls = findings().front().calls;
  EXPECT_NE(calls.find("session 1: started operation 1 (EnumerateInstances) after Close"),
            std::string::npos)
      << calls;
}

TEST_F(IntegrationFindings, ClosingTheApplicationFromInsideACallbackIsOne) {
  TestOperation op;
  MI_Application* application = &application_;
  op.on_result = [application](TestOperation& self, const Event& event) {
    self.ack();
    if (event.kind == Event::final_result) {
      EXPECT_EQ(application->ft->Close(application), MI_RESULT_OK);
    }
  };
  enumerate(op, "script:results=0");
  ASSERT_TRUE(op.WaitFinal());
  ASSERT_TRUE(WaitRecord(op.record_index, [](const MiconformOperationRecord& r) {
    return r.callbacks_in_flight == 0 && miconform_handler_application_close_count() == 1;
  }));
  EXPECT_EQ(op.close(), MI_RESULT_OK);
  application_open_ = false;  // closed by the callback
  CloseSession();
  EXPECT_EQ(kinds(), (std::vector<std::string>{"application_closed_in_callback"}));
}

TEST_F(IntegrationFindings, TheEntryPointsCommaBearingAliasIsAFindingThePlainNameIsNot) {
  MI_Application plain{};
  ASSERT_EQ(MiconformHandlerInit(0, "selftest", nullptr, &plain), MI_RESULT_OK);
  EXPECT_EQ(miconform_handler_integration_finding_count(), 0u);
  using Init = MI_Result (*)(MI_Uint32, const MI_Char*, MI_Instance**, MI_Application*);
  auto unsplit = reinterpret_cast<Init>(dlsym(RTLD_DEFAULT, "MiconformHandlerInit,1,0"));
  ASSERT_NE(unsplit, nullptr) << "the comma-bearing alias is not exported";
  MI_Application aliased{};
  ASSERT_EQ(unsplit(0, "selftest", nullptr, &aliased), MI_RESULT_OK);
  ASSERT_NE(aliased.ft, nullptr);
  EXPECT_EQ(kinds(), (std::vector<std::string>{"entry_point_unsplit"}));
  EXPECT_EQ(plain.ft->Close(&plain), MI_RESULT_OK);
  EXPECT_EQ(aliased.ft->Close(&aliased), MI_RESULT_OK);
}

TEST_F(IntegrationFindings, ResetForgetsThem) {
  MI_Session copy = session_;
  CloseSession();
  EXPECT_EQ(copy.ft->Close(&copy, nullptr, nullptr), MI_RESULT_INVALID_PARAMETER);
  EXPECT_EQ(miconform_handler_integration_finding_count(), 1u);
  CloseApplication();
  ASSERT_EQ(miconform_handler_reset(), 0);
  EXPECT_EQ(miconform_handler_integration_finding_count(), 0u);
}

}  // namespace
}  // namespace miconform::handler::selftest

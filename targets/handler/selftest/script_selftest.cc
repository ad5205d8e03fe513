// script_selftest.cc - self-tests of script parsing and of how an operation's script is chosen.
#include <cstring>

#include "test_client.h"

namespace miconform::handler::selftest {
namespace {

TEST(ScriptParse, DefaultsAreOneResultNoDelaysOkHonourCancel) {
  MiconformScript s;
  miconform_handler_script_defaults(&s);
  EXPECT_EQ(s.results, 1u);
  EXPECT_EQ(s.result_delay_ms, 0u);
  EXPECT_EQ(s.until_cancelled, 0);
  EXPECT_EQ(s.ignore_cancel, 0);
  EXPECT_EQ(s.cancel_delay_ms, 0u);
  EXPECT_EQ(s.callback_thread, MICONFORM_THREAD_HANDLER);
  EXPECT_EQ(s.final_result, MI_RESULT_OK);
}

TEST(ScriptParse, EveryKeyIsRead) {
  MiconformScript s = ScriptFrom(
      "results=3;result_delay_ms=10;until_cancelled=1;ignore_cancel=1;cancel_delay_ms=20;"
      "operation_close_delay_ms=30;session_close_delay_ms=40;messages=2;progress=5;"
      "callback_thread=1;final_result=6;");
  EXPECT_EQ(s.results, 3u);
  EXPECT_EQ(s.result_delay_ms, 10u);
  EXPECT_EQ(s.until_cancelled, 1);
  EXPECT_EQ(s.ignore_cancel, 1);
  EXPECT_EQ(s.cancel_delay_ms, 20u);
  EXPECT_EQ(s.operation_close_delay_ms, 30u);
  EXPECT_EQ(s.session_close_delay_ms, 40u);
  EXPECT_EQ(s.messages, 2u);
  EXPECT_EQ(s.progress, 5u);
  EXPECT_EQ(s.callback_thread, MICONFORM_THREAD_CALLER);
  EXPECT_EQ(s.final_result, MI_RESULT_NOT_FOUND);
}

TEST(ScriptParse, NamesAndSpacesAreAccepted) {
  MiconformScript s =
      ScriptFrom(" final_result = MI_RESULT_ACCESS_DENIED ; callback_thread=caller");
  EXPECT_EQ(s.final_result, MI_RESULT_ACCESS_DENIED);
  EXPECT_EQ(s.callback_thread, MICONFORM_THREAD_CALLER);
  s = ScriptFrom("final_result=failed;callback_thread=handler");
  EXPECT_EQ(s.final_result, MI_RESULT_FAILED);
  EXPECT_EQ(s.callback_thread, MICONFORM_THREAD_HANDLER);
}

TEST(ScriptParse, BadInputLeavesTheScriptUnchanged) {
  const char* bad[] = {
      "nonsense=1",        "results=-1",          "results=abc",      "results=",
      "results",           "until_cancelled=2",   "final_result=18",  "final_result=29",
      "callback_thread=2", "results=99999999999", "results=2;bogus=1"};
  for (const char* text : bad) {
    MiconformScript s;
    miconform_handler_script_defaults(&s);
    MiconformScript before = s;
    EXPECT_EQ(miconform_handler_parse_script(text, &s), -1) << text;
    EXPECT_EQ(0, std::memcmp(&before, &s, sizeof s)) << text;
  }
  MiconformScript s;
  EXPECT_EQ(miconform_handler_parse_script(nullptr, &s), -1);
  EXPECT_EQ(miconform_handler_parse_script("results=1", nullptr), -1);
}

using ScriptChoice = HandlerTest;

TEST_F(ScriptChoice, InlineScriptWithBadKeyFailsTheOperationNamingTheKey) {
  TestOperation op;
  enumerate(op, "script:results=2;bogus_key=1");
  ASSERT_TRUE(op.WaitFinal());
  auto events = op.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].code, MI_RESULT_INVALID_PARAMETER);
  EXPECT_NE(events[0].error.find("bogus_key"), std::string::npos) << events[0].error;
  EXPECT_EQ(op.ack(), MI_RESULT_OK);
  EXPECT_EQ(op.close(), MI_RESULT_OK);
}

TEST_F(ScriptChoice, InlineRegisteredAndDefaultScripts) {
  MiconformScript named = ScriptFrom("results=4");
  miconform_handler_set_script("Named_Class", &named);
  MiconformScript fallback = ScriptFrom("results=2;final_result=FAILED");
  miconform_handler_set_default_script(&fallback);

  TestOperation by_name, inline_script, by_default;
  enumerate(by_name, "Named_Class", 0);
  enumerate(inline_script, "script:results=3", 0);
  enumerate(by_default, "Other_Class", 0);
  for (TestOperation* op : {&by_name, &inline_script, &by_default}) {
    ASSERT_TRUE(op->WaitFinal());
    EXPECT_EQ(op->close(), MI_RESULT_OK);
  }
  EXPECT_EQ(by_name.ResultCount(), 4u);
  EXPECT_EQ(inline_script.ResultCount(), 3u);
  // An inline script starts from the default script: its final result stays FAILED.
  EXPECT_EQ(inline_script.events().back().code, MI_RESULT_FAILED);
  EXPECT_EQ(by_default.ResultCount(), 2u);
  EXPECT_EQ(by_default.events().back().code, MI_RESULT_FAILED);
  EXPECT_TRUE(by_default.events().back().has_error);

  miconform_handler_set_script("Named_Class", nullptr);
  TestOperation removed;
  enumerate(removed, "Named_Class", 0);
  ASSERT_TRUE(removed.WaitFinal());
  EXPECT_EQ(removed.ResultCount(), 2u);
  EXPECT_EQ(removed.close(), MI_RESULT_OK);
}

TEST_F(ScriptChoice, GetInstanceIsScriptedByNamespaceAndTestConnectionByDefault) {
  TestOperation get, test;
  get.record_index = miconform_handler_operation_count();
  session_.ft->GetInstance(&session_, 0, nullptr, "script:results=3", nullptr, &get.callbacks,
                           &get.handle);
  ASSERT_TRUE(get.WaitFinal());
  EXPECT_EQ(get.ResultCount(), 3u);
  test.record_index = miconform_handler_operation_count();
  session_.ft->TestConnection(&session_, 0, &test.callbacks, &test.handle);
  ASSERT_TRUE(test.WaitFinal());
  EXPECT_EQ(test.ResultCount(), 1u);
  EXPECT_EQ(get.close(), MI_RESULT_OK);
  EXPECT_EQ(test.close(), MI_RESULT_OK);
  EXPECT_STREQ(OperationRecord(get.record_index).kind, "GetInstance");
  EXPECT_STREQ(OperationRecord(get.record_index).class_name, "");
  EXPECT_STREQ(OperationRecord(test.record_index).kind, "TestConnection");
}

TEST_F(ScriptChoice, SubscribeUsesIndicationResultAndClassOperationsUseClassResult) {
  TestOperation sub, cls;
  // With instanceResult absent, any result that arrives came through indicationResult; the
  // subscription is scripted by its namespace name.
  sub.callbacks.instanceResult = nullptr;
  sub.record_index = miconform_handler_operation_count();
  session_.ft->Subscribe(&session_, 0, nullptr, "script:results=2", "WQL", "select", nullptr,
                         &sub.callbacks, &sub.handle);
  ASSERT_TRUE(sub.WaitFinal());
  EXPECT_EQ(sub.events().back().code, MI_RESULT_OK);
  EXPECT_EQ(sub.ResultCount(), 2u);
  EXPECT_STREQ(OperationRecord(sub.record_index).kind, "Subscribe");

  // With instanceResult absent, any result that arrives came through classResult.
  cls.callbacks.instanceResult = nullptr;
  cls.record_index = miconform_handler_operation_count();
  session_.ft->GetClass(&session_, 0, nullptr, "root", "script:results=2", &cls.callbacks,
                        &cls.handle);
  ASSERT_TRUE(cls.WaitFinal());
  EXPECT_EQ(cls.ResultCount(), 2u);
  EXPECT_NE(cls.events().front().instance, nullptr);
  EXPECT_EQ(sub.close(), MI_RESULT_OK);
  EXPECT_EQ(cls.close(), MI_RESULT_OK);
}

TEST_F(ScriptChoice, OperationsOnAClosedSessionFailWithInvalidParameter) {
  MI_Session stale = session_;
  CloseSession();
  TestOperation op;
  op.record_index = miconform_handler_operation_count();
  stale.ft->EnumerateInstances(&stale, 0, nullptr, "root", "X", MI_FALSE, &op.callbacks,
                               &op.handle);
  ASSERT_TRUE(op.WaitFinal());
  EXPECT_EQ(op.events().back().code, MI_RESULT_INVALID_PARAMETER);
  EXPECT_EQ(op.close(), MI_RESULT_OK);
}

}  // namespace
}  // namespace miconform::handler::selftest

// scripted_backend_selftest.cc - self-tests of the scripted-backend wrapper (scripted_backend.h):
// script spelling, load errors, and - when the handler is built - the wrapper against it.
#include <dlfcn.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "miconform/scripted_backend.h"
#include "miconform/temp_config_dir.h"
#include "test_support.h"

namespace miconform {
namespace {

using Kind = TargetLoadError::Kind;
using ::testing::HasSubstr;

MiconformScript SampleScript() {
  MiconformScript script{};
  script.results = 3;
  script.result_delay_ms = 10;
  script.until_cancelled = 1;
  script.ignore_cancel = 0;
  script.cancel_delay_ms = 5;
  script.operation_close_delay_ms = 6;
  script.session_close_delay_ms = 7;
  script.messages = 2;
  script.progress = 1;
  script.callback_thread = MICONFORM_THREAD_CALLER;
  script.final_result = MI_RESULT_NOT_SUPPORTED;
  return script;
}

TEST(InlineScript, SpellsEveryField) {
  EXPECT_EQ(InlineScript(SampleScript()),
            "script:results=3;result_delay_ms=10;until_cancelled=1;ignore_cancel=0;"
            "cancel_delay_ms=5;operation_close_delay_ms=6;session_close_delay_ms=7;messages=2;"
            "progress=1;callback_thread=1;final_result=7");
}

TEST(InlineScript, WithABaseSpellsOnlyTheDifferences) {
  MiconformScript base = SampleScript();
  MiconformScript script = base;
  script.until_cancelled = 0;
  script.final_result = MI_RESULT_FAILED;
  EXPECT_EQ(InlineScript(script, &base), "script:until_cancelled=0;final_result=1");
}

TEST(ScriptJson, NamesEveryField) {
  const nlohmann::json json = ScriptJson(SampleScript());
  EXPECT_EQ(json.size(), 11u);
  EXPECT_EQ(json.at("results"), 3);
  EXPECT_EQ(json.at("callback_thread"), 1);
  EXPECT_EQ(json.at("final_result"), 7);
}

TEST(ScriptedBackend, MissingHandlerIsReported) {
  try {
    ScriptedBackend backend("/nonexistent/libmiconform_handler.so");
    FAIL() << "a missing handler was loaded";
  } catch (const TargetLoadError& error) {
    EXPECT_EQ(error.kind(), Kind::kHandlerMissing);
    EXPECT_THAT(error.what(), HasSubstr("/nonexistent/libmiconform_handler.so"));
  }
}

TEST(ScriptedBackend, TextFileIsNotLoadable) {
  TempConfigDir dir;
  const std::string path = dir.path() + "/libmiconform_handler.so";
  selftest::WriteFile(path, "not a library");
  try {
    ScriptedBackend backend(path);
    FAIL() << "a text file was loaded";
  } catch (const TargetLoadError& error) {
    EXPECT_EQ(error.kind(), Kind::kHandlerNotLoadable);
    EXPECT_THAT(error.what(), HasSubstr("cannot be loaded"));
  }
}

TEST(ScriptedBackend, LibraryWithoutControlFunctionsNamesTheMissingOne) {
  try {
    ScriptedBackend backend(MICONFORM_FIXTURE_NO_ENTRY);
    FAIL() << "a library without the control API was accepted";
  } catch (const TargetLoadError& error) {
    EXPECT_EQ(error.kind(), Kind::kHandlerNotLoadable);
    EXPECT_THAT(error.what(), HasSubstr("lacks the control function "
                                        "miconform_handler_set_default_script"));
  }
}

#ifdef MICONFORM_SELFTEST_HANDLER
// Against the real handler: the wrapper reaches it, and the handler parses what InlineScript
// spells back into the same script.
TEST(ScriptedBackendWithHandler, InlineScriptRoundTripsThroughTheHandlersParser) {
  ScriptedBackend backend(MICONFORM_SELFTEST_HANDLER);
  const MiconformScript script = SampleScript();
  const std::string text = InlineScript(script);
  const auto parsed =
      backend.ParseScript(text.substr(std::string("script:").size()), backend.ScriptDefaults());
  ASSERT_TRUE(parsed.has_value()) << text;
  EXPECT_EQ(ScriptJson(*parsed), ScriptJson(script));
  EXPECT_FALSE(backend.ParseScript("no_such_key=1", backend.ScriptDefaults()).has_value());
}

TEST(ScriptedBackendWithHandler, RecordsStartEmptyAfterReset) {
  ScriptedBackend backend(MICONFORM_SELFTEST_HANDLER);
  ASSERT_TRUE(backend.Reset());
  EXPECT_TRUE(backend.OperationRecords().empty());
  EXPECT_TRUE(backend.SessionRecords().empty());
  const nlohmann::json json = backend.RecordsJson();
  EXPECT_TRUE(json.at("operations").empty());
  EXPECT_TRUE(json.at("sessions").empty());
  EXPECT_EQ(json.at("initialize_count"), 0);
  EXPECT_FALSE(backend.WaitStarted(1, 1));  // nothing can start: no client uses the handler
}

// A client that looks the entry point up as OMI's parser does (the field unsplit) leaves an
// integration finding, which the wrapper reads back whole; a reset forgets it.
TEST(ScriptedBackendWithHandler, ReadsTheHandlersIntegrationFindings) {
  ScriptedBackend backend(MICONFORM_SELFTEST_HANDLER);
  ASSERT_TRUE(backend.Reset());
  EXPECT_TRUE(backend.IntegrationFindings().empty());
  void* library = dlopen(MICONFORM_SELFTEST_HANDLER, RTLD_NOW | RTLD_NOLOAD);
  ASSERT_NE(library, nullptr) << dlerror();
  using Init = MI_Result (*)(MI_Uint32, const MI_Char*, MI_Instance**, MI_Application*);
  auto init = reinterpret_cast<Init>(dlsym(library, "MiconformHandlerInit,1,0"));
  ASSERT_NE(init, nullptr);
  MI_Application application{};
  ASSERT_EQ(init(0, "selftest", nullptr, &application), MI_RESULT_OK);
  const auto findings = backend.IntegrationFindings();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_STREQ(findings[0].kind, "entry_point_unsplit");
  EXPECT_THAT(findings[0].what, HasSubstr("unsplit to dlopen and dlsym"));
  EXPECT_STREQ(findings[0].calls, "entry point called as \"MiconformHandlerInit,1,0\"");
  EXPECT_EQ(findings[0].occurrences, 1u);
  EXPECT_EQ(application.ft->Close(&application), MI_RESULT_OK);
  dlclose(library);
  ASSERT_TRUE(backend.Reset());
  EXPECT_TRUE(backend.IntegrationFindings().empty());
}
#endif

}  // namespace
}  // namespace miconform

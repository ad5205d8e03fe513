// library_target_selftest.cc - self-tests of LoadTarget, LibraryTarget and CheckTargetStarts
// (library_target.h): one message per load failure, and calls passed straight through.
#include <dlfcn.h>

#include <cstring>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fixtures/fake_target.h"
#include "miconform/library_target.h"
#include "miconform/temp_config_dir.h"
#include "test_support.h"

namespace miconform {
namespace {

using Kind = TargetLoadError::Kind;
using ::testing::HasSubstr;

TargetSpec SpecFor(const std::string& library,
                   const std::string& entry = MI_APPLICATION_INITIALIZE_V1_SYMBOL) {
  TargetSpec spec;
  spec.library = library;
  spec.entry = entry;
  return spec;
}

// The error LoadTarget throws for `spec`; fails the test when it does not throw.
TargetLoadError LoadError(const TargetSpec& spec) {
  try {
    LoadTarget(spec);
  } catch (const TargetLoadError& error) {
    return error;
  }
  ADD_FAILURE() << "LoadTarget(" << spec.library << ") did not throw";
  return TargetLoadError(Kind::kUnknownBuiltin, "");
}

TEST(LoadTarget, MissingFileNamesPathAndCause) {
  const TargetLoadError error = LoadError(SpecFor("/nonexistent/miconform/libnothing.so"));
  EXPECT_EQ(error.kind(), Kind::kFileMissing);
  EXPECT_THAT(error.what(), HasSubstr("'/nonexistent/miconform/libnothing.so'"));
  EXPECT_THAT(error.what(), HasSubstr("no such file"));
}

TEST(LoadTarget, DirectoryIsNoLibraryFile) {
  TempConfigDir dir;
  const TargetLoadError error = LoadError(SpecFor(dir.path()));
  EXPECT_EQ(error.kind(), Kind::kFileMissing);
  EXPECT_THAT(error.what(), HasSubstr("is a directory"));
}

TEST(LoadTarget, TextFileRenamedSoIsNotASharedObject) {
  TempConfigDir dir;
  const std::string path = dir.path() + "/libtext.so";
  selftest::WriteFile(path, "this is a text file, not an ELF shared object\n");
  const TargetLoadError error = LoadError(SpecFor(path));
  EXPECT_EQ(error.kind(), Kind::kNotSharedObject);
  EXPECT_THAT(error.what(),
              HasSubstr("'" + path + "' exists but is not a loadable shared library"));
  // dlerror()'s own reason follows the colon.
  const std::string message = error.what();
  EXPECT_GT(message.size(), message.find("library: ") + 9);
}

TEST(LoadTarget, LibraryWithoutEntryPointNamesSymbolAndLibrary) {
  const TargetLoadError error = LoadError(SpecFor(MICONFORM_FIXTURE_NO_ENTRY));
  EXPECT_EQ(error.kind(), Kind::kEntryPointMissing);
  EXPECT_THAT(error.what(), HasSubstr("'" MICONFORM_FIXTURE_NO_ENTRY "'"));
  EXPECT_THAT(error.what(), HasSubstr("no entry point 'MI_Application_InitializeV1'"));
}

TEST(LoadTarget, CustomEntryNameIsLookedUp) {
  const TargetLoadError error = LoadError(SpecFor(MICONFORM_FIXTURE_FAKE_TARGET, "NoSuchInit"));
  EXPECT_EQ(error.kind(), Kind::kEntryPointMissing);
  EXPECT_THAT(error.what(), HasSubstr("'NoSuchInit'"));

  auto target = LoadTarget(SpecFor(MICONFORM_FIXTURE_FAKE_TARGET, "FakeTargetCustomInit"));
  EXPECT_NO_THROW(CheckTargetStarts(*target));
}

TEST(CheckTargetStarts, FailingEntryPointReportsTheResult) {
  std::unique_ptr<Target> target;
  ASSERT_NO_THROW(target = LoadTarget(SpecFor(MICONFORM_FIXTURE_FAILING_ENTRY)));
  try {
    CheckTargetStarts(*target);
    FAIL() << "CheckTargetStarts accepted an entry point that returns MI_RESULT_FAILED";
  } catch (const TargetLoadError& error) {
    EXPECT_EQ(error.kind(), Kind::kEntryPointFailed);
    EXPECT_THAT(error.what(),
                HasSubstr("MI_Application_InitializeV1 returned MI_RESULT_FAILED (1)"));
    EXPECT_THAT(error.what(), HasSubstr(MICONFORM_FIXTURE_FAILING_ENTRY));
  }
}

// The fake target's record, reached through the already loaded copy of the fixture.
class FakeTargetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TargetSpec spec = SpecFor(MICONFORM_FIXTURE_FAKE_TARGET);
    spec.protocol = "FAKEPROTO";
    target_ = LoadTarget(spec);
    handle_ = dlopen(MICONFORM_FIXTURE_FAKE_TARGET, RTLD_NOW | RTLD_NOLOAD);
    ASSERT_NE(handle_, nullptr) << dlerror();
    auto calls_fn = reinterpret_cast<FakeTargetCalls* (*)()>(dlsym(handle_, "fake_target_calls"));
    ASSERT_NE(calls_fn, nullptr);
    calls_ = calls_fn();
    std::memset(calls_, 0, sizeof *calls_);
  }
  void TearDown() override {
    target_.reset();
    if (handle_ != nullptr) dlclose(handle_);
  }

  std::unique_ptr<Target> target_;
  void* handle_ = nullptr;
  FakeTargetCalls* calls_ = nullptr;
};

int completions = 0;
void CountCompletion(void* context) {
  ++completions;
  EXPECT_EQ(context, &completions);
}

TEST_F(FakeTargetTest, DescribesItself) {
  EXPECT_EQ(target_->Describe(), MICONFORM_FIXTURE_FAKE_TARGET);
  EXPECT_EQ(target_->LibraryPath(), MICONFORM_FIXTURE_FAKE_TARGET);
  EXPECT_EQ(target_->Protocol(), "FAKEPROTO");
}

TEST_F(FakeTargetTest, CallsPassStraightThroughTheTables) {
  MI_Application application{};
  ASSERT_EQ(target_->InitializeApplication(&application, nullptr), MI_RESULT_OK);
  EXPECT_EQ(calls_->initialize, 1);
  MI_Session session{};
  ASSERT_EQ(target_->NewSession(&application, nullptr, &session), MI_RESULT_OK);
  EXPECT_STREQ(calls_->protocol, "FAKEPROTO");

  MI_Operation operation{};
  target_->EnumerateInstances(&session, MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS, "script:results=2",
                              nullptr, &operation);
  EXPECT_EQ(calls_->enumerate, 1);
  EXPECT_EQ(calls_->enumerate_flags, MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS);
  EXPECT_STREQ(calls_->enumerate_namespace, kSuiteNamespace);
  EXPECT_STREQ(calls_->enumerate_class, "script:results=2");
  EXPECT_EQ(target_->CancelOperation(&operation, MI_REASON_SHUTDOWN), MI_RESULT_OK);
  EXPECT_EQ(calls_->operation_cancel, 1);
  EXPECT_EQ(calls_->cancel_reason, MI_REASON_SHUTDOWN);
  EXPECT_EQ(target_->CloseOperation(&operation), MI_RESULT_OK);
  EXPECT_EQ(calls_->operation_close, 1);

  completions = 0;
  EXPECT_EQ(target_->CloseSession(&session, &completions, CountCompletion), MI_RESULT_OK);
  EXPECT_EQ(calls_->session_close, 1);
  EXPECT_EQ(completions, 1);
  EXPECT_EQ(target_->CloseApplication(&application), MI_RESULT_OK);
  EXPECT_EQ(calls_->application_close, 1);
}

TEST_F(FakeTargetTest, CloseSessionAppliesTheWrapperLogic) {
  completions = 0;
  // NULL session: the completion is called once by the wrapper and the library is not reached.
  EXPECT_EQ(target_->CloseSession(nullptr, &completions, CountCompletion), MI_RESULT_OK);
  EXPECT_EQ(completions, 1);
  EXPECT_EQ(target_->CloseSession(nullptr, nullptr, nullptr), MI_RESULT_INVALID_PARAMETER);
  MI_Session no_table{};
  EXPECT_EQ(target_->CloseSession(&no_table, nullptr, nullptr), MI_RESULT_INVALID_PARAMETER);
  EXPECT_EQ(target_->CloseSession(&no_table, &completions, CountCompletion), MI_RESULT_OK);
  EXPECT_EQ(completions, 2);
  EXPECT_EQ(calls_->session_close, 0);
}

TEST_F(FakeTargetTest, CloseSessionRawReachesTheGivenTable) {
  MI_Application application{};
  ASSERT_EQ(target_->InitializeApplication(&application, nullptr), MI_RESULT_OK);
  MI_Session session{};
  ASSERT_EQ(target_->NewSession(&application, nullptr, &session), MI_RESULT_OK);
  const MI_SessionFT* table = session.ft;
  MI_Session foreign{};  // a handle the library does not own: zeroed fields, no table
  EXPECT_EQ(target_->CloseSessionRaw(table, &foreign, nullptr, nullptr), MI_RESULT_OK);
  EXPECT_EQ(calls_->session_close, 1);
  EXPECT_EQ(target_->CloseSession(&session, nullptr, nullptr), MI_RESULT_OK);
  EXPECT_EQ(target_->CloseApplication(&application), MI_RESULT_OK);
}

}  // namespace
}  // namespace miconform

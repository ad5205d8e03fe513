// builtin_targets_selftest.cc - self-tests of the built-in target table and target resolution
// (builtin_targets.h).
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "miconform/builtin_targets.h"
#include "miconform/temp_config_dir.h"
#include "test_support.h"

namespace miconform {
namespace {

using Kind = TargetLoadError::Kind;
using selftest::ScopedEnv;
using ::testing::HasSubstr;

TEST(BuiltinTargets, ReferenceIsTheFirstName) {
  const auto names = BuiltinTargetNames();
  ASSERT_FALSE(names.empty());
  EXPECT_EQ(names.front(), "reference");
}

TEST(ResolveTarget, BuiltinNameResolvesIntoTheLibDirOverride) {
  ScopedEnv lib_dir("MICONFORM_LIB_DIR", "/opt/miconform/lib");
  const TargetSpec spec = ResolveTarget("reference");
  EXPECT_EQ(spec.builtin, "reference");
  EXPECT_EQ(spec.library, "/opt/miconform/lib/libmiconform_reference.so");
  EXPECT_EQ(spec.entry, MI_APPLICATION_INITIALIZE_V1_SYMBOL);
  EXPECT_EQ(spec.protocol, "MICONFORM");
}

TEST(ResolveTarget, BuiltinNameResolvesBesideTheExecutable) {
  ScopedEnv lib_dir("MICONFORM_LIB_DIR", std::nullopt);
  const TargetSpec spec = ResolveTarget("reference");
  const auto exe = std::filesystem::read_symlink("/proc/self/exe");
  const auto expected = (exe.parent_path().parent_path() / "lib" / "libmiconform_reference.so");
  EXPECT_EQ(spec.library, expected.lexically_normal().string());
}

TEST(ResolveTarget, PathsAreMadeAbsolute) {
  const std::string cwd = std::filesystem::current_path().string();
  EXPECT_EQ(ResolveTarget("libvendor.so").library, cwd + "/libvendor.so");
  EXPECT_EQ(ResolveTarget("./lib/libmi.so").library, cwd + "/lib/libmi.so");
  const TargetSpec spec = ResolveTarget("/opt/omi/lib/libmi");
  EXPECT_EQ(spec.library, "/opt/omi/lib/libmi");
  EXPECT_TRUE(spec.builtin.empty());
}

TEST(ResolveTarget, OptionsOverrideTheDefaults) {
  TargetOptions options;
  options.entry = "VendorInit";
  options.protocol = "VENDORTEST";
  options.config_dir = "/etc/opt/omi/conf";
  const TargetSpec spec = ResolveTarget("/opt/omi/lib/libmi.so", options);
  EXPECT_EQ(spec.entry, "VendorInit");
  EXPECT_EQ(spec.protocol, "VENDORTEST");
  EXPECT_EQ(spec.config_dir, "/etc/opt/omi/conf");
}

TEST(ResolveTarget, UnknownNameListsTheKnownOnes) {
  for (const std::string name : {"nosuch", "mutant:nosuch", "variant:nosuch", ""}) {
    try {
      ResolveTarget(name);
      FAIL() << "'" << name << "' was accepted";
    } catch (const TargetLoadError& error) {
      EXPECT_EQ(error.kind(), Kind::kUnknownBuiltin);
      if (!name.empty()) {
        EXPECT_THAT(error.what(), HasSubstr("'" + name + "' is not a built-in target"));
      }
      for (const std::string& known : BuiltinTargetNames()) {
        EXPECT_THAT(error.what(), HasSubstr(known));
      }
    }
  }
}

TEST(HandlerLibraryPath, MissingHandlerIsReported) {
  TempConfigDir empty;
  ScopedEnv lib_dir("MICONFORM_LIB_DIR", empty.path());
  try {
    HandlerLibraryPath();
    FAIL() << "a missing handler was accepted";
  } catch (const TargetLoadError& error) {
    EXPECT_EQ(error.kind(), Kind::kHandlerMissing);
    EXPECT_THAT(error.what(), HasSubstr(empty.path() + "/libmiconform_handler.so"));
    EXPECT_THAT(error.what(), HasSubstr("no such file"));
  }
}

TEST(HandlerLibraryPath, PresentHandlerIsFound) {
  TempConfigDir dir;
  selftest::WriteFile(dir.path() + "/libmiconform_handler.so", "x");
  ScopedEnv lib_dir("MICONFORM_LIB_DIR", dir.path());
  EXPECT_EQ(HandlerLibraryPath(), dir.path() + "/libmiconform_handler.so");
}

}  // namespace
}  // namespace miconform

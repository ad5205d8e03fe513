// handler_registration_selftest.cc - self-tests of the omicli.conf registration
// (handler_registration.h): exact removal, the links, every refusal, stale removal.
#include "miconform/handler_registration.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "test_support.h"

namespace miconform {
namespace {

namespace fs = std::filesystem;
using Kind = TargetLoadError::Kind;
using ::testing::HasSubstr;
using selftest::ReadFile;
using selftest::WriteFile;

std::string Marker(long pid) {
  return "# miconform " + std::to_string(pid) +
         ": added for a conformance run; removed when it ends";
}

class RegistrationTest : public ::testing::Test {
 protected:
  RegistrationTest()
      : tmp_(scratch_.path() + "/tmp"),
        config_dir_(scratch_.path() + "/conf"),
        handler_(scratch_.path() + "/lib/libmiconform_handler.so"),
        tmpdir_env_("TMPDIR", tmp_) {
    fs::create_directories(tmp_);
    fs::create_directories(config_dir_);
    fs::create_directories(scratch_.path() + "/lib");
    WriteFile(handler_, "stands in for the handler library");
  }

  std::string conf() const { return config_dir_ + "/omicli.conf"; }
  // Private link directories left in $TMPDIR.
  int LinkDirs() const {
    int count = 0;
    for (const auto& entry : fs::directory_iterator(tmp_)) {
      if (entry.path().filename().string().rfind("miconform-handler-", 0) == 0) ++count;
    }
    return count;
  }
  TargetLoadError RegisterError(const std::string& dir, const std::string& protocol) {
    try {
      HandlerRegistration registration(dir, protocol, handler_);
    } catch (const TargetLoadError& error) {
      return error;
    }
    ADD_FAILURE() << "registering '" << protocol << "' in " << dir << " was accepted";
    return TargetLoadError(Kind::kUnknownBuiltin, "");
  }

  TempConfigDir scratch_;  // created before TMPDIR points into it
  std::string tmp_;
  std::string config_dir_;
  std::string handler_;
  selftest::ScopedEnv tmpdir_env_;
};

TEST_F(RegistrationTest, KeepsExistingContentByteForByte) {
  // Comments, CRLF, blank lines, another handler, UTF-8, and no final line break.
  const std::string original =
      "# OMI client configuration\r\n\n  loglevel = WARNING\n"
      "protocolhandler=OTHER,/usr/lib/libother.so,OtherInit,1,0\n# caf\xc3\xa9\tend";
  WriteFile(conf(), original);
  ASSERT_EQ(chmod(conf().c_str(), 0640), 0);
  {
    HandlerRegistration registration(config_dir_, "MICONFORM", handler_);
    const std::string line = "protocolhandler=MICONFORM," + registration.RegisteredLibraryPath() +
                             ",MiconformHandlerInit,1,0";
    EXPECT_EQ(registration.RegistrationLine(), line);
    EXPECT_EQ(registration.MarkerLine(), Marker(getpid()));
    EXPECT_EQ(ReadFile(conf()), original + "\n" + Marker(getpid()) + "\n" + line + "\n");
    struct stat info {};
    ASSERT_EQ(stat(conf().c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 07777, 0640u);
  }
  EXPECT_EQ(ReadFile(conf()), original);
  struct stat info {};
  ASSERT_EQ(stat(conf().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0640u);
  EXPECT_EQ(LinkDirs(), 0);
}

TEST_F(RegistrationTest, CreatesAndRemovesTheCommaNamedLink) {
  WriteFile(conf(), "# kept\n");
  std::string comma_link;
  std::string plain_link;
  {
    HandlerRegistration registration(config_dir_, "MICONFORM", handler_);
    comma_link = registration.CommaLinkPath();
    plain_link = registration.RegisteredLibraryPath();
    EXPECT_EQ(comma_link, plain_link + ",MiconformHandlerInit,1,0");
    // What OMI's parser opens: everything after "NAME," in the line.
    const std::string line = registration.RegistrationLine();
    EXPECT_EQ(line.substr(line.find(',') + 1), comma_link);
    for (const std::string& link : {comma_link, plain_link}) {
      EXPECT_TRUE(fs::is_symlink(link)) << link;
      EXPECT_EQ(fs::canonical(link), fs::canonical(handler_)) << link;
    }
    EXPECT_EQ(LinkDirs(), 1);
  }
  EXPECT_FALSE(fs::exists(fs::symlink_status(comma_link)));
  EXPECT_FALSE(fs::exists(fs::symlink_status(plain_link)));
  EXPECT_EQ(LinkDirs(), 0);
  EXPECT_EQ(ReadFile(conf()), "# kept\n");
}

TEST_F(RegistrationTest, CreatesAnAbsentFileAndDeletesItAgain) {
  {
    HandlerRegistration registration(config_dir_, "MICONFORM", handler_);
    EXPECT_EQ(ReadFile(conf()), registration.MarkerLine() + "\n" + registration.RegistrationLine() + "\n");
  }
  EXPECT_FALSE(fs::exists(conf()));
}

TEST_F(RegistrationTest, LinesAppendedMeanwhileSurvive) {
  WriteFile(conf(), "a=1");
  {
    HandlerRegistration registration(config_dir_, "MICONFORM", handler_);
    std::ofstream(conf(), std::ios::app) << "b=2\n";
  }
  EXPECT_EQ(ReadFile(conf()), "a=1\nb=2\n");
}

TEST_F(RegistrationTest, SymbolicallyLinkedFileStaysALink) {
  const std::string real = scratch_.path() + "/real-omicli.conf";
  WriteFile(real, "x=1\n");
  fs::create_symlink(real, conf());
  {
    HandlerRegistration registration(config_dir_, "MICONFORM", handler_);
    EXPECT_TRUE(fs::is_symlink(conf()));
    EXPECT_THAT(ReadFile(real), HasSubstr(registration.RegistrationLine()));
  }
  EXPECT_TRUE(fs::is_symlink(conf()));
  EXPECT_EQ(ReadFile(real), "x=1\n");
}

TEST_F(RegistrationTest, TwoRegistrationsShareAFile) {
  WriteFile(conf(), "x=1\n");
  auto first = std::make_unique<HandlerRegistration>(config_dir_, "MICONFORM", handler_);
  auto second = std::make_unique<HandlerRegistration>(config_dir_, "MICONFORM2", handler_);
  first.reset();
  const std::string remaining = ReadFile(conf());
  EXPECT_THAT(remaining, HasSubstr(second->RegistrationLine()));
  EXPECT_THAT(remaining, ::testing::Not(HasSubstr("protocolhandler=MICONFORM,")));
  second.reset();
  EXPECT_EQ(ReadFile(conf()), "x=1\n");
}

TEST_F(RegistrationTest, RemoveIsIdempotent) {
  WriteFile(conf(), "x=1\n");
  HandlerRegistration registration(config_dir_, "MICONFORM", handler_);
  EXPECT_TRUE(registration.Remove());
  EXPECT_EQ(ReadFile(conf()), "x=1\n");
  WriteFile(conf(), "y=2\n");  // a later edit is not touched by a second removal
  EXPECT_TRUE(registration.Remove());
  EXPECT_EQ(ReadFile(conf()), "y=2\n");
}

TEST_F(RegistrationTest, RefusesOmiBuiltinNames) {
  for (const std::string name : {"OMI_SOCKETS", "MI_REMOTE_WSMAN", "omi_sockets"}) {
    const TargetLoadError error = RegisterError(config_dir_, name);
    EXPECT_EQ(error.kind(), Kind::kConfigDirUnusable);
    EXPECT_THAT(error.what(), HasSubstr("built-in protocol handler of OMI"));
  }
  EXPECT_FALSE(fs::exists(conf()));
  EXPECT_EQ(LinkDirs(), 0);
}

TEST_F(RegistrationTest, RefusesTooLongAndMalformedNames) {
  const std::string longest(29, 'P');
  EXPECT_NO_THROW(HandlerRegistration(config_dir_, longest, handler_));
  const TargetLoadError too_long = RegisterError(config_dir_, longest + "P");
  EXPECT_EQ(too_long.kind(), Kind::kConfigDirUnusable);
  EXPECT_THAT(too_long.what(), HasSubstr("is 30 characters long"));
  for (const std::string name : {"A,B", "A\nB", "A B", ""}) {
    EXPECT_EQ(RegisterError(config_dir_, name).kind(), Kind::kConfigDirUnusable) << name;
  }
  EXPECT_FALSE(fs::exists(conf()));
  EXPECT_EQ(LinkDirs(), 0);
}

TEST_F(RegistrationTest, RefusesMissingDirectoryAndFile) {
  const TargetLoadError missing = RegisterError(config_dir_ + "/nope", "MICONFORM");
  EXPECT_EQ(missing.kind(), Kind::kConfigDirUnusable);
  EXPECT_THAT(missing.what(), HasSubstr("'" + config_dir_ + "/nope' does not exist"));
  const TargetLoadError file = RegisterError(handler_, "MICONFORM");
  EXPECT_EQ(file.kind(), Kind::kConfigDirUnusable);
  EXPECT_THAT(file.what(), HasSubstr("is not a directory"));
}

TEST_F(RegistrationTest, RefusesMissingHandler) {
  try {
    HandlerRegistration registration(config_dir_, "MICONFORM", handler_ + ".missing");
    FAIL() << "a missing handler was registered";
  } catch (const TargetLoadError& error) {
    EXPECT_EQ(error.kind(), Kind::kHandlerMissing);
    EXPECT_THAT(error.what(), HasSubstr(handler_ + ".missing"));
  }
  EXPECT_EQ(LinkDirs(), 0);
}

TEST_F(RegistrationTest, RefusesUnwritableDirectory) {
  ASSERT_EQ(chmod(scratch_.path().c_str(), 0755), 0);  // reachable for the unprivileged child
  ASSERT_EQ(chmod(config_dir_.c_str(), 0555), 0);
  // Root may write anywhere, so the check runs in a child that gives up root first.
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(3);
    try {
      HandlerRegistration registration(config_dir_, "MICONFORM", handler_);
    } catch (const TargetLoadError& error) {
      const std::string message = error.what();
      _exit(error.kind() == Kind::kConfigDirUnusable &&
                    message.find("is not writable") != std::string::npos
                ? 0
                : 2);
    }
    _exit(1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: accepted, 2: wrong error, 3: could not drop root";
  chmod(config_dir_.c_str(), 0755);
  EXPECT_FALSE(fs::exists(conf()));
}

TEST_F(RegistrationTest, RefusesAnAlreadyRegisteredName) {
  const std::string original =
      "x=1\n  protocolhandler = miconform , /usr/lib/libtheirs.so,TheirInit,1,0\n";
  WriteFile(conf(), original);
  const TargetLoadError error = RegisterError(config_dir_, "MICONFORM");
  EXPECT_EQ(error.kind(), Kind::kConfigDirUnusable);
  EXPECT_THAT(error.what(), HasSubstr("already registers protocol 'miconform'"));
  EXPECT_THAT(error.what(), HasSubstr("line 2"));
  EXPECT_EQ(ReadFile(conf()), original);
  EXPECT_EQ(LinkDirs(), 0);
}

TEST_F(RegistrationTest, RefusesANameARunningRunRegistered) {
  const std::string original = Marker(getppid()) +
                               "\nprotocolhandler=MICONFORM,/tmp/x/lib.so,MiconformHandlerInit,1,0\n";
  WriteFile(conf(), original);
  const TargetLoadError error = RegisterError(config_dir_, "MICONFORM");
  EXPECT_THAT(error.what(), HasSubstr("process id " + std::to_string(getppid()) + ", which is still running"));
  EXPECT_EQ(HandlerRegistration::RemoveStaleRegistrations(config_dir_), 0);
  EXPECT_EQ(ReadFile(conf()), original);
}

// A process id no process can have: the kernel assigns ids below pid_max.
long UnusedPid() {
  long pid_max = 32768;
  std::ifstream("/proc/sys/kernel/pid_max") >> pid_max;
  return pid_max;
}

TEST_F(RegistrationTest, RemovesStaleRegistrationsOnly) {
  // A previous run's private link directory, as a registration leaves it when killed.
  const std::string stale_dir = tmp_ + "/miconform-handler-stale1";
  fs::create_directories(stale_dir);
  const std::string stale_lib = stale_dir + "/libmiconform_handler.so";
  fs::create_symlink(handler_, stale_lib);
  fs::create_symlink(handler_, stale_lib + ",MiconformHandlerInit,1,0");
  const std::string live = Marker(getppid()) +
                           "\nprotocolhandler=LIVE,/tmp/l/lib.so,MiconformHandlerInit,1,0\n";
  const std::string before = "# head\nx=1\n";
  const std::string after = "y=2\n";
  WriteFile(conf(), before + Marker(UnusedPid()) + "\nprotocolhandler=MICONFORM," + stale_lib +
                        ",MiconformHandlerInit,1,0\n" + after + live);
  EXPECT_EQ(HandlerRegistration::RemoveStaleRegistrations(config_dir_), 1);
  EXPECT_EQ(ReadFile(conf()), before + after + live);
  EXPECT_FALSE(fs::exists(stale_dir));
  EXPECT_EQ(HandlerRegistration::RemoveStaleRegistrations(config_dir_), 0);
  // The stale name is free again.
  EXPECT_NO_THROW(HandlerRegistration(config_dir_, "MICONFORM", handler_));
  EXPECT_EQ(ReadFile(conf()), before + after + live);
}

TEST_F(RegistrationTest, StaleRemovalWithoutFileOrDirectoryDoesNothing) {
  EXPECT_EQ(HandlerRegistration::RemoveStaleRegistrations(config_dir_), 0);
  EXPECT_FALSE(fs::exists(conf()));
  EXPECT_EQ(HandlerRegistration::RemoveStaleRegistrations(config_dir_ + "/nope"), 0);
}

TEST(TempConfigDir, IsCreatedAndRemovedRecursively) {
  std::string path;
  {
    TempConfigDir dir;
    path = dir.path();
    EXPECT_TRUE(fs::is_directory(path));
    fs::create_directories(path + "/a/b");
    WriteFile(path + "/a/b/omicli.conf", "x=1\n");
  }
  EXPECT_FALSE(fs::exists(path));
}

}  // namespace
}  // namespace miconform

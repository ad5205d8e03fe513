// handler_registration_selftest.cc - self-tests of the omicli.conf registration
// (handler_registration.h): exact removal, the links, every refusal, stale removal.
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "miconform/handler_registration.h"
#include "test_support.h"

namespace miconform {
namespace {

namespace fs = std::filesystem;
using Kind = TargetLoadError::Kind;
using selftest::ReadFile;
using selftest::WriteFile;
using ::testing::HasSubstr;

// A marker as older versions wrote it: the process id alone.
std::string Marker(long pid) {
  return "# miconform " + std::to_string(pid) +
         ": added for a conformance run; removed when it ends";
}

// The start time of a process (field 22 of /proc/<pid>/stat), as a registration records it.
std::string StartTimeOf(long pid) {
  const std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  for (int number = 3; number <= 22; ++number) fields >> field;
  return field;
}

// A marker as a registration writes it now.
std::string MarkerWithStartTime(long pid, bool added_line_break) {
  return "# miconform " + std::to_string(pid) + " (start " + StartTimeOf(pid) +
         (added_line_break ? ", line break above added" : "") +
         "): added for a conformance run; removed when it ends";
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
    EXPECT_EQ(registration.MarkerLine(), MarkerWithStartTime(getpid(), true));
    EXPECT_EQ(ReadFile(conf()), original + "\n" + registration.MarkerLine() + "\n" + line + "\n");
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
    EXPECT_EQ(ReadFile(conf()),
              registration.MarkerLine() + "\n" + registration.RegistrationLine() + "\n");
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
  const std::string original =
      Marker(getppid()) + "\nprotocolhandler=MICONFORM,/tmp/x/lib.so,MiconformHandlerInit,1,0\n";
  WriteFile(conf(), original);
  const TargetLoadError error = RegisterError(config_dir_, "MICONFORM");
  EXPECT_THAT(error.what(),
              HasSubstr("process id " + std::to_string(getppid()) + ", which is still running"));
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
  const std::string live =
      Marker(getppid()) + "\nprotocolhandler=LIVE,/tmp/l/lib.so,MiconformHandlerInit,1,0\n";
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

// Registers `protocol` in a child process that is then killed with SIGKILL, as a run is killed,
// and returns the child's (now unused) process id.
pid_t RegisterAndKill(const std::string& dir, const std::string& protocol,
                      const std::string& handler) {
  const pid_t child = fork();
  if (child == 0) {
    try {
      HandlerRegistration registration(dir, protocol, handler);
      raise(SIGKILL);
    } catch (...) {
    }
    _exit(1);
  }
  int status = 0;
  EXPECT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "registering failed";
  return child;
}

TEST_F(RegistrationTest, RunsEndingInTheOrderTheyStartedKeepAMissingFinalLineBreak) {
  const std::string original = "x=1\n# no final line break";
  WriteFile(conf(), original);
  auto first = std::make_unique<HandlerRegistration>(config_dir_, "MICONFORM", handler_);
  auto second = std::make_unique<HandlerRegistration>(config_dir_, "MICONFORM2", handler_);
  first.reset();
  EXPECT_THAT(ReadFile(conf()), HasSubstr(second->RegistrationLine()));
  second.reset();
  EXPECT_EQ(ReadFile(conf()), original);
  // And in the other order.
  first = std::make_unique<HandlerRegistration>(config_dir_, "MICONFORM", handler_);
  second = std::make_unique<HandlerRegistration>(config_dir_, "MICONFORM2", handler_);
  second.reset();
  first.reset();
  EXPECT_EQ(ReadFile(conf()), original);
  EXPECT_EQ(LinkDirs(), 0);
}

TEST_F(RegistrationTest, StaleRemovalTakesTheKilledRunsLineBreakToo) {
  const std::string original = "x=1";
  WriteFile(conf(), original);
  RegisterAndKill(config_dir_, "MICONFORM", handler_);
  ASSERT_THAT(ReadFile(conf()), HasSubstr("protocolhandler=MICONFORM,"));
  EXPECT_EQ(HandlerRegistration::RemoveStaleRegistrations(config_dir_), 1);
  EXPECT_EQ(ReadFile(conf()), original);
  EXPECT_EQ(LinkDirs(), 0);
  { HandlerRegistration registration(config_dir_, "MICONFORM", handler_); }
  EXPECT_EQ(ReadFile(conf()), original);
}

TEST_F(RegistrationTest, StaleRemovalBeforeALiveRunKeepsAMissingFinalLineBreak) {
  const std::string original = "x=1";
  WriteFile(conf(), original);
  // A run that added the line break is killed while a second run (registered after it) goes on;
  // a third run cleans up the killed one, then the second ends.
  RegisterAndKill(config_dir_, "MICONFORM", handler_);
  auto second = std::make_unique<HandlerRegistration>(config_dir_, "MICONFORM2", handler_);
  EXPECT_EQ(HandlerRegistration::RemoveStaleRegistrations(config_dir_), 1);
  EXPECT_THAT(ReadFile(conf()), HasSubstr(second->RegistrationLine()));
  second.reset();
  EXPECT_EQ(ReadFile(conf()), original);
  EXPECT_EQ(LinkDirs(), 0);
}

// Two configuration directories whose omicli.conf are symbolic links to one file.
class SharedFileTest : public RegistrationTest {
 protected:
  SharedFileTest()
      : shared_dir_(scratch_.path() + "/shared"), other_dir_(scratch_.path() + "/conf2") {
    fs::create_directories(shared_dir_);
    fs::create_directories(other_dir_);
    WriteFile(shared(), "x=1\n");
    fs::create_symlink(shared(), conf());
    fs::create_symlink("../shared/omicli.conf", other_dir_ + "/omicli.conf");
  }
  std::string shared() const { return shared_dir_ + "/omicli.conf"; }

  std::string shared_dir_;
  std::string other_dir_;
};

TEST_F(SharedFileTest, ConcurrentRunsThroughTwoLinksKeepEveryRegistration) {
  // Two processes register and remove through different links, each checking its registration
  // is in the file while it holds it; a lost update drops one or brings a removed one back.
  pid_t children[2];
  for (int n = 0; n < 2; ++n) {
    children[n] = fork();
    ASSERT_GE(children[n], 0);
    if (children[n] == 0) {
      const std::string dir = n == 0 ? config_dir_ : other_dir_;
      int code = 0;
      try {
        for (int round = 0; round < 40 && code == 0; ++round) {
          HandlerRegistration registration(dir, "RUN" + std::to_string(n), handler_);
          if (ReadFile(shared()).find(registration.RegistrationLine()) == std::string::npos)
            code = 2;
        }
      } catch (...) {
        code = 3;
      }
      _exit(code);
    }
  }
  for (pid_t child : children) {
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "2: a registration was lost, 3: registering failed";
  }
  EXPECT_EQ(ReadFile(shared()), "x=1\n");
  EXPECT_TRUE(fs::is_symlink(conf()));
  EXPECT_TRUE(fs::is_symlink(other_dir_ + "/omicli.conf"));
}

TEST_F(SharedFileTest, ARewriteWaitsForTheLockOfTheRealFile) {
  // The lock is the flock of the directory that really holds the file, whichever link is named.
  const int lock = open(shared_dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(lock, 0);
  ASSERT_EQ(flock(lock, LOCK_EX), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(lock);  // the inherited descriptor shares the lock, which would then never go
    alarm(20);    // rather than hang if the lock is never released
    try {
      HandlerRegistration registration(other_dir_, "MICONFORM", handler_);
      _exit(0);  // leaves the registration in place
    } catch (...) {
      _exit(1);
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(ReadFile(shared()), "x=1\n") << "the file was rewritten while its lock was held";
  close(lock);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
  EXPECT_THAT(ReadFile(shared()), HasSubstr("protocolhandler=MICONFORM,"));
  EXPECT_EQ(HandlerRegistration::RemoveStaleRegistrations(config_dir_), 1);
  EXPECT_EQ(ReadFile(shared()), "x=1\n");
  EXPECT_EQ(LinkDirs(), 0);
}

TEST_F(RegistrationTest, AReusedProcessIdDoesNotKeepARegistration) {
  // A killed run's registration whose process id now belongs to a live process (this test's
  // parent) that started at another time.
  WriteFile(conf(), "x=1\n");
  const pid_t killed = RegisterAndKill(config_dir_, "MICONFORM", handler_);
  std::string content = ReadFile(conf());
  const std::string old_prefix = "# miconform " + std::to_string(killed);
  const auto at = content.find(old_prefix);
  ASSERT_NE(at, std::string::npos) << content;
  content.replace(at, old_prefix.size(), "# miconform " + std::to_string(getppid()));
  WriteFile(conf(), content);
  EXPECT_EQ(HandlerRegistration::RemoveStaleRegistrations(config_dir_), 1);
  EXPECT_EQ(ReadFile(conf()), "x=1\n");
  EXPECT_EQ(LinkDirs(), 0);
  EXPECT_NO_THROW(HandlerRegistration(config_dir_, "MICONFORM", handler_));
}

TEST_F(RegistrationTest, ALiveRunWithItsStartTimeKeepsItsRegistration) {
  int ready[2];
  int release[2];
  ASSERT_EQ(pipe(ready), 0);
  ASSERT_EQ(pipe(release), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    try {
      HandlerRegistration registration(config_dir_, "MICONFORM", handler_);
      char byte = 1;
      if (write(ready[1], &byte, 1) != 1) _exit(1);
      if (read(release[0], &byte, 1) < 0) _exit(1);
    } catch (...) {
    }
    _exit(0);
  }
  char byte = 0;
  ASSERT_EQ(read(ready[0], &byte, 1), 1);
  EXPECT_THAT(ReadFile(conf()),
              HasSubstr("# miconform " + std::to_string(child) + " (start " + StartTimeOf(child)));
  EXPECT_EQ(HandlerRegistration::RemoveStaleRegistrations(config_dir_), 0);
  EXPECT_THAT(RegisterError(config_dir_, "MICONFORM").what(),
              HasSubstr("process id " + std::to_string(child) + ", which is still running"));
  ASSERT_EQ(write(release[1], &byte, 1), 1);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_FALSE(fs::exists(conf()));
  for (int fd : {ready[0], ready[1], release[0], release[1]}) close(fd);
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

// fake_launcher.h - a scripted Launcher for the watchdog self-tests: children that never fork but
// replay channel bytes, output, an exit status or a hang on the watchdog's io_context, so the
// supervision rules can be tested without processes.
//
// Threading: scripts are set before RunAll; the counters are atomics read after RunAll returns.
#ifndef MICONFORM_WATCHDOG_SELFTEST_FAKE_LAUNCHER_H
#define MICONFORM_WATCHDOG_SELFTEST_FAKE_LAUNCHER_H

#include <atomic>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "launcher.h"

namespace miconform::watchdog::testing {

struct FakeStep {
  enum class Kind { kChannel, kForeign, kOutput, kExit, kHang };
  Kind kind;
  std::string bytes;    // kChannel (framed with the child's token at each line start),
                        // kForeign (written as they are), kOutput
  int wait_status = 0;  // kExit: raw waitpid status
  std::chrono::milliseconds delay{0};  // before this step
};

struct FakeScript {
  std::vector<FakeStep> steps;
  bool launch_fails = false;
  std::string launch_error;
  int leftovers = 0;               // reported by KillLeftovers
  bool streams_stay_open = false;  // never report OnStreamsClosed
  // While it hangs (a kHang step): every sample shows one thread parked for good, so the
  // supervision can prove the hang. Otherwise samples are unreadable and only timers decide.
  bool parked_when_hung = false;
  // While it hangs: every sample shows one thread that ran since the last (CPU progress).
  bool busy_when_hung = false;
};

FakeStep Channel(std::string bytes, std::chrono::milliseconds delay = {});
FakeStep Foreign(std::string bytes);  // bytes on the channel without the harness's framing
FakeStep Output(std::string bytes);
FakeStep Exit(int code, std::chrono::milliseconds delay = {});
FakeStep Signal(int signal);
FakeStep Hang();

class FakeLauncher final : public Launcher {
 public:
  // Scripts keyed by ChildSpec::id.
  std::map<std::string, FakeScript> scripts;

  std::unique_ptr<ChildProcess> Launch(boost::asio::io_context& io, const ChildSpec& spec,
                                       const std::string& channel_token, ChildObserver& observer,
                                       std::string* error) override;

  std::atomic<int> launched{0};
  std::atomic<int> running{0};
  std::atomic<int> max_running{0};
  std::atomic<int> killed{0};
  std::atomic<int> captured{0};
  std::atomic<int> finished{0};
};

}  // namespace miconform::watchdog::testing

#endif  // MICONFORM_WATCHDOG_SELFTEST_FAKE_LAUNCHER_H

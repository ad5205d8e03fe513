// fake_launcher.cc - the scripted children of fake_launcher.h.
#include "fake_launcher.h"

#include <sys/wait.h>

#include <csignal>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace miconform::watchdog::testing {
namespace {

class FakeChild final : public ChildProcess {
 public:
  FakeChild(boost::asio::io_context& io, FakeScript script, std::string token,
            ChildObserver& observer, FakeLauncher& launcher)
      : io_(io),
        script_(std::move(script)),
        token_(std::move(token)),
        observer_(observer),
        launcher_(launcher),
        timer_(io) {}

  void Begin() { Next(); }

  int pid() const override { return 0; }

  void CaptureEvidence(std::chrono::milliseconds,
                       std::function<void(std::string, std::string)> done) override {
    ++launcher_.captured;
    boost::asio::post(io_, [done = std::move(done)] {
      done("fake stacks: thread 1 in futex_wait", "tid 1 (fake) state S wchan futex_wait_queue\n");
    });
  }

  ProcessSample SampleThreads() override {
    ProcessSample sample;
    const bool hung =
        next_ < script_.steps.size() && script_.steps[next_].kind == FakeStep::Kind::kHang;
    if (!hung || !(script_.parked_when_hung || script_.busy_when_hung)) {
      sample.error = "a fake child has no /proc";
      return sample;
    }
    sample.ok = true;
    ThreadSample thread;
    thread.tid = 1;
    thread.name = "fake";
    thread.state = 'S';
    thread.runs = script_.busy_when_hung ? ++runs_ : 1;
    thread.wait = script_.busy_when_hung ? ThreadWait::kMayWake : ThreadWait::kParkedForGood;
    thread.how = script_.busy_when_hung ? "nanosleep" : "untimed private futex wait";
    // A busy thread is seen somewhere else at every sample (another pc), a parked one never moves.
    thread.syscall = script_.busy_when_hung
                         ? "230 0x0 0x0 0x0 0x0 0x0 0x0 0x1 0x" + std::to_string(runs_)
                         : "202 0x1 0x80 0x0 0x0 0x0 0x0 0x1 0x2";
    sample.threads.push_back(thread);
    return sample;
  }

  void KillGroup() override {
    if (ended_) return;
    ++launcher_.killed;
    timer_.cancel();
    boost::asio::post(io_, [this] { End(SIGKILL); });
  }

  int KillLeftovers() override { return script_.leftovers; }

  void Finish(std::function<void(std::string)> done) override {
    ++launcher_.finished;
    --launcher_.running;
    boost::asio::post(io_, [done = std::move(done)] { done(std::string()); });
  }

 private:
  std::uint64_t runs_ = 0;

  void Next() {
    if (ended_ || next_ >= script_.steps.size()) return;
    const FakeStep& step = script_.steps[next_];
    if (step.kind == FakeStep::Kind::kHang) return;  // only KillGroup ends it
    timer_.expires_after(step.delay);
    timer_.async_wait([this](const boost::system::error_code& error) {
      if (error || ended_) return;
      const FakeStep& current = script_.steps[next_++];
      switch (current.kind) {
        case FakeStep::Kind::kChannel: observer_.OnChannelData(Framed(current.bytes)); break;
        case FakeStep::Kind::kForeign: observer_.OnChannelData(current.bytes); break;
        case FakeStep::Kind::kOutput: observer_.OnOutputData(current.bytes); break;
        case FakeStep::Kind::kExit: End(current.wait_status); return;
        case FakeStep::Kind::kHang: return;
      }
      Next();
    });
  }

  // The bytes as the real child side writes them: the token before every line.
  std::string Framed(const std::string& bytes) {
    std::string framed;
    for (const char c : bytes) {
      if (at_line_start_) framed += token_ + ' ';
      framed += c;
      at_line_start_ = c == '\n';
    }
    return framed;
  }

  void End(int wait_status) {
    if (ended_) return;
    ended_ = true;
    observer_.OnExit(wait_status, std::string());
    if (!script_.streams_stay_open) observer_.OnStreamsClosed();
  }

  boost::asio::io_context& io_;
  FakeScript script_;
  const std::string token_;
  bool at_line_start_ = true;
  ChildObserver& observer_;
  FakeLauncher& launcher_;
  boost::asio::steady_timer timer_;
  std::size_t next_ = 0;
  bool ended_ = false;
};

}  // namespace

FakeStep Channel(std::string bytes, std::chrono::milliseconds delay) {
  return FakeStep{FakeStep::Kind::kChannel, std::move(bytes), 0, delay};
}
FakeStep Foreign(std::string bytes) {
  return FakeStep{FakeStep::Kind::kForeign, std::move(bytes), 0, {}};
}
FakeStep Output(std::string bytes) {
  return FakeStep{FakeStep::Kind::kOutput, std::move(bytes), 0, {}};
}
FakeStep Exit(int code, std::chrono::milliseconds delay) {
  return FakeStep{FakeStep::Kind::kExit, {}, W_EXITCODE(code, 0), delay};
}
FakeStep Signal(int signal) { return FakeStep{FakeStep::Kind::kExit, {}, signal, {}}; }
FakeStep Hang() { return FakeStep{FakeStep::Kind::kHang, {}, 0, {}}; }

std::unique_ptr<ChildProcess> FakeLauncher::Launch(boost::asio::io_context& io,
                                                   const ChildSpec& spec,
                                                   const std::string& channel_token,
                                                   ChildObserver& observer, std::string* error) {
  const auto found = scripts.find(spec.id);
  if (found == scripts.end()) {
    *error = "no fake script for '" + spec.id + "'";
    return nullptr;
  }
  if (found->second.launch_fails) {
    *error = found->second.launch_error;
    return nullptr;
  }
  ++launched;
  const int now_running = ++running;
  int seen = max_running.load();
  while (now_running > seen && !max_running.compare_exchange_weak(seen, now_running)) {
  }
  auto child = std::make_unique<FakeChild>(io, found->second, channel_token, observer, *this);
  child->Begin();
  return child;
}

}  // namespace miconform::watchdog::testing

// process_launcher.cc - the real Launcher of launcher.h: case processes started with Boost.Process
// v2, watched through pipes and a pidfd on the watchdog's io_context.
#include <sys/prctl.h>

#include <array>
#include <csignal>
#include <set>

#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "launcher.h"
#include "process_group.h"
#include "process_spawn.h"
#include "stack_capture.h"

namespace miconform::watchdog {
namespace {

// How long Finish keeps trying to reap what is left of a group, and how often.
constexpr std::chrono::milliseconds kReapLimit{5000};
constexpr std::chrono::milliseconds kReapPoll{5};

class ProcessChild final : public ChildProcess {
 public:
  ProcessChild(boost::asio::io_context& io, std::unique_ptr<Spawned> spawned,
               ChildObserver& observer)
      : io_(io),
        spawned_(std::move(spawned)),
        observer_(observer),
        pid_(spawned_->pid),
        reap_timer_(io) {}

  void Begin() {
    Read(spawned_->channel, channel_buffer_, &channel_eof_, /*is_channel=*/true);
    Read(spawned_->output, output_buffer_, &output_eof_, /*is_channel=*/false);
    // The raw status, decoded by the supervision: it tells exit(11) from SIGSEGV.
    exit_watch_ = std::make_unique<ExitWatch>(io_, pid_, [this](int status, std::string error) {
      reaped_ = true;
      if (finished_) return;
      observer_.OnExit(status, error);
    });
  }

  int pid() const override { return pid_; }

  void CaptureEvidence(std::chrono::milliseconds limit,
                       std::function<void(std::string, std::string)> done) override {
    // States first: the stack tool stops every thread while it reads them.
    std::string states = ReadThreadStates(pid_);
    capture_ = std::make_unique<StackCapture>(
        io_, pid_, limit,
        [this, states = std::move(states), done = std::move(done)](std::string stacks) mutable {
          // Runs inside the capture's own handler: release it later, not from under it.
          boost::asio::post(io_, [this] { capture_.reset(); });
          done(std::move(stacks), std::move(states));
        });
  }

  void KillGroup() override { KillTree(pid_); }

  ProcessSample SampleThreads() override { return SampleProcess(pid_); }

  int KillLeftovers() override {
    const std::vector<pid_t> in_group = LiveGroupMembers(pid_);
    std::set<pid_t> killed(in_group.begin(), in_group.end());
    ::kill(-pid_, SIGKILL);
    // The child was a subreaper: whatever it started and left running came to the runner.
    const OrphanSweep orphans = EndOrphans(pid_);
    orphans_pending_ = orphans.unreaped;
    killed.insert(orphans.killed.begin(), orphans.killed.end());
    return static_cast<int>(killed.size());
  }

  void Finish(std::function<void(std::string)> done) override {
    finished_ = true;
    boost::system::error_code ignored;
    spawned_->channel.close(ignored);
    spawned_->output.close(ignored);
    finish_done_ = std::move(done);
    reap_deadline_ = std::chrono::steady_clock::now() + kReapLimit;
    boost::asio::post(io_, [this] { Reap(); });
  }

 private:
  template <std::size_t N>
  void Read(boost::asio::readable_pipe& pipe, std::array<char, N>& buffer, bool* eof,
            bool is_channel) {
    pipe.async_read_some(
        boost::asio::buffer(buffer), [this, &pipe, &buffer, eof, is_channel](
                                         const boost::system::error_code& error, std::size_t read) {
          if (finished_) return;
          if (read > 0) {
            const std::string_view bytes(buffer.data(), read);
            is_channel ? observer_.OnChannelData(bytes) : observer_.OnOutputData(bytes);
          }
          if (error) {
            *eof = true;
            if (channel_eof_ && output_eof_) observer_.OnStreamsClosed();
            return;
          }
          Read(pipe, buffer, eof, is_channel);
        });
  }

  void Reap() {
    if (!reaped_) {
      // Finish runs only after OnExit; this guards a misuse, never waits on a live leader.
      KillTree(pid_);
    }
    // Swept again (a read of all of /proc) only while orphans found by KillLeftovers are unreaped.
    if (orphans_pending_) orphans_pending_ = EndOrphans(pid_).unreaped;
    const bool empty = reaped_ && ReapGroup(pid_) && !orphans_pending_;
    if (!empty && std::chrono::steady_clock::now() < reap_deadline_) {
      reap_timer_.expires_after(kReapPoll);
      reap_timer_.async_wait([this](const boost::system::error_code&) { Reap(); });
      return;
    }
    std::string notes;
    if (!empty) {
      notes = "processes of group " + std::to_string(pid_) +
              ", or processes it left behind, were "
              "still present " +
              std::to_string(kReapLimit.count()) + " ms after SIGKILL";
    }
    auto done = std::move(finish_done_);
    done(std::move(notes));
  }

  boost::asio::io_context& io_;
  std::unique_ptr<Spawned> spawned_;
  ChildObserver& observer_;
  const pid_t pid_;
  boost::asio::steady_timer reap_timer_;
  std::chrono::steady_clock::time_point reap_deadline_{};
  std::unique_ptr<StackCapture> capture_;
  std::unique_ptr<ExitWatch> exit_watch_;
  std::function<void(std::string)> finish_done_;
  std::array<char, 4096> channel_buffer_{};
  std::array<char, 65536> output_buffer_{};
  bool channel_eof_ = false;
  bool output_eof_ = false;
  bool reaped_ = false;
  bool finished_ = false;
  bool orphans_pending_ = false;  // orphans KillLeftovers found are not all reaped yet
};

class ProcessLauncher final : public Launcher {
 public:
  ProcessLauncher() {
    // Orphaned grandchildren then come to this process instead of init, so the watchdog can
    // reap them and nothing of a case outlives its supervision.
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  }

  std::unique_ptr<ChildProcess> Launch(boost::asio::io_context& io, const ChildSpec& spec,
                                       const std::string& channel_token, ChildObserver& observer,
                                       std::string* error) override {
    SpawnRequest request;
    request.argv = spec.argv;
    request.env = spec.env;
    request.env_unset = spec.env_unset;
    request.with_channel = true;
    request.channel_token = channel_token;
    std::unique_ptr<Spawned> spawned = SpawnInOwnGroup(io, request, error);
    if (!spawned) return nullptr;
    auto child = std::make_unique<ProcessChild>(io, std::move(spawned), observer);
    child->Begin();
    return child;
  }
};

}  // namespace

std::shared_ptr<Launcher> MakeProcessLauncher() { return std::make_shared<ProcessLauncher>(); }

}  // namespace miconform::watchdog

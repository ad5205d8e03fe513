// supervision.h - the watchdog's rules for one child: reads its phase channel, samples its threads,
// decides when it is hung (proven from /proc, or by timer after no progress for `timeout`, or for
// `hang_window` while the armed call is in flight) or too slow to judge (still progressing at the
// end of its `budget`), captures evidence and kills it, and assembles its Outcome. Used by
// Watchdog::RunAll, one Supervision per started spec. The rules are in README.md.
//
// Threading: every method runs on the io thread of the io_context it was given. Lifetime: must
// outlive every handler it or its ChildProcess scheduled, i.e. destroy it only after io.run()
// has returned.
#ifndef MICONFORM_WATCHDOG_SUPERVISION_H
#define MICONFORM_WATCHDOG_SUPERVISION_H

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "launcher.h"
#include "phase_channel.h"
#include "watchdog.h"

namespace miconform::watchdog {

class Supervision final : public ChildObserver {
 public:
  // How long stack capture may take, and how long the streams may stay open after the child
  // ended and its group was killed, before the watchdog stops waiting for them.
  static constexpr std::chrono::milliseconds kCaptureLimit{10000};
  static constexpr std::chrono::milliseconds kDrainLimit{2000};
  static constexpr std::size_t kOutputKeep = 64 * 1024;
  static constexpr std::size_t kMaxLines = 100000;
  // How often the child's threads are sampled and its limits checked, and how long its channel
  // must have been silent before a sample is worth taking for a proof.
  static constexpr std::chrono::milliseconds kTick{10};
  static constexpr std::chrono::milliseconds kQuietBeforeProof{10};

  // `on_end` is called once, from the io_context (never from inside Start), with the outcome.
  Supervision(boost::asio::io_context& io, Launcher& launcher, const ChildSpec& spec,
              std::function<void(Outcome)> on_end);
  Supervision(const Supervision&) = delete;
  Supervision& operator=(const Supervision&) = delete;

  void Start();
  // Kills the child's group; the outcome becomes kInterrupted unless it had already timed out.
  void Interrupt();

  // The running child's pid, or -1 once it has ended (or never started).
  int RunningPid() const { return child_ && !exited_ ? child_->pid() : -1; }

  // Records on this child's outcome a signal it (or a process below it) sent to the runner.
  // The first kMaxSignalsNoted are kept; the rest only counted (one line at the end).
  void NoteSignalToRunner(std::string description) {
    ++signals_to_runner_;
    if (signals_to_runner_ <= kMaxSignalsNoted) {
      outcome_.signals_to_runner.push_back(std::move(description));
    }
  }
  static constexpr std::size_t kMaxSignalsNoted = 16;

  void OnChannelData(std::string_view bytes) override;
  void OnOutputData(std::string_view bytes) override;
  void OnStreamsClosed() override;
  void OnExit(int wait_status, const std::string& error) override;

 private:
  using Clock = std::chrono::steady_clock;

  enum class Stop { kProvenHang, kTimerHang, kOverBudget };

  void HandleLine(std::string line);
  void NoteCall(std::string_view phase);
  void ScheduleTick();
  void OnTick();
  // Records how the child's threads moved since the last sample; true when one of them (but the
  // harness's own waiting threads) ran.
  bool ThreadsProgressed(const ProcessSample& sample);
  bool ArmedCallInFlight() const;
  void StopChild(Stop why, std::string proof);
  void AddNote(const std::string& note);
  void MaybeFinish();
  void Deliver();

  boost::asio::io_context& io_;
  Launcher& launcher_;
  const ChildSpec& spec_;
  std::function<void(Outcome)> on_end_;
  std::unique_ptr<ChildProcess> child_;
  boost::asio::steady_timer tick_timer_;
  boost::asio::steady_timer drain_timer_;
  Clock::time_point start_{};
  Clock::time_point last_line_{};      // the latest channel line
  Clock::time_point last_progress_{};  // the latest channel line or thread that ran
  std::uint64_t lines_seen_ = 0;
  std::vector<std::string> calls_in_flight_;  // oldest first
  std::set<pid_t> harness_waiting_;           // threads inside a harness wait (wait/woke lines)
  struct ThreadMark {
    pid_t tid;
    std::uint64_t runs;
    std::string syscall;
  };
  std::vector<ThreadMark> last_marks_;  // per thread, at the last sample
  QuiescenceProof proof_{Timing::kProofSamples, Timing::kProofInterval};
  std::string last_explanation_;  // why the last sample proved nothing
  ChannelReader channel_reader_{NewChannelToken()};
  std::size_t signals_to_runner_ = 0;
  bool armed_ = false;
  bool exited_ = false;
  bool streams_closed_ = false;
  bool drain_expired_ = false;
  bool timed_out_ = false;
  bool over_budget_ = false;
  bool capturing_ = false;
  bool interrupted_ = false;
  bool finishing_ = false;
  int wait_status_ = 0;
  std::string notes_;
  Outcome outcome_;
};

}  // namespace miconform::watchdog

#endif  // MICONFORM_WATCHDOG_SUPERVISION_H

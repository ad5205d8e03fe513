// supervision.h - the watchdog's rules for one child: reads its phase channel, keeps its deadline
// (unarmed: `timeout` since start; armed: `hang_window` since the latest arm/phase line),
// captures evidence and kills it when the deadline passes, and assembles its Outcome. Used by
// Watchdog::RunAll, one Supervision per started spec.
//
// Threading: every method runs on the io thread of the io_context it was given. Lifetime: must
// outlive every handler it or its ChildProcess scheduled, i.e. destroy it only after io.run()
// has returned.
#ifndef MICONFORM_WATCHDOG_SUPERVISION_H
#define MICONFORM_WATCHDOG_SUPERVISION_H

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "launcher.h"
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

  // `on_end` is called once, from the io_context (never from inside Start), with the outcome.
  Supervision(boost::asio::io_context& io, Launcher& launcher, const ChildSpec& spec,
              std::function<void(Outcome)> on_end);
  Supervision(const Supervision&) = delete;
  Supervision& operator=(const Supervision&) = delete;

  void Start();
  // Kills the child's group; the outcome becomes kInterrupted unless it had already timed out.
  void Interrupt();

  void OnChannelData(std::string_view bytes) override;
  void OnOutputData(std::string_view bytes) override;
  void OnStreamsClosed() override;
  void OnExit(int wait_status, const std::string& error) override;

 private:
  using Clock = std::chrono::steady_clock;

  void HandleLine(std::string line);
  void ScheduleDeadline();
  void OnDeadline();
  void AddNote(const std::string& note);
  void MaybeFinish();
  void Deliver();

  boost::asio::io_context& io_;
  Launcher& launcher_;
  const ChildSpec& spec_;
  std::function<void(Outcome)> on_end_;
  std::unique_ptr<ChildProcess> child_;
  boost::asio::steady_timer deadline_timer_;
  boost::asio::steady_timer drain_timer_;
  Clock::time_point start_{};
  Clock::time_point last_activity_{};  // latest arm line or, while armed, phase line
  std::string partial_line_;
  bool armed_ = false;
  bool exited_ = false;
  bool streams_closed_ = false;
  bool drain_expired_ = false;
  bool timed_out_ = false;
  bool capturing_ = false;
  bool interrupted_ = false;
  bool finishing_ = false;
  int wait_status_ = 0;
  std::string notes_;
  Outcome outcome_;
};

}  // namespace miconform::watchdog

#endif  // MICONFORM_WATCHDOG_SUPERVISION_H

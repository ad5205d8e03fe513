// watchdog.cc - Watchdog::RunAll of watchdog.h: schedules up to `jobs` supervisions on one io
// thread and hands their outcomes to the calling thread.
#include "watchdog.h"

#include <fcntl.h>

#include <condition_variable>
#include <deque>
#include <exception>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>

#include "interrupt_signals.h"
#include "launcher.h"
#include "process_group.h"
#include "supervision.h"

namespace miconform::watchdog {

// State of one RunAll. Fields above `mutex` belong to the io thread; the handoff queue below it
// is shared with the calling thread.
struct Watchdog::Run {
  Run(const std::vector<ChildSpec>& specs_in, std::size_t jobs_in, Launcher& launcher_in,
      std::atomic<bool>& interrupted_in)
      : specs(specs_in),
        jobs(jobs_in),
        launcher(launcher_in),
        interrupted(interrupted_in),
        supervisions(specs_in.size()) {}

  // Queues one outcome for the calling thread.
  void Report(std::size_t index, Outcome outcome) {
    ++reported;
    {
      std::lock_guard<std::mutex> lock(mutex);
      done.emplace_back(index, std::move(outcome));
    }
    cv.notify_one();
    if (reported == specs.size() && signal_watch) {
      boost::system::error_code ignored;
      signal_watch->close(ignored);  // lets the io_context run out of work
    }
  }

  // Waits for a caught signal and takes it: one sent from inside a running case's tree is
  // recorded on that case and ignored; any other interrupts the run (interrupt_signals.h).
  void WatchSignals() {
    signal_watch->async_wait(boost::asio::posix::stream_descriptor::wait_read,
                             [this](const boost::system::error_code& error) {
                               if (error) return;
                               for (const CaughtSignal& caught : signals->Take())
                                 TakeSignal(caught);
                               if (reported < specs.size()) WatchSignals();
                             });
  }

  void TakeSignal(const CaughtSignal& caught) {
    if (caught.has_sender) {
      for (auto& supervision : supervisions) {
        const int pid = supervision ? supervision->RunningPid() : -1;
        if (pid <= 0) continue;
        if (IsInTree(caught.sender, pid) ||
            (caught.sender_parent > 0 && IsInTree(caught.sender_parent, pid))) {
          supervision->NoteSignalToRunner(DescribeSignal(caught));
          return;
        }
      }
    }
    // From a case that has ended since, or from what one left behind: nothing to record it on.
    if (SentFromCases(caught)) return;
    signals->MarkInterrupted();
    StopAll(/*is_interrupt=*/true);
  }

  void StartMore() {
    while (!stopping && running < jobs && next < specs.size()) {
      const std::size_t index = next++;
      ++running;
      supervisions[index] =
          std::make_unique<Supervision>(io, launcher, specs[index], [this, index](Outcome outcome) {
            --running;
            Report(index, std::move(outcome));
            StartMore();
          });
      supervisions[index]->Start();
    }
  }

  // Kills every running group and reports every spec not yet started as interrupted.
  void StopAll(bool is_interrupt) {
    if (is_interrupt) interrupted.store(true);
    if (stopping) return;
    stopping = true;
    for (auto& supervision : supervisions) {
      if (supervision) supervision->Interrupt();
    }
    while (next < specs.size()) {
      Outcome outcome;
      outcome.end = Outcome::End::kInterrupted;
      Report(next++, std::move(outcome));
    }
  }

  void IoMain() {
    boost::asio::post(io, [this] { StartMore(); });
    for (;;) {
      try {
        io.run();
        break;
      } catch (...) {
        // A handler failed (e.g. out of memory): stop everything, but still reap what was started.
        if (!error) error = std::current_exception();
        StopAll(/*is_interrupt=*/false);
      }
    }
    {
      std::lock_guard<std::mutex> lock(mutex);
      io_finished = true;
    }
    cv.notify_one();
  }

  boost::asio::io_context io;
  const std::vector<ChildSpec>& specs;
  const std::size_t jobs;
  Launcher& launcher;
  std::atomic<bool>& interrupted;
  std::vector<std::unique_ptr<Supervision>> supervisions;
  InterruptSignals* signals = nullptr;  // the active instance, if any
  std::unique_ptr<boost::asio::posix::stream_descriptor> signal_watch;  // on a dup of its fd
  std::size_t next = 0;
  std::size_t running = 0;
  std::size_t reported = 0;
  bool stopping = false;
  std::exception_ptr error;

  std::mutex mutex;
  std::condition_variable cv;
  std::deque<std::pair<std::size_t, Outcome>> done;
  bool io_finished = false;
};

Watchdog::Watchdog(std::shared_ptr<Launcher> launcher)
    : launcher_(launcher ? std::move(launcher) : MakeProcessLauncher()) {}

Watchdog::~Watchdog() = default;

void Watchdog::RunAll(const std::vector<ChildSpec>& specs, int jobs,
                      const std::function<void(std::size_t, Outcome)>& on_done,
                      bool handle_signals) {
  interrupted_.store(false);
  if (specs.empty()) return;
  Run run(specs, static_cast<std::size_t>(jobs < 1 ? 1 : jobs), *launcher_, interrupted_);
  // When asked: the command's signals when it catches them for its whole life (main.cc), else
  // this run's own.
  std::unique_ptr<InterruptSignals> own_signals;
  if (handle_signals) {
    run.signals = InterruptSignals::Active();
    if (run.signals == nullptr) {
      own_signals = std::make_unique<InterruptSignals>(InterruptSignals::Scope::kRun);
      if (own_signals->active()) run.signals = own_signals.get();
    }
  }
  if (run.signals != nullptr) {
    const int watched = ::fcntl(run.signals->fd(), F_DUPFD_CLOEXEC, 3);
    if (watched >= 0) {
      run.signal_watch = std::make_unique<boost::asio::posix::stream_descriptor>(run.io, watched);
      boost::asio::post(run.io, [&run] {
        if (run.signals->interrupted()) run.StopAll(/*is_interrupt=*/true);
        run.WatchSignals();
      });
    }
  }
  {
    std::lock_guard<std::mutex> lock(run_mutex_);
    current_ = &run;
  }
  std::thread io_thread([&run] { run.IoMain(); });

  std::exception_ptr callback_error;
  for (;;) {
    std::unique_lock<std::mutex> lock(run.mutex);
    run.cv.wait(lock, [&run] { return !run.done.empty() || run.io_finished; });
    if (run.done.empty()) break;
    std::pair<std::size_t, Outcome> item = std::move(run.done.front());
    run.done.pop_front();
    lock.unlock();
    if (callback_error) continue;
    try {
      on_done(item.first, std::move(item.second));
    } catch (...) {
      callback_error = std::current_exception();
      boost::asio::post(run.io, [&run] { run.StopAll(/*is_interrupt=*/false); });
    }
  }
  io_thread.join();
  {
    std::lock_guard<std::mutex> lock(run_mutex_);
    current_ = nullptr;
  }
  run.signal_watch.reset();
  own_signals.reset();
  if (run.error) std::rethrow_exception(run.error);
  if (callback_error) std::rethrow_exception(callback_error);
}

Outcome Watchdog::RunOne(const ChildSpec& spec) {
  Outcome result;
  RunAll({spec}, 1, [&result](std::size_t, Outcome outcome) { result = std::move(outcome); });
  return result;
}

bool Watchdog::interrupted() const {
  if (interrupted_.load()) return true;
  InterruptSignals* signals = InterruptSignals::Active();
  if (signals == nullptr) return false;
  std::lock_guard<std::mutex> lock(run_mutex_);
  // Between runs, a queued signal is taken here; during one, the run's io thread takes it.
  return current_ == nullptr ? signals->TakeOutsideCases() : signals->interrupted();
}

void Watchdog::Interrupt() {
  std::lock_guard<std::mutex> lock(run_mutex_);
  if (current_ != nullptr) {
    Run* run = current_;
    boost::asio::post(run->io, [run] { run->StopAll(/*is_interrupt=*/true); });
  }
}

}  // namespace miconform::watchdog

// launcher.h - the seam between the watchdog's supervision rules and real processes: how a child
// is started, observed and killed. The Watchdog uses it; the real implementation uses
// Boost.Process v2; self-tests substitute a scripted fake that never forks.
//
// Threading and lifetime: everything here runs on the watchdog's single io thread (the thread
// that runs the io_context passed to Launch). The observer outlives the ChildProcess. A
// ChildProcess reports through the observer only from handlers run on that io_context, never from
// inside its own methods, and stops reporting once Finish's callback has run. It is destroyed only
// after Finish's callback has run, or, if Launch failed, never existed.
#ifndef MICONFORM_WATCHDOG_LAUNCHER_H
#define MICONFORM_WATCHDOG_LAUNCHER_H

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>

#include "quiescence.h"
#include "watchdog.h"

namespace miconform::watchdog {

// What a running child reports.
class ChildObserver {
 public:
  virtual ~ChildObserver() = default;
  virtual void OnChannelData(std::string_view bytes) = 0;  // raw bytes of the phase channel
  virtual void OnOutputData(std::string_view bytes) = 0;   // raw stdout+stderr bytes
  virtual void OnStreamsClosed() = 0;                      // both streams reached EOF (once)
  // The child (group leader) ended and was reaped; `wait_status` is the raw waitpid status.
  // `error` is non-empty when waiting failed (wait_status is then meaningless).
  virtual void OnExit(int wait_status, const std::string& error) = 0;
};

// One started child.
class ChildProcess {
 public:
  virtual ~ChildProcess() = default;
  virtual int pid() const = 0;
  // Captures the state of every thread, then every thread's stack, bounded by `limit`; calls
  // done(stacks, thread_states) later from the io_context.
  virtual void CaptureEvidence(std::chrono::milliseconds limit,
                               std::function<void(std::string, std::string)> done) = 0;
  // One sample of every thread of the child (quiescence.h), read at once. A child whose threads
  // cannot be read answers with ok == false.
  virtual ProcessSample SampleThreads() = 0;
  // SIGKILL to the child, its process group and every process below it (process_group.h,
  // KillTree), wherever they moved.
  virtual void KillGroup() = 0;
  // After OnExit: kills what is left of the group and what the child left behind (its orphans,
  // which came to the runner); returns how many live processes it killed.
  virtual int KillLeftovers() = 0;
  // Stops reading the streams, reaps every process of the group that can be reaped (bounded in
  // time), then calls done() from the io_context. Notes for the report go to `notes`.
  virtual void Finish(std::function<void(std::string notes)> done) = 0;
};

class Launcher {
 public:
  virtual ~Launcher() = default;
  // Starts `spec`, handing it the phase channel framed with `channel_token` (phase_channel.h).
  // On failure returns nullptr and sets *error to a message that names the executable and the
  // reason.
  virtual std::unique_ptr<ChildProcess> Launch(boost::asio::io_context& io, const ChildSpec& spec,
                                               const std::string& channel_token,
                                               ChildObserver& observer, std::string* error) = 0;
};

// The real launcher (Boost.Process v2): each child in its own process group and a child subreaper,
// killed if the runner dies (PR_SET_PDEATHSIG), the phase channel passed as an inherited pipe fd
// named, with its token, by MICONFORM_CHANNEL. Creating it makes this process a child subreaper
// (PR_SET_CHILD_SUBREAPER) too, so what an ended child leaves running becomes this process's
// child, and KillLeftovers and Finish end and reap it (process_spawn.h, EndOrphans).
std::shared_ptr<Launcher> MakeProcessLauncher();

}  // namespace miconform::watchdog

#endif  // MICONFORM_WATCHDOG_LAUNCHER_H

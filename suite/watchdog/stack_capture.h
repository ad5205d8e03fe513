// stack_capture.h - dumps every thread's stack of a hung process with an external tool
// (`eu-stack -m -p PID` when on PATH, else `gdb -batch -p PID -ex "thread apply all bt"`), without
// blocking the io thread and bounded in time: a tool that hangs is killed and that is noted.
// Used by the real launcher when a child times out.
//
// Threading: construct and use on the io thread. Lifetime: must outlive its handlers, i.e. keep
// it until `done` has run.
#ifndef MICONFORM_WATCHDOG_STACK_CAPTURE_H
#define MICONFORM_WATCHDOG_STACK_CAPTURE_H

#include <sys/types.h>

#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "process_spawn.h"

namespace miconform::watchdog {

// The command that dumps every thread's stack of process `target`: `eu-stack -m -p PID` when on
// PATH, else gdb's "thread apply all bt"; empty when neither is. Also used by crash_stacks.cc.
std::vector<std::string> StackToolCommand(pid_t target);

class StackCapture {
 public:
  static constexpr std::size_t kMaxBytes = 1024 * 1024;

  // Starts capturing; calls done(text) once, from a handler on `io`. The text names the tool and
  // says why it is incomplete when it is.
  StackCapture(boost::asio::io_context& io, pid_t target, std::chrono::milliseconds limit,
               std::function<void(std::string)> done);
  ~StackCapture();
  StackCapture(const StackCapture&) = delete;
  StackCapture& operator=(const StackCapture&) = delete;

 private:
  void Read();
  void MaybeDone();

  boost::asio::io_context& io_;
  std::function<void(std::string)> done_;
  std::unique_ptr<Spawned> tool_;
  std::unique_ptr<ExitWatch> exit_watch_;
  boost::asio::steady_timer limit_timer_;
  std::chrono::milliseconds limit_;
  std::string command_;
  std::string text_;
  std::array<char, 16384> buffer_{};
  bool exited_ = false;
  bool eof_ = false;
  bool killed_ = false;
  bool finished_ = false;
  int status_ = 0;
};

}  // namespace miconform::watchdog

#endif  // MICONFORM_WATCHDOG_STACK_CAPTURE_H

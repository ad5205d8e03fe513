// stack_capture.cc - the bounded, asynchronous stack dump of stack_capture.h.
#include "stack_capture.h"

#include <sys/wait.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>

#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>

namespace miconform::watchdog {

std::vector<std::string> StackToolCommand(pid_t target) {
  const char* path = std::getenv("PATH");
  const std::string path_variable = path ? path : "/usr/bin:/bin";
  const std::string pid = std::to_string(target);
  if (const std::string tool = ResolveExecutable("eu-stack", path_variable); !tool.empty()) {
    return {tool, "-m", "-p", pid};  // -m: each frame's module, so a report can find the target's
  }
  if (const std::string tool = ResolveExecutable("gdb", path_variable); !tool.empty()) {
    return {tool, "-batch", "-nx", "-p", pid, "-ex", "thread apply all bt"};
  }
  return {};
}

StackCapture::StackCapture(boost::asio::io_context& io, pid_t target,
                           std::chrono::milliseconds limit, std::function<void(std::string)> done)
    : io_(io), done_(std::move(done)), limit_timer_(io), limit_(limit) {
  SpawnRequest request;
  request.argv = StackToolCommand(target);
  if (request.argv.empty()) {
    text_ = "no stack capture: neither eu-stack nor gdb is on PATH\n";
    exited_ = eof_ = true;
    boost::asio::post(io_, [this] { MaybeDone(); });
    return;
  }
  for (const std::string& word : request.argv) command_ += (command_.empty() ? "" : " ") + word;
  std::string error;
  tool_ = SpawnInOwnGroup(io_, request, &error);
  if (!tool_) {
    text_ = "no stack capture: " + error + "\n";
    exited_ = eof_ = true;
    boost::asio::post(io_, [this] { MaybeDone(); });
    return;
  }
  exit_watch_ = std::make_unique<ExitWatch>(io_, tool_->pid, [this](int status, std::string error) {
    exited_ = true;
    status_ = error.empty() ? status : -1;
    MaybeDone();
  });
  limit_timer_.expires_after(limit_);
  limit_timer_.async_wait([this](const boost::system::error_code& error) {
    if (error || finished_) return;
    killed_ = true;
    if (!exited_) ::kill(-tool_->pid, SIGKILL);
    boost::system::error_code ignored;
    tool_->output.close(ignored);  // a descendant of the tool may hold the pipe open
    eof_ = true;
    MaybeDone();
  });
  Read();
}

void StackCapture::Read() {
  tool_->output.async_read_some(boost::asio::buffer(buffer_),
                                [this](const boost::system::error_code& error, std::size_t read) {
                                  if (finished_ || killed_) return;
                                  if (text_.size() < kMaxBytes)
                                    text_.append(buffer_.data(),
                                                 std::min(read, kMaxBytes - text_.size()));
                                  if (error) {
                                    eof_ = true;
                                    MaybeDone();
                                    return;
                                  }
                                  Read();
                                });
}

StackCapture::~StackCapture() {
  if (tool_ && !exited_) {
    // Killed at the limit but not reaped yet: SIGKILL makes this wait short.
    ::kill(-tool_->pid, SIGKILL);
    while (::waitpid(tool_->pid, nullptr, 0) == -1 && errno == EINTR) {
    }
    NoteReaped(tool_->pid);
  }
}

void StackCapture::MaybeDone() {
  if (finished_ || !exited_ || !eof_) return;
  finished_ = true;
  limit_timer_.cancel();
  std::string result;
  if (!command_.empty()) result = "$ " + command_ + "\n";
  result += text_;
  if (text_.size() >= kMaxBytes)
    result += "\n[stack capture cut at " + std::to_string(kMaxBytes) + " bytes]\n";
  if (killed_) {
    result += "\n[stack capture did not finish within " + std::to_string(limit_.count()) +
              " ms; the tool was killed]\n";
  } else if (status_ != 0 && !command_.empty()) {
    result += "\n[stack capture tool ended with status " +
              std::string(WIFSIGNALED(status_) ? "signal " + std::to_string(WTERMSIG(status_))
                                               : std::to_string(WEXITSTATUS(status_))) +
              "]\n";
  }
  auto done = std::move(done_);
  done(std::move(result));
}

}  // namespace miconform::watchdog

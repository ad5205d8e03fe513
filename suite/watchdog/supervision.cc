// supervision.cc - the per-child supervision rules declared in supervision.h.
#include "supervision.h"

#include <csignal>
#include <exception>
#include <sys/wait.h>

#include <boost/asio/post.hpp>

namespace miconform::watchdog {
namespace {

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

Supervision::Supervision(boost::asio::io_context& io, Launcher& launcher, const ChildSpec& spec,
                         std::function<void(Outcome)> on_end)
    : io_(io),
      launcher_(launcher),
      spec_(spec),
      on_end_(std::move(on_end)),
      deadline_timer_(io),
      drain_timer_(io) {}

void Supervision::Start() {
  start_ = Clock::now();
  last_activity_ = start_;
  std::string error;
  try {
    child_ = launcher_.Launch(io_, spec_, *this, &error);
  } catch (const std::exception& failure) {
    child_.reset();
    error = failure.what();
  }
  if (!child_) {
    outcome_.end = Outcome::End::kLaunchFailed;
    outcome_.launch_error = error.empty() ? "the launcher gave no reason" : error;
    finishing_ = true;
    boost::asio::post(io_, [this] { Deliver(); });
    return;
  }
  ScheduleDeadline();
}

void Supervision::Interrupt() {
  if (!child_ || finishing_ || interrupted_) return;
  interrupted_ = true;
  deadline_timer_.cancel();
  if (!exited_) child_->KillGroup();
}

void Supervision::OnChannelData(std::string_view bytes) {
  while (!bytes.empty()) {
    const auto newline = bytes.find('\n');
    if (newline == std::string_view::npos) {
      partial_line_.append(bytes);
      return;
    }
    partial_line_.append(bytes.substr(0, newline));
    bytes.remove_prefix(newline + 1);
    HandleLine(std::move(partial_line_));
    partial_line_.clear();
  }
}

void Supervision::HandleLine(std::string line) {
  const bool was_armed = armed_;
  if (StartsWith(line, "phase ")) {
    outcome_.last_phase = line.substr(6);
    if (armed_) last_activity_ = Clock::now();
  } else if (StartsWith(line, "arm ")) {
    const std::string_view rest = std::string_view(line).substr(4);
    const auto space = rest.find(' ');
    outcome_.armed_requirement = std::string(rest.substr(0, space));
    outcome_.armed_call = space == std::string_view::npos ? std::string() : std::string(rest.substr(space + 1));
    armed_ = true;
    last_activity_ = Clock::now();
  } else if (line == "disarm") {
    armed_ = false;
  }
  const bool deadline_moved = armed_ || was_armed;
  if (outcome_.lines.size() < kMaxLines) {
    outcome_.lines.push_back(std::move(line));
  } else if (outcome_.lines.size() == kMaxLines) {
    AddNote("more than " + std::to_string(kMaxLines) + " channel lines; later lines dropped");
    outcome_.lines.emplace_back();  // marks the note as written; removed in Deliver
  }
  if (deadline_moved && !exited_ && !timed_out_ && !interrupted_) ScheduleDeadline();
}

void Supervision::ScheduleDeadline() {
  const Clock::time_point deadline = armed_ ? last_activity_ + spec_.hang_window : start_ + spec_.timeout;
  deadline_timer_.expires_at(deadline);
  deadline_timer_.async_wait([this](const boost::system::error_code& error) {
    if (error) return;  // rescheduled or cancelled
    OnDeadline();
  });
}

void Supervision::OnDeadline() {
  if (exited_ || timed_out_ || interrupted_ || finishing_) return;
  timed_out_ = true;
  outcome_.armed_at_timeout = armed_;
  if (!armed_) {
    outcome_.armed_requirement.clear();
    outcome_.armed_call.clear();
  }
  capturing_ = true;
  child_->CaptureEvidence(kCaptureLimit, [this](std::string stacks, std::string thread_states) {
    capturing_ = false;
    outcome_.stacks = std::move(stacks);
    outcome_.thread_states = std::move(thread_states);
    if (!exited_) child_->KillGroup();
    MaybeFinish();
  });
}

void Supervision::OnOutputData(std::string_view bytes) {
  outcome_.output.append(bytes);
  if (outcome_.output.size() > 2 * kOutputKeep) {
    outcome_.output.erase(0, outcome_.output.size() - kOutputKeep);
  }
}

void Supervision::OnStreamsClosed() {
  streams_closed_ = true;
  MaybeFinish();
}

void Supervision::OnExit(int wait_status, const std::string& error) {
  if (exited_) return;
  exited_ = true;
  wait_status_ = wait_status;
  deadline_timer_.cancel();
  if (!error.empty()) {
    AddNote("waiting for the child failed: " + error);
    wait_status_ = -1;
  }
  // A grandchild that kept the pipes open must not keep the watchdog waiting for EOF.
  outcome_.leftovers_killed = child_->KillLeftovers();
  drain_timer_.expires_after(kDrainLimit);
  drain_timer_.async_wait([this](const boost::system::error_code& error) {
    if (error) return;
    drain_expired_ = true;
    if (!streams_closed_) AddNote("the child's output streams were still open after it ended; stopped reading");
    MaybeFinish();
  });
  MaybeFinish();
}

void Supervision::AddNote(const std::string& note) {
  if (!notes_.empty()) notes_ += '\n';
  notes_ += "[watchdog] " + note;
}

void Supervision::MaybeFinish() {
  if (finishing_ || !exited_ || capturing_ || !(streams_closed_ || drain_expired_)) return;
  finishing_ = true;
  drain_timer_.cancel();
  child_->Finish([this](std::string notes) {
    if (!notes.empty()) AddNote(notes);
    Deliver();
  });
}

void Supervision::Deliver() {
  if (child_) {
    if (!partial_line_.empty()) HandleLine(std::move(partial_line_));
    if (outcome_.lines.size() > kMaxLines) outcome_.lines.resize(kMaxLines);
    if (wait_status_ != -1 && WIFSIGNALED(wait_status_)) {
      outcome_.signal = WTERMSIG(wait_status_);
      outcome_.exit_code = -1;
    } else if (wait_status_ != -1 && WIFEXITED(wait_status_)) {
      outcome_.exit_code = WEXITSTATUS(wait_status_);
    }
    if (timed_out_) {
      outcome_.end = Outcome::End::kTimedOut;
    } else if (interrupted_) {
      outcome_.end = Outcome::End::kInterrupted;
    } else if (wait_status_ != -1 && WIFSIGNALED(wait_status_)) {
      outcome_.end = Outcome::End::kSignaled;
    } else {
      outcome_.end = Outcome::End::kExited;
    }
    if (!notes_.empty()) {
      if (!outcome_.output.empty() && outcome_.output.back() != '\n') outcome_.output += '\n';
      outcome_.output += notes_;
      outcome_.output += '\n';
    }
    if (outcome_.output.size() > kOutputKeep) {
      outcome_.output.erase(0, outcome_.output.size() - kOutputKeep);
    }
  }
  outcome_.duration_s = std::chrono::duration<double>(Clock::now() - start_).count();
  auto on_end = std::move(on_end_);
  on_end(std::move(outcome_));
}

}  // namespace miconform::watchdog

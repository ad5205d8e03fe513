// supervision.cc - the per-child supervision rules declared in supervision.h.
#include "supervision.h"

#include <sys/wait.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <exception>

#include <boost/asio/post.hpp>

#include "phase_channel.h"

namespace miconform::watchdog {

Supervision::Supervision(boost::asio::io_context& io, Launcher& launcher, const ChildSpec& spec,
                         std::function<void(Outcome)> on_end)
    : io_(io),
      launcher_(launcher),
      spec_(spec),
      on_end_(std::move(on_end)),
      tick_timer_(io),
      drain_timer_(io) {}

void Supervision::Start() {
  start_ = Clock::now();
  last_line_ = start_;
  last_progress_ = start_;
  std::string error;
  try {
    child_ = launcher_.Launch(io_, spec_, channel_reader_.token(), *this, &error);
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
  ScheduleTick();
}

void Supervision::Interrupt() {
  if (!child_ || finishing_ || interrupted_) return;
  interrupted_ = true;
  tick_timer_.cancel();
  if (!exited_) child_->KillGroup();
}

void Supervision::OnChannelData(std::string_view bytes) {
  channel_reader_.Feed(bytes, [this](std::string line) { HandleLine(std::move(line)); });
}

void Supervision::HandleLine(std::string line) {
  const Clock::time_point now = Clock::now();
  last_line_ = now;
  const ChannelLine read = ReadChannelLine(line);
  using Kind = ChannelLine::Kind;
  if (read.kind == Kind::kWait || read.kind == Kind::kWoke) {
    // The harness's own bookkeeping: which of its threads wait for the target. Not progress, and
    // not evidence for the report.
    const pid_t tid = static_cast<pid_t>(read.tid);
    if (read.kind == Kind::kWait) {
      harness_waiting_.insert(tid);
    } else {
      harness_waiting_.erase(tid);
    }
    return;
  }
  last_progress_ = now;
  ++lines_seen_;
  if (read.kind == Kind::kPhase) {
    outcome_.last_phase = read.text;
    NoteCall(outcome_.last_phase);
  } else if (read.kind == Kind::kArm) {
    outcome_.armed_requirement = read.requirement_id;
    outcome_.armed_call = read.call;
    armed_ = true;
  } else if (read.kind == Kind::kDisarm) {
    armed_ = false;
  }
  if (outcome_.lines.size() < kMaxLines) {
    outcome_.lines.push_back(std::move(line));
  } else if (outcome_.lines.size() == kMaxLines) {
    AddNote("more than " + std::to_string(kMaxLines) + " channel lines; later lines dropped");
    outcome_.lines.emplace_back();  // marks the note as written; removed in Deliver
  }
}

// "entered X ..." adds X to the calls in flight, "returned X ..." removes the oldest X.
void Supervision::NoteCall(std::string_view phase) {
  std::string call;
  bool entered = false;
  if (!ParseCallPhase(phase, &call, &entered)) return;
  if (entered) {
    calls_in_flight_.push_back(call);
    return;
  }
  for (auto it = calls_in_flight_.begin(); it != calls_in_flight_.end(); ++it) {
    if (*it == call) {
      calls_in_flight_.erase(it);
      return;
    }
  }
}

bool Supervision::ArmedCallInFlight() const {
  if (!armed_) return false;
  for (const std::string& call : calls_in_flight_) {
    if (call == outcome_.armed_call) return true;
  }
  return false;
}

void Supervision::ScheduleTick() {
  tick_timer_.expires_after(kTick);
  tick_timer_.async_wait([this](const boost::system::error_code& error) {
    if (error) return;  // cancelled
    OnTick();
  });
}

// A thread progressed when it is running, or when it ran since the last sample and now waits
// somewhere else (another system call, arguments, stack or pc). A housekeeping thread that wakes
// now and then and goes back to the very same wait is not progress: it would otherwise keep a
// blocked call from ever being judged.
bool Supervision::ThreadsProgressed(const ProcessSample& sample) {
  if (!sample.ok) return false;
  std::vector<ThreadMark> marks;
  bool progressed = false;
  for (const ThreadSample& thread : sample.threads) {
    if (harness_waiting_.count(thread.tid) != 0) continue;
    marks.push_back({thread.tid, thread.runs, thread.syscall});
    if (thread.wait == ThreadWait::kRunning) progressed = true;
  }
  for (const ThreadMark& mark : marks) {
    const auto before = std::find_if(last_marks_.begin(), last_marks_.end(),
                                     [&mark](const ThreadMark& m) { return m.tid == mark.tid; });
    if (before == last_marks_.end()) {
      progressed = true;  // a new thread
    } else if (before->runs != mark.runs && before->syscall != mark.syscall) {
      progressed = true;
    }
  }
  last_marks_ = std::move(marks);
  return progressed;
}

void Supervision::OnTick() {
  if (exited_ || timed_out_ || over_budget_ || interrupted_ || finishing_) return;
  const Clock::time_point now = Clock::now();
  const ProcessSample sample = child_->SampleThreads();
  if (ThreadsProgressed(sample)) last_progress_ = now;
  if (spec_.prove_hangs && now - last_line_ >= kQuietBeforeProof) {
    if (proof_.Add(sample, {}, now)) {
      StopChild(Stop::kProvenHang, proof_.explanation() + "\n" + DescribeSample(sample));
      return;
    }
    if (proof_.consecutive() == 0) last_explanation_ = proof_.explanation();
  } else {
    proof_.Reset();
  }
  const bool armed_in_flight = ArmedCallInFlight();
  const auto limit = armed_in_flight ? spec_.hang_window : spec_.timeout;
  if (now - last_progress_ >= limit) {
    const std::string why = last_explanation_.empty() ? std::string("no proof was possible")
                                                      : "not proven stuck: " + last_explanation_;
    StopChild(Stop::kTimerHang,
              "no progress for " + std::to_string(limit.count()) + " ms (" +
                  (armed_in_flight ? "--hang-window, the armed call in flight" : "--timeout") +
                  "); " + why + "\n" + DescribeSample(sample));
    return;
  }
  if (now - start_ >= spec_.budget) {
    StopChild(Stop::kOverBudget, DescribeSample(sample));
    return;
  }
  ScheduleTick();
}

void Supervision::StopChild(Stop why, std::string proof) {
  const Clock::time_point now = Clock::now();
  const auto ms = [](Clock::duration d) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
  };
  outcome_.progress = std::to_string(lines_seen_) + " channel lines in " + ms(now - start_) +
                      " ms; last progress " + ms(now - last_progress_) + " ms ago";
  outcome_.hang_proof = std::move(proof);
  if (why == Stop::kOverBudget) {
    over_budget_ = true;
  } else {
    timed_out_ = true;
    outcome_.hang_proven = why == Stop::kProvenHang;
  }
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
    if (exited_ && !outcome_.hang_proven) {
      // It ended by itself while its stacks were read: it was not hung (a proven hang cannot).
      timed_out_ = false;
      over_budget_ = false;
      AddNote("the child ended by itself while the watchdog read its stacks; not judged as a hang");
    }
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
  tick_timer_.cancel();
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
    if (!streams_closed_)
      AddNote("the child's output streams were still open after it ended; stopped reading");
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
    channel_reader_.Close([this](std::string line) { HandleLine(std::move(line)); });
    if (signals_to_runner_ > kMaxSignalsNoted) {
      outcome_.signals_to_runner.push_back(std::to_string(signals_to_runner_ - kMaxSignalsNoted) +
                                           " more signals");
    }
    outcome_.foreign_channel_bytes = channel_reader_.foreign_bytes();
    outcome_.foreign_channel_sample = channel_reader_.foreign_sample();
    if (outcome_.lines.size() > kMaxLines) outcome_.lines.resize(kMaxLines);
    if (wait_status_ != -1 && WIFSIGNALED(wait_status_)) {
      outcome_.signal = WTERMSIG(wait_status_);
      outcome_.exit_code = -1;
    } else if (wait_status_ != -1 && WIFEXITED(wait_status_)) {
      outcome_.exit_code = WEXITSTATUS(wait_status_);
    }
    outcome_.calls_in_flight = calls_in_flight_;
    if (timed_out_) {
      outcome_.end = Outcome::End::kTimedOut;
    } else if (over_budget_) {
      outcome_.end = Outcome::End::kOverBudget;
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

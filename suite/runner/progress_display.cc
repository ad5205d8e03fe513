// progress_display.cc - the run's progress on stderr (progress_display.h).
#include "progress_display.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace miconform::runner {
namespace {

constexpr std::chrono::seconds kTick{1};
constexpr std::size_t kRunningShown = 2;   // IDs named on the status line; the rest are counted
constexpr std::size_t kDefaultWidth = 80;  // when the terminal does not say

std::size_t TerminalWidth(std::FILE* out) {
  struct winsize size {};
  if (::ioctl(fileno(out), TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return kDefaultWidth;
}

const char* ColourOf(report::Verdict verdict) {
  using report::Verdict;
  switch (verdict) {
    case Verdict::kPass: return "\033[32m";
    case Verdict::kDocumentedHang: return "\033[36m";
    case Verdict::kFail:
    case Verdict::kHang:
    case Verdict::kCrash: return "\033[1;31m";
    case Verdict::kError: return "\033[35m";
    default: return "\033[33m";  // the warnings
  }
}

}  // namespace

ProgressSettings ChooseProgress(std::string_view option, bool stderr_is_terminal, const char* term,
                                const char* no_color) {
  ProgressSettings settings;
  settings.lines = option == "always" || (option == "auto" && stderr_is_terminal);
  const bool capable = stderr_is_terminal && !(term != nullptr && std::strcmp(term, "dumb") == 0);
  settings.live = settings.lines && capable;
  settings.colour = settings.lines && capable && (no_color == nullptr || no_color[0] == '\0');
  return settings;
}

std::string Clock(std::chrono::steady_clock::duration duration) {
  long long seconds = std::chrono::duration_cast<std::chrono::seconds>(duration).count();
  if (seconds < 0) seconds = 0;
  const long long hours = seconds / 3600;
  const long long minutes = seconds / 60 % 60;
  char text[32];
  if (hours > 0) {
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", hours, minutes, seconds % 60);
  } else {
    std::snprintf(text, sizeof text, "%lld:%02lld", minutes, seconds % 60);
  }
  return text;
}

std::string StatusLine(const ProgressState& state, std::chrono::steady_clock::duration elapsed,
                       std::size_t width) {
  // The counts and times first: a narrow terminal cuts the names of the running cases, not them.
  std::string line;
  if (state.exploring) {
    line = "exploring the schedules of " + std::to_string(state.race_cases) + " race case" +
           (state.race_cases == 1 ? "" : "s") + ": " + std::to_string(state.schedules) +
           " schedule" + (state.schedules == 1 ? "" : "s") + " run";
  } else {
    line = std::to_string(state.done) + "/" + std::to_string(state.total) + " cases";
  }
  line += " | " + Clock(elapsed) + " elapsed";
  if (!state.exploring && state.done_here > 0 && state.done < state.total) {
    line += ", about " +
            Clock(elapsed / static_cast<long>(state.done_here) *
                  static_cast<long>(state.total - state.done)) +
            " left";
  }
  if (!state.exploring && !state.running.empty()) {
    line += " | running ";
    for (std::size_t i = 0; i < state.running.size() && i < kRunningShown; ++i) {
      line += (i > 0 ? ", " : "") + state.running[i];
    }
    if (state.running.size() > kRunningShown) {
      line += " +" + std::to_string(state.running.size() - kRunningShown);
    }
  }
  if (width > 0 && line.size() >= width) line.resize(width - 1);
  return line;
}

std::string VerdictWord(report::Verdict verdict, bool colour) {
  const std::string word(report::ToString(verdict));
  if (!colour) return word;
  return ColourOf(verdict) + word + "\033[0m";
}

ProgressDisplay::ProgressDisplay(std::FILE* out, ProgressSettings settings,
                                 std::vector<std::string> ids, int jobs, std::size_t already_done)
    : out_(out),
      settings_(settings),
      ids_(std::move(ids)),
      jobs_(static_cast<std::size_t>(std::max(jobs, 1))),
      already_done_(already_done),
      finished_(ids_.size(), false) {
  if (settings_.live) {
    std::lock_guard<std::mutex> lock(mutex_);
    DrawLocked();
    ticker_ = std::thread([this] { Tick(); });
  }
}

ProgressDisplay::~ProgressDisplay() { Finish(); }

void ProgressDisplay::CaseFinished(std::size_t position, report::Verdict verdict,
                                   double duration_s) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (position < finished_.size() && !finished_[position]) {
    finished_[position] = true;
    ++done_;
  }
  if (!settings_.lines) return;
  ClearLocked();
  const std::string id = position < ids_.size() ? ids_[position] : std::string("?");
  // The verdict padded as its plain word would be, so that colour does not shift the columns.
  const std::string word(report::ToString(verdict));
  const std::string padding(word.size() < 15 ? 15 - word.size() : 0, ' ');
  std::fprintf(out_, "[%3zu/%zu] %s%s %s (%.2f s)\n", already_done_ + done_,
               already_done_ + ids_.size(), VerdictWord(verdict, settings_.colour).c_str(),
               padding.c_str(), id.c_str(), duration_s);
  if (settings_.live) DrawLocked();
  std::fflush(out_);
}

void ProgressDisplay::ExplorationStarted(std::size_t race_cases) {
  std::lock_guard<std::mutex> lock(mutex_);
  exploring_ = true;
  race_cases_ = race_cases;
  if (!settings_.lines) return;
  ClearLocked();
  if (!settings_.live) {
    std::fprintf(out_, "exploring schedules of %zu race cases\n", race_cases);
  } else {
    DrawLocked();
  }
  std::fflush(out_);
}

void ProgressDisplay::ScheduleRun() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++schedules_;
}

void ProgressDisplay::Finish() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    ClearLocked();
    std::fflush(out_);
  }
  wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

ProgressState ProgressDisplay::StateLocked() const {
  ProgressState state;
  state.done = already_done_ + done_;
  state.done_here = done_;
  state.total = already_done_ + ids_.size();
  // Cases start in order as others end, `jobs_` at a time: those started and not finished run.
  const std::size_t started = std::min(ids_.size(), done_ + jobs_);
  for (std::size_t i = 0; i < started; ++i) {
    if (!finished_[i]) state.running.push_back(ids_[i]);
  }
  state.exploring = exploring_;
  state.race_cases = race_cases_;
  state.schedules = schedules_;
  return state;
}

void ProgressDisplay::DrawLocked() {
  if (!settings_.live || stopping_) return;
  const std::string line =
      StatusLine(StateLocked(), std::chrono::steady_clock::now() - started_, TerminalWidth(out_));
  std::fprintf(out_, "\r\033[K%s", line.c_str());
  drawn_ = true;
}

void ProgressDisplay::ClearLocked() {
  if (!drawn_) return;
  std::fputs("\r\033[K", out_);
  drawn_ = false;
}

void ProgressDisplay::Tick() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, kTick, [this] { return stopping_; });
    if (stopping_) break;
    DrawLocked();
    std::fflush(out_);
  }
}

}  // namespace miconform::runner

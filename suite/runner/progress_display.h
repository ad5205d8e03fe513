// progress_display.h - what a run shows on stderr while it goes: a line per finished case, and on
// a terminal a live status line under them (cases done of all, the cases running, elapsed time,
// an estimate of the time left, the schedules explored), with the verdicts in colour unless
// NO_COLOR is set. Piped, only the plain lines. The report files never depend on it.
//
// Thread-safety: every member may be called from any thread; a ticker thread of its own redraws
// the live line once a second.
#ifndef MICONFORM_RUNNER_PROGRESS_DISPLAY_H
#define MICONFORM_RUNNER_PROGRESS_DISPLAY_H

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "miconform/report/verdict.h"

namespace miconform::runner {

struct ProgressSettings {
  bool lines = false;   // a line per finished case
  bool live = false;    // and a status line redrawn in place (a terminal only)
  bool colour = false;  // verdicts in colour (ANSI)
};

// From --progress (auto, always or never), whether stderr is a terminal, $TERM and $NO_COLOR
// (null when unset). auto: lines on a terminal only; always: lines everywhere. Live and colour
// only on a terminal whose TERM is not "dumb"; colour not when NO_COLOR is set and not empty.
ProgressSettings ChooseProgress(std::string_view option, bool stderr_is_terminal, const char* term,
                                const char* no_color);

// What the status line says, from the counts (pure, for the self-tests). `running` are the IDs of
// the cases under way; `schedules` counts the schedules explored (shown once exploring); the
// estimate of the time left is this process's mean time per finished case times the cases left,
// shown once one has finished. Cut to `width` columns.
struct ProgressState {
  std::size_t done = 0;       // done of all, a resumed run's earlier cases included
  std::size_t done_here = 0;  // done by this process (what the pace is measured on)
  std::size_t total = 0;
  std::vector<std::string> running;
  bool exploring = false;
  std::size_t race_cases = 0;
  std::size_t schedules = 0;
};
std::string StatusLine(const ProgressState& state, std::chrono::steady_clock::duration elapsed,
                       std::size_t width);

// "1:05", "12:00", "1:02:03".
std::string Clock(std::chrono::steady_clock::duration duration);

// The verdict word, coloured when `colour`: green for PASS, yellow for the warnings, red for what
// does not conform, magenta for ERROR; DOCUMENTED-HANG in cyan.
std::string VerdictWord(report::Verdict verdict, bool colour);

class ProgressDisplay {
 public:
  // `ids`: the cases to run, in the order they are started; `jobs`: how many run at once;
  // `already_done`: cases an interrupted run had judged (a resumed run), counted as done.
  ProgressDisplay(std::FILE* out, ProgressSettings settings, std::vector<std::string> ids, int jobs,
                  std::size_t already_done);
  ~ProgressDisplay();
  ProgressDisplay(const ProgressDisplay&) = delete;
  ProgressDisplay& operator=(const ProgressDisplay&) = delete;

  // A case finished: its line ("[ 3/90] FAIL  id (1.20 s)"). `position` is its place in `ids`.
  void CaseFinished(std::size_t position, report::Verdict verdict, double duration_s);
  // The race cases are explored under schedules from now on; each ScheduleRun counts one.
  void ExplorationStarted(std::size_t race_cases);
  void ScheduleRun();
  // Clears the live line and stops the ticker (the destructor does it too).
  void Finish();

 private:
  ProgressState StateLocked() const;
  void DrawLocked();
  void ClearLocked();
  void Tick();

  std::FILE* const out_;
  const ProgressSettings settings_;
  const std::vector<std::string> ids_;
  const std::size_t jobs_;
  const std::size_t already_done_;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<bool> finished_;
  std::size_t done_ = 0;
  bool exploring_ = false;
  std::size_t race_cases_ = 0;
  std::size_t schedules_ = 0;
  bool drawn_ = false;
  bool stopping_ = false;
  std::thread ticker_;
};

}  // namespace miconform::runner

#endif  // MICONFORM_RUNNER_PROGRESS_DISPLAY_H

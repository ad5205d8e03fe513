// timing.h - every time limit of a run in one place: its default, what it decides, and the rule
// that checks a combination. Filled by the runner's options, read by the watchdog's supervision
// (stall limit, budget, hang window) and handed to each case process (observe, eventually,
// settle). The README's "Which limit judges what" table describes the same fields.
#ifndef MICONFORM_WATCHDOG_TIMING_H
#define MICONFORM_WATCHDOG_TIMING_H

#include <chrono>
#include <string>

namespace miconform::watchdog {

struct Timing {
  using ms = std::chrono::milliseconds;

  // --timeout SECONDS. A case process that shows no progress (no channel line, no thread of it
  // scheduled but the harness's own waiting ones) for this long, and cannot be proven stuck, is
  // judged HANG by this timer.
  ms stall_limit{10000};
  // --budget SECONDS. A case process still making progress after this long is stopped and judged
  // INCONCLUSIVE (too slow to judge); a slow target is never called hung.
  ms budget{60000};
  // --hang-window MS. While the call the case armed for is in flight and cannot be proven stuck,
  // this long without progress records the documented hang by timer.
  ms hang_window{1000};
  // --observe MS. How long a case watches a call documented to hang, when no proof comes, before
  // it takes the hang as observed and releases it.
  ms observe{250};
  // --eventually MS. How long a case waits for something the pages say happens (a final result
  // after a cancel, a completion after the last handle closed), when the target does not go
  // provably quiet first.
  ms eventually{5000};
  // --settle MS. How long a case waits for the target to go provably quiet before it judges that
  // nothing more happens (exactly one completion, no callback after the close ended).
  ms settle{2000};

  // Samples a proof of quiescence needs, and how far apart they are (quiescence.h).
  static constexpr int kProofSamples = 3;
  static constexpr ms kProofInterval{10};

  // Empty when every limit is positive and the combination makes sense; otherwise what is wrong,
  // in the option names of the command line.
  std::string Check() const;
};

// The defaults, as a vendor would run them.
inline Timing DefaultTiming() { return Timing{}; }

}  // namespace miconform::watchdog

#endif  // MICONFORM_WATCHDOG_TIMING_H

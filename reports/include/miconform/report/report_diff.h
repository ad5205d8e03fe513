// report_diff.h - what changed between two runs' reports (`miconform diff A B`).
//
// A pure comparison of two Reports: the run facts that differ, every requirement and case whose
// verdict changed (or that only one run has), and the cases whose time changed beyond a ratio.
#ifndef MICONFORM_REPORT_REPORT_DIFF_H
#define MICONFORM_REPORT_REPORT_DIFF_H

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "miconform/report/report.h"

namespace miconform::report {

struct VerdictChange {
  std::string id;
  std::optional<Verdict> before;  // absent: only the second run has it
  std::optional<Verdict> after;   // absent: only the first run has it
  // A failure the second run has that the first did not (it conformed, or was not run).
  bool IsNewFailure() const;
  // A failure of the first run that conforms in the second.
  bool IsFixed() const;
};

struct TimingChange {
  std::string id;
  double before_s = 0;
  double after_s = 0;
};

struct DiffOptions {
  double timing_ratio = 2.0;  // a case's time is an outlier when it changed by more than this
                              // factor...
  double timing_min_s = 1.0;  // ...and by at least this many seconds
};

struct ReportDiff {
  std::vector<std::string> run_changes;     // "target SHA-256: X -> Y", one fact each
  std::vector<VerdictChange> requirements;  // in the second run's order, then the first's
  std::vector<VerdictChange> cases;
  std::vector<TimingChange> timing;
  // A verdict changed, or a requirement or case is in one run only.
  bool VerdictsChanged() const { return !requirements.empty() || !cases.empty(); }
};

ReportDiff Diff(const Report& before, const Report& after, const DiffOptions& options = {});

// The diff as text for a terminal: the run facts, then new failures, fixed, other verdict
// changes (requirements, then cases), and timing outliers; "no verdict changed" when none did.
void WriteDiff(const ReportDiff& diff, std::ostream& out);

}  // namespace miconform::report

#endif  // MICONFORM_REPORT_REPORT_DIFF_H

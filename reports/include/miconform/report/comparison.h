// comparison.h - several runs' requirement verdicts side by side (`miconform compare DIR...`):
// targets, versions or platforms in one table.
//
// Pure conversions, like the report writers (writers.h): the same runs always give the same bytes.
#ifndef MICONFORM_REPORT_COMPARISON_H
#define MICONFORM_REPORT_COMPARISON_H

#include <ostream>
#include <string>
#include <vector>

#include "miconform/report/report.h"

namespace miconform::report {

struct ComparedRun {
  std::string source;  // where the run's report came from (its directory)
  Report report;
};

// One row per requirement any run judged (in the first run's order, then the others' new ones),
// one column per run, headed by its target, suite version, start and source; each cell the run's
// verdict for the requirement ("-" when that run did not judge it). A first row gives each run's
// claim; a row whose verdicts are not all the same is marked in the "Differs" column.
void WriteComparisonMarkdown(const std::vector<ComparedRun>& runs, std::ostream& out);
// The same table as one self-contained HTML page (inline CSS, no script).
void WriteComparisonHtml(const std::vector<ComparedRun>& runs, std::ostream& out);

}  // namespace miconform::report

#endif  // MICONFORM_REPORT_COMPARISON_H

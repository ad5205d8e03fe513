// claim.h - when a run's report is a conformance claim: the one rule, asked by `run`, `report`,
// `merge` and `verify`.
//
// A run claims CONFORMANT only when it judged every case of its suite version's must-pass list
// (suite/catalog/must_pass.txt) under the documented default options (JudgingOptions of a default
// RunOptions; longer --timeout and --budget allowed, which only give a slow target more time) and
// ran to its end. A run whose cases all conform but which is not such a run is PARTIAL, and says
// why: its claim gaps. A run with a non-conformant verdict is NOT CONFORMANT whatever it covered.
#ifndef MICONFORM_RUNNER_CLAIM_H
#define MICONFORM_RUNNER_CLAIM_H

#include <string>
#include <vector>

#include "miconform/report/report.h"

namespace miconform::runner {

// What keeps `run` with `cases` from being a conformance claim of this suite version, one sentence
// each (missing must-pass cases, options off their defaults, another suite version, a run that
// never ended); empty when nothing does. For Report::claim_gaps.
std::vector<std::string> ClaimGaps(const report::RunInfo& run,
                                   const std::vector<report::CaseResult>& cases);

}  // namespace miconform::runner

#endif  // MICONFORM_RUNNER_CLAIM_H

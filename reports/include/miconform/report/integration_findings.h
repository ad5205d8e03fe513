// integration_findings.h - the integration findings of a run (CaseResult::integration_findings)
// gathered by kind, as every report format shows them: apart from the verdicts, with their own
// count, never changing the claim. The one place that says how they are counted.
#ifndef MICONFORM_REPORT_INTEGRATION_FINDINGS_H
#define MICONFORM_REPORT_INTEGRATION_FINDINGS_H

#include <cstdint>
#include <string>
#include <vector>

#include "miconform/report/report.h"

namespace miconform::report {

// One kind of finding over the run.
struct IntegrationFindingOfRun {
  std::string kind;
  std::string what;
  std::vector<std::string> case_ids;  // the cases that showed it, in the report's case order
  std::uint64_t occurrences = 0;      // summed over those cases
  std::string first_case;             // whose calls are shown
  std::string calls;                  // the calls of its first occurrence in that case
};

// The run's findings, one per kind, in order of first appearance in the report's cases. Their
// number is the count every format prints.
std::vector<IntegrationFindingOfRun> IntegrationFindingsOf(const Report& report);

// "no integration finding", "1 integration finding (KIND)", "2 integration findings (K1, K2)".
std::string IntegrationFindingsLine(const std::vector<IntegrationFindingOfRun>& findings);

}  // namespace miconform::report

#endif  // MICONFORM_REPORT_INTEGRATION_FINDINGS_H

// integration_findings.cc - gathering a run's integration findings (integration_findings.h).
#include "miconform/report/integration_findings.h"

namespace miconform::report {

std::vector<IntegrationFindingOfRun> IntegrationFindingsOf(const Report& report) {
  std::vector<IntegrationFindingOfRun> run;
  for (const CaseResult& result : report.cases) {
    for (const IntegrationFinding& finding : result.integration_findings) {
      IntegrationFindingOfRun* entry = nullptr;
      for (IntegrationFindingOfRun& known : run) {
        if (known.kind == finding.kind) entry = &known;
      }
      if (entry == nullptr) {
        run.push_back(
            IntegrationFindingOfRun{finding.kind, finding.what, {}, 0, result.id, finding.calls});
        entry = &run.back();
      }
      if (entry->case_ids.empty() || entry->case_ids.back() != result.id) {
        entry->case_ids.push_back(result.id);
      }
      entry->occurrences += finding.occurrences;
    }
  }
  return run;
}

std::string IntegrationFindingsLine(const std::vector<IntegrationFindingOfRun>& findings) {
  if (findings.empty()) return "no integration finding";
  std::string kinds;
  for (const IntegrationFindingOfRun& finding : findings) {
    kinds += (kinds.empty() ? "" : ", ") + finding.kind;
  }
  return std::to_string(findings.size()) + " integration finding" +
         (findings.size() == 1 ? "" : "s") + " (" + kinds + ")";
}

}  // namespace miconform::report

// report.cc - requirement levels and the aggregation of case verdicts into requirement verdicts.
#include "miconform/report/report.h"

#include <algorithm>
#include <array>
#include <utility>

namespace miconform::report {
namespace {

constexpr std::array<std::pair<Level, std::string_view>, 4> kLevels = {{
    {Level::kMust, "MUST"},
    {Level::kShould, "SHOULD"},
    {Level::kStopsResponding, "STOPS-RESPONDING"},
    {Level::kMayDeadlock, "MAY-DEADLOCK"},
}};

}  // namespace

std::string_view ToString(Level level) {
  for (const auto& [value, word] : kLevels) {
    if (value == level) return word;
  }
  // Only reachable through a cast from a bad integer; the strictest level is the safe reading.
  return "MUST";
}

std::optional<Level> ParseLevel(std::string_view text) {
  for (const auto& [value, word] : kLevels) {
    if (word == text) return value;
  }
  return std::nullopt;
}

Verdict VerdictOfFinding(Verdict found, Level level) {
  if (found == Verdict::kFail && level == Level::kShould) return Verdict::kDeviation;
  return found;
}

Verdict VerdictUnderPlan(Verdict verdict, bool any_delay_fired) {
  return verdict == Verdict::kPass && !any_delay_fired ? Verdict::kNotExercised : verdict;
}

bool ScheduleBreaks(Verdict schedule, Verdict plain) {
  if (IsNonConformant(schedule)) return true;
  return schedule == Verdict::kDeviation && Severity(plain) < Severity(schedule);
}

Verdict BreakingScheduleVerdict(Verdict schedule, int reproduced_replays) {
  return reproduced_replays > 0 ? schedule : Verdict::kInconclusive;
}

namespace {
bool RanToItsEnd(Verdict verdict) {
  return verdict == Verdict::kPass || verdict == Verdict::kFail ||
         verdict == Verdict::kDeviation || verdict == Verdict::kDocumentedHang;
}
}  // namespace

Verdict VerdictForRequirement(const CaseResult& result, const std::string& id, Level level,
                              bool named) {
  Verdict verdict = Verdict::kPass;
  for (const Finding& finding : result.findings) {
    if (finding.requirement_id == id) verdict = Worst(verdict, VerdictOfFinding(finding.verdict, level));
  }
  if (!RanToItsEnd(result.verdict) && named) verdict = Worst(verdict, result.verdict);
  return verdict;
}

void Report::Aggregate() {
  bool any_error = false;
  for (RequirementResult& requirement : requirements) {
    bool judged = false;
    Verdict worst = Verdict::kPass;
    for (const CaseResult& result : cases) {
      const auto& ids = result.requirement_ids;
      const bool named = std::find(ids.begin(), ids.end(), requirement.id) != ids.end();
      const bool charged = std::any_of(
          result.findings.begin(), result.findings.end(),
          [&](const Finding& finding) { return finding.requirement_id == requirement.id; });
      if (!named && !charged) continue;
      judged = true;
      worst = Worst(worst, VerdictForRequirement(result, requirement.id, requirement.level, named));
      // Keep the caller's planned case list and add any case that names or charges the
      // requirement but was missing from it, so the report never hides a case behind a
      // requirement.
      if (std::find(requirement.case_ids.begin(), requirement.case_ids.end(), result.id) ==
          requirement.case_ids.end()) {
        requirement.case_ids.push_back(result.id);
      }
    }
    requirement.verdict = judged ? worst : Verdict::kError;
    if (requirement.verdict == Verdict::kError) any_error = true;
  }
  const bool cases_conformant = std::all_of(
      cases.begin(), cases.end(), [](const CaseResult& result) { return IsConformant(result.verdict); });
  cases_conform = cases_conformant && !any_error;
  conformant = cases_conform && claim_gaps.empty();
}

std::string ClaimOf(const Report& report) {
  if (report.conformant) return "CONFORMANT";
  return report.cases_conform ? "PARTIAL" : "NOT CONFORMANT";
}

int Report::Count(Verdict verdict) const {
  return static_cast<int>(std::count_if(cases.begin(), cases.end(), [verdict](const CaseResult& result) {
    return result.verdict == verdict;
  }));
}

}  // namespace miconform::report

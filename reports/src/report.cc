// report.cc - requirement levels and the aggregation of case verdicts into requirement verdicts.
#include "miconform/report/report.h"

#include <algorithm>
#include <array>
#include <map>
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
  return verdict == Verdict::kPass || verdict == Verdict::kFail || verdict == Verdict::kDeviation ||
         verdict == Verdict::kDocumentedHang;
}
}  // namespace

Verdict VerdictForRequirement(const CaseResult& result, const std::string& id, Level level,
                              bool named) {
  Verdict verdict = Verdict::kPass;
  for (const Finding& finding : result.findings) {
    if (finding.requirement_id == id)
      verdict = Worst(verdict, VerdictOfFinding(finding.verdict, level));
  }
  if (!RanToItsEnd(result.verdict) && named) {
    const auto& charged = result.end_charged_to;
    const bool charged_here =
        charged.empty() || std::find(charged.begin(), charged.end(), id) != charged.end();
    verdict = Worst(verdict, charged_here ? result.verdict : Verdict::kInconclusive);
  }
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
  const bool cases_conformant =
      std::all_of(cases.begin(), cases.end(),
                  [](const CaseResult& result) { return IsConformant(result.verdict); });
  cases_conform = cases_conformant && !any_error;
  conformant = cases_conform && claim_gaps.empty();
  MarkExpectations(this);
}

std::string ClaimOf(const Report& report) {
  if (report.conformant) return "CONFORMANT";
  return report.cases_conform ? "PARTIAL" : "NOT CONFORMANT";
}

namespace {

constexpr std::array<std::pair<Expected, std::string_view>, 4> kExpectedWords = {{
    {Expected::kAsExpected, "as-expected"},
    {Expected::kExpectedFailure, "expected-failure"},
    {Expected::kUnexpectedFailure, "unexpected-failure"},
    {Expected::kUnexpectedPass, "unexpected-pass"},
}};

const Expectation* EntryFor(const std::vector<Expectation>& entries, const std::string& id) {
  for (const Expectation& entry : entries) {
    if (entry.id == id) return &entry;
  }
  return nullptr;
}

// The mark of a result with verdict `verdict`, its own entry `own` (or none), and, for a failure,
// the IDs whose entries could excuse it instead (`others`: the requirements a case charges, or
// the cases that charge a requirement).
ExpectationMark MarkOf(const std::vector<Expectation>& entries, Verdict verdict,
                       const Expectation* own, const std::vector<std::string>& others) {
  ExpectationMark mark;
  if (IsConformant(verdict)) {
    if (own != nullptr) {
      mark.entries.push_back(own->id);
      // Only a result that proved something can say a known failure is gone: NOT-SUPPORTED,
      // NOT-EXERCISED and INCONCLUSIVE conform without having judged it.
      const bool proved = verdict == Verdict::kPass || verdict == Verdict::kDocumentedHang ||
                          verdict == Verdict::kDeviation;
      if (own->expect == Expect::kFails && proved) mark.outcome = Expected::kUnexpectedPass;
    }
    return mark;
  }
  // ERROR is the harness's own failure, never the target's: no entry can expect it.
  if (verdict == Verdict::kError) {
    mark.outcome = Expected::kUnexpectedFailure;
    return mark;
  }
  if (own != nullptr) {
    mark.outcome = Expected::kExpectedFailure;
    mark.entries.push_back(own->id);
    return mark;
  }
  for (const std::string& id : others) {
    if (EntryFor(entries, id) == nullptr) {
      mark.outcome = Expected::kUnexpectedFailure;
      mark.entries.clear();
      return mark;
    }
    mark.entries.push_back(id);
  }
  mark.outcome = others.empty() ? Expected::kUnexpectedFailure : Expected::kExpectedFailure;
  return mark;
}

}  // namespace

std::string_view ToString(Expected expected) {
  for (const auto& [value, word] : kExpectedWords) {
    if (value == expected) return word;
  }
  return "unexpected-failure";
}

std::optional<Expected> ParseExpected(std::string_view text) {
  for (const auto& [value, word] : kExpectedWords) {
    if (word == text) return value;
  }
  return std::nullopt;
}

std::vector<std::string> ChargedRequirements(const Report& report, const CaseResult& result) {
  std::vector<std::string> charged;
  for (const RequirementResult& requirement : report.requirements) {
    const auto& ids = result.requirement_ids;
    const bool named = std::find(ids.begin(), ids.end(), requirement.id) != ids.end();
    if (!IsConformant(VerdictForRequirement(result, requirement.id, requirement.level, named))) {
      charged.push_back(requirement.id);
    }
  }
  // A finding may charge a requirement outside the report's list (a filtered run or a shard in
  // which no case names it): its level unknown, a failed check there counts as a failure.
  for (const Finding& finding : result.findings) {
    const bool listed = std::any_of(report.requirements.begin(), report.requirements.end(),
                                    [&](const RequirementResult& requirement) {
                                      return requirement.id == finding.requirement_id;
                                    });
    if (!listed && !IsConformant(finding.verdict) && !finding.requirement_id.empty() &&
        std::find(charged.begin(), charged.end(), finding.requirement_id) == charged.end()) {
      charged.push_back(finding.requirement_id);
    }
  }
  return charged;
}

void MarkExpectations(Report* report) {
  const std::vector<Expectation>& entries = report->expectations;
  if (entries.empty()) {
    for (CaseResult& result : report->cases) result.expectation.reset();
    for (RequirementResult& requirement : report->requirements) requirement.expectation.reset();
    return;
  }
  // Which requirements each case charges, and which cases charge each requirement.
  std::vector<std::vector<std::string>> charged_by_case(report->cases.size());
  std::vector<std::vector<std::string>> charging_cases(report->requirements.size());
  for (std::size_t c = 0; c < report->cases.size(); ++c) {
    charged_by_case[c] = ChargedRequirements(*report, report->cases[c]);
    for (std::size_t r = 0; r < report->requirements.size(); ++r) {
      const std::vector<std::string>& charged = charged_by_case[c];
      if (std::find(charged.begin(), charged.end(), report->requirements[r].id) != charged.end()) {
        charging_cases[r].push_back(report->cases[c].id);
      }
    }
  }
  for (std::size_t c = 0; c < report->cases.size(); ++c) {
    CaseResult& result = report->cases[c];
    result.expectation =
        MarkOf(entries, result.verdict, EntryFor(entries, result.id), charged_by_case[c]);
  }
  for (std::size_t r = 0; r < report->requirements.size(); ++r) {
    RequirementResult& requirement = report->requirements[r];
    requirement.expectation =
        MarkOf(entries, requirement.verdict, EntryFor(entries, requirement.id), charging_cases[r]);
  }
}

int Report::CountMarked(Expected expected) const {
  int count = 0;
  for (const CaseResult& result : cases) {
    if (result.expectation && result.expectation->outcome == expected) ++count;
  }
  for (const RequirementResult& requirement : requirements) {
    if (requirement.expectation && requirement.expectation->outcome == expected) ++count;
  }
  return count;
}

namespace {

// "N nouns: a V1, b V2" over `verdicts`, the verdicts present best to worst.
std::string VerdictCountLine(const std::vector<Verdict>& verdicts, const char* noun) {
  std::map<int, std::pair<Verdict, int>> by_severity;  // best first
  for (Verdict each : verdicts) {
    auto& [verdict, count] = by_severity[Severity(each)];
    verdict = each;
    ++count;
  }
  const std::size_t total = verdicts.size();
  std::string out = std::to_string(total) + " " + noun + (total == 1 ? "" : "s");
  bool first = true;
  for (const auto& [severity, entry] : by_severity) {
    out += first ? ": " : ", ";
    out += std::to_string(entry.second) + " " + std::string(ToString(entry.first));
    first = false;
  }
  return out;
}

}  // namespace

std::string RequirementCountLine(const Report& report) {
  std::vector<Verdict> verdicts;
  for (const RequirementResult& requirement : report.requirements)
    verdicts.push_back(requirement.verdict);
  return VerdictCountLine(verdicts, "requirement");
}

std::string CaseCountLine(const Report& report) {
  std::vector<Verdict> verdicts;
  for (const CaseResult& result : report.cases) verdicts.push_back(result.verdict);
  return VerdictCountLine(verdicts, "case");
}

std::string OutcomeOf(const Report& report) {
  if (report.run.ended.empty()) return "INTERRUPTED";
  const bool judged_none = !report.cases.empty() &&
                           report.Count(Verdict::kError) == static_cast<int>(report.cases.size());
  return judged_none ? "NOTHING JUDGED" : ClaimOf(report);
}

int Report::Count(Verdict verdict) const {
  return static_cast<int>(
      std::count_if(cases.begin(), cases.end(),
                    [verdict](const CaseResult& result) { return result.verdict == verdict; }));
}

}  // namespace miconform::report

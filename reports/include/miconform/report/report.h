// report.h - the report model: one conformance run of one target, as every writer sees it.
//
// Built by the runner as cases finish; the writers (writers.h) are pure conversions of it.
#ifndef MICONFORM_REPORT_REPORT_H
#define MICONFORM_REPORT_REPORT_H

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "miconform/report/verdict.h"

namespace miconform::report {

inline constexpr int kSchemaVersion = 1;

// How a requirement's violation counts (the catalog's "level").
enum class Level {
  kMust,             // MUST: a violation is a failure.
  kShould,           // SHOULD: a violation is a warning.
  kStopsResponding,  // STOPS-RESPONDING: the document says the call hangs; the hang conforms.
  kMayDeadlock,      // MAY-DEADLOCK: either outcome conforms and is recorded.
};
std::string_view ToString(Level level);
std::optional<Level> ParseLevel(std::string_view text);

struct RunInfo {
  std::string suite_version;
  std::string target;                          // as described: "reference", "mutant:x" or the path
  std::string target_library;                  // the library file
  std::string target_sha256;                   // hex digest of the library file
  std::map<std::string, std::string> options;  // the run's options, by flag name
  std::string started;  // UTC, ISO 8601 with milliseconds ("2026-11-25T13:35:45.123Z")
  std::string ended;
  std::string host;  // hostname, kernel, architecture
};

struct Evidence {
  std::vector<std::string> trace;    // the case's phase/callback trace, in order
  nlohmann::json backend = nullptr;  // the scripted handler's records, as the case read them
  // What the scripted handler had seen of the client when the case's first check failed, in
  // words ("" when no check failed, or the case had no handler): the root causes group by it.
  std::string transport_at_failure;
  std::string stacks;              // every thread's stack of a hung process
  std::string thread_states;       // /proc thread states of a hung process
  std::vector<std::string> fired;  // injection points that fired
  std::string output;              // the tail of the case's stdout/stderr
};

// One judged fact of a case, charged to the one requirement it judges.
struct Finding {
  // FAIL (a check failed), DEVIATION, DOCUMENTED-HANG, or INCONCLUSIVE (could not judge)
  Verdict verdict = Verdict::kFail;
  std::string requirement_id;  // "" when the failed check named none (or INCONCLUSIVE)
  std::string text;
};

// ---- expectations (a vendor's known failures: expectations.h reads and writes their file).
enum class Expect {
  kFails,  // FAILS: a known failure; the result is expected not to conform
  kFlaky,  // FLAKY: a known intermittent; either result is expected
};
struct Expectation {
  std::string id;  // a case ID or a requirement ID
  Expect expect = Expect::kFails;
  std::string reason;  // why (required)
  std::string link;    // the first http:// or https:// word of the reason, else empty
};
// How a result stands against the expectations.
enum class Expected {
  kAsExpected,         // conforms without an entry, or FLAKY either way
  kExpectedFailure,    // does not conform, and an entry says it would not
  kUnexpectedFailure,  // does not conform, and no entry says it would not
  kUnexpectedPass,     // conforms, though a FAILS entry says it would not: the entry can go
};
std::string_view ToString(Expected expected);
std::optional<Expected> ParseExpected(std::string_view text);
struct ExpectationMark {
  Expected outcome = Expected::kAsExpected;
  std::vector<std::string> entries;  // IDs of the entries that decided it (none for a plain pass)
};

// What a case saw where the pages leave the behaviour open: reported, never judged.
struct Observation {
  std::string requirement_id;  // the requirement (clause) it relates to
  std::string text;
};

// A duty of the client toward its protocol handler that the suite's scripted handler saw broken,
// or a fact of how the client reached it (targets/handler/README.md, "The client's duties"). Not a
// verdict on the pages: it is reported apart and never changes a verdict or the claim.
struct IntegrationFinding {
  std::string kind;               // e.g. "acknowledged_after_close"
  std::string what;               // one sentence: what the client did and why a transport cares
  std::string calls;              // the calls that showed it (its first occurrence), one per line
  std::uint32_t occurrences = 0;  // operations, sessions or calls that showed it in the case
};

struct CaseResult {
  std::string id;  // dotted case ID, e.g. "session_close.sync.idle"
  std::vector<std::string> requirement_ids;
  Verdict verdict = Verdict::kError;
  double duration_s = 0;
  std::string phase;  // the last phase the case reached
  // The case's calls into the target under way when its process ended or was stopped (each
  // entered and not returned), oldest first; empty when none was.
  std::vector<std::string> calls_in_flight;
  std::vector<std::string> messages;      // why: failed checks, the documented sentence, ...
  std::vector<Finding> findings;          // what the case judged, per requirement
  std::vector<Observation> observations;  // what it only saw
  std::vector<IntegrationFinding> integration_findings;  // what the scripted handler saw
  std::string reproduce;                                 // a command that runs this case again
  // With schedule exploration: how many schedules it took to break a requirement - 0 when the
  // plain run broke it, else the position of the first breaking schedule in the exploration's
  // order (the walk by K, then the seeded schedules by seed). Absent when nothing broke.
  std::optional<int> schedules_to_failure;
  // A case that did not run to its end (CRASH, HANG, ...) charges its verdict to every
  // requirement it names, unless this lists the requirements it is charged to: a crash inside the
  // call the case had armed for a documented outcome is that requirement's alone (the others it
  // names were not reached, and are INCONCLUSIVE from this case). Empty: every named requirement.
  std::vector<std::string> end_charged_to;
  Evidence evidence;
  std::optional<ExpectationMark> expectation;  // set by Aggregate when the run has expectations
};

struct RequirementResult {
  std::string id;       // e.g. "SC-REMARKS-3"
  std::string page;     // e.g. "MI_Session_Close"
  std::string section;  // e.g. "Remarks"
  std::string text;     // the project's paraphrase
  Level level = Level::kMust;
  Verdict verdict = Verdict::kError;  // worst of its cases'
  std::vector<std::string> case_ids;
  std::optional<ExpectationMark> expectation;  // set by Aggregate when the run has expectations
};

// ---- the verdict rules: the one place that turns findings into verdicts.
//
// What one finding makes of its requirement at `level`: a failed check of a SHOULD requirement is
// a DEVIATION (a SHOULD missed, a warning); every other finding keeps its verdict.
Verdict VerdictOfFinding(Verdict found, Level level);

// The verdict of a case that ran to its end, from its findings: the worst VerdictOfFinding of
// them (PASS when none); an INCONCLUSIVE finding (the case could not judge) needs no requirement.
// `level_of` gives a requirement's level, false for an unknown id. A failed check that names no
// requirement, or an unknown one, is a defect of the case: ERROR (the target is never charged with
// it), with the reason added to *problems.
template <class LevelOf>
Verdict CaseVerdictOf(const std::vector<Finding>& findings, LevelOf level_of,
                      std::vector<std::string>* problems) {
  Verdict verdict = Verdict::kPass;
  for (const Finding& finding : findings) {
    if (finding.verdict == Verdict::kInconclusive) {  // the case could not judge: no requirement
      verdict = Worst(verdict, Verdict::kInconclusive);
      continue;
    }
    Level level = Level::kMust;
    if (finding.requirement_id.empty() || !level_of(finding.requirement_id, &level)) {
      problems->push_back("a failed check named " +
                          (finding.requirement_id.empty()
                               ? std::string("no requirement")
                               : "the unknown requirement " + finding.requirement_id) +
                          " (a defect of the case; the target is not charged): " + finding.text);
      verdict = Worst(verdict, Verdict::kError);
      continue;
    }
    verdict = Worst(verdict, VerdictOfFinding(finding.verdict, level));
  }
  return verdict;
}

// Everything a case process reports about how it ended, besides its findings.
struct CaseFacts {
  std::vector<Finding> findings;
  bool ran_to_end = false;  // the case wrote its `end` line
  // The `arm` line in force when the process ended (none, when the last one was disarmed).
  std::string armed_requirement, armed_call;
  bool skipped = false;                     // the target lacks what the case needs
  std::vector<std::string> unfired;         // planned injection points that never fired
  std::vector<std::string> harness_errors;  // the case misused the harness
};

// The verdict of a case process that exited normally, from its facts: ERROR when the case
// misused the harness or never wrote its end; else CaseVerdictOf its findings, where a PASS
// becomes NOT-SUPPORTED when the case was skipped, and NOT-EXERCISED when a fault it planned
// never fired (it proved nothing about that fault). Reasons go to *problems.
template <class LevelOf>
Verdict CaseVerdictOfFacts(const CaseFacts& facts, LevelOf level_of,
                           std::vector<std::string>* problems) {
  if (!facts.harness_errors.empty()) return Verdict::kError;
  if (!facts.ran_to_end) {
    problems->push_back("the case process exited without reaching the end of its case");
    return Verdict::kError;
  }
  const Verdict verdict = CaseVerdictOf(facts.findings, level_of, problems);
  if (verdict != Verdict::kPass) return verdict;
  if (facts.skipped) return Verdict::kNotSupported;
  for (const std::string& point : facts.unfired) {
    problems->push_back("the planned injection point " + point +
                        " never fired: the case proved nothing about that fault");
  }
  return facts.unfired.empty() ? Verdict::kPass : Verdict::kNotExercised;
}

// ---- runs under a fault plan, and schedule exploration.
// A PASS under a fault plan none of whose delays fired proved nothing about the plan:
// NOT-EXERCISED. Any other verdict stands.
Verdict VerdictUnderPlan(Verdict verdict, bool any_delay_fired);
// A schedule's run breaks a case when it charges a non-conformant verdict, or a DEVIATION (a
// SHOULD missed under one interleaving) where the plain run had none.
bool ScheduleBreaks(Verdict schedule, Verdict plain);
// What the first breaking schedule makes of the case: its own verdict when at least one of its
// replays broke again, else INCONCLUSIVE (an intermittent, never charged).
Verdict BreakingScheduleVerdict(Verdict schedule, int reproduced_replays);

// What a case says about requirement `id` at `level`. A case that ran to its end (PASS, FAIL,
// DEVIATION, DOCUMENTED-HANG) speaks through its findings only: the worst VerdictOfFinding of
// those charged to `id`, PASS when none. Any other case verdict (HANG, CRASH, ERROR, INCONCLUSIVE,
// NOT-SUPPORTED, NOT-EXERCISED) is the case's as a whole and speaks for every requirement it
// names (`named`); a requirement it does not name it only charges through findings.
Verdict VerdictForRequirement(const CaseResult& result, const std::string& id, Level level,
                              bool named);

struct Report {
  RunInfo run;
  std::vector<RequirementResult> requirements;
  std::vector<CaseResult> cases;
  // What keeps the run from being a conformance claim (cases of the must-pass list not run,
  // options off their defaults, a run that never ended: the runner's claim rule, claim.h), one
  // sentence each; empty for a claim. Filled by the runner before Aggregate.
  std::vector<std::string> claim_gaps;
  bool cases_conform = false;  // every case verdict conformant and no requirement ERROR
  bool conformant = false;     // cases_conform, and the run is a claim (no claim gaps)
  // The known failures the run was given (--expectations; empty: none). They change no verdict
  // and no claim: they mark each result expected or not (ExpectationMark).
  std::vector<Expectation> expectations;

  // Recomputes every requirement's verdict (the worst VerdictForRequirement of the cases that
  // name it or charge it through a finding; a requirement no case names or charges is ERROR),
  // `cases_conform` and `conformant`; then, when there are expectations, marks every case and
  // requirement (MarkExpectations).
  void Aggregate();
  // Count of cases with the verdict.
  int Count(Verdict verdict) const;
  // Count of cases and requirements marked `expected` (0 without expectations).
  int CountMarked(Expected expected) const;
};

// The requirements `result` charges, in the report's order: those VerdictForRequirement says it
// does not conform to, then those a failed finding charges outside the report's list (a filtered
// run or a shard in which no case names them). Empty for a case that conforms.
std::vector<std::string> ChargedRequirements(const Report& report, const CaseResult& result);

// The expectation rules, the one place that says what is expected (called by Aggregate; the
// verdicts must be aggregated). Without expectations every mark is cleared. A result conforms
// when its verdict IsConformant.
// - A case that conforms is an unexpected pass when it has a FAILS entry and its verdict proved
//   something (PASS, DOCUMENTED-HANG, DEVIATION), else as expected.
// - ERROR (the harness's failure) is always an unexpected failure.
// - A case that does not conform is an expected failure when it has an entry, or when every
//   requirement it charges (ChargedRequirements) has one; else unexpected.
// - A requirement likewise: an entry of its own, or one for every non-conforming case that
//   charges it, makes its failure expected; a FAILS entry and a conforming verdict make an
//   unexpected pass.
// FLAKY entries make either result as expected (a failure under them is an expected failure).
void MarkExpectations(Report* report);

// The run's claim: "CONFORMANT" (conformant), "PARTIAL" (its cases conform, but it has claim
// gaps) or "NOT CONFORMANT".
std::string ClaimOf(const Report& report);
// "21 requirements: 18 PASS, 3 DOCUMENTED-HANG": the requirements' verdicts present, best to worst.
std::string RequirementCountLine(const Report& report);
// "9 cases: 5 PASS, 1 FAIL": the cases' verdicts present, best to worst, as RequirementCountLine.
std::string CaseCountLine(const Report& report);
// What a reader is told first: "INTERRUPTED" for a run that never ended (its record has no end
// time), "NOTHING JUDGED" when every case is ERROR (the harness could run none of them, so the
// target is neither accused nor cleared), else ClaimOf. report.json's claim stays ClaimOf.
std::string OutcomeOf(const Report& report);

}  // namespace miconform::report

#endif  // MICONFORM_REPORT_REPORT_H

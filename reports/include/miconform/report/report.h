// report.h - the report model: one conformance run of one target, as every writer sees it.
//
// Built by the runner as cases finish; the writers (writers.h) are pure conversions of it.
#ifndef MICONFORM_REPORT_REPORT_H
#define MICONFORM_REPORT_REPORT_H

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
  std::string target;          // as described: "reference", "mutant:x" or the path
  std::string target_library;  // the library file
  std::string target_sha256;   // hex digest of the library file
  std::map<std::string, std::string> options;  // the run's options, by flag name
  std::string started;         // UTC, ISO 8601 with milliseconds ("2026-11-25T13:35:45.123Z")
  std::string ended;
  std::string host;            // hostname, kernel, architecture
};

struct Evidence {
  std::vector<std::string> trace;        // the case's phase/callback trace, in order
  nlohmann::json backend = nullptr;      // the scripted handler's records, as the case read them
  std::string stacks;                    // every thread's stack of a hung process
  std::string thread_states;             // /proc thread states of a hung process
  std::vector<std::string> fired;        // injection points that fired
  std::string output;                    // the tail of the case's stdout/stderr
};

struct CaseResult {
  std::string id;                             // dotted case ID, e.g. "session_close.sync.idle"
  std::vector<std::string> requirement_ids;
  Verdict verdict = Verdict::kError;
  double duration_s = 0;
  std::string phase;                          // the last phase the case reached
  std::vector<std::string> messages;          // why: failed checks, the documented sentence, ...
  std::string reproduce;                      // a command that runs this case again
  // With schedule exploration: how many schedules it took to break a requirement - 0 when the
  // plain run broke it, else the position of the first breaking schedule in the exploration's
  // order (the walk by K, then the seeded schedules by seed). Absent when nothing broke.
  std::optional<int> schedules_to_failure;
  Evidence evidence;
};

struct RequirementResult {
  std::string id;          // e.g. "SC-REMARKS-3"
  std::string page;        // e.g. "MI_Session_Close"
  std::string section;     // e.g. "Remarks"
  std::string text;        // the project's paraphrase
  Level level = Level::kMust;
  Verdict verdict = Verdict::kError;  // worst of its cases'
  std::vector<std::string> case_ids;
};

// What a case's verdict says about one of the requirements it names: DOCUMENTED-HANG and
// DEVIATION (a documented hang seen, or not seen) speak for the STOPS-RESPONDING and MAY-DEADLOCK
// requirements only; for a MUST or SHOULD requirement of the same case they count as PASS. Every
// other verdict speaks for all of the case's requirements.
Verdict VerdictForRequirement(Verdict case_verdict, Level level);

struct Report {
  RunInfo run;
  std::vector<RequirementResult> requirements;
  std::vector<CaseResult> cases;
  bool conformant = false;  // every case verdict conformant and no ERROR

  // Recomputes every requirement's verdict (worst of the cases that name it, each case's verdict
  // taken through VerdictForRequirement; a requirement with no case result is ERROR) and
  // `conformant`.
  void Aggregate();
  // Count of cases with the verdict.
  int Count(Verdict verdict) const;
};

}  // namespace miconform::report

#endif  // MICONFORM_REPORT_REPORT_H

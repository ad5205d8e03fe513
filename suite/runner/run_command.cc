// run_command.cc - `miconform run`: set-up, probe, supervised cases, verdicts, report.
#include "run_command.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>

#include "case_registry.h"
#include "case_selection.h"
#include "catalog.h"
#include "claim.h"
#include "expectations_file.h"
#include "judge.h"
#include "miconform/builtin_targets.h"
#include "miconform/handler_registration.h"
#include "miconform/injection_plan.h"
#include "miconform/report/digest.h"
#include "miconform/report/directory_lock.h"
#include "miconform/report/expectations.h"
#include "miconform/report/integration_findings.h"
#include "miconform/report/journal.h"
#include "miconform/report/root_causes.h"
#include "miconform/report/writers.h"
#include "probe.h"
#include "resume.h"
#include "run_facts.h"
#include "schedule_exploration.h"
#include "watchdog.h"

#ifndef MICONFORM_VERSION
#define MICONFORM_VERSION "unknown"
#endif

extern char** environ;

namespace miconform::runner {
namespace {

class CatalogLookup : public RequirementLookup {
 public:
  bool Find(const std::string& id, report::Level* level, std::string* text) const override {
    const Requirement* requirement = FindRequirement(id);
    if (requirement == nullptr) return false;
    *level = requirement->level;
    *text = requirement->text;
    return true;
  }
};

// Everything a run sets up before its first case, torn down in reverse order.
struct RunSetup {
  TargetSpec target;
  std::string handler_path;
  std::unique_ptr<TempConfigDir> private_config;  // built-in targets only
  std::unique_ptr<HandlerRegistration> registration;
  std::vector<std::pair<std::string, std::string>> child_env;
  std::vector<std::string> child_env_unset;  // inherited variables no child gets
  std::string heap_library;        // preloaded into heap-accounting cases; empty when unavailable
  std::string interposer_library;  // preloaded under an injection plan; empty when unavailable
};

// A library of the build's lib directory that is preloaded into children; none in a sanitizer
// build (the sanitizers interpose the allocator and the same pthread functions).
std::string PreloadLibraryPath(const std::string& file) {
#ifdef MICONFORM_SANITIZED
  (void)file;
  return {};
#else
  const std::string path = LibraryDirectory() + "/" + file;
  return std::filesystem::exists(path) ? path : std::string();
#endif
}

// The environment of one case's child: the run's, plus the heap accounting where the case needs
// it (first in LD_PRELOAD, so it sees the allocator any other preload brings) and the interposer
// with its plan when there is one.
std::vector<std::pair<std::string, std::string>> CaseEnvironment(const RunSetup& setup,
                                                                 const CaseInfo& info,
                                                                 const std::string& plan) {
  auto env = setup.child_env;
  std::string preload;
  if (info.traits.heap_accounting && !setup.heap_library.empty()) preload = setup.heap_library;
  if (!plan.empty() && !setup.interposer_library.empty()) {
    preload += (preload.empty() ? "" : ":") + setup.interposer_library;
    env.emplace_back("MICONFORM_INJECT", plan);
  }
  if (!preload.empty()) {
    const char* existing = std::getenv("LD_PRELOAD");
    env.emplace_back("LD_PRELOAD",
                     preload + (existing && *existing ? std::string(":") + existing : ""));
  }
  return env;
}

// A PASS under a plan whose delays never fired proved nothing about that plan (report.h,
// VerdictUnderPlan).
void MarkNotExercised(report::CaseResult& result) {
  bool any_fired = false;
  for (const std::string& point : result.evidence.fired) {
    if (point.rfind("interposer.", 0) == 0) any_fired = true;
  }
  const report::Verdict judged = report::VerdictUnderPlan(result.verdict, any_fired);
  if (judged == result.verdict) return;
  result.verdict = judged;
  result.messages.push_back("the injection plan's delays never fired in this run");
}

// The argv that makes a child run `command` against the run's target.
std::vector<std::string> ChildArgv(const std::string& self, const std::string& command,
                                   const RunSetup& setup) {
  return {self,           command,
          "--library",    setup.target.library,
          "--entry",      setup.target.entry,
          "--protocol",   setup.target.protocol,
          "--config-dir", setup.target.config_dir,
          "--handler",    setup.handler_path};
}

std::string ShellQuote(const std::string& text) {
  if (text.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:=,") ==
      std::string::npos) {
    return text;
  }
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'')
      quoted += "'\\''";
    else
      quoted += c;
  }
  return quoted + "'";
}

// The command that runs one case again: this runner by its full path, so a report's reproduce
// line works where miconform is not on PATH, with the target's options and the limits that judged
// the case.
std::string ReproduceCommand(const std::string& self, const RunOptions& options,
                             const std::string& case_id, const std::string& plan) {
  std::string command = ShellQuote(self) + " run --target " + ShellQuote(options.target);
  if (!options.entry.empty()) command += " --entry " + ShellQuote(options.entry);
  if (!options.protocol.empty()) command += " --protocol " + ShellQuote(options.protocol);
  if (!options.config_dir.empty()) command += " --config-dir " + ShellQuote(options.config_dir);
  // The limits that judge the case, where they are off their defaults: the case must be judged
  // as it was.
  const RunOptions defaults;
  auto limit = [&command](const char* flag, double value, double default_value) {
    if (value == default_value) return;
    std::ostringstream text;
    text << value;
    command += std::string(" ") + flag + " " + text.str();
  };
  limit("--timeout", options.timeout_s, defaults.timeout_s);
  limit("--budget", options.budget_s, defaults.budget_s);
  limit("--hang-window", options.hang_window_ms, defaults.hang_window_ms);
  limit("--observe", options.observe_ms, defaults.observe_ms);
  limit("--eventually", options.eventually_ms, defaults.eventually_ms);
  limit("--settle", options.settle_ms, defaults.settle_ms);
  if (!options.prove) command += " --no-proof";
  command += " --filter " + ShellQuote(case_id);
  if (!plan.empty()) command += " --inject " + ShellQuote(plan) + " --no-explore";
  return command;
}

// Resolves the target and registers the scripted handler where the target will look for it.
// Throws TargetLoadError with the user-facing message.
RunSetup PrepareTarget(const RunOptions& options) {
  RunSetup setup;
  setup.target = ResolveTarget(options.target);
  if (!options.entry.empty()) setup.target.entry = options.entry;
  if (!options.protocol.empty()) setup.target.protocol = options.protocol;
  setup.handler_path = HandlerLibraryPath();
  setup.heap_library = PreloadLibraryPath("libmiconform_heapcount.so");
  setup.interposer_library = PreloadLibraryPath("libmiconform_interposer.so");
  // No GTEST_* variable of the caller reaches a child (probe or case): each case child runs the
  // one GoogleTest test the runner chose, and what such variables ask of a test binary (a shard,
  // an XML file, repeats, ...) is asked of the runner, which shards the run itself (README.md,
  // Sharding). Every child's environment is built from this.
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    if (text.rfind("GTEST_", 0) == 0) {
      setup.child_env_unset.emplace_back(text.substr(0, text.find('=')));
    }
  }
  if (!setup.target.builtin.empty()) {
    // Built-in targets read their handlers from a private directory the run owns.
    setup.private_config = std::make_unique<TempConfigDir>();
    setup.target.config_dir = setup.private_config->path();
    setup.child_env.emplace_back("MICONFORM_REFERENCE_CONFIG_DIR", setup.target.config_dir);
  } else {
    if (options.config_dir.empty()) {
      throw TargetLoadError(TargetLoadError::Kind::kConfigDirUnusable,
                            "a library target needs --config-dir DIR: the directory whose "
                            "omicli.conf the target's client reads its protocol handlers from");
    }
    setup.target.config_dir = options.config_dir;
    HandlerRegistration::RemoveStaleRegistrations(setup.target.config_dir);
  }
  setup.registration = std::make_unique<HandlerRegistration>(
      setup.target.config_dir, setup.target.protocol, setup.handler_path);
  return setup;
}

report::RunInfo DescribeRun(const RunOptions& options, const RunSetup& setup,
                            std::chrono::system_clock::time_point started) {
  report::RunInfo run;
  run.suite_version = MICONFORM_VERSION;
  run.target = setup.target.builtin.empty() ? setup.target.library : setup.target.builtin;
  run.target_library = setup.target.library;
  try {
    run.target_sha256 = report::Sha256OfFile(setup.target.library);
  } catch (const std::exception& error) {
    run.target_sha256 = std::string("unreadable: ") + error.what();
  }
  run.options = JudgingOptions(options, !setup.interposer_library.empty());
  run.options.insert({{"target", options.target},
                      {"entry", setup.target.entry},
                      {"protocol", setup.target.protocol},
                      {"config-dir", setup.target.builtin.empty() ? setup.target.config_dir
                                                                  : "(private to the run)"},
                      {"jobs", std::to_string(options.jobs)}});
  if (options.shard.total > 0) {
    run.options["shard"] =
        std::to_string(options.shard.index) + "/" + std::to_string(options.shard.total);
  }
  run.started = IsoTimestamp(started);
  run.host = HostDescription();
  return run;
}

}  // namespace

std::vector<report::RequirementResult> RequirementsOf(const std::vector<CaseInfo>& cases) {
  std::set<std::string> named;
  for (const CaseInfo& info : cases)
    named.insert(info.requirements.begin(), info.requirements.end());
  std::vector<report::RequirementResult> out;
  for (const Requirement& requirement : Catalog()) {
    if (!named.count(requirement.id)) continue;
    report::RequirementResult result;
    result.id = requirement.id;
    result.page = requirement.page;
    result.section = requirement.section;
    result.text = requirement.text;
    result.level = requirement.level;
    for (const CaseInfo& info : cases) {
      for (const std::string& id : info.requirements) {
        if (id == requirement.id) result.case_ids.push_back(info.id);
      }
    }
    out.push_back(std::move(result));
  }
  return out;
}

std::string FinishReport(report::Report* report) {
  // The cases in the suite's order, as a run lists them (a journal has them in the order they
  // ended), so a rebuilt report is the run's report.
  std::map<std::string, std::size_t> position;
  for (const CaseInfo& info : AllCases()) position.emplace(info.id, position.size());
  for (const report::CaseResult& result : report->cases) {
    if (!position.count(result.id)) return result.id;
  }
  std::stable_sort(report->cases.begin(), report->cases.end(),
                   [&](const report::CaseResult& a, const report::CaseResult& b) {
                     return position[a.id] < position[b.id];
                   });
  std::vector<CaseInfo> cases;
  for (const report::CaseResult& result : report->cases) cases.push_back(*FindCase(result.id));
  report->requirements = RequirementsOf(cases);
  report->claim_gaps = ClaimGaps(report->run, report->cases);
  report->Aggregate();
  return {};
}

int ExitStatusOf(const report::Report& report, bool sharded, bool fail_on_unexpected) {
  if (report.Count(report::Verdict::kError) > 0) return kExitError;
  if (report.conformant) return kExitConformant;
  // Without expectations there are no marks, and every failure is unexpected.
  const bool failed = fail_on_unexpected && !report.expectations.empty()
                          ? report.CountMarked(report::Expected::kUnexpectedFailure) > 0
                          : !report.cases_conform;
  if (failed) return kExitNotConformant;
  return sharded || report.claim_gaps.empty() ? kExitConformant : kExitPartial;
}

// The failures' groups, each by the fact most of its cases show (report.md has them whole).
void PrintRootCauses(const report::Report& report) {
  constexpr std::size_t kCausesPrinted = 5;
  const std::vector<report::RootCause> causes = report::RootCauses(report);
  if (causes.empty()) return;
  std::size_t failing = 0;
  for (const report::RootCause& cause : causes) failing += cause.case_ids.size();
  std::printf("  root causes: %zu failing %s, %zu shared %s\n", failing,
              failing == 1 ? "case" : "cases", causes.size(),
              causes.size() == 1 ? "cause" : "causes");
  for (std::size_t i = 0; i < causes.size() && i < kCausesPrinted; ++i) {
    const report::RootCause& cause = causes[i];
    std::string requirements;
    for (const std::string& id : cause.requirement_ids)
      requirements += (requirements.empty() ? "" : ", ") + id;
    std::printf("    %zu. %zu %s, breaking %s: %s\n", i + 1, cause.case_ids.size(),
                cause.case_ids.size() == 1 ? "case" : "cases", requirements.c_str(),
                cause.shared.empty() ? "" : cause.shared.front().text.c_str());
  }
  if (causes.size() > kCausesPrinted)
    std::printf("    and %zu more\n", causes.size() - kCausesPrinted);
}

void PrintSummary(const report::Report& report, const std::string& report_dir, bool interrupted,
                  bool report_written) {
  // Colour on a terminal, as the progress lines (NO_COLOR, TERM=dumb).
  const bool colour =
      ChooseProgress("auto", isatty(STDOUT_FILENO), std::getenv("TERM"), std::getenv("NO_COLOR"))
          .colour;
  const std::string outcome = interrupted ? "INTERRUPTED" : report::OutcomeOf(report);
  const char* outcome_colour = outcome == "CONFORMANT"       ? "\033[1;32m"
                               : outcome == "PARTIAL"        ? "\033[1;33m"
                               : outcome == "NOT CONFORMANT" ? "\033[1;31m"
                                                             : "\033[1;35m";
  std::printf("miconform %s: %s%s%s\n", report.run.target.c_str(), colour ? outcome_colour : "",
              outcome.c_str(), colour ? "\033[0m" : "");
  std::printf("  %s\n", report::CaseCountLine(report).c_str());
  if (!report.requirements.empty()) {
    std::printf("  %s\n", report::RequirementCountLine(report).c_str());
  }
  const auto started = ParseIsoTimestamp(report.run.started);
  const auto ended = ParseIsoTimestamp(report.run.ended);
  if (started && ended && *ended >= *started) {
    // From the record's start to its end: a resumed run's pause is in it.
    std::printf("  elapsed (start to end of the run): %s\n", Clock(*ended - *started).c_str());
  }
  if (const std::string line = report::ExpectationSummary(report); !line.empty()) {
    std::printf("  expectations: %s\n", line.c_str());
  }
  PrintRootCauses(report);
  std::printf("  integration: %s; not verdicts (report.md has the calls)\n",
              report::IntegrationFindingsLine(report::IntegrationFindingsOf(report)).c_str());
  if (!interrupted && report.cases_conform && !report.claim_gaps.empty()) {
    std::printf("  not a conformance claim:\n");
    for (const std::string& gap : report.claim_gaps) std::printf("    - %s\n", gap.c_str());
  }
  for (const auto& result : report.cases) {
    const bool unexpected_pass =
        result.expectation && result.expectation->outcome == report::Expected::kUnexpectedPass;
    if (report::IsConformant(result.verdict) && !report::IsWarning(result.verdict) &&
        !unexpected_pass) {
      continue;
    }
    std::string mark;
    if (result.expectation && result.expectation->outcome == report::Expected::kExpectedFailure) {
      mark = " (expected)";
    } else if (unexpected_pass) {
      mark = " (UNEXPECTED pass: its expectation can go)";
    }
    const std::string word(report::ToString(result.verdict));
    std::printf("  %s%s %s%s%s%s\n", VerdictWord(result.verdict, colour).c_str(),
                std::string(word.size() < 15 ? 15 - word.size() : 0, ' ').c_str(),
                result.id.c_str(), mark.c_str(), result.messages.empty() ? "" : ": ",
                result.messages.empty() ? "" : result.messages.front().c_str());
  }
  if (report_written) {
    std::printf("  report: %s/ (report.json, junit.xml, report.md, report.html, manifest.sha256)\n",
                report_dir.c_str());
  } else {
    std::printf("  report: FAILED to write %s/ (see the error below)\n", report_dir.c_str());
  }
  std::fflush(stdout);
}

SuiteRun RunSuite(const RunOptions& options, const std::string& self) {
  SuiteRun run;
  if (const std::string problem = TimingOf(options).Check(); !problem.empty()) {
    run.error = problem;  // before the probe: a bad combination never reaches a target
    return run;
  }
  std::vector<report::Expectation> expectations;
  if (!options.expectations.empty()) {
    try {
      expectations = ReadExpectationsFile(options.expectations);
    } catch (const std::exception& error) {
      run.error = std::string("--expectations: ") + error.what();
      return run;
    }
  }
  const auto started = std::chrono::system_clock::now();
  std::vector<CaseInfo> selected;
  for (const CaseInfo& info : AllCases()) {
    if (MatchesAny(info.id, options.filters)) selected.push_back(info);
  }
  if (selected.empty()) {
    run.error = "no case matches --filter; `miconform list --cases` shows them";
    return run;
  }
  if (options.shard.total > 0) {
    // Only this shard's cases. None is a success, not an error: a CI matrix of more shards than
    // the filter selects must not fail on its empty shards (README.md, Sharding).
    std::vector<CaseInfo> shard;
    for (std::size_t position = 0; position < selected.size(); ++position) {
      if (InShard(position, options.shard)) shard.push_back(selected[position]);
    }
    selected = std::move(shard);
  }

  if (!options.inject.empty()) {
    try {
      injection::InjectionPlan::Parse(options.inject);
    } catch (const std::exception& error) {
      run.error = std::string("--inject: ") + error.what();
      return run;
    }
  }

  // Held from here until the report is written: before the probe, so a directory that cannot take
  // the report is refused before anything runs, and no second run mixes its journal into ours.
  std::optional<report::ReportDirectoryLock> report_lock;
  try {
    report_lock.emplace(options.report_dir);
  } catch (const std::exception& error) {
    run.error = std::string("--report: ") + error.what();
    return run;
  }

  std::optional<ResumePoint> resume_point;
  if (options.resume) {
    try {
      resume_point = LoadResumePoint(options.report_dir);
    } catch (const std::exception& error) {
      run.error = error.what();
      return run;
    }
  }

  RunSetup setup;
  try {
    setup = PrepareTarget(options);
  } catch (const TargetLoadError& error) {
    run.error = error.what();
    return run;
  }

  watchdog::Watchdog watchdog;
  {
    watchdog::ChildSpec probe;
    probe.id = "probe";
    probe.argv = ChildArgv(self, "__probe", setup);
    probe.env = setup.child_env;
    probe.env_unset = setup.child_env_unset;
    probe.timeout = TimingOf(options).stall_limit;
    probe.budget = TimingOf(options).budget;
    probe.prove_hangs = options.prove;
    const std::string failure = ProbeFailure(watchdog.RunOne(probe));
    if (watchdog.interrupted()) {
      // A signal while the target was prepared or probed (caught for the whole run, main.cc).
      run.interrupted = true;
      run.error = "interrupted before the first case; nothing was run";
      return run;
    }
    if (!failure.empty()) {
      run.error = "cannot run the suite against " + options.target + ": " + failure;
      return run;
    }
  }

  report::Report report;
  report.run = DescribeRun(options, setup, started);
  if (resume_point) {
    if (const std::string mismatch = ResumeMismatch(resume_point->recorded.run, report.run);
        !mismatch.empty()) {
      run.error = mismatch;
      return run;
    }
    // The interrupted run's expectations (kept beside its journal) must be given again.
    std::vector<report::Expectation> kept;
    try {
      kept = ReadKeptExpectations(options.report_dir);
    } catch (const std::exception& error) {
      run.error = std::string("cannot resume: ") + error.what();
      return run;
    }
    if (report::ExpectationsText(kept) != report::ExpectationsText(expectations)) {
      run.error = kept.empty()
                      ? "cannot resume: the interrupted run was given no --expectations; resume "
                        "it without them"
                      : "cannot resume: the interrupted run was given other expectations (its " +
                            std::string(report::kExpectationsName) + " in " + options.report_dir +
                            "); give it the same --expectations file again";
      return run;
    }
    report.run.started = resume_point->recorded.run.started;
  }

  std::optional<report::Journal> journal;
  try {
    journal.emplace(std::filesystem::path(options.report_dir) / "journal.jsonl",
                    resume_point ? report::Journal::Mode::kContinue : report::Journal::Mode::kNew);
  } catch (const std::exception& error) {
    run.error = "cannot write the report to " + options.report_dir + ": " + error.what();
    return run;
  }
  if (!resume_point) journal->Begin(report.run);
  // The expectations beside the journal from the start: `report`, `merge` and `--resume` read a
  // killed run's directory with the expectations it was given, never an earlier run's.
  try {
    report::KeepExpectations(expectations, options.report_dir);
  } catch (const std::exception& error) {
    run.error = "cannot write the report to " + options.report_dir + ": " + error.what();
    return run;
  }

  auto make_spec = [&](std::size_t index, const std::string& plan) {
    const CaseInfo& info = selected[index];
    watchdog::ChildSpec spec;
    spec.id = info.id;
    spec.argv = ChildArgv(self, "__case", setup);
    spec.argv.insert(
        spec.argv.end(),
        {"--case", info.id, "--observe-ms", std::to_string(options.observe_ms), "--eventually-ms",
         std::to_string(options.eventually_ms), "--settle-ms", std::to_string(options.settle_ms)});
    spec.env = CaseEnvironment(setup, info, plan);
    spec.env_unset = setup.child_env_unset;
    const watchdog::Timing timing = TimingOf(options);
    spec.timeout = timing.stall_limit;
    spec.hang_window = timing.hang_window;
    spec.budget = timing.budget;
    spec.prove_hangs = options.prove;
    if (!options.prove) spec.argv.push_back("--no-proof");
    return spec;
  };
  std::vector<report::CaseResult> results(selected.size());
  std::vector<bool> ran(selected.size(), false);
  std::vector<bool> explored(selected.size(), false);  // recorded again after its schedules
  std::size_t done = 0;
  if (resume_point) {
    // What the interrupted run judged stands; only the rest runs.
    for (std::size_t index = 0; index < selected.size(); ++index) {
      for (report::CaseResult& recorded : resume_point->recorded.cases) {
        if (recorded.id != selected[index].id) continue;
        results[index] = std::move(recorded);
        ran[index] = true;
        explored[index] = resume_point->records[selected[index].id] >= 2;
        ++done;
      }
    }
  }
  std::vector<std::size_t> to_run;  // indexes into `selected`
  std::vector<watchdog::ChildSpec> specs;
  for (std::size_t index = 0; index < selected.size(); ++index) {
    if (ran[index]) continue;
    to_run.push_back(index);
    specs.push_back(make_spec(index, options.inject));
  }

  std::vector<std::string> ids_to_run;
  for (std::size_t index : to_run) ids_to_run.push_back(selected[index].id);
  ProgressDisplay display(stderr, options.progress, std::move(ids_to_run), options.jobs, done);

  const CatalogLookup lookup;
  auto judge = [&](std::size_t index, const watchdog::Outcome& outcome) {
    return Judge({selected[index].id, selected[index].requirements}, outcome, lookup);
  };
  watchdog.RunAll(specs, options.jobs, [&](std::size_t spec_index, watchdog::Outcome outcome) {
    const std::size_t index = to_run[spec_index];
    report::CaseResult result = judge(index, outcome);
    result.reproduce = ReproduceCommand(self, options, selected[index].id, options.inject);
    if (!options.inject.empty()) MarkNotExercised(result);
    // A case the run never started is not part of its record (a resumed run runs it).
    if (outcome.end != watchdog::Outcome::End::kInterrupted) journal->Record(result);
    ++done;
    display.CaseFinished(spec_index, result.verdict, result.duration_s);
    results[index] = std::move(result);
    ran[index] = true;
  });

  // The race cases that passed plainly run again under the walk and seeded schedules.
  std::vector<std::size_t> race_cases;
  if (options.explore && options.inject.empty() && !setup.interposer_library.empty()) {
    for (std::size_t index = 0; index < selected.size(); ++index) {
      if (!ran[index]) continue;
      if (selected[index].traits.race && results[index].verdict == report::Verdict::kPass &&
          !explored[index]) {
        race_cases.push_back(index);
      }
      // Broken without any schedule.
      if (report::IsNonConformant(results[index].verdict)) results[index].schedules_to_failure = 0;
    }
  }
  if (!race_cases.empty() && !watchdog.interrupted()) {
    ExplorationBudget budget;
    budget.walk_limit = options.walk_limit;
    budget.seeds = options.seeds;
    budget.base_seed = options.seed;
    budget.pct_depth = static_cast<std::uint32_t>(options.pct_depth);
    budget.pct_horizon = static_cast<std::uint32_t>(options.pct_horizon);
    budget.only = std::filesystem::path(setup.target.library).filename().string();
    ExplorationHooks hooks;
    hooks.make_spec = make_spec;
    hooks.judge = [&](std::size_t index, const watchdog::Outcome& outcome) {
      display.ScheduleRun();
      return judge(index, outcome);
    };
    hooks.reproduce = [&](std::size_t index, const std::string& plan) {
      return ReproduceCommand(self, options, selected[index].id, plan);
    };
    display.ExplorationStarted(race_cases.size());
    const int schedules =
        ExploreSchedules(watchdog, race_cases, budget, options.jobs, hooks, results);
    report.run.options["schedules-run"] = std::to_string(schedules);
    // An exploration cut short is not recorded: a resumed run explores those cases again.
    if (!watchdog.interrupted()) {
      for (std::size_t index : race_cases) journal->Record(results[index]);
    }
  }

  display.Finish();
  for (std::size_t index = 0; index < selected.size(); ++index) {
    if (ran[index]) report.cases.push_back(std::move(results[index]));
  }
  report.requirements = RequirementsOf(selected);
  report.run.ended = IsoTimestamp(std::chrono::system_clock::now());
  // Only a run that was not interrupted ends its journal: `report` and `--resume` read a journal
  // without its end as a run that stopped early.
  if (!watchdog.interrupted()) journal->End(report.run.ended);
  report.claim_gaps = ClaimGaps(report.run, report.cases);
  if (watchdog.interrupted()) {
    report.claim_gaps.insert(report.claim_gaps.begin(), "the run was interrupted");
  }
  report.expectations = std::move(expectations);
  report.Aggregate();
  run.interrupted = watchdog.interrupted();
  if (!journal->error().empty()) {
    run.error = "the run journal could not be written: " + journal->error();
  }
  try {
    report::WriteReportDirectory(report, options.report_dir);
  } catch (const std::exception& error) {
    run.error += (run.error.empty() ? "" : "; ") + std::string(error.what());
    run.report = std::move(report);
    return run;
  }
  run.report_written = run.error.empty();
  // A signal while the reports were written: they are complete, the run still says it was stopped.
  run.interrupted = run.interrupted || watchdog.interrupted();
  run.exit_status =
      run.interrupted || !run.error.empty()
          ? kExitError
          : ExitStatusOf(report, /*sharded=*/options.shard.total > 0, options.fail_on_unexpected);
  run.report = std::move(report);
  return run;
}

int RunCommand(const RunOptions& options, const std::string& self) {
  const SuiteRun run = RunSuite(options, self);
  if (run.report) {
    PrintSummary(*run.report, options.report_dir, run.interrupted, run.report_written);
  }
  if (!run.error.empty()) std::fprintf(stderr, "miconform: %s\n", run.error.c_str());
  return run.exit_status;
}

}  // namespace miconform::runner

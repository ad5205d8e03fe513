// main.cc - the miconform command line: `run` and the commands on its reports (`report`, `verify`,
// `merge`, `diff`, `compare`), `mutants`, `list`, and the hidden child commands the runner starts
// under its watchdog (`__case`, `__probe`).
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench_command.h"
#include "case_child.h"
#include "case_selection.h"
#include "compare_command.h"
#include "diff_command.h"
#include "interrupt_signals.h"
#include "list_command.h"
#include "merge_command.h"
#include "miconform/handler_registration.h"
#include "mutants_command.h"
#include "phase_channel.h"
#include "probe.h"
#include "report_command.h"
#include "run_command.h"
#include "verify_command.h"

namespace {

using miconform::runner::kExitError;

std::string SelfPath(const char* argv0) {
  char buffer[PATH_MAX];
  const ssize_t length = readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  if (length <= 0) return argv0;
  return std::string(buffer, static_cast<std::size_t>(length));
}

// A number of seconds must be finite: CLI::Range lets NaN through (no comparison with it holds).
const CLI::Validator kFiniteNumber(
    [](std::string& text) -> std::string {
      double value = 0;
      if (CLI::detail::lexical_cast(text, value) && !std::isfinite(value)) {
        return "must be a finite number, not " + text;
      }
      return {};
    },
    "FINITE");

// A protocol name the scripted handler can be registered under in omicli.conf: the registration's
// own rule (HandlerRegistration::ValidateProtocolName), checked here as well because an empty
// --protocol would otherwise stand for the default.
const CLI::Validator kProtocolName(
    [](std::string& protocol) -> std::string {
      try {
        miconform::HandlerRegistration::ValidateProtocolName(protocol);
      } catch (const std::exception& error) {
        return error.what();
      }
      return {};
    },
    "NAME");

// The word that stands where a command should be when it names none of them, else empty.
std::string UnknownCommand(CLI::App& app, int argc, char** argv) {
  if (!app.get_subcommands().empty()) return {};
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] != '-') return argv[i];
  }
  return {};
}

// The commands a user may give (the children's `__` commands are hidden: their group is empty).
std::string PublicCommands(CLI::App& app) {
  std::string names;
  for (const CLI::App* command :
       app.get_subcommands([](CLI::App* command) { return !command->get_group().empty(); })) {
    names += (names.empty() ? "" : ", ") + command->get_name();
  }
  return names;
}

// GoogleTest's sharding protocol, for `run` (README.md, Sharding): the shard that
// GTEST_TOTAL_SHARDS and GTEST_SHARD_INDEX name, and GTEST_SHARD_STATUS_FILE, when set, created to
// say that sharding is supported. Returns the error's message, else empty.
std::string ShardFromEnvironment(miconform::runner::Shard* shard) {
  const std::string problem = miconform::runner::ParseShard(
      std::getenv("GTEST_TOTAL_SHARDS"), std::getenv("GTEST_SHARD_INDEX"), shard);
  if (!problem.empty()) return problem;
  if (const char* status = std::getenv("GTEST_SHARD_STATUS_FILE"); status != nullptr) {
    if (!std::ofstream(status, std::ios::app)) {
      return std::string("GTEST_SHARD_STATUS_FILE: cannot create '") + status +
             "': " + std::strerror(errno);
    }
  }
  return {};
}

// Options every child command takes: the resolved target and the handler library.
struct ChildTarget {
  miconform::TargetSpec spec;
  std::string handler;
};

void AddChildTargetOptions(CLI::App* command, ChildTarget* child) {
  command->add_option("--library", child->spec.library)->required();
  command->add_option("--entry", child->spec.entry)->required();
  command->add_option("--protocol", child->spec.protocol)->required();
  command->add_option("--config-dir", child->spec.config_dir)->required();
  command->add_option("--handler", child->handler)->required();
}

// Options of every command that runs the suite: parallelism, time limits, report, progress.
void AddSupervisionOptions(CLI::App* command, miconform::runner::RunOptions* options,
                           std::string* progress) {
  command->add_option("--jobs,-j", options->jobs, "Cases run in parallel")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  command
      ->add_option("--timeout", options->timeout_s,
                   "Seconds without progress after which a case that cannot be proven stuck "
                   "is recorded as hung")
      ->check(kFiniteNumber)
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  command
      ->add_option("--budget", options->budget_s,
                   "Seconds a case that keeps progressing may run before it is stopped as "
                   "too slow to judge (INCONCLUSIVE)")
      ->check(kFiniteNumber)
      ->check(CLI::Range(0.1, 36000.0))
      ->capture_default_str();
  command
      ->add_option("--hang-window", options->hang_window_ms,
                   "Milliseconds a call documented to hang may block, unproven, before the "
                   "hang is recorded by timer")
      ->check(CLI::Range(50, 600000))
      ->capture_default_str();
  command
      ->add_option("--observe", options->observe_ms,
                   "Milliseconds a case watches a call documented to hang, when no proof "
                   "comes, before releasing it")
      ->check(CLI::Range(10, 60000))
      ->capture_default_str();
  command
      ->add_option("--eventually", options->eventually_ms,
                   "Milliseconds a case waits for what must happen soon, unless the target "
                   "goes provably quiet first")
      ->check(CLI::Range(10, 600000))
      ->capture_default_str();
  command
      ->add_option("--settle", options->settle_ms,
                   "Milliseconds a case waits for the target to go provably quiet before "
                   "judging that nothing more happens")
      ->check(CLI::Range(10, 600000))
      ->capture_default_str();
  command->add_flag("!--no-proof", options->prove,
                    "Decide hangs by the time limits alone, without the proof from /proc (to "
                    "compare the two; slower, and a slow target can be taken for a hung one)");
  command->add_option("--report", options->report_dir, "Directory the report is written to")
      ->capture_default_str();
  command
      ->add_option("--progress", *progress,
                   "Progress on stderr: auto (on a terminal: a line per case, a live status line, "
                   "colour unless NO_COLOR), always (the plain lines also when piped), never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
}

// The schedule exploration's budget (schedule_exploration.h).
void AddScheduleOptions(CLI::App* command, miconform::runner::RunOptions* options) {
  command->add_flag("!--no-explore", options->explore,
                    "Do not run the race cases again under the schedule walk and seeds");
  command
      ->add_option("--walk-limit", options->walk_limit,
                   "Countdown runs per race case at most (the enumeration walk)")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  command
      ->add_option("--seeds", options->seeds,
                   "PCT schedules (random priorities, seeded) per race case")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  command->add_option("--seed", options->seed, "Seed of the first PCT schedule")
      ->capture_default_str();
  command
      ->add_option("--pct-depth", options->pct_depth,
                   "Bug depth the PCT schedules target: depth-1 priority change points")
      ->check(CLI::Range(1, 10))
      ->capture_default_str();
  command
      ->add_option("--pct-horizon", options->pct_horizon,
                   "Interposed calls among which the PCT change points are drawn")
      ->check(CLI::Range(1, 1000000000))
      ->capture_default_str();
}

}  // namespace

int main(int argc, char** argv) {
  // A case, probe or bench child takes its phase channel out of the environment before it loads
  // any target (phase_channel.h); for the runner itself this finds nothing.
  miconform::watchdog::PhaseChannel::Get();
  CLI::App app{"miconform - conformance suite for the MI client session-close contract"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("miconform ") + MICONFORM_VERSION);

  miconform::runner::RunOptions run;
  std::string filter_text;
  std::string progress = "auto";
  CLI::App* run_command =
      app.add_subcommand("run", "Run the conformance cases against a target and write the report");
  run_command
      ->add_option("--target", run.target,
                   "Built-in target name (see `list --targets`) or path of an MI client "
                   "library")
      ->capture_default_str();
  run_command->add_option("--entry", run.entry,
                          "Entry point of a library target (default MI_Application_InitializeV1)");
  run_command
      ->add_option("--protocol", run.protocol,
                   "Protocol name the scripted handler is registered and opened under "
                   "(default MICONFORM)")
      ->check(kProtocolName);
  run_command->add_option("--config-dir", run.config_dir,
                          "Directory whose omicli.conf the target reads its protocol handlers "
                          "from (required for a library target)");
  run_command->add_option("--filter", filter_text,
                          "Comma-separated globs over case IDs, e.g. 'session_close.async.*'");
  AddSupervisionOptions(run_command, &run, &progress);
  run_command->add_option("--inject", run.inject,
                          "An interposer plan for every case, e.g. "
                          "'mode=countdown;k=3;delay_us=2000' (suite/injection/README.md)");
  AddScheduleOptions(run_command, &run);
  CLI::Option* expectations_option =
      run_command
          ->add_option("--expectations", run.expectations,
                       "Known failures and intermittents, one a line: ID FAILS|FLAKY "
                       "reason (README.md, Known failures); the report marks each result "
                       "expected or not")
          ->check(CLI::ExistingFile);
  std::string fail_on = "any";
  run_command
      ->add_option("--fail-on", fail_on,
                   "Which failures exit 1: any, or only those the expectations did not "
                   "expect (unexpected)")
      ->check(CLI::IsMember({"any", "unexpected"}))
      ->needs(expectations_option)
      ->capture_default_str();
  std::string resume_dir;
  CLI::Option* resume_option =
      run_command->add_option("--resume", resume_dir,
                              "Go on with the interrupted or killed run whose report directory is "
                              "DIR, from its journal (give the run's options again: the same "
                              "target and options are required)");
  resume_option->excludes("--report");

  std::string report_dir;
  CLI::App* report_command = app.add_subcommand(
      "report", "Rebuild every report file of a report directory from its journal alone");
  report_command->add_option("DIR", report_dir, "The report directory (holds journal.jsonl)")
      ->required();

  std::string verify_dir;
  std::string verify_library;
  CLI::App* verify_command = app.add_subcommand(
      "verify",
      "Check a report directory as a conformance submission: every file as the run wrote it, the "
      "report consistent with its journal, a complete run of this suite version under the default "
      "options, and (with --library) the library tested");
  verify_command->add_option("DIR", verify_dir, "The report directory")->required();
  verify_command->add_option("--library", verify_library,
                             "The MI client library the run must have tested (compared by "
                             "SHA-256)");

  std::string merge_out;
  std::vector<std::string> merge_dirs;
  CLI::App* merge_command = app.add_subcommand(
      "merge", "Merge the report directories of the shards of one run into one report");
  merge_command->add_option("--report", merge_out, "Directory the merged report is written to")
      ->required();
  merge_command->add_option("DIR", merge_dirs, "The shards' report directories")->required();
  std::string merge_fail_on = "any";
  merge_command
      ->add_option("--fail-on", merge_fail_on,
                   "Which failures exit 1: any, or only those the shards' expectations "
                   "did not expect (unexpected)")
      ->check(CLI::IsMember({"any", "unexpected"}))
      ->capture_default_str();

  std::string diff_before;
  std::string diff_after;
  miconform::report::DiffOptions diff_options;
  CLI::App* diff_command = app.add_subcommand(
      "diff",
      "List what changed from the run in report directory A to the run in B: run facts, "
      "requirement and case verdicts, new and fixed failures, timing outliers");
  diff_command->add_option("A", diff_before, "The earlier run's report directory")->required();
  diff_command->add_option("B", diff_after, "The later run's report directory")->required();
  diff_command
      ->add_option("--timing-ratio", diff_options.timing_ratio,
                   "A case's time is an outlier when it changed by this factor...")
      ->check(kFiniteNumber)
      ->check(CLI::Range(1.0, 1000.0))
      ->capture_default_str();
  diff_command
      ->add_option("--timing-min", diff_options.timing_min_s,
                   "...and by at least this many seconds")
      ->check(kFiniteNumber)
      ->check(CLI::Range(0.0, 36000.0))
      ->capture_default_str();

  std::string compare_out = "miconform-compare";
  std::vector<std::string> compare_dirs;
  CLI::App* compare_command =
      app.add_subcommand("compare",
                         "Write one page (compare.md, compare.html) with several runs' requirement "
                         "verdicts side by side: targets, versions or platforms");
  compare_command->add_option("--output", compare_out, "Directory the pages are written to")
      ->capture_default_str();
  compare_command->add_option("DIR", compare_dirs, "The runs' report directories")->required();

  miconform::runner::RunOptions mutants;
  mutants.report_dir = "miconform-mutants";
  std::string mutants_progress = "auto";
  CLI::App* mutants_command = app.add_subcommand(
      "mutants",
      "Run the suite against the reference, every mutant and every conforming variant; print "
      "the kill matrix, the score and the variants' outcomes");
  AddSupervisionOptions(mutants_command, &mutants, &mutants_progress);
  AddScheduleOptions(mutants_command, &mutants);

  bool list_targets = false;
  bool list_cases = false;
  CLI::App* list_command =
      app.add_subcommand("list", "List the requirements with their cases (or cases, or targets)");
  list_command->add_flag("--targets", list_targets, "List the built-in targets, one a line");
  list_command->add_flag("--cases", list_cases, "List the cases with their requirements");

  ChildTarget case_target;
  miconform::CaseChildOptions case_options;
  CLI::App* case_command = app.add_subcommand("__case", "Run one case (started by `run`)");
  case_command->group("");
  AddChildTargetOptions(case_command, &case_target);
  case_command->add_option("--case", case_options.case_id)->required();
  case_command->add_option("--observe-ms", case_options.observe_ms);
  case_command->add_option("--eventually-ms", case_options.eventually_ms);
  case_command->add_option("--settle-ms", case_options.settle_ms);
  case_command->add_flag("!--no-proof", case_options.prove);

  int bench_count = 200;
  CLI::App* bench_command = app.add_subcommand(
      "bench-supervision",
      "Benchmark: time a do-nothing case bare and under the watchdog (per-case overhead)");
  bench_command->add_option("--count", bench_count, "Children per mode")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  CLI::App* noop_command = app.add_subcommand("__noop", "A case that does nothing");
  noop_command->group("");

  ChildTarget probe_target;
  CLI::App* probe_command = app.add_subcommand("__probe", "Probe the target (started by `run`)");
  probe_command->group("");
  AddChildTargetOptions(probe_command, &probe_target);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForVersion& version) {
    return app.exit(version);
  } catch (const CLI::ParseError& error) {
    if (const std::string word = UnknownCommand(app, argc, argv); !word.empty()) {
      std::cerr << "miconform: unknown command '" << word << "'; commands: " << PublicCommands(app)
                << '\n';
      return kExitError;
    }
    app.exit(error);
    return kExitError;
  }

  if (run_command->parsed()) {
    if (const std::string problem = ShardFromEnvironment(&run.shard); !problem.empty()) {
      std::cerr << "miconform: " << problem << '\n';
      return kExitError;
    }
    const miconform::watchdog::InterruptSignals signals;  // for the whole command
    if (resume_option->count() > 0) {
      if (resume_dir.empty()) {
        std::cerr << "miconform: --resume: the report directory is empty\n";
        return kExitError;
      }
      run.report_dir = resume_dir;
      run.resume = true;
    }
    run.filters = miconform::runner::SplitList(filter_text);
    run.fail_on_unexpected = fail_on == "unexpected";
    run.progress = miconform::runner::ChooseProgress(progress, isatty(STDERR_FILENO),
                                                     std::getenv("TERM"), std::getenv("NO_COLOR"));
    return miconform::runner::RunCommand(run, SelfPath(argv[0]));
  }
  if (bench_command->parsed()) {
    const miconform::watchdog::InterruptSignals signals;  // for the whole command
    return miconform::runner::BenchSupervisionCommand(bench_count, SelfPath(argv[0]), std::cout);
  }
  if (noop_command->parsed()) {
    const int status = miconform::runner::NoopChild();
    std::fflush(nullptr);
    _exit(status);
  }
  if (mutants_command->parsed()) {
    const miconform::watchdog::InterruptSignals signals;  // for the whole command
    // The matrix prints a line per target; a live line belongs to one run.
    mutants.progress = miconform::runner::ChooseProgress(
        mutants_progress, isatty(STDERR_FILENO), std::getenv("TERM"), std::getenv("NO_COLOR"));
    mutants.progress.live = false;
    return miconform::runner::MutantsCommand(mutants, SelfPath(argv[0]), std::cout);
  }
  if (report_command->parsed()) return miconform::runner::ReportCommand(report_dir);
  if (verify_command->parsed()) {
    return miconform::runner::VerifyCommand(verify_dir, verify_library, std::cout);
  }
  if (merge_command->parsed()) {
    return miconform::runner::MergeCommand(merge_out, merge_dirs, merge_fail_on == "unexpected");
  }
  if (diff_command->parsed()) {
    return miconform::runner::DiffCommand(diff_before, diff_after, diff_options, std::cout);
  }
  if (compare_command->parsed()) {
    return miconform::runner::CompareCommand(compare_out, compare_dirs);
  }
  if (list_command->parsed()) {
    using miconform::runner::ListWhat;
    return miconform::runner::ListCommand(list_targets ? ListWhat::kTargets
                                          : list_cases ? ListWhat::kCases
                                                       : ListWhat::kRequirements,
                                          std::cout);
  }
  if (case_command->parsed()) {
    case_options.target = case_target.spec;
    case_options.handler_path = case_target.handler;
    return miconform::RunCaseChild(case_options);
  }
  if (probe_command->parsed()) {
    // A child ends without running the target library's destructors: what happens at exit is
    // not under test, and must not change the result the child has already reported.
    const int status = miconform::runner::RunProbeChild(probe_target.spec, probe_target.handler);
    std::fflush(nullptr);
    _exit(status);
  }
  return kExitError;
}

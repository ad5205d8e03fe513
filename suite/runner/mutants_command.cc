// mutants_command.cc - the kill matrix of mutants_command.h.
#include "mutants_command.h"

#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "miconform/report/directory_lock.h"
#include "miconform/report/writers.h"
#include "run_command.h"

namespace miconform::runner {
namespace {

// Plain runs a timing mutant gets before its schedules are explored (see MutantsCommand).
constexpr int kTimingPlainRuns = 3;

using report::IsNonConformant;
using report::Verdict;

const report::RequirementResult* FindRequirementResult(const report::Report& run,
                                                       const std::string& id) {
  for (const auto& requirement : run.requirements) {
    if (requirement.id == id) return &requirement;
  }
  return nullptr;
}

// A short cell for the matrix.
std::string Cell(const report::Report& run, const std::string& id) {
  const auto* requirement = FindRequirementResult(run, id);
  if (requirement == nullptr) return "-";
  switch (requirement->verdict) {
    case Verdict::kPass: return "ok";
    case Verdict::kDocumentedHang: return "DH";
    case Verdict::kNotSupported: return "NS";
    case Verdict::kNotExercised: return "NE";
    case Verdict::kInconclusive: return "INC";
    case Verdict::kDeviation: return "DEV";
    case Verdict::kFail: return "FAIL";
    case Verdict::kHang: return "HANG";
    case Verdict::kCrash: return "CRASH";
    case Verdict::kError: return "ERR";
  }
  return "?";
}

std::string DirectoryName(const std::string& target) {
  std::string name = target;
  for (char& c : name) {
    if (c == ':' || c == '/') c = '_';
  }
  return name;
}

// The options of one target's run in the matrix: the base options, that target, its own report
// directory beside the matrix's, and no progress lines of its own.
RunOptions OptionsFor(const RunOptions& base, const std::string& target) {
  RunOptions options = base;
  options.target = target;
  options.report_dir = (std::filesystem::path(base.report_dir) / DirectoryName(target)).string();
  options.progress = ProgressSettings{};
  return options;
}

struct Row {
  std::string target;
  bool is_reference = false;
  const Mutant* mutant = nullptr;
  SuiteRun run;
  bool ok = false;  // killed (mutant) or clean (reference)
  std::string explanation;
  std::optional<int> schedules_to_kill;
  std::string killing_case;
  std::string
      kill_level;  // killed: "MUST", "SHOULD", "MAY-DEADLOCK (a crash)" or "documented hang"
};

// One conforming variant: its plain run and its run with schedule exploration.
struct VariantRow {
  std::string target;
  const Variant* variant = nullptr;
  SuiteRun plain;
  SuiteRun explored;
  bool explored_run = false;  // false: --no-explore, or the plain run gave no report
  bool ok = false;            // CONFORMANT in every run made
  std::string explanation;
};

// The outcome of one run of a variant, for its row.
std::string VariantOutcome(const SuiteRun& run, bool made) {
  if (!made) return "SKIPPED";
  if (!run.report) return "NOT RUN";
  return run.report->cases_conform ? "CONFORMANT" : "NOT CONFORMANT";
}

// The outcome of a variant's row: CONFORMING, ACCUSED, or NOT RUN (a run gave no report).
std::string VariantRowOutcome(const VariantRow& row) {
  if (!row.plain.report || (row.explored_run && !row.explored.report)) return "NOT RUN";
  return row.ok ? "CONFORMING" : "ACCUSED";
}

// Writes `content` to `path` as the report files are (WriteFileAtomically); empty when it was
// written, otherwise what went wrong.
std::string WriteFile(const std::filesystem::path& path, const std::string& content) {
  try {
    report::WriteFileAtomically(path, content);
  } catch (const std::exception& error) {
    return error.what();
  }
  return {};
}

std::string Joined(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

// The non-PASS requirements of a variant's runs: once when both runs agree.
std::string VariantNonPass(const VariantRow& row) {
  const std::vector<std::string> plain =
      row.plain.report ? JudgeVariant(*row.plain.report).non_pass : std::vector<std::string>{};
  if (!row.explored_run || !row.explored.report) return plain.empty() ? "none" : Joined(plain);
  const std::vector<std::string> explored = JudgeVariant(*row.explored.report).non_pass;
  if (plain == explored) return plain.empty() ? "none" : Joined(plain);
  return "plain: " + (plain.empty() ? std::string("none") : Joined(plain)) +
         "; explored: " + (explored.empty() ? std::string("none") : Joined(explored));
}

}  // namespace

// The level a kill is made at: "MUST", "SHOULD", "MAY-DEADLOCK (a crash)" (a crash is the only
// failing outcome of such a sentence), or "documented hang" (STOPS-RESPONDING).
std::string KillLevel(report::Level level) {
  switch (level) {
    case report::Level::kMust: return "MUST";
    case report::Level::kShould: return "SHOULD";
    case report::Level::kMayDeadlock: return "MAY-DEADLOCK (a crash)";
    default: return "documented hang";
  }
}

KillJudgement JudgeKill(const Mutant& mutant, const report::Report& run) {
  KillJudgement judgement;
  for (const std::string& id : mutant.breaks) {
    const auto* requirement = FindRequirementResult(run, id);
    const Verdict verdict = requirement ? requirement->verdict : Verdict::kError;
    bool kills = mutant.lenient ? verdict == Verdict::kDeviation : IsNonConformant(verdict);
    // A timing mutant's fault may show under one schedule and not again in its replays: the suite
    // saw it (an intermittent, reported INCONCLUSIVE with its evidence) but does not charge it.
    // That counts as an intermittent kill, said as such.
    bool intermittent = false;
    if (!kills && mutant.timing && verdict == Verdict::kInconclusive) {
      for (const auto& result : run.cases) {
        for (const report::Finding& finding : result.findings) {
          if (finding.verdict == Verdict::kInconclusive && finding.requirement_id == id) {
            intermittent = true;
          }
        }
      }
      kills = intermittent;
    }
    if (!judgement.explanation.empty()) judgement.explanation += ", ";
    judgement.explanation +=
        id + " " + (requirement ? std::string(report::ToString(verdict)) : "not run");
    if (!kills) {
      judgement.explanation +=
          mutant.lenient ? " (expected DEVIATION)" : " (expected FAIL, HANG or CRASH)";
    }
    if (kills && requirement != nullptr) {
      const std::string level =
          KillLevel(requirement->level) + (intermittent ? ", intermittent" : "");
      judgement.explanation += " (" + level + " kill)";
      if (judgement.kill_level.empty()) judgement.kill_level = level;
    }
    judgement.killed = judgement.killed || kills;
    if (!kills) continue;
    for (const auto& result : run.cases) {
      const bool names =
          std::count(result.requirement_ids.begin(), result.requirement_ids.end(), id);
      const Verdict charged = report::VerdictForRequirement(result, id, requirement->level, names);
      const bool breaks = intermittent     ? charged == Verdict::kInconclusive
                          : mutant.lenient ? charged == Verdict::kDeviation
                                           : IsNonConformant(charged);
      if (!breaks) continue;
      const int schedules = result.schedules_to_failure.value_or(0);
      if (!judgement.schedules_to_kill || schedules < *judgement.schedules_to_kill) {
        judgement.schedules_to_kill = schedules;
        judgement.killing_case = result.id;
      }
    }
  }
  // Collateral: requirements outside `breaks` that the run did not pass, unless the table lists
  // them with the reason.
  for (const auto& requirement : run.requirements) {
    if (std::count(mutant.breaks.begin(), mutant.breaks.end(), requirement.id)) continue;
    if (!IsNonConformant(requirement.verdict) && requirement.verdict != Verdict::kDeviation) {
      continue;
    }
    if (mutant.collateral.count(requirement.id) > 0) continue;
    judgement.collateral.push_back(requirement.id + " " +
                                   std::string(report::ToString(requirement.verdict)));
  }
  return judgement;
}

bool ReferenceIsClean(const report::Report& run, std::string* why) {
  std::ostringstream problems;
  for (const auto& result : run.cases) {
    if (result.verdict == Verdict::kPass || result.verdict == Verdict::kDocumentedHang) continue;
    problems << (problems.tellp() > 0 ? ", " : "") << result.id << " "
             << report::ToString(result.verdict);
  }
  *why = problems.str();
  return why->empty() && run.cases_conform;
}

VariantJudgement JudgeVariant(const report::Report& run) {
  VariantJudgement judgement;
  judgement.conforming = run.cases_conform;
  for (const auto& requirement : run.requirements) {
    if (requirement.verdict == Verdict::kPass) continue;
    judgement.non_pass.push_back(requirement.id + " " +
                                 std::string(report::ToString(requirement.verdict)));
  }
  return judgement;
}

int MutantsCommand(const RunOptions& base, const std::string& self, std::ostream& out) {
  if (const std::string problem = TimingOf(base).Check(); !problem.empty()) {
    out << "miconform: " << problem << "\n";
    return 2;
  }
  // Held for the whole matrix (each target's run locks its own directory inside this one).
  std::optional<report::ReportDirectoryLock> report_lock;
  try {
    report_lock.emplace(base.report_dir);
  } catch (const std::exception& error) {
    out << "miconform: --report: " << error.what() << "\n";
    return kExitError;
  }
  std::vector<Row> rows;
  rows.push_back({"reference", true, nullptr, {}, false, {}, {}, {}, {}});
  for (const Mutant& mutant : Mutants()) {
    rows.push_back({"mutant:" + mutant.name, false, &mutant, {}, false, {}, {}, {}, {}});
  }

  bool run_failed = false;
  bool interrupted = false;
  // The report files that could not be written: a target's report directory or the matrix's.
  std::vector<std::string> unwritten;
  auto note_unwritten = [&](const std::string& target, const SuiteRun& run) {
    if (run.report && !run.report_written) unwritten.push_back(target + ": " + run.error);
  };
  for (Row& row : rows) {
    if (interrupted) {
      row.explanation = "not run: the matrix was interrupted";
      continue;
    }
    RunOptions options = OptionsFor(base, row.target);
    // Schedules cost time; they are explored for the reference (it must stay clean under them)
    // and for the mutants whose fault shows only under some interleavings - for those only when
    // no plain run killed them (that kill took 0 schedules). A plain run meets such a fault by the
    // interleaving the machine happens to give, which a loaded machine gives less often: a timing
    // mutant gets up to kTimingPlainRuns plain runs before its schedules are explored.
    const bool timing = row.mutant != nullptr && row.mutant->timing;
    options.explore = base.explore && row.is_reference;
    row.run = RunSuite(options, self);
    for (int again = 1; timing && again < kTimingPlainRuns && !row.run.interrupted &&
                        row.run.report && !JudgeKill(*row.mutant, *row.run.report).killed;
         ++again) {
      row.run = RunSuite(options, self);
    }
    if (timing && base.explore && !row.run.interrupted && row.run.report &&
        !JudgeKill(*row.mutant, *row.run.report).killed) {
      options.explore = true;
      row.run = RunSuite(options, self);
    }
    note_unwritten(row.target, row.run);
    // SIGINT or SIGTERM ends the whole matrix, not only the target being run.
    if (row.run.interrupted) {
      interrupted = true;
      run_failed = true;
    }
    if (!row.run.report) {
      row.explanation = "no run: " + row.run.error;
      run_failed = true;
    } else if (row.is_reference) {
      std::string why;
      row.ok = ReferenceIsClean(*row.run.report, &why);
      row.explanation = row.ok ? "clean" : "not clean: " + why;
    } else {
      const KillJudgement judgement = JudgeKill(*row.mutant, *row.run.report);
      row.ok = judgement.killed && judgement.collateral.empty();
      row.kill_level = judgement.kill_level;
      row.explanation = judgement.explanation;
      if (!judgement.collateral.empty()) {
        std::string listed;
        for (const std::string& item : judgement.collateral)
          listed += (listed.empty() ? "" : ", ") + item;
        row.explanation += "; collateral not listed in mutants.json: " + listed;
      }
      row.schedules_to_kill = judgement.schedules_to_kill;
      row.killing_case = judgement.killing_case;
    }
    if (base.progress.lines) {
      std::cerr << (row.ok ? "  " : "! ") << row.target << ": " << row.explanation << '\n';
    }
  }

  // The conforming variants: each must come out CONFORMANT in a plain run and under schedule
  // exploration (with --no-explore, in the plain run only). One that does not is a false
  // accusation, and fails the command like a surviving mutant.
  std::vector<VariantRow> variant_rows;
  for (const Variant& variant : Variants()) {
    variant_rows.push_back({"variant:" + variant.name, &variant, {}, {}, false, false, {}});
  }
  for (VariantRow& row : variant_rows) {
    if (interrupted) {
      row.explanation = "not run: the matrix was interrupted";
      continue;
    }
    RunOptions options = OptionsFor(base, row.target);
    options.explore = false;
    row.plain = RunSuite(options, self);
    if (base.explore && !row.plain.interrupted && row.plain.report) {
      options.explore = true;
      options.report_dir =
          (std::filesystem::path(base.report_dir) / (DirectoryName(row.target) + ".explored"))
              .string();
      row.explored = RunSuite(options, self);
      row.explored_run = true;
    }
    note_unwritten(row.target, row.plain);
    if (row.explored_run) note_unwritten(row.target + " (explored)", row.explored);
    if (row.plain.interrupted || (row.explored_run && row.explored.interrupted)) {
      interrupted = true;
      run_failed = true;
    }
    std::vector<std::string> accusations;
    if (!row.plain.report) {
      row.explanation = "no run: " + row.plain.error;
      run_failed = true;
    } else if (row.explored_run && !row.explored.report) {
      row.explanation = "no explored run: " + row.explored.error;
      run_failed = true;
    } else {
      const VariantJudgement plain = JudgeVariant(*row.plain.report);
      if (!plain.conforming) accusations.push_back("plain run NOT CONFORMANT");
      if (row.explored_run && !JudgeVariant(*row.explored.report).conforming) {
        accusations.push_back("explored run NOT CONFORMANT");
      }
      row.ok = accusations.empty();
      row.explanation = row.ok ? "conforming"
                               : "falsely accused: " + Joined(accusations) +
                                     " (non-PASS: " + VariantNonPass(row) + ")";
    }
    if (base.progress.lines) {
      std::cerr << (row.ok ? "  " : "! ") << row.target << ": " << row.explanation << '\n';
    }
  }

  // Columns: every requirement a mutant breaks, then any other that some run failed.
  std::vector<std::string> columns;
  std::set<std::string> seen;
  for (const Mutant& mutant : Mutants()) {
    for (const std::string& id : mutant.breaks) {
      if (seen.insert(id).second) columns.push_back(id);
    }
  }
  for (const Row& row : rows) {
    if (!row.run.report) continue;
    for (const auto& requirement : row.run.report->requirements) {
      if (IsNonConformant(requirement.verdict) || requirement.verdict == Verdict::kDeviation) {
        if (seen.insert(requirement.id).second) columns.push_back(requirement.id);
      }
    }
  }

  std::size_t name_width = 0;
  for (const Row& row : rows) name_width = std::max(name_width, row.target.size());
  std::ostringstream matrix;
  matrix << std::left << std::setw(static_cast<int>(name_width)) << "target";
  for (const std::string& id : columns)
    matrix << "  " << std::setw(static_cast<int>(id.size())) << id;
  matrix << "  outcome\n";
  int mutants = 0;
  int killed = 0;
  std::map<std::string, int> kills_by_level;
  for (const Row& row : rows) {
    matrix << std::setw(static_cast<int>(name_width)) << row.target;
    for (const std::string& id : columns) {
      std::string cell = row.run.report ? Cell(*row.run.report, id) : "-";
      if (row.mutant && std::count(row.mutant->breaks.begin(), row.mutant->breaks.end(), id)) {
        cell = "[" + cell + "]";
      }
      matrix << "  " << std::setw(static_cast<int>(id.size())) << cell;
    }
    matrix << "  "
           << (!row.run.report    ? "NOT RUN"
               : row.is_reference ? (row.ok ? "CLEAN" : "NOT CLEAN")
                                  : (row.ok ? "KILLED (" + row.kill_level + ")" : "SURVIVED"))
           << '\n';
    if (!row.is_reference) {
      ++mutants;
      killed += row.ok ? 1 : 0;
      if (row.ok) ++kills_by_level[row.kill_level];
    }
  }
  const double score = mutants ? 100.0 * killed / mutants : 0.0;
  std::ostringstream summary;
  summary << "mutation score: " << killed << "/" << mutants << " killed (" << std::fixed
          << std::setprecision(1) << score << "%); reference "
          << (rows.front().ok ? "clean" : "NOT clean") << '\n';
  int variants_conforming = 0;
  for (const VariantRow& row : variant_rows) variants_conforming += row.ok ? 1 : 0;
  const int variant_count = static_cast<int>(variant_rows.size());
  summary << "variants: " << variants_conforming << "/" << variant_count << " conforming\n";
  summary << "kills by level:";
  for (const auto& [level, count] : kills_by_level) summary << " " << level << " " << count << ";";
  summary << '\n';
  // The suite's known gaps: testable requirements no mutant proves yet (reasons in mutants.json).
  if (!RequirementsWithoutMutant().empty()) {
    summary << "requirements no mutant proves yet: " << RequirementsWithoutMutant().size() << " (";
    const char* separator = "";
    for (const auto& [id, reason] : RequirementsWithoutMutant()) {
      summary << separator << id;
      separator = ", ";
    }
    summary << "; the reasons are under without_mutant in targets/mutants/mutants.json)\n";
  }
  const std::string legend =
      "[x] marks a requirement the mutant breaks. ok PASS, DH DOCUMENTED-HANG, DEV DEVIATION, "
      "NS NOT-SUPPORTED, NE NOT-EXERCISED, FAIL, HANG, CRASH, ERR ERROR, - not judged\n";

  // How much schedule exploration each timing mutant needed.
  std::ostringstream timing;
  for (const Row& row : rows) {
    if (row.mutant == nullptr || !row.mutant->timing) continue;
    timing << "  " << row.target << ": ";
    if (row.schedules_to_kill) {
      timing << (*row.schedules_to_kill == 0
                     ? std::string("killed by a plain run")
                     : "killed after " + std::to_string(*row.schedules_to_kill) + " schedule(s)")
             << " of " << row.killing_case << '\n';
    } else {
      timing << "not killed within the schedule budget\n";
    }
  }
  if (timing.tellp() > 0) summary << "timing mutants:\n" << timing.str();

  // The conforming variants' table: each run's outcome, and what did not PASS.
  std::ostringstream variant_table;
  if (!variant_rows.empty()) {
    std::size_t variant_width = std::string("target").size();
    for (const VariantRow& row : variant_rows) {
      variant_width = std::max(variant_width, row.target.size());
    }
    constexpr int kOutcomeWidth = 14;  // "NOT CONFORMANT"
    variant_table << "conforming variants\n"
                  << std::left << std::setw(static_cast<int>(variant_width)) << "target"
                  << "  " << std::setw(kOutcomeWidth) << "plain"
                  << "  " << std::setw(kOutcomeWidth) << "explored"
                  << "  " << std::setw(10) << "outcome"
                  << "  "
                  << "non-PASS requirements\n";
    for (const VariantRow& row : variant_rows) {
      const bool ran = row.plain.report.has_value();
      variant_table << std::setw(static_cast<int>(variant_width)) << row.target << "  "
                    << std::setw(kOutcomeWidth) << VariantOutcome(row.plain, true) << "  "
                    << std::setw(kOutcomeWidth) << VariantOutcome(row.explored, row.explored_run)
                    << "  " << std::setw(10) << VariantRowOutcome(row) << "  "
                    << (ran ? VariantNonPass(row) : "-") << '\n';
    }
    if (!base.explore) variant_table << "(explored runs skipped: --no-explore)\n";
  }

  out << matrix.str() << legend << summary.str() << variant_table.str();
  for (const Row& row : rows) {
    if (!row.ok) out << "  " << row.target << ": " << row.explanation << '\n';
  }
  for (const VariantRow& row : variant_rows) {
    if (!row.ok) out << "  " << row.target << ": " << row.explanation << '\n';
  }

  // The same, as files beside the per-target reports.
  nlohmann::json json;
  json["score"] = {{"killed", killed}, {"mutants", mutants}, {"percent", score}};
  json["reference_clean"] = rows.front().ok;
  json["columns"] = columns;
  for (const Row& row : rows) {
    nlohmann::json entry = {{"target", row.target},
                            {"outcome", row.is_reference ? (row.ok ? "clean" : "not clean")
                                                         : (row.ok ? "killed" : "survived")},
                            {"explanation", row.explanation}};
    if (row.mutant) {
      entry["breaks"] = row.mutant->breaks;
      entry["expect"] = row.mutant->lenient ? "deviation" : "non-conformant";
      entry["description"] = row.mutant->description;
      entry["timing"] = row.mutant->timing;
      if (row.ok) entry["kill_level"] = row.kill_level;
      if (row.schedules_to_kill) {
        entry["schedules_to_kill"] = *row.schedules_to_kill;
        entry["killing_case"] = row.killing_case;
      }
    }
    if (row.run.report) {
      for (const auto& requirement : row.run.report->requirements) {
        entry["verdicts"][requirement.id] = std::string(report::ToString(requirement.verdict));
      }
    }
    json["targets"].push_back(entry);
  }
  json["variants_score"] = {{"conforming", variants_conforming}, {"variants", variant_count}};
  json["variants"] = nlohmann::json::array();
  for (const VariantRow& row : variant_rows) {
    nlohmann::json entry = {{"target", row.target},
                            {"fault", row.variant->fault},
                            {"page", row.variant->page},
                            {"sentence", row.variant->sentence},
                            {"description", row.variant->description},
                            {"outcome", row.ok                                ? "conforming"
                                        : VariantRowOutcome(row) == "NOT RUN" ? "not run"
                                                                              : "accused"},
                            {"explanation", row.explanation}};
    auto run_entry = [](const SuiteRun& run) {
      nlohmann::json result = {{"conformant", run.report->cases_conform}};
      result["non_pass"] = nlohmann::json::object();
      for (const auto& requirement : run.report->requirements) {
        if (requirement.verdict == Verdict::kPass) continue;
        result["non_pass"][requirement.id] = std::string(report::ToString(requirement.verdict));
      }
      return result;
    };
    if (row.plain.report) entry["plain"] = run_entry(row.plain);
    if (row.explored_run && row.explored.report) entry["explored"] = run_entry(row.explored);
    json["variants"].push_back(entry);
  }
  const std::filesystem::path dir = base.report_dir;
  for (const std::string& problem :
       {WriteFile(dir / "mutants.json", json.dump(2) + '\n'),
        WriteFile(dir / "mutants.md",
                  "# Mutant kill matrix\n\n```\n" + matrix.str() + "```\n\n" + legend + '\n' +
                      summary.str() +
                      (variant_rows.empty()
                           ? std::string()
                           : "\n# Conforming variants\n\nEach links the reference with one "
                             "lawful reading of a sentence of the pages (mutants.json, "
                             "\"variants\"); each must be CONFORMANT.\n\n```\n" +
                                 variant_table.str() + "```\n"))}) {
    if (!problem.empty()) unwritten.push_back("the matrix: " + problem);
  }
  // A report that could not be written fails the command like a run that could not be made.
  for (const std::string& problem : unwritten) out << "  report NOT written: " << problem << '\n';

  if (run_failed || !unwritten.empty()) return kExitError;
  return (killed == mutants && rows.front().ok && variants_conforming == variant_count)
             ? kExitConformant
             : kExitNotConformant;
}

}  // namespace miconform::runner

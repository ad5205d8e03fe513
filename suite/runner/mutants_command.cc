// mutants_command.cc - the kill matrix of mutants_command.h.
#include "mutants_command.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <fstream>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "run_command.h"

namespace miconform::runner {
namespace {

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

struct Row {
  std::string target;
  bool is_reference = false;
  const Mutant* mutant = nullptr;
  SuiteRun run;
  bool ok = false;  // killed (mutant) or clean (reference)
  std::string explanation;
  std::optional<int> schedules_to_kill;
  std::string killing_case;
};

}  // namespace

KillJudgement JudgeKill(const Mutant& mutant, const report::Report& run) {
  KillJudgement judgement;
  for (const std::string& id : mutant.breaks) {
    const auto* requirement = FindRequirementResult(run, id);
    const Verdict verdict = requirement ? requirement->verdict : Verdict::kError;
    const bool kills = mutant.lenient ? verdict == Verdict::kDeviation : IsNonConformant(verdict);
    if (!judgement.explanation.empty()) judgement.explanation += ", ";
    judgement.explanation += id + " " +
                             (requirement ? std::string(report::ToString(verdict)) : "not run");
    if (!kills) {
      judgement.explanation += mutant.lenient ? " (expected DEVIATION)" : " (expected FAIL, HANG or CRASH)";
    }
    judgement.killed = judgement.killed || kills;
    if (!kills) continue;
    for (const auto& result : run.cases) {
      const bool names = std::count(result.requirement_ids.begin(), result.requirement_ids.end(), id);
      const bool breaks = mutant.lenient ? result.verdict == Verdict::kDeviation
                                         : IsNonConformant(result.verdict);
      if (!names || !breaks) continue;
      const int schedules = result.schedules_to_failure.value_or(0);
      if (!judgement.schedules_to_kill || schedules < *judgement.schedules_to_kill) {
        judgement.schedules_to_kill = schedules;
        judgement.killing_case = result.id;
      }
    }
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
  return why->empty() && run.conformant;
}

int MutantsCommand(const RunOptions& base, const std::string& self, std::ostream& out) {
  if (const std::string problem = TimingOf(base).Check(); !problem.empty()) {
    out << "miconform: " << problem << "\n";
    return 2;
  }
  std::vector<Row> rows;
  rows.push_back({"reference", true, nullptr, {}, false, {}, {}, {}});
  for (const Mutant& mutant : Mutants()) {
    rows.push_back({"mutant:" + mutant.name, false, &mutant, {}, false, {}, {}, {}});
  }

  bool run_failed = false;
  bool interrupted = false;
  for (Row& row : rows) {
    if (interrupted) {
      row.explanation = "not run: the matrix was interrupted";
      continue;
    }
    RunOptions options = base;
    options.target = row.target;
    options.report_dir = (std::filesystem::path(base.report_dir) / DirectoryName(row.target)).string();
    options.progress = false;
    // Schedules cost time; they are explored for the reference (it must stay clean under them)
    // and for the mutants whose fault shows only under some interleavings - for those only when
    // the plain run did not already kill them (that kill took 0 schedules).
    const bool timing = row.mutant != nullptr && row.mutant->timing;
    options.explore = base.explore && row.is_reference;
    row.run = RunSuite(options, self);
    if (timing && base.explore && !row.run.interrupted && row.run.report &&
        !JudgeKill(*row.mutant, *row.run.report).killed) {
      options.explore = true;
      row.run = RunSuite(options, self);
    }
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
      row.ok = judgement.killed;
      row.explanation = judgement.explanation;
      row.schedules_to_kill = judgement.schedules_to_kill;
      row.killing_case = judgement.killing_case;
    }
    if (base.progress) {
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
  for (const std::string& id : columns) matrix << "  " << std::setw(static_cast<int>(id.size())) << id;
  matrix << "  outcome\n";
  int mutants = 0;
  int killed = 0;
  for (const Row& row : rows) {
    matrix << std::setw(static_cast<int>(name_width)) << row.target;
    for (const std::string& id : columns) {
      std::string cell = row.run.report ? Cell(*row.run.report, id) : "-";
      if (row.mutant && std::count(row.mutant->breaks.begin(), row.mutant->breaks.end(), id)) {
        cell = "[" + cell + "]";
      }
      matrix << "  " << std::setw(static_cast<int>(id.size())) << cell;
    }
    matrix << "  " << (!row.run.report ? "NOT RUN"
                       : row.is_reference ? (row.ok ? "CLEAN" : "NOT CLEAN")
                                          : (row.ok ? "KILLED" : "SURVIVED"))
           << '\n';
    if (!row.is_reference) {
      ++mutants;
      killed += row.ok ? 1 : 0;
    }
  }
  const double score = mutants ? 100.0 * killed / mutants : 0.0;
  std::ostringstream summary;
  summary << "mutation score: " << killed << "/" << mutants << " killed (" << std::fixed
          << std::setprecision(1) << score << "%); reference "
          << (rows.front().ok ? "clean" : "NOT clean") << '\n';
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

  out << matrix.str() << legend << summary.str();
  for (const Row& row : rows) {
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
  std::error_code ignored;
  std::filesystem::create_directories(base.report_dir, ignored);
  std::ofstream(std::filesystem::path(base.report_dir) / "mutants.json") << json.dump(2) << '\n';
  std::ofstream(std::filesystem::path(base.report_dir) / "mutants.md")
      << "# Mutant kill matrix\n\n```\n" << matrix.str() << "```\n\n" << legend << '\n'
      << summary.str();

  if (run_failed) return kExitError;
  return (killed == mutants && rows.front().ok) ? kExitConformant : kExitNotConformant;
}

}  // namespace miconform::runner

// verify_command.cc - `miconform verify` (verify_command.h).
#include "verify_command.h"

#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <vector>

#include "miconform/report/digest.h"
#include "miconform/report/journal.h"
#include "miconform/report/writers.h"
#include "run_command.h"

namespace miconform::runner {
namespace {

namespace fs = std::filesystem;

template <class Named>
std::map<std::string, report::Verdict> VerdictsById(const std::vector<Named>& list) {
  std::map<std::string, report::Verdict> out;
  for (const Named& item : list) out[item.id] = item.verdict;
  return out;
}

// What report.json says that the journal does not: the claim and each verdict, by ID.
void CompareWithJournal(const report::Report& written, const report::Report& rebuilt,
                        std::vector<std::string>* problems) {
  if (report::ClaimOf(written) != report::ClaimOf(rebuilt)) {
    problems->push_back("report.json claims " + report::ClaimOf(written) + "; its journal gives " +
                        report::ClaimOf(rebuilt));
  }
  if (written.run.target_sha256 != rebuilt.run.target_sha256) {
    problems->push_back("report.json names the target SHA-256 " + written.run.target_sha256 +
                        "; its journal " + rebuilt.run.target_sha256);
  }
  auto compare = [problems](const char* what, const std::map<std::string, report::Verdict>& a,
                            const std::map<std::string, report::Verdict>& b) {
    for (const auto& [id, verdict] : b) {
      const auto found = a.find(id);
      if (found == a.end()) {
        problems->push_back(std::string("report.json has no ") + what + " " + id +
                            "; its journal judged it " + std::string(report::ToString(verdict)));
      } else if (found->second != verdict) {
        problems->push_back(std::string("report.json says ") + what + " " + id + " is " +
                            std::string(report::ToString(found->second)) + "; its journal says " +
                            std::string(report::ToString(verdict)));
      }
    }
    for (const auto& [id, verdict] : a) {
      if (!b.count(id)) {
        problems->push_back(std::string("report.json has ") + what + " " + id +
                            ", which its journal does not");
      }
    }
  };
  compare("case", VerdictsById(written.cases), VerdictsById(rebuilt.cases));
  compare("requirement", VerdictsById(written.requirements), VerdictsById(rebuilt.requirements));
}

}  // namespace

int VerifyCommand(const std::string& report_dir, const std::string& library, std::ostream& out) {
  const fs::path dir(report_dir);
  std::error_code error;
  if (!fs::is_directory(dir, error)) {
    out << "miconform: verify: " << report_dir << " is not a report directory\n";
    return kExitError;
  }
  std::vector<std::string> problems = report::CheckManifest(dir);

  report::Report rebuilt;
  try {
    rebuilt = report::Journal::Replay(dir / "journal.jsonl");
  } catch (const std::exception& failure) {
    problems.push_back(failure.what());
  }
  const bool replayed = !rebuilt.run.suite_version.empty();
  if (replayed) {
    if (const std::string unknown = FinishReport(&rebuilt); !unknown.empty()) {
      problems.push_back("the journal holds case '" + unknown + "', which this suite (" +
                         MICONFORM_VERSION + ") does not have");
    }
    for (const std::string& gap : rebuilt.claim_gaps) {
      problems.push_back("not a conformance claim: " + gap);
    }
    std::ifstream json(dir / "report.json");
    try {
      if (!json) throw std::runtime_error("cannot read " + (dir / "report.json").string());
      CompareWithJournal(report::ReadJson(json), rebuilt, &problems);
    } catch (const std::exception& failure) {
      problems.push_back(std::string("report.json: ") + failure.what());
    }
  }

  if (!library.empty()) {
    std::string digest;
    try {
      digest = report::Sha256OfFile(library);
    } catch (const std::exception& failure) {
      out << "miconform: verify: --library: " << failure.what() << '\n';
      return kExitError;
    }
    if (replayed && digest != rebuilt.run.target_sha256) {
      problems.push_back("the run tested another library: " + library + " has SHA-256 " + digest +
                         ", the run's target " + rebuilt.run.target_sha256);
    }
  }

  if (!problems.empty()) {
    out << "miconform: verify: " << report_dir << " does not hold a verifiable conformance run ("
        << problems.size() << (problems.size() == 1 ? " problem" : " problems") << "):\n";
    for (const std::string& problem : problems) out << "  - " << problem << '\n';
    return kExitNotConformant;
  }
  out << "miconform: verify: " << report_dir << ": a complete run of suite " << MICONFORM_VERSION
      << " against " << rebuilt.run.target << " (SHA-256 " << rebuilt.run.target_sha256 << "), "
      << rebuilt.cases.size()
      << " cases, every file as the run wrote it: " << report::ClaimOf(rebuilt) << '\n';
  if (library.empty()) {
    out << "  the target library was not compared (give --library FILE to check it is the one "
           "tested)\n";
  }
  return rebuilt.conformant ? kExitConformant : kExitNotConformant;
}

}  // namespace miconform::runner

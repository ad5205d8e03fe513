// report_diff.cc - Diff and WriteDiff (report_diff.h).
#include "miconform/report/report_diff.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "text_escape.h"

namespace miconform::report {
namespace {

std::string Word(const std::optional<Verdict>& verdict) {
  return verdict ? std::string(ToString(*verdict)) : std::string("(not run)");
}

template <class Named>
std::vector<VerdictChange> Changes(const std::vector<Named>& before,
                                   const std::vector<Named>& after) {
  std::map<std::string, Verdict> old_verdicts;
  for (const Named& item : before) old_verdicts[item.id] = item.verdict;
  std::set<std::string> seen;
  std::vector<VerdictChange> out;
  for (const Named& item : after) {
    seen.insert(item.id);
    const auto found = old_verdicts.find(item.id);
    if (found == old_verdicts.end()) {
      out.push_back({item.id, std::nullopt, item.verdict});
    } else if (found->second != item.verdict) {
      out.push_back({item.id, found->second, item.verdict});
    }
  }
  for (const Named& item : before) {
    if (!seen.count(item.id)) out.push_back({item.id, item.verdict, std::nullopt});
  }
  return out;
}

void Fact(std::vector<std::string>* out, const std::string& name, const std::string& before,
          const std::string& after) {
  if (before != after) out->push_back(name + ": " + before + " -> " + after);
}

// A line for a terminal: report.json is read from anywhere, so its control characters (escape
// sequences among them) are shown as '?', never sent to the terminal.
std::string Printable(const std::string& line) {
  std::string out = line;
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

void Section(std::ostream& out, const std::string& title, const std::vector<std::string>& lines) {
  if (lines.empty()) return;
  out << title << " (" << lines.size() << "):\n";
  for (const std::string& line : lines) out << "  " << Printable(line) << "\n";
}

}  // namespace

bool VerdictChange::IsNewFailure() const {
  return after && !IsConformant(*after) && (!before || IsConformant(*before));
}

bool VerdictChange::IsFixed() const {
  return before && !IsConformant(*before) && after && IsConformant(*after);
}

ReportDiff Diff(const Report& before, const Report& after, const DiffOptions& options) {
  ReportDiff diff;
  const RunInfo& a = before.run;
  const RunInfo& b = after.run;
  Fact(&diff.run_changes, "claim", OutcomeOf(before), OutcomeOf(after));
  Fact(&diff.run_changes, "suite version", a.suite_version, b.suite_version);
  Fact(&diff.run_changes, "target", a.target, b.target);
  Fact(&diff.run_changes, "target library", a.target_library, b.target_library);
  Fact(&diff.run_changes, "target SHA-256", a.target_sha256, b.target_sha256);
  std::set<std::string> names;
  for (const auto& [name, value] : a.options) names.insert(name);
  for (const auto& [name, value] : b.options) names.insert(name);
  for (const std::string& name : names) {
    const auto in_a = a.options.find(name);
    const auto in_b = b.options.find(name);
    Fact(&diff.run_changes, "option " + name,
         in_a == a.options.end() ? "(not given)" : in_a->second,
         in_b == b.options.end() ? "(not given)" : in_b->second);
  }
  diff.requirements = Changes(before.requirements, after.requirements);
  diff.cases = Changes(before.cases, after.cases);
  std::map<std::string, double> old_times;
  for (const CaseResult& result : before.cases) old_times[result.id] = result.duration_s;
  for (const CaseResult& result : after.cases) {
    const auto found = old_times.find(result.id);
    if (found == old_times.end()) continue;
    const double was = found->second;
    const double now = result.duration_s;
    if (!std::isfinite(was) || !std::isfinite(now) || was < 0 || now < 0) continue;
    const double larger = std::max(was, now);
    const double smaller = std::min(was, now);
    if (larger - smaller >= options.timing_min_s && larger > smaller * options.timing_ratio) {
      diff.timing.push_back({result.id, was, now});
    }
  }
  return diff;
}

void WriteDiff(const ReportDiff& diff, std::ostream& out) {
  Section(out, "run", diff.run_changes);
  std::vector<std::string> new_failures;
  std::vector<std::string> fixed;
  std::vector<std::string> other;
  auto sort_into = [&](const std::vector<VerdictChange>& changes, const char* kind) {
    for (const VerdictChange& change : changes) {
      const std::string line = std::string(kind) + " " + change.id + ": " + Word(change.before) +
                               " -> " + Word(change.after);
      (change.IsNewFailure() ? new_failures : change.IsFixed() ? fixed : other).push_back(line);
    }
  };
  sort_into(diff.requirements, "requirement");
  sort_into(diff.cases, "case");
  Section(out, "new failures", new_failures);
  Section(out, "fixed", fixed);
  Section(out, "other verdict changes", other);
  std::vector<std::string> timing;
  for (const TimingChange& change : diff.timing) {
    timing.push_back("case " + change.id + ": " + text::Seconds(change.before_s) + " s -> " +
                     text::Seconds(change.after_s) + " s");
  }
  Section(out, "timing outliers", timing);
  if (!diff.VerdictsChanged()) out << "no verdict changed\n";
}

}  // namespace miconform::report

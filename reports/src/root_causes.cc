// root_causes.cc - the failures of a run grouped by the facts they share (root_causes.h).
#include "miconform/report/root_causes.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <optional>
#include <set>

namespace miconform::report {
namespace {

// "in MI_Session_Close": the calls in flight, else the last phase when it entered a call, else
// the phase itself.
std::string Where(const CaseResult& result) {
  if (!result.calls_in_flight.empty()) {
    std::string calls;
    for (const std::string& call : result.calls_in_flight)
      calls += (calls.empty() ? "" : ", ") + call;
    return "in " + calls;
  }
  constexpr std::string_view kEntered = "entered ";
  const std::string& phase = result.phase;
  if (phase.rfind(kEntered, 0) == 0) {
    const std::string call = phase.substr(kEntered.size());
    return "in " + call.substr(0, call.find(' '));
  }
  return phase.empty() ? std::string("before its first phase") : "in phase '" + phase + "'";
}

// A transport state seen after a close call, split: the calls made and the state.
struct AfterClose {
  std::string calls;
  std::string state;
};
std::optional<AfterClose> SplitAfterClose(const std::string& text) {
  if (text.rfind(kTransportAfter, 0) != 0) return std::nullopt;
  const std::size_t called = text.find(kTransportCalled);
  if (called == std::string::npos) return std::nullopt;
  return AfterClose{text.substr(kTransportAfter.size(), called - kTransportAfter.size()),
                    text.substr(called + kTransportCalled.size())};
}

// Whether a transport state links failures: seen after a close call, with unfinished business.
bool Unfinished(const std::string& state) {
  return !state.empty() && state != kTransportSettled && state != kTransportEmpty;
}

struct Fact {
  std::string text;
  bool links = true;  // joins the cases that show it
};

// The facts of one case that does not conform (root_causes.h says which).
std::vector<Fact> FactsOf(const CaseResult& result) {
  if (result.verdict == Verdict::kHang) return {{"stopped responding " + Where(result)}};
  if (result.verdict == Verdict::kCrash) return {{"crashed " + Where(result)}};
  std::vector<Fact> facts;
  for (const Finding& finding : result.findings) {
    if (finding.verdict != Verdict::kFail) continue;
    if (finding.requirement_id.empty()) {
      facts.push_back({"the first failed check judges no requirement", false});
    } else {
      facts.push_back({"the first failed check judges " + finding.requirement_id});
    }
    break;
  }
  if (const auto after = SplitAfterClose(result.evidence.transport_at_failure);
      after && Unfinished(after->state)) {
    facts.push_back({"when the first check failed, " + after->calls +
                     " had been called and the scripted handler had seen " + after->state});
  }
  if (facts.empty()) facts.push_back({"failed without a failed check", false});
  return facts;
}

// Union-find over the failing cases: a fact joins every case that shows it.
struct Groups {
  std::vector<std::size_t> parent;
  std::size_t Find(std::size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  }
  void Join(std::size_t a, std::size_t b) {
    a = Find(a);
    b = Find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);  // the earlier case stays the root
  }
};

}  // namespace

std::vector<RootCause> RootCauses(const Report& report) {
  std::vector<const CaseResult*> failing;
  std::vector<std::vector<Fact>> facts;
  for (const CaseResult& result : report.cases) {
    if (!IsNonConformant(result.verdict)) continue;
    failing.push_back(&result);
    facts.push_back(FactsOf(result));
  }
  Groups groups{std::vector<std::size_t>(failing.size())};
  std::iota(groups.parent.begin(), groups.parent.end(), 0);
  std::map<std::string, std::size_t> first_with;  // fact -> first case showing it
  for (std::size_t i = 0; i < failing.size(); ++i) {
    for (const Fact& fact : facts[i]) {
      if (!fact.links) continue;
      const auto [found, inserted] = first_with.emplace(fact.text, i);
      if (!inserted) groups.Join(found->second, i);
    }
  }

  std::vector<RootCause> causes;
  std::map<std::size_t, std::size_t> cause_of_root;
  std::vector<std::map<std::string, std::size_t>> fact_counts;
  std::vector<std::vector<std::string>> fact_order;  // first appearance, for stable ties
  std::vector<std::set<std::string>> charged;
  for (std::size_t i = 0; i < failing.size(); ++i) {
    const auto [found, inserted] = cause_of_root.emplace(groups.Find(i), causes.size());
    if (inserted) {
      causes.emplace_back();
      fact_counts.emplace_back();
      fact_order.emplace_back();
      charged.emplace_back();
    }
    const std::size_t c = found->second;
    causes[c].case_ids.push_back(failing[i]->id);
    for (const Fact& fact : facts[i]) {
      if (fact_counts[c][fact.text]++ == 0) fact_order[c].push_back(fact.text);
    }
    for (const std::string& id : ChargedRequirements(report, *failing[i])) charged[c].insert(id);
  }
  for (std::size_t c = 0; c < causes.size(); ++c) {
    for (const std::string& fact : fact_order[c])
      causes[c].shared.push_back({fact, fact_counts[c][fact]});
    std::stable_sort(causes[c].shared.begin(), causes[c].shared.end(),
                     [](const SharedFact& a, const SharedFact& b) { return a.cases > b.cases; });
    // Requirements in the report's order, then any it does not list (a filtered run), by ID.
    for (const RequirementResult& requirement : report.requirements) {
      if (charged[c].erase(requirement.id) > 0) causes[c].requirement_ids.push_back(requirement.id);
    }
    causes[c].requirement_ids.insert(causes[c].requirement_ids.end(), charged[c].begin(),
                                     charged[c].end());
  }
  std::stable_sort(causes.begin(), causes.end(), [](const RootCause& a, const RootCause& b) {
    return a.case_ids.size() > b.case_ids.size();
  });
  return causes;
}

}  // namespace miconform::report

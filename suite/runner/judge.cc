// judge.cc - the verdict rules of judge.h.
#include "judge.h"

#include <algorithm>
#include <csignal>
#include <cstring>
#include <optional>
#include <string_view>

#include "phase_channel.h"

namespace miconform::runner {
namespace {

using report::Verdict;

// An integration line's JSON object; nothing when it is not one.
std::optional<report::IntegrationFinding> ParseIntegrationFinding(const std::string& text) {
  const nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!value.is_object()) return std::nullopt;
  const auto kind = value.find("kind");
  const auto what = value.find("what");
  const auto calls = value.find("calls");
  const auto occurrences = value.find("occurrences");
  if (kind == value.end() || !kind->is_string() || kind->get<std::string>().empty() ||
      what == value.end() || !what->is_string() || calls == value.end() || !calls->is_string() ||
      occurrences == value.end() || !occurrences->is_number_unsigned()) {
    return std::nullopt;
  }
  return report::IntegrationFinding{kind->get<std::string>(), what->get<std::string>(),
                                    calls->get<std::string>(), occurrences->get<std::uint32_t>()};
}

// Reads every channel line once: evidence and messages into `result`, the facts the verdict is
// judged from into `facts`.
void CollectEvidence(const watchdog::Outcome& outcome, report::CaseResult& result,
                     report::CaseFacts* facts) {
  using Kind = watchdog::ChannelLine::Kind;
  for (const std::string& line : outcome.lines) {
    const watchdog::ChannelLine read = watchdog::ReadChannelLine(line);
    switch (read.kind) {
      case Kind::kArm:
        facts->armed_requirement = read.requirement_id;
        facts->armed_call = read.call;
        result.evidence.trace.emplace_back(line);
        break;
      case Kind::kDisarm:
        facts->armed_requirement.clear();
        facts->armed_call.clear();
        result.evidence.trace.emplace_back(line);
        break;
      case Kind::kPhase:
      case Kind::kTrace: result.evidence.trace.emplace_back(line); break;
      case Kind::kFired: result.evidence.fired.push_back(read.text); break;
      case Kind::kMessage: result.messages.push_back(read.text); break;
      case Kind::kBackend:
        result.evidence.backend =
            nlohmann::json::parse(read.text, nullptr, /*allow_exceptions=*/false);
        if (result.evidence.backend.is_discarded()) result.evidence.backend = read.text;
        break;
      case Kind::kTransport:
        if (result.evidence.transport_at_failure.empty())
          result.evidence.transport_at_failure = read.text;
        break;
      case Kind::kIntegration:
        if (auto finding = ParseIntegrationFinding(read.text)) {
          result.integration_findings.push_back(std::move(*finding));
        } else {
          result.messages.push_back("the case wrote a malformed integration finding '" + line +
                                    "' (a harness fault)");
        }
        break;
      case Kind::kFinding: {
        const auto verdict = report::ParseVerdict(read.verdict);
        if (!verdict) {
          result.messages.push_back("the case wrote a malformed finding '" + line +
                                    "' (a harness fault)");
          break;
        }
        result.findings.push_back(report::Finding{*verdict, read.requirement_id, read.text});
        result.messages.push_back(std::string(report::ToString(*verdict)) + " " +
                                  (read.requirement_id.empty()
                                       ? std::string("(no requirement named)")
                                       : read.requirement_id) +
                                  ": " + read.text);
        break;
      }
      case Kind::kObservation:
        result.observations.push_back(report::Observation{read.requirement_id, read.text});
        break;
      case Kind::kSkipped:
        facts->skipped = true;
        result.messages.push_back("not supported: " + read.text);
        break;
      case Kind::kUnfired: facts->unfired.push_back(read.text); break;
      case Kind::kHarnessError:
        facts->harness_errors.push_back(read.text);
        result.messages.push_back("harness error: " + read.text);
        break;
      case Kind::kEnd: facts->ran_to_end = true; break;
      case Kind::kVerdict:  // only the runner's probe and bench children write verdicts
      case Kind::kWait:
      case Kind::kWoke: break;
      case Kind::kMalformed:
        if (line.rfind("finding ", 0) == 0) {
          result.messages.push_back("the case wrote a malformed finding '" + line +
                                    "' (a harness fault)");
        }
        break;
    }
  }
  result.phase = outcome.last_phase;
  result.calls_in_flight = outcome.calls_in_flight;
  result.duration_s = outcome.duration_s;
  result.evidence.stacks = outcome.stacks;
  result.evidence.thread_states = outcome.thread_states;
  if (!outcome.hang_proof.empty()) {
    result.evidence.thread_states =
        "[how the watchdog decided] " + outcome.hang_proof + "\n" + outcome.thread_states;
  }
  result.evidence.output = outcome.output;
}

std::string Join(const std::vector<std::string>& items) {
  std::string joined;
  for (const std::string& item : items) joined += (joined.empty() ? "" : ", ") + item;
  return joined;
}

// How the hang was decided: the proof, or the timer and why no proof held (first line of the
// watchdog's account; the whole account goes to the thread states).
std::string HowDecided(const watchdog::Outcome& outcome) {
  if (outcome.hang_proven)
    return "proven: every thread parked in a wait only the process could end";
  const std::string first = outcome.hang_proof.substr(0, outcome.hang_proof.find('\n'));
  return "by timer: " + (first.empty() ? std::string("no progress") : first);
}

void JudgeTimeout(const watchdog::Outcome& outcome, const RequirementLookup& requirements,
                  report::CaseResult& result) {
  const std::string where = !outcome.calls_in_flight.empty() ? "in " + Join(outcome.calls_in_flight)
                            : outcome.last_phase.empty()     ? std::string("before its first phase")
                                                         : "in phase '" + outcome.last_phase + "'";
  const std::string how = HowDecided(outcome);
  report::Level level = report::Level::kMust;
  std::string text;
  if (outcome.armed_at_timeout && !requirements.Find(outcome.armed_requirement, &level, &text)) {
    result.verdict = Verdict::kError;
    result.messages.push_back("the case armed for unknown requirement '" +
                              outcome.armed_requirement + "' (a harness fault)");
    return;
  }
  if (outcome.calls_in_flight.empty()) {
    // No call of the case into the target was under way: the process stopped in the suite's own
    // code (a wait of the harness, the scripted handler), so nothing charges the target.
    result.verdict = Verdict::kInconclusive;
    result.messages.push_back("the case stopped " + where + " (" + how +
                              ") with no call into the target in flight: the hang cannot be "
                              "attributed to the target");
    return;
  }
  if (!outcome.armed_at_timeout) {
    result.verdict = Verdict::kHang;
    result.messages.push_back("stopped responding " + where + " (" + how +
                              "), where no document says the call may hang");
    return;
  }
  if (level != report::Level::kStopsResponding && level != report::Level::kMayDeadlock) {
    result.verdict = Verdict::kHang;
    result.messages.push_back(
        "stopped responding " + where + " (" + how + "); " + outcome.armed_requirement + " is a " +
        std::string(report::ToString(level)) + " requirement, so no document excuses the hang");
    return;
  }
  bool armed_call_blocked = false;
  for (const std::string& call : outcome.calls_in_flight) {
    if (call == outcome.armed_call) armed_call_blocked = true;
  }
  if (!armed_call_blocked) {
    // The document names one call; a process stuck anywhere else is not that outcome.
    result.verdict = Verdict::kHang;
    result.messages.push_back("stopped responding " + where + " (" + how +
                              "); the case was armed for " + outcome.armed_call + " (" +
                              outcome.armed_requirement + "), which was not the call that blocked");
    return;
  }
  result.verdict = Verdict::kDocumentedHang;
  const std::string observed = "documented hang observed in " + outcome.armed_call + " (" + how +
                               ") (" + outcome.armed_requirement + ": " + text + ")";
  result.messages.push_back(observed);
  result.findings.push_back(
      report::Finding{Verdict::kDocumentedHang, outcome.armed_requirement, observed});
}

// A crash inside the call the case had armed for a documented outcome is charged to that
// requirement alone, when the case names it: the process ended in the call the document speaks
// of, and the case's other requirements were not reached (report.h, end_charged_to).
void ChargeCrashToArmedCall(const report::CaseFacts& facts, const watchdog::Outcome& outcome,
                            report::CaseResult& result) {
  if (facts.armed_requirement.empty()) return;
  const auto& calls = outcome.calls_in_flight;
  if (std::find(calls.begin(), calls.end(), facts.armed_call) == calls.end()) return;
  const auto& named = result.requirement_ids;
  if (std::find(named.begin(), named.end(), facts.armed_requirement) == named.end()) return;
  result.end_charged_to = {facts.armed_requirement};
  result.messages.push_back("it ended inside " + facts.armed_call +
                            ", the call the case had armed for " + facts.armed_requirement +
                            ": charged to " + facts.armed_requirement +
                            " alone (the case's other requirements were not reached)");
}

}  // namespace

std::string SignalName(int signal) {
  const char* abbrev = sigabbrev_np(signal);
  return (abbrev ? "SIG" + std::string(abbrev) : std::string("signal")) + " (" +
         std::to_string(signal) + ")";
}

report::CaseResult Judge(const CaseDeclaration& declaration, const watchdog::Outcome& outcome,
                         const RequirementLookup& requirements) {
  report::CaseResult result;
  result.id = declaration.id;
  result.requirement_ids = declaration.requirements;
  report::CaseFacts facts;
  CollectEvidence(outcome, result, &facts);
  facts.findings = result.findings;

  for (const std::string& signal : outcome.signals_to_runner) {
    result.messages.push_back("the case process (or a process it started) sent " + signal +
                              " to the runner; the runner ignored it");
  }

  using End = watchdog::Outcome::End;
  if (outcome.foreign_channel_bytes > 0 && outcome.end != End::kLaunchFailed &&
      outcome.end != End::kInterrupted) {
    // Only the harness frames lines with this child's token: the target wrote on a descriptor it
    // does not own, so nothing the case reported can be trusted.
    result.verdict = Verdict::kCrash;
    result.messages.push_back(
        "the target wrote " + std::to_string(outcome.foreign_channel_bytes) +
        " bytes on the harness's phase channel that the harness did not write (a descriptor the "
        "target does not own), so the case's own account cannot be trusted; the first of them: '" +
        outcome.foreign_channel_sample + "'");
    return result;
  }
  switch (outcome.end) {
    case End::kLaunchFailed:
      result.verdict = Verdict::kError;
      result.messages.push_back("the case process could not be started: " + outcome.launch_error);
      return result;
    case End::kInterrupted:
      result.verdict = Verdict::kError;
      result.messages.push_back("the run was interrupted before this case ended");
      return result;
    case End::kTimedOut: JudgeTimeout(outcome, requirements, result); return result;
    case End::kOverBudget:
      result.verdict = Verdict::kInconclusive;
      result.messages.push_back(
          "too slow to judge: the case was still making progress when its budget ran out (" +
          outcome.progress + "); a slow target is not a hung one (raise --budget to judge it)");
      return result;
    case End::kSignaled:
      result.verdict = Verdict::kCrash;
      result.messages.push_back(
          "the case process was killed by " + SignalName(outcome.signal) +
          (outcome.last_phase.empty() ? std::string() : " in phase '" + outcome.last_phase + "'"));
      ChargeCrashToArmedCall(facts, outcome, result);
      return result;
    case End::kExited: break;
  }
  if (!facts.ran_to_end && facts.harness_errors.empty()) {
    result.verdict = Verdict::kCrash;
    result.messages.push_back(
        "the case process ended (exit status " + std::to_string(outcome.exit_code) +
        ") without reaching its end" +
        (outcome.last_phase.empty() ? std::string() : ", in phase '" + outcome.last_phase + "'"));
    ChargeCrashToArmedCall(facts, outcome, result);
    return result;
  }
  if (outcome.exit_code != 0) {
    result.verdict = Verdict::kCrash;
    result.messages.push_back("the case process exited with status " +
                              std::to_string(outcome.exit_code) + " after reaching its end");
    return result;
  }
  std::vector<std::string> problems;
  result.verdict = report::CaseVerdictOfFacts(
      facts,
      [&requirements](const std::string& id, report::Level* level) {
        std::string text;
        return requirements.Find(id, level, &text);
      },
      &problems);
  for (const std::string& problem : problems) result.messages.push_back(problem);
  return result;
}

}  // namespace miconform::runner

// json_model.cc - conversion of RunInfo, RequirementResult and CaseResult to and from JSON.
#include "json_model.h"

#include <cmath>
#include <optional>
#include <stdexcept>

#include "miconform/report/expectations.h"

namespace miconform::report::json_model {
namespace {

using nlohmann::json;
using ordered = nlohmann::ordered_json;

std::string Path(const std::string& where, const char* key) {
  return where.empty() ? std::string(key) : where + "." + key;
}

[[noreturn]] void Fail(const std::string& path, const std::string& problem) {
  throw std::runtime_error(path + ": " + problem);
}

void RequireObject(const json& value, const std::string& where) {
  if (!value.is_object())
    Fail(where, std::string("expected an object, found ") + value.type_name());
}

std::vector<std::string> StringList(const json& object, const char* key, const std::string& where) {
  const json& list = Field(object, key, where);
  const std::string path = Path(where, key);
  if (!list.is_array()) Fail(path, std::string("expected an array, found ") + list.type_name());
  std::vector<std::string> out;
  out.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_string()) {
      Fail(path + "[" + std::to_string(i) + "]",
           std::string("expected a string, found ") + list[i].type_name());
    }
    out.push_back(list[i].get<std::string>());
  }
  return out;
}

// Evidence members are optional on reading: tools that merge or shrink reports may drop them.
std::string OptionalString(const json& object, const char* key, const std::string& where) {
  return object.contains(key) ? StringField(object, key, where) : std::string();
}

std::vector<std::string> OptionalStringList(const json& object, const char* key,
                                            const std::string& where) {
  return object.contains(key) ? StringList(object, key, where) : std::vector<std::string>();
}

// An optional array of objects under `key`: `read(item, item_path)` for each, in order. Absent is
// an empty list; anything but an array of objects fails, naming the path.
template <typename Read>
void ForEachObjectIn(const json& object, const char* key, const std::string& where, Read read) {
  if (!object.contains(key)) return;
  const std::string path = Path(where, key);
  const json& list = object.at(key);
  if (!list.is_array()) Fail(path, std::string("expected an array, found ") + list.type_name());
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string item = path + "[" + std::to_string(i) + "]";
    RequireObject(list[i], item);
    read(list[i], item);
  }
}

Verdict VerdictField(const json& object, const std::string& where) {
  const std::string word = StringField(object, "verdict", where);
  const auto verdict = ParseVerdict(word);
  if (!verdict) Fail(Path(where, "verdict"), "unknown verdict \"" + word + "\"");
  return *verdict;
}

// A result's mark against the expectations: {"outcome": "...", "entries": [...]}.
ordered MarkJson(const ExpectationMark& mark) {
  return ordered{{"outcome", std::string(ToString(mark.outcome))}, {"entries", mark.entries}};
}

std::optional<ExpectationMark> OptionalMark(const json& object, const std::string& where) {
  if (!object.contains("expectation")) return std::nullopt;
  const std::string path = Path(where, "expectation");
  const json& value = object.at("expectation");
  RequireObject(value, path);
  ExpectationMark mark;
  const std::string word = StringField(value, "outcome", path);
  const auto outcome = ParseExpected(word);
  if (!outcome) Fail(Path(path, "outcome"), "unknown outcome \"" + word + "\"");
  mark.outcome = *outcome;
  mark.entries = StringList(value, "entries", path);
  return mark;
}

}  // namespace

const json& Field(const json& object, const char* key, const std::string& where) {
  RequireObject(object, where.empty() ? std::string("(top level)") : where);
  const auto found = object.find(key);
  if (found == object.end()) Fail(Path(where, key), "missing");
  return *found;
}

std::string StringField(const json& object, const char* key, const std::string& where) {
  const json& value = Field(object, key, where);
  if (!value.is_string()) {
    Fail(Path(where, key), std::string("expected a string, found ") + value.type_name());
  }
  return value.get<std::string>();
}

std::string Dump(const nlohmann::ordered_json& value, int indent) {
  return value.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

ordered ToJson(const RunInfo& run) {
  ordered options = ordered::object();
  for (const auto& [name, value] : run.options) options[name] = value;
  return ordered{{"suite_version", run.suite_version},
                 {"target", run.target},
                 {"target_library", run.target_library},
                 {"target_sha256", run.target_sha256},
                 {"options", std::move(options)},
                 {"started", run.started},
                 {"ended", run.ended},
                 {"host", run.host}};
}

ordered ToJson(const RequirementResult& requirement) {
  ordered value{{"id", requirement.id},
                {"page", requirement.page},
                {"section", requirement.section},
                {"text", requirement.text},
                {"level", std::string(ToString(requirement.level))},
                {"verdict", std::string(ToString(requirement.verdict))},
                {"cases", requirement.case_ids}};
  if (requirement.expectation) value["expectation"] = MarkJson(*requirement.expectation);
  return value;
}

ordered ToJson(const CaseResult& result) {
  const Evidence& evidence = result.evidence;
  // JSON has no NaN or infinity; a duration the clock could not give is written as 0.
  const double duration = std::isfinite(result.duration_s) ? result.duration_s : 0.0;
  ordered value{{"id", result.id},
                {"requirements", result.requirement_ids},
                {"verdict", std::string(ToString(result.verdict))},
                {"duration_s", duration},
                {"phase", result.phase},
                {"calls_in_flight", result.calls_in_flight},
                {"messages", result.messages},
                {"reproduce", result.reproduce}};
  ordered findings = ordered::array();
  for (const Finding& finding : result.findings) {
    findings.push_back(ordered{{"verdict", std::string(ToString(finding.verdict))},
                               {"requirement", finding.requirement_id},
                               {"text", finding.text}});
  }
  value["findings"] = std::move(findings);
  ordered observations = ordered::array();
  for (const Observation& observation : result.observations) {
    observations.push_back(
        ordered{{"requirement", observation.requirement_id}, {"text", observation.text}});
  }
  value["observations"] = std::move(observations);
  ordered integration = ordered::array();
  for (const IntegrationFinding& finding : result.integration_findings) {
    integration.push_back(ordered{{"kind", finding.kind},
                                  {"what", finding.what},
                                  {"calls", finding.calls},
                                  {"occurrences", finding.occurrences}});
  }
  value["integration_findings"] = std::move(integration);
  if (result.schedules_to_failure) value["schedules_to_failure"] = *result.schedules_to_failure;
  if (!result.end_charged_to.empty()) value["end_charged_to"] = result.end_charged_to;
  value["evidence"] = ordered{{"trace", evidence.trace},
                              {"backend", ordered(evidence.backend)},
                              {"transport_at_failure", evidence.transport_at_failure},
                              {"stacks", evidence.stacks},
                              {"thread_states", evidence.thread_states},
                              {"fired", evidence.fired},
                              {"output", evidence.output}};
  if (result.expectation) value["expectation"] = MarkJson(*result.expectation);
  return value;
}

ordered ToJson(const Expectation& entry) {
  return ordered{{"id", entry.id},
                 {"expect", std::string(ToString(entry.expect))},
                 {"reason", entry.reason},
                 {"link", entry.link}};
}

Expectation ExpectationFrom(const json& value, const std::string& where) {
  RequireObject(value, where);
  Expectation entry;
  entry.id = StringField(value, "id", where);
  const std::string expect = StringField(value, "expect", where);
  if (expect != "FAILS" && expect != "FLAKY") {
    Fail(Path(where, "expect"), "unknown expectation \"" + expect + "\"");
  }
  entry.expect = expect == "FLAKY" ? Expect::kFlaky : Expect::kFails;
  entry.reason = StringField(value, "reason", where);
  entry.link = OptionalString(value, "link", where);
  return entry;
}

RunInfo RunInfoFrom(const json& value, const std::string& where) {
  RequireObject(value, where);
  RunInfo run;
  run.suite_version = StringField(value, "suite_version", where);
  run.target = StringField(value, "target", where);
  run.target_library = StringField(value, "target_library", where);
  run.target_sha256 = StringField(value, "target_sha256", where);
  const json& options = Field(value, "options", where);
  const std::string options_path = Path(where, "options");
  RequireObject(options, options_path);
  for (const auto& [name, option] : options.items()) {
    if (!option.is_string()) {
      Fail(options_path + "." + name,
           std::string("expected a string, found ") + option.type_name());
    }
    run.options[name] = option.get<std::string>();
  }
  run.started = StringField(value, "started", where);
  run.ended = StringField(value, "ended", where);
  run.host = StringField(value, "host", where);
  return run;
}

RequirementResult RequirementFrom(const json& value, const std::string& where) {
  RequireObject(value, where);
  RequirementResult requirement;
  requirement.id = StringField(value, "id", where);
  requirement.page = StringField(value, "page", where);
  requirement.section = StringField(value, "section", where);
  requirement.text = StringField(value, "text", where);
  const std::string level = StringField(value, "level", where);
  const auto parsed = ParseLevel(level);
  if (!parsed) Fail(Path(where, "level"), "unknown level \"" + level + "\"");
  requirement.level = *parsed;
  requirement.verdict = VerdictField(value, where);
  requirement.case_ids = StringList(value, "cases", where);
  requirement.expectation = OptionalMark(value, where);
  return requirement;
}

CaseResult CaseFrom(const json& value, const std::string& where) {
  RequireObject(value, where);
  CaseResult result;
  result.id = StringField(value, "id", where);
  result.requirement_ids = StringList(value, "requirements", where);
  result.verdict = VerdictField(value, where);
  const json& duration = Field(value, "duration_s", where);
  if (!duration.is_number()) {
    Fail(Path(where, "duration_s"),
         std::string("expected a number, found ") + duration.type_name());
  }
  result.duration_s = duration.get<double>();
  result.phase = StringField(value, "phase", where);
  result.calls_in_flight = OptionalStringList(value, "calls_in_flight", where);
  result.end_charged_to = OptionalStringList(value, "end_charged_to", where);
  result.messages = StringList(value, "messages", where);
  result.reproduce = StringField(value, "reproduce", where);
  ForEachObjectIn(value, "findings", where, [&](const json& item, const std::string& path) {
    result.findings.push_back(Finding{VerdictField(item, path),
                                      OptionalString(item, "requirement", path),
                                      OptionalString(item, "text", path)});
  });
  ForEachObjectIn(value, "observations", where, [&](const json& item, const std::string& path) {
    result.observations.push_back(
        Observation{OptionalString(item, "requirement", path), StringField(item, "text", path)});
  });
  ForEachObjectIn(
      value, "integration_findings", where, [&](const json& item, const std::string& path) {
        const json& occurrences = Field(item, "occurrences", path);
        if (!occurrences.is_number_unsigned()) {
          Fail(Path(path, "occurrences"), "expected a non-negative integer");
        }
        result.integration_findings.push_back(
            IntegrationFinding{StringField(item, "kind", path), StringField(item, "what", path),
                               StringField(item, "calls", path), occurrences.get<std::uint32_t>()});
      });
  if (value.contains("schedules_to_failure")) {
    const json& count = value.at("schedules_to_failure");
    if (!count.is_number_integer() || count.get<long long>() < 0) {
      Fail(Path(where, "schedules_to_failure"), "expected a non-negative integer");
    }
    result.schedules_to_failure = count.get<int>();
  }
  if (value.contains("evidence")) {
    const std::string path = Path(where, "evidence");
    const json& evidence = value.at("evidence");
    RequireObject(evidence, path);
    result.evidence.trace = OptionalStringList(evidence, "trace", path);
    result.evidence.backend = evidence.contains("backend") ? evidence.at("backend") : json(nullptr);
    result.evidence.transport_at_failure = OptionalString(evidence, "transport_at_failure", path);
    result.evidence.stacks = OptionalString(evidence, "stacks", path);
    result.evidence.thread_states = OptionalString(evidence, "thread_states", path);
    result.evidence.fired = OptionalStringList(evidence, "fired", path);
    result.evidence.output = OptionalString(evidence, "output", path);
  }
  result.expectation = OptionalMark(value, where);
  return result;
}

}  // namespace miconform::report::json_model

// json_writer.cc - report.json: the machine-readable report and its reader.
#include <stdexcept>

#include "case_details.h"
#include "json_model.h"
#include "miconform/report/integration_findings.h"
#include "miconform/report/root_causes.h"
#include "miconform/report/writers.h"

namespace miconform::report {
namespace {

using nlohmann::json;
using ordered = nlohmann::ordered_json;

}  // namespace

void WriteJson(const Report& report, std::ostream& out) {
  ordered by_verdict = ordered::object();
  for (Verdict verdict : details::AllVerdicts())
    by_verdict[std::string(ToString(verdict))] = report.Count(verdict);

  ordered requirements = ordered::array();
  for (const RequirementResult& requirement : report.requirements) {
    requirements.push_back(json_model::ToJson(requirement));
  }
  ordered cases = ordered::array();
  for (const CaseResult& result : report.cases) cases.push_back(json_model::ToJson(result));

  const std::vector<IntegrationFindingOfRun> integration = IntegrationFindingsOf(report);

  ordered document = ordered::object();
  document["schema_version"] = kSchemaVersion;
  document["run"] = json_model::ToJson(report.run);
  document["summary"] =
      ordered{{"conformant", report.conformant},     {"claim", ClaimOf(report)},
              {"claim_gaps", report.claim_gaps},     {"cases", report.cases.size()},
              {"by_verdict", std::move(by_verdict)}, {"integration_findings", integration.size()}};
  // Only a run given expectations has them (and its results' marks).
  if (!report.expectations.empty()) {
    document["summary"]["unexpected_failures"] = report.CountMarked(Expected::kUnexpectedFailure);
    document["summary"]["unexpected_passes"] = report.CountMarked(Expected::kUnexpectedPass);
    ordered entries = ordered::array();
    for (const Expectation& entry : report.expectations)
      entries.push_back(json_model::ToJson(entry));
    document["expectations"] = std::move(entries);
  }
  // Derived (RootCauses), for tools: a reader of report.json recomputes it.
  ordered causes = ordered::array();
  for (const RootCause& cause : RootCauses(report)) {
    ordered shared = ordered::array();
    for (const SharedFact& fact : cause.shared) {
      shared.push_back(ordered{{"fact", fact.text}, {"cases", fact.cases}});
    }
    causes.push_back(ordered{{"shared", std::move(shared)},
                             {"cases", cause.case_ids},
                             {"requirements", cause.requirement_ids}});
  }
  document["root_causes"] = std::move(causes);
  // Derived (IntegrationFindingsOf): not verdicts; the cases keep theirs.
  ordered findings = ordered::array();
  for (const IntegrationFindingOfRun& finding : integration) {
    findings.push_back(ordered{{"kind", finding.kind},
                               {"what", finding.what},
                               {"cases", finding.case_ids},
                               {"occurrences", finding.occurrences},
                               {"first_case", finding.first_case},
                               {"calls", finding.calls}});
  }
  document["integration_findings"] = std::move(findings);
  document["requirements"] = std::move(requirements);
  document["cases"] = std::move(cases);
  out << json_model::Dump(document, 2) << '\n';
}

Report ReadJson(std::istream& in) {
  json document;
  try {
    document = json::parse(in);
  } catch (const json::exception& error) {
    throw std::runtime_error(std::string("report.json: not valid JSON: ") + error.what());
  }
  try {
    const json& version = json_model::Field(document, "schema_version", "");
    if (!version.is_number_integer() || version.get<long long>() != kSchemaVersion) {
      throw std::runtime_error("schema_version: expected " + std::to_string(kSchemaVersion) +
                               ", found " + version.dump());
    }
    Report report;
    report.run = json_model::RunInfoFrom(json_model::Field(document, "run", ""), "run");
    const json& conformant =
        json_model::Field(json_model::Field(document, "summary", ""), "conformant", "summary");
    if (!conformant.is_boolean()) {
      throw std::runtime_error(std::string("summary.conformant: expected a boolean, found ") +
                               conformant.type_name());
    }
    report.conformant = conformant.get<bool>();
    // The claim and its gaps (written since the must-pass list; a report without them claims what
    // `conformant` says).
    const json& summary = json_model::Field(document, "summary", "");
    report.cases_conform = report.conformant;
    if (const auto claim = summary.find("claim"); claim != summary.end()) {
      if (!claim->is_string()) throw std::runtime_error("summary.claim: expected a string");
      const std::string text = claim->get<std::string>();
      if (text != "CONFORMANT" && text != "PARTIAL" && text != "NOT CONFORMANT") {
        throw std::runtime_error("summary.claim: unknown claim \"" + text + "\"");
      }
      report.cases_conform = text != "NOT CONFORMANT";
    }
    if (const auto gaps = summary.find("claim_gaps"); gaps != summary.end()) {
      if (!gaps->is_array()) throw std::runtime_error("summary.claim_gaps: expected an array");
      for (const json& gap : *gaps) {
        if (!gap.is_string()) throw std::runtime_error("summary.claim_gaps: expected strings");
        report.claim_gaps.push_back(gap.get<std::string>());
      }
    }

    if (const auto entries = document.find("expectations"); entries != document.end()) {
      if (!entries->is_array()) throw std::runtime_error("expectations: expected an array");
      for (std::size_t i = 0; i < entries->size(); ++i) {
        report.expectations.push_back(
            json_model::ExpectationFrom((*entries)[i], "expectations[" + std::to_string(i) + "]"));
      }
    }
    const json& requirements = json_model::Field(document, "requirements", "");
    if (!requirements.is_array()) throw std::runtime_error("requirements: expected an array");
    for (std::size_t i = 0; i < requirements.size(); ++i) {
      report.requirements.push_back(
          json_model::RequirementFrom(requirements[i], "requirements[" + std::to_string(i) + "]"));
    }
    const json& cases = json_model::Field(document, "cases", "");
    if (!cases.is_array()) throw std::runtime_error("cases: expected an array");
    for (std::size_t i = 0; i < cases.size(); ++i) {
      report.cases.push_back(json_model::CaseFrom(cases[i], "cases[" + std::to_string(i) + "]"));
    }
    return report;
  } catch (const json::exception& error) {
    throw std::runtime_error(std::string("report.json: ") + error.what());
  } catch (const std::runtime_error& error) {
    throw std::runtime_error(std::string("report.json: ") + error.what());
  }
}

}  // namespace miconform::report

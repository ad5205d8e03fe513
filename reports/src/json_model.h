// json_model.h - the JSON form of the report model's parts, shared by report.json and the journal.
//
// Written with ordered_json so fields appear in the documented order; read from plain json.
// Internal to miconform_reports. The From* functions validate as they read and throw
// std::runtime_error naming the field by its path (e.g. "cases[2].verdict").
#ifndef MICONFORM_REPORT_JSON_MODEL_H
#define MICONFORM_REPORT_JSON_MODEL_H

#include <string>

#include <nlohmann/json.hpp>

#include "miconform/report/report.h"

namespace miconform::report::json_model {

nlohmann::ordered_json ToJson(const RunInfo& run);
nlohmann::ordered_json ToJson(const RequirementResult& requirement);
nlohmann::ordered_json ToJson(const CaseResult& result);
nlohmann::ordered_json ToJson(const Expectation& entry);

RunInfo RunInfoFrom(const nlohmann::json& value, const std::string& where);
RequirementResult RequirementFrom(const nlohmann::json& value, const std::string& where);
CaseResult CaseFrom(const nlohmann::json& value, const std::string& where);
Expectation ExpectationFrom(const nlohmann::json& value, const std::string& where);

// Serialises without ever throwing on bad UTF-8 (invalid bytes become U+FFFD); indent < 0 gives
// one line.
std::string Dump(const nlohmann::ordered_json& value, int indent);

// Typed field access with path-naming errors, for the readers.
const nlohmann::json& Field(const nlohmann::json& object, const char* key,
                            const std::string& where);
std::string StringField(const nlohmann::json& object, const char* key, const std::string& where);

}  // namespace miconform::report::json_model

#endif  // MICONFORM_REPORT_JSON_MODEL_H

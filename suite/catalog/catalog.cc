// catalog.cc - parses the embedded requirements.json into the requirement catalog (catalog.h).
#include "catalog.h"

#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace miconform {

extern const std::string_view kEmbeddedCatalogJson;  // catalog_data.cc, generated at build time
extern const std::string_view kEmbeddedMustPass;     // must_pass_data.cc, generated at build time

namespace {

std::string RequiredString(const nlohmann::json& entry, const char* field, std::size_t index) {
  auto found = entry.find(field);
  if (found == entry.end() || !found->is_string() || found->get<std::string>().empty()) {
    throw std::runtime_error("requirement catalog: entry " + std::to_string(index) +
                             " has no non-empty string field \"" + field + "\"");
  }
  return found->get<std::string>();
}

}  // namespace

std::string_view CatalogJson() { return kEmbeddedCatalogJson; }

std::vector<Requirement> ParseCatalog(std::string_view json_text) {
  nlohmann::json document = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) throw std::runtime_error("requirement catalog: not valid JSON");
  auto list = document.find("requirements");
  if (!document.is_object() || list == document.end() || !list->is_array()) {
    throw std::runtime_error("requirement catalog: no \"requirements\" array");
  }
  std::vector<Requirement> catalog;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const nlohmann::json& entry = (*list)[i];
    if (!entry.is_object()) {
      throw std::runtime_error("requirement catalog: entry " + std::to_string(i) +
                               " is not an object");
    }
    Requirement requirement;
    requirement.id = RequiredString(entry, "id", i);
    requirement.page = RequiredString(entry, "page", i);
    requirement.section = RequiredString(entry, "section", i);
    requirement.text = RequiredString(entry, "text", i);
    requirement.quote = RequiredString(entry, "quote", i);
    requirement.level_reason = RequiredString(entry, "level_reason", i);
    const std::string level = RequiredString(entry, "level", i);
    auto parsed = report::ParseLevel(level);
    if (!parsed) {
      throw std::runtime_error("requirement catalog: " + requirement.id + " has unknown level \"" +
                               level + "\"");
    }
    requirement.level = *parsed;
    if (auto untestable = entry.find("untestable"); untestable != entry.end()) {
      if (!untestable->is_string() || untestable->get<std::string>().empty()) {
        throw std::runtime_error("requirement catalog: " + requirement.id +
                                 " has an empty or non-string \"untestable\" reason");
      }
      requirement.untestable = untestable->get<std::string>();
    }
    if (!seen.insert(requirement.id).second) {
      throw std::runtime_error("requirement catalog: duplicate id " + requirement.id);
    }
    catalog.push_back(std::move(requirement));
  }
  return catalog;
}

const std::vector<Requirement>& Catalog() {
  static const std::vector<Requirement> catalog = ParseCatalog(kEmbeddedCatalogJson);
  return catalog;
}

const Requirement* FindRequirement(std::string_view id) {
  for (const Requirement& requirement : Catalog()) {
    if (requirement.id == id) return &requirement;
  }
  return nullptr;
}

std::vector<std::string> ParseMustPass(std::string_view text) {
  std::vector<std::string> ids;
  std::set<std::string> seen;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    line = line.substr(0, line.find('#'));
    const std::size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) continue;
    line = line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
    std::string id(line);
    if (!seen.insert(id).second) {
      throw std::runtime_error("must-pass list: case " + id + " is listed twice");
    }
    ids.push_back(std::move(id));
  }
  return ids;
}

const std::vector<std::string>& MustPassCases() {
  static const std::vector<std::string> list = ParseMustPass(kEmbeddedMustPass);
  return list;
}

}  // namespace miconform

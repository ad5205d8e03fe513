// mutant_table.cc - reads the embedded mutants.json into the tables of mutants.h (mutants and
// conforming variants).
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "miconform/mutants.h"

namespace miconform {

extern const char* const kMutantsJson;

namespace {

std::vector<Mutant> ParseMutants() {
  const nlohmann::json table = nlohmann::json::parse(kMutantsJson);
  std::vector<Mutant> mutants;
  std::set<std::string> names;
  for (const auto& entry : table.at("mutants")) {
    Mutant mutant;
    mutant.name = entry.at("name").get<std::string>();
    mutant.fault = entry.at("fault").get<std::string>();
    mutant.breaks = entry.at("breaks").get<std::vector<std::string>>();
    mutant.description = entry.at("description").get<std::string>();
    const std::string expect = entry.at("expect").get<std::string>();
    if (expect != "non-conformant" && expect != "deviation") {
      throw std::runtime_error("mutants.json: mutant '" + mutant.name + "' has unknown expect '" +
                               expect + "'");
    }
    mutant.lenient = expect == "deviation";
    if (entry.contains("collateral")) {
      for (const auto& [id, reason] : entry.at("collateral").items()) {
        if (!reason.is_string() || reason.get<std::string>().empty()) {
          throw std::runtime_error("mutants.json: mutant '" + mutant.name + "' lists collateral " +
                                   id + " without a reason");
        }
        mutant.collateral[id] = reason.get<std::string>();
      }
    }
    mutant.timing = entry.value("timing", false);
    if (!names.insert(mutant.name).second || mutant.breaks.empty()) {
      throw std::runtime_error("mutants.json: mutant '" + mutant.name +
                               "' is a duplicate or breaks no requirement");
    }
    mutants.push_back(std::move(mutant));
  }
  return mutants;
}

std::vector<Variant> ParseVariants() {
  const nlohmann::json table = nlohmann::json::parse(kMutantsJson);
  std::set<std::string> names;
  for (const Mutant& mutant : Mutants()) names.insert(mutant.name);
  std::vector<Variant> variants;
  for (const auto& entry : table.at("variants")) {
    Variant variant;
    variant.name = entry.at("name").get<std::string>();
    variant.fault = entry.at("fault").get<std::string>();
    variant.page = entry.at("page").get<std::string>();
    variant.sentence = entry.at("sentence").get<std::string>();
    variant.description = entry.at("description").get<std::string>();
    if (!names.insert(variant.name).second) {
      throw std::runtime_error("mutants.json: variant '" + variant.name +
                               "' has the name of another mutant or variant");
    }
    if (variant.fault.rfind("READING_", 0) != 0 || variant.page.empty() ||
        variant.sentence.empty() || variant.description.empty()) {
      throw std::runtime_error("mutants.json: variant '" + variant.name +
                               "' needs a READING_ fault, a page, a sentence and a description");
    }
    variants.push_back(std::move(variant));
  }
  return variants;
}

std::map<std::string, std::string> ParseWithoutMutant() {
  const nlohmann::json table = nlohmann::json::parse(kMutantsJson);
  std::map<std::string, std::string> without;
  if (!table.contains("without_mutant")) return without;
  for (const auto& [id, reason] : table.at("without_mutant").items()) {
    if (!reason.is_string() || reason.get<std::string>().empty()) {
      throw std::runtime_error("mutants.json: without_mutant lists " + id + " without a reason");
    }
    without[id] = reason.get<std::string>();
  }
  return without;
}

}  // namespace

const std::map<std::string, std::string>& RequirementsWithoutMutant() {
  static const std::map<std::string, std::string> without = ParseWithoutMutant();
  return without;
}

const std::vector<Mutant>& Mutants() {
  static const std::vector<Mutant> mutants = ParseMutants();
  return mutants;
}

const std::vector<Variant>& Variants() {
  static const std::vector<Variant> variants = ParseVariants();
  return variants;
}

}  // namespace miconform

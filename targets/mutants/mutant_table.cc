// mutant_table.cc - reads the embedded mutants.json into the table of mutants.h.
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
    mutant.timing = entry.value("timing", false);
    if (!names.insert(mutant.name).second || mutant.breaks.empty()) {
      throw std::runtime_error("mutants.json: mutant '" + mutant.name +
                               "' is a duplicate or breaks no requirement");
    }
    mutants.push_back(std::move(mutant));
  }
  return mutants;
}

}  // namespace

const std::vector<Mutant>& Mutants() {
  static const std::vector<Mutant> mutants = ParseMutants();
  return mutants;
}

}  // namespace miconform

// catalog.h - the requirement catalog: every documented sentence the suite tests (or explains why
// it cannot), embedded in the binary from requirements.json. Used by the runner (listing, report
// requirements) and by the case self-tests.
//
// Thread-safety: Catalog() builds the list once (thread-safe static initialisation); the returned
// references live until process exit.
#ifndef MICONFORM_CATALOG_CATALOG_H
#define MICONFORM_CATALOG_CATALOG_H

#include <string>
#include <string_view>
#include <vector>

#include "miconform/report/report.h"

namespace miconform {

struct Requirement {
  std::string id;            // "SC-REM-3"
  std::string page;          // "MI_Session_Close"
  std::string section;       // "Remarks"
  std::string text;          // the project's paraphrase of the sentence
  std::string quote;         // the sentence(s) of the page it carries, verbatim
  std::string level_reason;  // why this level, from the sentence's own word
  report::Level level = report::Level::kMust;
  std::string untestable;  // empty, or why no case can test it from the client side
};

// The catalog, in file order. Throws std::runtime_error naming the problem if the embedded JSON is
// malformed (a field missing, an unknown level, a duplicate id); the self-tests prove it is not.
const std::vector<Requirement>& Catalog();

// The requirement with that id, or nullptr.
const Requirement* FindRequirement(std::string_view id);

// Parses catalog JSON text (the format of requirements.json). Throws std::runtime_error.
std::vector<Requirement> ParseCatalog(std::string_view json_text);

// The embedded requirements.json text.
std::string_view CatalogJson();

// The must-pass list of this suite version (must_pass.txt): the case IDs a run judges, under the
// default options, to make a conformance claim; in file order. Throws std::runtime_error if the
// embedded list is malformed (an ID listed twice); the self-tests prove it is not, and that it
// names exactly the declared cases.
const std::vector<std::string>& MustPassCases();

// Parses must-pass text (the format of must_pass.txt: one case ID a line, '#' to the end of a line
// a comment, blank lines and surrounding blanks ignored). Throws std::runtime_error naming a
// duplicate ID.
std::vector<std::string> ParseMustPass(std::string_view text);

}  // namespace miconform

#endif  // MICONFORM_CATALOG_CATALOG_H

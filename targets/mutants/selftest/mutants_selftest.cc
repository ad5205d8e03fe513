// mutants_selftest.cc - self-tests of the mutant and variant tables (mutants.h), the libraries
// built from them, their seams in the reference's sources, and the `mutant:<name>` and
// `variant:<name>` built-in targets.
#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "catalog.h"
#include "dynamic_exports.h"
#include "miconform/builtin_targets.h"
#include "miconform/mi_abi.h"
#include "miconform/mutants.h"

namespace miconform {
namespace {

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// The reference's sources and headers but fault.h, concatenated: where the fault seams live.
std::string ReferenceSourceText() {
  std::string text;
  for (const auto& entry : std::filesystem::directory_iterator(MICONFORM_REFERENCE_SOURCE_DIR)) {
    const std::string extension = entry.path().extension().string();
    if (entry.is_regular_file() && (extension == ".cc" || extension == ".h") &&
        entry.path().filename() != "fault.h") {
      text += ReadText(entry.path());
    }
  }
  return text;
}

// The enumerator of enum class Fault (targets/reference/fault.h) a mutants.json fault names:
// SYNC_CLOSE_RETURNS_EARLY -> kSyncCloseReturnsEarly (as miconform_add_reference_variant does).
std::string FaultEnumerator(const std::string& fault) {
  std::string enumerator = "k";
  bool word_start = true;
  for (const char c : fault) {
    if (c == '_') {
      word_start = true;
      continue;
    }
    enumerator += word_start ? c : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    word_start = false;
  }
  return enumerator;
}

// Every `Fault::kName` the text mentions, as kName.
std::set<std::string> FaultMentions(const std::string& text) {
  const std::regex mention("Fault::(k[A-Za-z0-9]+)");
  std::set<std::string> names;
  for (std::sregex_iterator it(text.begin(), text.end(), mention), end; it != end; ++it) {
    names.insert((*it)[1]);
  }
  return names;
}

std::string MutantLibraryPath(const Mutant& mutant) {
  return std::string(MICONFORM_MUTANT_LIBRARY_DIR) + "/" + mutant.LibraryFile();
}

std::string VariantLibraryPath(const Variant& variant) {
  return std::string(MICONFORM_MUTANT_LIBRARY_DIR) + "/" + variant.LibraryFile();
}

// The enumerators of every fault and reading the tables name: kNone's companions in fault.h.
std::set<std::string> TableEnumerators() {
  std::set<std::string> enumerators;
  for (const Mutant& mutant : Mutants()) enumerators.insert(FaultEnumerator(mutant.fault));
  for (const Variant& variant : Variants()) enumerators.insert(FaultEnumerator(variant.fault));
  return enumerators;
}

TEST(MutantTable, HoldsEveryEntryOfMutantsJson) {
  const auto file = nlohmann::json::parse(ReadText(MICONFORM_MUTANTS_JSON_FILE));
  const auto& mutants = Mutants();
  ASSERT_EQ(mutants.size(), file.at("mutants").size())
      << "the embedded table differs from targets/mutants/mutants.json (reconfigure the build)";
  for (std::size_t i = 0; i < mutants.size(); ++i) {
    EXPECT_EQ(mutants[i].name, file["mutants"][i].at("name").get<std::string>());
  }
}

TEST(MutantTable, EntriesAreWellFormed) {
  const std::regex name_pattern("[a-z][a-z0-9_]*");
  const std::regex fault_pattern("[A-Z][A-Z0-9_]*");
  std::set<std::string> names;
  std::set<std::string> faults;
  for (const Mutant& mutant : Mutants()) {
    SCOPED_TRACE(mutant.name);
    EXPECT_TRUE(std::regex_match(mutant.name, name_pattern));
    EXPECT_TRUE(std::regex_match(mutant.fault, fault_pattern));
    EXPECT_TRUE(names.insert(mutant.name).second) << "duplicate name";
    EXPECT_TRUE(faults.insert(mutant.fault).second) << "two mutants share a fault";
    EXPECT_FALSE(mutant.breaks.empty());
    EXPECT_FALSE(mutant.description.empty());
    EXPECT_EQ(mutant.LibraryFile(), "libmiconform_mutant_" + mutant.name + ".so");
  }
}

TEST(MutantTable, BreaksOnlyTestableCatalogRequirements) {
  for (const Mutant& mutant : Mutants()) {
    for (const std::string& id : mutant.breaks) {
      SCOPED_TRACE(mutant.name + " breaks " + id);
      const Requirement* requirement = FindRequirement(id);
      ASSERT_NE(requirement, nullptr) << "not in the requirement catalog";
      EXPECT_TRUE(requirement->untestable.empty())
          << "the catalog says no case can test it: " << requirement->untestable;
    }
  }
}

// Item by item, the proof that the suite can fail a library on each testable requirement is a
// mutant that breaks it and is killed (the kill matrix, selftest.runner.mutants_killed). A
// requirement no mutant proves yet is listed under without_mutant with the reason, so the gaps
// are written down and a new requirement cannot arrive without either.
TEST(MutantTable, EveryTestableRequirementIsBrokenByAMutantOrListedWithoutOne) {
  std::set<std::string> broken;
  for (const Mutant& mutant : Mutants()) broken.insert(mutant.breaks.begin(), mutant.breaks.end());
  for (const Requirement& requirement : Catalog()) {
    if (!requirement.untestable.empty()) continue;
    const bool listed = RequirementsWithoutMutant().count(requirement.id) > 0;
    if (broken.count(requirement.id)) {
      EXPECT_FALSE(listed) << requirement.id
                           << " is broken by a mutant: take it off without_mutant";
    } else {
      EXPECT_TRUE(listed) << requirement.id << " is broken by no mutant and not listed under "
                          << "without_mutant with the reason";
    }
  }
  for (const auto& [id, reason] : RequirementsWithoutMutant()) {
    const Requirement* requirement = FindRequirement(id);
    ASSERT_NE(requirement, nullptr) << "without_mutant lists " << id << ", not in the catalog";
    EXPECT_TRUE(requirement->untestable.empty())
        << "without_mutant lists " << id << ", which the catalog marks untestable";
    EXPECT_GE(reason.size(), 20u) << "without_mutant gives " << id << " no reason";
  }
}

// A MUST violation is a FAIL; a SHOULD missed, or a broken STOPS-RESPONDING or MAY-DEADLOCK
// sentence (the call returned where the document says it hangs), is a DEVIATION. The expectation of
// each mutant has to match, or the mutant could never count as caught. A listed collateral names a
// catalog requirement outside the mutant's breaks, with a reason.
TEST(MutantTable, CollateralNamesOtherCatalogRequirementsWithAReason) {
  for (const Mutant& mutant : Mutants()) {
    for (const auto& [id, reason] : mutant.collateral) {
      SCOPED_TRACE(mutant.name + " collateral " + id);
      EXPECT_NE(FindRequirement(id), nullptr) << "not in the requirement catalog";
      EXPECT_EQ(std::count(mutant.breaks.begin(), mutant.breaks.end(), id), 0)
          << "listed both as broken and as collateral";
      EXPECT_GE(reason.size(), 10u) << "no reason given";
    }
  }
}

TEST(MutantTable, ExpectationMatchesTheRequirementLevels) {
  for (const Mutant& mutant : Mutants()) {
    for (const std::string& id : mutant.breaks) {
      const Requirement* requirement = FindRequirement(id);
      if (requirement == nullptr) continue;  // reported by the test above
      const bool lenient_level = requirement->level == report::Level::kStopsResponding ||
                                 requirement->level == report::Level::kMayDeadlock ||
                                 requirement->level == report::Level::kShould;
      if (mutant.lenient) {
        EXPECT_TRUE(lenient_level) << mutant.name << " expects a deviation, but " << id << " is "
                                   << report::ToString(requirement->level);
      } else {
        // A MUST broken, a SHOULD whose case the fault makes crash or hang, or a MAY-DEADLOCK
        // sentence whose case the fault makes crash (its only failing outcome: a deadlock and a
        // return both conform).
        EXPECT_TRUE(requirement->level == report::Level::kMust ||
                    requirement->level == report::Level::kShould ||
                    requirement->level == report::Level::kMayDeadlock)
            << mutant.name << " expects non-conformance, but " << id << " is "
            << report::ToString(requirement->level);
      }
    }
  }
}

TEST(MutantLibraries, ExistAndExportOnlyTheEntryPoint) {
  for (const Mutant& mutant : Mutants()) {
    SCOPED_TRACE(mutant.name);
    const std::string path = MutantLibraryPath(mutant);
    ASSERT_TRUE(std::filesystem::is_regular_file(path)) << path << " was not built";
    EXPECT_EQ(selftest::DynamicExports(path),
              std::vector<std::string>{MI_APPLICATION_INITIALIZE_V1_SYMBOL});
  }
}

TEST(MutantLibraries, LoadAndResolveTheEntryPoint) {
  for (const Mutant& mutant : Mutants()) {
    SCOPED_TRACE(mutant.name);
    const std::string path = MutantLibraryPath(mutant);
    void* library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(library, nullptr) << dlerror();
    EXPECT_NE(dlsym(library, MI_APPLICATION_INITIALIZE_V1_SYMBOL), nullptr);
    dlclose(library);
  }
}

// fault.h is the one list of faults: one enumerator per mutant and per variant, plus kNone for the
// reference.
TEST(FaultSeams, FaultHeaderListsExactlyTheTablesFaults) {
  const std::string header =
      ReadText(std::filesystem::path(MICONFORM_REFERENCE_SOURCE_DIR) / "fault.h");
  const std::regex line("\\n  (k[A-Za-z0-9]+),");
  std::set<std::string> declared;
  for (std::sregex_iterator it(header.begin(), header.end(), line), end; it != end; ++it) {
    declared.insert((*it)[1]);
  }
  std::set<std::string> expected = TableEnumerators();
  expected.insert("kNone");
  EXPECT_EQ(declared, expected) << "enum class Fault in fault.h differs from mutants.json";
}

// The readings stand apart from the faults in fault.h, after the comment that says they are none.
TEST(FaultSeams, ReadingsFollowTheirOwnBlockInTheFaultHeader) {
  const std::string header =
      ReadText(std::filesystem::path(MICONFORM_REFERENCE_SOURCE_DIR) / "fault.h");
  const std::size_t block = header.find("lawful readings: not faults");
  ASSERT_NE(block, std::string::npos) << "fault.h has no block of lawful readings";
  for (const Mutant& mutant : Mutants()) {
    const std::size_t at = header.find("  " + FaultEnumerator(mutant.fault) + ",");
    ASSERT_NE(at, std::string::npos) << mutant.name;
    EXPECT_LT(at, block) << mutant.name << ": a mutant's fault among the lawful readings";
  }
  for (const Variant& variant : Variants()) {
    const std::size_t at = header.find("  " + FaultEnumerator(variant.fault) + ",");
    ASSERT_NE(at, std::string::npos) << variant.name;
    EXPECT_GT(at, block) << variant.name << ": a variant's reading among the faults";
  }
}

// A fault with no seam would link a mutant identical to the reference.
TEST(FaultSeams, EveryFaultHasASeamInTheReference) {
  const std::set<std::string> seams = FaultMentions(ReferenceSourceText());
  for (const Mutant& mutant : Mutants()) {
    const std::string enumerator = FaultEnumerator(mutant.fault);
    EXPECT_TRUE(seams.count(enumerator))
        << mutant.name << ": no `Faulty(Fault::" << enumerator << ")` in the reference's sources";
  }
}

// A reading with no seam would link a variant identical to the reference.
TEST(FaultSeams, EveryReadingHasASeamInTheReference) {
  const std::set<std::string> seams = FaultMentions(ReferenceSourceText());
  for (const Variant& variant : Variants()) {
    const std::string enumerator = FaultEnumerator(variant.fault);
    EXPECT_TRUE(seams.count(enumerator))
        << variant.name << ": no `Reading(Fault::" << enumerator << ")` in the reference's sources";
  }
}

// A seam no mutant or variant is linked with is dead code in the reference.
TEST(FaultSeams, EverySeamBelongsToAMutantOrAVariant) {
  const std::set<std::string> faults = TableEnumerators();
  for (const std::string& seam : FaultMentions(ReferenceSourceText())) {
    if (seam == "kNone") continue;  // the reference itself
    EXPECT_TRUE(faults.count(seam))
        << "Fault::" << seam << " has a seam but no entry in mutants.json";
  }
}

TEST(MutantTargets, AreListedAfterTheReference) {
  std::vector<std::string> expected{"reference"};
  for (const Mutant& mutant : Mutants()) expected.push_back("mutant:" + mutant.name);
  for (const Variant& variant : Variants()) expected.push_back("variant:" + variant.name);
  EXPECT_EQ(BuiltinTargetNames(), expected);
}

TEST(MutantTargets, ResolveToTheirLibraries) {
  for (const Mutant& mutant : Mutants()) {
    const TargetSpec spec = ResolveTarget("mutant:" + mutant.name);
    EXPECT_EQ(spec.builtin, "mutant:" + mutant.name);
    EXPECT_EQ(spec.library, LibraryDirectory() + "/" + mutant.LibraryFile());
  }
}

// ---- the conforming variants

TEST(VariantTable, HoldsEveryEntryOfMutantsJson) {
  const auto file = nlohmann::json::parse(ReadText(MICONFORM_MUTANTS_JSON_FILE));
  const auto& variants = Variants();
  ASSERT_EQ(variants.size(), file.at("variants").size())
      << "the embedded table differs from targets/mutants/mutants.json (reconfigure the build)";
  ASSERT_FALSE(variants.empty());
  for (std::size_t i = 0; i < variants.size(); ++i) {
    EXPECT_EQ(variants[i].name, file["variants"][i].at("name").get<std::string>());
    EXPECT_EQ(variants[i].sentence, file["variants"][i].at("sentence").get<std::string>());
  }
}

TEST(VariantTable, EntriesAreWellFormed) {
  const std::regex name_pattern("[a-z][a-z0-9_]*");
  const std::regex fault_pattern("READING_[A-Z0-9_]+");
  std::set<std::string> faults;
  for (const Variant& variant : Variants()) {
    SCOPED_TRACE(variant.name);
    EXPECT_TRUE(std::regex_match(variant.name, name_pattern));
    EXPECT_TRUE(std::regex_match(variant.fault, fault_pattern));
    EXPECT_TRUE(faults.insert(variant.fault).second) << "two variants share a reading";
    EXPECT_FALSE(variant.page.empty());
    EXPECT_FALSE(variant.sentence.empty());
    EXPECT_FALSE(variant.description.empty());
    EXPECT_EQ(variant.LibraryFile(), "libmiconform_variant_" + variant.name + ".so");
  }
  for (const Mutant& mutant : Mutants()) {
    EXPECT_NE(mutant.fault.rfind("READING_", 0), 0u)
        << mutant.name << ": a mutant linked with a lawful reading would conform";
  }
}

TEST(VariantTable, NamesAreUniqueAcrossMutantsAndVariants) {
  std::set<std::string> names;
  for (const Mutant& mutant : Mutants())
    EXPECT_TRUE(names.insert(mutant.name).second) << mutant.name;
  for (const Variant& variant : Variants()) {
    EXPECT_TRUE(names.insert(variant.name).second) << "duplicate name " << variant.name;
  }
}

// The sentence a variant reads is one the catalog carries, verbatim, on the page it names.
TEST(VariantTable, SentenceIsQuotedByTheCatalog) {
  for (const Variant& variant : Variants()) {
    SCOPED_TRACE(variant.name);
    bool quoted = false;
    for (const Requirement& requirement : Catalog()) {
      if (requirement.page == variant.page &&
          requirement.quote.find(variant.sentence) != std::string::npos) {
        quoted = true;
      }
    }
    EXPECT_TRUE(quoted) << "no requirement of " << variant.page << " quotes \"" << variant.sentence
                        << "\"";
  }
}

TEST(VariantLibraries, ExistAndExportOnlyTheEntryPoint) {
  for (const Variant& variant : Variants()) {
    SCOPED_TRACE(variant.name);
    const std::string path = VariantLibraryPath(variant);
    ASSERT_TRUE(std::filesystem::is_regular_file(path)) << path << " was not built";
    EXPECT_EQ(selftest::DynamicExports(path),
              std::vector<std::string>{MI_APPLICATION_INITIALIZE_V1_SYMBOL});
  }
}

TEST(VariantLibraries, LoadAndResolveTheEntryPoint) {
  for (const Variant& variant : Variants()) {
    SCOPED_TRACE(variant.name);
    const std::string path = VariantLibraryPath(variant);
    void* library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(library, nullptr) << dlerror();
    EXPECT_NE(dlsym(library, MI_APPLICATION_INITIALIZE_V1_SYMBOL), nullptr);
    dlclose(library);
  }
}

TEST(VariantTargets, ResolveToTheirLibraries) {
  for (const Variant& variant : Variants()) {
    const TargetSpec spec = ResolveTarget("variant:" + variant.name);
    EXPECT_EQ(spec.builtin, "variant:" + variant.name);
    EXPECT_EQ(spec.library, LibraryDirectory() + "/" + variant.LibraryFile());
  }
}

TEST(VariantTargets, AreNotMutantTargets) {
  for (const Variant& variant : Variants()) {
    EXPECT_THROW(ResolveTarget("mutant:" + variant.name), TargetLoadError) << variant.name;
  }
}

TEST(DynamicExports, RejectsAFileThatIsNotElf) {
  char path[] = "/tmp/miconform-not-elf-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "not an ELF file at all, but long enough for a header......", 59), 59);
  close(fd);
  try {
    selftest::DynamicExports(path);
    ADD_FAILURE() << "a text file was read as ELF";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find(path), std::string::npos) << error.what();
  }
  std::filesystem::remove(path);
  EXPECT_THROW(selftest::DynamicExports("/nonexistent/libnothing.so"), std::runtime_error);
}

}  // namespace
}  // namespace miconform

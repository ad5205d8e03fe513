// catalog_selftest.cc - self-tests of the requirement catalog: it loads, its IDs are unique, it
// rejects malformed entries, and the catalog and the cases cover each other.
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "case_registry.h"
#include "catalog.h"

namespace miconform {
namespace {

TEST(Catalog, EmbeddedCatalogLoads) {
  ASSERT_NO_THROW(Catalog());
  EXPECT_GE(Catalog().size(), 30u);
  EXPECT_NE(FindRequirement("SC-REM-3"), nullptr);
  EXPECT_EQ(FindRequirement("SC-REM-3")->level, report::Level::kStopsResponding);
  EXPECT_EQ(FindRequirement("SC-PARAM-CB-4")->level, report::Level::kMayDeadlock);
  EXPECT_EQ(FindRequirement("NO-SUCH-ID"), nullptr);
}

TEST(Catalog, IdsAreUnique) {
  std::set<std::string> ids;
  for (const Requirement& requirement : Catalog()) {
    EXPECT_TRUE(ids.insert(requirement.id).second) << requirement.id;
  }
}

TEST(Catalog, EveryEntryHasPageSectionAndText) {
  for (const Requirement& requirement : Catalog()) {
    EXPECT_FALSE(requirement.page.empty()) << requirement.id;
    EXPECT_FALSE(requirement.section.empty()) << requirement.id;
    EXPECT_GE(requirement.text.size(), 20u) << requirement.id;
    EXPECT_GE(requirement.quote.size(), 10u) << requirement.id << ": no quoted sentence";
    EXPECT_FALSE(requirement.level_reason.empty()) << requirement.id << ": level not justified";
  }
}

TEST(Catalog, RejectsMalformedEntries) {
  EXPECT_THROW(ParseCatalog("not json"), std::runtime_error);
  EXPECT_THROW(ParseCatalog(R"({"requirements": 3})"), std::runtime_error);
  EXPECT_THROW(ParseCatalog(R"({"requirements": [{"id": "A-1", "page": "p", "section": "s",
      "text": "t", "level": "MAYBE"}]})"),
               std::runtime_error);
  EXPECT_THROW(ParseCatalog(R"({"requirements": [{"id": "A-1", "page": "p", "text": "t",
      "level": "MUST"}]})"),
               std::runtime_error);
  EXPECT_THROW(ParseCatalog(R"({"requirements": [
      {"id": "A-1", "page": "p", "section": "s", "text": "t", "quote": "q", "level_reason": "r",
       "level": "MUST"},
      {"id": "A-1", "page": "p", "section": "s", "text": "t", "quote": "q", "level_reason": "r",
       "level": "SHOULD"}]})"),
               std::runtime_error);
  // A requirement without the sentence it carries, or without the reason for its level.
  EXPECT_THROW(ParseCatalog(R"({"requirements": [{"id": "A-1", "page": "p", "section": "s",
      "text": "t", "level_reason": "r", "level": "MUST"}]})"),
               std::runtime_error);
  EXPECT_THROW(ParseCatalog(R"({"requirements": [{"id": "A-1", "page": "p", "section": "s",
      "text": "t", "quote": "q", "level": "MUST"}]})"),
               std::runtime_error);
  const auto parsed = ParseCatalog(R"({"requirements": [{"id": "A-1", "page": "p",
      "section": "s", "text": "t", "quote": "q", "level_reason": "r", "level": "MAY-DEADLOCK",
      "untestable": "why"}]})");
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_EQ(parsed[0].quote, "q");
  EXPECT_EQ(parsed[0].level_reason, "r");
  EXPECT_EQ(parsed[0].level, report::Level::kMayDeadlock);
  EXPECT_EQ(parsed[0].untestable, "why");
}

// Permissions (observed only), a caller's duty, the wrapper compiled into the application, and a
// list of codes the page never gives: nothing a target does can pass or fail them.
TEST(Catalog, UntestableRequirementsAreExactlyThese) {
  std::set<std::string> untestable;
  for (const Requirement& requirement : Catalog()) {
    if (!requirement.untestable.empty()) untestable.insert(requirement.id);
  }
  EXPECT_EQ(untestable, (std::set<std::string>{"SC-RET-2", "OI-ACK-3", "OCAN-REM-5", "OCAN-REM-6",
                                               "OCL-REM-3", "ANS-PARAM-1", "ANS-REM-1", "ANS-REM-2",
                                               "ANS-REM-3", "ABI-WRAP-1", "ABI-TABLE-1"}));
}

// A case naming an untestable requirement would give it a verdict nothing judged.
TEST(Catalog, NoCaseNamesAnUntestableRequirement) {
  for (const CaseInfo& info : AllCases()) {
    for (const std::string& id : info.requirements) {
      const Requirement* requirement = FindRequirement(id);
      if (requirement == nullptr) continue;  // reported by EveryCaseNamesExistingRequirements
      EXPECT_TRUE(requirement->untestable.empty())
          << info.id << " names " << id
          << ", which the catalog calls untestable: " << requirement->untestable;
    }
  }
}

TEST(Catalog, EveryTestableRequirementHasACase) {
  for (const Requirement& requirement : Catalog()) {
    if (!requirement.untestable.empty()) continue;
    int cases = 0;
    for (const CaseInfo& info : AllCases()) {
      for (const std::string& id : info.requirements) cases += id == requirement.id;
    }
    EXPECT_GT(cases, 0) << requirement.id << " has no case and no untestable reason";
  }
}

// The must-pass list is a decision of the suite version: a case added or removed without it (or
// the other way round) fails here, not silently in a vendor's claim.
TEST(Catalog, MustPassListIsExactlyTheDeclaredCases) {
  std::set<std::string> declared;
  for (const CaseInfo& info : AllCases()) declared.insert(info.id);
  std::set<std::string> listed(MustPassCases().begin(), MustPassCases().end());
  EXPECT_EQ(listed.size(), MustPassCases().size());
  for (const std::string& id : declared) {
    EXPECT_TRUE(listed.count(id)) << id << " is declared but not in must_pass.txt";
  }
  for (const std::string& id : listed) {
    EXPECT_TRUE(declared.count(id)) << id << " is in must_pass.txt but no case declares it";
  }
}

TEST(Catalog, MustPassParsingSkipsCommentsAndRejectsDuplicates) {
  EXPECT_EQ(ParseMustPass("# head\n\n  a.b  # why\r\nc.d\n#x.y\n"),
            (std::vector<std::string>{"a.b", "c.d"}));
  EXPECT_EQ(ParseMustPass("a.b"), (std::vector<std::string>{"a.b"}));
  try {
    ParseMustPass("a.b\nc.d\na.b\n");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("a.b"), std::string::npos) << error.what();
  }
}

TEST(Catalog, EveryCaseNamesExistingRequirements) {
  for (const CaseInfo& info : AllCases()) {
    for (const std::string& id : info.requirements) {
      EXPECT_NE(FindRequirement(id), nullptr) << info.id << " names unknown requirement " << id;
    }
  }
}

}  // namespace
}  // namespace miconform

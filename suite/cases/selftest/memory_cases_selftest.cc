// memory_cases_selftest.cc - self-tests of how the memory-release cases are declared: the IDs that
// make the runner preload the heap accounting, the requirement they give evidence for, and the
// catalog split between "the close completes" (SC-DESC-1) and "the close releases memory"
// (SC-DESC-2).
#include <algorithm>
#include <cctype>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "case_registry.h"
#include "catalog.h"

namespace miconform {
namespace {

std::string Lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

TEST(MemoryCases, AreDeclaredInTheMemoryAreaForSessionCloseRelease) {
  const std::set<std::string> expected = {"memory.session_close.released",
                                          "memory.session_close.released_async",
                                          "memory.session_close.cycles",
                                          "memory.session_close.cycles_async",
                                          "memory.session_close.cancelled_operations_released",
                                          "memory.session_close.closed_from_callback"};
  for (const std::string& id : expected) {
    const CaseInfo* info = FindCase(id);
    ASSERT_NE(info, nullptr) << id << " is not declared";
    EXPECT_EQ(info->requirements, std::vector<std::string>{"SC-DESC-2"}) << id;
  }
}

TEST(MemoryCases, EveryCaseCitingTheMemoryRequirementHasTheHeapAccounting) {
  // The runner preloads the accounting only into cases whose fixture declares it: a case citing
  // SC-DESC-2 without it would always be NOT-SUPPORTED.
  for (const CaseInfo& info : AllCases()) {
    const bool cites = std::find(info.requirements.begin(), info.requirements.end(), "SC-DESC-2") !=
                       info.requirements.end();
    if (cites) {
      EXPECT_TRUE(info.traits.heap_accounting) << info.id;
    }
  }
}

TEST(MemoryCases, CatalogSplitsCompletionFromRelease) {
  const Requirement* completes = FindRequirement("SC-DESC-1");
  const Requirement* releases = FindRequirement("SC-DESC-2");
  ASSERT_NE(completes, nullptr);
  ASSERT_NE(releases, nullptr);
  EXPECT_EQ(releases->page, "MI_Session_Close");
  EXPECT_EQ(releases->section, "Description");
  EXPECT_EQ(releases->level, report::Level::kMust);
  EXPECT_TRUE(releases->untestable.empty());
  EXPECT_NE(Lowercase(releases->text).find("memory"), std::string::npos) << releases->text;
  for (const char* word : {"memory", "free", "releas"}) {
    EXPECT_EQ(Lowercase(completes->text).find(word), std::string::npos)
        << "SC-DESC-1 should leave memory to SC-DESC-2: " << completes->text;
  }
}

}  // namespace
}  // namespace miconform

// case_registry_selftest.cc - self-tests of the case registry: IDs valid and unique, the list
// sorted, and the required cases present.
#include <algorithm>

#include <gtest/gtest.h>

#include "case_registry.h"

namespace miconform {
namespace {

TEST(CaseRegistry, HasNoProblems) {
  for (const std::string& problem : CaseRegistryProblems()) ADD_FAILURE() << problem;
}

TEST(CaseRegistry, IsSortedById) {
  const auto& cases = AllCases();
  ASSERT_FALSE(cases.empty());
  EXPECT_TRUE(std::is_sorted(cases.begin(), cases.end(),
                             [](const CaseInfo& a, const CaseInfo& b) { return a.id < b.id; }));
}

TEST(CaseRegistry, EveryCaseHasAValidIdAndDottedGtestName) {
  for (const CaseInfo& info : AllCases()) {
    EXPECT_TRUE(IsValidCaseId(info.id)) << info.id;
    EXPECT_NE(info.gtest_name.find('.'), std::string::npos) << info.gtest_name;
    EXPECT_FALSE(info.summary.empty()) << info.id;
  }
}

TEST(CaseRegistry, ValidatesIds) {
  EXPECT_TRUE(IsValidCaseId("session_close.sync.idle"));
  EXPECT_TRUE(IsValidCaseId("a1_b.c2"));
  EXPECT_FALSE(IsValidCaseId(""));
  EXPECT_FALSE(IsValidCaseId("Session.close"));
  EXPECT_FALSE(IsValidCaseId("session-close"));
  EXPECT_FALSE(IsValidCaseId("session close"));
  EXPECT_FALSE(IsValidCaseId(".session"));
  EXPECT_FALSE(IsValidCaseId("session."));
  EXPECT_FALSE(IsValidCaseId("session..close"));
}

TEST(CaseRegistry, FindsCasesById) {
  const CaseInfo* info = FindCase("session_close.sync.idle");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->gtest_name, "SessionCloseSync.Idle");
  EXPECT_EQ(FindCase("no.such.case"), nullptr);
}

TEST(CaseRegistry, TraitsComeFromTheFixtureNotTheId) {
  const CaseInfo* plain = FindCase("session_close.sync.idle");
  const CaseInfo* memory = FindCase("memory.session_close.released");
  const CaseInfo* race = FindCase("concurrency.session_close.many_sessions");
  ASSERT_NE(plain, nullptr);
  ASSERT_NE(memory, nullptr);
  ASSERT_NE(race, nullptr);
  EXPECT_FALSE(plain->traits.race || plain->traits.heap_accounting);
  EXPECT_TRUE(memory->traits.heap_accounting);
  EXPECT_FALSE(memory->traits.race);
  EXPECT_TRUE(race->traits.race);
  EXPECT_FALSE(race->traits.heap_accounting);
  // A family's rows take the traits of their fixture too.
  for (const CaseInfo& info : AllCases()) {
    if (info.gtest_name.rfind("ReentrancyCase.", 0) == 0) {
      EXPECT_TRUE(info.traits.race) << info.id;
    }
  }
}

TEST(CaseRegistry, NamesAFamilysCasesAfterFixtureAndId) {
  const CaseInfo* info = FindCase("session_close.cancel.kind.get_class");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->gtest_name, "OperationKindCase.session_close_cancel_kind_get_class");
  EXPECT_EQ(cases::internal::FamilyCaseName("F", "a.b_c"), "F.a_b_c");
}

TEST(CaseRegistry, DeclaresTheRequiredScenarios) {
  for (const char* id : {
           "session_close.sync.idle",
           "session_close.sync.after_operations_closed",
           "session_close.async.slow_winding_down",
           "session_close.async.null_context",
           "session_close.cancel.running_async",
           "session_close.cancel.sync_pull.enumerate_instances",
           "session_close.sync.no_callback_after_return",
           "session_close.async.no_callback_after_completion",
           "session_close.open_handle.sync_stops_responding",
           "session_close.open_handle.async_completion_withheld",
           "session_close.manual_ack.unacknowledged_blocks_close",
           "application_close.open_session_stops_responding",
           "application_close.from_callback",
           "session_close.from_callback.instance_nonfinal",
           "session_close.from_callback.instance_final",
           "session_close.from_callback.write_message",
           "session_close.from_callback.write_progress",
           "session_close.from_callback_sync.instance_nonfinal",
           "session_close.from_callback_sync.instance_final",
           "session_close.from_callback_sync.write_message",
           "session_close.from_callback_sync.write_progress",
           "session_close.foreign_handle.zeroed",
           "session_close.foreign_handle.already_closed",
           "session_close.sync.twice",
           "session_close.cancel.provider_ignores_cancel",
       }) {
    EXPECT_NE(FindCase(id), nullptr) << id;
  }
}

TEST(CaseRegistry, LinkingTheCasesRegistersNoConformanceTest) {
  // Only RunCaseChild registers a case's GoogleTest; this binary must hold self-tests only.
  const testing::UnitTest& unit = *testing::UnitTest::GetInstance();
  for (int i = 0; i < unit.total_test_suite_count(); ++i) {
    const std::string suite = unit.GetTestSuite(i)->name();
    for (const CaseInfo& info : AllCases()) {
      EXPECT_NE(info.gtest_name.substr(0, info.gtest_name.find('.')), suite);
    }
  }
}

}  // namespace
}  // namespace miconform

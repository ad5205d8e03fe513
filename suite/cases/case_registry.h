// case_registry.h - the list of conformance cases and the macro that declares one; used by the
// runner (listing, selection, judging) and by RunCaseChild, which registers the one GoogleTest a
// child process runs.
//
// A case is declared in ONE way, in the spirit of GoogleTest's TEST_F and TEST_P:
//
//   MICONFORM_CASE(SessionCloseSync, Idle, "session_close.sync.idle",
//                  "Summary sentence.", "SC-DESC-1", "SC-RET-1") { ...GoogleTest body... }
//
// declares one case whose body is the TestBody of a subclass of the fixture `SessionCloseSync`
// (cases::CaseFixture, a subclass of it, or an alias such as `using SessionCloseSync =
// CaseFixture;`); its GoogleTest name is "SessionCloseSync.Idle". A family of cases that differ
// only in a parameter is declared by rows:
//
//   MICONFORM_CASE_FAMILY(OperationKindCase, KindRows());
//
// where KindRows() returns std::vector<cases::CaseRow<P>> (ID, summary, requirements, parameter)
// and the fixture has a constructor taking P; each row is one case named
// "OperationKindCase.<id with '.' as '_'>".
//
// Traits are declared by the fixture, never guessed from the ID: `static constexpr CaseTraits
// kTraits` (CaseFixture's has none; a fixture whose cases are races or measure the heap sets its
// own). So choosing the fixture is choosing what the runner does around the case.
//
// Declaring a case does not register a GoogleTest: only RegisterCaseTest does (in the child, for
// its one case), so a binary that links the cases for their metadata (the runner, the
// self-tests) runs none of them by accident.
//
// IDs: dotted, area first, charset [a-z0-9_.], unique. CaseRegistryProblems() reports breaches;
// the self-tests require it empty and RunCaseChild refuses to run while it is not.
//
// Thread-safety: registration happens during static initialisation; afterwards everything here is
// read-only except RegisterCaseTest, which is called once from the child's main thread.
#ifndef MICONFORM_CASES_CASE_REGISTRY_H
#define MICONFORM_CASES_CASE_REGISTRY_H

#include <functional>
#include <string>
#include <string_view>
#include <vector>

// A case's fixture derives from testing::Test (through cases::CaseFixture, case_fixture.h); the
// registry needs no more of it than its name.
namespace testing {
class Test;
}  // namespace testing

namespace miconform {

// What the runner does around a case besides running it, declared by the case's fixture.
struct CaseTraits {
  // A race: a PASS is run again under many schedules (schedule_exploration.h).
  bool race = false;
  // Measures the target's heap: the heap accounting library is preloaded into its process
  // (suite/heap); without it (a sanitizer build) the case is NOT-SUPPORTED.
  bool heap_accounting = false;
};

struct CaseInfo {
  std::string id;                         // "session_close.sync.idle"
  std::vector<std::string> requirements;  // catalog IDs the case gives evidence for
  std::string gtest_name;                 // "Fixture.Name"
  std::string summary;                    // one sentence for listings
  CaseTraits traits;
};

// Every declared case, sorted by id.
const std::vector<CaseInfo>& AllCases();
// The case with that id, or nullptr.
const CaseInfo* FindCase(std::string_view id);
// Invalid or duplicate IDs, cases naming no requirement, duplicate GoogleTest names. Empty when
// the registry is sound.
std::vector<std::string> CaseRegistryProblems();
// True when `id` is a well-formed case ID (non-empty, [a-z0-9_.], no empty dotted part).
bool IsValidCaseId(std::string_view id);

namespace cases {

// One case of a family (MICONFORM_CASE_FAMILY): what a single case's declaration says, and the
// parameter its fixture is constructed with.
template <typename Param>
struct CaseRow {
  std::string id;
  std::string summary;
  std::vector<std::string> requirements;
  Param param;
};

// Registers the case's GoogleTest under its gtest_name. False when no case has that id.
bool RegisterCaseTest(std::string_view id);

namespace internal {

// Used by the two macros during static initialisation. Returns true.
bool DeclareCase(CaseInfo info, std::function<testing::Test*()> factory, const char* file,
                 int line);
// The GoogleTest name of a family's case: "<fixture>.<id with '.' as '_'>".
std::string FamilyCaseName(const char* fixture, const std::string& id);

template <typename Fixture, typename Param>
bool DeclareFamily(const char* fixture, const std::vector<CaseRow<Param>>& rows, const char* file,
                   int line) {
  for (const CaseRow<Param>& row : rows) {
    DeclareCase(
        CaseInfo{row.id, row.requirements, FamilyCaseName(fixture, row.id), row.summary,
                 Fixture::kTraits},
        [param = row.param]() -> testing::Test* { return new Fixture(param); }, file, line);
  }
  return true;
}

}  // namespace internal
}  // namespace cases
}  // namespace miconform

#define MICONFORM_CASE(Fixture, Name, case_id, summary, ...)                                     \
  class Fixture##_##Name##_Case : public Fixture {                                               \
   public:                                                                                       \
    void TestBody() override;                                                                    \
  };                                                                                             \
  [[maybe_unused]] static const bool Fixture##_##Name##_declared =                               \
      ::miconform::cases::internal::DeclareCase(                                                 \
          ::miconform::CaseInfo{                                                                 \
              case_id, {__VA_ARGS__}, #Fixture "." #Name, summary, Fixture::kTraits},            \
          []() -> ::testing::Test* { return new Fixture##_##Name##_Case; }, __FILE__, __LINE__); \
  void Fixture##_##Name##_Case::TestBody()

#define MICONFORM_CASE_FAMILY(Fixture, rows)                     \
  [[maybe_unused]] static const bool Fixture##_family_declared = \
      ::miconform::cases::internal::DeclareFamily<Fixture>(#Fixture, rows, __FILE__, __LINE__)

#endif  // MICONFORM_CASES_CASE_REGISTRY_H

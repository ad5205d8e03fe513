// case_registry.h - the list of conformance cases and the macro that declares one; used by the
// runner (listing, selection, judging) and by RunCaseChild, which registers the one GoogleTest a
// child process runs.
//
// A case is declared in ONE place:
//   MICONFORM_CASE(SessionCloseSync, Idle, "session_close.sync.idle",
//                  "Summary sentence.", "SC-DESC-1", "SC-RET-1") { ...GoogleTest body... }
// The body is a TestBody of a cases::CaseFixture subclass. Declaring a case does not register a
// GoogleTest: only RegisterCaseTest does (in the child, for its one case), so a binary that links
// the cases for their metadata (the runner, the self-tests) runs none of them by accident.
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

namespace miconform {

struct CaseInfo {
  std::string id;                         // "session_close.sync.idle"
  std::vector<std::string> requirements;  // catalog IDs the case gives evidence for
  std::string gtest_name;                 // "Suite.Name"
  std::string summary;                    // one sentence for listings
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

class CaseFixture;

// Used by MICONFORM_CASE during static initialisation. Returns true.
bool DeclareCase(CaseInfo info, std::function<CaseFixture*()> factory, const char* file, int line);

// Registers the case's GoogleTest under its gtest_name. False when no case has that id.
bool RegisterCaseTest(std::string_view id);

}  // namespace cases
}  // namespace miconform

#define MICONFORM_CASE(Suite, Name, case_id, summary, ...)                                      \
  class Suite##_##Name##_Case : public ::miconform::cases::CaseFixture {                        \
   public:                                                                                      \
    void TestBody() override;                                                                   \
  };                                                                                            \
  [[maybe_unused]] static const bool Suite##_##Name##_declared =                                \
      ::miconform::cases::DeclareCase(                                                          \
          ::miconform::CaseInfo{case_id, {__VA_ARGS__}, #Suite "." #Name, summary},             \
          []() -> ::miconform::cases::CaseFixture* { return new Suite##_##Name##_Case; },       \
          __FILE__, __LINE__);                                                                  \
  void Suite##_##Name##_Case::TestBody()

#endif  // MICONFORM_CASES_CASE_REGISTRY_H

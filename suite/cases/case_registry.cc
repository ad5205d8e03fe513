// case_registry.cc - keeps the declared cases and registers one of them with GoogleTest
// (case_registry.h).
#include "case_registry.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include <gtest/gtest.h>

namespace miconform {
namespace {

struct Declaration {
  CaseInfo info;
  std::function<testing::Test*()> factory;
  std::string file;
  int line = 0;
};

// Function-local so declarations in any translation unit's static initialisers find it built.
std::vector<Declaration>& Declarations() {
  static std::vector<Declaration> declarations;
  return declarations;
}

}  // namespace

bool IsValidCaseId(std::string_view id) {
  if (id.empty() || id.front() == '.' || id.back() == '.') return false;
  char previous = 0;
  for (char c : id) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
    if (!allowed || (c == '.' && previous == '.')) return false;
    previous = c;
  }
  return true;
}

const std::vector<CaseInfo>& AllCases() {
  static const std::vector<CaseInfo> cases = [] {
    std::vector<CaseInfo> sorted;
    for (const Declaration& declaration : Declarations()) sorted.push_back(declaration.info);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const CaseInfo& a, const CaseInfo& b) { return a.id < b.id; });
    return sorted;
  }();
  return cases;
}

const CaseInfo* FindCase(std::string_view id) {
  for (const CaseInfo& info : AllCases()) {
    if (info.id == id) return &info;
  }
  return nullptr;
}

std::vector<std::string> CaseRegistryProblems() {
  std::vector<std::string> problems;
  std::map<std::string, std::string> ids;
  std::map<std::string, std::string> gtest_names;
  for (const Declaration& declaration : Declarations()) {
    const CaseInfo& info = declaration.info;
    const std::string where = declaration.file + ":" + std::to_string(declaration.line);
    if (!IsValidCaseId(info.id)) {
      problems.push_back(where + ": case ID \"" + info.id + "\" is not dotted [a-z0-9_.]");
    }
    if (auto [it, inserted] = ids.emplace(info.id, where); !inserted) {
      problems.push_back(where + ": case ID \"" + info.id + "\" already declared at " + it->second);
    }
    if (auto [it, inserted] = gtest_names.emplace(info.gtest_name, where); !inserted) {
      problems.push_back(where + ": GoogleTest name " + info.gtest_name + " already declared at " +
                         it->second);
    }
    if (info.requirements.empty()) {
      problems.push_back(where + ": case \"" + info.id + "\" names no requirement");
    }
    if (info.summary.empty()) {
      problems.push_back(where + ": case \"" + info.id + "\" has no summary");
    }
  }
  return problems;
}

namespace cases {
namespace internal {

bool DeclareCase(CaseInfo info, std::function<testing::Test*()> factory, const char* file,
                 int line) {
  Declarations().push_back(Declaration{std::move(info), std::move(factory), file, line});
  return true;
}

std::string FamilyCaseName(const char* fixture, const std::string& id) {
  std::string name = std::string(fixture) + ".";
  for (char c : id) name += c == '.' ? '_' : c;
  return name;
}

}  // namespace internal

bool RegisterCaseTest(std::string_view id) {
  for (const Declaration& declaration : Declarations()) {
    if (declaration.info.id != id) continue;
    const std::string& name = declaration.info.gtest_name;
    const std::size_t dot = name.find('.');
    // GoogleTest copies the names; the file string lives as long as the declaration (forever).
    const std::string suite = name.substr(0, dot);
    const std::string test = dot == std::string::npos ? name : name.substr(dot + 1);
    auto factory = declaration.factory;
    testing::RegisterTest(suite.c_str(), test.c_str(), nullptr, nullptr, declaration.file.c_str(),
                          declaration.line, [factory]() -> testing::Test* { return factory(); });
    return true;
  }
  return false;
}

}  // namespace cases
}  // namespace miconform

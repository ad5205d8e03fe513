// verdict.cc - the verdict words, their severity order and which of them keep a run conformant.
#include "miconform/report/verdict.h"

#include <array>

namespace miconform::report {
namespace {

struct VerdictInfo {
  Verdict verdict;
  std::string_view word;
  bool conformant;
  bool warning;
};

// Listed best to worst: the index is the severity.
constexpr std::array<VerdictInfo, 10> kVerdicts = {{
    {Verdict::kPass, "PASS", true, false},
    {Verdict::kDocumentedHang, "DOCUMENTED-HANG", true, false},
    {Verdict::kNotSupported, "NOT-SUPPORTED", true, true},
    {Verdict::kNotExercised, "NOT-EXERCISED", true, true},
    {Verdict::kInconclusive, "INCONCLUSIVE", true, true},
    {Verdict::kDeviation, "DEVIATION", true, true},
    {Verdict::kFail, "FAIL", false, false},
    {Verdict::kHang, "HANG", false, false},
    {Verdict::kCrash, "CRASH", false, false},
    {Verdict::kError, "ERROR", false, false},
}};

const VerdictInfo& InfoOf(Verdict verdict) {
  for (const VerdictInfo& info : kVerdicts) {
    if (info.verdict == verdict) return info;
  }
  // An out-of-range enum value (a cast from a bad integer) is treated as the worst outcome:
  // the harness cannot vouch for it.
  return kVerdicts.back();
}

}  // namespace

std::string_view ToString(Verdict verdict) { return InfoOf(verdict).word; }

std::optional<Verdict> ParseVerdict(std::string_view text) {
  for (const VerdictInfo& info : kVerdicts) {
    if (info.word == text) return info.verdict;
  }
  return std::nullopt;
}

int Severity(Verdict verdict) {
  for (std::size_t i = 0; i < kVerdicts.size(); ++i) {
    if (kVerdicts[i].verdict == verdict) return static_cast<int>(i);
  }
  return static_cast<int>(kVerdicts.size() - 1);
}

Verdict Worst(Verdict a, Verdict b) { return Severity(b) > Severity(a) ? b : a; }

bool IsConformant(Verdict verdict) { return InfoOf(verdict).conformant; }

bool IsWarning(Verdict verdict) { return InfoOf(verdict).warning; }

bool IsNonConformant(Verdict verdict) {
  return verdict == Verdict::kFail || verdict == Verdict::kHang || verdict == Verdict::kCrash;
}

}  // namespace miconform::report

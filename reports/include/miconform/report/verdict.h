// verdict.h - the closed set of verdicts a conformance case or requirement can receive.
//
// Included by the report model, the runner and the case harness. The words are part of the
// report format: never rename one.
#ifndef MICONFORM_REPORT_VERDICT_H
#define MICONFORM_REPORT_VERDICT_H

#include <optional>
#include <string_view>

namespace miconform::report {

enum class Verdict {
  kPass,            // PASS: every check held.
  kDocumentedHang,  // DOCUMENTED-HANG: the documented stop-responding outcome, in the named call.
  kNotSupported,    // NOT-SUPPORTED: the target lacks what the case needs.
  kNotExercised,    // NOT-EXERCISED: the planned fault never fired; the run proved nothing there.
  kInconclusive,    // INCONCLUSIVE: the suite could not judge (e.g. too slow: still progressing
                    // at the end of its budget); never charged to the target.
  kDeviation,       // DEVIATION: a documented hang did not happen (lenient: a warning).
  kFail,            // FAIL: a MUST was violated.
  kHang,            // HANG: the target stopped responding where the document does not say so.
  kCrash,           // CRASH: the case's process was killed by a signal or died abnormally.
  kError,           // ERROR: the harness itself could not run the case; never the target's fault.
};

// The report word: "PASS", "DOCUMENTED-HANG", ...
std::string_view ToString(Verdict verdict);
// Inverse of ToString; nullopt for any other text.
std::optional<Verdict> ParseVerdict(std::string_view text);
// Orders verdicts from best (PASS) to worst (ERROR); a requirement's verdict is the worst of its
// cases'.
int Severity(Verdict verdict);
Verdict Worst(Verdict a, Verdict b);
// PASS, DOCUMENTED-HANG, DEVIATION, NOT-SUPPORTED, NOT-EXERCISED and INCONCLUSIVE keep a run
// conformant.
bool IsConformant(Verdict verdict);
// Conformant, but worth a reader's attention (DEVIATION, NOT-EXERCISED, NOT-SUPPORTED,
// INCONCLUSIVE).
bool IsWarning(Verdict verdict);
// FAIL, HANG or CRASH: the target broke a requirement (ERROR is the harness's, not the target's).
bool IsNonConformant(Verdict verdict);

}  // namespace miconform::report

#endif  // MICONFORM_REPORT_VERDICT_H

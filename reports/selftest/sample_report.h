// sample_report.h - a fixed Report holding every verdict and awkward text, for the writer tests.
//
// Every field is a constant (no clock, no host, no temporary path), so the golden files written
// from it never change unless a writer does.
#ifndef MICONFORM_REPORT_SELFTEST_SAMPLE_REPORT_H
#define MICONFORM_REPORT_SELFTEST_SAMPLE_REPORT_H

#include "miconform/report/report.h"

namespace miconform::report::testing {

// Nine cases (one per verdict, in severity order), three requirements plus one no case names,
// aggregated.
Report SampleReport();

// Text that tries every escaping rule: markup, quotes, control characters, table pipes,
// backtick runs, non-ASCII UTF-8.
inline constexpr const char* kNastyText =
    "<&>\"' a|b ``` `x` \x01\x07\x1b[0m tab\there \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80 "
    "<script>alert(1)</script> ]]> --> *bold* _u_ [l](x) #h";

// A case result and a requirement result for the model's tests: a case with its named
// requirements, verdict and findings; a requirement (level MUST) with its planned cases and a PASS
// verdict that Aggregate must overwrite.
CaseResult MakeCase(const std::string& id, std::vector<std::string> requirements, Verdict verdict,
                    std::vector<Finding> findings = {});
RequirementResult MakeRequirement(const std::string& id, std::vector<std::string> case_ids = {});

// Structural field-by-field comparison (GoogleTest failures name the field).
void ExpectSameReport(const Report& expected, const Report& actual);

}  // namespace miconform::report::testing

#endif  // MICONFORM_REPORT_SELFTEST_SAMPLE_REPORT_H

// root_causes_selftest.cc - self-tests of RootCauses: what groups failures, what keeps them apart.
#include <gtest/gtest.h>

#include "miconform/report/root_causes.h"
#include "sample_report.h"

namespace miconform::report {
namespace {

using testing::MakeCase;
using testing::MakeRequirement;

constexpr const char* kNoCancelState =
    "an operation running that the client had neither cancelled nor closed; a handler session "
    "the client had not closed";
// As the case sends it after it called MI_Session_Close.
const std::string kNoCancel =
    std::string("after MI_Session_Close had been called: ") + kNoCancelState;

CaseResult Failing(const std::string& id, const std::string& requirement,
                   const std::string& transport) {
  CaseResult result =
      MakeCase(id, {requirement}, Verdict::kFail, {{Verdict::kFail, requirement, "check"}});
  result.evidence.transport_at_failure = transport;
  return result;
}

Report Aggregated(std::vector<CaseResult> cases, std::vector<std::string> requirements) {
  Report report;
  for (const std::string& id : requirements) report.requirements.push_back(MakeRequirement(id));
  report.cases = std::move(cases);
  report.Aggregate();
  return report;
}

std::vector<std::string> Facts(const RootCause& cause) {
  std::vector<std::string> texts;
  for (const SharedFact& fact : cause.shared)
    texts.push_back(fact.text + " x" + std::to_string(fact.cases));
  return texts;
}

const std::string kNoCancelFact =
    std::string(
        "when the first check failed, MI_Session_Close had been called and the scripted "
        "handler had seen ") +
    kNoCancelState;

// One fault of the client (a close that never reaches the transport) broke four requirements:
// one group, linked by the transport's state.
TEST(RootCauses, OneUnfinishedTransportStateLinksFailuresOfManyRequirements) {
  const Report report =
      Aggregated({Failing("a.one", "R1", kNoCancel), Failing("a.two", "R2", kNoCancel),
                  Failing("b.three", "R3", kNoCancel), Failing("b.four", "R1", kNoCancel)},
                 {"R1", "R2", "R3"});
  const std::vector<RootCause> causes = RootCauses(report);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(Facts(causes[0]),
            (std::vector<std::string>{kNoCancelFact + " x4", "the first failed check judges R1 x2",
                                      "the first failed check judges R2 x1",
                                      "the first failed check judges R3 x1"}));
  EXPECT_EQ(causes[0].case_ids, (std::vector<std::string>{"a.one", "a.two", "b.three", "b.four"}));
  EXPECT_EQ(causes[0].requirement_ids, (std::vector<std::string>{"R1", "R2", "R3"}));
}

// One requirement's first check failing under two transport states is still one group; a
// settled transport links nothing, nor does an unfinished one seen before any close call (the
// case at work), so different first requirements stay apart.
TEST(RootCauses, TheFirstFailedRequirementLinksAndASettledTransportDoesNot) {
  const std::string settled =
      std::string("after MI_Session_Close had been called: ") + std::string(kTransportSettled);
  const Report report = Aggregated(
      {Failing("a.one", "R1", settled), Failing("a.two", "R2", settled),
       Failing("a.three", "R1", kNoCancel), Failing("a.four", "R2", std::string(kTransportEmpty)),
       Failing("a.five", "R2", kNoCancelState), Failing("a.six", "R3", kNoCancelState)},
      {"R1", "R2", "R3"});
  const std::vector<RootCause> causes = RootCauses(report);
  ASSERT_EQ(causes.size(), 3u);
  EXPECT_EQ(causes[0].case_ids, (std::vector<std::string>{"a.two", "a.four", "a.five"}));
  EXPECT_EQ(Facts(causes[0]), (std::vector<std::string>{"the first failed check judges R2 x3"}));
  EXPECT_EQ(causes[1].case_ids, (std::vector<std::string>{"a.one", "a.three"}));
  EXPECT_EQ(Facts(causes[1]), (std::vector<std::string>{"the first failed check judges R1 x2",
                                                        kNoCancelFact + " x1"}));
  EXPECT_EQ(causes[2].case_ids, (std::vector<std::string>{"a.six"}));
}

// A check that named no requirement is shown, but does not make one group of unrelated failures.
TEST(RootCauses, FactsThatSayNothingAboutTheClientLinkNothing) {
  CaseResult one = MakeCase("u.one", {"R1"}, Verdict::kFail, {{Verdict::kFail, "", "check"}});
  CaseResult two = MakeCase("u.two", {"R2"}, Verdict::kFail, {{Verdict::kFail, "", "check"}});
  const Report report = Aggregated({one, two}, {"R1", "R2"});
  const std::vector<RootCause> causes = RootCauses(report);
  ASSERT_EQ(causes.size(), 2u);
  EXPECT_EQ(Facts(causes[0]),
            (std::vector<std::string>{"the first failed check judges no requirement x1"}));
}

TEST(RootCauses, HangsAndCrashesGroupByTheCallLargestGroupFirst) {
  CaseResult hang = MakeCase("h.one", {"R1"}, Verdict::kHang);
  hang.phase = "entered MI_Session_Close";
  CaseResult hang_too = MakeCase("h.two", {"R2"}, Verdict::kHang);
  hang_too.phase = "returned MI_Session_EnumerateInstances";  // another thread's last phase
  hang_too.calls_in_flight = {"MI_Session_Close"};            // what decides
  CaseResult crash = MakeCase("c.one", {"R1"}, Verdict::kCrash);
  crash.phase = "returned MI_Operation_Close";
  const Report report = Aggregated({crash, hang, hang_too}, {"R1", "R2"});
  const std::vector<RootCause> causes = RootCauses(report);
  ASSERT_EQ(causes.size(), 2u);
  EXPECT_EQ(Facts(causes[0]),
            (std::vector<std::string>{"stopped responding in MI_Session_Close x2"}));
  EXPECT_EQ(causes[0].case_ids, (std::vector<std::string>{"h.one", "h.two"}));
  EXPECT_EQ(causes[0].requirement_ids, (std::vector<std::string>{"R1", "R2"}));
  EXPECT_EQ(Facts(causes[1]),
            (std::vector<std::string>{"crashed in phase 'returned MI_Operation_Close' x1"}));
}

// Conformant outcomes, warnings and the harness's own errors are nobody's root cause.
TEST(RootCauses, OnlyCasesThatDoNotConformAreGrouped) {
  const Report report = Aggregated(
      {MakeCase("p.pass", {"R1"}, Verdict::kPass),
       MakeCase("p.deviation", {"R1"}, Verdict::kDeviation, {{Verdict::kDeviation, "R1", "late"}}),
       MakeCase("p.error", {"R1"}, Verdict::kError),
       MakeCase("p.inconclusive", {"R1"}, Verdict::kInconclusive)},
      {"R1"});
  EXPECT_TRUE(RootCauses(report).empty());
}

}  // namespace
}  // namespace miconform::report

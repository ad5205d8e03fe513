// junit_selftest.cc - self-tests of junit.xml: well-formed XML, the verdict mapping, the counts,
// the suite's wall-clock time, timestamp and hostname.
#include <sstream>
#include <tuple>

#include <gtest/gtest.h>

#include "miconform/report/writers.h"
#include "sample_report.h"
#include "xml_check.h"

namespace miconform::report {
namespace {

using testing::ParseXml;
using testing::XmlElement;

std::string ToJunit(const Report& report) {
  std::ostringstream out;
  WriteJunit(report, out);
  return out.str();
}

const XmlElement* FindCase(const XmlElement& suite, const std::string& name) {
  for (const XmlElement* testcase : suite.Children("testcase")) {
    if (testcase->attributes.at("name") == name) return testcase;
  }
  return nullptr;
}

// The one <testsuite> of a junit.xml root.
const XmlElement& SuiteOf(const XmlElement& root) {
  EXPECT_EQ(root.name, "testsuites");
  EXPECT_EQ(root.Children("testsuite").size(), 1u);
  return *root.Children("testsuite").at(0);
}

TEST(Junit, SampleIsWellFormedWithCorrectCounts) {
  const Report report = testing::SampleReport();
  const XmlElement root = ParseXml(ToJunit(report));
  EXPECT_EQ(root.name, "testsuites");
  EXPECT_EQ(root.children.size(), 1u);
  const XmlElement& suite = SuiteOf(root);
  for (const XmlElement* element : {&root, &suite}) {
    EXPECT_EQ(element->attributes.at("name"), "miconform");
    EXPECT_EQ(element->attributes.at("tests"), "10");
    EXPECT_EQ(element->attributes.at("failures"), "3");  // FAIL, HANG, CRASH
    EXPECT_EQ(element->attributes.at("errors"), "1");    // ERROR
    EXPECT_EQ(element->attributes.at("skipped"), "3");   // NOT-SUPPORTED, -EXERCISED, INCONCLUSIVE
    // The run's wall-clock time (13:35:45.123 to 13:36:02.456), not the 40.768 s its cases took.
    EXPECT_EQ(element->attributes.at("time"), "17.333");
  }
  EXPECT_EQ(suite.attributes.at("timestamp"), "2026-11-25T13:35:45");
  EXPECT_EQ(suite.attributes.at("hostname"), "buildhost");
  EXPECT_EQ(suite.Children("testcase").size(), 10u);
  EXPECT_EQ(suite.Children("properties").size(), 1u);
}

TEST(Junit, CountsMatchTheChildElements) {
  const XmlElement root = ParseXml(ToJunit(testing::SampleReport()));
  const XmlElement& suite = SuiteOf(root);
  int failures = 0, errors = 0, skipped = 0;
  for (const XmlElement* testcase : suite.Children("testcase")) {
    failures += static_cast<int>(testcase->Children("failure").size());
    errors += static_cast<int>(testcase->Children("error").size());
    skipped += static_cast<int>(testcase->Children("skipped").size());
  }
  for (const XmlElement* element : {&root, &suite}) {
    EXPECT_EQ(std::to_string(failures), element->attributes.at("failures"));
    EXPECT_EQ(std::to_string(errors), element->attributes.at("errors"));
    EXPECT_EQ(std::to_string(skipped), element->attributes.at("skipped"));
  }
}

TEST(Junit, EachVerdictMapsToItsElement) {
  const XmlElement root = ParseXml(ToJunit(testing::SampleReport()));
  const XmlElement& suite = SuiteOf(root);
  const XmlElement* pass = FindCase(suite, "session_close.sync.idle");
  ASSERT_NE(pass, nullptr);
  EXPECT_TRUE(pass->children.empty());
  EXPECT_EQ(pass->attributes.at("classname"), "session_close.sync");
  EXPECT_EQ(pass->attributes.at("time"), "0.125");

  const XmlElement* fail = FindCase(suite, "session_close.sync.open_operation");
  ASSERT_NE(fail, nullptr);
  ASSERT_EQ(fail->Children("failure").size(), 1u);
  EXPECT_NE(fail->Children("failure")[0]->attributes.at("message").find("MI_RESULT_FAILED"),
            std::string::npos);

  // The target broke a requirement: a failure, typed by the verdict, with the case's messages.
  for (const auto& [name, type] : std::vector<std::pair<std::string, std::string>>{
           {"session_close.sync.open_operation", "FAIL"},
           {"session_close.async.cancel_race", "HANG"},
           {"session_close.sync.double_close", "CRASH"}}) {
    const XmlElement* testcase = FindCase(suite, name);
    ASSERT_NE(testcase, nullptr) << name;
    EXPECT_TRUE(testcase->Children("error").empty()) << name;
    ASSERT_EQ(testcase->Children("failure").size(), 1u) << name;
    const XmlElement& failure = *testcase->Children("failure")[0];
    EXPECT_EQ(failure.attributes.at("type"), type);
    EXPECT_EQ(failure.attributes.at("message").rfind(type + ": ", 0), 0u) << name;
    EXPECT_NE(failure.text.find("verdict: " + type), std::string::npos) << name;
  }
  EXPECT_EQ(FindCase(suite, "session_close.sync.double_close")
                ->Children("failure")[0]
                ->attributes.at("message"),
            "CRASH: killed by signal 11 (SIGSEGV)");

  // The harness could not run the case: the only error.
  const XmlElement* error = FindCase(suite, "session_close.harness.no_handler");
  ASSERT_NE(error, nullptr);
  EXPECT_TRUE(error->Children("failure").empty());
  ASSERT_EQ(error->Children("error").size(), 1u);
  EXPECT_EQ(error->Children("error")[0]->attributes.at("type"), "ERROR");
  EXPECT_NE(error->Children("error")[0]->attributes.at("message").find("scripted handler"),
            std::string::npos);

  for (const auto& [name, verdict] : std::vector<std::pair<std::string, std::string>>{
           {"session_close.async.no_callback_thread", "NOT-SUPPORTED"},
           {"session_close.async.drop_response", "NOT-EXERCISED"},
           {"memory.session_close.cycles", "INCONCLUSIVE"}}) {
    const XmlElement* testcase = FindCase(suite, name);
    ASSERT_NE(testcase, nullptr) << name;
    ASSERT_EQ(testcase->Children("skipped").size(), 1u) << name;
    EXPECT_EQ(testcase->Children("skipped")[0]->attributes.at("message").rfind(verdict + ": ", 0),
              0u)
        << name;
  }
  // Conformant verdicts of cases that were judged: passed, with the verdict and why (for a
  // DOCUMENTED-HANG the documented sentence) in <system-out>.
  using Expected = std::tuple<std::string, std::string, std::string>;
  for (const auto& [name, verdict, why] : std::vector<Expected>{
           {"session_close.sync.from_callback", "DOCUMENTED-HANG",
            "The document says: the call stops responding when made from a callback."},
           {"session_close.sync.from_callback_lenient", "DEVIATION",
            "documented hang did not happen: the call returned MI_RESULT_OK"}}) {
    const XmlElement* testcase = FindCase(suite, name);
    ASSERT_NE(testcase, nullptr) << name;
    EXPECT_TRUE(testcase->Children("failure").empty());
    EXPECT_TRUE(testcase->Children("error").empty());
    EXPECT_TRUE(testcase->Children("skipped").empty());
    ASSERT_EQ(testcase->Children("system-out").size(), 1u);
    const std::string out = testcase->Children("system-out")[0]->text;
    EXPECT_NE(out.find("verdict: " + verdict), std::string::npos) << out;
    EXPECT_NE(out.find(why), std::string::npos) << out;
  }
}

TEST(Junit, SuiteTimeIsTheRunsWallClockNotTheSumOfItsCases) {
  Report report;
  report.run.started = "2026-12-31T23:59:59.900Z";  // across a year's end
  report.run.ended = "2027-01-01T00:00:01.150Z";
  for (const double seconds : {1.0, 1.0, 0.5}) {
    CaseResult result;
    result.id = "area.case" + std::to_string(report.cases.size());
    result.verdict = Verdict::kPass;
    result.duration_s = seconds;
    report.cases.push_back(result);
  }
  XmlElement root = ParseXml(ToJunit(report));
  EXPECT_EQ(root.attributes.at("time"), "1.250");
  EXPECT_EQ(SuiteOf(root).attributes.at("time"), "1.250");
  EXPECT_EQ(SuiteOf(root).attributes.at("timestamp"), "2026-12-31T23:59:59");
  EXPECT_EQ(SuiteOf(root).Children("testcase").at(2)->attributes.at("time"), "0.500");

  // A run that never ended (the journal of a killed runner) has no wall-clock time: its cases'.
  report.run.ended = "";
  root = ParseXml(ToJunit(report));
  EXPECT_EQ(SuiteOf(root).attributes.at("time"), "2.500");
  // Nor has one whose clock went backwards, or whose timestamps are not RunInfo's.
  report.run.ended = "2026-12-31T23:59:58.000Z";
  EXPECT_EQ(SuiteOf(ParseXml(ToJunit(report))).attributes.at("time"), "2.500");
  report.run.started = "yesterday";
  report.run.ended = "today";
  root = ParseXml(ToJunit(report));
  EXPECT_EQ(SuiteOf(root).attributes.at("time"), "2.500");
  EXPECT_EQ(SuiteOf(root).attributes.count("timestamp"), 0u) << "none rather than a wrong one";
  // Seconds without a fraction are RunInfo timestamps too.
  report.run.started = "2026-02-28T10:00:00Z";
  report.run.ended = "2026-03-01T10:00:00Z";
  EXPECT_EQ(SuiteOf(ParseXml(ToJunit(report))).attributes.at("time"), "86400.000");
}

TEST(Junit, HostnameIsTheRunsHostName) {
  Report report;
  for (const auto& [host, hostname] : std::vector<std::pair<std::string, std::string>>{
           {"vm (Linux 6.18.44 x86_64)", "vm"},  // as the runner describes its host
           {"buildhost, Linux 6.1.0, x86_64", "buildhost"},
           {"ci-runner-7", "ci-runner-7"},
           {"", "localhost"}}) {
    report.run.host = host;
    const XmlElement root = ParseXml(ToJunit(report));
    EXPECT_EQ(SuiteOf(root).attributes.at("hostname"), hostname) << host;
  }
}

TEST(Junit, NastyTextSurvivesEscapingExactlyWhereXmlAllowsIt) {
  Report report;
  CaseResult result;
  result.id = std::string("weird.") + testing::kNastyText;
  result.verdict = Verdict::kFail;
  result.messages = {testing::kNastyText, "bad utf-8 \xFF\xC3 end"};
  result.evidence.output = std::string("out \r\n") + testing::kNastyText;
  report.cases = {result};
  report.run.target = testing::kNastyText;
  report.run.options = {{"<opt>", "\"v\"\x02"}};
  const std::string xml = ToJunit(report);
  XmlElement root;
  ASSERT_NO_THROW(root = ParseXml(xml)) << xml;
  const XmlElement* testcase = SuiteOf(root).Children("testcase").at(0);
  // Markup characters and non-ASCII text come back exactly; control characters became U+FFFD.
  const std::string name = testcase->attributes.at("name");
  EXPECT_NE(name.find("<&>\"' a|b ``` `x` "), std::string::npos);
  EXPECT_NE(name.find("\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD[0m tab\there"), std::string::npos)
      << name;
  EXPECT_NE(name.find("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"), std::string::npos);
  EXPECT_NE(name.find("<script>alert(1)</script> ]]> -->"), std::string::npos);
  const std::string err = testcase->Children("system-err").at(0)->text;
  EXPECT_NE(err.find("out \r\n"), std::string::npos) << "carriage return kept as a reference";
  EXPECT_NE(
      testcase->Children("failure").at(0)->attributes.at("message").find("bad utf-8 \xEF\xBF\xBD"),
      std::string::npos);
}

TEST(Junit, EmptyReportIsStillAValidSuite) {
  const XmlElement root = ParseXml(ToJunit(Report()));
  EXPECT_EQ(root.attributes.at("tests"), "0");
  EXPECT_EQ(SuiteOf(root).attributes.at("tests"), "0");
  EXPECT_EQ(SuiteOf(root).attributes.at("time"), "0.000");
  EXPECT_TRUE(SuiteOf(root).Children("testcase").empty());
}

TEST(XmlCheck, RejectsMalformedDocuments) {
  EXPECT_THROW(ParseXml("<a><b></a>"), std::runtime_error);
  EXPECT_THROW(ParseXml("<a x=\"1\" x=\"2\"/>"), std::runtime_error);
  EXPECT_THROW(ParseXml("<a>&nbsp;</a>"), std::runtime_error);
  EXPECT_THROW(ParseXml("<a>1 & 2</a>"), std::runtime_error);
  EXPECT_THROW(ParseXml("<a>\x01</a>"), std::runtime_error);
  EXPECT_THROW(ParseXml("<a>\xFF</a>"), std::runtime_error);
  EXPECT_THROW(ParseXml("<r a=\"\xC0\xAF\"/>"), std::runtime_error) << "overlong '/'";
  EXPECT_THROW(ParseXml("<a>\xE0\x80\xAF</a>"), std::runtime_error) << "overlong in three bytes";
  EXPECT_THROW(ParseXml("<a x=\"<\"/>"), std::runtime_error);
  EXPECT_THROW(ParseXml("<a/><b/>"), std::runtime_error);
  EXPECT_NO_THROW(ParseXml("<?xml version=\"1.0\"?>\n<a x=\"&#10;\">t&amp;</a>\n"));
}

}  // namespace
}  // namespace miconform::report

// junit_test.cc - self-tests of junit.xml: well-formed XML, the verdict mapping and the counts.
#include <gtest/gtest.h>

#include <sstream>

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

TEST(Junit, SampleIsWellFormedWithCorrectCounts) {
  const Report report = testing::SampleReport();
  const XmlElement suite = ParseXml(ToJunit(report));
  EXPECT_EQ(suite.name, "testsuite");
  EXPECT_EQ(suite.attributes.at("name"), "miconform");
  EXPECT_EQ(suite.attributes.at("tests"), "10");
  EXPECT_EQ(suite.attributes.at("failures"), "1");
  EXPECT_EQ(suite.attributes.at("errors"), "3");
  EXPECT_EQ(suite.attributes.at("skipped"), "3");
  EXPECT_EQ(suite.attributes.at("time"), "40.768");
  EXPECT_EQ(suite.attributes.at("timestamp"), "2026-11-25T13:35:45.123Z");
  EXPECT_EQ(suite.Children("testcase").size(), 10u);
  EXPECT_EQ(suite.Children("properties").size(), 1u);
}

TEST(Junit, CountsMatchTheChildElements) {
  const XmlElement suite = ParseXml(ToJunit(testing::SampleReport()));
  int failures = 0, errors = 0, skipped = 0;
  for (const XmlElement* testcase : suite.Children("testcase")) {
    failures += static_cast<int>(testcase->Children("failure").size());
    errors += static_cast<int>(testcase->Children("error").size());
    skipped += static_cast<int>(testcase->Children("skipped").size());
  }
  EXPECT_EQ(std::to_string(failures), suite.attributes.at("failures"));
  EXPECT_EQ(std::to_string(errors), suite.attributes.at("errors"));
  EXPECT_EQ(std::to_string(skipped), suite.attributes.at("skipped"));
}

TEST(Junit, EachVerdictMapsToItsElement) {
  const XmlElement suite = ParseXml(ToJunit(testing::SampleReport()));
  const XmlElement* pass = FindCase(suite, "session_close.sync.idle");
  ASSERT_NE(pass, nullptr);
  EXPECT_TRUE(pass->children.empty());
  EXPECT_EQ(pass->attributes.at("classname"), "session_close.sync");
  EXPECT_EQ(pass->attributes.at("time"), "0.125");

  const XmlElement* fail = FindCase(suite, "session_close.sync.open_operation");
  ASSERT_NE(fail, nullptr);
  ASSERT_EQ(fail->Children("failure").size(), 1u);
  EXPECT_EQ(fail->Children("failure")[0]->attributes.at("type"), "FAIL");
  EXPECT_NE(fail->Children("failure")[0]->attributes.at("message").find("MI_RESULT_FAILED"),
            std::string::npos);

  for (const auto& [name, type] : std::vector<std::pair<std::string, std::string>>{
           {"session_close.async.cancel_race", "HANG"},
           {"session_close.sync.double_close", "CRASH"},
           {"session_close.harness.no_handler", "ERROR"}}) {
    const XmlElement* testcase = FindCase(suite, name);
    ASSERT_NE(testcase, nullptr) << name;
    ASSERT_EQ(testcase->Children("error").size(), 1u) << name;
    EXPECT_EQ(testcase->Children("error")[0]->attributes.at("type"), type);
  }
  for (const std::string name :
       {"session_close.async.no_callback_thread", "session_close.async.drop_response"}) {
    const XmlElement* testcase = FindCase(suite, name);
    ASSERT_NE(testcase, nullptr) << name;
    ASSERT_EQ(testcase->Children("skipped").size(), 1u) << name;
  }
  for (const auto& [name, verdict] : std::vector<std::pair<std::string, std::string>>{
           {"session_close.sync.from_callback", "DOCUMENTED-HANG"},
           {"session_close.sync.from_callback_lenient", "DEVIATION"}}) {
    const XmlElement* testcase = FindCase(suite, name);
    ASSERT_NE(testcase, nullptr) << name;
    EXPECT_TRUE(testcase->Children("failure").empty());
    EXPECT_TRUE(testcase->Children("error").empty());
    EXPECT_TRUE(testcase->Children("skipped").empty());
    ASSERT_EQ(testcase->Children("system-out").size(), 1u);
    EXPECT_NE(testcase->Children("system-out")[0]->text.find("verdict: " + verdict),
              std::string::npos);
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
  XmlElement suite;
  ASSERT_NO_THROW(suite = ParseXml(xml)) << xml;
  const XmlElement* testcase = suite.Children("testcase").at(0);
  // Markup characters and non-ASCII text come back exactly; control characters became U+FFFD.
  const std::string name = testcase->attributes.at("name");
  EXPECT_NE(name.find("<&>\"' a|b ``` `x` "), std::string::npos);
  EXPECT_NE(name.find("\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD[0m tab\there"), std::string::npos)
      << name;
  EXPECT_NE(name.find("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"), std::string::npos);
  EXPECT_NE(name.find("<script>alert(1)</script> ]]> -->"), std::string::npos);
  const std::string err = testcase->Children("system-err").at(0)->text;
  EXPECT_NE(err.find("out \r\n"), std::string::npos) << "carriage return kept as a reference";
  EXPECT_NE(testcase->Children("failure").at(0)->attributes.at("message").find("bad utf-8 \xEF\xBF\xBD"),
            std::string::npos);
}

TEST(Junit, EmptyReportIsStillAValidSuite) {
  const XmlElement suite = ParseXml(ToJunit(Report()));
  EXPECT_EQ(suite.attributes.at("tests"), "0");
  EXPECT_TRUE(suite.Children("testcase").empty());
}

TEST(XmlCheck, RejectsMalformedDocuments) {
  EXPECT_THROW(ParseXml("<a><b></a>"), std::runtime_error);
  EXPECT_THROW(ParseXml("<a x=\"1\" x=\"2\"/>"), std::runtime_error);
  EXPECT_THROW(ParseXml("<a>&nbsp;</a>"), std::runtime_error);
  EXPECT_THROW(ParseXml("<a>1 & 2</a>"), std::runtime_error);
  EXPECT_THROW(ParseXml("<a>\x01</a>"), std::runtime_error);
  EXPECT_THROW(ParseXml("<a>\xFF</a>"), std::runtime_error);
  EXPECT_THROW(ParseXml("<a x=\"<\"/>"), std::runtime_error);
  EXPECT_THROW(ParseXml("<a/><b/>"), std::runtime_error);
  EXPECT_NO_THROW(ParseXml("<?xml version=\"1.0\"?>\n<a x=\"&#10;\">t&amp;</a>\n"));
}

}  // namespace
}  // namespace miconform::report

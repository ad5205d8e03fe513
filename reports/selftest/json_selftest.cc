// json_selftest.cc - self-tests of report.json: layout, round trip and the reader's error messages.
#include <sstream>

#include <gtest/gtest.h>

#include "miconform/report/writers.h"
#include "sample_report.h"

namespace miconform::report {
namespace {

std::string ToJsonText(const Report& report) {
  std::ostringstream out;
  WriteJson(report, out);
  return out.str();
}

Report FromJsonText(const std::string& text) {
  std::istringstream in(text);
  return ReadJson(in);
}

std::string ReadError(const std::string& text) {
  try {
    FromJsonText(text);
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(Json, DocumentHasTheDocumentedShape) {
  const Report report = testing::SampleReport();
  const auto document = nlohmann::json::parse(ToJsonText(report));
  EXPECT_EQ(document.at("schema_version"), 1);
  EXPECT_EQ(document.at("run").at("target"), "reference");
  EXPECT_EQ(document.at("run").at("options").at("jobs"), "2");
  EXPECT_EQ(document.at("summary").at("conformant"), false);
  EXPECT_EQ(document.at("summary").at("claim"), "NOT CONFORMANT");
  EXPECT_EQ(document.at("summary").at("claim_gaps").size(), 2u);
  EXPECT_EQ(document.at("summary").at("cases"), 10);
  EXPECT_EQ(document.at("summary").at("by_verdict").size(), 10u);
  EXPECT_EQ(document.at("summary").at("by_verdict").at("DOCUMENTED-HANG"), 1);
  EXPECT_EQ(document.at("requirements").at(2).at("level"), "STOPS-RESPONDING");
  EXPECT_EQ(document.at("requirements").at(0).at("cases").size(), 3u);
  const auto& fail = document.at("cases").at(5);
  EXPECT_EQ(fail.at("verdict"), "FAIL");
  EXPECT_EQ(fail.at("evidence").at("backend").at("requests"), 2);
  EXPECT_EQ(fail.at("evidence").at("fired").at(0), "handler.delay_response");
  EXPECT_TRUE(document.at("cases").at(0).at("evidence").at("backend").is_null());
}

TEST(Json, FieldsAreWrittenInTheDocumentedOrder) {
  const std::string text = ToJsonText(testing::SampleReport());
  // Top-level keys are the ones indented by exactly two spaces.
  const auto at = [&](const std::string& key) { return text.find("\n  \"" + key + "\""); };
  EXPECT_LT(at("schema_version"), at("run"));
  EXPECT_LT(at("run"), at("summary"));
  EXPECT_LT(at("summary"), at("requirements"));
  EXPECT_LT(at("requirements"), at("cases"));
}

TEST(Json, RoundTripKeepsEveryField) {
  const Report report = testing::SampleReport();
  const Report back = FromJsonText(ToJsonText(report));
  testing::ExpectSameReport(report, back);
  EXPECT_EQ(ToJsonText(back), ToJsonText(report));
}

TEST(Json, RoundTripOfAnEmptyReport) {
  Report empty;
  const Report back = FromJsonText(ToJsonText(empty));
  testing::ExpectSameReport(empty, back);
}

TEST(Json, InvalidUtf8IsReplacedNotThrown) {
  Report report = testing::SampleReport();
  report.cases[0].evidence.output = "binary \xFF\xFE tail";
  std::string text;
  ASSERT_NO_THROW(text = ToJsonText(report));
  const Report back = FromJsonText(text);
  EXPECT_EQ(back.cases[0].evidence.output, "binary \xEF\xBF\xBD\xEF\xBF\xBD tail");
}

TEST(Json, NonFiniteDurationIsWrittenAsZero) {
  Report report = testing::SampleReport();
  report.cases[0].duration_s = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(FromJsonText(ToJsonText(report)).cases[0].duration_s, 0.0);
}

TEST(Json, EvidenceMembersAreOptionalOnReading) {
  auto document = nlohmann::json::parse(ToJsonText(testing::SampleReport()));
  document["cases"][5].erase("evidence");
  const Report back = FromJsonText(document.dump());
  EXPECT_TRUE(back.cases[5].evidence.stacks.empty());
  EXPECT_TRUE(back.cases[5].evidence.backend.is_null());
}

TEST(Json, SchedulesToFailureIsWrittenOnlyWhenKnown) {
  Report report = testing::SampleReport();
  report.cases[5].schedules_to_failure = 7;
  report.cases[4].schedules_to_failure = 0;
  const auto document = nlohmann::json::parse(ToJsonText(report));
  EXPECT_EQ(document.at("cases").at(5).at("schedules_to_failure"), 7);
  EXPECT_EQ(document.at("cases").at(4).at("schedules_to_failure"), 0);
  EXPECT_FALSE(document.at("cases").at(0).contains("schedules_to_failure"));
  const Report back = FromJsonText(document.dump());
  EXPECT_EQ(back.cases[5].schedules_to_failure, std::optional<int>(7));
  EXPECT_EQ(back.cases[4].schedules_to_failure, std::optional<int>(0));
  EXPECT_FALSE(back.cases[0].schedules_to_failure.has_value());

  auto bad = document;
  bad["cases"][5]["schedules_to_failure"] = -1;
  EXPECT_NE(ReadError(bad.dump()).find("cases[5].schedules_to_failure: expected a non-negative"),
            std::string::npos);
}

TEST(Json, EndChargedToIsWrittenOnlyWhenSetAndReadBack) {
  Report report = testing::SampleReport();
  report.cases[5].end_charged_to = {"SC-REM-3"};
  const auto document = nlohmann::json::parse(ToJsonText(report));
  EXPECT_EQ(document.at("cases").at(5).at("end_charged_to"), nlohmann::json::array({"SC-REM-3"}));
  EXPECT_FALSE(document.at("cases").at(0).contains("end_charged_to"));
  const Report back = FromJsonText(document.dump());
  EXPECT_EQ(back.cases[5].end_charged_to, std::vector<std::string>{"SC-REM-3"});
  EXPECT_TRUE(back.cases[0].end_charged_to.empty());
}

TEST(Json, ReaderNamesTheProblem) {
  const std::string good = ToJsonText(testing::SampleReport());
  EXPECT_NE(ReadError("").find("not valid JSON"), std::string::npos);
  EXPECT_NE(ReadError("{\"schema_version\": 1,").find("not valid JSON"), std::string::npos);
  EXPECT_NE(ReadError("[]").find("expected an object"), std::string::npos);

  auto document = nlohmann::json::parse(good);
  document["schema_version"] = 2;
  EXPECT_NE(ReadError(document.dump()).find("schema_version: expected 1, found 2"),
            std::string::npos);

  document = nlohmann::json::parse(good);
  document["cases"][3]["verdict"] = "MAYBE";
  EXPECT_NE(ReadError(document.dump()).find("cases[3].verdict: unknown verdict \"MAYBE\""),
            std::string::npos)
      << ReadError(document.dump());

  document = nlohmann::json::parse(good);
  document["requirements"][1]["level"] = "MAY";
  EXPECT_NE(ReadError(document.dump()).find("requirements[1].level: unknown level"),
            std::string::npos);

  document = nlohmann::json::parse(good);
  document["run"].erase("target_sha256");
  EXPECT_NE(ReadError(document.dump()).find("run.target_sha256: missing"), std::string::npos);

  document = nlohmann::json::parse(good);
  document["cases"][0]["messages"] = {"ok", 7};
  EXPECT_NE(
      ReadError(document.dump()).find("cases[0].messages[1]: expected a string, found number"),
      std::string::npos)
      << ReadError(document.dump());

  document = nlohmann::json::parse(good);
  document["cases"][0]["duration_s"] = "fast";
  EXPECT_NE(ReadError(document.dump()).find("cases[0].duration_s: expected a number"),
            std::string::npos);

  document = nlohmann::json::parse(good);
  document["summary"]["conformant"] = "no";
  EXPECT_NE(ReadError(document.dump()).find("summary.conformant: expected a boolean"),
            std::string::npos);

  document = nlohmann::json::parse(good);
  document["summary"]["claim"] = "MOSTLY";
  EXPECT_NE(ReadError(document.dump()).find("summary.claim: unknown claim \"MOSTLY\""),
            std::string::npos);

  EXPECT_EQ(ReadError(good), "(no error)");
}

}  // namespace
}  // namespace miconform::report

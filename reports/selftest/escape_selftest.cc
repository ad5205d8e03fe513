// escape_selftest.cc - self-tests of the XML, HTML and Markdown escaping and of UTF-8 repair.
#include <gtest/gtest.h>

#include "sample_report.h"
#include "text_escape.h"

namespace miconform::report::text {
namespace {

using testing::kNastyText;

const std::string kReplacement = "\xEF\xBF\xBD";

// The UTF-8 repair every escaping function applies (seen through XmlText, which keeps these
// characters as they are).
TEST(Utf8Repair, KeepsValidTextAndReplacesBadBytes) {
  EXPECT_EQ(XmlText("plain \xC3\xA9\xF0\x9F\x98\x80"), "plain \xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(XmlText("a\xFF"
                    "b"),
            "a" + kReplacement + "b");
  EXPECT_EQ(XmlText("\xC3"), kReplacement) << "truncated sequence";
  EXPECT_EQ(XmlText("\xE2\x82"
                    "A"),
            kReplacement + kReplacement + "A")
      << "a cut-off sequence keeps the character after it";
  EXPECT_EQ(XmlText("\xC0\xAF"), kReplacement + kReplacement) << "overlong '/'";
  EXPECT_EQ(XmlText("\xED\xA0\x80"), kReplacement + kReplacement + kReplacement) << "surrogate";
  EXPECT_EQ(XmlText("\xF4\x90\x80\x80").find("\xF4"), std::string::npos) << "beyond U+10FFFF";
}

TEST(Html, KeepsLineEndsOfEveryKind) {
  EXPECT_EQ(Html("one\r\ntwo\nthree\tfour"), "one\r\ntwo\nthree\tfour");
  EXPECT_EQ(MarkdownFence("one\r\ntwo").find(kReplacement), std::string::npos);
}

// A message that starts like a Markdown block (a list item, a thematic break) stays text.
TEST(MarkdownInline, EscapesMarksThatWouldOpenABlock) {
  EXPECT_EQ(MarkdownInline("---"), "\\---");
  EXPECT_EQ(MarkdownInline("+ one"), "\\+ one");
  EXPECT_EQ(MarkdownInline("12. twelve"), "12\\. twelve");
  EXPECT_EQ(MarkdownInline("3) three"), "3\\) three");
  EXPECT_EQ(MarkdownInline("a - b + c 1. d"), "a - b + c 1. d") << "only at the start";
  EXPECT_EQ(MarkdownInline("1.5 s"), "1\\.5 s") << "harmless, and the rule stays simple";
}

TEST(Xml, EscapesMarkupAndReplacesForbiddenCharacters) {
  EXPECT_EQ(XmlText("<&>\"'"), "&lt;&amp;&gt;&quot;&apos;");
  EXPECT_EQ(XmlText(std::string("a\x01"
                                "b\x1f"
                                "c\x00"
                                "d",
                                7)),
            "a" + kReplacement + "b" + kReplacement + "c" + kReplacement + "d");
  EXPECT_EQ(XmlText("\xEF\xBF\xBE"), kReplacement) << "U+FFFE is not an XML character";
  EXPECT_EQ(XmlText("tab\tline\ncr\r"), "tab\tline\ncr&#13;");
  EXPECT_EQ(XmlAttribute("tab\tline\n"), "tab&#9;line&#10;");
  EXPECT_EQ(XmlText("\xC3\xA9\xE2\x82\xAC"), "\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(XmlText("]]>"), "]]&gt;");
  EXPECT_EQ(XmlText("bad\xFF"), "bad" + kReplacement);
}

TEST(Html, EscapesMarkupAndControls) {
  const std::string escaped = Html(kNastyText);
  EXPECT_EQ(escaped.find('<'), std::string::npos);
  EXPECT_EQ(escaped.find('>'), std::string::npos);
  EXPECT_EQ(escaped.find('"'), std::string::npos);
  EXPECT_EQ(escaped.find('\''), std::string::npos);
  EXPECT_EQ(escaped.find('\x01'), std::string::npos);
  EXPECT_EQ(escaped.find('\x1b'), std::string::npos);
  EXPECT_NE(escaped.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(escaped.find("\xF0\x9F\x98\x80"), std::string::npos) << "non-ASCII text survives";
  EXPECT_EQ(Html("a&b"), "a&amp;b");
}

TEST(Markdown, InlineEscapesEverySpecialCharacterAndStaysOnOneLine) {
  EXPECT_EQ(MarkdownInline("a|b"), "a\\|b");
  EXPECT_EQ(MarkdownInline("*x* _y_ `z` <t> [l] \\"),
            "\\*x\\* \\_y\\_ \\`z\\` \\<t\\> \\[l\\] \\\\");
  EXPECT_EQ(MarkdownInline("one\ntwo\rthree\x01"), "one two three ");
  EXPECT_EQ(MarkdownInline("\xC3\xA9"), "\xC3\xA9");
}

TEST(Markdown, CodeSpanSurvivesBackticksAndPipes) {
  EXPECT_EQ(MarkdownCode("plain", false), "`plain`");
  EXPECT_EQ(MarkdownCode("a`b", false), "``a`b``");
  EXPECT_EQ(MarkdownCode("`edge`", false), "`` `edge` ``");
  EXPECT_EQ(MarkdownCode("a|b", true), "`a\\|b`");
  EXPECT_EQ(MarkdownCode("a|b", false), "`a|b`");
  EXPECT_EQ(MarkdownCode("", false), "` `");
  EXPECT_EQ(MarkdownCode("line\nbreak", false), "`line break`");
}

TEST(Markdown, FenceIsLongerThanAnyBacktickRun) {
  EXPECT_EQ(MarkdownFence("x"), "```text\nx\n```\n");
  EXPECT_EQ(MarkdownFence("a ``` b\n````\n", "sh"), "`````sh\na ``` b\n````\n`````\n");
  EXPECT_EQ(MarkdownFence("bell\x07"), "```text\nbell" + kReplacement + "\n```\n");
}

TEST(Trim, KeepsShortTextAndCutsLongTextWithANote) {
  EXPECT_EQ(TrimForReader("a\nb\n", 5, 100), "a\nb\n");
  const std::string trimmed = TrimForReader("1\n2\n3\n4\n", 2, 100);
  EXPECT_EQ(trimmed.rfind("1\n2\n[... 4 more bytes (2 lines) left out", 0), 0u) << trimmed;
  // A byte cap inside a multi-byte character backs off to the character boundary.
  const std::string cut = TrimForReader("\xE2\x82\xAC\xE2\x82\xAC", 10, 4);
  EXPECT_EQ(cut.rfind("\xE2\x82\xAC\n[... 3 more bytes", 0), 0u) << cut;
}

TEST(Seconds, FixedThreeDecimalsAndNoNonFiniteValues) {
  EXPECT_EQ(Seconds(1.25), "1.250");
  EXPECT_EQ(Seconds(0), "0.000");
  EXPECT_EQ(Seconds(30), "30.000");
  EXPECT_EQ(Seconds(std::numeric_limits<double>::quiet_NaN()), "0.000");
  EXPECT_EQ(Seconds(std::numeric_limits<double>::infinity()), "0.000");
}

}  // namespace
}  // namespace miconform::report::text

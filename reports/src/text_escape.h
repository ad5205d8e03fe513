// text_escape.h - text clean-up and escaping shared by the report writers (XML, HTML, Markdown).
//
// Internal to miconform_reports. Case output and stacks come from a target under test and may
// hold any bytes; every function here returns text that is valid UTF-8 and safe for its format.
#ifndef MICONFORM_REPORT_TEXT_ESCAPE_H
#define MICONFORM_REPORT_TEXT_ESCAPE_H

#include <cstddef>
#include <string>
#include <string_view>

namespace miconform::report::text {

// XML 1.0 character data or attribute value: & < > " ' escaped; characters XML 1.0 forbids
// (C0 controls other than tab, newline, carriage return; U+FFFE, U+FFFF) replaced by U+FFFD.
// In attributes, tab/newline/carriage return become character references so attribute-value
// normalisation keeps them.
std::string XmlText(std::string_view text);
std::string XmlAttribute(std::string_view text);

// HTML text or attribute value: & < > " ' escaped, control characters other than tab, newline
// and carriage return replaced by U+FFFD.
std::string Html(std::string_view text);

// Markdown prose on one line: characters with Markdown meaning backslash-escaped (and a leading
// '-', '+' or "1." / "1)" that would open a list or a thematic break), line breaks and control
// characters turned into spaces; '|' is escaped, so nothing breaks a table row.
std::string MarkdownInline(std::string_view text);
// A Markdown code span showing `text` literally, whatever backticks it holds. With `in_table`,
// '|' is escaped so it cannot end the cell.
std::string MarkdownCode(std::string_view text, bool in_table);
// A fenced code block (with its closing fence and a final newline) whose fence is longer than
// any backtick run in `text`, so the text cannot close it early. `language` is the info string.
std::string MarkdownFence(std::string_view text, std::string_view language = "text");

// Long evidence trimmed for a human reader: at most `max_lines` lines and `max_bytes` bytes
// (cut on a character boundary), with a note saying how much was left out.
std::string TrimForReader(std::string_view text, std::size_t max_lines, std::size_t max_bytes);
inline constexpr std::size_t kReaderMaxLines = 200;
inline constexpr std::size_t kReaderMaxBytes = 16 * 1024;

// Seconds with three decimals ("1.250"), independent of the C locale; non-finite values are
// "0.000".
std::string Seconds(double seconds);

}  // namespace miconform::report::text

#endif  // MICONFORM_REPORT_TEXT_ESCAPE_H

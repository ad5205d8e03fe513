// text_escape.cc - UTF-8 repair and the XML, HTML and Markdown escaping rules of the writers.
#include "text_escape.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>

namespace miconform::report::text {
namespace {

constexpr char32_t kInvalid = 0xFFFFFFFF;
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Decodes the code point at text[i] and advances i past it; on an invalid or truncated sequence
// returns kInvalid and advances by one byte, so the caller resynchronises on the next byte.
char32_t Decode(std::string_view text, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) {
    ++i;
    return lead;
  }
  std::size_t length = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, cp = lead & 0x1F, min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, cp = lead & 0x0F, min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, cp = lead & 0x07, min = 0x10000;
  } else {
    ++i;
    return kInvalid;
  }
  if (i + length > text.size()) {
    ++i;
    return kInvalid;
  }
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) {
      ++i;
      return kInvalid;
    }
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  // Overlong forms, UTF-16 surrogates and values beyond Unicode are not UTF-8.
  if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
    ++i;
    return kInvalid;
  }
  i += length;
  return cp;
}

// Calls emit(cp, bytes) for every character; invalid bytes arrive as U+FFFD.
template <typename Emit>
void ForEachCharacter(std::string_view text, Emit emit) {
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t start = i;
    const char32_t cp = Decode(text, i);
    if (cp == kInvalid) {
      emit(char32_t{0xFFFD}, kReplacement);
    } else {
      emit(cp, text.substr(start, i - start));
    }
  }
}

bool IsControl(char32_t cp) { return cp < 0x20 || cp == 0x7F; }

std::string Xml(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  ForEachCharacter(text, [&](char32_t cp, std::string_view bytes) {
    switch (cp) {
      case '&': out += "&amp;"; return;
      case '<': out += "&lt;"; return;
      case '>': out += "&gt;"; return;
      case '"': out += "&quot;"; return;
      case '\'': out += "&apos;"; return;
      case '\t': out += attribute ? "&#9;" : "\t"; return;
      case '\n': out += attribute ? "&#10;" : "\n"; return;
      case '\r': out += "&#13;"; return;  // a raw CR would be normalised away by the parser
      default: break;
    }
    if (cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF) {
      out += kReplacement;
    } else {
      out += bytes;
    }
  });
  return out;
}

std::size_t LongestBacktickRun(std::string_view text) {
  std::size_t longest = 0;
  std::size_t run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return longest;
}

}  // namespace

std::string XmlText(std::string_view text) { return Xml(text, false); }
std::string XmlAttribute(std::string_view text) { return Xml(text, true); }

std::string Html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  ForEachCharacter(text, [&](char32_t cp, std::string_view bytes) {
    switch (cp) {
      case '&': out += "&amp;"; return;
      case '<': out += "&lt;"; return;
      case '>': out += "&gt;"; return;
      case '"': out += "&quot;"; return;
      case '\'': out += "&#39;"; return;
      case '\t':
      case '\n':
      case '\r': out += bytes; return;  // line ends of a target's output (CR LF) stay line ends
      default: break;
    }
    if (IsControl(cp)) {
      out += kReplacement;
    } else {
      out += bytes;
    }
  });
  return out;
}

std::string MarkdownInline(std::string_view text) {
  static constexpr std::string_view kSpecial = "\\`*_[]<>|&#!~";
  std::string out;
  out.reserve(text.size());
  // What the text has shown so far, for the marks that only count at the start of a line: a list
  // bullet or thematic break ("- ", "+ ", "---") and an ordered list item ("1. ", "2) ").
  enum class Start { kBlank, kDigits, kPast } start = Start::kBlank;
  ForEachCharacter(text, [&](char32_t cp, std::string_view bytes) {
    const bool opens_block = (start == Start::kBlank && (cp == '-' || cp == '+')) ||
                             (start == Start::kDigits && (cp == '.' || cp == ')'));
    if (cp >= '0' && cp <= '9') {
      if (start == Start::kBlank) start = Start::kDigits;
    } else if (cp != ' ' && !IsControl(cp)) {
      start = Start::kPast;
    }
    if (IsControl(cp)) {
      out += ' ';
    } else if (opens_block ||
               (cp < 0x80 && kSpecial.find(static_cast<char>(cp)) != std::string_view::npos)) {
      out += '\\';
      out += static_cast<char>(cp);
    } else {
      out += bytes;
    }
  });
  return out;
}

std::string MarkdownCode(std::string_view text, bool in_table) {
  std::string body;
  body.reserve(text.size());
  ForEachCharacter(text, [&](char32_t cp, std::string_view bytes) {
    if (IsControl(cp)) {
      body += ' ';
    } else if (cp == '|' && in_table) {
      body += "\\|";
    } else {
      body += bytes;
    }
  });
  if (body.empty()) return "` `";
  const std::string fence(LongestBacktickRun(body) + 1, '`');
  // A space on each side keeps a leading or trailing backtick from joining the fence; CommonMark
  // strips one such space from each side.
  const bool pad = body.front() == '`' || body.back() == '`' || body.front() == ' ';
  return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

std::string MarkdownFence(std::string_view text, std::string_view language) {
  std::string body;
  body.reserve(text.size());
  ForEachCharacter(text, [&](char32_t cp, std::string_view bytes) {
    if (cp == '\n' || cp == '\t' || cp == '\r') {
      body += bytes;
    } else if (IsControl(cp)) {
      body += kReplacement;
    } else {
      body += bytes;
    }
  });
  const std::string fence(std::max<std::size_t>(3, LongestBacktickRun(body) + 1), '`');
  std::string out = fence + std::string(language) + "\n" + body;
  if (!body.empty() && body.back() != '\n') out += '\n';
  out += fence + "\n";
  return out;
}

std::string TrimForReader(std::string_view text, std::size_t max_lines, std::size_t max_bytes) {
  std::size_t end = 0;
  std::size_t lines = 0;
  while (end < text.size() && lines < max_lines) {
    const std::size_t newline = text.find('\n', end);
    end = newline == std::string_view::npos ? text.size() : newline + 1;
    ++lines;
  }
  if (end > max_bytes) {
    end = max_bytes;
    // Step back to a character boundary so the cut never splits a UTF-8 sequence.
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  }
  if (end >= text.size()) return std::string(text);
  const std::string_view rest = text.substr(end);
  const std::size_t rest_lines =
      static_cast<std::size_t>(std::count(rest.begin(), rest.end(), '\n')) + (rest.back() != '\n');
  std::string out(text.substr(0, end));
  if (!out.empty() && out.back() != '\n') out += '\n';
  out += "[... " + std::to_string(rest.size()) + " more bytes (" + std::to_string(rest_lines) +
         " lines) left out; report.json holds the full text]\n";
  return out;
}

std::string Seconds(double seconds) {
  if (!std::isfinite(seconds)) seconds = 0;
  char buffer[64];
  const auto result =
      std::to_chars(buffer, buffer + sizeof buffer, seconds, std::chars_format::fixed, 3);
  if (result.ec != std::errc()) return "0.000";
  return std::string(buffer, result.ptr);
}

}  // namespace miconform::report::text

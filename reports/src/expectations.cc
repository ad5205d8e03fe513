// expectations.cc - reading and writing the expectations file (expectations.h).
#include "miconform/report/expectations.h"

#include <algorithm>
#include <stdexcept>

namespace miconform::report {
namespace {

constexpr std::string_view kBlank = " \t";

std::string_view Trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(kBlank);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kBlank) - first + 1);
}

// The next blank-separated word of *rest, taken off it.
std::string_view TakeWord(std::string_view* rest) {
  *rest = Trim(*rest);
  const std::size_t end = std::min(rest->find_first_of(kBlank), rest->size());
  const std::string_view word = rest->substr(0, end);
  rest->remove_prefix(end);
  return word;
}

std::string LinkIn(std::string_view reason) {
  while (!reason.empty()) {
    const std::string_view word = TakeWord(&reason);
    if (word.starts_with("http://") || word.starts_with("https://")) return std::string(word);
  }
  return {};
}

[[noreturn]] void Fail(int line, const std::string& problem) {
  throw std::runtime_error("line " + std::to_string(line) + ": " + problem);
}

}  // namespace

std::string_view ToString(Expect expect) { return expect == Expect::kFlaky ? "FLAKY" : "FAILS"; }

std::vector<Expectation> ParseExpectations(std::string_view text) {
  std::vector<Expectation> entries;
  if (text.starts_with("\xEF\xBB\xBF"))
    text.remove_prefix(3);  // a byte order mark some editors write
  int number = 0;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    for (const char c : line) {
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) {
        Fail(number, "a control character; an entry is one line of text");
      }
    }
    std::string_view rest = Trim(line);
    if (rest.empty() || rest.front() == '#') continue;
    Expectation entry;
    entry.id = std::string(TakeWord(&rest));
    const std::string_view word = TakeWord(&rest);
    if (word == "FAILS") {
      entry.expect = Expect::kFails;
    } else if (word == "FLAKY") {
      entry.expect = Expect::kFlaky;
    } else {
      Fail(number, word.empty() ? "'" + entry.id +
                                      "' has no expectation: give FAILS or FLAKY, "
                                      "then the reason"
                                : "'" + std::string(word) +
                                      "' is no expectation: FAILS (a known failure) or FLAKY "
                                      "(a known intermittent)");
    }
    entry.reason = std::string(Trim(rest));
    if (entry.reason.empty()) {
      Fail(number, "the entry for " + entry.id + " gives no reason; every known failure needs one");
    }
    entry.link = LinkIn(entry.reason);
    for (const Expectation& earlier : entries) {
      if (earlier.id == entry.id) Fail(number, "a second entry for " + entry.id);
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::string ExpectationsText(const std::vector<Expectation>& entries) {
  std::string out = "# The expectations this run was given (ID, FAILS or FLAKY, reason).\n";
  for (const Expectation& entry : entries) {
    out += entry.id + " " + std::string(ToString(entry.expect)) + " " + entry.reason + "\n";
  }
  return out;
}

std::string ExpectationSummary(const Report& report) {
  if (report.expectations.empty()) return {};
  const auto plural = [](int count, const char* one, const char* many) {
    return std::to_string(count) + " " + (count == 1 ? one : many);
  };
  return plural(static_cast<int>(report.expectations.size()), "expectation", "expectations") +
         ": " +
         plural(report.CountMarked(Expected::kUnexpectedFailure), "unexpected failure",
                "unexpected failures") +
         ", " +
         plural(report.CountMarked(Expected::kUnexpectedPass), "unexpected pass",
                "unexpected passes") +
         ", " +
         plural(report.CountMarked(Expected::kExpectedFailure), "expected failure",
                "expected failures") +
         " (cases and requirements)";
}

}  // namespace miconform::report

// case_details.cc - shared plain-text descriptions of cases and run outcomes for the writers.
#include "case_details.h"

#include <algorithm>
#include <map>

#include "miconform/report/expectations.h"
#include "text_escape.h"

namespace miconform::report::details {

const std::vector<Verdict>& AllVerdicts() {
  static const std::vector<Verdict> verdicts = {Verdict::kPass,         Verdict::kDocumentedHang,
                                                Verdict::kNotSupported, Verdict::kNotExercised,
                                                Verdict::kInconclusive, Verdict::kDeviation,
                                                Verdict::kFail,         Verdict::kHang,
                                                Verdict::kCrash,        Verdict::kError};
  return verdicts;
}

std::string Join(const std::vector<std::string>& items, const std::string& separator) {
  if (items.empty()) return "(none)";
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += separator;
    out += items[i];
  }
  return out;
}

std::string AreaOf(const std::string& case_id) {
  const std::size_t dot = case_id.rfind('.');
  if (dot == std::string::npos || dot == 0) return "miconform";
  return case_id.substr(0, dot);
}

std::vector<CaseSection> CaseSections(const Report& report) {
  std::vector<CaseSection> sections = {
      {"Failures",
       "The cases that do not conform (and any the harness could not run), each with "
       "the requirements it charges.",
       {}},
      {"Warnings",
       "Conformant, but worth a look: a SHOULD missed or a documented hang that did "
       "not happen (DEVIATION), or nothing proven (NOT-SUPPORTED, NOT-EXERCISED, "
       "INCONCLUSIVE).",
       {}},
      {"Documented hangs",
       "Conformant: the call stopped responding where the pages say it "
       "does.",
       {}}};
  for (const CaseResult& result : report.cases) {
    if (!IsConformant(result.verdict)) {
      sections[0].cases.push_back(&result);
    } else if (IsWarning(result.verdict)) {
      sections[1].cases.push_back(&result);
    } else if (result.verdict == Verdict::kDocumentedHang) {
      sections[2].cases.push_back(&result);
    }
  }
  return sections;
}

std::vector<const RequirementResult*> Charged(const Report& report, const CaseResult& result) {
  std::vector<const RequirementResult*> out;
  for (const std::string& id : ChargedRequirements(report, result)) {
    for (const RequirementResult& requirement : report.requirements) {
      if (requirement.id == id) out.push_back(&requirement);
    }
  }
  return out;
}

std::string ExpectationText(const Report& report, const std::optional<ExpectationMark>& mark) {
  if (!mark || (mark->outcome == Expected::kAsExpected && mark->entries.empty())) return {};
  std::string entries;
  for (const std::string& id : mark->entries) {
    for (const Expectation& entry : report.expectations) {
      if (entry.id != id) continue;
      entries += (entries.empty() ? "" : "; ") + id + " " + std::string(ToString(entry.expect)) +
                 ": " + entry.reason;
    }
  }
  switch (mark->outcome) {
    case Expected::kAsExpected: return "as expected (" + entries + ")";
    case Expected::kExpectedFailure: return "expected failure (" + entries + ")";
    case Expected::kUnexpectedFailure: return "UNEXPECTED failure: no expectation covers it";
    case Expected::kUnexpectedPass:
      return "UNEXPECTED pass: it conforms, so the entry can go (" + entries + ")";
  }
  return {};
}

std::string RootCauseIntro(std::size_t failing_cases, std::size_t causes) {
  return std::to_string(failing_cases) +
         (failing_cases == 1 ? " failing case comes" : " failing cases come") + " down to " +
         std::to_string(causes) +
         (causes == 1 ? " shared cause" : " shared causes, the largest first") +
         ": what they share, not a verdict (each case keeps its own below).";
}

namespace {

std::string FileName(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

struct StackFrame {
  std::string function;  // may be empty (no symbol)
  std::string module;    // may be empty (not shown)
};

// One frame line: eu-stack -m "#2  0x00007f.. name - /path/lib.so" (the name may be absent), or
// gdb "#2  0x00007f.. in name (args) from /path/lib.so" / "#2  name (args) at file.cc:12".
std::optional<StackFrame> ParseFrame(std::string line) {
  if (line.empty() || line[0] != '#') return std::nullopt;
  std::size_t at = line.find(' ');
  if (at == std::string::npos) return std::nullopt;
  while (at < line.size() && line[at] == ' ') ++at;
  if (line.compare(at, 2, "0x") == 0) {
    at = line.find(' ', at);
    if (at == std::string::npos) return StackFrame{};
    while (at < line.size() && line[at] == ' ') ++at;
  }
  std::string rest = line.substr(at);
  if (rest.rfind("in ", 0) == 0) rest = rest.substr(3);
  StackFrame frame;
  if (const std::size_t from = rest.rfind(" from "); from != std::string::npos) {
    frame.module = rest.substr(from + 6);
    rest = rest.substr(0, from);
  } else if (const std::size_t dash = rest.rfind(" - "); dash != std::string::npos) {
    frame.module = rest.substr(dash + 3);
    rest = rest.substr(0, dash);
  } else if (rest.rfind("- ", 0) == 0) {
    frame.module = rest.substr(2);
    rest.clear();
  }
  frame.function = rest;
  return frame;
}

// "TID 19877" of an eu-stack thread header "TID 19877:", "LWP 19877" of gdb's "Thread 2 (Thread
// 0x7f.. (LWP 19877) "name"):"; empty for any other line.
std::string ThreadOf(const std::string& line) {
  if (line.rfind("TID ", 0) == 0 && !line.empty() && line.back() == ':')
    return line.substr(0, line.size() - 1);
  if (line.rfind("Thread ", 0) == 0) {
    const std::size_t lwp = line.find("(LWP ");
    if (lwp != std::string::npos) {
      const std::size_t digits = lwp + 5;
      std::size_t end = digits;
      while (end < line.size() && line[end] >= '0' && line[end] <= '9') ++end;
      if (end > digits) return "LWP " + line.substr(digits, end - digits);
    }
  }
  return {};
}

}  // namespace

std::vector<TargetFrame> TargetFrames(const std::string& stacks, const std::string& library) {
  std::vector<TargetFrame> found;
  const std::string name = FileName(library);
  if (name.empty()) return found;
  // The stack names the file the process mapped: the library itself, or, when the run was given
  // a symbolic link by its development name (libmi.so), the versioned file it points to
  // (libmi.so.1.0.0).
  auto is_library = [&name](const std::string& module) {
    const std::string file = FileName(module);
    return file == name || (file.rfind(name + ".", 0) == 0);
  };
  std::string thread;
  std::optional<StackFrame> above;  // the previous frame of this thread
  bool in_thread = false;           // a thread header was read
  std::size_t start = 0;
  while (start < stacks.size()) {
    std::size_t end = stacks.find('\n', start);
    if (end == std::string::npos) end = stacks.size();
    const std::string line = stacks.substr(start, end - start);
    start = end + 1;
    if (std::string header = ThreadOf(line); !header.empty()) {
      thread = std::move(header);
      above.reset();
      in_thread = true;
      continue;
    }
    if (!in_thread) continue;
    const std::optional<StackFrame> frame = ParseFrame(line);
    if (!frame) continue;
    if (!frame->module.empty() && is_library(frame->module)) {
      const std::string function = frame->function.empty() ? "(no symbol)" : frame->function;
      if (!found.empty() && found.back().thread == thread && !found.back().stack.empty()) {
        found.back().stack.push_back(function);  // a deeper frame of the library, same thread
        continue;
      }
      std::string called;
      if (above) called = above->function.empty() ? FileName(above->module) : above->function;
      found.push_back({thread, function, called, {function}});
      continue;
    }
    above = frame;
  }
  return found;
}

std::vector<TargetFrame> CaseTargetFrames(const CaseResult& result, const std::string& library) {
  if (!result.evidence.stacks.empty()) return TargetFrames(result.evidence.stacks, library);
  return TargetFrames(result.evidence.output, library);
}

std::string TargetStacksText(const std::vector<TargetFrame>& frames) {
  std::string text;
  for (const TargetFrame& frame : frames) {
    text += frame.thread + (frame.called.empty() ? "" : ", in " + frame.called) + ":\n";
    for (const std::string& function : frame.stack) text += "  " + function + "\n";
  }
  return text;
}

std::string TargetFrameText(const TargetFrame& frame) {
  return frame.thread + ": " + frame.function +
         (frame.called.empty() ? "" : ", in " + frame.called);
}

std::vector<std::string> FiredPoints(const std::vector<std::string>& fired) {
  std::vector<std::string> order;
  std::map<std::string, std::size_t> times;
  for (const std::string& point : fired) {
    if (times[point]++ == 0) order.push_back(point);
  }
  std::vector<std::string> out;
  for (const std::string& point : order) {
    out.push_back(times[point] == 1 ? point
                                    : point + " (" + std::to_string(times[point]) + " times)");
  }
  return out;
}

std::string IntegrationOccurrences(const IntegrationFindingOfRun& finding) {
  const std::size_t cases = finding.case_ids.size();
  return std::to_string(finding.occurrences) +
         (finding.occurrences == 1 ? " occurrence in " : " occurrences in ") +
         std::to_string(cases) + (cases == 1 ? " case" : " cases");
}

std::string SharedFactText(const SharedFact& fact, std::size_t group_cases) {
  std::string text = fact.text;
  if (!text.empty() && text[0] >= 'a' && text[0] <= 'z')
    text[0] = static_cast<char>(text[0] - 'a' + 'A');
  if (fact.cases < group_cases) {
    text += " (" + std::to_string(fact.cases) + " of " + std::to_string(group_cases) + " cases)";
  }
  return text;
}

std::vector<EvidencePart> EvidenceParts(const CaseResult& result, const std::string& library) {
  const Evidence& evidence = result.evidence;
  std::vector<EvidencePart> parts;
  auto add = [&parts](const char* title, std::string text, const char* language) {
    if (!text.empty()) parts.push_back({title, std::move(text), language});
  };
  add("Target frames", TargetStacksText(CaseTargetFrames(result, library)), "text");
  if (!parts.empty()) parts.back().open = true;
  add("Stacks", evidence.stacks, "text");
  add("Thread states", evidence.thread_states, "text");
  std::string trace;
  for (const std::string& line : evidence.trace) trace += line + "\n";
  add("Trace", std::move(trace), "text");
  if (!evidence.backend.is_null()) {
    add("Handler record",
        evidence.backend.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n",
        "json");
  }
  add("Output (tail)", evidence.output, "text");
  return parts;
}

std::vector<MarkedResult> MarkedResults(const Report& report) {
  std::vector<MarkedResult> out;
  for (Expected outcome : {Expected::kUnexpectedFailure, Expected::kUnexpectedPass,
                           Expected::kExpectedFailure, Expected::kAsExpected}) {
    auto add = [&](const std::string& id, bool is_case, Verdict verdict,
                   const std::optional<ExpectationMark>& mark) {
      if (!mark || mark->outcome != outcome) return;
      std::string text = ExpectationText(report, mark);
      if (!text.empty()) out.push_back({id, is_case, verdict, outcome, std::move(text)});
    };
    for (const RequirementResult& requirement : report.requirements) {
      add(requirement.id, false, requirement.verdict, requirement.expectation);
    }
    for (const CaseResult& result : report.cases) {
      add(result.id, true, result.verdict, result.expectation);
    }
  }
  return out;
}

std::vector<Expectation> UnusedExpectations(const Report& report) {
  std::vector<Expectation> out;
  for (const Expectation& entry : report.expectations) {
    bool used = false;
    auto uses = [&](const std::optional<ExpectationMark>& mark) {
      if (!mark) return;
      for (const std::string& id : mark->entries) used = used || id == entry.id;
    };
    for (const RequirementResult& requirement : report.requirements) uses(requirement.expectation);
    for (const CaseResult& result : report.cases) uses(result.expectation);
    if (!used) out.push_back(entry);
  }
  return out;
}

std::string PlainText(const CaseResult& result) {
  std::string out = "verdict: " + std::string(ToString(result.verdict)) + "\n";
  out += "requirements: " + Join(result.requirement_ids, ", ") + "\n";
  out += "phase reached: " + (result.phase.empty() ? std::string("(none)") : result.phase) + "\n";
  out += "duration: " + text::Seconds(result.duration_s) + " s\n";
  out += "messages:\n";
  if (result.messages.empty()) out += "  (none)\n";
  for (const std::string& message : result.messages) out += "  - " + message + "\n";
  if (!result.reproduce.empty()) out += "reproduce: " + result.reproduce + "\n";
  if (!result.evidence.fired.empty()) {
    out += "fired: " + Join(FiredPoints(result.evidence.fired), ", ") + "\n";
  }
  if (!result.evidence.stacks.empty()) {
    out += "stacks:\n" + text::TrimForReader(result.evidence.stacks, text::kReaderMaxLines,
                                             text::kReaderMaxBytes);
  }
  if (!result.evidence.thread_states.empty()) {
    out += "thread states:\n" + text::TrimForReader(result.evidence.thread_states,
                                                    text::kReaderMaxLines, text::kReaderMaxBytes);
  }
  return out;
}

}  // namespace miconform::report::details

// trace_table_selftest.cc - self-tests of suite/catalog/TRACE.md, the trace of every normative
// clause of the pages to a requirement, an observation or a reason: it is read as a table, and it
// must agree with the catalog (every requirement traced, no unknown ID) and with the declared
// cases (every case it lists exists and names a requirement of its row, every counted pattern
// matches that many cases, and every case is listed under each testable requirement it names).
#include <fnmatch.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "case_registry.h"
#include "catalog.h"

namespace miconform {
namespace {

// One case pattern of a row's cases column: a backticked case ID, brace list or glob, the
// requirement it is listed under ("" when the column does not split by requirement), and the
// count written after it ("(13)"), -1 when none.
struct CasePattern {
  std::string pattern;
  std::string requirement;
  int count = -1;
};

struct TraceRow {
  int line = 0;
  std::string clause;                     // "S1a"
  std::vector<std::string> requirements;  // every catalog ID named in "where it went"
  std::vector<CasePattern> cases;
};

struct TraceTable {
  std::vector<TraceRow> rows;
  std::vector<std::string> problems;  // rows that are not well formed
  int counted_clauses = -1;           // "This trace counts N clauses"
};

const std::regex& RequirementId() {
  static const std::regex id(R"(\b[A-Z]{2,4}(?:-[A-Z]+)+-[0-9]+\b)");
  return id;
}

std::vector<std::string> Cells(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  for (std::size_t i = 1; i < line.size(); ++i) {  // line[0] is the leading '|'
    if (line[i] == '|') {
      const auto first = cell.find_first_not_of(' ');
      const auto last = cell.find_last_not_of(' ');
      cells.push_back(first == std::string::npos ? "" : cell.substr(first, last - first + 1));
      cell.clear();
    } else {
      cell += line[i];
    }
  }
  return cells;
}

// `a.{b,c}` -> a.b, a.c (one brace list at most, as the table writes them).
std::vector<std::string> ExpandBraces(const std::string& pattern) {
  const auto open = pattern.find('{');
  const auto close = pattern.find('}', open);
  if (open == std::string::npos || close == std::string::npos) return {pattern};
  std::vector<std::string> out;
  std::stringstream alternatives(pattern.substr(open + 1, close - open - 1));
  std::string alternative;
  while (std::getline(alternatives, alternative, ',')) {
    out.push_back(pattern.substr(0, open) + alternative + pattern.substr(close + 1));
  }
  return out;
}

std::vector<CasePattern> CasePatterns(const std::string& column) {
  // A requirement ID followed by ':' starts the part of the column listed under it.
  static const std::regex token(R"(([A-Z]{2,4}(?:-[A-Z]+)+-[0-9]+):|`([^`]+)`(?:\s*\((\d+)\))?)");
  std::vector<CasePattern> patterns;
  std::string under;
  for (std::sregex_iterator it(column.begin(), column.end(), token), end; it != end; ++it) {
    if ((*it)[1].matched) {
      under = (*it)[1].str();
      continue;
    }
    // Only case IDs, brace lists and globs; a file named in the column is no case.
    static const std::regex case_like(R"([a-z0-9_.*{},]+)");
    if (!std::regex_match((*it)[2].str(), case_like)) continue;
    CasePattern pattern;
    pattern.pattern = (*it)[2].str();
    pattern.requirement = under;
    if ((*it)[3].matched) pattern.count = std::stoi((*it)[3].str());
    patterns.push_back(pattern);
  }
  return patterns;
}

TraceTable ReadTrace(const std::string& path) {
  TraceTable table;
  std::ifstream in(path);
  if (!in) {
    table.problems.push_back("cannot read " + path);
    return table;
  }
  static const std::regex clause_id(R"(^[A-Z][0-9]+[a-z]?$)");
  static const std::regex counted(R"(This trace counts (\d+) clauses)");
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::smatch match;
    if (std::regex_search(line, match, counted)) table.counted_clauses = std::stoi(match[1]);
    if (line.rfind("| ", 0) != 0) continue;
    const std::vector<std::string> cells = Cells(line);
    if (cells.empty() || !std::regex_match(cells[0], clause_id)) continue;  // a header row
    if (cells.size() != 6) {
      table.problems.push_back("line " + std::to_string(number) + " (" + cells[0] + ") has " +
                               std::to_string(cells.size()) + " columns, not 6");
      continue;
    }
    TraceRow row;
    row.line = number;
    row.clause = cells[0];
    for (std::sregex_iterator it(cells[3].begin(), cells[3].end(), RequirementId()), end; it != end;
         ++it) {
      row.requirements.push_back(it->str());
    }
    row.cases = CasePatterns(cells[5]);
    table.rows.push_back(row);
  }
  return table;
}

const TraceTable& TheTrace() {
  static const TraceTable table = ReadTrace(MICONFORM_TRACE_MD);
  return table;
}

std::vector<const CaseInfo*> CasesMatching(const std::string& pattern) {
  std::vector<const CaseInfo*> cases;
  for (const std::string& expanded : ExpandBraces(pattern)) {
    for (const CaseInfo& info : AllCases()) {
      if (fnmatch(expanded.c_str(), info.id.c_str(), 0) == 0) cases.push_back(&info);
    }
  }
  return cases;
}

bool CaseNames(const CaseInfo& info, const std::string& requirement) {
  for (const std::string& id : info.requirements) {
    if (id == requirement) return true;
  }
  return false;
}

std::string RowPlace(const TraceRow& row) {
  return "TRACE.md line " + std::to_string(row.line) + " (" + row.clause + ")";
}

TEST(TraceTable, IsReadWhole) {
  EXPECT_TRUE(TheTrace().problems.empty()) << testing::PrintToString(TheTrace().problems);
  EXPECT_GT(TheTrace().rows.size(), 50u);
  EXPECT_EQ(TheTrace().counted_clauses, static_cast<int>(TheTrace().rows.size()))
      << "the count written in TRACE.md is not the number of its clause rows";
  std::set<std::string> clauses;
  for (const TraceRow& row : TheTrace().rows) {
    EXPECT_TRUE(clauses.insert(row.clause).second) << RowPlace(row) << ": clause listed twice";
  }
}

TEST(TraceTable, TracesEveryRequirementOfTheCatalog) {
  std::set<std::string> traced;
  for (const TraceRow& row : TheTrace().rows)
    traced.insert(row.requirements.begin(), row.requirements.end());
  for (const Requirement& requirement : Catalog()) {
    EXPECT_TRUE(traced.count(requirement.id))
        << requirement.id << " is in the catalog but no clause of TRACE.md goes to it";
  }
}

TEST(TraceTable, NamesOnlyRequirementsOfTheCatalog) {
  for (const TraceRow& row : TheTrace().rows) {
    for (const std::string& id : row.requirements) {
      EXPECT_NE(FindRequirement(id), nullptr)
          << RowPlace(row) << " names unknown requirement " << id;
    }
  }
}

bool AllUntestable(const TraceRow& row) {
  for (const std::string& id : row.requirements) {
    const Requirement* requirement = FindRequirement(id);
    if (requirement != nullptr && requirement->untestable.empty()) return false;
  }
  return true;
}

TEST(TraceTable, ListsOnlyDeclaredCasesThatNameTheRowsRequirement) {
  for (const TraceRow& row : TheTrace().rows) {
    // A clause that went to untestable entries only lists the cases that record observations on
    // it: no case may name such an entry (catalog_selftest.cc).
    const bool observed_only = AllUntestable(row);
    for (const CasePattern& pattern : row.cases) {
      const std::vector<const CaseInfo*> cases = CasesMatching(pattern.pattern);
      EXPECT_FALSE(cases.empty()) << RowPlace(row) << ": `" << pattern.pattern
                                  << "` matches no declared case";
      if (pattern.count >= 0) {
        EXPECT_EQ(static_cast<int>(cases.size()), pattern.count)
            << RowPlace(row) << ": `" << pattern.pattern << "` is written as (" << pattern.count
            << ") cases";
      }
      for (const CaseInfo* info : cases) {
        if (observed_only) continue;
        if (!pattern.requirement.empty()) {
          EXPECT_TRUE(CaseNames(*info, pattern.requirement))
              << RowPlace(row) << " lists " << info->id << " under " << pattern.requirement
              << ", which the case does not name";
          continue;
        }
        bool names_one = false;
        for (const std::string& id : row.requirements)
          names_one = names_one || CaseNames(*info, id);
        EXPECT_TRUE(names_one) << RowPlace(row) << " lists " << info->id
                               << ", which names none of the row's requirements";
      }
    }
  }
}

// The converse: a case that gives evidence for a testable requirement is listed in a clause row
// of that requirement, so the table shows every case a vendor's failure can come from.
TEST(TraceTable, ListsEveryCaseUnderEachTestableRequirementItNames) {
  for (const CaseInfo& info : AllCases()) {
    for (const std::string& id : info.requirements) {
      const Requirement* requirement = FindRequirement(id);
      if (requirement == nullptr || !requirement->untestable.empty()) continue;
      bool listed = false;
      for (const TraceRow& row : TheTrace().rows) {
        bool goes_to = false;
        for (const std::string& traced : row.requirements) goes_to = goes_to || traced == id;
        if (!goes_to) continue;
        for (const CasePattern& pattern : row.cases) {
          if (!pattern.requirement.empty() && pattern.requirement != id) continue;
          for (const CaseInfo* matched : CasesMatching(pattern.pattern)) {
            listed = listed || matched == &info;
          }
        }
      }
      EXPECT_TRUE(listed) << info.id << " names " << id
                          << ", but no clause row of TRACE.md going to " << id << " lists it";
    }
  }
}

TEST(TraceTable, ReadsTheTablesNotation) {
  EXPECT_EQ(ExpandBraces("a.{b,c}.d"), (std::vector<std::string>{"a.b.d", "a.c.d"}));
  EXPECT_EQ(ExpandBraces("a.b"), (std::vector<std::string>{"a.b"}));
  const std::vector<CasePattern> patterns =
      CasePatterns("SC-X-1: `a.*` (9), `b.c`; SC-Y-2: `d.{e,f}`");
  ASSERT_EQ(patterns.size(), 3u);
  EXPECT_EQ(patterns[0].pattern, "a.*");
  EXPECT_EQ(patterns[0].requirement, "SC-X-1");
  EXPECT_EQ(patterns[0].count, 9);
  EXPECT_EQ(patterns[1].count, -1);
  EXPECT_EQ(patterns[2].requirement, "SC-Y-2");
  EXPECT_EQ(Cells("| S1 | \"q\" | w | SC-A-1 | MUST | `x` |"),
            (std::vector<std::string>{"S1", "\"q\"", "w", "SC-A-1", "MUST", "`x`"}));
}

}  // namespace
}  // namespace miconform

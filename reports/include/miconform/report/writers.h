// writers.h - the report files a run leaves behind (report.json, junit.xml, report.md,
// report.html).
//
// Used by the runner at the end of a run and by tools that re-read or merge reports. Every writer
// is a pure conversion of a Report: it reads nothing but its argument, so the same Report always
// gives the same bytes. All functions are safe to call concurrently on different streams.
#ifndef MICONFORM_REPORT_WRITERS_H
#define MICONFORM_REPORT_WRITERS_H

#include <filesystem>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "miconform/report/report.h"

namespace miconform::report {

// report.json, the machine-readable record (schema: reports/README.md). Strings that are not
// valid UTF-8 are written with U+FFFD in place of the bad bytes.
void WriteJson(const Report& report, std::ostream& out);
// Inverse of WriteJson. Throws std::runtime_error naming the offending field on malformed JSON,
// a missing or mistyped field, an unknown verdict or level, or another schema_version.
Report ReadJson(std::istream& in);

// junit.xml for CI servers: a <testsuites> root holding one <testsuite name="miconform">, one
// <testcase> per case (mapping: reports/README.md).
void WriteJunit(const Report& report, std::ostream& out);
// report.md, the document a vendor reads in a review.
void WriteMarkdown(const Report& report, std::ostream& out);
// report.html, the same content as report.md as one self-contained page (inline CSS, no script).
void WriteHtml(const Report& report, std::ostream& out);

// The manifest of a report directory: one "<SHA-256>  <file>" line per file it covers (the
// journal when there is one, and the four report files), sorted by name, in the format
// `sha256sum -c` reads.
inline constexpr const char* kManifestName = "manifest.sha256";

// Creates `dir` (and its parents) if needed, checks it as ReportDirectoryLock does (a non-empty
// path naming a directory this process may write into), and writes report.json, junit.xml,
// report.md and report.html into it, then the manifest (kManifestName) of those and of the
// journal (journal.jsonl) as it is now. Each file is written to a temporary file in `dir`,
// flushed to disk and renamed over the final name, so a reader sees either the old file or the
// complete new one.
// Throws std::runtime_error naming the path and the system error if anything fails; temporary
// files are removed on failure.
void WriteReportDirectory(const Report& report, const std::filesystem::path& dir);

// Writes `content` to `path` as the report files are written: to a temporary file beside it,
// flushed to disk and renamed over `path` (mode 0644), so a reader sees the old file or the whole
// new one. Throws std::runtime_error naming the path and the system error; the temporary file is
// removed on failure. Also for other tools' pages (`miconform compare`).
void WriteFileAtomically(const std::filesystem::path& path, const std::string& content);

// Checks `dir` against its manifest: one sentence per problem (no manifest, a malformed line, a
// report file or the journal it does not cover, a listed file missing or not as written); empty
// when every file is as the run wrote it.
std::vector<std::string> CheckManifest(const std::filesystem::path& dir);

}  // namespace miconform::report

#endif  // MICONFORM_REPORT_WRITERS_H

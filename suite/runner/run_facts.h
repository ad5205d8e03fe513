// run_facts.h - the facts a report states about its run: the host and the time (the library's
// digest: report/digest.h).
//
// Used by the run command when it fills report::RunInfo.
#ifndef MICONFORM_RUNNER_RUN_FACTS_H
#define MICONFORM_RUNNER_RUN_FACTS_H

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace miconform::runner {

// "hostname (Linux 6.1.0 x86_64)".
std::string HostDescription();
// UTC ISO 8601 with milliseconds, e.g. "2026-11-25T13:35:45.123Z".
std::string IsoTimestamp(std::chrono::system_clock::time_point when);
// The time an IsoTimestamp names; nullopt for any other text.
std::optional<std::chrono::system_clock::time_point> ParseIsoTimestamp(std::string_view text);

}  // namespace miconform::runner

#endif  // MICONFORM_RUNNER_RUN_FACTS_H
